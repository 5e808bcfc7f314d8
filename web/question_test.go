package web_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rivalOutcome adds, beside seed claim 1 (Trump travels to Moscow for May
// 9, asserted by Le Point), the forecast that he does not, asserted by
// Marco Rubio; it returns the new claim's id.
func (a *testApp) rivalOutcome() int64 {
	a.t.Helper()
	ctx := context.Background()
	c, err := a.db.CreateClaim(ctx, claimtrack.ClaimInput{Text: "Donald Trump will not be in Moscow for the parade on May 9.",
		Kind: claimtrack.KindForecast, DueDate: "2025-05-09"}, "tester")
	require.NoError(a.t, err)
	_, err = a.db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceID: int64(a.count(`SELECT id FROM sources WHERE name = ?`, "Marco Rubio")), Stance: claimtrack.StanceAsserts}, "tester")
	require.NoError(a.t, err)
	return c.ID
}

// rivalQuestion makes the rival outcome and a question with seed claim 1
// and it as outcomes, through the form; it returns the rival's id and the
// question's address.
func (a *testApp) rivalQuestion() (int64, string) {
	a.t.Helper()
	rival := a.rivalOutcome()
	res := a.post("/questions", url.Values{"title": {"Will Trump attend the Victory Day parade in Moscow?"},
		"outcomes": {"1, " + strconv.FormatInt(rival, 10)}})
	require.Equal(a.t, http.StatusSeeOther, res.status, res.body)
	return rival, res.header.Get("Location")
}

func (a *testApp) claimVersion(id int64) string {
	a.t.Helper()
	return strconv.Itoa(a.count(`SELECT version FROM claims WHERE id = ?`, id))
}

// An editor groups two claims under a question from the forms (bad input
// kept with a message per field); the question page lists the outcomes, who
// backed which, and the history; the claim pages list their rivals.
func TestQuestions_CreateAndShow(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	rival := a.rivalOutcome()

	form := a.get("/questions/new?claim=1")
	require.Equal(t, http.StatusOK, form.status)
	assert.Equal(t, "1", fieldValue(form.doc, `[data-testid="question-form"]`, "outcomes"))

	before := a.snapshot()
	bad := a.post("/questions", url.Values{"title": {"Trump?"}, "description": {"Kept"}, "outcomes": {"1, two"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.status)
	assert.Contains(t, bad.doc.Find(`[data-testid="error-title"]`).Text(), "at least 10")
	assert.Contains(t, bad.doc.Find(`[data-testid="error-outcomes"]`).Text(), "“two” is not a claim number")
	assert.Equal(t, "Kept", fieldValue(bad.doc, `[data-testid="question-form"]`, "description"))
	assert.Equal(t, "1, two", fieldValue(bad.doc, `[data-testid="question-form"]`, "outcomes"))
	assert.Equal(t, before, a.snapshot())
	assert.Zero(t, a.count(`SELECT count(*) FROM questions`))

	res := a.post("/questions", url.Values{"title": {"Will Trump attend the Victory Day parade in Moscow?"},
		"outcomes": {"#1 " + strconv.FormatInt(rival, 10)}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	loc := res.header.Get("Location")
	require.Regexp(t, `^/questions/\d+$`, loc)

	q := a.get(loc)
	require.Equal(t, http.StatusOK, q.status)
	assert.Contains(t, q.body, "Question saved")
	assert.Equal(t, "Will Trump attend the Victory Day parade in Moscow?", q.doc.Find(`[data-testid="question-title"]`).Text())
	outcomes := q.doc.Find(`[data-testid="outcome"]`)
	require.Equal(t, 2, outcomes.Length())
	assert.Equal(t, "1", outcomes.First().AttrOr("data-claim-id", ""))
	assert.Equal(t, 1, outcomes.First().Find(`[data-testid="overdue"]`).Length(), "the seed forecast is overdue")
	rubio := q.doc.Find(`[data-testid="backing-row"][data-source-id="` + a.sourceIDByName("Marco Rubio") + `"]`)
	assert.Equal(t, "Asserts", rubio.Find(`td[data-claim-id="`+strconv.FormatInt(rival, 10)+`"]`).Text())
	assert.Empty(t, rubio.Find(`td[data-claim-id="1"]`).Text())
	assert.Equal(t, 3, q.doc.Find(`[data-testid="timeline"] [data-testid="event"]`).Length(), "created, two outcomes added")
	assert.Equal(t, 1, q.doc.Find(`[data-testid="resolve-form"]`).Length())

	claim := a.get("/claims/1")
	assert.Equal(t, strconv.FormatInt(rival, 10), claim.doc.Find(`[data-testid="rival"]`).AttrOr("data-claim-id", ""))
	assert.Equal(t, loc, claim.doc.Find(`[data-testid="claim-question"]`).AttrOr("href", ""))
	box := claim.doc.Find(`[data-testid="refute-rivals"] input[name="refute"]`)
	assert.Equal(t, strconv.FormatInt(rival, 10)+":"+a.claimVersion(rival), box.AttrOr("value", ""))
	assert.Contains(t, claim.doc.Find(`[data-event-type="outcome_added"]`).Text(), "Will Trump attend")

	// The add-an-outcome form: a claim already an outcome elsewhere is
	// refused on the field, with what was typed kept.
	other := a.post("/questions", url.Values{"title": {"Will Putin meet Trump in May?"}})
	require.Equal(t, http.StatusSeeOther, other.status)
	refused := a.post(other.header.Get("Location")+"/outcomes", url.Values{"claim": {"1"}})
	require.Equal(t, http.StatusUnprocessableEntity, refused.status)
	assert.Contains(t, refused.doc.Find(`[data-testid="error-claim"]`).Text(), "already an outcome of “Will Trump attend")
	assert.Equal(t, "1", fieldValue(refused.doc, `[data-testid="add-outcome-form"]`, "claim"))
	notNumber := a.post(other.header.Get("Location")+"/outcomes", url.Values{"claim": {"two"}})
	assert.Equal(t, http.StatusUnprocessableEntity, notNumber.status)
	added := a.post(other.header.Get("Location")+"/outcomes", url.Values{"claim": {"2"}})
	require.Equal(t, http.StatusSeeOther, added.status)

	list := a.get("/questions")
	require.Equal(t, http.StatusOK, list.status)
	assert.Equal(t, 2, list.doc.Find(`[data-testid="question-row"]`).Length())
	assert.Equal(t, http.StatusNotFound, a.get("/questions/999").status)
	assert.Equal(t, http.StatusNotFound, a.get("/questions/abc").status)

	// Visitors read it all, and get none of the forms.
	a.signInAs("", "")
	q = a.get(loc)
	require.Equal(t, http.StatusOK, q.status)
	assert.Zero(t, q.doc.Find(`form[data-testid="resolve-form"], form[data-testid="add-outcome-form"]`).Length())
	assert.NotEqual(t, http.StatusSeeOther, a.post(loc+"/outcomes", url.Values{"claim": {"3"}}).status)
	assert.Equal(t, 2, a.count(`SELECT count(*) FROM claims WHERE question_id IS NOT NULL AND id IN (1, ?)`, rival))
}

// Confirming an outcome from its claim page with its rival ticked refutes
// the rival with the same note in one step; a rival changed meanwhile is a
// 409 that keeps the note and saves nothing; ticking rivals with another
// status is a 422 that keeps the input.
func TestQuestions_ConfirmRefutesRival(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	rival, loc := a.rivalQuestion()
	tick := strconv.FormatInt(rival, 10) + ":" + a.claimVersion(rival)

	before := a.snapshot()
	wrong := a.post("/claims/1/status", url.Values{"status": {"disputed"}, "note": {"Unclear."}, "version": {a.claimVersion(1)}, "refute": {tick}})
	require.Equal(t, http.StatusUnprocessableEntity, wrong.status)
	assert.Contains(t, wrong.doc.Find(`[data-testid="error-refute"]`).Text(), "only when this outcome is confirmed")
	assert.Equal(t, 1, wrong.doc.Find(`input[name="refute"][checked]`).Length(), "the tick is kept")
	assert.Equal(t, "Unclear.", fieldValue(wrong.doc, `[data-testid="status-form"]`, "note"))
	forged := a.post("/claims/1/status", url.Values{"status": {"confirmed"}, "note": {"Seen."}, "version": {a.claimVersion(1)}, "refute": {"<b>"}})
	assert.Equal(t, http.StatusUnprocessableEntity, forged.status)
	assert.Equal(t, before, a.snapshot())

	// Someone else changes the rival meanwhile.
	stale := tick
	a.setStatus(strconv.FormatInt(rival, 10), claimtrack.StatusDisputed, "Contested.")
	before = a.snapshot()
	conflict := a.post("/claims/1/status", url.Values{"status": {"confirmed"}, "note": {"He was on the tribune."}, "version": {a.claimVersion(1)}, "refute": {stale}})
	require.Equal(t, http.StatusConflict, conflict.status, conflict.body)
	assert.Contains(t, conflict.doc.Find(`[data-testid="error-refute"]`).Text(), "rival outcome #"+strconv.FormatInt(rival, 10))
	assert.Equal(t, "He was on the tribune.", fieldValue(conflict.doc, `[data-testid="status-form"]`, "note"))
	assert.Equal(t, before, a.snapshot(), "nothing saved")
	fresh := conflict.doc.Find(`[data-testid="refute-rivals"] input[name="refute"]`).AttrOr("value", "")
	assert.Equal(t, strconv.FormatInt(rival, 10)+":"+a.claimVersion(rival), fresh)

	done := a.post("/claims/1/status", url.Values{"status": {"confirmed"}, "note": {"He was on the tribune."}, "version": {a.claimVersion(1)}, "refute": {fresh}})
	require.Equal(t, http.StatusSeeOther, done.status, done.body)
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM claims WHERE id = 1 AND status = 'confirmed'`))
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM claims WHERE id = ? AND status = 'refuted' AND verdict_note = 'He was on the tribune.'`, rival))

	q := a.get(loc)
	assert.Contains(t, q.doc.Find(`[data-testid="question-answer"]`).Text(), "Donald Trump will travel to Moscow")
	verdicts := q.doc.Find(`[data-testid="timeline"] [data-event-type="status_changed"]`)
	assert.Equal(t, 3, verdicts.Length(), "the rival's dispute, then both verdicts of the one step")
	rivalPage := a.get("/claims/" + strconv.FormatInt(rival, 10))
	assert.Contains(t, rivalPage.doc.Find(`[data-event-type="status_changed"]`).First().Text(), "He was on the tribune.")
	assert.Contains(t, rivalPage.doc.Find(`[data-event-type="status_changed"]`).First().Text(), "ana")
}

// The question page's resolve form confirms the outcome chosen and refutes
// the others; a missing choice or note is a 422 with the note kept.
func TestQuestions_Resolve(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	rival, loc := a.rivalQuestion()
	page := a.get(loc)
	versions := []string{}
	page.doc.Find(`[data-testid="resolve-form"] input[name="version"]`).Each(func(_ int, s *goquery.Selection) {
		versions = append(versions, s.AttrOr("value", ""))
	})
	require.Len(t, versions, 2)

	before := a.snapshot()
	bad := a.post(loc+"/resolve", url.Values{"note": {"He stayed in Washington."}, "version": versions})
	require.Equal(t, http.StatusUnprocessableEntity, bad.status)
	assert.NotEmpty(t, bad.doc.Find(`[data-testid="error-outcome"]`).Text())
	assert.Equal(t, "He stayed in Washington.", fieldValue(bad.doc, `[data-testid="resolve-form"]`, "note"))
	noNote := a.post(loc+"/resolve", url.Values{"outcome": {versions[1]}, "version": versions})
	require.Equal(t, http.StatusUnprocessableEntity, noNote.status)
	assert.NotEmpty(t, noNote.doc.Find(`[data-testid="error-note"]`).Text())
	assert.Equal(t, before, a.snapshot())

	done := a.post(loc+"/resolve", url.Values{"outcome": {versions[1]}, "note": {"He stayed in Washington."}, "version": versions})
	require.Equal(t, http.StatusSeeOther, done.status, done.body)
	assert.Equal(t, [][2]string{{"1", "refuted"}, {strconv.FormatInt(rival, 10), "confirmed"}}, a.statuses(1, rival))

	feed := a.get(loc + ".atom")
	require.Equal(t, http.StatusOK, feed.status)
	var atom struct {
		Title   string `xml:"title"`
		Entries []struct {
			Title string `xml:"title"`
		} `xml:"entry"`
	}
	require.NoError(t, xml.Unmarshal([]byte(feed.body), &atom))
	assert.Contains(t, atom.Title, "Will Trump attend the Victory Day parade in Moscow?")
	assert.Len(t, atom.Entries, 5, "created, two outcomes added, two verdicts")
}

func (a *testApp) statuses(ids ...int64) [][2]string {
	a.t.Helper()
	var out [][2]string
	for _, id := range ids {
		var st string
		require.NoError(a.t, a.raw.QueryRow(`SELECT status FROM claims WHERE id = ?`, id).Scan(&st))
		out = append(out, [2]string{strconv.FormatInt(id, 10), st})
	}
	return out
}

// The API creates, reads, edits and searches questions, adds and removes
// outcomes, and confirms an outcome refuting its rival in one call.
func TestAPI_Questions(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	token := a.apiToken("ana", claimtrack.RoleEditor)
	rival := a.rivalOutcome()

	r := a.api("POST", "/questions", token, map[string]any{"title": "Will Trump attend the Victory Day parade in Moscow?", "outcomes": []int64{1, rival}})
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	id := int64(r.body["id"].(float64))
	assert.Len(t, r.body["outcome_claims"], 2)
	assert.NotEmpty(t, r.body["backing"])
	assert.Equal(t, `"1"`, r.header.Get("ETag"))

	r = a.api("POST", "/questions", token, map[string]any{"title": "Short"})
	assert.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Contains(t, r.fields(), "title")
	r = a.api("POST", "/questions", "", map[string]any{"title": "Will anyone without a token do this?"})
	assert.Equal(t, http.StatusUnauthorized, r.status)

	path := "/questions/" + strconv.FormatInt(id, 10)
	r = a.api("PATCH", path, token, map[string]any{"title": "Will Trump attend the parade in Moscow on May 9?"}, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	r = a.api("PATCH", path, token, map[string]any{"title": "Will Trump go to Moscow on May 9 after all?"}, "If-Match", `"1"`)
	assert.Equal(t, http.StatusPreconditionFailed, r.status)

	r = a.api("POST", path+"/outcomes", token, map[string]any{"claim_id": 2})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	assert.Len(t, r.body["outcome_claims"], 3)
	r = a.api("DELETE", path+"/outcomes/2", token, nil)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	assert.Len(t, r.body["outcome_claims"], 2)
	assert.Equal(t, http.StatusNotFound, a.api("DELETE", path+"/outcomes/2", token, nil).status)

	c := a.api("GET", "/claims/1", "", nil)
	assert.EqualValues(t, id, c.body["question_id"])
	r = a.api("POST", "/claims/1/status", token, map[string]any{"status": "refuted", "note": "He stayed home.",
		"version": c.body["version"], "refute": []map[string]any{{"id": rival, "version": 1}}})
	assert.Equal(t, http.StatusUnprocessableEntity, r.status, "rivals are refuted with a confirmation only")
	r = a.api("POST", "/claims/"+strconv.FormatInt(rival, 10)+"/status", token, map[string]any{"status": "confirmed", "note": "He stayed home.",
		"version": a.count(`SELECT version FROM claims WHERE id = ?`, rival), "refute": []map[string]any{{"id": 1, "version": c.body["version"]}}})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	assert.Equal(t, [][2]string{{"1", "refuted"}, {strconv.FormatInt(rival, 10), "confirmed"}}, a.statuses(1, rival))

	got := a.api("GET", path, "", nil)
	require.Equal(t, http.StatusOK, got.status)
	assert.EqualValues(t, rival, got.body["confirmed"])
	list := a.api("GET", "/questions", "", nil)
	require.Len(t, list.data(), 1)
	found := a.api("GET", "/search?q=parade", "", nil)
	require.Equal(t, http.StatusOK, found.status)
	qs, _ := found.body["questions"].([]any)
	require.Len(t, qs, 1)
	assert.EqualValues(t, id, qs[0].(map[string]any)["id"])

	page := a.get("/search?q=parade")
	assert.Equal(t, 1, page.doc.Find(`[data-testid="search-question"]`).Length())
}

// A claim as of a moment shows the question it was an outcome of then.
func TestAsOf_Question(t *testing.T) {
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	clock := a.settableClock()
	created := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	clock.Store(&created)
	c, err := a.db.CreateClaim(context.Background(), claimtrack.ClaimInput{Text: "Trump will attend the parade in Moscow on May 9.",
		Kind: claimtrack.KindForecast, DueDate: "2025-05-09"}, "ana")
	require.NoError(t, err)
	id := strconv.FormatInt(c.ID, 10)
	when := time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)
	clock.Store(&when)
	res := a.post("/questions", url.Values{"title": {"Will Trump attend the Victory Day parade in Moscow?"}, "outcomes": {id}})
	require.Equal(t, http.StatusSeeOther, res.status)
	later := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	clock.Store(&later)
	require.Equal(t, http.StatusSeeOther, a.post(res.header.Get("Location")+"/outcomes/"+id+"/remove", nil).status)
	clock.Store(nil)

	for asOf, want := range map[string]int{"2025-03-31": 0, "2025-04-15": 1, "2025-05-02": 0} {
		p := a.get("/claims/" + id + "?as_of=" + asOf)
		require.Equal(t, http.StatusOK, p.status)
		assert.Equal(t, want, p.doc.Find(`[data-testid="asof-question"]`).Length(), asOf)
		if want == 1 {
			assert.Equal(t, res.header.Get("Location"), p.doc.Find(`[data-testid="asof-question"]`).AttrOr("href", ""))
		}
	}
}
