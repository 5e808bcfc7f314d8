package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// todayUTC is today's date, the as-of value that shows the end of today.
func todayUTC() string { return time.Now().UTC().Format(time.DateOnly) }

// folded is the text of a selection with its white space folded.
func folded(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// On a fresh install no source has a verdict: no page shows a percentage
// for a source, every record reads "No track record yet", and the list
// asked for by reliability is no ranking.
func TestScores_FreshInstall(t *testing.T) {
	a := newTestApp(t)
	list := a.get("/sources")
	rows := list.doc.Find(`[data-testid="source-row"]`)
	require.Equal(t, 7, rows.Length())
	var ids []string
	rows.Each(func(_ int, row *goquery.Selection) {
		ids = append(ids, row.AttrOr("data-source-id", ""))
		assert.NotContains(t, row.Text(), "%", "row %s", row.AttrOr("data-source-id", ""))
		assert.Equal(t, "No track record yet", folded(row.Find(`[data-testid="score"]`)))
		assert.Zero(t, row.Find(`[data-testid="interval-bar"]`).Length())
	})

	ranked := a.get("/sources?sort=reliability")
	require.Equal(t, http.StatusOK, ranked.status)
	assert.Contains(t, folded(ranked.doc.Find(`[data-testid="unranked"]`)), "No source has a score yet")
	assert.Zero(t, ranked.doc.Find(`[data-testid="rank-break"]`).Length())
	assert.NotContains(t, folded(ranked.doc.Find(".summary")), "most reliable")
	assert.Equal(t, "Reliability", ranked.doc.Find(`[data-testid="source-sort"] a[aria-current]`).Text(), "the order asked for stays chosen")
	var names []string
	ranked.doc.Find(`[data-testid="source-row"]`).Each(func(_ int, row *goquery.Selection) {
		names = append(names, strings.ToLower(strings.TrimSpace(row.Find("th a").Text())))
		assert.NotContains(t, row.Text(), "%")
	})
	assert.Len(t, names, 7)
	assert.True(t, slices.IsSorted(names), "listed by name: %v", names)
	assert.Zero(t, a.get("/sources?sort=name").doc.Find(`[data-testid="unranked"]`).Length(), "by name is no ranking to explain")

	for _, id := range ids {
		p := a.get("/sources/" + id)
		require.Equal(t, http.StatusOK, p.status)
		main := p.doc.Find("main")
		assert.NotContains(t, main.Text(), "%", "source %s", id)
		rec := main.Find(`[data-testid="track-record"]`)
		assert.Equal(t, "none", rec.AttrOr("data-standing", ""))
		assert.Equal(t, "No track record yet", folded(rec.Find(`[data-testid="record-headline"]`)))
		assert.Zero(t, rec.Find(`[data-testid="score-chart"], [data-testid="score-table"], [data-testid="record-mean"]`).Length())
		assert.Equal(t, views.ReliabilityDocURL, rec.Find(`[data-testid="how-computed"]`).AttrOr("href", ""))
		assert.NotContains(t, rec.Text(), "Beta", "the formula is behind the link")
	}
	// Peskov asserts two open claims; the report's outlet only reports.
	peskov := a.get("/sources/" + a.sourceIDByName("Dmitry Peskov")).doc
	assert.Equal(t, "None of the 2 claims this source took a side on has a verdict yet, so there is nothing to judge it by.",
		folded(peskov.Find(`[data-testid="record-sentence"]`)))
	outlet := a.get("/sources/" + a.sourceIDByName("Victory Day report (outlet not named)")).doc
	assert.Equal(t, "The one claim this source took a side on has no verdict yet, so there is nothing to judge it by.",
		folded(outlet.Find(`[data-testid="record-sentence"]`)))

	claim := a.get("/claims/1").doc
	badges := claim.Find(`[data-testid="evidence-item"] [data-testid="score"]`)
	require.Positive(t, badges.Length())
	badges.Each(func(_ int, b *goquery.Selection) { assert.Equal(t, "No track record yet", folded(b)) })
	assert.NotContains(t, claim.Find(`[data-testid="evidence"]`).Text(), "%")

	// The API keeps the numbers, and says they are not enough.
	r := a.api("GET", "/sources?per_page=100", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	require.Len(t, r.data(), 7)
	for _, d := range r.data() {
		rel := d.(map[string]any)["reliability"].(map[string]any)
		assert.Equal(t, false, rel["enough"])
		assert.Equal(t, 0.5, rel["score"])
	}

	// As of today, the same: no ranking, no percentage.
	asOf := a.get("/sources?as_of=" + todayUTC())
	require.Equal(t, http.StatusOK, asOf.status)
	assert.Equal(t, 1, asOf.doc.Find(`[data-testid="unranked"]`).Length())
	assert.NotContains(t, asOf.doc.Find(`[data-testid="source-table"] tbody`).Text(), "%")
	one := a.get("/sources/" + ids[0] + "?as_of=" + todayUTC()).doc.Find("main")
	assert.NotContains(t, one.Text(), "%")
	assert.Equal(t, "By then no claim this source took a side on had a verdict, so there was nothing to judge it by.",
		folded(one.Find(`[data-testid="record-sentence"]`)))
}

// A source's record through its three standings: none, the counts below 3
// checked claims, then the score with its interval and a sentence in plain
// words, on the source page, the list, the claim page and the API.
func TestScores_Standings(t *testing.T) {
	a := newTestApp(t)
	res := a.post("/sources", url.Values{"name": {"Agence Exemple"}, "kind": {"agency"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	agency := strings.TrimPrefix(res.header.Get("Location"), "/sources/")
	var claims []string
	for i := range 7 {
		claims = append(claims, a.assertedBy(agency, "The agency's claim number "+strconv.Itoa(i+1)+" about the talks."))
	}
	record := func() *goquery.Selection { return a.get("/sources/" + agency).doc.Find(`[data-testid="track-record"]`) }
	badge := func() string {
		return folded(a.get("/claims/" + claims[0]).doc.Find(`[data-testid="evidence-item"] [data-testid="score"]`))
	}
	apiEnough := func() any {
		r := a.api("GET", "/sources/"+agency, "", nil)
		require.Equal(t, http.StatusOK, r.status)
		return r.body["reliability"].(map[string]any)["enough"]
	}
	assert.Equal(t, "none", record().AttrOr("data-standing", ""))
	assert.Equal(t, "None of the 7 claims this source took a side on has a verdict yet, so there is nothing to judge it by.",
		folded(record().Find(`[data-testid="record-sentence"]`)))

	// Two verdicts, one each way: the counts, no percentage.
	a.setStatus(claims[0], claimtrack.StatusConfirmed, "Checked.")
	a.setStatus(claims[1], claimtrack.StatusRefuted, "Checked.")
	rec := record()
	assert.Equal(t, "few", rec.AttrOr("data-standing", ""))
	assert.Equal(t, "1 of 2", folded(rec.Find(`[data-testid="record-headline"]`)))
	assert.Equal(t, "Of the 2 checked claims this source took a side on, 1 went its way. That is too few for a score: it takes 3. "+
		"5 more claims it took a side on await a verdict.", folded(rec.Find(`[data-testid="record-sentence"]`)))
	assert.NotContains(t, rec.Text(), "%")
	assert.Equal(t, 2, rec.Find(`[data-testid="score-table"] [data-testid="score-row"]`).Length(), "the changes as a table")
	assert.Zero(t, rec.Find(`[data-testid="score-chart"]`).Length(), "no chart")
	assert.Equal(t, "1 of 2 went its way", badge())
	row := a.get("/sources").doc.Find(`[data-testid="source-row"][data-source-id="` + agency + `"]`)
	assert.Equal(t, "1 of 2 went its way", folded(row.Find(`[data-testid="score"]`)))
	assert.NotContains(t, row.Text(), "%")
	assert.Equal(t, false, apiEnough())

	// Seven verdicts, five its way: the score with its interval. Beta(6, 3)
	// has mean 6/9 and the 90% interval 40% to 89%.
	for i, status := range []claimtrack.Status{claimtrack.StatusConfirmed, claimtrack.StatusConfirmed, claimtrack.StatusRefuted,
		claimtrack.StatusConfirmed, claimtrack.StatusConfirmed} {
		a.setStatus(claims[2+i], status, "Checked.")
	}
	rec = record()
	assert.Equal(t, "scored", rec.AttrOr("data-standing", ""))
	assert.Equal(t, "67%", folded(rec.Find(`[data-testid="record-mean"]`)))
	assert.Equal(t, "90% interval 40% to 89%", folded(rec.Find(`[data-testid="record-interval"]`)))
	assert.Equal(t, "Of the 7 checked claims this source took a side on, 5 went its way. "+
		"With so few, the true rate could be anywhere from 40% to 89%.", folded(rec.Find(`[data-testid="record-sentence"]`)))
	assert.Zero(t, rec.Find(`[data-testid="too-few"]`).Length())
	assert.Equal(t, "67% 40–89%", badge())
	assert.Equal(t, true, apiEnough())
	// Seven changes, five of them with a score: a chart, and the table.
	chart := rec.Find(`[data-testid="score-chart"]`)
	require.Equal(t, 1, chart.Length())
	assert.Equal(t, 5, chart.Find(`svg.chart-wide circle`).Length())
	assert.Equal(t, 7, chart.Find(`[data-testid="score-row"]`).Length())
	assert.Equal(t, "Times of day on "+a.get("/sources/"+agency).doc.Find(`[data-testid="score-change"] time`).First().Text()+", UTC.",
		folded(chart.Find(`[data-testid="chart-note"]`)), "the changes fell on one day: the axis tells them apart by time")

	list := a.get("/sources?sort=reliability").doc
	assert.Zero(t, list.Find(`[data-testid="unranked"]`).Length())
	first := list.Find(`[data-testid="source-row"]`).First()
	assert.Equal(t, agency, first.AttrOr("data-source-id", ""), "the only source with a score leads the ranking")
	assert.Equal(t, 1, first.Find(`[data-testid="interval-bar"]`).Length())
	assert.Equal(t, agency, list.Find(`[data-testid="rank-break"]`).Prev().AttrOr("data-source-id", ""))
	assert.Contains(t, folded(list.Find(`[data-testid="rank-break"]`)), "not ranked")
}

// The documentation is served as pages: "How is this computed?" leads to
// the reliability document's section on the score, and the links between
// the documents lead to their pages and headings.
func TestDocs_Pages(t *testing.T) {
	a := newBareApp(t)
	doc := a.get(views.ReliabilityDocURL)
	require.Equal(t, http.StatusOK, doc.status)
	assert.Equal(t, "Source reliability", doc.doc.Find("main h1").Text())
	section := doc.doc.Find(`#how-the-score-is-computed`)
	require.Equal(t, 1, section.Length(), "the link's anchor")
	assert.Contains(t, section.NextUntil("h2").Text(), "Beta(1 + went its way, 1 + went against it)")
	assert.Contains(t, doc.doc.Find("title").Text(), "Source reliability")
	assert.Equal(t, 1, doc.doc.Find(`main a[href="/docs/api#json-api"]`).Length())

	for _, bad := range []string{"/docs/nope", "/docs/..%2Fgo", "/docs/docs", "/docs/reliability.md", "/docs/"} {
		assert.Equal(t, http.StatusNotFound, a.get(bad).status, bad)
	}

	// Every link between the documents leads to a page that has its anchor.
	pages := map[string]*goquery.Document{}
	open := func(path string) *goquery.Document {
		if d, ok := pages[path]; ok {
			return d
		}
		p := a.get(path)
		require.Equal(t, http.StatusOK, p.status, path)
		pages[path] = p.doc
		return p.doc
	}
	checked := 0
	for _, name := range []string{"api", "data", "operations", "performance", "reliability", "search", "security", "testing"} {
		open("/docs/" + name).Find("main a[href]").Each(func(_ int, l *goquery.Selection) {
			href := l.AttrOr("href", "")
			path, frag, _ := strings.Cut(href, "#")
			if !strings.HasPrefix(href, "/docs/") && !strings.HasPrefix(href, "#") {
				return
			}
			if path == "" {
				path = "/docs/" + name
			}
			target := open(path)
			if frag != "" {
				assert.Equal(t, 1, target.Find("#"+frag).Length(), "%s links to %s", name, href)
			}
			checked++
		})
	}
	assert.Greater(t, checked, 20)
	// Markdown markup never shows as text.
	for path, d := range pages {
		text := d.Find("main").Text()
		assert.NotRegexp(t, regexp.MustCompile(`\]\(|\*\*|^#`), text, path)
		assert.Zero(t, d.Find("main script").Length())
	}
}
