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

// An admin registers a hook (a bad address is refused with the input kept),
// sees its secret and its deliveries, sends one again and switches the hook
// off; editors and visitors cannot reach any of it.
func TestWebhooks_AdminPages(t *testing.T) {
	a := newTestApp(t)
	list := a.get("/admin/webhooks")
	require.Equal(t, http.StatusOK, list.status)
	assert.Equal(t, 1, list.doc.Find(`[data-testid="no-webhooks"]`).Length())
	assert.Equal(t, 1, list.doc.Find(`.admin-tabs a[aria-current][href="/admin/webhooks"]`).Length())

	bad := a.post("/admin/webhooks", url.Values{"url": {"javascript:alert(1)"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.status)
	assert.Equal(t, "javascript:alert(1)", bad.doc.Find(`#webhook-url`).AttrOr("value", ""), "the input is kept")
	assert.Equal(t, 1, bad.doc.Find(`[data-testid="error-url"]`).Length())
	assert.Zero(t, a.count(`SELECT count(*) FROM webhooks`))

	res := a.post("/admin/webhooks", url.Values{"url": {"http://127.0.0.1:9/hook"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	hookPath := res.header.Get("Location")
	require.True(t, strings.HasPrefix(hookPath, "/admin/webhooks/"), hookPath)
	page := a.get(hookPath)
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, "Webhook registered.")
	secret := page.doc.Find(`[data-testid="webhook-secret"]`).Text()
	assert.Len(t, secret, 64)
	assert.Equal(t, 1, page.doc.Find(`[data-testid="no-deliveries"]`).Length())

	// A verdict is delivered to the hook: its page lists the delivery.
	a.setStatus("1", claimtrack.StatusRefuted, "He stayed in Washington.")
	page = a.get(hookPath)
	rows := page.doc.Find(`[data-testid="delivery-row"]`)
	require.Equal(t, 1, rows.Length())
	assert.Equal(t, "pending", rows.AttrOr("data-state", ""))
	assert.Contains(t, rows.Text(), "Status changed")
	assert.Contains(t, rows.Text(), "not tried yet")
	redeliver := rows.Find(`form`).AttrOr("action", "")
	require.NotEmpty(t, redeliver)
	res = a.post(redeliver, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page = a.get(hookPath)
	assert.Contains(t, page.body, "Delivery queued")
	assert.Equal(t, 2, page.doc.Find(`[data-testid="delivery-row"]`).Length())
	assert.Contains(t, page.doc.Find(`[data-testid="delivery-row"]`).First().Text(), "sent again from")
	assert.Equal(t, http.StatusNotFound, a.post(hookPath+"/deliveries/99999/redeliver", nil).status)
	assert.Equal(t, http.StatusNotFound, a.get("/admin/webhooks/99999").status)

	res = a.post(hookPath+"/active", url.Values{"active": {"0"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	list = a.get("/admin/webhooks")
	assert.Contains(t, list.doc.Find(`[data-testid="webhook-row"]`).Text(), "Off")
	a.setStatus("2", claimtrack.StatusRefuted, "No such plan.")
	assert.Equal(t, 2, a.count(`SELECT count(*) FROM webhook_deliveries`), "a hook switched off hears of nothing")

	for _, role := range []claimtrack.Role{claimtrack.RoleEditor, ""} {
		a.signInAs("someone-"+string(role), role)
		for _, path := range []string{"/admin/webhooks", hookPath} {
			assert.NotEqual(t, http.StatusOK, a.get(path).status, "%s as %q", path, role)
		}
	}
}
