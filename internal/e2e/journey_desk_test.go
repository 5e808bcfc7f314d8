package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rivalQuestion makes, through the editors' forms, the forecast rival to
// seed claim 1 (Trump goes to Moscow on May 9, asserted by Le Point): that
// he does not, asserted by Marco Rubio; and a question with both as its
// outcomes. It returns the rival's and the question's addresses.
func rivalQuestion(t *testing.T, a *app) (rival, question string) {
	t.Helper()
	c := a.httpClient(t, adminName)
	rival, _ = postForm(t, a, c, "/claims", url.Values{"text": {"Donald Trump will not be in Moscow for the Victory Day parade on May 9."},
		"kind": {"forecast"}, "due_date": {"2025-05-09"}, "similar_seen": {"1"}}) // claim 1 is alike: its rival
	require.Regexp(t, `^/claims/\d+$`, rival)
	postForm(t, a, c, rival+"/evidence", url.Values{"source_name": {"Marco Rubio"}, "stance": {"asserts"}})
	question, _ = postForm(t, a, c, "/questions", url.Values{"title": {"Will Trump attend the Victory Day parade in Moscow?"},
		"outcomes": {"1, " + strings.TrimPrefix(rival, "/claims/")}})
	require.Regexp(t, `^/questions/\d+$`, question)
	return rival, question
}

// The desk: an editor sees an overdue forecast on the desk, takes it,
// confirms its rival outcome refuting it in the same step, and the desk,
// both claims, the question page, the history and both sources' forecast
// records show it.
func TestJourney_Desk(t *testing.T) {
	eachWay(t, "desk", func(t *testing.T, b *browser) {
		rival, question := rivalQuestion(t, b.app)
		b.signIn(editorName)
		b.open("/desk")
		before := b.text(`[data-testid="attention"]`)
		require.NotEmpty(t, before, "the header counts what needs attention")
		overdue := `[data-testid="desk-overdue"] [data-testid="desk-row"][data-claim-id="1"]`
		require.Equal(t, 1, b.count(overdue), "the seed forecast is overdue")
		assert.Contains(t, b.text(overdue), "Overdue since 9 May 2025")
		b.follow(overdue + ` a.claim-row-text`)
		assert.Equal(t, "/claims/1", b.location())

		// Take it.
		b.choose("#assignee", editorName)
		b.follow(`[data-testid="assign-form"] button[type="submit"]`)
		assert.Contains(t, b.text(`[data-testid="flash"]`), "Assignment saved")
		assert.Equal(t, "Assigned to "+editorName, b.text(`[data-testid="assignee"]`))
		b.open("/desk")
		assert.Equal(t, 1, b.count(`[data-testid="desk-assigned"] [data-testid="desk-row"][data-claim-id="1"]`))

		// He did not go: confirm the rival outcome, refuting this one with
		// the same note, from the rival's own status form.
		b.open("/claims/1")
		assert.Equal(t, question, b.attr(`[data-testid="claim-question"]`, "href"))
		b.follow(`[data-testid="rival"] a`)
		assert.Equal(t, rival, b.location())
		b.click(`#status-form input[name="status"][value="confirmed"]`)
		b.fill("#status-note", "He spent May 9 in Washington; the parade went ahead without him.")
		b.click(`[data-testid="refute-rivals"] input[name="refute"]`)
		b.follow(`#status-form button[type="submit"]`)
		assert.Contains(t, b.text(`[data-testid="flash"]`), "Status saved")
		assert.Equal(t, "Confirmed", b.text(`main [data-testid="verdict"] [data-testid="status"]`))

		// The refuted outcome: its verdict, note and history, by the editor.
		b.open("/claims/1")
		assert.Equal(t, "Refuted", b.text(`main [data-testid="verdict"] [data-testid="status"]`))
		assert.Contains(t, b.text(`[data-testid="verdict-note"]`), "He spent May 9 in Washington")
		latest := b.text(`[data-testid="timeline"] [data-testid="event"]`)
		assert.Contains(t, latest, "Refuted")
		assert.Contains(t, latest, editorName)
		assert.Zero(t, b.count(`.claim-meta [data-testid="overdue"]`), "a resolved forecast is not overdue")

		// The question: its answer, both outcomes' statuses, its history.
		b.follow(`[data-testid="claim-question"]`)
		assert.Equal(t, question, b.location())
		assert.Contains(t, b.text(`[data-testid="question-answer"]`), "will not be in Moscow")
		assert.Contains(t, b.text(`[data-testid="outcome"][data-claim-id="1"]`), "Refuted")
		assert.Contains(t, b.text(`[data-testid="outcome"][data-claim-id="`+strings.TrimPrefix(rival, "/claims/")+`"]`), "Confirmed")
		assert.Equal(t, 2, b.count(`[data-testid="timeline"] [data-event-type="status_changed"]`), "both verdicts of the one step")
		b.screenshot("question-" + strings.NewReplacer(" ", "", "(", "", ")", "").Replace(b.name))

		// The desk: no longer overdue, nor waiting on the editor.
		b.open("/desk")
		assert.Zero(t, b.count(overdue))
		assert.Zero(t, b.count(`[data-testid="desk-assigned"] [data-testid="desk-row"][data-claim-id="1"]`))
		assert.NotEqual(t, before, b.text(`[data-testid="attention"]`))

		// Both sources' forecast records: Le Point asserted the refuted
		// outcome, Marco Rubio the confirmed one.
		records := map[string]string{}
		for _, name := range []string{"Le Point", "Marco Rubio"} {
			b.open(question)
			href := ""
			b.doc().Find(`[data-testid="backing-row"] th a`).Each(func(_ int, s *goquery.Selection) {
				if strings.TrimSpace(s.Text()) == name {
					href = s.AttrOr("href", "")
				}
			})
			require.NotEmpty(t, href, name)
			b.open(href)
			records[name] = b.text(`[data-testid="part-forecasts"]`)
		}
		assert.Contains(t, records["Le Point"], "0 of 1 went its way")
		assert.Contains(t, records["Marco Rubio"], "1 of 1 went its way")
	})
}
