package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newForecast records a forecast due on the given day and returns its id.
func (a *testApp) newForecast(text, due string) string {
	a.t.Helper()
	res := a.post("/claims", url.Values{"text": {text}, "kind": {"forecast"}, "due_date": {due}, "similar_seen": {"1"}}) // alike on purpose
	require.Equal(a.t, http.StatusSeeOther, res.status, res.body)
	return strings.TrimPrefix(res.header.Get("Location"), "/claims/")
}

// dueBadges maps the claims of a list's rows (rows) to their due badge:
// "overdue", "due-soon" or "" for none.
func dueBadges(doc *goquery.Document, rows string) map[string]string {
	out := map[string]string{}
	doc.Find(rows).Each(func(_ int, s *goquery.Selection) {
		badge := ""
		if b := s.Find(`.due-badge`); b.Length() > 0 {
			badge = b.AttrOr("data-testid", "?")
		}
		out[s.AttrOr("data-claim-id", "")] = badge
	})
	return out
}

// Search hits carry the badge the claims list shows, and the API's hits the
// same due field as its claims: the seed forecasts are overdue on a fresh
// install, a forecast due in 3 days is due soon, a confirmed one has none.
func TestSearch_DueBadges(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	soon := a.newForecast("The zeppelin will land in Tallinn.", time.Now().UTC().AddDate(0, 0, 3).Format(time.DateOnly))
	done := a.newForecast("The zeppelin will fly over Riga.", "2030-01-02")
	a.setStatus(done, claimtrack.StatusConfirmed, "It flew early.")
	var seed []string
	rows, err := a.raw.Query(`SELECT id FROM claims WHERE kind = 'forecast' AND due_date = '2025-05-09' ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var id string
		require.NoError(t, rows.Scan(&id))
		seed = append(seed, id)
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, seed)

	_, p := a.searchIDs("kind:forecast")
	badges := dueBadges(p.doc, `[data-testid="search-hit"]`)
	want := map[string]string{soon: "due-soon", done: ""}
	for _, id := range seed {
		want[id] = "overdue"
	}
	assert.Equal(t, want, badges)
	hit := p.doc.Find(`[data-testid="search-hit"][data-claim-id="` + seed[0] + `"]`)
	assert.Equal(t, "Overdue since 9 May 2025", strings.TrimSpace(hit.Find(`[data-testid="overdue"]`).Text()), "the claims list's badge")
	list := dueBadges(a.get("/claims?kind=forecast").doc, `[data-testid="claim-row"]`)
	for id, badge := range badges {
		assert.Equal(t, list[id], badge, "claim %s as in the claims list", id)
	}

	res := a.api(http.MethodGet, "/search?q="+url.QueryEscape("kind:forecast"), "", nil)
	require.Equal(t, http.StatusOK, res.status, res.raw)
	got := map[string]string{}
	for _, h := range res.data() {
		hit := h.(map[string]any)
		got[jsonID(hit["id"])] = hit["due"].(string)
		one := a.api(http.MethodGet, "/claims/"+jsonID(hit["id"]), "", nil)
		assert.Equal(t, one.body["due"], hit["due"], "the claim API's due field")
	}
	wantAPI := map[string]string{soon: "soon", done: ""}
	for _, id := range seed {
		wantAPI[id] = "overdue"
	}
	assert.Equal(t, wantAPI, got)
}

// jsonID is an id decoded from JSON, as text.
func jsonID(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// settableClock makes the database's clock read the time stored in the
// pointer it returns, or the real time while that is nil.
func (a *testApp) settableClock() *atomic.Pointer[time.Time] {
	var clock atomic.Pointer[time.Time]
	a.db.Now = func() time.Time {
		if at := clock.Load(); at != nil {
			return *at
		}
		return time.Now()
	}
	return &clock
}

// A claim as of a moment shows who it was assigned to then, from its
// history, and its due badge as of that day: a forecast due 9 May 2025 was
// due soon on 5 May and overdue on 10 May, and has none once confirmed.
// The claims list as of a moment shows the badges of then too.
func TestAsOf_AssigneeAndDue(t *testing.T) {
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	clock := a.settableClock()
	at := func(s string) {
		when, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		clock.Store(&when)
	}
	at("2025-04-01T10:00:00Z")
	id := a.newForecast("Trump will attend the Victory Day parade in Moscow.", "2025-05-09")
	at("2025-04-02T10:00:00Z")
	require.Equal(t, http.StatusSeeOther, a.post("/claims/"+id+"/assignee", url.Values{"assignee": {"ana"}}).status)
	at("2025-05-07T10:00:00Z")
	require.Equal(t, http.StatusSeeOther, a.post("/claims/"+id+"/assignee", url.Values{"assignee": {""}}).status)
	clock.Store(nil)
	a.signInAs("ana", claimtrack.RoleEditor) // a session of today
	a.setStatus(id, claimtrack.StatusConfirmed, "He was on the stand.")

	for _, tc := range []struct {
		asOf, status, badge, badgeText, assignee string
	}{
		{"2025-04-01", "Unverified", "", "", ""},
		{"2025-05-05", "Unverified", "due-soon", "Due 9 May 2025", "Assigned to ana"},
		{"2025-05-10", "Unverified", "overdue", "Overdue since 9 May 2025", ""},
		{time.Now().UTC().Format(time.RFC3339Nano), "Confirmed", "", "", ""},
	} {
		t.Run(tc.asOf, func(t *testing.T) {
			p := a.get("/claims/" + id + "?as_of=" + url.QueryEscape(tc.asOf))
			require.Equal(t, http.StatusOK, p.status)
			require.Equal(t, 1, p.doc.Find(`[data-testid="as-of-banner"]`).Length())
			head := p.doc.Find(`.claim-meta`)
			badge := head.Find(`.due-badge`)
			if tc.badge == "" {
				assert.Zero(t, badge.Length(), head.Text())
				assert.Contains(t, head.Find(`.due`).Text(), "Due 9 May 2025", "the date without a badge")
			} else {
				assert.Equal(t, tc.badge, badge.AttrOr("data-testid", ""))
				assert.Equal(t, tc.badgeText, strings.TrimSpace(badge.Text()))
			}
			assert.Equal(t, tc.assignee, strings.TrimSpace(head.Find(`[data-testid="assignee"]`).Text()))
			assert.Contains(t, p.doc.Find(`[data-testid="claim"]`).Text(), tc.status)

			list := a.get("/claims?as_of=" + url.QueryEscape(tc.asOf))
			require.Equal(t, http.StatusOK, list.status)
			assert.Equal(t, tc.badge, dueBadges(list.doc, `[data-testid="claim-row"]`)[id], "the claims list of then")
		})
	}
	assert.Equal(t, 1, a.get("/claims/"+id+"?as_of=2025-03-31").doc.Find(`[data-testid="empty"]`).Length(), "not recorded yet")
	now := a.get("/claims/" + id)
	assert.Zero(t, now.doc.Find(`.claim-meta [data-testid="assignee"]`).Length(), "nobody now")
}

// A source's record as of a moment is split into its statements and its
// forecasts as it was then: a claim whose kind changed since counts in the
// part of the kind it had then. As the whole record of then, the parts have
// no claim counts.
func TestAsOf_SourceRecordParts(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	var forecasts []string
	claim := a.spokesmanClaim
	for i, text := range []string{"The talks took place on Monday.", "The talks took place in Riyadh.", "The delegation met twice."} {
		a.setStatus(claim(text, "statement"), claimtrack.StatusConfirmed, "Checked "+string(rune('A'+i))+".")
	}
	for i, text := range []string{"The summit will open on Monday.", "The summit will be held in Moscow.", "The leaders will sign a treaty."} {
		id := claim(text, "forecast")
		forecasts = append(forecasts, id)
		a.setStatus(id, claimtrack.StatusRefuted, "Did not happen "+string(rune('A'+i))+".")
	}
	var then string
	require.NoError(t, a.raw.QueryRow(`SELECT at FROM events ORDER BY id DESC LIMIT 1`).Scan(&then))
	// One forecast turns out to be a statement: today it counts there.
	edit := a.get("/claims/" + forecasts[0] + "/edit")
	form := url.Values{"text": {"The summit will open on Monday."}, "kind": {"statement"},
		"version": {fieldValue(edit.doc, `[data-testid="claim-form"]`, "version")}, "confirm_text": {"yes"}}
	res := a.post("/claims/"+forecasts[0], form)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	id := a.sourceIDByName("The Spokesman")
	parts := func(p page) [2]string {
		require.Equal(t, http.StatusOK, p.status)
		cell := func(part string) string {
			return strings.Join(strings.Fields(p.doc.Find(`[data-testid="part-`+part+`"] td`).First().Text()), " ")
		}
		return [2]string{cell("statements"), cell("forecasts")}
	}
	now := a.get("/sources/" + id)
	assert.Equal(t, [2]string{"67% (90% interval 34% to 92%)", "0 of 2 went its way"}, parts(now))
	past := a.get("/sources/" + id + "?as_of=" + url.QueryEscape(then))
	require.Equal(t, 1, past.doc.Find(`[data-testid="as-of-banner"]`).Length())
	assert.Equal(t, [2]string{"80% (90% interval 47% to 99%)", "20% (90% interval 1% to 53%)"}, parts(past), "the parts of then")
	assert.Equal(t, 2, now.doc.Find(`[data-testid="part-statements"] td`).Length(), "the record and the claims")
	assert.Equal(t, 1, past.doc.Find(`[data-testid="part-statements"] td`).Length(), "no claim counts as of then")
	early := a.get("/sources/" + id + "?as_of=2000-01-01")
	assert.Equal(t, [2]string{"No track record yet", "No track record yet"}, parts(early))
}
