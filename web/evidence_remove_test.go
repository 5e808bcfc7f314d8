package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An editor takes a link off a claim with a reason; the history keeps it, the
// source's record and the search follow.
func TestEvidence_Remove(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	claim := a.get("/claims/5").doc
	var removeURL string
	claim.Find(`[data-testid="evidence-item"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Find(".evidence-source").Text(), "Witkoff") {
			removeURL = s.Find(`[data-testid="remove-evidence"]`).AttrOr("href", "")
		}
	})
	require.NotEmpty(t, removeURL)
	form := a.get(removeURL)
	require.Equal(t, http.StatusOK, form.status)
	assert.Contains(t, form.doc.Find("main").Text(), "Steve Witkoff")
	version := fieldValue(form.doc, `[data-testid="remove-form"]`, "version")

	before := a.snapshot()
	res := a.post(removeURL, url.Values{"note": {"   "}, "version": {version}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, res.doc.Find(`[data-testid="error-note"]`).Text())
	res = a.post(removeURL, url.Values{"note": {"Wrong person."}, "version": {"1"}})
	assert.Equal(t, http.StatusConflict, res.status)
	assert.Equal(t, before, a.snapshot(), "nothing written")
	assert.Equal(t, http.StatusNotFound, a.get("/claims/5/evidence/999/remove").status)
	assert.Equal(t, http.StatusNotFound, a.get("/claims/1"+strings.TrimPrefix(removeURL, "/claims/5")).status, "a link of another claim")

	res = a.post(removeURL, url.Values{"note": {"The quote was from another envoy."}, "version": {version}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page := a.get("/claims/5").doc
	assert.NotContains(t, page.Find(`[data-testid="evidence"]`).Text(), "Witkoff")
	top := page.Find(`[data-testid="event"]`).First()
	assert.Equal(t, "evidence_removed", top.AttrOr("data-event-type", ""))
	assert.Contains(t, top.Find("del").Text(), "Steve Witkoff")
	assert.Contains(t, top.Text(), "The quote was from another envoy.")
	ids, _ := a.searchIDs("source:witkoff")
	assert.Empty(t, ids)
	assert.Equal(t, http.StatusNotFound, a.get(removeURL).status, "gone")
}

// A source disputes a claim, the claim is confirmed, then the link is taken
// off. The source's page shows the verdict (it disagreed) and then the removal
// as a removal: one row that says the link was removed and no longer counts,
// not a second "disagrees with the verdict".
func TestEvidence_RemoveReadsAsRemovalOnSourcePage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	res := a.post("/claims", url.Values{"text": {"The ceasefire will hold through the weekend."}, "kind": {"forecast"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	claimPath := res.header.Get("Location")
	claimID := strings.TrimPrefix(claimPath, "/claims/")
	res = a.post(claimPath+"/evidence", url.Values{"source_name": {"The Morning Ledger"}, "source_kind": {"outlet"},
		"stance": {"disputes"}, "quote": {"the truce will not last a day"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	a.setStatus(claimID, claimtrack.StatusConfirmed, "It held.")
	source := "/sources/" + a.sourceIDByName("The Morning Ledger")

	removeURL := a.get(claimPath).doc.Find(`[data-testid="remove-evidence"]`).AttrOr("href", "")
	require.NotEmpty(t, removeURL)
	version := fieldValue(a.get(removeURL).doc, `[data-testid="remove-form"]`, "version")
	res = a.post(removeURL, url.Values{"note": {"The quote was about another truce."}, "version": {version}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	rows := a.get(source).doc.Find(`[data-testid="score-change"]`)
	require.Equal(t, 2, rows.Length(), "the verdict, then the removal")
	removal, verdict := rows.Eq(0), rows.Eq(1)
	effect := func(s *goquery.Selection) string { return strings.TrimSpace(s.Find(".effect").Text()) }

	assert.Equal(t, "disagrees with the verdict", effect(verdict))
	assert.Contains(t, verdict.Text(), "After it: 0 agree, 1 disagree.")

	assert.Equal(t, "link removed: no longer counts", effect(removal))
	assert.Equal(t, "removed", removal.AttrOr("data-change", ""))
	assert.NotContains(t, removal.Text(), "disagrees", "a removal is not a second disagreement")
	assert.Contains(t, removal.Text(), "After it: 0 agree, 0 disagree.")
	assert.Zero(t, removal.Find(`[data-testid="superseded"]`).Length())
	assert.Equal(t, 1, a.get(source).doc.Find(`.effect:contains("disagrees")`).Length(), "one disagreement, once")

	// A later verdict supersedes the old one, not the removal: the link no
	// longer counts, whatever the verdict.
	a.setStatus(claimID, claimtrack.StatusRefuted, "It broke on Sunday.")
	rows = a.get(source).doc.Find(`[data-testid="score-change"]`)
	require.Equal(t, 2, rows.Length(), "a verdict on a claim the source no longer has a link on does not count")
	assert.Zero(t, rows.Eq(0).Find(`[data-testid="superseded"]`).Length())
	assert.Equal(t, 1, rows.Eq(1).Find(`[data-testid="superseded"]`).Length())
}
