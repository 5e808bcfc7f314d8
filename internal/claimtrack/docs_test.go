package claimtrack_test

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"
)

// The repository root, seen from this package's directory (where go test
// runs), as in layout_test.go.
var repoRoot = filepath.Join("..", "..")

var (
	// mdLink matches an inline link or image, [text](target "title"), and
	// keeps the target. Link texts may hold code spans and nested brackets
	// only one level deep, which is all the docs use.
	mdLink = regexp.MustCompile(`\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)`)
	// codeSpan matches inline code, whose brackets are not links.
	codeSpan = regexp.MustCompile("`+[^`]*`+")
	// heading matches an ATX heading and keeps its text.
	heading = regexp.MustCompile(`^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$`)
	// lineAnchor is GitHub's anchor for lines of a file that is not markdown.
	lineAnchor = regexp.MustCompile(`^L\d+(-L\d+)?$`)
	// inlineLink matches a link inside a heading, whose text alone counts.
	inlineLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
)

// mdLine is one line of a markdown file outside fenced code blocks.
type mdLine struct {
	n    int
	text string
}

// proseLines returns the lines of a markdown file that are not inside
// fenced code blocks (``` or ~~~).
func proseLines(src string) []mdLine {
	var out []mdLine
	fence := ""
	for i, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			continue
		}
		out = append(out, mdLine{i + 1, line})
	}
	return out
}

// slug is the anchor GitHub gives a heading: link markup dropped,
// lowercase, every character but letters, digits, spaces, hyphens and
// underscores removed, spaces turned into hyphens.
func slug(text string) string {
	text = inlineLink.ReplaceAllString(text, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// anchors returns every anchor the headings of a markdown file produce,
// numbering repeated ones as GitHub does (-1, -2, …).
func anchors(src string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	for _, l := range proseLines(src) {
		m := heading.FindStringSubmatch(l.text)
		if m == nil {
			continue
		}
		s := slug(m[1])
		if n := seen[s]; n > 0 {
			out[fmt.Sprintf("%s-%d", s, n)] = true
		} else {
			out[s] = true
		}
		seen[s]++
	}
	return out
}

// docLinkProblems checks the relative links of one markdown file, named
// relative to the repository root, and describes each broken one.
func docLinkProblems(t *testing.T, name string) (problems []string, checked int) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, name))
	require.NoError(t, err)
	for _, l := range proseLines(string(src)) {
		text := codeSpan.ReplaceAllString(l.text, "")
		for _, m := range mdLink.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if target == "" {
				problems = append(problems, fmt.Sprintf("%s:%d: empty link", name, l.n))
				continue
			}
			u, err := url.Parse(target)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s:%d: %q is not a link: %v", name, l.n, target, err))
				continue
			}
			if u.Scheme != "" || u.Host != "" {
				continue // http, https, mailto: not checked
			}
			checked++
			file := name
			if u.Path != "" {
				file = filepath.Join(filepath.Dir(name), filepath.FromSlash(u.Path))
			}
			info, err := os.Stat(filepath.Join(repoRoot, file))
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s:%d: %s points to %s, which does not exist", name, l.n, target, filepath.ToSlash(file)))
				continue
			}
			if u.Fragment == "" {
				continue
			}
			if info.IsDir() || !strings.HasSuffix(strings.ToLower(file), ".md") {
				if !info.IsDir() && lineAnchor.MatchString(u.Fragment) {
					continue
				}
				problems = append(problems, fmt.Sprintf("%s:%d: %s has an anchor, but %s has no headings", name, l.n, target, filepath.ToSlash(file)))
				continue
			}
			body, err := os.ReadFile(filepath.Join(repoRoot, file))
			require.NoError(t, err)
			if !anchors(string(body))[u.Fragment] {
				problems = append(problems, fmt.Sprintf("%s:%d: %s: no heading in %s makes the anchor #%s", name, l.n, target, filepath.ToSlash(file), u.Fragment))
			}
		}
	}
	return problems, checked
}

// Every relative link in the README and docs/*.md points to a file that
// exists and, when it names an anchor, to a heading that makes it.
func TestDocLinks(t *testing.T) {
	t.Run("anchors", func(t *testing.T) {
		for text, want := range map[string]string{
			"Layout of the code":                 "layout-of-the-code",
			"Accounts, sessions and passwords":   "accounts-sessions-and-passwords",
			"The record's integrity":             "the-records-integrity",
			"The past: as-of views":              "the-past-as-of-views",
			"Open data: JSON API, ClaimReview":   "open-data-json-api-claimreview",
			"`claim_search` and `source_search`": "claim_search-and-source_search",
			"Synthetic data and measurement":     "synthetic-data-and-measurement",
			"Café – prices":                      "café--prices",
		} {
			if got := slug(text); got != want {
				t.Errorf("slug(%q) = %q, want %q", text, got, want)
			}
		}
	})
	docs, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	require.NoError(t, err)
	require.NotEmpty(t, docs)
	names := []string{"README.md"}
	for _, d := range docs {
		rel, err := filepath.Rel(repoRoot, d)
		require.NoError(t, err)
		names = append(names, rel)
	}
	total := 0
	for _, name := range names {
		problems, checked := docLinkProblems(t, name)
		total += checked
		for _, p := range problems {
			t.Error(p)
		}
	}
	require.Greater(t, total, 20, "the checker found almost no relative links: is it still reading them?")
}
