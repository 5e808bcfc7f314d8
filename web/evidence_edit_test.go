package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// editFormValues is what the edit form of a link sends as it is shown.
func editFormValues(doc *goquery.Document) url.Values {
	const form = `[data-testid="evidence-edit-form"]`
	v := url.Values{}
	for _, name := range []string{"source_name", "source_kind", "stance", "quote", "url", "published_at", "via_source_id", "note", "version"} {
		v.Set(name, fieldValue(doc, form, name))
	}
	return v
}

// An editor corrects a link from its edit form, prefilled with the link:
// bad fields come back with their messages and the input kept, a stale
// version gives the conflict page with the edit ready to re-apply, an edit
// that changes nothing saves nothing, and a real one shows in the history
// as a word diff of the quote and the note and before → after of the rest.
func TestEvidence_Edit(t *testing.T) {
	a := newTestApp(t)
	var editURL string
	a.get("/claims/5").doc.Find(`[data-testid="evidence-item"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Find(".evidence-source").Text(), "Witkoff") {
			editURL = s.Find(`[data-testid="edit-evidence"]`).AttrOr("href", "")
			assert.Equal(t, strings.TrimSuffix(editURL, "/edit")+"/remove", s.Find(`[data-testid="remove-evidence"]`).AttrOr("href", ""),
				"Edit sits next to Remove")
		}
	})
	require.Regexp(t, `^/claims/5/evidence/\d+/edit$`, editURL)
	links, err := a.db.FindClaimEvidence(t.Context(), 5)
	require.NoError(t, err)
	var link *claimtrack.Evidence
	for _, e := range links {
		if e.Source.Name == "Steve Witkoff" {
			link = e
		}
	}
	require.NotNil(t, link)
	claim, err := a.db.FindClaimByID(t.Context(), 5)
	require.NoError(t, err)

	form := a.get(editURL)
	require.Equal(t, http.StatusOK, form.status)
	shown := editFormValues(form.doc)
	assert.Equal(t, "Steve Witkoff", shown.Get("source_name"))
	assert.Equal(t, string(link.Stance), shown.Get("stance"))
	assert.Equal(t, link.Quote, shown.Get("quote"))
	assert.Equal(t, link.URL, shown.Get("url"))
	assert.Equal(t, link.PublishedAt, shown.Get("published_at"))
	assert.Equal(t, link.Note, shown.Get("note"))
	assert.Empty(t, shown.Get("source_kind"), "the source exists: no kind needed")
	assert.Equal(t, claim.Version, formValueInt(t, shown.Get("version")))
	require.NotEmpty(t, link.Quote, "the seed's link has a quote to correct")

	before := a.snapshot()
	// 422: every bad field has its message, the input is kept.
	bad := cloneValues(shown)
	bad.Set("source_name", "")
	bad.Set("stance", "agrees")
	bad.Set("url", "javascript:alert(1)")
	bad.Set("quote", "A corrected quote that is kept.")
	res := a.post(editURL, bad)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	for _, f := range []string{"source_id", "stance", "url"} {
		assert.NotEmpty(t, res.doc.Find(`[data-testid="error-`+f+`"]`).Text(), f)
	}
	assert.Equal(t, "true", res.doc.Find("#edit-source").AttrOr("aria-invalid", ""))
	assert.Equal(t, "A corrected quote that is kept.", fieldValue(res.doc, `[data-testid="evidence-edit-form"]`, "quote"))
	assert.Equal(t, "javascript:alert(1)", fieldValue(res.doc, `[data-testid="evidence-edit-form"]`, "url"))
	bad = cloneValues(shown)
	bad.Set("source_name", "A Brand New Outlet")
	res = a.post(editURL, bad)
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, res.doc.Find(`[data-testid="error-source_kind"]`).Text(), "a new source needs a kind")
	bad = cloneValues(shown)
	bad.Del("version")
	res = a.post(editURL, bad)
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, res.doc.Find(`[data-testid="error-version"]`).Text())
	assert.Equal(t, claim.Version, formValueInt(t, fieldValue(res.doc, `[data-testid="evidence-edit-form"]`, "version")),
		"the form carries the version on screen again")

	// 409: the conflict page, with the edit kept and the current version.
	stale := cloneValues(shown)
	stale.Set("quote", "My correction of the quote.")
	stale.Set("version", "1")
	res = a.post(editURL, stale)
	require.Equal(t, http.StatusConflict, res.status)
	assert.Contains(t, res.doc.Find(`[data-testid="conflict"]`).Text(), "Someone else changed this claim first")
	assert.Equal(t, "My correction of the quote.", fieldValue(res.doc, `[data-testid="evidence-edit-form"]`, "quote"))
	assert.Equal(t, claim.Version, formValueInt(t, fieldValue(res.doc, `[data-testid="evidence-edit-form"]`, "version")))
	assert.Equal(t, editURL, res.doc.Find(`[data-testid="evidence-edit-form"]`).AttrOr("action", ""))

	// 404: no such link, or a link of another claim.
	assert.Equal(t, http.StatusNotFound, a.get("/claims/5/evidence/999/edit").status)
	assert.Equal(t, http.StatusNotFound, a.post("/claims/5/evidence/999/edit", shown).status)
	other := "/claims/1" + strings.TrimPrefix(editURL, "/claims/5")
	assert.Equal(t, http.StatusNotFound, a.get(other).status)
	assert.Equal(t, http.StatusNotFound, a.post(other, shown).status)

	// Nothing changed: nothing saved, and the page says so.
	res = a.post(editURL, shown)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, before, a.snapshot(), "nothing written by any of the above")
	assert.Contains(t, a.get("/claims/5").doc.Find(`[data-testid="flash"]`).Text(), "Nothing changed")

	// A real correction.
	edit := cloneValues(shown)
	edit.Set("quote", strings.Replace(link.Quote, " ", " indeed ", 1))
	edit.Set("stance", "disputes")
	edit.Set("note", "Checked against the recording.")
	edit.Set("published_at", "2025-05-02")
	res = a.post(editURL, edit)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/claims/5#main", res.header.Get("Location"))
	page := a.get("/claims/5").doc
	assert.Contains(t, page.Find(`[data-testid="flash"]`).Text(), "Evidence updated")
	assert.Contains(t, page.Find(`[data-testid="stance-disputes"]`).Text(), "Checked against the recording.")
	top := page.Find(`[data-testid="timeline"] [data-testid="event"]`).First()
	assert.Equal(t, "evidence_edited", top.AttrOr("data-event-type", ""))
	assert.Equal(t, "Steve Witkoff", strings.TrimSpace(top.Find(`[data-testid="edited-source"]`).Text()))
	quote := top.Find(`dd[data-field="quote"]`)
	assert.Equal(t, "indeed", strings.TrimSpace(quote.Find("ins").Text()), "a word diff of the quote")
	assert.Zero(t, quote.Find("del").Length(), "no word of the quote was taken out")
	note := top.Find(`dd[data-field="note"]`)
	assert.Contains(t, note.Find("del").Text(), "Quoted", "a word diff of the note")
	assert.Contains(t, note.Find("ins").Text(), "Checked")
	assert.Equal(t, "Checked against the recording.", strings.Join(strings.Fields(note.Find(".diff").Contents().Not("del").Text()), " "))
	stance := top.Find(`dd[data-field="stance"]`)
	assert.Equal(t, claimtrack.Stance(link.Stance).Label(), strings.TrimSpace(stance.Find("del").Text()))
	assert.Equal(t, "Disputes", strings.TrimSpace(stance.Find("ins").Text()))
	assert.Equal(t, "2 May 2025", strings.TrimSpace(top.Find(`dd[data-field="published_at"] ins`).Text()))
	assert.Zero(t, top.Find(`dd[data-field="url"]`).Length(), "only what changed")
	assert.Equal(t, before[5]+1, a.snapshot()[5], "the claim moved to its next version")

	// The recent changes offer the kind and say what changed.
	changes := a.get("/changes?type=evidence_edited")
	require.Equal(t, http.StatusOK, changes.status)
	assert.Equal(t, 1, changes.doc.Find(`select[name="type"] option[value="evidence_edited"]`).Length())
	assert.Equal(t, 1, changes.doc.Find(`[data-testid="event"]`).Length())
	feed := a.get("/changes.atom?type=evidence_edited")
	assert.Contains(t, feed.body, "Evidence edited: Steve Witkoff; changed stance, quote, published, note")

	// The claim as of now shows the link as edited.
	asOf := a.get("/claims/5?as_of=" + time.Now().UTC().Add(time.Hour).Format(time.RFC3339)).doc
	assert.Contains(t, asOf.Find(`[data-testid="evidence"]`).Text(), "Checked against the recording.")
	assert.Contains(t, asOf.Find(`[data-testid="evidence"]`).Text(), edit.Get("quote"))
}

// A link edited off one source onto another, with a via added: the history
// names both sources, the new source's record counts the claim, and a
// source's page shows the edit.
func TestEvidence_EditSourceAndVia(t *testing.T) {
	a := newTestApp(t)
	res := a.post("/claims", url.Values{"text": {"The ceasefire will hold through the weekend."}, "kind": {"forecast"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	claimPath := res.header.Get("Location")
	claimID := strings.TrimPrefix(claimPath, "/claims/")
	res = a.post(claimPath+"/evidence", url.Values{"source_name": {"The Morning Ledger"}, "source_kind": {"outlet"},
		"stance": {"asserts"}, "quote": {"the truce will hold"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	a.setStatus(claimID, claimtrack.StatusRefuted, "It broke on Sunday.")
	ledger := "/sources/" + a.sourceIDByName("The Morning Ledger")
	peskov := a.sourceIDByName("Dmitry Peskov")

	editURL := a.get(claimPath).doc.Find(`[data-testid="edit-evidence"]`).AttrOr("href", "")
	require.NotEmpty(t, editURL)
	form := a.get(editURL).doc
	edit := editFormValues(form)
	require.Equal(t, 1, form.Find(`#edit-via option[value="`+peskov+`"]`).Length(), "via offers the sources")
	edit.Set("source_name", "The Evening Courier")
	edit.Set("source_kind", "outlet")
	edit.Set("stance", "disputes")
	edit.Set("via_source_id", peskov)
	res = a.post(editURL, edit)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	page := a.get(claimPath).doc
	item := page.Find(`[data-testid="evidence-item"]`)
	require.Equal(t, 1, item.Length())
	assert.Contains(t, item.Text(), "The Evening Courier")
	assert.Contains(t, item.Find(".via").Text(), "Dmitry Peskov")
	top := page.Find(`[data-testid="timeline"] [data-testid="event"]`).First()
	assert.Equal(t, "The Evening Courier", strings.TrimSpace(top.Find(`[data-testid="edited-source"]`).Text()))
	assert.Equal(t, "The Morning Ledger", strings.TrimSpace(top.Find(`dd[data-field="source"] del`).Text()))
	assert.Equal(t, "The Evening Courier", strings.TrimSpace(top.Find(`dd[data-field="source"] ins`).Text()))
	assert.Equal(t, "none", strings.TrimSpace(top.Find(`dd[data-field="via"] del`).Text()))
	assert.Equal(t, "Dmitry Peskov", strings.TrimSpace(top.Find(`dd[data-field="via"] ins`).Text()))

	// The ledger's disagreement is taken back; the courier agrees.
	rows := a.get(ledger).doc.Find(`[data-testid="score-change"]`)
	require.Equal(t, 2, rows.Length(), "the verdict, then the edit")
	assert.Equal(t, "removed", rows.Eq(0).AttrOr("data-change", ""))
	assert.Equal(t, "link edited: no longer counts", strings.TrimSpace(rows.Eq(0).Find(".effect").Text()))
	courier := a.get("/sources/" + a.sourceIDByName("The Evening Courier")).doc
	assert.Equal(t, "1", strings.TrimSpace(courier.Find(`[data-testid="record-agree"]`).Text()))
	row := courier.Find(`[data-testid="score-change"]`).First()
	assert.Equal(t, "edited", row.AttrOr("data-change", ""))
	assert.Equal(t, "link edited: agrees with the verdict", strings.TrimSpace(row.Find(".effect").Text()))
}

// formValueInt reads a form's number field.
func formValueInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err, "%q is a number", s)
	return n
}
