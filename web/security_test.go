package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every response carries the security headers: pages, a 404, a static file,
// an error page (403); HSTS only over HTTPS.
func TestSecurity_Headers(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	responses := map[string]page{
		"page":   a.get("/claims/1"),
		"404":    a.get("/claims/999"),
		"static": a.get("/static/style.css"),
		"error":  newClientOf(a).post("/claims", changingRoutes[0].form),
	}
	assert.Equal(t, http.StatusNotFound, responses["404"].status)
	assert.Equal(t, http.StatusForbidden, responses["error"].status)
	for name, p := range responses {
		h := p.header
		assert.Equal(t, "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
			h.Get("Content-Security-Policy"), name)
		assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"), name)
		assert.Equal(t, "strict-origin-when-cross-origin", h.Get("Referrer-Policy"), name)
		assert.Empty(t, h.Get("Strict-Transport-Security"), "%s: no HSTS over plain HTTP", name)
	}

	// Behind an HTTPS public address: HSTS, and Secure session cookies.
	a.web.Configure(web.Config{HTTPS: true})
	p := a.get("/claims/1")
	assert.Equal(t, "max-age=31536000; includeSubDomains", p.header.Get("Strict-Transport-Security"))
}

// X-Forwarded-Proto is believed only from a trusted proxy.
func TestSecurity_TrustedProxy(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	hsts := func(remote string) bool {
		req := httptest.NewRequest(http.MethodGet, "/claims", nil)
		req.RemoteAddr = remote
		req.Header.Set("X-Forwarded-Proto", "https")
		rec := httptest.NewRecorder()
		a.web.ServeHTTP(rec, req)
		return rec.Header().Get("Strict-Transport-Security") != ""
	}
	assert.False(t, hsts("203.0.113.9:5000"), "anyone can send the header")
	a.web.Configure(web.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	assert.True(t, hsts("10.1.2.3:5000"), "the proxy says the client used HTTPS")
	assert.False(t, hsts("203.0.113.9:5000"))

	// A sign-in through the proxy over HTTPS gets a Secure session cookie.
	require.Equal(t, http.StatusSeeOther, a.post("/admin/users", url.Values{"username": {"nina"}, "role": {"viewer"},
		"password": {"a long enough secret"}}).status)
	login := func(remote string) *http.Cookie {
		form := url.Values{"username": {"nina"}, "password": {"a long enough secret"}, "_csrf": {"tok"}}
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", "https")
		req.AddCookie(&http.Cookie{Name: "_csrf", Value: "tok"})
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		a.web.ServeHTTP(rec, req)
		require.Equal(t, http.StatusSeeOther, rec.Code)
		for _, c := range rec.Result().Cookies() {
			if c.Name == "claimtrack_session" {
				return c
			}
		}
		t.Fatal("no session cookie")
		return nil
	}
	assert.True(t, login("10.1.2.3:5000").Secure)
	assert.False(t, login("203.0.113.9:5000").Secure)
}

// A POST the browser marks as cross-site is refused, token or not; one
// without a token or with a wrong one too.
func TestSecurity_CSRF(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	before := a.snapshot()
	v := fieldValue(a.get("/claims/1").doc, "#status-form", "version")
	form := url.Values{"status": {"refuted"}, "note": {"x"}, "version": {v}, "_csrf": {a.csrf()}}
	res := a.postRaw("/claims/1/status", form.Encode(), http.Header{"Sec-Fetch-Site": {"cross-site"}})
	assert.Equal(t, http.StatusForbidden, res.status)
	res = a.postRaw("/claims/1/status", form.Encode(), http.Header{"Sec-Fetch-Site": {"same-origin"}})
	assert.Equal(t, http.StatusSeeOther, res.status, "the same request from the site itself passes")
	after := a.snapshot()
	form.Set("version", fieldValue(a.get("/claims/1").doc, "#status-form", "version"))
	form.Del("_csrf")
	assert.Equal(t, http.StatusForbidden, a.postRaw("/claims/1/status", form.Encode(), nil).status)
	form.Set("_csrf", "not-the-token")
	assert.Equal(t, http.StatusForbidden, a.postRaw("/claims/1/status", form.Encode(), nil).status)
	assert.Equal(t, after, a.snapshot())
	assert.NotEqual(t, before, after)
}

// A private tracker shows nothing to visitors but the sign-in page.
func TestSecurity_PrivateMode(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.web.Configure(web.Config{Private: true})
	b := newClientOf(a)
	for _, path := range []string{"/", "/claims/1", "/sources", "/search?q=peskov", "/reports/1", "/reports", "/sources.csv",
		"/evidence.json?claim=1", "/claims.csv?sort=changed"} {
		res := b.get(path)
		assert.Equal(t, http.StatusSeeOther, res.status, path)
		assert.Equal(t, "/login?next="+url.QueryEscape(path), res.header.Get("Location"))
	}
	assert.Equal(t, http.StatusOK, b.get("/login").status)
	assert.Equal(t, http.StatusOK, b.get("/healthz").status)
	assert.Equal(t, http.StatusOK, b.get("/static/style.css").status)
	assert.Equal(t, http.StatusForbidden, b.post("/claims", changingRoutes[0].form).status)

	b.signInAs("vera", claimtrack.RoleViewer)
	assert.Equal(t, http.StatusOK, b.get("/claims/1").status, "any account may read")
	assert.True(t, strings.Contains(b.get("/claims/1").doc.Find("h1").Text(), "Moscow"))
	require.Equal(t, http.StatusOK, a.get("/claims").status)
}
