package web_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// On a fresh install the desk lists the seed forecasts (due 9 May 2025) as
// overdue, each linking to its status form; visitors are sent to sign in.
func TestDesk_FreshInstall(t *testing.T) {
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	res := a.get("/desk")
	require.Equal(t, http.StatusOK, res.status)
	overdue := res.doc.Find(`[data-testid="desk-overdue"]`)
	rows := overdue.Find(`[data-testid="desk-row"]`)
	require.Positive(t, rows.Length())
	assert.Equal(t, rows.Length(), a.count(`SELECT count(*) FROM claims WHERE kind = 'forecast' AND due_date <> '' AND status IN ('unverified', 'disputed')`))
	assert.Equal(t, strconv.Itoa(rows.Length()), overdue.Find(`[data-testid="desk-count"]`).Text())
	href := rows.First().Find(`a.claim-row-text`).AttrOr("href", "")
	assert.Regexp(t, `^/claims/\d+#status-form$`, href)
	assert.Contains(t, rows.First().Find(`[data-testid="overdue"]`).Text(), "Overdue since 9 May 2025")

	a.signInAs("", "")
	assert.NotEqual(t, http.StatusOK, a.get("/desk").status, "the desk is for signed-in people")
}
