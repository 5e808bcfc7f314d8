package web_test

import (
	"compress/gzip"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedCounts returns the page cache's hits and misses so far.
func sharedCounts(a *testApp) (int64, int64) { return a.web.SharedPageCounts() }

func TestSharedClaimPage_KeptUntilAChange(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	id := a.count("SELECT min(id) FROM claims")
	path := "/claims/" + strconv.Itoa(id)

	first := a.get(path)
	require.Equal(t, http.StatusOK, first.status)
	second := a.get(path)
	hits, misses := sharedCounts(a)
	assert.Equal(t, int64(1), hits, "the second view comes from the cache")
	assert.Equal(t, int64(1), misses)
	assert.Equal(t, first.body, second.body)
	assert.NotEmpty(t, second.header.Get("Content-Security-Policy"), "a kept page still gets the security headers")
	for _, encoding := range []string{"", "gzip"} {
		res, body := visitorGet(t, a, http.MethodGet, path, "Accept-Encoding", encoding)
		assert.Equal(t, strconv.Itoa(len(body)), res.Header.Get("Content-Length"), "a kept page's length is declared (%q)", encoding)
		assert.Equal(t, encoding, res.Header.Get("Content-Encoding"))
	}
	hits, _ = sharedCounts(a)
	require.Equal(t, int64(3), hits)

	// A change made by this server shows at once.
	ctx := context.Background()
	c, err := a.db.FindClaimByID(ctx, int64(id))
	require.NoError(t, err)
	_, err = a.db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: claimtrack.StatusRefuted,
		Note: "The ministry denied it on the record.", Version: c.Version}, "tester")
	require.NoError(t, err)
	after := a.get(path)
	assert.Equal(t, "Refuted", after.doc.Find(`[data-testid="status"]`).First().Text())
	assert.Contains(t, after.body, "The ministry denied it on the record.")
	hits, _ = sharedCounts(a)
	assert.Equal(t, int64(3), hits, "the change was not answered from the cache")

	// So does one made by another connection, as another process would (a
	// change moves the claim's version, whoever makes it).
	a.get(path) // kept again
	other, err := sql.Open("sqlite", "file:"+a.db.Path()+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	defer other.Close()
	_, err = other.Exec(`UPDATE claims SET text = 'Rewritten elsewhere: the parade was cancelled.', version = version + 1 WHERE id = ?`, id)
	require.NoError(t, err)
	// Another process's changes are looked for every 50 ms
	// (sqlite.DefaultOtherProcessesEvery), not on every view.
	deadline := time.Now().Add(10 * time.Second)
	for a.get(path).doc.Find(`[data-testid="claim-text"]`).Text() != "Rewritten elsewhere: the parade was cancelled." {
		require.True(t, time.Now().Before(deadline), "a change made by another process never showed")
		time.Sleep(10 * time.Millisecond)
	}
}

// A kept page holds no relative time, so it is kept for as long as the
// claim does not change, except across midnight: due dates are measured
// against the day.
func TestSharedClaimPage_KeptUntilTheDayChanges(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	path := "/claims/" + strconv.Itoa(a.count("SELECT min(id) FROM claims"))
	now := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	a.web.Now = func() time.Time { return now }
	first := a.get(path)
	assert.NotRegexp(t, `just now|minutes? ago|hours? ago|days? ago`, first.body, "no relative time on a kept page")
	now = now.Add(24*time.Hour - time.Second)
	a.get(path)
	hits, misses := sharedCounts(a)
	require.Equal(t, [2]int64{1, 1}, [2]int64{hits, misses}, "kept all day")
	now = now.Add(time.Second)
	a.get(path)
	hits, misses = sharedCounts(a)
	assert.Equal(t, [2]int64{1, 2}, [2]int64{hits, misses}, "a new day: rendered again")
}

func TestSharedClaimPage_OnlyThePlainViewOfAVisitor(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	id := a.count("SELECT min(id) FROM claims")
	path := "/claims/" + strconv.Itoa(id)
	base, err := url.Parse(a.srv.URL)
	require.NoError(t, err)

	// An editor's page has the editing forms and a CSRF token: it is neither
	// kept nor answered from what visitors are shown.
	a.signInAs("editor", claimtrack.RoleEditor)
	editor := a.get(path)
	assert.NotZero(t, editor.doc.Find(`input[name="_csrf"]`).Length())
	assert.Empty(t, editor.doc.Find(`[data-testid="sign-in-to-edit"]`).Nodes)
	a.get(path)
	hits, misses := sharedCounts(a)
	assert.Equal(t, [2]int64{0, 0}, [2]int64{hits, misses}, "signed in, the cache is not even asked")
	a.signInAs("", "")
	visitor := a.get(path)
	assert.NotEmpty(t, visitor.doc.Find(`[data-testid="sign-in-to-edit"]`).Nodes)
	assert.Empty(t, visitor.doc.Find(`input[name="_csrf"]`).Nodes)
	a.get(path)
	hits, misses = sharedCounts(a)
	assert.Equal(t, [2]int64{1, 1}, [2]int64{hits, misses}, "the visitor's first view was rendered, the second kept")
	a.signInAs("editor", claimtrack.RoleEditor)
	assert.NotZero(t, a.get(path).doc.Find(`input[name="_csrf"]`).Length(), "the editor does not get the visitor's page")
	a.signInAs("", "")

	// A page carrying a one-time message is the visitor's own.
	a.client.Jar.SetCookies(base, []*http.Cookie{{Name: "flash", Value: "claim-created", Path: "/"}})
	flashed := a.get(path)
	assert.NotEmpty(t, flashed.doc.Find(`[data-testid="flash"]`).Text())
	assert.Empty(t, a.get(path).doc.Find(`[data-testid="flash"]`).Nodes, "the message is not kept for the next view")

	// So are the history's older pages and past versions.
	before, _ := sharedCounts(a)
	a.get(path + "?before=999999999")
	a.get(path + "?before=999999999")
	a.get(path + "?as_of=2020-01-01")
	after, _ := sharedCounts(a)
	assert.Equal(t, before, after)
}

func TestSharedClaimPage_SettingsChangeThePage(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	ctx := context.Background()
	c, err := a.db.FindClaimByID(ctx, int64(a.count("SELECT min(id) FROM claims")))
	require.NoError(t, err)
	_, err = a.db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: claimtrack.StatusConfirmed,
		Note: "Confirmed by the spokesman.", Version: c.Version}, "tester")
	require.NoError(t, err)
	path := "/claims/" + strconv.FormatInt(c.ID, 10)
	assert.NotContains(t, a.get(path).body, "Fact Desk of Record")
	a.web.Configure(web.Config{OrgName: "Fact Desk of Record"})
	assert.Contains(t, a.get(path).body, "Fact Desk of Record", "the verdict's markup names the new organisation")
}

// commitDuringRead is the database with a change committed right after each
// page's reads, the moment a slower request could miss it.
type commitDuringRead struct {
	*sqlite.DB
	after func()
}

func (s commitDuringRead) ReadSnapshot(ctx context.Context, fn func(context.Context) error) error {
	err := s.DB.ReadSnapshot(ctx, fn)
	if s.after != nil {
		s.after()
	}
	return err
}

// A page is kept with the state of the database from before its reads: one
// read just before a change lands is not given out as current after it.
func TestSharedClaimPage_NeverKeptAsNewerThanItsReads(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	ctx := context.Background()
	id := int64(a.count("SELECT min(id) FROM claims"))
	changed := false
	store := commitDuringRead{DB: a.db}
	store.after = func() {
		if changed {
			return
		}
		changed = true
		c, err := a.db.FindClaimByID(ctx, id)
		require.NoError(t, err)
		_, err = a.db.SetClaimStatus(ctx, id, claimtrack.StatusChange{Status: claimtrack.StatusRefuted,
			Note: "Denied on the record after the page was read.", Version: c.Version}, "tester")
		require.NoError(t, err)
	}
	srv := web.NewServer(store, slog.New(slog.DiscardHandler))
	view := func() string {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/claims/"+strconv.FormatInt(id, 10), nil))
		require.Equal(t, http.StatusOK, rec.Code)
		return rec.Body.String()
	}
	assert.NotContains(t, view(), "Denied on the record", "read before the change")
	assert.Contains(t, view(), "Denied on the record after the page was read.", "the next view has the change")
}

// A kept claim page is kept gzipped: a client that takes gzip gets it as
// kept, one that does not gets it inflated, byte for byte the page as
// rendered; the two forms have their own strong ETags, and either answers a
// condition with 304. A page that is not kept is sent as rendered.
func TestSharedClaimPage_Gzip(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	path := "/claims/" + strconv.Itoa(a.count("SELECT min(id) FROM claims"))
	plainRes, plain := visitorGet(t, a, http.MethodGet, path) // made, kept
	require.Equal(t, http.StatusOK, plainRes.StatusCode)
	assert.Empty(t, plainRes.Header.Get("Content-Encoding"), "asked for nothing, sent as rendered")
	assert.Equal(t, "Accept-Encoding, Cookie", plainRes.Header.Get("Vary"))
	tag := plainRes.Header.Get("ETag")

	inflate := func(t *testing.T, body string) string {
		t.Helper()
		r, err := gzip.NewReader(strings.NewReader(body))
		require.NoError(t, err)
		out, err := io.ReadAll(r)
		require.NoError(t, err)
		return string(out)
	}
	for _, accept := range []string{"gzip", "gzip, deflate, br, zstd", "br;q=1.0, GZIP;q=0.5", "*", "x-gzip"} {
		res, body := visitorGet(t, a, http.MethodGet, path, "Accept-Encoding", accept)
		require.Equal(t, http.StatusOK, res.StatusCode, accept)
		assert.Equal(t, "gzip", res.Header.Get("Content-Encoding"), accept)
		assert.Equal(t, strconv.Itoa(len(body)), res.Header.Get("Content-Length"), accept)
		assert.Less(t, len(body), len(plain)/2, "%s: a claim page compresses well", accept)
		assert.Equal(t, plain, inflate(t, body), accept)
		assert.Equal(t, strings.TrimSuffix(tag, `"`)+`.gz"`, res.Header.Get("ETag"), "%s: a form of its own", accept)
		assert.Equal(t, "Accept-Encoding, Cookie", res.Header.Get("Vary"), accept)
	}
	for _, accept := range []string{"identity", "gzip;q=0", "br", "gzip; q=0.000, deflate", "*;q=0"} {
		res, body := visitorGet(t, a, http.MethodGet, path, "Accept-Encoding", accept)
		assert.Empty(t, res.Header.Get("Content-Encoding"), accept)
		assert.Equal(t, plain, body, "%s: inflated from the kept page", accept)
		assert.Equal(t, tag, res.Header.Get("ETag"), accept)
	}
	hits, misses := sharedCounts(a)
	require.Equal(t, [2]int64{10, 1}, [2]int64{hits, misses})

	// Either form's ETag answers a condition; the 304 names the form listed.
	gzTag := strings.TrimSuffix(tag, `"`) + `.gz"`
	for _, c := range []struct{ accept, inm, want string }{
		{"gzip", tag, tag}, {"gzip", gzTag, gzTag}, {"", gzTag, gzTag}, {"", tag, tag}, {"gzip", `"x", ` + gzTag, gzTag},
	} {
		res, body := visitorGet(t, a, http.MethodGet, path, "Accept-Encoding", c.accept, "If-None-Match", c.inm)
		assert.Equal(t, http.StatusNotModified, res.StatusCode, "%+v", c)
		assert.Empty(t, body)
		assert.Equal(t, c.want, res.Header.Get("ETag"), "%+v", c)
	}
	res, _ := visitorGet(t, a, http.MethodHead, path, "Accept-Encoding", "gzip")
	assert.Equal(t, "gzip", res.Header.Get("Content-Encoding"))
	assert.NotEqual(t, strconv.Itoa(len(plain)), res.Header.Get("Content-Length"), "HEAD declares the gzipped length")

	// With no page cache a page is made for every view, and still sent
	// gzipped to a client that takes gzip, with the gzipped form's ETag.
	a.web.Configure(web.Config{PageCacheBytes: -1, SearchBudget: 30 * time.Second})
	hits, misses = sharedCounts(a)
	res, body := visitorGet(t, a, http.MethodGet, path, "Accept-Encoding", "gzip")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "gzip", res.Header.Get("Content-Encoding"))
	assert.Equal(t, strconv.Itoa(len(body)), res.Header.Get("Content-Length"))
	assert.Equal(t, plain, inflate(t, body))
	zippedTag := res.Header.Get("ETag")
	res, body = visitorGet(t, a, http.MethodGet, path)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Empty(t, res.Header.Get("Content-Encoding"))
	assert.Equal(t, plain, body)
	assert.Equal(t, strings.TrimSuffix(res.Header.Get("ETag"), `"`)+`.gz"`, zippedTag, "the gzipped form's tag")
	hitsAfter, missesAfter := sharedCounts(a)
	require.Equal(t, [2]int64{0, 2}, [2]int64{hitsAfter - hits, missesAfter - misses}, "no page kept")
}
