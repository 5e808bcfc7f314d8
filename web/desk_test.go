package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
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

// An editor assigns a claim to themself from its page (a viewer cannot be
// assigned: the page says why, 422), follows it, and the desk, the claims
// list (?assignee=me, ?due=overdue) and the history all show it.
func TestDesk_AssignAndFollow(t *testing.T) {
	a := newTestApp(t)
	a.signInAs("vic", claimtrack.RoleViewer)
	a.signInAs("ana", claimtrack.RoleEditor)
	var id string
	require.NoError(t, a.raw.QueryRow(`SELECT id FROM claims WHERE kind = 'forecast' AND due_date <> '' ORDER BY id LIMIT 1`).Scan(&id))
	page := a.get("/claims/" + id)
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.doc.Find(`[data-testid="overdue"]`).Text(), "Overdue since")
	form := page.doc.Find(`[data-testid="assign-form"]`)
	require.Equal(t, 1, form.Length())
	assert.Equal(t, 1, form.Find(`option[value="ana"]`).Length())
	assert.Zero(t, form.Find(`option[value="vic"]`).Length(), "viewers are not offered")

	bad := a.post("/claims/"+id+"/assignee", url.Values{"assignee": {"vic"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.status)
	assert.Contains(t, bad.doc.Find(`[data-testid="error-assignee"]`).Text(), "viewer")

	res := a.post("/claims/"+id+"/assignee", url.Values{"assignee": {"ana"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page = a.get("/claims/" + id)
	assert.Contains(t, page.body, "Assignment saved")
	assert.Equal(t, "Assigned to ana", page.doc.Find(`[data-testid="assignee"]`).Text())
	assert.Contains(t, page.doc.Find(`[data-event-type="claim_assigned"]`).Text(), "ana")

	res = a.post("/claims/"+id+"/follow", nil)
	require.Equal(t, http.StatusSeeOther, res.status)
	page = a.get("/claims/" + id)
	assert.Equal(t, 1, page.doc.Find(`[data-testid="unfollow-button"]`).Length())

	mine := a.get("/claims?assignee=me")
	require.Equal(t, http.StatusOK, mine.status)
	rows := mine.doc.Find(`[data-testid="claim-row"]`)
	require.Equal(t, 1, rows.Length(), mine.doc.Find(`main`).Text())
	assert.Equal(t, id, rows.AttrOr("data-claim-id", ""))
	assert.Contains(t, mine.doc.Find(`[data-testid="assignee-filter"]`).Text(), "assigned to ana")
	overdue := a.get("/claims?due=overdue")
	assert.Equal(t, a.count(`SELECT count(*) FROM claims WHERE kind = 'forecast' AND due_date <> '' AND status IN ('unverified', 'disputed')`),
		overdue.doc.Find(`[data-testid="claim-row"]`).Length())
	assert.Equal(t, 1, overdue.doc.Find(`[data-testid="due-filter"]`).Length())

	desk := a.get("/desk")
	assert.Equal(t, id, desk.doc.Find(`[data-testid="desk-assigned"] [data-testid="desk-row"]`).AttrOr("data-claim-id", ""))
	// A change to the followed claim shows on the next visit.
	a.setStatus(id, claimtrack.StatusRefuted, "He did not go.")
	desk = a.get("/desk")
	assert.Contains(t, desk.doc.Find(`[data-testid="desk-followed"]`).Text(), "Refuted")
	assert.Equal(t, 1, desk.doc.Find(`[data-testid="desk-followed"] [data-testid="event"]`).Length())
	desk = a.get("/desk")
	assert.Zero(t, desk.doc.Find(`[data-testid="desk-followed"] [data-testid="event"]`).Length(), "seen on the last visit")

	res = a.post("/claims/"+id+"/unfollow", nil)
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, 1, a.get("/claims/"+id).doc.Find(`[data-testid="follow-button"]`).Length())
	assert.Equal(t, http.StatusNotFound, a.post("/claims/99999/follow", nil).status)
}

// A person's private feed lists the changes to what they follow, at an
// address with a token, no sign-in needed; a new address ends the old one,
// and stopping the feed ends it.
func TestDesk_PrivateFeed(t *testing.T) {
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	require.Equal(t, http.StatusSeeOther, a.post("/claims/1/follow", nil).status)
	a.setStatus("1", claimtrack.StatusRefuted, "He stayed in Washington.")
	res := a.post("/account/feed", nil)
	require.Equal(t, http.StatusOK, res.status)
	feedURL := res.doc.Find(`[data-testid="new-feed"] code`).Text()
	require.Contains(t, feedURL, "/feeds/feed_")
	path := feedURL[strings.Index(feedURL, "/feeds/"):]

	a.signInAs("", "") // a feed reader
	feed := a.get(path)
	require.Equal(t, http.StatusOK, feed.status)
	assert.Contains(t, feed.header.Get("Content-Type"), "application/atom+xml")
	assert.Equal(t, "private, no-store", feed.header.Get("Cache-Control"))
	assert.Contains(t, feed.body, "Refuted")
	assert.Contains(t, feed.body, "Followed by ana")
	assert.NotContains(t, feed.body, "feed_", "the feed never shows its own token")
	assert.Equal(t, http.StatusNotFound, a.get("/feeds/feed_nope").status)

	a.signInAs("ana", claimtrack.RoleEditor)
	assert.Equal(t, 1, a.get("/account").doc.Find(`[data-testid="feed-in-force"]`).Length())
	second := a.post("/account/feed", nil).doc.Find(`[data-testid="new-feed"] code`).Text()
	require.NotEqual(t, feedURL, second)
	assert.Equal(t, http.StatusNotFound, a.get(path).status, "a new address ends the old one")
	path = second[strings.Index(second, "/feeds/"):]
	assert.Equal(t, http.StatusOK, a.get(path).status)
	require.Equal(t, http.StatusSeeOther, a.post("/account/feed/revoke", nil).status)
	assert.Equal(t, http.StatusNotFound, a.get(path).status, "stopped")
}

// The API assigns a claim (an editor token; a viewer's is refused), shows
// the assignee and whether a forecast is overdue, and filters by both.
func TestAPI_AssignAndDue(t *testing.T) {
	a := newTestApp(t)
	editor := a.apiToken("ana", claimtrack.RoleEditor)
	viewer := a.apiToken("vic", claimtrack.RoleViewer)
	var id string
	require.NoError(t, a.raw.QueryRow(`SELECT id FROM claims WHERE kind = 'forecast' AND due_date <> '' ORDER BY id LIMIT 1`).Scan(&id))

	got := a.api(http.MethodGet, "/claims/"+id, "", nil)
	require.Equal(t, http.StatusOK, got.status)
	assert.Equal(t, "overdue", got.body["due"])
	assert.Equal(t, "", got.body["assignee"])
	version := got.body["version"].(float64)

	assert.Equal(t, http.StatusForbidden, a.api(http.MethodPost, "/claims/"+id+"/assignee", viewer, map[string]any{"assignee": "ana"}).status)
	bad := a.api(http.MethodPost, "/claims/"+id+"/assignee", editor, map[string]any{"assignee": "vic"})
	require.Equal(t, http.StatusUnprocessableEntity, bad.status, bad.raw)
	assert.Contains(t, bad.fields(), "assignee")
	assert.Equal(t, http.StatusUnprocessableEntity, a.api(http.MethodPost, "/claims/"+id+"/assignee", editor, map[string]any{}).status)

	res := a.api(http.MethodPost, "/claims/"+id+"/assignee", editor, map[string]any{"assignee": "ana"})
	require.Equal(t, http.StatusOK, res.status, res.raw)
	assert.Equal(t, "ana", res.body["assignee"])
	assert.Equal(t, version+1, res.body["version"], "a new version: the claim changed")

	mine := a.api(http.MethodGet, "/claims?assignee=me", editor, nil)
	require.Equal(t, http.StatusOK, mine.status)
	require.Len(t, mine.data(), 1)
	assert.Equal(t, http.StatusUnprocessableEntity, a.api(http.MethodGet, "/claims?due=later", "", nil).status)
	overdue := a.api(http.MethodGet, "/claims?due=overdue", "", nil)
	require.Equal(t, http.StatusOK, overdue.status)
	assert.NotEmpty(t, overdue.data())
	for _, c := range overdue.data() {
		assert.Equal(t, "overdue", c.(map[string]any)["due"])
	}
}

// The header shows signed-in people a link to their desk with the number of
// overdue forecasts plus the open claims assigned to them; visitors see no
// desk.
func TestDesk_HeaderCount(t *testing.T) {
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	overdue := a.count(`SELECT count(*) FROM claims WHERE kind = 'forecast' AND due_date <> '' AND due_date < date('now') AND status IN ('unverified', 'disputed')`)
	require.Positive(t, overdue)
	page := a.get("/claims")
	assert.Equal(t, strconv.Itoa(overdue), page.doc.Find(`[data-testid="attention"]`).Text())
	var statement string
	require.NoError(t, a.raw.QueryRow(`SELECT id FROM claims WHERE kind <> 'forecast' ORDER BY id LIMIT 1`).Scan(&statement))
	require.Equal(t, http.StatusSeeOther, a.post("/claims/"+statement+"/assignee", url.Values{"assignee": {"ana"}}).status)
	page = a.get("/claims")
	assert.Equal(t, strconv.Itoa(overdue+1), page.doc.Find(`[data-testid="attention"]`).Text())
	a.signInAs("", "")
	assert.Zero(t, a.get("/claims").doc.Find(`[data-testid="nav-desk"]`).Length())
}

// Re-review through the forms: a claim with a verdict that gets new
// evidence is listed on the desk (and its header count is unchanged: it is
// not assigned); a new verdict takes it off.
func TestDesk_ReReview(t *testing.T) {
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	reReview := func() []string {
		var ids []string
		a.get("/desk").doc.Find(`[data-testid="desk-re-review"] [data-testid="desk-row"]`).Each(func(_ int, s *goquery.Selection) {
			ids = append(ids, s.AttrOr("data-claim-id", ""))
		})
		return ids
	}
	a.setStatus("3", claimtrack.StatusConfirmed, "The Kremlin said so.")
	assert.Empty(t, reReview(), "a fresh verdict needs no second look")
	res := a.post("/claims/3/evidence", url.Values{"source_name": {"Izvestia"}, "source_kind": {"outlet"}, "stance": {"disputes"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, []string{"3"}, reReview(), "new evidence after the verdict")
	a.setStatus("3", claimtrack.StatusDisputed, "Izvestia says otherwise.")
	assert.Empty(t, reReview(), "the new verdict is the review")
}
