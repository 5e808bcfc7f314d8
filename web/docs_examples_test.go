package web_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 18, item 14: every example address in the README and docs/*.md works
// on a fresh install. An example is a code span that starts with "/" or "?"
// (a query alone is tried on /claims), or the address of a curl command or
// of the local server. Placeholders stand for what a fresh install has:
// {id}, {eid} and ID for 1, {day} for today (UTC: the seed is recorded at install
// time, so earlier days have no history); "a|b" in a value stands for each
// choice. A span ending with "=" names a parameter rather than giving an
// example, and "…" stands for any value: neither is requested.
//
// Each example is requested from a freshly seeded server, by a visitor, or by
// an admin when a visitor is sent to sign in: it must answer 200 with
// something to show, not an empty list, a claim that "did not exist yet" or
// an empty API list.

// notExamples are spans that look like addresses but are not pages to open,
// with the reason.
var notExamples = map[string]string{
	"/api/v1":           "the API's prefix, named in prose",
	"/api/":             "the API's prefix, named in prose",
	"/proc":             "the machine's, not the app's",
	"/proc/stat":        "the machine's, not the app's",
	"/account/password": "a form's target (POST)",
}

// emptyOnAFreshInstall are examples whose emptiness on a fresh install is
// what they should show, with the reason.
var emptyOnAFreshInstall = map[string]string{
	"/verdicts.atom": "no claim has a verdict yet on a fresh install",
}

// madeFirst are examples about things a fresh install has none of until an
// editor makes one: the test checks them after making one.
var madeFirst = map[string]string{
	"/questions":           "questions are made by editors; the seed has none",
	"/questions/1":         "questions are made by editors; the seed has none",
	"/questions/1.atom":    "questions are made by editors; the seed has none",
	"/api/v1/questions":    "questions are made by editors; the seed has none",
	"/api/v1/questions/1":  "questions are made by editors; the seed has none",
	"/questions/1/edit":    "questions are made by editors; the seed has none",
	"/questions/new":       "its form is there on a fresh install too",
	"/questions/new?claim": "its form is there on a fresh install too",
}

var (
	codeSpanRE  = regexp.MustCompile("`([^`]+)`")
	curlRE      = regexp.MustCompile(`curl\s.*?(?:localhost|127\.0\.0\.1):\d+(/\S*)`)
	localURLRE  = regexp.MustCompile(`https?://(?:localhost|127\.0\.0\.1):8080(/[^\s)` + "`" + `"]*)?`)
	alternative = regexp.MustCompile(`=([A-Za-z0-9_-]+(?:\|[A-Za-z0-9_-]+)+)`)
)

// docExamples finds the example addresses of a markdown file.
func docExamples(src string) []string {
	var out []string
	for _, line := range strings.Split(src, "\n") {
		if m := curlRE.FindStringSubmatch(line); m != nil {
			if method := regexp.MustCompile(`-X\s+(\w+)`).FindStringSubmatch(line); method == nil || method[1] == "GET" {
				out = append(out, m[1])
			}
			continue
		}
		for _, m := range localURLRE.FindAllStringSubmatch(line, -1) {
			if m[1] == "" {
				out = append(out, "/")
			} else {
				out = append(out, m[1])
			}
		}
		for _, m := range codeSpanRE.FindAllStringSubmatch(line, -1) {
			if s := m[1]; strings.HasPrefix(s, "/") || strings.HasPrefix(s, "?") {
				out = append(out, s)
			}
		}
	}
	return out
}

// expandExample turns an example into the addresses to request, or none.
func expandExample(ex, today string) []string {
	if _, ok := notExamples[ex]; ok || strings.HasSuffix(ex, "=") || strings.Contains(ex, "…") {
		return nil
	}
	u := strings.NewReplacer("{id}", "1", "{eid}", "1", "{day}", today, "=ID", "=1").Replace(ex)
	if strings.HasPrefix(u, "?") {
		u = "/claims" + u
	}
	if m := alternative.FindStringSubmatch(u); m != nil {
		var out []string
		for _, choice := range strings.Split(m[1], "|") {
			out = append(out, strings.Replace(u, m[0], "="+choice, 1))
		}
		return out
	}
	return []string{u}
}

func TestDocExamples_WorkOnAFreshInstall(t *testing.T) {
	a := newTestApp(t)
	today := time.Now().UTC().Format(time.DateOnly)
	files, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	require.NoError(t, err)
	files = append([]string{filepath.Join("..", "README.md")}, files...)
	where := map[string][]string{} // address → the files that give it
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, ex := range docExamples(string(src)) {
			for _, u := range expandExample(ex, today) {
				where[u] = append(where[u], filepath.Base(f)+": "+ex)
			}
		}
	}
	var urls []string
	for u := range where {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	require.Greater(t, len(urls), 20, "the docs give examples")
	for _, want := range []string{"/claims?tag=victory-day", "/claims/1?as_of=" + today, "/claims?as_of=" + today} {
		require.Contains(t, urls, want, "an example the README or docs give")
	}

	// The pages about questions, once there is one.
	var later []string
	for _, u := range urls {
		if _, ok := madeFirst[u]; !ok {
			later = append(later, u)
		}
	}
	for _, u := range urls {
		if _, ok := madeFirst[u]; ok {
			later = append(later, u)
		}
	}
	urls = later
	admin := a.client
	made := false
	for _, u := range urls {
		if _, ok := madeFirst[u]; ok && !made {
			_, err := a.db.CreateQuestion(context.Background(), claimtrack.QuestionInput{Title: "Will Trump attend the Victory Day parade in Moscow?"},
				[]int64{1}, "admin")
			require.NoError(t, err)
			made = true
		}
		a.client = a.newClient() // a visitor
		p := a.get(u)
		if p.status == http.StatusSeeOther && strings.HasPrefix(p.header.Get("Location"), "/login") {
			a.client = admin
			p = a.get(u)
		}
		from := strings.Join(where[u], "; ")
		if !assert.Equal(t, http.StatusOK, p.status, "%s (from %s)", u, from) {
			continue
		}
		t.Logf("%s: %d", u, p.status)
		if _, ok := emptyOnAFreshInstall[u]; ok {
			continue
		}
		switch ct := p.header.Get("Content-Type"); {
		case strings.HasPrefix(ct, "text/html"):
			assert.Zero(t, p.doc.Find(`[data-testid="empty"]`).Length(), "%s shows an empty state (from %s)", u, from)
			assert.NotContains(t, p.body, "did not exist yet", "%s (from %s)", u, from)
			assert.NotContains(t, p.body, "No claim had been recorded yet", "%s (from %s)", u, from)
		case strings.Contains(ct, "atom+xml"):
			assert.Contains(t, p.body, "<entry>", "%s is an empty feed (from %s)", u, from)
		case strings.HasPrefix(ct, "application/json") && strings.HasPrefix(u, "/api/"):
			if strings.Contains(p.body, `"data":`) {
				assert.NotContains(t, p.body, `"data":[]`, "%s is an empty list (from %s)", u, from)
			}
		}
	}
}
