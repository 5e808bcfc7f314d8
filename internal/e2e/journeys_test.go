package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// eachWay runs a journey in a browser with JavaScript on, then in one with
// it off, each against a fresh app; each ends clean (no console error, no
// CSP violation, no failed subresource) with a screenshot of its last page.
func eachWay(t *testing.T, name string, journey func(t *testing.T, b *browser)) {
	needBrowser(t)
	for _, js := range []bool{true, false} {
		mode := map[bool]string{true: "js", false: "nojs"}[js]
		t.Run(mode, func(t *testing.T) {
			a := startApp(t)
			b := newBrowser(t, a, name+" ("+mode+")", js)
			journey(t, b)
			b.screenshot(name + "-" + mode)
			b.clean()
		})
	}
}

// 1. A newcomer browses the claims, filters by status, opens a claim, reads
// its evidence and history, follows a source and sees its reliability.
func TestJourney_Browse(t *testing.T) {
	eachWay(t, "browse", func(t *testing.T, b *browser) {
		b.open("/")
		require.Equal(t, 8, b.count(`[data-testid="claim-row"]`))
		b.follow(`[data-testid="filter-unverified"]`)
		assert.Contains(t, b.location(), "status=unverified")
		require.Equal(t, 8, b.count(`[data-testid="claim-row"]`))
		assert.Contains(t, b.text(`[data-testid="claim-row"] [data-testid="status"]`), "Unverified")
		first := b.text(`[data-testid="claim-row"] a.claim-row-text`)
		b.follow(`[data-testid="claim-row"] a.claim-row-text`)
		assert.Regexp(t, `^/claims/\d+$`, b.location())
		assert.Equal(t, first, b.text(`[data-testid="claim-text"]`))
		assert.Positive(t, b.count(`[data-testid="evidence-item"]`), "its evidence")
		assert.Positive(t, b.count(`[data-testid="timeline"] [data-testid="event"]`), "its history")
		source := b.text(`[data-testid="evidence-item"] .evidence-source a`)
		b.follow(`[data-testid="evidence-item"] .evidence-source a`)
		assert.Regexp(t, `^/sources/\d+$`, b.location())
		assert.Contains(t, b.text("h1"), source)
		assert.NotEmpty(t, b.text(`[data-testid="track-record"]`), "its reliability")
		assert.NotEmpty(t, b.text(`[data-testid="record-sentence"]`))
	})
}

// 2. A search from the header box, then its top result.
func TestJourney_Search(t *testing.T) {
	eachWay(t, "search", func(t *testing.T, b *browser) {
		b.open("/sources")
		b.fill("#site-search", "Peskov")
		b.follow(`form.search button[type="submit"]`)
		assert.Equal(t, "/search?q=Peskov", b.location())
		require.Positive(t, b.count(`[data-testid="search-hit"]`))
		top := b.text(`[data-testid="search-hit"] a.claim-row-text`)
		b.follow(`[data-testid="search-hit"] a.claim-row-text`)
		assert.Regexp(t, `^/claims/\d+$`, b.location())
		assert.Equal(t, top, b.text(`[data-testid="claim-text"]`))
		assert.Contains(t, b.text(`[data-testid="evidence"]`), "Peskov")
	})
}

// 3. An editor signs in, adds evidence with a new source, refutes the claim
// with a note, and sees the badge, the note, the history and the new
// source's score move.
func TestJourney_Refute(t *testing.T) {
	eachWay(t, "refute", func(t *testing.T, b *browser) {
		b.signIn(editorName)
		b.open("/claims/1")
		b.fill("#ev-name", "Izvestia")
		b.choose("#ev-kind", "outlet")
		b.choose("#ev-stance", "disputes")
		b.fill("#ev-url", "https://iz.ru/example")
		b.follow(`#evidence-form button[type="submit"]`)
		assert.Equal(t, "/claims/1", b.location())
		assert.Contains(t, b.text(`[data-testid="flash"]`), "Evidence added")
		assert.Contains(t, b.text(`[data-testid="evidence"]`), "Izvestia")

		b.click(`#status-form input[name="status"][value="refuted"]`)
		b.fill("#status-note", "He spent May 9 in Washington.")
		b.follow(`#status-form button[type="submit"]`)
		assert.Contains(t, b.text(`[data-testid="flash"]`), "Status saved")
		assert.Equal(t, "Refuted", b.text(`main [data-testid="status"]`))
		assert.Contains(t, b.text(`[data-testid="verdict-note"]`), "He spent May 9 in Washington.")
		latest := b.text(`[data-testid="timeline"] [data-testid="event"]`)
		assert.Contains(t, latest, "Refuted")
		assert.Contains(t, latest, editorName)

		// Izvestia disputed a claim now refuted: one agreement on its record.
		var href string
		b.doc().Find(`[data-testid="evidence-item"] .evidence-source a`).Each(func(_ int, s *goquery.Selection) {
			if strings.TrimSpace(s.Text()) == "Izvestia" {
				href = s.AttrOr("href", "")
			}
		})
		require.NotEmpty(t, href)
		b.open(href)
		assert.Equal(t, "1", b.text(`[data-testid="record-agree"]`))
		assert.Equal(t, "0", b.text(`[data-testid="record-disagree"]`))
	})
}

// 4. A form with a bad field comes back with the message next to the field
// and the input kept.
func TestJourney_BadField(t *testing.T) {
	eachWay(t, "bad-field", func(t *testing.T, b *browser) {
		b.signIn(editorName)
		b.open("/claims/new")
		b.fill("#claim-text", "Too short")
		b.follow(`[data-testid="claim-form"] button[type="submit"]`)
		msg := b.text(`#claim-text ~ [data-testid="error-text"]`)
		assert.Contains(t, msg, "10", "the message sits by the field it is about")
		assert.Equal(t, "Too short", b.text("#claim-text"), "the input kept")
		assert.Equal(t, "true", b.attr("#claim-text", "aria-invalid"))
		assert.NotEmpty(t, b.text(`.form-summary`))
	})
}

// 5. The same claim in two tabs: a status change in one, then in the other,
// gives the conflict page, with the second change kept to re-apply.
func TestJourney_Conflict(t *testing.T) {
	needBrowser(t)
	for _, js := range []bool{true, false} {
		mode := map[bool]string{true: "js", false: "nojs"}[js]
		t.Run(mode, func(t *testing.T) {
			a := startApp(t)
			b := newBrowser(t, a, "conflict ("+mode+")", js)
			b.signIn(editorName)
			other := b.tab(js)
			b.open("/claims/2")
			other.open("/claims/2")

			b.click(`#status-form input[name="status"][value="confirmed"]`)
			b.fill("#status-note", "The Kremlin confirmed it.")
			b.follow(`#status-form button[type="submit"]`)
			assert.Contains(t, b.text(`[data-testid="flash"]`), "Status saved")

			other.click(`#status-form input[name="status"][value="refuted"]`)
			other.fill("#status-note", "Nothing of the kind happened.")
			other.follow(`#status-form button[type="submit"]`)
			assert.Contains(t, other.text(`[data-testid="conflict"]`), "Someone else changed this claim first")
			assert.Contains(t, other.text(`[data-testid="conflict"]`), "Confirmed", "the claim as it is now")
			assert.Equal(t, "Nothing of the kind happened.", other.text("#status-note"), "the change is kept to re-apply")
			other.screenshot(fmt.Sprintf("conflict-%s", mode))
			b.clean()
			other.clean()
		})
	}
}

// 6. An editor corrects a piece of evidence from its "Edit" link: a bad
// field comes back with its message and the input kept, then the fixed
// edit is saved and the history shows what changed, the quote as a word
// diff.
func TestJourney_EditEvidence(t *testing.T) {
	eachWay(t, "edit-evidence", func(t *testing.T, b *browser) {
		b.signIn(editorName)
		b.open("/claims/1")
		b.follow(`[data-testid="evidence-item"] [data-testid="edit-evidence"]`)
		require.Regexp(t, `^/claims/1/evidence/\d+/edit$`, b.location())
		assert.Equal(t, "Le Point", b.attr("#edit-source", "value"), "the form shows the link")
		assert.Equal(t, "asserts", b.attr(`#edit-stance option[selected]`, "value"))

		b.fill("#edit-url", "not a link")
		b.fill("#edit-quote", "Trump will be in Moscow on May 9")
		b.follow(`[data-testid="evidence-edit-form"] button[type="submit"]`)
		assert.NotEmpty(t, b.text(`#edit-url ~ [data-testid="error-url"]`), "the message sits by the field")
		assert.Equal(t, "Trump will be in Moscow on May 9", b.text("#edit-quote"), "the input kept")

		b.clear("#edit-url")
		b.fill("#edit-url", "https://www.lepoint.fr/monde/trump-moscou")
		b.clear("#edit-quote")
		b.fill("#edit-quote", "Trump will be in Moscow for the parade")
		b.choose("#edit-stance", "supports")
		b.follow(`[data-testid="evidence-edit-form"] button[type="submit"]`)
		assert.Equal(t, "/claims/1", b.location())
		assert.Contains(t, b.text(`[data-testid="flash"]`), "Evidence updated")
		assert.Contains(t, b.text(`[data-testid="stance-supports"]`), "Trump will be in Moscow for the parade")

		latest := b.doc().Find(`[data-testid="timeline"] [data-testid="event"]`).First()
		assert.Equal(t, "evidence_edited", latest.AttrOr("data-event-type", ""))
		assert.Contains(t, latest.Text(), "Le Point")
		assert.Contains(t, latest.Text(), editorName)
		quote := latest.Find(`dd[data-field="quote"]`)
		assert.Equal(t, "Trump will be in Moscow for the parade", strings.Join(strings.Fields(quote.Find(".diff").Contents().Not("del").Text()), " "))
		assert.Contains(t, quote.Find("ins").Text(), "parade", "the words added are marked")
		assert.Equal(t, "Supports", strings.TrimSpace(latest.Find(`dd[data-field="stance"] ins`).Text()))
		assert.Equal(t, "https://www.lepoint.fr/monde/trump-moscou", strings.TrimSpace(latest.Find(`dd[data-field="url"] ins`).Text()))
	})
}
