package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// moment is what a claim looked like just after one change.
type moment struct {
	at       string // the change's time, as stored
	text     string
	status   string
	note     string
	evidence []string // source names, in order
	lePoint  string   // Le Point's score badge, "" when it has no link here
}

// A claim's text is edited twice, its status changed three times, evidence
// added and removed: the timeline shows each step with its diff and badges,
// and the claim as of each step's moment is exactly that step's state.
func TestAsOf_ClaimHistory(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	lastAt := func() string {
		var at string
		require.NoError(t, a.raw.QueryRow(`SELECT at FROM events WHERE claim_id = 9 ORDER BY id DESC LIMIT 1`).Scan(&at))
		return at
	}
	version := func() string { return fieldValue(a.get("/claims/9").doc, "#status-form", "version") }
	var moments []moment
	snap := func(text, status, note, lePoint string, evidence ...string) {
		moments = append(moments, moment{lastAt(), text, status, note, evidence, lePoint})
	}

	res := a.post("/claims", url.Values{"text": {"The parade will be held on May 9."}, "kind": {"forecast"}})
	require.Equal(t, "/claims/9", res.header.Get("Location"))
	snap("The parade will be held on May 9.", "Unverified", "", "")
	// A new text for a claim with a verdict is saved once confirmed.
	edit := func(text string, checked bool) {
		v := fieldValue(a.get("/claims/9/edit").doc, `[data-testid="claim-form"]`, "version")
		form := url.Values{"text": {text}, "kind": {"forecast"}, "version": {v}}
		if checked {
			res := a.post("/claims/9", form)
			require.Equal(t, http.StatusOK, res.status)
			require.Equal(t, 1, res.doc.Find(`[data-testid="confirm-text"]`).Length())
			form.Set("confirm_text", "yes")
		}
		require.Equal(t, http.StatusSeeOther, a.post("/claims/9", form).status)
	}
	edit("The parade will be held in Moscow on May 9.", false)
	snap("The parade will be held in Moscow on May 9.", "Unverified", "", "")
	res = a.post("/claims/9/evidence", url.Values{"source_id": {"1"}, "stance": {"asserts"}, "quote": {"le défilé"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	snap("The parade will be held in Moscow on May 9.", "Unverified", "", "No track record yet", "Le Point")
	a.setStatus("9", claimtrack.StatusConfirmed, "It was held.")
	snap("The parade will be held in Moscow on May 9.", "Confirmed", "It was held.", "1 of 1 went its way", "Le Point")
	edit("The Victory Day parade will be held in Moscow on May 9.", true)
	snap("The Victory Day parade will be held in Moscow on May 9.", "Confirmed", "It was held.", "1 of 1 went its way", "Le Point")
	res = a.post("/claims/9/evidence", url.Values{"source_name": {"Izvestia"}, "source_kind": {"outlet"}, "stance": {"supports"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	snap("The Victory Day parade will be held in Moscow on May 9.", "Confirmed", "It was held.", "1 of 1 went its way", "Le Point", "Izvestia")
	a.setStatus("9", claimtrack.StatusPartlyTrue, "Held, but shortened.")
	snap("The Victory Day parade will be held in Moscow on May 9.", "Partly true", "Held, but shortened.", "½ of 1 went its way", "Le Point", "Izvestia")
	remove := a.get("/claims/9").doc.Find(`[data-testid="evidence-item"]`).First().Find(`[data-testid="remove-evidence"]`).AttrOr("href", "")
	require.Equal(t, http.StatusSeeOther, a.post(remove, url.Values{"note": {"Not about this parade."}, "version": {version()}}).status)
	snap("The Victory Day parade will be held in Moscow on May 9.", "Partly true", "Held, but shortened.", "", "Izvestia")
	a.setStatus("9", claimtrack.StatusRefuted, "It was cancelled after all.")
	snap("The Victory Day parade will be held in Moscow on May 9.", "Refuted", "It was cancelled after all.", "", "Izvestia")

	// The timeline: every step, newest first, with diffs and badges.
	events := a.get("/claims/9").doc.Find(`[data-testid="event"]`)
	var types []string
	events.Each(func(_ int, s *goquery.Selection) { types = append(types, s.AttrOr("data-event-type", "")) })
	assert.Equal(t, []string{"status_changed", "evidence_removed", "status_changed", "evidence_added",
		"claim_edited", "status_changed", "evidence_added", "claim_edited", "claim_created"}, types)
	assert.Equal(t, "Victory Day ", events.Eq(4).Find(`[data-field="text"] ins`).Text())
	assert.Equal(t, "in Moscow ", events.Eq(7).Find(`[data-field="text"] ins`).Text())
	assert.Contains(t, events.Eq(0).Text(), "Partly true")
	assert.Contains(t, events.Eq(0).Text(), "Refuted")
	assert.Contains(t, events.Eq(1).Find("del").Text(), "Le Point")
	assert.Equal(t, 2, events.Find(`[data-testid="superseded-verdict"]`).Length(), "the first two verdicts were superseded")

	// The claim as of each moment.
	for i, m := range moments {
		p := a.get("/claims/9?as_of=" + url.QueryEscape(m.at))
		require.Equal(t, http.StatusOK, p.status)
		assert.Equal(t, 1, p.doc.Find(`[data-testid="as-of-banner"]`).Length(), "step %d", i)
		assert.Equal(t, m.text, p.doc.Find(`[data-testid="claim-text"]`).Text(), "step %d", i)
		assert.Equal(t, m.status, p.doc.Find(`[data-testid="verdict"] [data-testid="status"]`).Text(), "step %d", i)
		assert.Equal(t, m.note, p.doc.Find(`[data-testid="verdict-note"]`).Text(), "step %d", i)
		var names []string
		lePoint := ""
		p.doc.Find(`[data-testid="evidence-item"]`).Each(func(_ int, s *goquery.Selection) {
			name := strings.TrimSpace(s.Find(".evidence-source a").First().Text())
			names = append(names, name)
			if name == "Le Point" {
				lePoint = strings.Join(strings.Fields(s.Find(`[data-testid="score"]`).Text()), " ")
			}
		})
		assert.Equal(t, m.evidence, names, "step %d", i)
		assert.Equal(t, m.lePoint, lePoint, "Le Point's score at step %d", i)
		assert.Zero(t, p.doc.Find("#status-form, #evidence-form, [data-testid=remove-evidence]").Length(), "read only")
	}
}

// Unusable as_of values never fail: a clear message, or an empty state.
func TestAsOf_BadValues(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	for _, v := range []string{"garbage", "2025-13-40", "9999-12-31", "<script>", "2025-05-09T25:00"} {
		p := a.get("/claims/1?as_of=" + url.QueryEscape(v))
		require.Equal(t, http.StatusOK, p.status, v)
		assert.NotEmpty(t, p.doc.Find(`[data-testid="flash"]`).Text(), "%q explains itself", v)
		assert.Equal(t, 1, p.doc.Find("#status-form").Length(), "%q shows the claim as it is now", v)
	}
	p := a.get("/claims/1?as_of=2000-01-01")
	require.Equal(t, http.StatusOK, p.status)
	assert.Equal(t, 1, p.doc.Find(`[data-testid="empty"]`).Length(), "before the claim existed")
	assert.Contains(t, p.doc.Find(`[data-testid="empty"]`).Text(), "did not exist yet")
}

// A source's track record as of a moment: the score, the verdicts and the
// chart up to then.
func TestAsOf_Source(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	lePoint := a.sourceIDByName("Le Point")
	a.setStatus("1", claimtrack.StatusRefuted, "He stayed home.")
	var then string
	require.NoError(t, a.raw.QueryRow(`SELECT at FROM events ORDER BY id DESC LIMIT 1`).Scan(&then))
	a.setStatus("2", claimtrack.StatusConfirmed, "They met.")

	now := a.get("/sources/" + lePoint).doc.Find(`[data-testid="track-record"]`)
	assert.Equal(t, "1", strings.TrimSpace(now.Find(`[data-testid="record-agree"]`).Text()))
	p := a.get("/sources/" + lePoint + "?as_of=" + url.QueryEscape(then))
	require.Equal(t, http.StatusOK, p.status)
	rec := p.doc.Find(`[data-testid="track-record"]`)
	assert.Equal(t, 1, p.doc.Find(`[data-testid="as-of-banner"]`).Length())
	assert.Equal(t, "0", strings.TrimSpace(rec.Find(`[data-testid="record-agree"]`).Text()))
	assert.Equal(t, "1", strings.TrimSpace(rec.Find(`[data-testid="record-disagree"]`).Text()))
	assert.Equal(t, "0.333", rec.AttrOr("data-mean", ""))
	assert.Equal(t, "0 of 1", strings.TrimSpace(rec.Find(`[data-testid="record-headline"]`).Text()), "too few for a score")
	assert.Zero(t, rec.Find(`[data-testid="score-chart"]`).Length(), "one change: no chart")
	assert.Equal(t, 1, rec.Find(`[data-testid="score-table"] [data-testid="score-row"]`).Length(), "but a table")
	assert.Equal(t, 1, rec.Find(`[data-testid="score-change"]`).Length())
	assert.Zero(t, p.doc.Find(`[data-testid="source-claims"]`).Length(), "the linked claims of today are not shown")
	assert.Zero(t, p.doc.Find(`a[href$="/edit"]`).Length(), "read only")
	assert.Equal(t, "No track record yet", strings.TrimSpace(a.get("/sources/"+lePoint+"?as_of=2000-01-01").doc.Find(`[data-testid="record-headline"]`).Text()))
	assert.NotEmpty(t, a.get("/sources/"+lePoint+"?as_of=garbage").doc.Find(`[data-testid="flash"]`).Text())
}

// The claims list as of a moment: only the claims that existed, each as it
// stood then; the recent-changes page leads there.
func TestAsOf_ClaimsList(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	var beforeNew string
	require.NoError(t, a.raw.QueryRow(`SELECT at FROM events ORDER BY id DESC LIMIT 1`).Scan(&beforeNew))
	require.Equal(t, http.StatusSeeOther, a.post("/claims", url.Values{"text": {"A brand new claim about the talks."}, "kind": {"statement"}}).status)
	a.setStatus("1", claimtrack.StatusRefuted, "He stayed home.")

	ids := func(p page) []string {
		var out []string
		p.doc.Find(`[data-testid="claim-row"]`).Each(func(_ int, s *goquery.Selection) { out = append(out, s.AttrOr("data-claim-id", "")) })
		return out
	}
	then := a.get("/claims?as_of=" + url.QueryEscape(beforeNew))
	require.Equal(t, http.StatusOK, then.status)
	assert.Equal(t, 1, then.doc.Find(`[data-testid="as-of-banner"]`).Length())
	assert.NotContains(t, ids(then), "9", "not recorded yet")
	assert.Len(t, ids(then), 8)
	row1 := then.doc.Find(`[data-testid="claim-row"][data-claim-id="1"]`)
	assert.Equal(t, "Unverified", row1.Find(`[data-testid="status"]`).Text(), "its status then")
	assert.Contains(t, row1.Find("a.claim-row-text").AttrOr("href", ""), "as_of=")
	assert.Contains(t, row1.Find(".main-source").Text(), "Le Point")

	now := a.get("/claims?as_of=" + url.QueryEscape(time.Now().UTC().Format(time.RFC3339Nano)))
	assert.Equal(t, "9", ids(now)[0])
	assert.Equal(t, "Refuted", now.doc.Find(`[data-testid="claim-row"][data-claim-id="1"] [data-testid="status"]`).Text())

	assert.Equal(t, 1, a.get("/claims?as_of=2000-01-01").doc.Find(`[data-testid="empty"]`).Length())
	bad := a.get("/claims?as_of=soon")
	assert.Equal(t, http.StatusOK, bad.status)
	assert.NotEmpty(t, bad.doc.Find(`[data-testid="flash"]`).Text())
	assert.Equal(t, "/claims", a.get("/changes").doc.Find(`[data-testid="as-of-picker"]`).AttrOr("action", ""))
}

// The sources list as of a moment orders the sources by their reliability of
// then; as of now it is the list by reliability.
func TestAsOf_SourcesList(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.setStatus("1", claimtrack.StatusRefuted, "He stayed home.")
	a.setStatus("2", claimtrack.StatusRefuted, "No meeting.")
	a.setStatus("3", claimtrack.StatusConfirmed, "Repeated.")
	var then string
	require.NoError(t, a.raw.QueryRow(`SELECT at FROM events ORDER BY id DESC LIMIT 1`).Scan(&then))
	res := a.post("/claims", url.Values{"text": {"Macron will visit Kyiv before the end of the month."}, "kind": {"forecast"}})
	newClaim := strings.TrimPrefix(res.header.Get("Location"), "/claims/")
	require.Equal(t, http.StatusSeeOther, a.post("/claims/"+newClaim+"/evidence", url.Values{"source_id": {a.sourceIDByName("Le Point")}, "stance": {"asserts"}}).status)
	a.setStatus(newClaim, claimtrack.StatusConfirmed, "He went.")

	order := func(p page) []string {
		var out []string
		p.doc.Find(`[data-testid="source-row"]`).Each(func(_ int, s *goquery.Selection) {
			out = append(out, s.AttrOr("data-source-id", "")+":"+strings.TrimSpace(s.Find(`[data-testid="agree"]`).Text())+"/"+
				strings.TrimSpace(s.Find(`[data-testid="disagree"]`).Text()))
		})
		return out
	}
	past := a.get("/sources?as_of=" + url.QueryEscape(then))
	require.Equal(t, http.StatusOK, past.status)
	assert.Equal(t, 1, past.doc.Find(`[data-testid="as-of-banner"]`).Length())
	assert.Zero(t, past.doc.Find(`[data-testid="open"]`).Length(), "open counts are of today only")
	lp := a.sourceIDByName("Le Point")
	pastOrder := order(past)
	assert.Contains(t, pastOrder, lp+":0/2", "Le Point then")
	// No source had a score then: no ranking, the sources by name.
	assert.Equal(t, 1, past.doc.Find(`[data-testid="unranked"]`).Length())
	assert.Zero(t, past.doc.Find(`[data-testid="rank-break"]`).Length())
	var names []string
	past.doc.Find(`[data-testid="source-row"] th a`).Each(func(_ int, s *goquery.Selection) { names = append(names, strings.ToLower(s.Text())) })
	assert.True(t, slices.IsSorted(names), "by name: %v", names)
	assert.Len(t, names, 7)
	assert.NotContains(t, past.doc.Find(`[data-testid="source-table"] tbody`).Text(), "%")
	nowOrder := order(a.get("/sources?as_of=" + url.QueryEscape(time.Now().UTC().Format(time.RFC3339Nano))))
	assert.Equal(t, lp+":1/2", nowOrder[0], "first now")
	assert.Zero(t, a.get("/sources?as_of="+url.QueryEscape(time.Now().UTC().Format(time.RFC3339Nano))).doc.Find(`[data-testid="unranked"]`).Length(), "a ranking now")
	assert.Equal(t, order(a.get("/sources?sort=reliability")), nowOrder, "as of now is the list by reliability")
	assert.Empty(t, order(a.get("/sources?as_of=2000-01-01")), "no source yet")
	assert.NotEmpty(t, a.get("/sources?as_of=whenever").doc.Find(`[data-testid="flash"]`).Text())
}
