package e2e

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fitsWidth checks that the page does not scroll sideways at the browser's
// width.
func fitsWidth(t *testing.T, b *browser, what string) {
	t.Helper()
	w, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
	require.NoError(t, err)
	assert.LessOrEqual(t, w[0], w[1], "%s scrolls sideways at %d px", what, w[1])
}

// atWidths runs check at a desktop and at a phone width.
func atWidths(t *testing.T, b *browser, check func(width int64)) {
	t.Helper()
	for _, w := range []int64{1280, 375} {
		require.NoError(t, chromedp.Do(b.ctx, chromedp.EmulateViewport(w, 900)))
		check(w)
	}
	require.NoError(t, chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 900)))
}

// Finding and entering things: an editor names a source in the one source
// field, is asked "Did you mean Dmitry Peskov?" for a near miss and picks
// him; a search with a slip offers the right spelling, whose hits say where
// they matched; a status word offers its filter; a name already taken
// links to the source that has it.
func TestJourney_FindingAndEntering(t *testing.T) {
	eachWay(t, "finding", func(t *testing.T, b *browser) {
		b.signIn(editorName)
		b.open("/claims/5")

		// One source field, which suggests the existing sources.
		assert.Zero(t, b.count(`#evidence-form select[name="source_id"]`), "no separate list of sources")
		list := b.attr("#ev-name", "list")
		require.NotEmpty(t, list)
		var names []string
		b.doc().Find("datalist#" + list + " option").Each(func(_ int, o *goquery.Selection) { names = append(names, o.AttrOr("value", "")) })
		assert.Contains(t, names, "Dmitry Peskov")
		before := b.count(`[data-testid="evidence-item"]`)

		// A near miss: nothing is added, the question is asked.
		b.fill("#ev-name", "Dmitri Peskov")
		b.choose("#ev-stance", "supports")
		b.fill("#ev-quote", "The talks were useful.")
		b.follow(`#evidence-form button[type="submit"]`)
		assert.Equal(t, "Did you mean Dmitry Peskov?", b.text(`#evidence-form [data-testid="source-suggestions"] legend`))
		assert.Contains(t, b.text(`#evidence-form [data-testid="error-source_name"]`), "No source is named “Dmitri Peskov”")
		assert.Equal(t, "Dmitri Peskov", b.attr("#ev-name", "value"), "the name typed is kept")
		assert.Equal(t, "The talks were useful.", b.text("#ev-quote"))
		assert.Equal(t, before, b.count(`[data-testid="evidence-item"]`), "nothing was added")
		atWidths(t, b, func(w int64) {
			fitsWidth(t, b, "the question")
			b.screenshot("finding-did-you-mean-" + map[int64]string{1280: "desktop", 375: "phone"}[w])
		})

		// Yes, him.
		b.click(`#evidence-form [data-testid="pick-source"]`)
		b.follow(`#evidence-form button[type="submit"]`)
		assert.Equal(t, "/claims/5", b.location())
		assert.Contains(t, b.text(`[data-testid="flash"]`), "Evidence added")
		assert.Contains(t, b.text(`[data-testid="stance-supports"]`), "Dmitry Peskov")
		assert.NotContains(t, b.text(`[data-testid="evidence"]`), "Dmitri Peskov")

		// A slip in a search: "Did you mean peskov?", and the link runs it.
		b.open("/claims")
		b.fill("#site-search", "peskof")
		b.follow(`form.search button[type="submit"]`)
		assert.Zero(t, b.count(`[data-testid="search-hit"]`))
		assert.Equal(t, "Did you mean peskov?", b.text(`[data-testid="did-you-mean"]`))
		b.follow(`[data-testid="did-you-mean"] a`)
		assert.Equal(t, "/search?q=peskov", b.location())
		require.Positive(t, b.count(`[data-testid="search-hit"]`))
		// Claim 5 matched through the source just linked to it.
		hit := b.doc().Find(`[data-testid="search-hit"][data-claim-id="5"]`)
		require.Equal(t, 1, hit.Length(), "the claim just linked to Dmitry Peskov is found")
		assert.Equal(t, "Matched the source Dmitry Peskov", strings.Join(strings.Fields(hit.Find(`[data-testid="match"]`).First().Text()), " "))

		// A quote: where it matched, with the passage.
		b.open("/search?q=imagined")
		assert.Equal(t, "Matched a quote: “very constructive … The US side could not have imagined a better result.”",
			b.text(`[data-testid="search-hit"] [data-testid="match"]`))
		assert.Equal(t, "imagined", b.text(`[data-testid="match"] mark`))
		atWidths(t, b, func(int64) { fitsWidth(t, b, "a hit with its passage") })

		// A status word: the filter is offered.
		b.open("/search?q=refuted")
		assert.Contains(t, b.text(`[data-testid="filter-hint"]`), "status:refuted")
		b.follow(`[data-testid="filter-hint"] a`)
		assert.Equal(t, "/search?q=status%3Arefuted", b.location())
		assert.Equal(t, "status:refuted", b.attr("#search-q", "value"))

		// A name already taken links to the source that has it.
		b.open("/sources/new")
		b.fill("#source-name", "le point")
		b.choose("#source-kind", "outlet")
		b.follow(`[data-testid="source-form"] button[type="submit"]`)
		assert.Contains(t, b.text(`[data-testid="error-name"]`), "A source named Le Point already exists.")
		b.follow(`[data-testid="error-name"] a`)
		assert.Regexp(t, `^/sources/\d+$`, b.location())
		assert.Contains(t, b.text("h1"), "Le Point")
	})
}
