package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertInert checks a rendered page: the only script is our own file (and
// the ClaimReview data block, which must be JSON and is never run), no
// element has an event-handler attribute, and no link or source uses a
// javascript: or data: address.
func assertInert(t *testing.T, name string, doc *goquery.Document) {
	t.Helper()
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if s.AttrOr("type", "") == "application/ld+json" {
			assert.True(t, json.Valid([]byte(s.Text())), "%s: the JSON-LD is JSON", name)
			assert.Empty(t, s.AttrOr("src", ""))
			return
		}
		assert.Equal(t, "/static/app.js", s.AttrOr("src", ""), "%s: only our own script", name)
	})
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, attr := range s.Nodes[0].Attr {
			key, val := strings.ToLower(attr.Key), strings.ToLower(strings.TrimSpace(attr.Val))
			assert.False(t, strings.HasPrefix(key, "on"), "%s: event handler attribute %s=%q", name, attr.Key, attr.Val)
			if key == "href" || key == "src" || key == "action" || key == "formaction" {
				assert.False(t, strings.HasPrefix(val, "javascript:") || strings.HasPrefix(val, "data:"),
					"%s: %s=%q", name, attr.Key, attr.Val)
			}
		}
	})
}

// Hostile text in claims, notes, quotes, source names and links is shown as
// text everywhere it appears, and hostile links are never stored.
func TestXSS_RenderedInert(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	payload := `<script>alert(1)</script>" onmouseover="alert(2)" x=' javascript:alert(3) data:text/html,<b>`
	res := a.post("/claims", url.Values{"text": {"Claim " + payload}, "kind": {"statement"}, "context": {"Context " + payload},
		"tags": {"tag"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	claim := res.header.Get("Location")
	res = a.post(claim+"/evidence", url.Values{"source_name": {"Source " + payload}, "source_kind": {"outlet"},
		"stance": {"asserts"}, "quote": {"Quote " + payload}, "note": {"Note " + payload}, "url": {"https://example.org/?q=%22%3E%3Cscript%3E"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	v := fieldValue(a.get(claim).doc, "#status-form", "version")
	res = a.post(claim+"/status", url.Values{"status": {"refuted"}, "note": {"Verdict " + payload}, "version": {v}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	// javascript: and data: links are refused, not stored.
	for _, bad := range []string{"javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "JaVaScRiPt:alert(1)", " javascript:x"} {
		res = a.post(claim+"/evidence", url.Values{"source_name": {"Another"}, "source_kind": {"outlet"}, "stance": {"supports"}, "url": {bad}})
		assert.Equal(t, http.StatusUnprocessableEntity, res.status, bad)
		res = a.post("/sources", url.Values{"name": {"Site " + bad}, "kind": {"outlet"}, "url": {bad}})
		assert.Equal(t, http.StatusUnprocessableEntity, res.status, bad)
	}
	assert.Zero(t, a.count(`SELECT count(*) FROM evidence WHERE url LIKE '%script:%' OR url LIKE 'data:%'`))

	source := ""
	a.get(claim).doc.Find(`[data-testid="evidence-item"] .evidence-source a`).Each(func(_ int, s *goquery.Selection) {
		if strings.HasPrefix(s.Text(), "Source ") {
			source = s.AttrOr("href", "")
		}
	})
	require.NotEmpty(t, source)
	pages := map[string]string{
		"claim": claim, "claims list": "/claims", "search": "/search?q=" + url.QueryEscape("alert"),
		"claims search": "/claims?q=alert", "source": source, "sources": "/sources?sort=reliability",
		"source edit": source + "/edit", "claim edit": claim + "/edit",
	}
	for name, path := range pages {
		p := a.get(path)
		require.Equal(t, http.StatusOK, p.status, name)
		assertInert(t, name, p.doc)
		assert.Contains(t, p.body, "&lt;script&gt;", "%s shows the markup as text", name)
	}
	// The text reads back exactly as typed.
	assert.Equal(t, "Claim "+payload, a.get(claim).doc.Find(`[data-testid="claim-text"]`).Text())
}
