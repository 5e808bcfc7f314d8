package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// viewport sets the browser's window size.
func (b *browser) viewport(w, h int64) {
	b.t.Helper()
	require.NoError(b.t, chromedp.Do(b.ctx, chromedp.EmulateViewport(w, h)))
}

// box is where an element sits on the screen (CSS pixels from the top of
// the window), with the window's height and the page's and window's widths.
type box struct {
	Top, Bottom, Height float64
	PageWidth, Width    float64
}

// boxOf measures the first element sel finds, through the DOM and page
// domains of the DevTools protocol (no page script runs, so it works with
// JavaScript off).
func (b *browser) boxOf(sel string) box {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	model, err := chromedp.Run(ctx, chromedp.Dimensions(chromedp.CSS(sel)))
	require.NoError(b.t, err, "measure %s", sel)
	var out box
	q := model.Border
	out.Top, out.Bottom = min(q[1], q[3], q[5], q[7]), max(q[1], q[3], q[5], q[7])
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return err
		}
		out.Top -= float64(m.CSSLayoutViewport.PageY)
		out.Bottom -= float64(m.CSSLayoutViewport.PageY)
		out.Height, out.Width = float64(m.CSSLayoutViewport.ClientHeight), float64(m.CSSLayoutViewport.ClientWidth)
		out.PageWidth = m.CSSContentSize.Width
		return nil
	}))
	require.NoError(b.t, err)
	return out
}

// Issue 18, items 10 to 12, "lists people can steer": an editor changes a
// claim, sorts the claims list by last change, goes through the reports list
// to one report's claims in one status, reads the recent changes (the first
// one in sight at 1280×800, with how many match) and follows their feed,
// opens a claim with its feed and evidence downloads; on a phone the header
// and the status menu take at most a third of the first screen.
func TestJourney_Lists(t *testing.T) {
	eachWay(t, "lists", func(t *testing.T, b *browser) {
		b.signIn(editorName)
		b.open("/claims/3")
		b.click(`#status-form input[name="status"][value="disputed"]`)
		b.fill("#status-note", "The Kremlin denied it the next day.")
		b.follow(`#status-form button[type="submit"]`)
		require.Contains(t, b.text(`[data-testid="flash"]`), "Status saved")

		// The claims list, by last change: a visible choice.
		b.open("/claims")
		assert.Equal(t, "Newest first", b.text(`[data-testid="sort-choice"] a[aria-current]`))
		assert.Equal(t, "8", b.attr(`[data-testid="claim-row"]`, "data-claim-id"), "newest first")
		b.follow(`[data-testid="sort-changed"]`)
		assert.Equal(t, "/claims?sort=changed", b.location())
		assert.Equal(t, "Last changed", b.text(`[data-testid="sort-choice"] a[aria-current]`))
		assert.Equal(t, "3", b.attr(`[data-testid="claim-row"]`, "data-claim-id"), "the claim just changed comes first")
		assert.Contains(t, b.text(`[data-testid="list-summary"]`), "most recently changed first")
		b.follow(`[data-testid="filter-unverified"]`)
		assert.Equal(t, "/claims?sort=changed&status=unverified", b.location(), "the status menu keeps the order")
		assert.Equal(t, "Last changed", b.text(`[data-testid="sort-choice"] a[aria-current]`))

		// The reports list, then one report's claims in one status.
		b.follow(`nav[aria-label="Main"] a[href="/reports"]`)
		assert.Equal(t, "/reports", b.location())
		require.Equal(t, 1, b.count(`[data-testid="report-row"]`))
		row := b.text(`[data-testid="report-row"]`)
		assert.Contains(t, row, "Trump to attend Victory Day in Moscow")
		assert.Contains(t, row, "outlet not named")
		assert.Contains(t, row, "8 claims")
		assert.Equal(t, "Unverified 7", b.text(`[data-testid="report-unverified"]`))
		assert.Equal(t, "Disputed 1", b.text(`[data-testid="report-disputed"]`))
		b.follow(`[data-testid="report-unverified"]`)
		assert.Equal(t, "/claims?report=1&status=unverified", b.location())
		assert.Equal(t, 7, b.count(`[data-testid="claim-row"]`))
		assert.Contains(t, b.text(`[data-testid="report-filter"]`), "Trump to attend Victory Day in Moscow")

		// The recent changes at 1280×800: the first change in sight, and how many match.
		b.viewport(1280, 800)
		b.open("/changes")
		first := b.boxOf(`.changes [data-testid="event"]`)
		assert.LessOrEqual(t, first.Bottom, first.Height, "the first change shows whole without scrolling at 1280×800 (it ends at %.0f px)", first.Bottom)
		assert.LessOrEqual(t, first.Top, first.Height/2, "in the upper half of the window, so that the browser's own bars do not hide it (its top at %.0f px)", first.Top)
		assert.Regexp(t, `^\d+ changes match, newest first\.$`, b.text(`[data-testid="changes-count"]`))
		b.choose("#ch-type", "status_changed")
		b.follow(`[data-testid="changes-filter"] button[type="submit"]`)
		assert.Contains(t, b.location(), "type=status_changed")
		assert.Equal(t, "1 change matches, newest first.", b.text(`[data-testid="changes-count"]`))
		assert.Equal(t, 1, b.count(`.changes [data-testid="event"]`))
		assert.Equal(t, "Follow (Atom)", b.text(`main [data-testid="follow"]`))
		feed := b.attr(`main [data-testid="follow"]`, "href")
		assert.Equal(t, "/changes.atom?type=status_changed", feed, "the feed follows the filters")
		status, body := fetch(t, http.DefaultClient, b.base+feed)
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, 1, strings.Count(body, "<entry>"))
		assert.Contains(t, body, "The Kremlin denied it the next day.")

		// A claim page: its feed and its evidence, to follow and to download.
		b.open("/claims/3")
		assert.Equal(t, "Follow (Atom)", b.text(`main [data-testid="follow"]`))
		assert.Equal(t, "/claims/3.atom", b.attr(`main [data-testid="follow"]`, "href"))
		assert.Equal(t, "/evidence.csv?claim=3", b.attr(`[data-testid="export-evidence"] a`, "href"))
		status, body = fetch(t, http.DefaultClient, b.base+"/evidence.csv?claim=3")
		assert.Equal(t, http.StatusOK, status)
		assert.True(t, strings.HasPrefix(body, "\ufeffid,claim_id,source_id,stance,"), "the full export's evidence columns")
		b.follow(`[data-testid="evidence-item"] .evidence-source a`)
		assert.Regexp(t, `^/sources/\d+$`, b.location())
		assert.Equal(t, b.location()+".atom", b.attr(`main [data-testid="follow"]`, "href"))

		// A phone: the header and the status menu take at most a third of the first screen.
		for _, h := range []int64{800, 667} {
			b.viewport(375, h)
			b.open("/claims")
			menu := b.boxOf(`[data-testid="status-filter"]`)
			assert.Equal(t, float64(h), menu.Height)
			assert.LessOrEqual(t, menu.Bottom, menu.Height/3, "at 375×%d the status menu ends at %.0f px", h, menu.Bottom)
			assert.LessOrEqual(t, menu.PageWidth, menu.Width, "nothing wider than the phone")
		}
		b.viewport(1280, 900)
	})
}
