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

// The journey of acceptance item 2: list → claim → add evidence → refute with a
// note → the claim shows it all, and each change wrote exactly one event.
func TestJourney_RefuteAClaim(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)

	list := a.get("/")
	require.Equal(t, http.StatusOK, list.status)
	rows := list.doc.Find(`[data-testid="claim-row"]`)
	require.Equal(t, 8, rows.Length(), "the eight seed claims are listed")
	link := rows.FilterFunction(func(_ int, s *goquery.Selection) bool {
		id, _ := s.Attr("data-claim-id")
		return id == "1"
	}).Find("a.claim-row-text")
	href, ok := link.Attr("href")
	require.True(t, ok)
	require.Equal(t, "/claims/1", href)

	claim := a.get(href)
	require.Equal(t, http.StatusOK, claim.status)
	assert.Contains(t, claim.doc.Find(`[data-testid="claim-text"]`).Text(), "Victory Day")
	assert.Equal(t, "Unverified", claim.doc.Find(`[data-testid="verdict"] [data-testid="status"]`).Text())
	names := claim.doc.Find(`#evidence-form datalist#` + claim.doc.Find(`#evidence-form input[name="source_name"]`).AttrOr("list", "") + ` option`)
	require.Equal(t, 1, names.FilterFunction(func(_ int, o *goquery.Selection) bool { return o.AttrOr("value", "") == "Marco Rubio" }).Length(),
		"existing sources are suggested as the source's name is typed")
	eventsBefore := a.count("SELECT count(*) FROM events")

	// Add evidence from an existing source.
	res := a.post(href+"/evidence", url.Values{
		"source_name": {"Marco Rubio"}, "stance": {"disputes"}, "quote": {"No trip to Moscow is planned."},
		"url": {"https://example.org/rubio"}, "published_at": {"2025-04-30"}, "note": {"Press briefing."},
	})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	require.Equal(t, href+"#main", res.header.Get("Location"))
	assert.Equal(t, eventsBefore+1, a.count("SELECT count(*) FROM events"))

	claim = a.get(href)
	assert.Contains(t, claim.doc.Find(`[data-testid="flash"]`).Text(), "Evidence added")
	disputes := claim.doc.Find(`[data-testid="stance-disputes"]`)
	assert.Contains(t, disputes.Text(), "Marco Rubio")
	assert.Contains(t, disputes.Find("blockquote").Text(), "No trip to Moscow is planned.")
	assert.Empty(t, a.get(href).doc.Find(`[data-testid="flash"]`).Text(), "the message shows once")

	// Change the status with the version the form carries.
	version := fieldValue(claim.doc, "#status-form", "version")
	require.NotEmpty(t, version)
	action, _ := claim.doc.Find("#status-form").Attr("action")
	require.Equal(t, href+"/status#status-form", action, "a rejected form scrolls to its messages")
	res = a.post(href+"/status", url.Values{"status": {"refuted"}, "note": {"The visit did not take place on May 9."}, "version": {version}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	require.Equal(t, href+"#main", res.header.Get("Location"))
	assert.Equal(t, eventsBefore+2, a.count("SELECT count(*) FROM events"))

	claim = a.get(href)
	assert.Equal(t, "Refuted", claim.doc.Find(`[data-testid="verdict"] [data-testid="status"]`).Text())
	assert.Equal(t, "The visit did not take place on May 9.", claim.doc.Find(`[data-testid="verdict-note"]`).Text())
	top := claim.doc.Find(`[data-testid="timeline"] [data-testid="event"]`).First()
	assert.Equal(t, "status_changed", top.AttrOr("data-event-type", ""))
	assert.Contains(t, top.Text(), "The visit did not take place on May 9.")
	assert.Contains(t, top.Text(), "Unverified")
	assert.Contains(t, top.Text(), "Refuted")
	assert.Contains(t, top.Find(".actor").Text(), "admin", "the change is recorded with the signed-in account")
	second := claim.doc.Find(`[data-testid="timeline"] [data-testid="event"]`).Eq(1)
	assert.Equal(t, "evidence_added", second.AttrOr("data-event-type", ""))

	// The list counts it under its new status.
	list = a.get("/claims?status=refuted")
	assert.Equal(t, 1, list.doc.Find(`[data-testid="claim-row"]`).Length())
	assert.Contains(t, list.doc.Find(`[data-testid="filter-refuted"]`).Text(), "1")
}

func TestClaimCreateAndEdit(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	res := a.post("/claims", url.Values{"text": {"Putin will attend the G20 summit in person."}, "kind": {"forecast"},
		"due_date": {"2025-11-22"}, "tags": {"G20, Putin"}, "context": {"Said by an aide."}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	loc := res.header.Get("Location")
	require.Equal(t, "/claims/9", loc)

	claim := a.get(loc)
	assert.Contains(t, claim.doc.Find(`[data-testid="flash"]`).Text(), "Claim saved")
	assert.Equal(t, "Putin will attend the G20 summit in person.", claim.doc.Find(`[data-testid="claim-text"]`).Text())
	assert.Contains(t, claim.doc.Find(".tags").Text(), "#g20")

	edit := a.get(loc + "/edit")
	require.Equal(t, http.StatusOK, edit.status)
	assert.Equal(t, "1", fieldValue(edit.doc, `[data-testid="claim-form"]`, "version"))
	assert.Equal(t, "g20, putin", fieldValue(edit.doc, `[data-testid="claim-form"]`, "tags"))

	res = a.post(loc, url.Values{"text": {"Putin will attend the G20 summit in Johannesburg."}, "kind": {"forecast"},
		"due_date": {"2025-11-22"}, "tags": {"g20"}, "version": {"1"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	claim = a.get(loc)
	assert.Contains(t, claim.doc.Find(`[data-testid="flash"]`).Text(), "saved")
	top := claim.doc.Find(`[data-testid="event"]`).First()
	assert.Equal(t, "claim_edited", top.AttrOr("data-event-type", ""))
	// The text's change is shown word by word: only what changed is marked.
	assert.Equal(t, "person.", top.Find(`[data-field="text"] del`).Text())
	assert.Equal(t, "Johannesburg.", top.Find(`[data-field="text"] ins`).Text())
	assert.Contains(t, top.Find(`[data-field="text"]`).Text(), "Putin will attend the G20 summit in")
	assert.Contains(t, top.Find(`[data-field="tags"] del`).Text(), "putin")
}

func TestSourcesAndReport(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	list := a.get("/sources")
	require.Equal(t, http.StatusOK, list.status)
	assert.Equal(t, 7, list.doc.Find(`[data-testid="source-row"]`).Length())
	assert.Contains(t, list.body, "Dmitry Peskov")

	res := a.post("/sources", url.Values{"name": {"TASS"}, "kind": {"agency"}, "role": {"Russian state news agency"}, "url": {"https://tass.com/"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	src := a.get(res.header.Get("Location"))
	assert.Equal(t, "TASS", src.doc.Find("h1").Text())
	assert.Contains(t, src.doc.Find(`[data-testid="flash"]`).Text(), "Source saved")

	res = a.post("/sources", url.Values{"name": {"tass"}, "kind": {"agency"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.doc.Find(`[data-testid="error-name"]`).Text(), "already exists")

	// Peskov's page lists both of his claims with his stance.
	peskov := a.get("/search?q=Peskov")
	href, ok := peskov.doc.Find(`[data-testid="search-sources"] a`).First().Attr("href")
	require.True(t, ok, peskov.body)
	page := a.get(href)
	assert.Equal(t, 2, page.doc.Find(`[data-testid="source-claim"]`).Length())
	assert.Contains(t, page.doc.Find(`[data-testid="source-claim"]`).Text(), "Asserts")

	// Claims filtered by that source.
	id := strings.TrimPrefix(href, "/sources/")
	filtered := a.get("/claims?source=" + id)
	assert.Equal(t, 2, filtered.doc.Find(`[data-testid="claim-row"]`).Length())

	report := a.get("/reports/1")
	require.Equal(t, http.StatusOK, report.status)
	assert.Contains(t, report.doc.Find("h1").Text(), "Trump to attend Victory Day in Moscow")
	assert.Equal(t, 8, report.doc.Find(`[data-testid="claim-row"]`).Length())
	assert.Contains(t, report.body, "not named in the text")

	tagged := a.get("/claims?tag=riyadh-talks")
	assert.Equal(t, 2, tagged.doc.Find(`[data-testid="claim-row"]`).Length())
}

func TestClaimListPagination(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	for i := range 20 {
		res := a.post("/claims", url.Values{"text": {"Generated claim number " + strings.Repeat("x", i+1)}, "kind": {"statement"},
			"similar_seen": {"1"}})
		require.Equal(t, http.StatusSeeOther, res.status)
	}
	first := a.get("/claims")
	assert.Equal(t, 25, first.doc.Find(`[data-testid="claim-row"]`).Length())
	assert.Contains(t, first.doc.Find(".pager").Text(), "Page 1 of 2")
	next, ok := first.doc.Find(`.pager a[rel="next"]`).Attr("href")
	require.True(t, ok)
	second := a.get(next)
	assert.Equal(t, 3, second.doc.Find(`[data-testid="claim-row"]`).Length())
	beyond := a.get("/claims?page=99")
	assert.Equal(t, http.StatusOK, beyond.status)
	assert.Contains(t, beyond.doc.Find(`[data-testid="empty"]`).Text(), "first page")
	assert.Equal(t, http.StatusOK, a.get("/claims?page=-3&status=nonsense&source=abc").status)
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	p := a.get("/healthz")
	assert.Equal(t, http.StatusOK, p.status)
	assert.Equal(t, "ok\n", p.body)
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	for _, path := range []string{"/static/style.css", "/static/app.js", "/static/favicon.svg", "/favicon.ico"} {
		p := a.get(path)
		assert.Equal(t, http.StatusOK, p.status, path)
		assert.NotEmpty(t, p.header.Get("Content-Security-Policy"), "security headers on static files too")
	}
	assert.Equal(t, http.StatusNotFound, a.get("/static/").status)
	assert.Equal(t, http.StatusNotFound, a.get("/static/static.go").status)
	assert.Equal(t, http.StatusNotFound, a.get("/static/nope.css").status)
}

func TestHead(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	for path, want := range map[string]int{"/claims": 200, "/healthz": 200, "/claims/1": 200, "/claims/999": 404, "/static/style.css": 200} {
		req, err := http.NewRequest(http.MethodHead, a.srv.URL+path, nil)
		require.NoError(t, err)
		p := a.do(req)
		assert.Equal(t, want, p.status, path)
		assert.Empty(t, p.body, path)
	}
}
