package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rewordedSeedClaim says what seed claim 1 says ("Donald Trump will travel
// to Moscow for Russia's Victory Day celebrations on May 9.") in other words.
const rewordedSeedClaim = "TRUMP is going to Moscow for the Victory Day celebrations in Russia, on 9 May!"

// A new claim close to an existing one is not saved at once: the form comes
// back with the input kept and the similar claims listed, linked, with their
// status; sent again from there, it saves.
func TestClaimCreate_SimilarClaimsListedFirst(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	form := url.Values{"text": {rewordedSeedClaim}, "kind": {"forecast"}, "due_date": {"2025-05-09"},
		"tags": {"moscow, trip"}, "context": {"Heard from a second outlet."}}
	before := a.snapshot()
	res := a.post("/claims", form)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, before, a.snapshot(), "nothing is saved")

	f := `[data-testid="claim-form"]`
	notice := res.doc.Find(f + ` [data-testid="similar-claims"]`)
	require.Equal(t, 1, notice.Length(), "the list is inside the form")
	assert.Contains(t, notice.Find("h2").Text(), "Similar claims are already here")
	items := notice.Find(`[data-testid="similar-claim"]`)
	require.Positive(t, items.Length())
	first := items.First()
	assert.Equal(t, "/claims/1", first.Find("a").AttrOr("href", ""))
	assert.Equal(t, "Donald Trump will travel to Moscow for Russia's Victory Day celebrations on May 9.", first.Find("a").Text())
	assert.Equal(t, "Unverified", strings.TrimSpace(first.Find(`[data-testid="status"]`).Text()))
	assert.Equal(t, "1", fieldValue(res.doc, f, "similar_seen"))
	for name, want := range map[string]string{"text": rewordedSeedClaim, "kind": "forecast", "due_date": "2025-05-09",
		"tags": "moscow, trip", "context": "Heard from a second outlet."} {
		assert.Equal(t, want, fieldValue(res.doc, f, name), name)
	}
	assert.Empty(t, res.doc.Find(`[data-testid="error-summary"], .field-error`).Text())

	// Sent again as the page has it: saved.
	form.Set("similar_seen", fieldValue(res.doc, f, "similar_seen"))
	res = a.post("/claims", form)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/claims/9", res.header.Get("Location"))
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM claims WHERE text = ?`, rewordedSeedClaim))
}

// A claim like no other is saved at once, as before.
func TestClaimCreate_NovelClaimSavedAtOnce(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	res := a.post("/claims", url.Values{"text": {"The harbour of Odesa reopened to grain ships in August."}, "kind": {"statement"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/claims/9", res.header.Get("Location"))
}

// Messages about the input come before similar claims: an invalid form is
// sent back with 422 and its input, and no list.
func TestClaimCreate_InvalidBeforeSimilar(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	before := a.snapshot()
	res := a.post("/claims", url.Values{"text": {rewordedSeedClaim}, "kind": {"forecast"}, "due_date": {"09/05/2025"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Equal(t, before, a.snapshot())
	f := `[data-testid="claim-form"]`
	assert.Equal(t, rewordedSeedClaim, fieldValue(res.doc, f, "text"))
	assert.Equal(t, "09/05/2025", fieldValue(res.doc, f, "due_date"))
	assert.NotEmpty(t, res.doc.Find(`[data-testid="error-due_date"]`).Text())
	assert.Zero(t, res.doc.Find(`[data-testid="similar-claims"]`).Length())
	assert.Zero(t, res.doc.Find(`[name="similar_seen"]`).Length())

	// Invalid even when the similar claims were seen.
	res = a.post("/claims", url.Values{"text": {"Short"}, "kind": {"statement"}, "similar_seen": {"1"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Equal(t, "Short", fieldValue(res.doc, f, "text"))
	assert.Equal(t, before, a.snapshot())
}

// The form's script asks /claims/similar for the list as the text is typed:
// the list alone, empty for a text like no other or of no claim's length;
// only editors may ask.
func TestSimilarClaimsFragment(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	form := a.get("/claims/new")
	require.Equal(t, http.StatusOK, form.status)
	box := form.doc.Find(`[data-testid="claim-form"] #similar-claims`)
	require.Equal(t, 1, box.Length())
	assert.Equal(t, "claim-text", box.AttrOr("data-similar-for", ""))
	src := box.AttrOr("data-similar-url", "")
	require.Equal(t, "/claims/similar", src)
	assert.Empty(t, strings.TrimSpace(box.Text()), "nothing listed yet")
	assert.Contains(t, a.get("/static/app.js").body, "data-similar-for", "the script reads the form's list")

	ask := func(text string) page {
		t.Helper()
		return a.get(src + "?text=" + url.QueryEscape(text))
	}
	res := ask(rewordedSeedClaim)
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, res.header.Get("Content-Type"), "text/html")
	assert.NotContains(t, res.body, "<html", "the list alone")
	assert.Contains(t, res.doc.Find("h2").Text(), "Similar claims are already here")
	assert.Equal(t, "/claims/1", res.doc.Find(`[data-testid="similar-claim"] a`).First().AttrOr("href", ""))
	assert.Equal(t, "1", res.doc.Find(`input[name="similar_seen"]`).AttrOr("value", ""))

	for name, text := range map[string]string{
		"like no other": "The harbour of Odesa reopened to grain ships in August.",
		"too short":     "Trump",
		"too long":      rewordedSeedClaim + strings.Repeat(" Moscow", (claimtrack.ClaimTextMax-len(rewordedSeedClaim))/7+1),
		"none":          "",
	} {
		res := ask(text)
		require.Equal(t, http.StatusOK, res.status, name)
		assert.Empty(t, strings.TrimSpace(res.body), name)
	}
	// The longest text a claim may have is looked at.
	longest := rewordedSeedClaim + strings.Repeat(" ", claimtrack.ClaimTextMax-len(rewordedSeedClaim)-1) + "."
	require.Equal(t, claimtrack.ClaimTextMax, len(longest))
	assert.Equal(t, 1, ask(longest).doc.Find(`a[href="/claims/1"]`).Length())

	a.signInAs("reader", claimtrack.RoleViewer)
	assert.Equal(t, http.StatusForbidden, ask(rewordedSeedClaim).status)
	a.signInAs("", "")
	res = ask(rewordedSeedClaim)
	assert.Equal(t, http.StatusSeeOther, res.status)
	assert.NotContains(t, res.body, "Donald Trump")
}

// Hostile texts, as a new claim's text or asked for as it is typed, get the
// form or the list and never a 500; a stopped save writes nothing, and
// nothing comes back as markup.
func TestSimilarClaims_HostileInputs(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	// Claims holding the hostile texts, to be listed as similar to them.
	for _, text := range []string{"<script>alert(1)</script> Moscow parade claim", `"><svg onload=alert(1)> Moscow parade claim`} {
		require.Equal(t, http.StatusSeeOther, a.post("/claims", url.Values{"text": {text}, "kind": {"statement"}, "similar_seen": {"1"}}).status)
	}
	listed := 0
	for i, input := range hostileInputs {
		for _, text := range []string{input, input + " Moscow parade claim"} {
			before := a.snapshot()
			res := a.post("/claims", url.Values{"text": {text}, "kind": {"statement"}})
			require.Contains(t, []int{http.StatusOK, http.StatusSeeOther, http.StatusUnprocessableEntity}, res.status, "input #%d", i)
			if res.status == http.StatusOK {
				listed++
				assert.Equal(t, before, a.snapshot(), "input #%d: stopped, nothing written", i)
				assert.Positive(t, res.doc.Find(`[data-testid="similar-claim"]`).Length(), "input #%d", i)
			}
			frag := a.get("/claims/similar?text=" + url.QueryEscape(text))
			require.Equal(t, http.StatusOK, frag.status, "input #%d", i)
			for _, p := range []page{res, frag} {
				assertInert(t, "similar claims", p.doc)
				assert.NotContains(t, p.body, "<script>alert")
				assert.NotContains(t, p.body, "<svg onload")
			}
		}
	}
	assert.Positive(t, listed, "some saves were stopped for their similar claims")
	assert.NotContains(t, a.logText(), "internal error")
}
