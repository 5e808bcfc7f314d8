package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A source right about the past and wrong about the future shows it: the
// source page splits its record into statements and forecasts, the sources
// list ranks by the forecasts' part, and the API gives both parts.
func TestRecordsByKind(t *testing.T) {
	a := newTestApp(t)
	claim := a.spokesmanClaim
	for i, text := range []string{"The talks took place on Monday.", "The talks took place in Riyadh.", "The delegation met twice."} {
		a.setStatus(claim(text, "statement"), claimtrack.StatusConfirmed, "Checked "+string(rune('A'+i))+".")
	}
	for i, text := range []string{"The summit will open on Monday.", "The summit will be held in Moscow.", "The leaders will sign a treaty."} {
		a.setStatus(claim(text, "forecast"), claimtrack.StatusRefuted, "Did not happen "+string(rune('A'+i))+".")
	}
	id := a.sourceIDByName("The Spokesman")
	page := a.get("/sources/" + id)
	require.Equal(t, http.StatusOK, page.status)
	statements := page.doc.Find(`[data-testid="part-statements"]`).Text()
	forecasts := page.doc.Find(`[data-testid="part-forecasts"]`).Text()
	assert.Contains(t, statements, "80%", "3 of 3 statements went its way")
	assert.Contains(t, forecasts, "20%", "0 of 3 forecasts")

	list := a.get("/sources?sort=forecasts")
	require.Equal(t, http.StatusOK, list.status)
	assert.Equal(t, 1, list.doc.Find(`[data-testid="forecasts-note"]`).Length())
	assert.Equal(t, 1, list.doc.Find(`[data-testid="source-sort"] a[aria-current][href*="sort=forecasts"]`).Length())

	api := a.api(http.MethodGet, "/sources/"+id, "", nil)
	require.Equal(t, http.StatusOK, api.status)
	rel := api.body["reliability"].(map[string]any)
	assert.Equal(t, 3.0, rel["statements"].(map[string]any)["agree"])
	assert.Equal(t, 3.0, rel["forecasts"].(map[string]any)["disagree"])
	assert.Equal(t, http.StatusOK, a.api(http.MethodGet, "/sources?sort=forecasts", "", nil).status)
}

// spokesmanClaim records a claim of the kind (forecasts due 9 May 2025)
// through the form, asserted by "The Spokesman", and returns its id.
func (a *testApp) spokesmanClaim(text, kind string) string {
	a.t.Helper()
	form := url.Values{"text": {text}, "kind": {kind}, "similar_seen": {"1"}} // alike on purpose
	if kind == "forecast" {
		form.Set("due_date", "2025-05-09")
	}
	res := a.post("/claims", form)
	require.Equal(a.t, http.StatusSeeOther, res.status, res.body)
	id := strings.TrimPrefix(res.header.Get("Location"), "/claims/")
	res = a.post("/claims/"+id+"/evidence", url.Values{"source_name": {"The Spokesman"}, "source_kind": {"person"}, "stance": {"asserts"}})
	require.Equal(a.t, http.StatusSeeOther, res.status, res.body)
	return id
}
