package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// verdictWidths are the screens the verdict journey looks at: a desktop and a phone.
var verdictWidths = []struct {
	name          string
	width, height int64
}{{"desktop", 1280, 900}, {"phone", 375, 800}}

// verdictAtWidths shows the page at each width, checks it does not scroll sideways,
// runs look on it, and saves a screenshot of each.
func (b *browser) verdictAtWidths(name string, look func(width int64)) {
	b.t.Helper()
	for _, w := range verdictWidths {
		require.NoError(b.t, chromedp.Do(b.ctx, chromedp.EmulateViewport(w.width, w.height)))
		sizes, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
		require.NoError(b.t, err)
		assert.LessOrEqual(b.t, sizes[0], sizes[1], "%s scrolls sideways at %d px", name, w.width)
		look(w.width)
		b.screenshot(name + "-" + w.name)
	}
	require.NoError(b.t, chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 900)))
}

// eval is a value the page computes (the DevTools protocol runs it with
// page scripts off too).
func verdictEval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	require.NoError(b.t, err, expr)
	return v
}

var verdictShownVersion = regexp.MustCompile(`(?i)\bversion \d`)

// The verdict leads: an editor refutes a claim and sees the verdict open the
// page in its colour, with who decided and when; revises the note and sees a
// "Verdict note revised" with the words that changed; changes the text of the
// checked claim only after a warning and a confirmation; removes its last
// asserting source after being told which source becomes the main one; and
// reads the claim as of today with tags and stance headings as on the page.
func TestJourney_Verdict(t *testing.T) {
	eachWay(t, "verdict", func(t *testing.T, b *browser) {
		b.signIn(editorName)
		b.open("/claims/3")
		assert.Equal(t, "Unverified", b.text(`[data-testid="verdict"] [data-testid="status"]`))
		assert.Contains(t, b.text(`[data-testid="verdict"]`), "No verdict yet")

		// The verdict, first thing on the page, large and red.
		b.click(`#status-form input[name="status"][value="refuted"]`)
		b.fill("#status-note", "The Kremlin said the details were settled.")
		b.follow(`#status-form button[type="submit"]`)
		assert.Contains(t, b.text(`[data-testid="flash"]`), "Status saved")
		assert.Equal(t, "Refuted", b.text(`[data-testid="verdict"] [data-testid="status"]`))
		assert.Regexp(t, `^Decided by editor, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC$`, b.text(`[data-testid="verdict-by"]`))
		assert.Equal(t, "The Kremlin said the details were settled.", b.text(`[data-testid="verdict"] [data-testid="verdict-note"]`))
		assert.NotRegexp(t, verdictShownVersion, b.text("main"), "no version number is shown")
		b.verdictAtWidths("verdict-banner", func(width int64) {
			banner := verdictEval[map[string]any](b, `(() => {
				const el = document.querySelector('[data-testid="verdict"]'), r = el.getBoundingClientRect();
				const h1 = document.querySelector('h1').getBoundingClientRect();
				const st = getComputedStyle(el), status = getComputedStyle(el.querySelector('.verdict-status'));
				const sr = el.querySelector('.verdict-status').getBoundingClientRect();
				return {top: r.top + scrollY, h1: h1.top + scrollY, status: sr.bottom + scrollY, screen: innerHeight, bg: st.backgroundColor, fg: status.color,
					size: parseFloat(status.fontSize), body: parseFloat(getComputedStyle(document.body).fontSize), right: r.right};
			})()`)
			assert.Less(t, banner["top"], banner["h1"], "the verdict comes before the claim at %d px", width)
			assert.Less(t, banner["status"], banner["screen"], "the verdict is on the first screen at %d px", width)
			assert.Equal(t, "rgb(253, 232, 232)", banner["bg"], "refuted is red at %d px", width)
			assert.Equal(t, "rgb(164, 22, 26)", banner["fg"])
			assert.GreaterOrEqual(t, banner["size"].(float64), 1.7*banner["body"].(float64), "the status is large at %d px", width)
			assert.LessOrEqual(t, banner["right"], float64(width))
		})

		// The note revised, the status kept.
		b.click(`#status-form input[name="status"][value="refuted"]`)
		b.fill("#status-note", "The Kremlin said on Friday that the details were settled.")
		b.follow(`#status-form button[type="submit"]`)
		assert.Contains(t, b.text(`[data-testid="verdict-revised"]`), "Note revised by editor")
		top := `[data-testid="timeline"] [data-testid="event"]`
		assert.Equal(t, "Verdict note revised", b.text(top+` [data-testid="event-label"]`))
		assert.Equal(t, "Still Refuted", b.text(top+` .event-body`))
		assert.Contains(t, b.text(top+` [data-testid="note-diff"] ins`), "on Friday")
		assert.NotContains(t, b.text(`[data-testid="timeline"]`), "Refuted → Refuted")
		b.open("/changes")
		assert.Equal(t, "Verdict note revised", b.text(`[data-testid="changes"] [data-testid="event-label"]`))

		// A new text for the checked claim: warned, asked, then saved.
		b.open("/claims/3")
		b.follow(`a[href="/claims/3/edit"]`)
		assert.Contains(t, b.text(`[data-testid="text-warning"]`), "This claim's verdict, Refuted, was given on its text as it is now.")
		b.clear("#claim-text")
		b.fill("#claim-text", "The details of a Trump–Putin meeting have been finalized.")
		b.follow(`[data-testid="claim-form"] button[type="submit"]`)
		require.Equal(t, 1, b.count(`[data-testid="confirm-text"]`), "asked first")
		assert.Contains(t, b.text(`[data-testid="text-warning"]`), "The verdict was given on the old text.")
		assert.Equal(t, "not", strings.TrimSpace(b.text(`[data-testid="text-diff"] del`)))
		b.verdictAtWidths("verdict-confirm-text", func(int64) {})
		b.follow(`[data-testid="confirm-text-edit"]`)
		assert.Equal(t, "The details of a Trump–Putin meeting have been finalized.", b.text("#claim-text"), "the edit comes back")
		b.follow(`[data-testid="claim-form"] button[type="submit"]`)
		b.follow(`[data-testid="confirm-text-save"]`)
		assert.Equal(t, "/claims/3", b.location())
		assert.Contains(t, b.text(`[data-testid="flash"]`), "Your changes to the claim were saved.")
		assert.Equal(t, "The details of a Trump–Putin meeting have been finalized.", b.text(`[data-testid="claim-text"]`))
		assert.Equal(t, "Refuted", b.text(`[data-testid="verdict"] [data-testid="status"]`), "the verdict stays until an editor changes it")

		// The last asserting source: the page says who becomes the main one.
		b.follow(`[data-testid="stance-asserts"] [data-testid="remove-evidence"]`)
		assert.Contains(t, b.text(`[data-testid="main-source-after"]`), "It is the last source that asserts the claim")
		assert.Equal(t, "Victory Day report (outlet not named)", b.text(`[data-testid="next-main-source"]`))
		b.verdictAtWidths("verdict-remove-main", func(int64) {})
		b.fill("#remove-note", "A paraphrase, not his words.")
		b.follow(`[data-testid="remove-form"] button[type="submit"]`)
		assert.Equal(t, "/claims/3", b.location())
		assert.Equal(t, "Evidence removed and recorded in the history.", b.text(`[data-testid="flash"]`))
		b.open("/claims")
		assert.Equal(t, "Victory Day report (outlet not named)", b.text(`[data-claim-id="3"] .main-source a`))

		// No space before a colon in the history.
		b.open("/claims/5")
		history := b.text(`[data-testid="timeline"]`)
		assert.Contains(t, history, "makes the claim: “very constructive")
		assert.NotContains(t, history, " :")

		// The claim as of today: the verdict as it stood, "#tag", stance headings.
		b.open("/claims/3?as_of=" + time.Now().UTC().Format(time.DateOnly))
		assert.Equal(t, "Refuted", b.text(`[data-testid="verdict"] [data-testid="status"]`))
		assert.Contains(t, b.text(`[data-testid="verdict-by"]`), "Decided by editor")
		assert.Equal(t, "#trump-putin-meeting", b.text(`.claim-head .tags li`))
		assert.Contains(t, b.text(`[data-testid="stance-reports"] h3`), "Reports")
		b.verdictAtWidths("verdict-as-of", func(int64) {})
		b.open("/claims/3")
	})
}
