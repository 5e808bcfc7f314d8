package web_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exportStore is the real database with a hook in the claims export, to
// hold an export in the middle, slow it down or make it fail.
type exportStore struct {
	*sqlite.DB
	row func(n int) error // called before the nth claim (from 1) is handed out
}

func (s *exportStore) ExportClaims(ctx context.Context, f claimtrack.ClaimFilter, fn func(*claimtrack.Claim) error) error {
	n := 0
	return s.DB.ExportClaims(ctx, f, func(c *claimtrack.Claim) error {
		n++
		if s.row != nil {
			if err := s.row(n); err != nil {
				return err
			}
		}
		return fn(c)
	})
}

// newExportServer serves the seed data through an exportStore; start
// configures the HTTP server (its timeouts) before it starts.
func newExportServer(t *testing.T, store *exportStore, cfg web.Config, start func(*http.Server)) (*httptest.Server, *lockedWriter) {
	t.Helper()
	db := openSeeded(t, filepath.Join(t.TempDir(), "web.db"))
	store.DB = db
	logs := &lockedWriter{w: &strings.Builder{}}
	server := web.NewServer(store, slog.New(slog.NewTextHandler(logs, nil)))
	server.Configure(cfg)
	srv := httptest.NewUnstartedServer(server)
	if start != nil {
		start(srv.Config)
	}
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		require.NoError(t, db.Close())
	})
	return srv, logs
}

// fetch GETs a URL and reads the whole body, reporting a body cut short as
// an error.
func fetch(t *testing.T, u string) (*http.Response, string, error) {
	t.Helper()
	res, err := http.Get(u)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res, string(body), err
}

// Issue 16, item 4: at most MaxExports downloads are made at once; one more
// waits briefly for a turn and is then answered 503 with Retry-After, while
// the pages go on being served.
func TestClaimExport_ConcurrentExportsAreBounded(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}), make(chan struct{})
	var held atomic.Bool
	store := &exportStore{row: func(n int) error {
		if n == 1 && held.CompareAndSwap(false, true) { // the first export stops at its first claim
			close(entered)
			<-release
		}
		return nil
	}}
	srv, _ := newExportServer(t, store, web.Config{MaxExports: 1, QueueWait: 50 * time.Millisecond}, nil)
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	t.Cleanup(free) // before the server closes, even when the test fails

	first := make(chan string, 1)
	go func() {
		res, body, err := fetch(t, srv.URL+"/claims.csv")
		if assert.NoError(t, err) && assert.Equal(t, http.StatusOK, res.StatusCode) {
			first <- body
		}
		close(first)
	}()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the first export never started")
	}

	for _, path := range []string{"/claims.csv", "/claims.json?status=refuted"} {
		res, body, err := fetch(t, srv.URL+path)
		require.NoError(t, err)
		require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, "%s while another export is being made", path)
		assert.Equal(t, "5", res.Header.Get("Retry-After"))
		assert.Contains(t, body, "try again in a moment")
	}
	res, _, err := fetch(t, srv.URL+"/claims/1")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode, "pages do not wait for exports")

	free()
	var body string
	select {
	case body = <-first:
	case <-time.After(10 * time.Second):
		t.Fatal("the first export never finished")
	}
	records, err := readCSV(body)
	require.NoError(t, err)
	assert.Greater(t, len(records), 2)
	res, _, err = fetch(t, srv.URL+"/claims.csv")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode, "the turn is free again")
}

// Issue 16, item 4: an export that fails after some rows is an error page,
// never a 200 whose file simply ends early.
func TestClaimExport_FailureIsNeverAShortFile(t *testing.T) {
	t.Parallel()
	store := &exportStore{row: func(n int) error {
		if n == 3 {
			return errors.New("disk I/O error")
		}
		return nil
	}}
	srv, logs := newExportServer(t, store, web.Config{}, nil)
	for _, path := range []string{"/claims.csv", "/claims.json"} {
		res, body, err := fetch(t, srv.URL+path)
		require.NoError(t, err, "%s: the answer arrives whole", path)
		assert.Equal(t, http.StatusInternalServerError, res.StatusCode, "%s", path)
		assert.NotContains(t, body, "/claims/1", "%s: no claim of the export is sent", path)
	}
	require.Eventually(t, func() bool {
		logs.mu.Lock()
		defer logs.mu.Unlock()
		return strings.Contains(logs.w.(*strings.Builder).String(), "disk I/O error")
	}, 5*time.Second, 10*time.Millisecond, "the failure is logged")
}

// Issue 16, item 4: an export that takes longer to make than the server's
// read and write timeouts still arrives whole, with its length announced:
// the timeouts that guard ordinary requests do not cut it.
func TestClaimExport_OutlastsTheServerTimeouts(t *testing.T) {
	t.Parallel()
	const timeout = 200 * time.Millisecond
	store := &exportStore{row: func(n int) error {
		if n == 2 {
			time.Sleep(3 * timeout) // a large export: its rows take longer than the timeouts
		}
		return nil
	}}
	srv, _ := newExportServer(t, store, web.Config{}, func(s *http.Server) {
		s.ReadTimeout, s.WriteTimeout = timeout, timeout
	})
	res, body, err := fetch(t, srv.URL+"/claims.csv")
	require.NoError(t, err, "the download arrives whole")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, strconv.Itoa(len(body)), res.Header.Get("Content-Length"))
	records, err := readCSV(body)
	require.NoError(t, err)
	assert.Greater(t, len(records), 2)
}

// A HEAD request says what the download is without making it.
func TestClaimExport_Head(t *testing.T) {
	t.Parallel()
	var rows atomic.Int64
	store := &exportStore{row: func(int) error { rows.Add(1); return nil }}
	srv, _ := newExportServer(t, store, web.Config{}, nil)
	res, err := http.Head(srv.URL + "/claims.csv?" + url.Values{"status": {"refuted"}}.Encode())
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "text/csv; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Zero(t, rows.Load())
}
