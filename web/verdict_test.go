package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// visibleVersion finds "version N" in what a page shows (its hidden form
// fields aside).
var visibleVersion = regexp.MustCompile(`(?i)\bversion \d`)

// The claim page opens with the verdict: a banner in the status's colour with
// the status, who decided it and when, and the note; "version N" is not shown.
func TestClaimPage_VerdictBanner(t *testing.T) {
	a := newTestApp(t)
	p := a.get("/claims/3")
	banner := p.doc.Find(`article.claim > [data-testid="verdict"]`)
	require.Equal(t, 1, banner.Length())
	assert.Zero(t, banner.PrevAll().Length(), "the verdict is the first thing of the claim")
	assert.True(t, banner.HasClass("verdict-unverified"))
	assert.Equal(t, "Unverified", banner.Find(`[data-testid="status"]`).Text())
	assert.Contains(t, folded(banner), "No verdict yet: this claim has not been checked.")
	assert.Zero(t, banner.Find(`[data-testid="verdict-by"]`).Length(), "nobody decided anything yet")
	assert.NotRegexp(t, visibleVersion, folded(p.doc.Find("main")))

	a.setStatus("3", claimtrack.StatusRefuted, "The details were settled the next day.")
	p = a.get("/claims/3")
	banner = p.doc.Find(`[data-testid="verdict"]`)
	assert.True(t, banner.HasClass("verdict-refuted"))
	assert.Equal(t, "Refuted", banner.Find(`[data-testid="status"]`).Text())
	assert.Equal(t, "Verdict: Refuted", folded(banner.Find("h2")))
	by := banner.Find(`[data-testid="verdict-by"]`)
	assert.Regexp(t, `^Decided by admin, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC$`, folded(by))
	assert.NotEmpty(t, by.Find("time").AttrOr("datetime", ""))
	assert.Equal(t, "The details were settled the next day.", banner.Find(`[data-testid="verdict-note"]`).Text())
	assert.Zero(t, banner.Find(`[data-testid="verdict-revised"]`).Length())
	assert.NotRegexp(t, visibleVersion, folded(p.doc.Find("main")))
	assert.NotEmpty(t, fieldValue(p.doc, "#status-form", "version"), "the version stays in the forms")

	// A revised note: the banner names who decided and who revised.
	a.signInAs("second", claimtrack.RoleEditor)
	a.setStatus("3", claimtrack.StatusRefuted, "The details were settled the next day, the Kremlin said.")
	banner = a.get("/claims/3").doc.Find(`[data-testid="verdict"]`)
	assert.Contains(t, folded(banner.Find(`[data-testid="verdict-by"]`)), "Decided by admin")
	assert.Contains(t, folded(banner.Find(`[data-testid="verdict-revised"]`)), "Note revised by second")
	assert.Equal(t, "The details were settled the next day, the Kremlin said.", banner.Find(`[data-testid="verdict-note"]`).Text())

	// An open status is "set", not "decided".
	a.setStatus("4", claimtrack.StatusDisputed, "Two accounts differ.")
	banner = a.get("/claims/4").doc.Find(`[data-testid="verdict"]`)
	assert.True(t, banner.HasClass("verdict-disputed"))
	assert.True(t, strings.HasPrefix(folded(banner.Find(`[data-testid="verdict-by"]`)), "Set by second"))

	// The conflict page and the as-of view do not show versions either.
	conflict := a.post("/claims/3/status", url.Values{"status": {"confirmed"}, "note": {"Stale."}, "version": {"1"}})
	require.Equal(t, http.StatusConflict, conflict.status)
	assert.Contains(t, folded(conflict.doc.Find(`[data-testid="conflict"]`)), "This claim was changed by someone else after you opened it.")
	assert.NotRegexp(t, visibleVersion, folded(conflict.doc.Find(`[data-testid="conflict"]`)))
	remove := a.get("/claims/3").doc.Find(`[data-testid="remove-evidence"]`).First().AttrOr("href", "")
	stale := a.post(remove, url.Values{"note": {"Stale."}, "version": {"1"}})
	require.Equal(t, http.StatusConflict, stale.status)
	assert.Contains(t, folded(stale.doc.Find("main")), "Nothing was removed")
	assert.NotRegexp(t, visibleVersion, folded(stale.doc.Find("main")))
	asOf := a.get("/claims/3?as_of=2999-01-01")
	assert.NotRegexp(t, visibleVersion, folded(asOf.doc.Find(`article.claim`)))
}

// On a page of an older part of a long history, the banner still names who
// gave the verdict (read from the store, not from the page).
func TestClaimPage_VerdictBannerOnOlderPage(t *testing.T) {
	a := newTestApp(t)
	a.setStatus("4", claimtrack.StatusConfirmed, "Confirmed by both sides.")
	a.signInAs("reviser", claimtrack.RoleEditor)
	ctx := t.Context()
	for i := range 60 {
		c, err := a.db.FindClaimByID(ctx, 4)
		require.NoError(t, err)
		_, err = a.db.SetClaimStatus(ctx, 4, claimtrack.StatusChange{Status: claimtrack.StatusConfirmed,
			Note: "Confirmed by both sides, round " + string(rune('a'+i%26)) + string(rune('a'+i/26)), Version: c.Version}, "reviser")
		require.NoError(t, err)
	}
	first := a.get("/claims/4")
	older := first.doc.Find(`[data-testid="older-events"]`).AttrOr("href", "")
	require.NotEmpty(t, older)
	for _, p := range []page{first, a.get(strings.TrimSuffix(older, "#timeline-h"))} {
		banner := p.doc.Find(`[data-testid="verdict"]`)
		assert.Contains(t, folded(banner.Find(`[data-testid="verdict-by"]`)), "Decided by admin")
		assert.Contains(t, folded(banner.Find(`[data-testid="verdict-revised"]`)), "Note revised by reviser")
	}
}

// A status change that keeps the status and revises the note reads "Verdict
// note revised" with the word diff, in the history, the changes, the feeds
// and the API; never "Refuted → Refuted". Sending the same status and note
// again records nothing.
func TestVerdictNoteRevised(t *testing.T) {
	a := newTestApp(t)
	a.setStatus("1", claimtrack.StatusRefuted, "He stayed in Washington.")
	a.setStatus("1", claimtrack.StatusRefuted, "He stayed in Washington on May 9.")

	top := a.get("/claims/1").doc.Find(`[data-testid="timeline"] [data-testid="event"]`).First()
	assert.Equal(t, "Verdict note revised", folded(top.Find(`[data-testid="event-label"]`)))
	assert.Equal(t, "Still Refuted", folded(top.Find(`.event-body`)))
	assert.Zero(t, top.Find(".arrow").Length(), "no arrow from a status to itself")
	assert.Equal(t, "Washington on May 9.", strings.TrimSpace(top.Find(`[data-testid="note-diff"] ins`).Text()))
	assert.Equal(t, "Washington.", top.Find(`[data-testid="note-diff"] del`).Text())
	verdict := a.get("/claims/1").doc.Find(`[data-testid="timeline"] [data-testid="event"]`).Eq(1)
	assert.Equal(t, "Status changed", folded(verdict.Find(`[data-testid="event-label"]`)))
	assert.Contains(t, folded(verdict.Find(".event-body")), "Unverified")

	change := a.get("/changes").doc.Find(`[data-testid="changes"] [data-testid="event"]`).First()
	assert.Equal(t, "Verdict note revised", folded(change.Find(`[data-testid="event-label"]`)))
	assert.Equal(t, 1, change.Find(`[data-testid="note-diff"]`).Length())

	for _, path := range []string{"/changes.atom", "/verdicts.atom", "/claims/1.atom"} {
		feed := parseFeed(t, a, path)
		require.NotEmpty(t, feed.Items, path)
		assert.True(t, strings.HasPrefix(feed.Items[0].Title, "Verdict note revised: still Refuted"), "%s: %s", path, feed.Items[0].Title)
		assert.NotContains(t, feed.Items[0].Title, "Refuted → Refuted", path)
		assert.Contains(t, feed.Items[0].Description, "He stayed in Washington on May 9.", path)
		assert.Contains(t, feed.Items[0].Description, "it was: “He stayed in Washington.”", path)
		assert.Contains(t, feed.Items[1].Title, "Status changed: Unverified → Refuted", path)
	}

	r := a.api("GET", "/claims/1/events", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	first := r.data()[0].(map[string]any)
	assert.True(t, strings.HasPrefix(first["summary"].(string), "Verdict note revised: still Refuted"), first["summary"])

	before := a.snapshot()
	v := fieldValue(a.get("/claims/1").doc, "#status-form", "version")
	res := a.post("/claims/1/status", url.Values{"status": {"refuted"}, "note": {"He stayed in Washington on May 9."}, "version": {v}})
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, before, a.snapshot(), "the same status and note record nothing")
	assert.Equal(t, "Nothing changed, so nothing was saved.", strings.TrimSpace(a.get("/claims/1").doc.Find(`[data-testid="flash"]`).Text()))
}

// Editing the text of a claim with a verdict asks first, on a page of its
// own (no script needed): the warning, both texts word by word, and the edit
// carried to save it or to change it again. Nothing is written until then.
func TestClaimEdit_TextOfCheckedClaimAsksFirst(t *testing.T) {
	a := newTestApp(t)
	edit := a.get("/claims/3/edit")
	assert.Zero(t, edit.doc.Find(`[data-testid="text-warning"]`).Length(), "an unchecked claim: no warning")
	form := url.Values{"text": {"The details of a Trump–Putin meeting have been settled."}, "kind": {"statement"},
		"context": {"First line.\nSecond line."}, "tags": {"kremlin, trump-putin-meeting"},
		"version": {fieldValue(edit.doc, `[data-testid="claim-form"]`, "version")}}
	res := a.post("/claims/3", form)
	require.Equal(t, http.StatusSeeOther, res.status, "an unchecked claim's text is saved at once")

	a.setStatus("3", claimtrack.StatusRefuted, "Nothing was settled.")
	edit = a.get("/claims/3/edit")
	assert.Contains(t, folded(edit.doc.Find(`[data-testid="text-warning"]`)), "This claim's verdict, Refuted, was given on its text as it is now.")

	version := fieldValue(edit.doc, `[data-testid="claim-form"]`, "version")
	form.Set("version", version)
	form.Set("text", "The details of a Trump–Putin meeting have not been settled.")
	before := a.snapshot()
	res = a.post("/claims/3", form)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, before, a.snapshot(), "nothing is saved before the confirmation")
	page := res.doc.Find(`[data-testid="confirm-text"]`)
	require.Equal(t, 1, page.Length())
	warning := folded(page.Find(`[data-testid="text-warning"]`))
	assert.Contains(t, warning, "The verdict was given on the old text.")
	assert.Contains(t, warning, "The claim is Refuted (decided by admin,")
	assert.Equal(t, "not ", page.Find(`[data-testid="text-diff"] ins`).Text())
	confirm := `[data-testid="confirm-text-form"]`
	for _, field := range []string{"text", "context", "kind", "tags", "version"} {
		assert.Equal(t, form.Get(field), fieldValue(res.doc, confirm, field), field)
	}
	assert.Equal(t, "/claims/3", page.Find(`[data-testid="confirm-text-cancel"]`).AttrOr("href", ""))

	// "Change my edit" brings the edit form back with the edit in it.
	again := cloneValues(form)
	again.Set("confirm_text", "edit")
	res = a.post("/claims/3", again)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, before, a.snapshot())
	assert.Equal(t, form.Get("text"), fieldValue(res.doc, `[data-testid="claim-form"]`, "text"))
	assert.Equal(t, version, fieldValue(res.doc, `[data-testid="claim-form"]`, "version"))
	assert.Equal(t, 1, res.doc.Find(`[data-testid="text-warning"]`).Length())

	// A stale edit is a conflict, not a confirmation; a bad one comes back
	// with its message.
	stale := cloneValues(form)
	stale.Set("version", "1")
	assert.Equal(t, http.StatusConflict, a.post("/claims/3", stale).status)
	bad := cloneValues(form)
	bad.Set("text", "Short")
	assert.Equal(t, http.StatusUnprocessableEntity, a.post("/claims/3", bad).status)
	assert.Equal(t, before, a.snapshot())

	// Confirmed, the new text is saved, with its context's lines.
	form.Set("confirm_text", "yes")
	res = a.post("/claims/3", form)
	require.Equal(t, http.StatusSeeOther, res.status)
	claim, err := a.db.FindClaimByID(t.Context(), 3)
	require.NoError(t, err)
	assert.Equal(t, "The details of a Trump–Putin meeting have not been settled.", claim.Text)
	assert.Equal(t, "First line.\nSecond line.", claim.Context)

	// An edit that leaves the text as it is needs no confirmation.
	tagsOnly := url.Values{"text": {claim.Text}, "kind": {"statement"}, "context": {claim.Context}, "tags": {"kremlin"},
		"version": {fieldValue(a.get("/claims/3/edit").doc, `[data-testid="claim-form"]`, "version")}}
	assert.Equal(t, http.StatusSeeOther, a.post("/claims/3", tagsOnly).status)
}

// The page that removes a link naming the claim's main source says which
// source becomes the main one; after the removal the lists show it.
func TestEvidenceRemove_SaysWhichSourceBecomesMain(t *testing.T) {
	a := newTestApp(t)
	removeLink := func(claim, source string) string {
		var href string
		a.get("/claims/" + claim).doc.Find(`[data-testid="evidence-item"]`).Each(func(_ int, s *goquery.Selection) {
			if strings.TrimSpace(s.Find(".evidence-source a").First().Text()) == source {
				href = s.Find(`[data-testid="remove-evidence"]`).AttrOr("href", "")
			}
		})
		require.NotEmpty(t, href, "%s on claim %s", source, claim)
		return href
	}
	mainOf := func(claim string) string {
		return strings.TrimSpace(a.get("/claims").doc.Find(`[data-testid="claim-row"][data-claim-id="` + claim + `"] .main-source a`).Text())
	}

	// Claim 3: Dmitry Peskov asserts it, the report relays it.
	require.Equal(t, "Dmitry Peskov", mainOf("3"))
	p := a.get(removeLink("3", "Dmitry Peskov"))
	note := p.doc.Find(`[data-testid="main-source-after"]`)
	require.Equal(t, 1, note.Length())
	assert.Contains(t, folded(note), "Dmitry Peskov is this claim's main source")
	assert.Contains(t, folded(note), "It is the last source that asserts the claim")
	assert.Equal(t, "Victory Day report (outlet not named)", note.Find(`[data-testid="next-main-source"]`).Text())
	assert.Contains(t, folded(note), "which relays it without taking a side, becomes the main source")
	assert.Zero(t, a.get(removeLink("3", "Victory Day report (outlet not named)")).doc.Find(`[data-testid="main-source-after"]`).Length(),
		"a link that is not the main source changes nothing")

	href := removeLink("3", "Dmitry Peskov")
	version := fieldValue(a.get(href).doc, `[data-testid="remove-form"]`, "version")
	res := a.post(href, url.Values{"note": {"Paraphrase, not his words."}, "version": {version}})
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "Evidence removed and recorded in the history.", strings.TrimSpace(a.get("/claims/3").doc.Find(`[data-testid="flash"]`).Text()))
	assert.Equal(t, "Victory Day report (outlet not named)", mainOf("3"), "the lists show the source the page named")

	// The last link of a claim: no source is left.
	p = a.get(removeLink("3", "Victory Day report (outlet not named)"))
	assert.Contains(t, folded(p.doc.Find(`[data-testid="main-source-after"]`)), "Once this link is removed, the claim has no source left.")

	// Two asserting sources: the next one becomes the main source.
	res = a.post("/claims/4/evidence", url.Values{"source_name": {"Izvestia"}, "source_kind": {"outlet"}, "stance": {"asserts"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	first := mainOf("4")
	require.NotEqual(t, "Izvestia", first)
	note = a.get(removeLink("4", first)).doc.Find(`[data-testid="main-source-after"]`)
	assert.Equal(t, "Izvestia", note.Find(`[data-testid="next-main-source"]`).Text())
	assert.NotContains(t, folded(note), "last source that asserts")
}

// Typography: no space before a colon in the history and the changes; the
// as-of view shows tags as "#tag" and keeps the stance headings.
func TestVerdictTypography(t *testing.T) {
	a := newTestApp(t)
	res := a.post("/claims/1/evidence", url.Values{"source_name": {"Izvestia"}, "source_kind": {"outlet"}, "stance": {"disputes"},
		"quote": {"No trip is planned."}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	history := folded(a.get("/claims/1").doc.Find(`[data-testid="timeline"]`))
	assert.Contains(t, history, "Izvestia contradicts or denies it: “No trip is planned.”")
	assert.Contains(t, history, "makes the claim (via Unnamed sources cited by Le Point)")
	assert.NotContains(t, history, " :")
	assert.NotContains(t, folded(a.get("/changes").doc.Find(`[data-testid="changes"]`)), " :")
	assert.NotContains(t, folded(a.get("/claims/5").doc.Find(`[data-testid="timeline"]`)), " :")

	asOf := a.get("/claims/1?as_of=2999-01-01").doc
	var tags []string
	asOf.Find(`.claim-head .tags li`).Each(func(_ int, s *goquery.Selection) { tags = append(tags, s.Text()) })
	assert.Equal(t, []string{"#victory-day", "#trump", "#moscow"}, tags)
	for _, stance := range []string{"asserts", "disputes", "reports"} {
		group := asOf.Find(`[data-testid="evidence"] [data-testid="stance-` + stance + `"]`)
		require.Equal(t, 1, group.Length(), stance)
		assert.Equal(t, claimtrack.Stance(stance).Label(), strings.TrimSpace(group.Find("h3").Contents().First().Text()))
	}
	assert.Contains(t, folded(asOf.Find(`[data-testid="stance-disputes"]`)), "Izvestia")
}
