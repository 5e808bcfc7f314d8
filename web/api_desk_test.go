package web_test

import (
	"net/http"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The desk and follows through the API: any account's token (a viewer's
// too), never without one; reading the desk does not mark it seen.
func TestAPI_DeskAndFollow(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	viewer := a.apiToken("vic", claimtrack.RoleViewer)
	editor := a.apiToken("ana", claimtrack.RoleEditor)

	assert.Equal(t, http.StatusUnauthorized, a.api("GET", "/desk", "", nil).status)
	assert.Equal(t, http.StatusUnauthorized, a.api("POST", "/claims/1/follow", "", nil).status)

	r := a.api("GET", "/desk", viewer, nil)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	overdue := r.body["overdue"].(map[string]any)
	open := a.count(`SELECT count(*) FROM claims WHERE kind = 'forecast' AND due_date <> '' AND status IN ('unverified', 'disputed')`)
	assert.EqualValues(t, open, overdue["total"])
	require.Len(t, overdue["claims"], open)
	assert.Equal(t, "overdue", overdue["claims"].([]any)[0].(map[string]any)["due"])
	assert.EqualValues(t, open, r.body["attention"])
	assert.Empty(t, r.body["followed"])

	assert.Equal(t, http.StatusNoContent, a.api("POST", "/claims/1/follow", viewer, nil).status)
	assert.Equal(t, http.StatusNoContent, a.api("POST", "/claims/1/follow", viewer, nil).status, "twice is once")
	assert.Equal(t, http.StatusNoContent, a.api("POST", "/sources/1/follow", viewer, nil).status)
	assert.Equal(t, http.StatusNotFound, a.api("POST", "/claims/999/follow", viewer, nil).status)
	assert.Equal(t, 2, a.count(`SELECT count(*) FROM follows`))

	a.setStatus("1", claimtrack.StatusRefuted, "He stayed home.")
	r = a.api("GET", "/desk", viewer, nil)
	followed := r.body["followed"].([]any)
	require.NotEmpty(t, followed)
	assert.Equal(t, "status_changed", followed[0].(map[string]any)["type"])
	assert.EqualValues(t, 1, followed[0].(map[string]any)["claim_id"])
	again := a.api("GET", "/desk", viewer, nil)
	assert.Len(t, again.body["followed"], len(followed), "reading the desk through the API marks nothing seen")

	assert.Equal(t, http.StatusNoContent, a.api("DELETE", "/claims/1/follow", viewer, nil).status)
	assert.Equal(t, http.StatusNoContent, a.api("DELETE", "/sources/1/follow", viewer, nil).status)
	assert.Zero(t, a.count(`SELECT count(*) FROM follows`))

	// The editor's own desk: what is assigned to them.
	require.Equal(t, http.StatusOK, a.api("POST", "/claims/2/assignee", editor, map[string]any{"assignee": "ana"}).status)
	r = a.api("GET", "/desk", editor, nil)
	assigned := r.body["assigned"].(map[string]any)
	assert.EqualValues(t, 1, assigned["total"])
	assert.EqualValues(t, 2, assigned["claims"].([]any)[0].(map[string]any)["id"])
}
