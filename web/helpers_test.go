package web_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/password"
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
	web    *web.Server
	db     *sqlite.DB
	raw    *sql.DB
	srv    *httptest.Server
	client *http.Client
	logs   *lockedWriter // the server's log, in a strings.Builder

	// snapshotStmt is snapshot's query, prepared once (tests take thousands
	// of snapshots): one statement, so the six figures come from one read.
	snapshotStmt *sql.Stmt
}

func newTestApp(t testing.TB) *testApp {
	t.Helper()
	a := newBareApp(t)
	// Most tests act as an admin (who may do everything). The account's
	// session is made in storage, which saves a deliberately slow password
	// hash per test; the sign-in flow itself has its own tests.
	a.signInAs("admin", claimtrack.RoleAdmin)
	return a
}

// newBareApp is the app on the seed data with no account at all, and a
// client that is not signed in.
func newBareApp(t testing.TB) *testApp {
	t.Helper()
	return newBareAppIn(t, t.TempDir())
}

// newBareAppIn is newBareApp with its database in dir.
func newBareAppIn(t testing.TB, dir string) *testApp {
	t.Helper()
	db := openSeeded(t, filepath.Join(dir, "web.db"))
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	require.NoError(t, err)
	snapshotStmt, err := raw.Prepare(`SELECT (SELECT count(*) FROM claims), (SELECT count(*) FROM sources),
		(SELECT count(*) FROM evidence), (SELECT count(*) FROM events), (SELECT count(*) FROM claim_tags),
		(SELECT coalesce(sum(version), 0) FROM claims)`)
	require.NoError(t, err)

	logs := &lockedWriter{w: &strings.Builder{}}
	server := web.NewServer(db, slog.New(slog.NewTextHandler(logs, nil)))
	// The searches and name lookups of the seed data take milliseconds, but
	// on a machine busy with the rest of the suite one can take longer than
	// the default budget (150 ms), past which a search is "too broad" and a
	// name close to a source's is taken as new. Tests of something else get
	// a budget no busy machine runs out of; the budget's own tests set it.
	server.Configure(web.Config{SearchBudget: 30 * time.Second})
	srv := httptest.NewServer(server)
	a := &testApp{t: t, db: db, raw: raw, srv: srv, web: server, logs: logs, snapshotStmt: snapshotStmt}
	a.client = a.newClient()
	t.Cleanup(func() {
		srv.Close()
		snapshotStmt.Close()
		raw.Close()
		require.NoError(t, db.Close())
	})
	return a
}

// seededDB is a database file migrated and seeded once per test run; every
// test database starts as a copy of it (see openSeeded).
var seededDB = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "claimtrack-web-seed-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "seed.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if _, err := seeds.Load(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	// Close checkpoints the write-ahead log into the file and removes it:
	// the file alone is the whole database.
	if err := db.Close(); err != nil {
		return nil, err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("the seeded database left %s behind (%v)", suffix, err)
		}
	}
	return os.ReadFile(path)
})

// openSeeded opens a database at path holding the seed data, as
// sqlite.Open and seeds.Load make it: a copy of seededDB, which saves
// migrating and seeding again in every test.
func openSeeded(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	file, err := seededDB()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, file, 0o644))
	db, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	return db
}

// testPassword is the password of the accounts signInAs makes. Their hash is
// a real one with the cheapest parameters, so that forms asking for the
// password again (API tokens, a new password) can be tested without the
// deliberately slow default hash.
const testPassword = "the test account's password"

var testHash struct {
	once sync.Once
	hash string
	err  error
}

func testPasswordHash(t testing.TB) string {
	testHash.once.Do(func() {
		testHash.hash, testHash.err = password.HashWith(context.Background(), testPassword,
			password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	})
	require.NoError(t, testHash.err)
	return testHash.hash
}

// sessionCounter makes every test session token unique.
var sessionCounter atomic.Int64

// newClient is a browser: its own cookies, redirects not followed.
func (a *testApp) newClient() *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(a.t, err)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signInAs creates an account (unless it exists) and gives this client a
// session for it; with role "" the client signs out instead.
func (a *testApp) signInAs(username string, role claimtrack.Role) *claimtrack.User {
	a.t.Helper()
	a.client = a.newClient()
	if role == "" {
		return nil
	}
	ctx := context.Background()
	u, _, err := a.db.FindUserByUsername(ctx, username)
	if claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND {
		u, err = a.db.CreateUser(ctx, claimtrack.NewUser{Username: username, Role: role, Password: testPassword}, testPasswordHash(a.t), "", false)
	}
	require.NoError(a.t, err)
	token := "test-session-" + username + "-" + strconv.FormatInt(sessionCounter.Add(1), 10)
	require.NoError(a.t, a.db.CreateSession(ctx, u.ID, token))
	base, err := url.Parse(a.srv.URL)
	require.NoError(a.t, err)
	a.client.Jar.SetCookies(base, []*http.Cookie{{Name: "claimtrack_session", Value: token, Path: "/"}})
	return u
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

// csrf returns a valid token for this client: the one its forms carry. A
// signed-in client's is bound to its session (and changes with it); a
// visitor's is the value of the _csrf cookie, which any page sets.
func (a *testApp) csrf() string {
	a.t.Helper()
	base, err := url.Parse(a.srv.URL)
	require.NoError(a.t, err)
	find := func(name string) string {
		for _, c := range a.client.Jar.Cookies(base) {
			if c.Name == name {
				return c.Value
			}
		}
		return ""
	}
	if session := find("claimtrack_session"); session != "" {
		return web.SessionCSRF(session)
	}
	if token := find("_csrf"); token != "" {
		return token
	}
	p := a.get("/login")
	token, ok := p.doc.Find(`input[name="_csrf"]`).Attr("value")
	if !ok {
		token = find("_csrf")
	}
	require.NotEmpty(a.t, token, "pages hand out a CSRF token")
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
	var s [6]int
	require.NoError(a.t, a.snapshotStmt.QueryRow().Scan(&s[0], &s[1], &s[2], &s[3], &s[4], &s[5]))
	return s
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

// logText is what the server has logged so far. A request's line is written
// after its response, so it is read under the log's lock.
func (a *testApp) logText() string {
	a.logs.mu.Lock()
	defer a.logs.mu.Unlock()
	return a.logs.w.(*strings.Builder).String()
}
