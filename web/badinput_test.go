package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every validation rule answers 422 with the form shown again, the input kept
// and a message by the wrong field, and writes nothing.
func TestValidation_422KeepsInput(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	long := func(n int) string { return strings.Repeat("w", n) }
	claimForm := func(kv ...string) url.Values {
		v := url.Values{"text": {"A perfectly reasonable claim text."}, "kind": {"statement"}, "context": {"Some context."}, "tags": {"tag-one"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	statusForm := func(kv ...string) url.Values {
		v := url.Values{"status": {"confirmed"}, "note": {"Checked against the transcript."}, "version": {"3"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	evidenceForm := func(kv ...string) url.Values {
		v := url.Values{"source_name": {"Dmitry Peskov"}, "stance": {"supports"}, "quote": {"Kept quote"}, "url": {"https://example.org/kept"},
			"published_at": {"2025-02-19"}, "note": {"Kept note"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	sourceForm := func(kv ...string) url.Values {
		v := url.Values{"name": {"A new source"}, "kind": {"person"}, "role": {"Kept role"}, "url": {"https://example.org/"}, "description": {"Kept description"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	editForm := func(kv ...string) url.Values {
		v := claimForm(kv...)
		if v.Get("version") == "" {
			v.Set("version", "3")
		}
		return v
	}

	tests := []struct {
		name, path, form, field string
		values                  url.Values
	}{
		{"ClaimTextEmpty", "/claims", "claim-form", "text", claimForm("text", "   ")},
		{"ClaimTextShort", "/claims", "claim-form", "text", claimForm("text", "Too short")},
		{"ClaimTextLong", "/claims", "claim-form", "text", claimForm("text", long(501))},
		{"ClaimTextInvalidUTF8", "/claims", "claim-form", "text", claimForm("text", "Invalid \xff\xfe bytes in a claim")},
		{"ClaimTextControl", "/claims", "claim-form", "text", claimForm("text", "Control \x07 character in a claim")},
		{"ClaimKind", "/claims", "claim-form", "kind", claimForm("kind", "rumour")},
		{"ClaimDueDateFormat", "/claims", "claim-form", "due_date", claimForm("kind", "forecast", "due_date", "May 9")},
		{"ClaimDueDateNotForecast", "/claims", "claim-form", "due_date", claimForm("due_date", "2025-05-09")},
		{"ClaimTags", "/claims", "claim-form", "tags", claimForm("tags", "ok, <b>bad</b>")},
		{"ClaimContextInvalidUTF8", "/claims", "claim-form", "context", claimForm("context", "\xc3\x28")},
		{"EditTextShort", "/claims/1", "claim-form", "text", editForm("text", "Short")},
		{"EditVersionMissing", "/claims/1", "claim-form", "version", editForm("version", "abc")},
		{"StatusUnknown", "/claims/1/status", "status-form", "status", statusForm("status", "fake")},
		{"StatusNoteMissing", "/claims/1/status", "status-form", "note", statusForm("note", "  ")},
		{"StatusNoteLong", "/claims/1/status", "status-form", "note", statusForm("note", long(2001))},
		{"StatusVersionMissing", "/claims/1/status", "status-form", "version", statusForm("version", "")},
		{"EvidenceNoSource", "/claims/1/evidence", "evidence-form", "source_id", evidenceForm("source_name", "")},
		{"EvidenceUnknownSource", "/claims/1/evidence", "evidence-form", "source_id", evidenceForm("source_name", "", "source_id", "999")},
		{"EvidenceNewSourceKind", "/claims/1/evidence", "evidence-form", "source_kind", evidenceForm("source_name", "Brand New Outlet")},
		{"EvidenceStance", "/claims/1/evidence", "evidence-form", "stance", evidenceForm("stance", "agrees")},
		{"EvidenceURLScheme", "/claims/1/evidence", "evidence-form", "url", evidenceForm("url", "javascript:alert(1)")},
		{"EvidenceURLFTP", "/claims/1/evidence", "evidence-form", "url", evidenceForm("url", "ftp://example.org/file")},
		{"EvidenceURLLong", "/claims/1/evidence", "evidence-form", "url", evidenceForm("url", "https://example.org/"+long(2050))},
		{"EvidenceDate", "/claims/1/evidence", "evidence-form", "published_at", evidenceForm("published_at", "2025-02-30")},
		{"EvidenceQuoteLong", "/claims/1/evidence", "evidence-form", "quote", evidenceForm("quote", long(2001))},
		{"EvidenceVia", "/claims/1/evidence", "evidence-form", "via_source_id", evidenceForm("via_source_id", "3")},
		{"SourceNameEmpty", "/sources", "source-form", "name", sourceForm("name", "")},
		{"SourceKind", "/sources", "source-form", "kind", sourceForm("kind", "blogger")},
		{"SourceURL", "/sources", "source-form", "url", sourceForm("url", "javascript:alert(1)")},
		{"SourceRoleLong", "/sources", "source-form", "role", sourceForm("role", long(201))},
		{"SourceNameTaken", "/sources", "source-form", "name", sourceForm("name", "LE POINT")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := a.snapshot()
			res := a.post(tt.path, tt.values)
			require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
			assert.Equal(t, before, a.snapshot(), "a rejected form writes nothing")

			form := `[data-testid="` + tt.form + `"]`
			require.Equal(t, 1, res.doc.Find(form).Length(), "the same form is shown again")
			msg := res.doc.Find(form + ` [data-testid="error-` + tt.field + `"]`)
			assert.NotEmpty(t, strings.TrimSpace(msg.Text()), "a message by the %s field", tt.field)
			assert.NotEmpty(t, res.doc.Find(form+` .form-summary`).Text())

			for name, vs := range tt.values {
				if name == "version" || name == "source_id" && tt.field == "source_id" {
					continue // the version is refreshed, and an unknown source cannot be pre-selected
				}
				want := strings.ToValidUTF8(vs[0], "\uFFFD")
				switch name {
				case "text", "context", "note", "quote", "description":
					want = strings.ReplaceAll(want, "\r\n", "\n")
				}
				got := fieldValue(res.doc, form, name)
				if strings.TrimSpace(want) == "" {
					assert.Equal(t, "", strings.TrimSpace(got), name)
					continue
				}
				if name == "kind" || name == "stance" || name == "status" || name == "source_kind" || name == "source_id" || name == "via_source_id" {
					if got == "" {
						// An invalid choice cannot be selected; a valid one must be.
						assert.Contains(t, []string{"rumour", "agrees", "fake", "blogger"}, want, name)
						continue
					}
				}
				assert.Equal(t, want, got, "field %s keeps its input", name)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	for _, path := range []string{
		"/claims/999", "/claims/0", "/claims/-1", "/claims/abc", "/claims/1.5", "/claims/99999999999999999999999",
		"/claims/%00", "/claims/999/edit", "/claims/x/edit", "/sources/999", "/sources/abc", "/reports/2", "/reports/r",
		"/nowhere", "/claims/1/nothing", "/claims?source=999",
	} {
		t.Run(path, func(t *testing.T) {
			p := a.get(path)
			assert.Equal(t, http.StatusNotFound, p.status)
			assert.Equal(t, 1, p.doc.Find(`[data-testid="error-page"]`).Length(), "a 404 page, not a bare string")
			assert.Contains(t, p.header.Get("Content-Type"), "text/html")
		})
	}
	for _, path := range []string{"/claims/999", "/claims/abc", "/claims/999/status", "/claims/zz/evidence", "/claims/0/status"} {
		t.Run("POST"+path, func(t *testing.T) {
			before := a.snapshot()
			p := a.post(path, url.Values{"text": {"A perfectly valid claim text."}, "kind": {"statement"}, "version": {"1"},
				"status": {"confirmed"}, "note": {"note"}, "source_id": {"1"}, "stance": {"asserts"}})
			assert.Equal(t, http.StatusNotFound, p.status)
			assert.Equal(t, before, a.snapshot())
		})
	}
}

// A stale version is a 409 page that shows the claim as it is now and what
// changed, offers the input again, and writes nothing.
func TestConflict(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	// Someone else refutes claim 2 while we still hold its old version.
	old := fieldValue(a.get("/claims/2").doc, "#status-form", "version")
	res := a.post("/claims/2/status", url.Values{"status": {"refuted"}, "note": {"First verdict."}, "version": {old}})
	require.Equal(t, http.StatusSeeOther, res.status)

	t.Run("Status", func(t *testing.T) {
		before := a.snapshot()
		res := a.post("/claims/2/status", url.Values{"status": {"confirmed"}, "note": {"My stale verdict."}, "version": {old}})
		require.Equal(t, http.StatusConflict, res.status, res.body)
		assert.Equal(t, before, a.snapshot(), "nothing written")
		assert.Equal(t, 1, res.doc.Find(`[data-testid="conflict"]`).Length())
		assert.Contains(t, res.doc.Find(`[data-testid="changes-since"]`).Text(), "First verdict.")
		assert.Equal(t, "My stale verdict.", fieldValue(res.doc, "#status-form", "note"))
		assert.Equal(t, "confirmed", fieldValue(res.doc, "#status-form", "status"))
		current := fieldValue(res.doc, "#status-form", "version")
		assert.NotEqual(t, old, current, "the re-apply form carries the current version")

		// Re-applying from the conflict page works.
		res = a.post("/claims/2/status", url.Values{"status": {"confirmed"}, "note": {"My verdict, re-applied."}, "version": {current}})
		require.Equal(t, http.StatusSeeOther, res.status)
	})
	t.Run("Edit", func(t *testing.T) {
		before := a.snapshot()
		res := a.post("/claims/2", url.Values{"text": {"My stale rewording of the claim."}, "kind": {"forecast"}, "version": {old}})
		require.Equal(t, http.StatusConflict, res.status, res.body)
		assert.Equal(t, before, a.snapshot(), "nothing written")
		assert.Equal(t, "My stale rewording of the claim.", fieldValue(res.doc, `[data-testid="claim-form"]`, "text"))
		assert.Contains(t, res.doc.Find(`[data-testid="claim-text"]`).Text(), "Vladimir Putin")
	})
}

func TestOversizeBody_413(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	token := a.csrf()
	before := a.snapshot()
	for _, path := range []string{"/claims", "/claims/1", "/claims/1/status", "/claims/1/evidence", "/sources"} {
		body := url.Values{"_csrf": {token}, "text": {strings.Repeat("a", 70<<10)}, "kind": {"statement"}}.Encode()
		p := a.postRaw(path, body, nil)
		assert.Equal(t, http.StatusRequestEntityTooLarge, p.status, path)
		assert.Equal(t, 1, p.doc.Find(`[data-testid="error-page"]`).Length())
	}
	// A body without Content-Length is cut off while it is read.
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+"/claims", struct{ *strings.Reader }{strings.NewReader(
		url.Values{"_csrf": {token}, "text": {strings.Repeat("b", 70<<10)}}.Encode())})
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	p := a.do(req)
	assert.Equal(t, http.StatusRequestEntityTooLarge, p.status)
	assert.Equal(t, before, a.snapshot())
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.csrf() // the client has a token cookie, but sends none in the form
	before := a.snapshot()
	form := url.Values{"text": {"A perfectly valid claim text."}, "kind": {"statement"}}
	p := a.postRaw("/claims", form.Encode(), nil)
	assert.Equal(t, http.StatusForbidden, p.status)
	assert.Equal(t, 1, p.doc.Find(`[data-testid="error-page"]`).Length())

	form.Set("_csrf", "forged-token")
	assert.Equal(t, http.StatusForbidden, a.postRaw("/claims", form.Encode(), nil).status)

	form.Set("_csrf", a.csrf())
	p = a.postRaw("/claims", form.Encode(), http.Header{"Sec-Fetch-Site": {"cross-site"}})
	assert.Equal(t, http.StatusForbidden, p.status)
	assert.Equal(t, before, a.snapshot())
}

// hostileInputs are values an attacker or a broken client might send.
var hostileInputs = []string{
	"", " ", "\t\n", strings.Repeat("a", 10_000), strings.Repeat("é", 3_000), "\x00", "abc\x00def and more text",
	"\x1b[31mred\x1b[0m terminal escape", "\xff\xfe\xfd", "valid text then \xc3\x28 invalid", "\xed\xa0\x80 surrogate half",
	"<script>alert(1)</script>", "<img src=x onerror=alert(1)>", `"><svg onload=alert(1)>`, "javascript:alert(1)",
	"JaVaScRiPt:alert(document.cookie)", "data:text/html;base64,PHNjcmlwdD4=", "'; DROP TABLE claims; --",
	"1 OR 1=1", `" OR ""="`, "%00%27%22", "../../../../etc/passwd", "{{.}} ${7*7} <%= 7*7 %>",
	"\u202eRTL override text here", "\u200b\u200b\u200b zero width", "😀😀😀😀😀 emoji claim text", "-1", "0",
	"99999999999999999999999", "1e9", "NaN", "\r\n\r\nSet-Cookie: x=y", "line1\nline2\ttab",
	"http://" + strings.Repeat("a", 3000) + ".com", "2025-13-45", "asserts\x00", "unverified OR 1=1",
}

// No hostile input, in any field of any POST route, produces a 500 or a
// partial write; markup sent in is stored as typed and never served back as
// markup. Forms that edit claim 1 carry its current version, read from the
// store just before each post, so that the hostile value is what is judged
// (not a stale version) and whatever the rules allow is saved.
func TestHostileInputs(t *testing.T) {
	t.Parallel()
	require.GreaterOrEqual(t, len(hostileInputs), 30)
	a := newTestApp(t)
	// In this order: the source named with markup is created by /sources
	// before evidence names it (and links to it).
	routes := []struct {
		path   string
		fields []string
	}{
		{"/claims", []string{"text", "context", "kind", "due_date", "tags"}},
		{"/claims/1", []string{"text", "context", "kind", "due_date", "tags", "version"}},
		{"/claims/1/status", []string{"status", "note", "version"}},
		{"/sources", []string{"name", "kind", "role", "url", "description"}},
		{"/claims/1/evidence", []string{"source_id", "source_name", "source_kind", "stance", "quote", "url", "published_at", "via_source_id", "note"}},
		{"/claims/1/evidence/1/edit", []string{"source_name", "source_kind", "stance", "quote", "url", "published_at", "via_source_id", "note", "version"}},
		{"/admin/webhooks", []string{"url"}},
	}
	allowed := map[int]bool{http.StatusSeeOther: true, http.StatusUnprocessableEntity: true, http.StatusBadRequest: true,
		http.StatusRequestEntityTooLarge: true, http.StatusNotFound: true}
	version := func() string {
		c, err := a.db.FindClaimByID(t.Context(), 1)
		require.NoError(t, err)
		return strconv.FormatInt(c.Version, 10)
	}
	const markup = "<script>alert(1)</script>"
	saved := map[string]bool{} // "path field" where markup alone was accepted
	for _, route := range routes {
		path, fields := route.path, route.fields
		for i, input := range hostileInputs {
			// Each input goes into every field at once, and into each field alone
			// next to otherwise valid values (with the claim's current version).
			for _, field := range append([]string{""}, fields...) {
				form := url.Values{}
				if field == "" {
					for _, f := range fields {
						form.Set(f, input)
					}
				} else {
					form = validFormFor(path)
					if form.Has("version") {
						form.Set("version", version())
					}
					if field == "source_name" { // a new source's name, not an existing one's id
						form.Del("source_id")
						form.Set("source_kind", "outlet")
					}
					form.Set(field, input)
				}
				before := a.snapshot()
				res := a.post(path, form)
				ok := allowed[res.status] || res.status == http.StatusConflict && (field == "" || field == "version")
				require.True(t, ok, "%s %s input #%d %q: status %d\n%s", path, field, i, trunc(input), res.status, trunc(res.body))
				if res.status != http.StatusSeeOther {
					assert.Equal(t, before, a.snapshot(), "%s input #%d: a refused request writes nothing", path, i)
				} else if input == markup && field != "" {
					saved[path+" "+field] = true
				}
				if res.status != http.StatusSeeOther && (strings.ContainsAny(input, "<>\"'") || strings.Contains(input, ":")) {
					assertInert(t, fmt.Sprintf("%s %s input #%d (%d)", path, field, i, res.status), res.doc)
				}
				assert.NotContains(t, res.body, "<script>alert", "markup is escaped")
				assert.NotContains(t, res.body, "<img src=x")
				assert.NotContains(t, res.body, "<svg onload")
				assert.NotContains(t, res.body, "goroutine ", "no stack trace")
			}
		}
	}
	assert.NotContains(t, a.logText(), "internal error")

	// The markup was saved through every free-text field of every route:
	// no version conflict stood in the way.
	for _, want := range []string{"/claims text", "/claims context", "/claims/1 text", "/claims/1 context",
		"/claims/1/status note", "/claims/1/evidence source_name", "/claims/1/evidence quote", "/claims/1/evidence note",
		"/claims/1/evidence/1/edit source_name", "/claims/1/evidence/1/edit quote", "/claims/1/evidence/1/edit note",
		"/sources name", "/sources role", "/sources description"} {
		assert.True(t, saved[want], "%s: the markup was saved (303)", want)
	}
	assert.Positive(t, a.count(`SELECT count(*) FROM events WHERE claim_id = 1 AND type = 'claim_edited'
		AND (json_extract(after_json, '$.text') = ?1 OR json_extract(after_json, '$.context') = ?1)`, markup),
		"an edit of claim 1 with the markup is in its history")
	assert.Positive(t, a.count(`SELECT count(*) FROM events WHERE claim_id = 1 AND type = 'status_changed' AND note = ?`, markup),
		"a status change of claim 1 with the markup as its note is in its history")
	assert.Positive(t, a.count(`SELECT count(*) FROM evidence WHERE claim_id = 1 AND quote = ?`, markup))
	var hostileSource int64
	require.NoError(t, a.raw.QueryRow(`SELECT id FROM sources WHERE name = ?`, markup).Scan(&hostileSource))

	// Whatever was accepted is shown as text, escaped, everywhere it shows.
	src := "/sources/" + strconv.FormatInt(hostileSource, 10)
	pages := []string{"/claims", "/claims?q=alert", "/search?q=alert", "/sources", "/sources?sort=reliability",
		"/claims/1", "/claims/1/edit", "/claims/1/evidence/1/edit", "/claims/2", "/changes", "/changes?type=claim_edited",
		"/changes?type=evidence_added", "/changes?type=evidence_edited",
		"/changes?source=" + strconv.FormatInt(hostileSource, 10), src, src + "/edit"}
	for _, path := range pages {
		p := a.get(path)
		require.Equal(t, http.StatusOK, p.status, path)
		assertInert(t, path, p.doc)
		assert.NotContains(t, p.body, "<script>alert", path)
		assert.NotContains(t, p.body, "<img src=x", path)
		assert.NotContains(t, p.body, "<svg onload", path)
	}
	for _, path := range []string{"/claims/1", "/changes?type=status_changed", src, src + "/edit", "/search?q=alert"} {
		p := a.get(path)
		assert.True(t, strings.Contains(p.body, "&lt;script&gt;alert(1)&lt;/script&gt;"), "%s shows the markup as text", path)
		assert.True(t, strings.Contains(p.doc.Find("main").Text(), markup), "%s reads back as typed", path)
	}
	require.NoError(t, a.db.IntegrityCheck(t.Context()))
}

func validFormFor(path string) url.Values {
	switch path {
	case "/claims":
		// The same text is sent again and again: its similar claims are
		// taken as seen (TestSimilarClaims_HostileInputs sends hostile texts
		// without).
		return url.Values{"text": {"A perfectly valid claim text."}, "kind": {"statement"}, "similar_seen": {"1"}}
	case "/claims/1":
		return url.Values{"text": {"A perfectly valid claim text."}, "kind": {"statement"}, "version": {"current"}}
	case "/claims/1/status":
		return url.Values{"status": {"disputed"}, "note": {"A note."}, "version": {"current"}}
	case "/claims/1/evidence":
		return url.Values{"source_id": {"1"}, "stance": {"reports"}}
	case "/claims/1/evidence/1/edit":
		return url.Values{"source_name": {"Le Point"}, "stance": {"asserts"}, "version": {"current"}}
	case "/admin/webhooks":
		return url.Values{"url": {"https://example.org/hook"}}
	}
	// Each source a name of its own: a name taken is refused.
	return url.Values{"name": {"Valid Source Name " + strconv.FormatInt(validSourceNames.Add(1), 10)}, "kind": {"person"}}
}

var validSourceNames atomic.Int64

func trunc(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
