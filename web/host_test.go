package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostRequest sends a request with the Host header host (the client's
// choice, forged or not) and extra headers, with no cookies, and returns the
// whole response as text: status line, headers and body.
func (a *testApp) hostRequest(method, path, host, token, body string, header ...string) (int, string, http.Header, string) {
	a.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.srv.URL+path, rd)
	require.NoError(a.t, err)
	if host != "" {
		req.Host = host
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	require.NoError(a.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(a.t, err)
	var all strings.Builder
	all.WriteString(res.Status + "\n")
	require.NoError(a.t, res.Header.Write(&all))
	all.Write(raw)
	return res.StatusCode, all.String(), res.Header, string(raw)
}

// claimReviewURL is the url of a claim page's ClaimReview markup.
func claimReviewURL(t *testing.T, body string) string {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	require.NoError(t, err)
	var r map[string]any
	require.NoError(t, json.Unmarshal([]byte(doc.Find(`script[type="application/ld+json"]`).Text()), &r), body)
	u, _ := r["url"].(string)
	return u
}

// Every route that writes an absolute URL: the ClaimReview markup of a
// claim page with a verdict (kept in the page cache for visitors), the four
// feeds, the exports, the API's links and Link headers.
func absoluteURLRoutes(claim, source string) []string {
	return []string{
		"/claims/" + claim, "/claims/" + claim + ".atom", "/changes.atom", "/verdicts.atom", "/sources/" + source + ".atom",
		"/claims.csv", "/claims.json", "/claims.csv?status=refuted",
		"/api/v1/claims", "/api/v1/claims?per_page=1&page=2", "/api/v1/claims/" + claim, "/api/v1/sources",
		"/api/v1/sources?per_page=1", "/api/v1/sources/" + source, "/api/v1/events?limit=1",
		"/api/v1/claims/" + claim + "/events?limit=1", "/api/v1/search?q=moscow",
	}
}

// A forged Host header, or X-Forwarded-Host and X-Forwarded-Proto from a
// client that is no trusted proxy, appears in no response, whether the
// response is made for that request or kept and given to the next visitor.
// Without a public URL the site is named by the listen address.
func TestForgedHost_AppearsInNoResponse(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	listen := a.srv.Listener.Addr().String()
	a.web.Configure(web.Config{ListenAddr: listen})
	ctx := context.Background()
	c, err := a.db.FindClaimByID(ctx, int64(a.count("SELECT min(id) FROM claims")))
	require.NoError(t, err)
	_, err = a.db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: claimtrack.StatusRefuted, Note: "Denied.", Version: c.Version}, "tester")
	require.NoError(t, err)
	claim := strconv.FormatInt(c.ID, 10)
	source := strconv.Itoa(a.count("SELECT min(source_id) FROM evidence WHERE claim_id = ?", c.ID))
	token := a.apiToken("writer", claimtrack.RoleEditor)

	forged := []struct {
		host   string
		header []string
	}{
		{"attacker.example", nil},
		{"ATTACKER.example:" + strings.Split(listen, ":")[1], nil},
		{"attacker.example", []string{"X-Forwarded-Host", "attacker.example", "X-Forwarded-Proto", "https"}},
		{"", []string{"X-Forwarded-Host", "attacker.example", "X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.9"}},
		{"", []string{"Forwarded", "host=attacker.example;proto=https", "X-Forwarded-Server", "attacker.example"}},
		{"127.0.0.1:" + strings.Split(listen, ":")[1] + "@attacker.example", nil},
	}
	base := a.srv.URL
	now := time.Now() // a still clock: the cached claim page never ages out here
	a.web.Now = func() time.Time { return now }
	check := func(method, path, host string, header []string, round int) string {
		t.Helper()
		status, all, _, body := a.hostRequest(method, path, host, "", "", header...)
		require.Equal(t, http.StatusOK, status, "%s %s: %s", method, path, body)
		assert.NotContains(t, strings.ToLower(all), "attacker", "%s %s with Host %q %v (round %d)", method, path, host, header, round)
		assert.NotContains(t, all, "https://127.0.0.1", "%s %s %v: X-Forwarded-Proto from anyone is ignored", method, path, header)
		if method == http.MethodGet && path == "/claims/"+claim {
			assert.Equal(t, base+"/claims/"+claim, claimReviewURL(t, body), "named by the listen address")
		}
		return all
	}
	for _, f := range forged {
		for round := range 2 { // the second claim page is answered from the page cache
			for _, path := range absoluteURLRoutes(claim, source) {
				check(http.MethodGet, path, f.host, f.header, round)
			}
			check(http.MethodHead, "/claims/"+claim, f.host, f.header, round)
		}
	}
	// A visitor who comes afterwards gets the site's own address, from the
	// page cache too.
	before, _ := sharedCounts(a)
	for _, path := range absoluteURLRoutes(claim, source) {
		check(http.MethodGet, path, "", nil, 0)
	}
	after, _ := sharedCounts(a)
	assert.Equal(t, before+1, after, "the visitor's claim page came from the page cache")

	// The Location of what the API makes.
	for _, f := range forged {
		status, all, header, _ := a.hostRequest(http.MethodPost, "/api/v1/claims", f.host, token,
			`{"text": "Made through the API with a forged Host."}`, f.header...)
		require.Equal(t, http.StatusCreated, status, all)
		assert.NotContains(t, strings.ToLower(all), "attacker")
		assert.True(t, strings.HasPrefix(header.Get("Location"), base+"/api/v1/claims/"), header.Get("Location"))
	}
}

// The Host a request names the site by is used when it is allowed: by
// default the loopback names with the listen port; with AllowedHosts, those
// given. Each visitor is given the page of their own address, never one kept
// for another.
func TestAllowedHosts(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	listen := a.srv.Listener.Addr().String()
	port := strings.Split(listen, ":")[1]
	ctx := context.Background()
	c, err := a.db.FindClaimByID(ctx, int64(a.count("SELECT min(id) FROM claims")))
	require.NoError(t, err)
	_, err = a.db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: claimtrack.StatusConfirmed, Note: "Seen.", Version: c.Version}, "tester")
	require.NoError(t, err)
	path := "/claims/" + strconv.FormatInt(c.ID, 10)
	reviewURL := func(host string) string {
		t.Helper()
		status, _, _, body := a.hostRequest(http.MethodGet, path, host, "", "")
		require.Equal(t, http.StatusOK, status)
		return claimReviewURL(t, body)
	}

	a.web.Configure(web.Config{ListenAddr: listen})
	for range 2 {
		for host, want := range map[string]string{
			"localhost:" + port: "http://localhost:" + port, "LocalHost:" + port: "http://localhost:" + port,
			"[::1]:" + port: "http://[::1]:" + port, "127.0.0.1:" + port: "http://127.0.0.1:" + port,
			"localhost:1": "http://" + listen, "localhost": "http://" + listen, "claims.example.org": "http://" + listen,
		} {
			assert.Equal(t, want+path, reviewURL(host), host)
		}
	}

	a.web.Configure(web.Config{ListenAddr: listen, AllowedHosts: []string{"Claims.Example.org", "192.0.2.7:8080"}})
	for range 2 {
		for host, want := range map[string]string{
			"claims.example.org": "http://claims.example.org", "192.0.2.7:8080": "http://192.0.2.7:8080",
			"claims.example.org:8080": "http://" + listen, "localhost:" + port: "http://" + listen,
			"attacker.example": "http://" + listen,
		} {
			assert.Equal(t, want+path, reviewURL(host), host)
		}
	}

	// An address that names no machine is reached as localhost.
	a.web.Configure(web.Config{ListenAddr: "0.0.0.0:" + port})
	assert.Equal(t, "http://localhost:"+port+path, reviewURL("attacker.example"))
	a.web.Configure(web.Config{ListenAddr: "[::]:" + port})
	assert.Equal(t, "http://localhost:"+port+path, reviewURL("attacker.example"))

	// A public URL wins over every Host.
	a.web.Configure(web.Config{ListenAddr: listen, PublicURL: "https://claims.example.org"})
	assert.Equal(t, "https://claims.example.org"+path, reviewURL("localhost:"+port))
	assert.Equal(t, "https://claims.example.org"+path, reviewURL("attacker.example"))
}

func TestNormalizeHost(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"claims.example.org": "claims.example.org", " Claims.Example.ORG:8443 ": "claims.example.org:8443",
		"192.0.2.7": "192.0.2.7", "192.0.2.7:80": "192.0.2.7:80", "[2001:DB8::1]:8080": "[2001:db8::1]:8080",
		"[::1]": "[::1]", "localhost": "localhost", "my-host": "my-host",
	} {
		got, err := web.NormalizeHost(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "::1", "2001:db8::1", "host:0", "host:65536", "host:08080", "host:", ":8080",
		"http://host", "host/path", "user@host", "-host", "host-", "ho st", "host..org", "*.example.org", "[fe80::1%eth0]",
		"[192.0.2.7]", "host:80:80", strings.Repeat("a", 64) + ".org"} {
		_, err := web.NormalizeHost(in)
		assert.Error(t, err, in)
	}
	hosts, err := web.ParseAllowedHosts(" a.example , b.example:8080,,")
	require.NoError(t, err)
	assert.Equal(t, []string{"a.example", "b.example:8080"}, hosts)
	_, err = web.ParseAllowedHosts("a.example, attacker example")
	assert.Error(t, err)
}
