package web_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/seeds"
	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// testApp is the real server on a real, seeded SQLite file, with a browser-like
// client that keeps cookies and does not follow redirects.
type testApp struct {
	t      testing.TB
	db     *sqlite.DB
	raw    *sql.DB
	srv    *httptest.Server
	client *http.Client
	logs   *strings.Builder
}

func newTestApp(t testing.TB) *testApp {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "web.db"))
	require.NoError(t, err)
	_, err = seeds.Load(ctx, db)
	require.NoError(t, err)
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	require.NoError(t, err)

	logs := &strings.Builder{}
	srv := httptest.NewServer(web.NewServer(db, slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, nil))))
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	a := &testApp{t: t, db: db, raw: raw, srv: srv, logs: logs, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	t.Cleanup(func() {
		srv.Close()
		raw.Close()
		require.NoError(t, db.Close())
	})
	return a
}

// page is a fetched response with its parsed HTML.
type page struct {
	status int
	header http.Header
	body   string
	doc    *goquery.Document
}

func (a *testApp) do(req *http.Request) page {
	a.t.Helper()
	res, err := a.client.Do(req)
	require.NoError(a.t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(a.t, err)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	require.NoError(a.t, err)
	return page{status: res.StatusCode, header: res.Header, body: string(body), doc: doc}
}

func (a *testApp) get(path string) page {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
	require.NoError(a.t, err)
	return a.do(req)
}

// csrf returns a valid token for this client, reading it from a form.
func (a *testApp) csrf() string {
	a.t.Helper()
	p := a.get("/claims/new")
	token, ok := p.doc.Find(`input[name="_csrf"]`).Attr("value")
	require.True(a.t, ok, "forms carry a _csrf field")
	require.NotEmpty(a.t, token)
	return token
}

// post sends form with a valid CSRF token added.
func (a *testApp) post(path string, form url.Values) page {
	a.t.Helper()
	form = cloneValues(form)
	form.Set("_csrf", a.csrf())
	return a.postRaw(path, form.Encode(), nil)
}

// postRaw sends body as a form as is, with extra headers.
func (a *testApp) postRaw(path, body string, header http.Header) page {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+path, strings.NewReader(body))
	require.NoError(a.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	return a.do(req)
}

// count runs a counting query on the database file.
func (a *testApp) count(query string, args ...any) int {
	a.t.Helper()
	var n int
	require.NoError(a.t, a.raw.QueryRow(query, args...).Scan(&n))
	return n
}

// snapshot is every table's row count and the sum of claim versions: if it is
// unchanged, nothing was written.
func (a *testApp) snapshot() [6]int {
	a.t.Helper()
	return [6]int{
		a.count("SELECT count(*) FROM claims"), a.count("SELECT count(*) FROM sources"),
		a.count("SELECT count(*) FROM evidence"), a.count("SELECT count(*) FROM events"),
		a.count("SELECT count(*) FROM claim_tags"), a.count("SELECT coalesce(sum(version), 0) FROM claims"),
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// fieldValue is what a form shows in the named field: an input's value, a
// textarea's text, or a select's chosen option.
func fieldValue(doc *goquery.Document, form, name string) string {
	sel := doc.Find(form).Find(`[name="` + name + `"]`).First()
	switch goquery.NodeName(sel) {
	case "textarea":
		return sel.Text()
	case "select":
		v, _ := sel.Find("option[selected]").Attr("value")
		return v
	}
	if t, _ := sel.Attr("type"); t == "radio" {
		v, _ := doc.Find(form).Find(`[name="` + name + `"][checked]`).Attr("value")
		return v
	}
	v, _ := sel.Attr("value")
	return v
}

// lockedWriter lets concurrent handlers share one log buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}
