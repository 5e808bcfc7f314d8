package e2e

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// postForm sends a form with the client's CSRF token and returns the page
// the redirect leads to, with its address.
func postForm(t *testing.T, a *app, c *http.Client, path string, form url.Values) (string, *goquery.Document) {
	t.Helper()
	form.Set("_csrf", csrfOf(t, a, c))
	res, err := c.PostForm(a.base+path, form)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "POST %s", path)
	doc, err := goquery.NewDocumentFromReader(res.Body)
	require.NoError(t, err)
	return res.Request.URL.Path, doc
}

// giveVerdicts makes a source and one claim it asserts per status, through
// the forms, and gives each claim its verdict. It returns the source's
// address.
func giveVerdicts(t *testing.T, a *app, c *http.Client, name string, statuses ...string) string {
	t.Helper()
	source, _ := postForm(t, a, c, "/sources", url.Values{"name": {name}, "kind": {"agency"}})
	require.Regexp(t, `^/sources/\d+$`, source)
	for i, status := range statuses {
		claim, _ := postForm(t, a, c, "/claims", url.Values{"text": {name + " says thing number " + strconv.Itoa(i+1) + " about the talks."},
			"kind": {"statement"}, "similar_seen": {"1"}}) // alike on purpose
		require.Regexp(t, `^/claims/\d+$`, claim)
		_, doc := postForm(t, a, c, claim+"/evidence", url.Values{"source_name": {name}, "stance": {"asserts"}})
		version := doc.Find(`#status-form input[name="version"]`).AttrOr("value", "")
		require.NotEmpty(t, version)
		postForm(t, a, c, claim+"/status", url.Values{"status": {status}, "note": {"Checked against the record."}, "version": {version}})
	}
	return source
}

// scorePages are the pages of sources in each standing, for the page checks.
type scorePages struct {
	scored    string // a source with a score and a chart
	few       string // a source with two verdicts
	unranked  string // the sources list as of a moment before any verdict
	beforeAny string // that moment
}

// makeScorePages gives one source seven verdicts (five its way) and
// another two.
func makeScorePages(t *testing.T, a *app, c *http.Client) scorePages {
	t.Helper()
	before := time.Now().UTC().Format(time.RFC3339Nano)
	p := scorePages{beforeAny: before, unranked: "/sources?as_of=" + url.QueryEscape(before)}
	p.scored = giveVerdicts(t, a, c, "Agence Exemple", "confirmed", "confirmed", "refuted", "confirmed", "refuted", "confirmed", "confirmed")
	p.few = giveVerdicts(t, a, c, "Agence Rare", "refuted", "confirmed")
	return p
}

// noPercent fails when a part of the page shows a percentage.
func noPercent(t *testing.T, s *goquery.Selection, what string) {
	t.Helper()
	assert.NotContains(t, s.Text(), "%", "%s shows a percentage", what)
}

// The scores a journalist sees: on a fresh install no source reads as a
// percentage and no list is a ranking; a first verdict gives counts; a
// record of seven gives a score with its interval in plain words, a chart
// whose time axis reads at 375 px, and a link to how it is computed.
func TestJourney_Scores(t *testing.T) {
	eachWay(t, "scores", func(t *testing.T, b *browser) {
		a := &app{base: b.base}

		// A fresh install: every source, on the list and on its page,
		// reads "No track record yet".
		b.open("/sources")
		var pages []string
		rows := b.doc().Find(`[data-testid="source-row"]`)
		require.Equal(t, 7, rows.Length())
		rows.Each(func(_ int, row *goquery.Selection) {
			name := strings.TrimSpace(row.Find("th a").Text())
			noPercent(t, row, "the row of "+name)
			assert.Equal(t, "No track record yet", strings.TrimSpace(row.Find(`[data-testid="score"]`).Text()), name)
			pages = append(pages, row.Find("th a").AttrOr("href", ""))
		})
		b.follow(`[data-testid="source-sort"] a[href="/sources?sort=reliability"]`)
		assert.Contains(t, b.text(`[data-testid="unranked"]`), "So there is no ranking; the sources are listed by name.")
		assert.Zero(t, b.count(`[data-testid="rank-break"]`))
		noPercent(t, b.doc().Find(`[data-testid="source-table"] tbody`), "the list by reliability")
		for _, p := range pages {
			b.open(p)
			noPercent(t, b.doc().Find("main"), "the page of "+b.text("h1"))
			assert.Equal(t, "No track record yet", b.text(`[data-testid="record-headline"]`))
		}
		b.open("/claims/1")
		noPercent(t, b.doc().Find(`[data-testid="evidence"]`), "the claim's evidence")

		// An editor confirms claim 3: its source now has one verdict,
		// shown as counts, still no percentage.
		b.signIn(editorName)
		b.open("/claims/3")
		b.click(`#status-form input[name="status"][value="confirmed"]`)
		b.fill("#status-note", "The Kremlin repeated that nothing was settled.")
		b.follow(`#status-form button[type="submit"]`)
		assert.Equal(t, "1 of 1 went its way", b.text(`[data-testid="evidence-item"] [data-testid="score"]`))
		b.follow(`[data-testid="evidence-item"] .evidence-source a`)
		assert.Equal(t, "Dmitry Peskov", b.text("h1"))
		peskov := b.location()
		assert.Equal(t, "1 of 1", b.text(`[data-testid="record-headline"]`))
		assert.Contains(t, b.text(`[data-testid="record-sentence"]`), "That is too few for a score: it takes 3.")
		noPercent(t, b.doc().Find(`[data-testid="track-record"]`), "Peskov's record")
		assert.Equal(t, 1, b.count(`[data-testid="score-table"]`), "one change: a table, no chart")
		assert.Zero(t, b.count(`[data-testid="score-chart"]`))

		// A source with seven verdicts, five its way (given through the
		// forms by another editor's session).
		editor := a.httpClient(t, editorName)
		scored := giveVerdicts(t, a, editor, "Agence Exemple", "confirmed", "confirmed", "refuted", "confirmed", "refuted", "confirmed", "confirmed")
		b.open(scored)
		assert.Equal(t, "67%", b.text(`[data-testid="record-mean"]`))
		assert.Equal(t, "90% interval 40% to 89%", b.text(`[data-testid="record-interval"]`))
		assert.Equal(t, "Of the 7 checked claims this source took a side on, 5 went its way. "+
			"With so few, the true rate could be anywhere from 40% to 89%.", b.text(`[data-testid="record-sentence"]`))
		assert.NotContains(t, b.text(`[data-testid="track-record"]`), "Beta", "the formula is behind the link")
		assert.Equal(t, 5, b.count(`svg.chart-wide circle`), "the five changes with a score")
		assert.Equal(t, 7, b.count(`[data-testid="score-chart"] [data-testid="score-row"]`), "every change in the table")
		b.checkChart("wide", 1280)
		b.screenshot("scores-source-desktop")

		// On a phone the narrow chart is shown, its dates readable.
		b.viewport(375, 800)
		b.open(scored)
		b.checkChart("narrow", 375)
		b.screenshot("scores-source-phone")
		b.viewport(1280, 900)

		// "How is this computed?" leads to the formula.
		b.follow(`[data-testid="how-computed"]`)
		assert.Equal(t, "/docs/reliability", b.location())
		assert.Equal(t, "Source reliability", b.text("main h1"))
		assert.Contains(t, b.doc().Find(`#how-the-score-is-computed ~ p`).Text(), "Beta(1 + went its way, 1 + went against it)")

		// The list by reliability ranks the one source with a score; the
		// others follow, unranked, without percentages.
		b.open("/sources?sort=reliability")
		assert.Zero(t, b.count(`[data-testid="unranked"]`))
		doc := b.doc()
		first := doc.Find(`[data-testid="source-row"]`).First()
		assert.Equal(t, "Agence Exemple", strings.TrimSpace(first.Find("th a").Text()))
		assert.Equal(t, "67% 40–89%", strings.Join(strings.Fields(first.Find(`[data-testid="score"]`).Text()), " "))
		assert.Equal(t, 1, doc.Find(`[data-testid="rank-break"]`).Length())
		doc.Find(`[data-testid="rank-break"] ~ [data-testid="source-row"]`).Each(func(_ int, row *goquery.Selection) {
			noPercent(t, row, "an unranked row")
		})
		assert.Equal(t, 7, doc.Find(`[data-testid="rank-break"] ~ [data-testid="source-row"]`).Length())

		// The API keeps the numbers, with the flag.
		id := strings.TrimPrefix(scored, "/sources/")
		_, body := fetch(t, editor, a.base+"/api/v1/sources/"+id)
		assert.Contains(t, body, `"enough":true`)
		_, body = fetch(t, editor, a.base+"/api/v1"+peskov)
		assert.Contains(t, body, `"enough":false`)

		// As of today, the same ranking; as of before the verdicts, none.
		b.open("/sources?as_of=" + time.Now().UTC().Format(time.DateOnly))
		assert.Equal(t, "Agence Exemple", b.text(`[data-testid="source-row"] th a`))
		b.open(scored + "?as_of=" + time.Now().UTC().Format(time.DateOnly))
		assert.Equal(t, "67%", b.text(`[data-testid="record-mean"]`))
	})
}

// checkChart checks the chart a person sees at a width: the other one is
// hidden, the dates on its time axis differ, do not overlap, are drawn at
// least 12 px high (a font of about 11 px) and fit on the screen.
func (b *browser) checkChart(shown string, width int) {
	b.t.Helper()
	hidden := map[string]string{"wide": "narrow", "narrow": "wide"}[shown]
	var dates []string
	b.doc().Find(`svg.chart-` + shown + ` [data-testid="chart-date"]`).Each(func(_ int, s *goquery.Selection) {
		dates = append(dates, s.Text())
	})
	require.GreaterOrEqual(b.t, len(dates), 2, "%s chart: a time axis", shown)
	for i := 1; i < len(dates); i++ {
		assert.NotEqual(b.t, dates[i-1], dates[i], "%s chart: the dates differ", shown)
	}
	// Where the labels are drawn, read from the layout (DevTools evaluates
	// this with the page's own scripts off too).
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	boxes, err := chromedp.Run(ctx, chromedp.Evaluate[[][]float64](`Array.from(document.querySelectorAll(
		'svg.chart-`+shown+` [data-testid="chart-date"]')).map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.height]; })`))
	require.NoError(b.t, err)
	require.Len(b.t, boxes, len(dates))
	for i, box := range boxes {
		assert.GreaterOrEqual(b.t, box[2], 12.0, "%s chart at %d px: date %q is %.1f px high", shown, width, dates[i], box[2])
		assert.GreaterOrEqual(b.t, box[0], 0.0, "%s chart: date %q starts on the screen", shown, dates[i])
		assert.LessOrEqual(b.t, box[1], float64(width), "%s chart: date %q ends on the screen", shown, dates[i])
		if i > 0 {
			assert.Less(b.t, boxes[i-1][1], box[0], "%s chart at %d px: %q and %q overlap", shown, width, dates[i-1], dates[i])
		}
	}
	size, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`['wide', 'narrow'].map(n =>
		document.querySelector('svg.chart-' + n).getBoundingClientRect().width)`))
	require.NoError(b.t, err)
	widths := map[string]float64{"wide": size[0], "narrow": size[1]}
	assert.Positive(b.t, widths[shown], "the %s chart is shown", shown)
	assert.Zero(b.t, widths[hidden], "the %s chart is hidden", hidden)
}
