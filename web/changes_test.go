package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/mmcdole/gofeed"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func changeTypes(p page) []string {
	var out []string
	p.doc.Find(`[data-testid="changes"] [data-testid="event"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-event-type", ""))
	})
	return out
}

func TestChanges_Page(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.setStatus("1", claimtrack.StatusRefuted, "He stayed home.")
	a.signInAs("eddie", claimtrack.RoleEditor)
	a.setStatus("2", claimtrack.StatusDisputed, "Accounts differ.")

	p := a.get("/changes")
	require.Equal(t, http.StatusOK, p.status)
	types := changeTypes(p)
	require.NotEmpty(t, types)
	// Newest first: eddie's verdict, eddie's account being made, the admin's verdict.
	assert.Equal(t, []string{"status_changed", "user_created", "status_changed"}, types[:3])
	first := p.doc.Find(`[data-testid="changes"] [data-testid="event"]`).First()
	assert.Equal(t, "/claims/2", first.Find(`[data-testid="change-claim"]`).AttrOr("href", ""))
	assert.Contains(t, first.Find(".actor").Text(), "eddie")
	assert.Equal(t, 1, p.doc.Find(`link[rel="alternate"][type="application/atom+xml"][href="/changes.atom"]`).Length())

	only := a.get("/changes?type=status_changed")
	assert.Equal(t, []string{"status_changed", "status_changed"}, changeTypes(only))
	byActor := a.get("/changes?actor=eddie")
	assert.Equal(t, []string{"status_changed", "user_created"}, changeTypes(byActor))
	assert.NotEmpty(t, changeTypes(a.get("/changes?source=1")))
	assert.Empty(t, changeTypes(a.get("/changes?from=2000-01-01&to=2000-12-31")), "nothing then")
	assert.Equal(t, 1, a.get("/changes?from=2000-01-01&to=2000-12-31").doc.Find(`[data-testid="empty"]`).Length())

	// Unusable filters say so and the page still answers.
	for _, q := range []string{"from=yesterday", "to=2025-13-45", "type=nonsense", "source=abc", "before=x", "from=%00"} {
		res := a.get("/changes?" + q)
		assert.Equal(t, http.StatusOK, res.status, q)
	}
	assert.Contains(t, a.get("/changes?from=yesterday").doc.Find(`[data-testid="changes-filter"]`).Text(), "Use a date like")

	// Pages of 50, older ones behind a link.
	for i := range 60 {
		c, err := a.db.FindClaimByID(t.Context(), 3)
		require.NoError(t, err)
		_, err = a.db.SetClaimStatus(t.Context(), 3, claimtrack.StatusChange{Status: claimtrack.StatusDisputed, Note: "Again " + url.QueryEscape(string(rune('a'+i%26))), Version: c.Version}, "eddie")
		require.NoError(t, err)
	}
	p = a.get("/changes")
	assert.Len(t, changeTypes(p), 50)
	older := p.doc.Find(`[data-testid="older-changes"]`).AttrOr("href", "")
	require.NotEmpty(t, older)
	next := a.get(older)
	assert.NotEmpty(t, changeTypes(next))
	lastOfFirst, err := strconv.Atoi(p.doc.Find(`[data-testid="event"]`).Last().AttrOr("data-event-id", ""))
	require.NoError(t, err)
	firstOfNext, err := strconv.Atoi(next.doc.Find(`[data-testid="event"]`).First().AttrOr("data-event-id", ""))
	require.NoError(t, err)
	assert.Less(t, firstOfNext, lastOfFirst, "the next page goes on where the first stopped")
}

func parseFeed(t *testing.T, a *testApp, path string) *gofeed.Feed {
	t.Helper()
	p := a.get(path)
	require.Equal(t, http.StatusOK, p.status, path)
	assert.True(t, strings.HasPrefix(p.header.Get("Content-Type"), "application/atom+xml"), path)
	feed, err := gofeed.NewParser().ParseString(p.body)
	require.NoError(t, err, path)
	assert.Equal(t, "atom", feed.FeedType, path)
	return feed
}

// The feeds parse with a real feed parser, hold the expected entries with
// stable ids, newest first.
func TestChanges_Feeds(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.setStatus("1", claimtrack.StatusRefuted, "He stayed home.")
	a.setStatus("3", claimtrack.StatusConfirmed, "Repeated by the Kremlin.")

	all := parseFeed(t, a, "/changes.atom")
	require.NotEmpty(t, all.Items)
	assert.Contains(t, all.Items[0].Title, "Status changed: Unverified → Confirmed")
	assert.Contains(t, all.Items[0].Description, "Repeated by the Kremlin.")
	assert.True(t, strings.HasSuffix(all.Items[0].Link, "/claims/3"), all.Items[0].Link)
	again := parseFeed(t, a, "/changes.atom")
	for i := range all.Items {
		assert.Equal(t, all.Items[i].GUID, again.Items[i].GUID, "ids are stable")
		if i > 0 {
			assert.False(t, all.Items[i].UpdatedParsed.After(*all.Items[i-1].UpdatedParsed), "newest first")
		}
	}
	ids := map[string]bool{}
	for _, it := range all.Items {
		assert.False(t, ids[it.GUID], "unique ids")
		ids[it.GUID] = true
	}

	verdicts := parseFeed(t, a, "/verdicts.atom")
	require.Len(t, verdicts.Items, 2)
	assert.Contains(t, verdicts.Items[1].Title, "Unverified → Refuted")

	claim := parseFeed(t, a, "/claims/1.atom")
	assert.Contains(t, claim.Items[0].Title, "Refuted")
	assert.Equal(t, "Claim created — “Donald Trump will travel to Moscow for Russia's Victory Day celebrations on May 9.”",
		claim.Items[len(claim.Items)-1].Title)
	assert.Equal(t, 1, a.get("/claims/1").doc.Find(`link[rel="alternate"][href="/claims/1.atom"]`).Length())

	source := parseFeed(t, a, "/sources/1.atom")
	assert.NotEmpty(t, source.Items)
	assert.Equal(t, 1, a.get("/sources/1").doc.Find(`link[rel="alternate"][href="/sources/1.atom"]`).Length())

	assert.Equal(t, http.StatusNotFound, a.get("/claims/999.atom").status)
	assert.Equal(t, http.StatusNotFound, a.get("/sources/999.atom").status)
	assert.Equal(t, http.StatusNotFound, a.get("/claims/x.atom").status)
}
