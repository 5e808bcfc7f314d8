package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An editor takes a link off a claim with a reason; the history keeps it, the
// source's record and the search follow.
func TestEvidence_Remove(t *testing.T) {
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
