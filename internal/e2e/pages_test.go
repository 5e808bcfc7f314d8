package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pageType is one kind of page the checks visit.
type pageType struct {
	name string
	path string // "" for pages reached by a form (see visit)
	as   string // the account to view it as ("" for a visitor)
}

// pageTypes lists every kind of page: lists, claim and source pages, each
// form, search, sign-in, recent changes, the past views and the error pages
// (404, a form sent back with its errors, the conflict page).
func pageTypes(removePath string, scores scorePages) []pageType {
	today := time.Now().UTC().Format(time.DateOnly)
	return []pageType{
		{"claims list", "/claims", ""},
		{"claims list, filtered", "/claims?status=unverified&tag=kremlin", ""},
		{"claims list by last change, of a report", "/claims?sort=changed&report=1", ""},
		{"claim page", "/claims/1", ""},
		{"claim page for an editor (status and evidence forms)", "/claims/1", adminName},
		{"new claim form", "/claims/new", adminName},
		{"edit claim form", "/claims/1/edit", adminName},
		{"edit evidence form", strings.TrimSuffix(removePath, "/remove") + "/edit", adminName},
		{"remove evidence form", removePath, adminName},
		{"claim as of a day", "/claims/1?as_of=" + today, ""},
		{"claims as of a day", "/claims?as_of=" + today, ""},
		{"sources list", "/sources?sort=reliability", ""},
		{"source page", "/sources/1", ""},
		{"sources as of a day", "/sources?as_of=" + today, ""},
		{"sources as of before any verdict (no ranking)", scores.unranked, ""},
		{"source page with a score and its chart", scores.scored, ""},
		{"source page with too few verdicts", scores.few, ""},
		{"documentation page", "/docs/reliability", ""},
		{"new source form", "/sources/new", adminName},
		{"edit source form", "/sources/1/edit", adminName},
		{"reports list", "/reports", ""},
		{"report", "/reports/1", ""},
		{"search results", "/search?q=Moscow", ""},
		{"search, nothing found", "/search?q=xylophone", ""},
		{"search, did you mean, filter hint", "/search?q=peskof+refuted", ""},
		{"search, where hits matched", "/search?q=spokesman", ""},
		{"recent changes", "/changes", ""},
		{"sign-in", "/login", ""},
		{"account", "/account", adminName},
		{"accounts (admin)", "/admin/users", adminName},
		{"import (admin)", "/admin/import", adminName},
		{"webhooks (admin)", "/admin/webhooks", adminName},
		{"desk", "/desk", adminName},
		// Claim 1 is an outcome of question 1 (see rivalQuestion): its
		// pages above show its rival and the status form offers to refute it.
		{"questions list", "/questions", ""},
		{"question page", "/questions/1", ""},
		{"question page for an editor (resolve and add-outcome forms)", "/questions/1", adminName},
		{"new question form", "/questions/new?claim=5", adminName},
		{"edit question form", "/questions/1/edit", adminName},
		{"report intake form", "/intake", adminName},
		{"report intake review", "", adminName},
		{"report intake form sent back (422)", "", adminName},
		{"claims list, overdue forecasts", "/claims?due=overdue", adminName},
		{"error page: not found", "/claims/999", ""},
		{"error page: form sent back (422)", "", adminName},
		{"error page: conflict (409)", "", adminName},
		{"error page: evidence edit conflict (409)", strings.TrimSuffix(removePath, "/remove") + "/edit", adminName},
		// Claim 2 has a verdict with a revised note (see giveVerdict).
		{"claim page with a verdict", "/claims/2", ""},
		{"claim with a verdict as of a day", "/claims/2?as_of=" + today, ""},
		{"edit form of a claim with a verdict", "/claims/2/edit", adminName},
		{"confirm a new text for a claim with a verdict", "", adminName},
		{"evidence form asking did you mean (422)", "", adminName},
		{"new source form, name taken (422)", "", adminName},
		{"new claim form with similar claims", "", adminName},
	}
}

// intakePageReport is a report of our own for the intake pages: claims
// attributed to Peskov match the seed's source.
const intakePageReport = "The Carrow river bridge will close for repairs on 3 June, the county roads office announced on Monday.\n\n" +
	"Dmitry Peskov said the talks would resume in the autumn. Local traders disputed that, saying the last repair took five months."

// similarClaimText is a new claim close to seed claim 1.
const similarClaimText = "Trump is going to Moscow for the Victory Day celebrations in Russia on 9 May."

// giveVerdict refutes claim 2 and revises the verdict's note.
func giveVerdict(t *testing.T, a *app, c *http.Client) {
	t.Helper()
	for i, note := range []string{"He stayed in Washington.", "He stayed in Washington on May 9."} {
		res, err := c.PostForm(a.base+"/claims/2/status", url.Values{"_csrf": {csrfOf(t, a, c)}, "status": {"refuted"},
			"note": {note}, "version": {fmt.Sprint(3 + i)}})
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, "status change %d", i)
	}
}

// removePath finds the address of the first "Remove…" link of claim 1.
func removePath(t *testing.T, a *app, admin *http.Client) string {
	t.Helper()
	_, body := fetch(t, admin, a.base+"/claims/1")
	m := regexp.MustCompile(`/claims/1/evidence/\d+/remove`).FindString(body)
	require.NotEmpty(t, m)
	return m
}

// csrfOf is the CSRF token a client's forms carry: a signed-in client's is
// bound to its session, so it is read from a page; a visitor's is its
// _csrf cookie.
func csrfOf(t *testing.T, a *app, c *http.Client) string {
	t.Helper()
	_, body := fetch(t, c, a.base+"/account")
	if m := regexp.MustCompile(`name="_csrf" value="([A-Za-z0-9_-]+)"`).FindStringSubmatch(body); m != nil {
		return m[1]
	}
	base, _ := url.Parse(a.base)
	for _, ck := range c.Jar.Cookies(base) {
		if ck.Name == "_csrf" {
			return ck.Value
		}
	}
	t.Fatal("no CSRF token")
	return ""
}

// fetchType fetches the HTML of one page type through HTTP, making the
// error pages that a form leads to.
func fetchType(t *testing.T, a *app, clients map[string]*http.Client, p pageType) (int, string) {
	t.Helper()
	c := clients[p.as]
	switch p.name {
	case "error page: form sent back (422)":
		res, err := c.PostForm(a.base+"/claims", url.Values{"_csrf": {csrfOf(t, a, c)}, "text": {"Short"}, "kind": {"statement"}})
		require.NoError(t, err)
		defer res.Body.Close()
		return readAll(t, res)
	case "error page: conflict (409)":
		res, err := c.PostForm(a.base+"/claims/3/status", url.Values{"_csrf": {csrfOf(t, a, c)}, "status": {"refuted"},
			"note": {"Sent from a stale page."}, "version": {"1"}})
		require.NoError(t, err)
		defer res.Body.Close()
		return readAll(t, res)
	case "evidence form asking did you mean (422)":
		res, err := c.PostForm(a.base+"/claims/1/evidence", url.Values{"_csrf": {csrfOf(t, a, c)}, "source_name": {"Dmitri Peskov"},
			"stance": {"supports"}})
		require.NoError(t, err)
		defer res.Body.Close()
		return readAll(t, res)
	case "new source form, name taken (422)":
		res, err := c.PostForm(a.base+"/sources", url.Values{"_csrf": {csrfOf(t, a, c)}, "name": {"le point"}, "kind": {"outlet"}})
		require.NoError(t, err)
		defer res.Body.Close()
		return readAll(t, res)
	case "new claim form with similar claims":
		res, err := c.PostForm(a.base+"/claims", url.Values{"_csrf": {csrfOf(t, a, c)}, "text": {similarClaimText}, "kind": {"statement"}})
		require.NoError(t, err)
		defer res.Body.Close()
		status, body := readAll(t, res)
		require.Contains(t, body, `data-testid="similar-claims"`, "similar claims listed")
		return status, body
	case "error page: evidence edit conflict (409)":
		res, err := c.PostForm(a.base+p.path, url.Values{"_csrf": {csrfOf(t, a, c)}, "source_name": {"Le Point"},
			"stance": {"disputes"}, "note": {"Sent from a stale page."}, "version": {"1"}})
		require.NoError(t, err)
		defer res.Body.Close()
		return readAll(t, res)
	case "report intake review", "report intake form sent back (422)":
		form := url.Values{"_csrf": {csrfOf(t, a, c)}, "title": {"Carrow bridge to close"}, "outlet": {"Valley Post"}, "published": {"2026-05-18"},
			"text": {intakePageReport}}
		if p.name != "report intake review" {
			form.Set("published", "18 May")
		}
		res, err := c.PostForm(a.base+"/intake", form)
		require.NoError(t, err)
		defer res.Body.Close()
		return readAll(t, res)
	case "confirm a new text for a claim with a verdict":
		res, err := c.PostForm(a.base+"/claims/2", url.Values{"_csrf": {csrfOf(t, a, c)}, "text": {"Trump's visit will include a meeting with Putin."},
			"kind": {"forecast"}, "version": {"5"}})
		require.NoError(t, err)
		defer res.Body.Close()
		status, body := readAll(t, res)
		require.Contains(t, body, `data-testid="confirm-text"`, "asked to confirm")
		return status, body
	}
	return fetch(t, c, a.base+p.path)
}

func readAll(t *testing.T, res *http.Response) (int, string) {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(b)
}

// Every page type passes the Nu Html Checker with no error.
func TestValidHTML(t *testing.T) {
	needBrowser(t)
	a := startApp(t)
	clients := map[string]*http.Client{"": a.httpClient(t, ""), adminName: a.httpClient(t, adminName)}
	// One status change, so that claim 3 has a version 2 for the conflict.
	c := clients[adminName]
	res, err := c.PostForm(a.base+"/claims/3/status", url.Values{"_csrf": {csrfOf(t, a, c)}, "status": {"confirmed"},
		"note": {"Checked."}, "version": {"1"}})
	require.NoError(t, err)
	res.Body.Close()
	giveVerdict(t, a, c)
	scores := makeScorePages(t, a, c)
	rivalQuestion(t, a)

	dir := t.TempDir()
	files := map[string]string{}
	for i, p := range pageTypes(removePath(t, a, clients[adminName]), scores) {
		status, body := fetchType(t, a, clients, p)
		require.Contains(t, []int{200, 404, 409, 422}, status, p.name)
		f := filepath.Join(dir, fmt.Sprintf("page-%02d.html", i))
		require.NoError(t, os.WriteFile(f, []byte(body), 0o644))
		files[f] = fmt.Sprintf("%s (%s, %d)", p.name, p.path, status)
	}
	// The first-admin form, on an app without accounts.
	fresh := startServer(t, false)
	status, body := fetch(t, fresh.httpClient(t, ""), fresh.base+fresh.setup)
	require.Equal(t, http.StatusOK, status)
	f := filepath.Join(dir, "page-setup.html")
	require.NoError(t, os.WriteFile(f, []byte(body), 0o644))
	files[f] = "first-admin setup form (/setup, 200)"

	var args []string
	for f := range files {
		args = append(args, f)
	}
	sort.Strings(args)
	cmd := exec.Command(tools.java, append([]string{"-jar", tools.vnu, "--errors-only", "--format", "json", "--stdout"}, args...)...)
	out, _ := cmd.Output() // exits 1 when there are errors: the report says which
	var report struct {
		Messages []struct {
			Type, URL, Message, Extract string
			LastLine                    int
		}
	}
	require.NoError(t, json.Unmarshal(out, &report), "vnu output: %s", out)
	var problems []string
	for _, m := range report.Messages {
		f := strings.TrimPrefix(m.URL, "file:")
		problems = append(problems, fmt.Sprintf("%s line %d: %s [%s]", files[f], m.LastLine, m.Message, strings.TrimSpace(m.Extract)))
	}
	assert.Empty(t, problems, "the Nu Html Checker found errors")
	for _, f := range args {
		t.Logf("checked: %s", files[f])
	}
}

// axe is the source of axe-core, read once.
var axeSource = func() func(t *testing.T) string {
	var src string
	return func(t *testing.T) string {
		if src == "" {
			b, err := os.ReadFile(tools.axe)
			require.NoError(t, err)
			src = string(b)
		}
		return src
	}
}()

// axeViolation is what the tests report of one axe-core violation.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// runAxe injects axe-core into the page and returns its violations.
func (b *browser) runAxe() []axeViolation {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeSource(b.t)))
	require.NoError(b.t, err)
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(
		r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))`,
		chromedp.EvalAwaitPromise))
	require.NoError(b.t, err)
	var vs []axeViolation
	require.NoError(b.t, json.Unmarshal([]byte(out), &vs))
	return vs
}

// Every page type has no axe-core violation; the claims list and a claim
// page fit a 375 px phone screen without scrolling sideways.
func TestAccessibility(t *testing.T) {
	needBrowser(t)
	a := startApp(t)
	admin := a.httpClient(t, adminName)
	giveVerdict(t, a, admin)
	visitor := newBrowser(t, a, "visitor", true)
	editor := newBrowser(t, a, "admin", true)
	editor.signIn(adminName)
	browsers := map[string]*browser{"": visitor, adminName: editor}

	scores := makeScorePages(t, a, admin)
	rivalQuestion(t, a)
	var problems []string
	check := func(b *browser, name string) {
		for _, v := range b.runAxe() {
			problems = append(problems, fmt.Sprintf("%s (%s): %s [%s] %s at %s", name, b.location(), v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "; ")))
		}
		t.Logf("checked: %s (%s)", name, b.location())
	}
	for _, p := range pageTypes(removePath(t, a, admin), scores) {
		b := browsers[p.as]
		switch p.name {
		case "error page: form sent back (422)":
			b.open("/claims/new")
			b.fill("#claim-text", "Short")
			b.follow(`[data-testid="claim-form"] button[type="submit"]`)
			require.NotEmpty(t, b.text(`[data-testid="error-text"]`))
		case "evidence form asking did you mean (422)":
			b.open("/claims/1")
			b.fill("#ev-name", "Dmitri Peskov")
			b.follow(`#evidence-form button[type="submit"]`)
			require.NotEmpty(t, b.text(`[data-testid="source-suggestions"]`))
		case "new source form, name taken (422)":
			b.open("/sources/new")
			b.fill("#source-name", "le point")
			b.follow(`[data-testid="source-form"] button[type="submit"]`)
			require.NotEmpty(t, b.text(`[data-testid="error-name"] a`))
		case "new claim form with similar claims":
			// With scripts on, the list comes as the text is typed.
			b.open("/claims/new")
			b.fill("#claim-text", similarClaimText)
			ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
			require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="claim-form"] [data-testid="similar-claims"]`))))
			cancel()
		case "error page: conflict (409)":
			b.open("/claims/4")
			stale := b.tab(true)
			stale.open("/claims/4")
			b.click(`#status-form input[name="status"][value="confirmed"]`)
			b.fill("#status-note", "Checked.")
			b.follow(`#status-form button[type="submit"]`)
			stale.click(`#status-form input[name="status"][value="refuted"]`)
			stale.fill("#status-note", "Checked too.")
			stale.follow(`#status-form button[type="submit"]`)
			require.NotEmpty(t, stale.text(`[data-testid="conflict"]`))
			check(stale, p.name)
			stale.clean()
			continue
		case "error page: evidence edit conflict (409)":
			b.open(p.path)
			stale := b.tab(true)
			stale.open(p.path)
			b.fill("#edit-note", " Checked.")
			b.follow(`[data-testid="evidence-edit-form"] button[type="submit"]`)
			stale.fill("#edit-note", " Checked too.")
			stale.follow(`[data-testid="evidence-edit-form"] button[type="submit"]`)
			require.NotEmpty(t, stale.text(`[data-testid="conflict"] [data-testid="evidence-edit-form"]`))
			check(stale, p.name)
			stale.clean()
			continue
		case "report intake review", "report intake form sent back (422)":
			date := "2026-05-18"
			if p.name != "report intake review" {
				date = "18 May"
			}
			b.pasteReport("Carrow bridge to close", "Valley Post", date, strings.ReplaceAll(intakePageReport, "\n\n", "\n"))
			require.NotZero(t, b.count(`[data-testid="intake-review"], [data-testid="error-published"]`))
		case "confirm a new text for a claim with a verdict":
			b.open("/claims/2/edit")
			b.clear("#claim-text")
			b.fill("#claim-text", "Trump's visit will include a meeting with Putin.")
			b.follow(`[data-testid="claim-form"] button[type="submit"]`)
			require.NotEmpty(t, b.text(`[data-testid="confirm-text"]`))
		default:
			b.open(p.path)
		}
		check(b, p.name)
	}
	fresh := startServer(t, false)
	setup := newBrowser(t, fresh, "setup", true)
	setup.open(fresh.setup)
	check(setup, "first-admin setup form")
	setup.clean()
	assert.Empty(t, problems, "axe-core found accessibility violations")

	// The keyboard alone: the first Tab shows the skip link, which leads to
	// the main content; every focused element draws a visible outline.
	visitor.open("/claims")
	require.NoError(t, chromedp.Do(visitor.ctx, chromedp.KeyEvent("\t")))
	focus, err := chromedp.Run(visitor.ctx, chromedp.Evaluate[map[string]any](`(() => {
		const el = document.activeElement, r = el.getBoundingClientRect(), st = getComputedStyle(el);
		return {text: el.textContent.trim(), href: el.getAttribute('href'), top: r.top, outline: st.outlineStyle, width: st.outlineWidth};
	})()`))
	require.NoError(t, err)
	assert.Equal(t, "Skip to content", focus["text"])
	assert.Equal(t, "#main", focus["href"])
	assert.GreaterOrEqual(t, focus["top"], 0.0, "the skip link comes into view when focused")
	assert.NotEqual(t, "none", focus["outline"], "focus is visible")
	for range 3 {
		require.NoError(t, chromedp.Do(visitor.ctx, chromedp.KeyEvent("\t")))
		outline, err := chromedp.Run(visitor.ctx, chromedp.Evaluate[string](`getComputedStyle(document.activeElement).outlineStyle`))
		require.NoError(t, err)
		assert.NotEqual(t, "none", outline, "focus is visible on every element tabbed to")
	}

	// A phone: nothing wider than the screen.
	phone := newBrowser(t, a, "phone", true)
	require.NoError(t, chromedp.Do(phone.ctx, chromedp.EmulateViewport(375, 800)))
	for _, path := range []string{"/claims", "/claims/1", "/sources/1", "/search?q=Moscow", scores.scored, "/sources?sort=reliability", "/docs/reliability",
		"/reports", "/changes"} {
		phone.open(path)
		w, err := chromedp.Run(phone.ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
		require.NoError(t, err)
		assert.LessOrEqual(t, w[0], w[1], "%s scrolls sideways at 375 px", path)
		assert.Equal(t, 375, w[1])
	}
	phone.screenshot("phone-claim")
	visitor.clean()
	editor.clean()
	phone.clean()
}

// TestScreenshots writes PNGs of the main pages at desktop and phone widths
// into data/screenshots (make screenshots; skipped otherwise).
func TestScreenshots(t *testing.T) {
	needBrowser(t)
	if os.Getenv("CLAIMTRACK_SCREENSHOTS") == "" {
		t.Skip("make screenshots sets CLAIMTRACK_SCREENSHOTS=1")
	}
	a := startApp(t)
	giveVerdict(t, a, a.httpClient(t, adminName))
	scores := makeScorePages(t, a, a.httpClient(t, adminName))
	b := newBrowser(t, a, "screenshots", true)
	dir := filepath.Join(repoRoot, "data", "screenshots")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for _, w := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 375, 800}} {
		require.NoError(t, chromedp.Do(b.ctx, chromedp.EmulateViewport(w.width, w.height)))
		for _, p := range []struct{ name, path string }{
			{"claims-list", "/claims"}, {"claim", "/claims/1"}, {"source", "/sources/1"}, {"search", "/search?q=Moscow"},
			{"claim-verdict", "/claims/2"},
			{"source-scored", scores.scored}, {"source-few", scores.few}, {"sources-ranked", "/sources?sort=reliability"},
			{"sources-unranked", scores.unranked}, {"reliability-doc", "/docs/reliability"},
			{"reports", "/reports"}, {"changes", "/changes"},
			{"search-where-matched", "/search?q=spokesman"}, {"search-did-you-mean", "/search?q=peskof+refuted"},
		} {
			b.open(p.path)
			buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)) // 100: PNG (any other quality is JPEG)
			require.NoError(t, err)
			f := filepath.Join(dir, p.name+"-"+w.name+".png")
			require.NoError(t, os.WriteFile(f, buf, 0o644))
			t.Logf("wrote %s", f)
		}
	}
	b.clean()

	// The evidence form asking "Did you mean …?" of an editor.
	ed := newBrowser(t, a, "screenshots (editor)", true)
	ed.signIn(adminName)
	for _, w := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 375, 800}} {
		require.NoError(t, chromedp.Do(ed.ctx, chromedp.EmulateViewport(w.width, w.height)))
		ed.open("/claims/1")
		ed.fill("#ev-name", "Dmitri Peskov")
		ed.follow(`#evidence-form button[type="submit"]`)
		require.NoError(t, chromedp.Do(ed.ctx, chromedp.ScrollIntoView(`#evidence-form`)))
		buf, err := chromedp.Run(ed.ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		f := filepath.Join(dir, "evidence-did-you-mean-"+w.name+".png")
		require.NoError(t, os.WriteFile(f, buf, 0o644))
		t.Logf("wrote %s", f)
	}
	ed.clean()
}
