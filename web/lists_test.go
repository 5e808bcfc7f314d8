package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rowIDs are the claim ids of a claims list page, in order.
func rowIDs(p page) []string {
	var ids []string
	p.doc.Find(`[data-testid="claim-row"]`).Each(func(_ int, s *goquery.Selection) {
		ids = append(ids, s.AttrOr("data-claim-id", ""))
	})
	return ids
}

// Issue 18, item 10: the claims list sorts by last change as well as by
// creation, with a visible choice that keeps the filters, and the filters
// and the pages keep the order.
func TestClaimList_SortByLastChange(t *testing.T) {
	a := newTestApp(t)
	newest := rowIDs(a.get("/claims"))
	require.Equal(t, []string{"8", "7", "6", "5", "4", "3", "2", "1"}, newest, "newest first by default")

	a.setStatus("3", claimtrack.StatusDisputed, "Contested by the Kremlin.")
	a.setStatus("1", claimtrack.StatusRefuted, "He stayed in Washington.")
	assert.Equal(t, newest, rowIDs(a.get("/claims")), "a change does not move a claim in the newest-first order")

	p := a.get("/claims?sort=changed")
	require.Equal(t, http.StatusOK, p.status)
	assert.Equal(t, []string{"1", "3", "8", "7", "6", "5", "4", "2"}, rowIDs(p), "the last changed first")
	assert.Contains(t, p.doc.Find(`[data-testid="list-summary"]`).Text(), "most recently changed first")
	choice := p.doc.Find(`[data-testid="sort-choice"]`)
	assert.Equal(t, "Last changed", strings.TrimSpace(choice.Find(`a[aria-current]`).Text()), "the choice shows which order is on")
	assert.Equal(t, "/claims", choice.Find(`[data-testid="sort-created"]`).AttrOr("href", ""))

	// The status menu keeps the order; the order choice keeps the filters.
	assert.Equal(t, "/claims?sort=changed&status=refuted", p.doc.Find(`[data-testid="filter-refuted"]`).AttrOr("href", ""))
	f := a.get("/claims?status=disputed&tag=trump-putin-meeting")
	assert.Equal(t, "/claims?sort=changed&status=disputed&tag=trump-putin-meeting",
		f.doc.Find(`[data-testid="sort-changed"]`).AttrOr("href", ""))
	assert.Equal(t, []string{"3"}, rowIDs(a.get("/claims?sort=changed&status=disputed&tag=trump-putin-meeting")))
	assert.Equal(t, []string{"1", "2"}, rowIDs(a.get("/claims?sort=changed&q=Moscow")), "the words filter keeps the order too")
	assert.Equal(t, []string{"2", "1"}, rowIDs(a.get("/claims?q=Moscow")))

	// An order that is not one is ignored, as other unusable values are; the
	// API says what is wrong.
	assert.Equal(t, newest, rowIDs(a.get("/claims?sort=sideways")))
	r := a.api("GET", "/claims?sort=changed&per_page=2", "", nil)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	assert.EqualValues(t, 1, r.body["data"].([]any)[0].(map[string]any)["id"])
	assert.Equal(t, http.StatusUnprocessableEntity, a.api("GET", "/claims?sort=sideways", "", nil).status)
}

// Issue 18, item 10: the claims list filters by report; an unknown report
// is a 404 as an unknown source is.
func TestClaimList_FilterByReport(t *testing.T) {
	a := newTestApp(t)
	require.Equal(t, http.StatusSeeOther, a.post("/claims", map[string][]string{
		"text": {"A claim typed in by hand, from no report."}, "kind": {"statement"}}).status)

	all := a.get("/claims")
	require.Len(t, rowIDs(all), 9)
	p := a.get("/claims?report=1")
	require.Equal(t, http.StatusOK, p.status)
	assert.Equal(t, []string{"8", "7", "6", "5", "4", "3", "2", "1"}, rowIDs(p), "the report's claims only")
	chip := p.doc.Find(`[data-testid="report-filter"]`)
	assert.Contains(t, chip.Text(), "Trump to attend Victory Day in Moscow")
	assert.Equal(t, "/reports/1", chip.Find("a").First().AttrOr("href", ""))
	assert.Equal(t, "/claims", chip.Find(`a[aria-label="Remove report filter"]`).AttrOr("href", ""))
	assert.Equal(t, "8", strings.TrimSpace(p.doc.Find(`[data-testid="status-filter"] a[aria-current] .count`).Text()))
	assert.Equal(t, "/claims.csv?report=1", p.doc.Find(`[data-testid="export-view"] a`).First().AttrOr("href", ""))

	assert.Equal(t, http.StatusNotFound, a.get("/claims?report=99").status)
	assert.Equal(t, http.StatusNotFound, a.get("/claims.csv?report=99").status)
	r := a.api("GET", "/claims?report=1", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.EqualValues(t, 8, r.body["meta"].(map[string]any)["total"])
	assert.Equal(t, http.StatusUnprocessableEntity, a.api("GET", "/claims?report=first", "", nil).status)

	// The report page leads to its claims in the list.
	rep := a.get("/reports/1")
	assert.Equal(t, "/claims?report=1", rep.doc.Find(`[data-testid="report-in-list"]`).AttrOr("href", ""))
}

// Issue 18, item 10: /reports lists the reports with title, outlet, date and
// the number of their claims in each status, each count leading to the
// claims list filtered by the report and the status.
func TestReportList(t *testing.T) {
	a := newTestApp(t)
	a.setStatus("2", claimtrack.StatusConfirmed, "The Kremlin confirmed it.")
	a.setStatus("5", claimtrack.StatusConfirmed, "Both delegations said so.")
	a.setStatus("6", claimtrack.StatusRefuted, "No such meeting took place.")

	p := a.get("/reports")
	require.Equal(t, http.StatusOK, p.status)
	assert.Equal(t, "reports", strings.TrimSpace(p.doc.Find(`nav[aria-label="Main"] a[aria-current]`).AttrOr("href", "")[1:]))
	rows := p.doc.Find(`[data-testid="report-row"]`)
	require.Equal(t, 1, rows.Length())
	row := rows.First()
	assert.Equal(t, "Trump to attend Victory Day in Moscow, possible Putin meeting: Reports", strings.TrimSpace(row.Find("h2").Text()))
	assert.Equal(t, "/reports/1", row.Find("h2 a").AttrOr("href", ""))
	assert.Equal(t, "outlet not named", strings.TrimSpace(row.Find(`[data-testid="report-outlet"]`).Text()))
	assert.Equal(t, "date not given", strings.TrimSpace(row.Find(`[data-testid="report-date"]`).Text()))
	claims := row.Find(`[data-testid="report-claims"]`)
	assert.Equal(t, "8 claims", strings.TrimSpace(claims.Find("a").First().Text()))
	assert.Equal(t, "/claims?report=1", claims.Find("a").First().AttrOr("href", ""))
	counts := map[string]string{}
	claims.Find(".report-status").Each(func(_ int, s *goquery.Selection) {
		counts[strings.TrimSpace(s.Find(`[data-testid="status"]`).Text())] = strings.TrimSpace(s.Find(".count").Text())
	})
	assert.Equal(t, map[string]string{"Unverified": "5", "Confirmed": "2", "Refuted": "1"}, counts, "statuses with no claim are left out")
	assert.Equal(t, "/claims?report=1&status=confirmed", row.Find(`[data-testid="report-confirmed"]`).AttrOr("href", ""))
	assert.Equal(t, []string{"5", "2"}, rowIDs(a.get("/claims?report=1&status=confirmed")))

	// A report with a date and an outlet says them; the latest published comes first.
	_, _, err := a.db.ImportReport(t.Context(), claimtrack.ReportImport{
		Report: claimtrack.Report{Key: "tass-2025-05-10", Title: "Parade passes without foreign leaders", Outlet: "TASS", PublishedAt: "2025-05-10"},
		Claims: []claimtrack.ClaimImport{{Claim: claimtrack.ClaimInput{Text: "No foreign head of state attended the parade.", Kind: claimtrack.KindStatement}}},
	}, "chief")
	require.NoError(t, err)
	rows = a.get("/reports").doc.Find(`[data-testid="report-row"]`)
	require.Equal(t, 2, rows.Length())
	assert.Equal(t, "TASS", strings.TrimSpace(rows.First().Find(`[data-testid="report-outlet"]`).Text()))
	assert.Equal(t, "10 May 2025", strings.TrimSpace(rows.First().Find(`[data-testid="report-date"]`).Text()))
	assert.Equal(t, "1 claim", strings.TrimSpace(rows.First().Find(`[data-testid="report-claims"] a`).First().Text()))
	assert.Equal(t, "Trump to attend Victory Day in Moscow, possible Putin meeting: Reports", strings.TrimSpace(rows.Eq(1).Find("h2").Text()),
		"an undated report comes after the dated ones")
}

// Issue 18, item 10: the recent-changes page says how many changes match
// its filters; the count stops at its cap.
func TestChanges_CountMatches(t *testing.T) {
	a := newTestApp(t)
	all := a.count("SELECT count(*) FROM events")
	require.Greater(t, all, 1)
	p := a.get("/changes")
	assert.Equal(t, itoa(all)+" changes match, newest first.", strings.TrimSpace(p.doc.Find(`[data-testid="changes-count"]`).Text()))

	a.setStatus("1", claimtrack.StatusRefuted, "He stayed in Washington.")
	p = a.get("/changes?type=status_changed")
	assert.Equal(t, "1 change matches, newest first.", strings.TrimSpace(p.doc.Find(`[data-testid="changes-count"]`).Text()))
	p = a.get("/changes?actor=nobody")
	assert.Equal(t, "No change matches.", strings.TrimSpace(p.doc.Find(`[data-testid="changes-count"]`).Text()))

	// The count is the filters' (not the page's): an older page says the same.
	first := a.get("/changes?type=evidence_added")
	older := first.doc.Find(`.changes [data-testid="event"]`).Eq(2).AttrOr("data-event-id", "")
	require.NotEmpty(t, older)
	n := a.count("SELECT count(*) FROM events WHERE type = 'evidence_added'")
	p = a.get("/changes?type=evidence_added&before=" + older)
	require.Less(t, p.doc.Find(`.changes [data-testid="event"]`).Length(), n, "an older page")
	assert.Equal(t, itoa(n)+" changes match, newest first.", strings.TrimSpace(p.doc.Find(`[data-testid="changes-count"]`).Text()))

	// More than a page: counted, not the page's length.
	for i := range 25 {
		require.Equal(t, http.StatusSeeOther, a.post("/claims", map[string][]string{
			"text": {"A claim recorded to make the history longer, number " + itoa(i) + "."}, "kind": {"statement"},
			"similar_seen": {"1"}}).status)
	}
	all = a.count("SELECT count(*) FROM events")
	require.Greater(t, all, 50)
	p = a.get("/changes")
	assert.Equal(t, 50, p.doc.Find(`.changes [data-testid="event"]`).Length())
	assert.Equal(t, itoa(all)+" changes match, newest first.", strings.TrimSpace(p.doc.Find(`[data-testid="changes-count"]`).Text()))

	// Past the cap it says "more than".
	n, capped, err := a.db.CountMatchingEvents(t.Context(), claimtrack.EventFilter{}, 5)
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	assert.True(t, capped)
	n, capped, err = a.db.CountMatchingEvents(t.Context(), claimtrack.EventFilter{Types: []claimtrack.EventType{claimtrack.EventStatusChanged}}, 5)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.False(t, capped)
}

// Issue 18, item 11: a claim page, a source page and the recent changes show
// a visible "Follow (Atom)" link to their feed, which answers.
func TestFollowLinks(t *testing.T) {
	a := newBareApp(t)
	for path, feed := range map[string]string{
		"/claims/1":                   "/claims/1.atom",
		"/sources/1":                  "/sources/1.atom",
		"/changes":                    "/changes.atom",
		"/changes?type=claim_created": "/changes.atom?type=claim_created",
	} {
		p := a.get(path)
		require.Equal(t, http.StatusOK, p.status, path)
		link := p.doc.Find(`main [data-testid="follow"]`)
		require.Equal(t, 1, link.Length(), "%s has one follow link", path)
		assert.Equal(t, "Follow (Atom)", strings.TrimSpace(link.Text()), path)
		assert.Equal(t, feed, link.AttrOr("href", ""), path)
		res := a.get(feed)
		assert.Equal(t, http.StatusOK, res.status, feed)
		assert.Contains(t, res.header.Get("Content-Type"), "application/atom+xml", feed)
		assert.Contains(t, res.body, "<entry>", feed)
	}
	// The filtered feed follows the page's filters.
	assert.NotContains(t, a.get("/changes.atom?type=claim_created").body, "Evidence added")
}

// Issue 18, item 13: static files and health checks are not logged at info
// level, so the setup link stays in sight; pages are.
func TestRequestLog_QuietForStaticFilesAndHealthChecks(t *testing.T) {
	a := newBareApp(t)
	for _, path := range []string{"/claims", "/static/style.css", "/favicon.ico", "/healthz", "/static/missing.css"} {
		a.get(path)
	}
	logs := a.logText()
	assert.Contains(t, logs, "level=INFO msg=request method=GET path=/claims ")
	for _, path := range []string{"/static/style.css", "/favicon.ico", "/healthz", "/static/missing.css"} {
		assert.NotContains(t, logs, "path="+path+" ", "%s is not logged at info level", path)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
