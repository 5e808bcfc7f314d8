package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// queryNotes are the notes a page shows about what the search limits changed.
func queryNotes(p page) string {
	return p.doc.Find(`[data-testid="query-note"]`).Text()
}

// A * after one or two letters would gather most words of the index: such
// a prefix is searched as a whole word, and the page says so, on the search
// page, the claims list and the API alike.
func TestSearch_ShortPrefixIsAWord(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ids, p := a.searchIDs("pe*")
	assert.Empty(t, ids, "pe* is the word pe, which no claim holds")
	assert.Contains(t, queryNotes(p), "“pe*”")
	assert.Contains(t, queryNotes(p), "at least 3 letters")
	assert.Equal(t, "pe*", p.doc.Find("#search-q").AttrOr("value", ""), "the box keeps what was typed")

	ids, p = a.searchIDs("pes*")
	assert.ElementsMatch(t, []string{"7", "3"}, ids, "three letters are a prefix")
	assert.Empty(t, queryNotes(p))

	p = a.get("/claims?q=" + url.QueryEscape("pe*"))
	require.Equal(t, http.StatusOK, p.status)
	assert.Zero(t, p.doc.Find(`[data-testid="claim-row"]`).Length())
	assert.Contains(t, queryNotes(p), "“pe*”")

	r := a.api("GET", "/search?q="+url.QueryEscape("pe*"), "", nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Empty(t, r.body["data"])
	notes, _ := r.body["meta"].(map[string]any)["notes"].([]any)
	require.Len(t, notes, 1)
	assert.Contains(t, notes[0], "“pe*”")
}

// Past DefaultMaxPrefixes terms ending in *, the rest are whole words.
func TestSearch_PrefixLimit(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	// Only "constructive" (claim 5) starts with constru; the other prefixes
	// start nothing.
	ids, p := a.searchIDs("zzqa* OR zzqb* OR zzqc* OR zzqd* OR constru*")
	assert.Empty(t, ids, "the fifth prefix is the word constru")
	assert.Contains(t, queryNotes(p), "Only 4 terms ending in * are searched as prefixes: “constru*” was searched as a whole word.")
	ids, _ = a.searchIDs("zzqa* OR zzqb* OR zzqc* OR constru*")
	assert.Equal(t, []string{"5"}, ids)
	// Excluded prefixes count too.
	ids, p = a.searchIDs("-zzqa* -zzqb* -zzqc* -zzqd* constru*")
	assert.Empty(t, ids)
	assert.Contains(t, queryNotes(p), "“constru*”")
}

// Past DefaultMaxOr alternatives joined by OR, the rest are left out.
func TestSearch_OrLimit(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	words := []string{"zzqa", "zzqb", "zzqc", "zzqd", "zzqe", "zzqf", "zzqg", "zzqh", "zzqi", "constructive"}
	ids, p := a.searchIDs(strings.Join(words, " OR "))
	assert.Empty(t, ids, "the tenth alternative is left out")
	assert.Contains(t, queryNotes(p), "Only 8 alternatives joined by OR are used: “constructive” was left out.")
	ids, _ = a.searchIDs(strings.Join(words[len(words)-9:], " OR "))
	assert.Equal(t, []string{"5"}, ids, "nine alternatives are eight ORs")

	p = a.get("/claims?q=" + url.QueryEscape(strings.Join(words, " OR ")))
	require.Equal(t, http.StatusOK, p.status)
	assert.Zero(t, p.doc.Find(`[data-testid="claim-row"]`).Length())
	assert.Contains(t, queryNotes(p), "“constructive”")
}

// A search that runs out of its time budget is interrupted through its
// context and answered 200 with a message saying it was too broad: on the
// search page, the claims list and the API. A budget of a nanosecond has
// run out before the first statement, whatever the machine's speed.
func TestSearch_TooBroadWithinBudget(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	cfg := a.web.Config()
	cfg.SearchBudget = time.Nanosecond
	a.web.Configure(cfg)

	p := a.get("/search?q=peskov")
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.doc.Find(`[data-testid="too-broad"]`).Text(), "too broad")
	assert.Zero(t, p.doc.Find(`[data-testid="search-hit"]`).Length())

	p = a.get("/claims?q=peskov")
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.doc.Find(`[data-testid="too-broad"]`).Text(), "too broad")
	assert.Zero(t, p.doc.Find(`[data-testid="claim-row"]`).Length())
	assert.Equal(t, "/search?q=peskov", p.doc.Find(`[data-testid="search-instead"] a`).AttrOr("href", ""))

	for _, path := range []string{"/search?q=peskov", "/claims?q=peskov"} {
		r := a.api("GET", path, "", nil)
		require.Equal(t, http.StatusOK, r.status, path)
		meta := r.body["meta"].(map[string]any)
		assert.Equal(t, true, meta["too_broad"], path)
		assert.Contains(t, meta["message"], "too broad", path)
		assert.Empty(t, r.body["data"], path)
	}
	// The claims list without words is no search: the budget does not apply.
	p = a.get("/claims")
	require.Equal(t, http.StatusOK, p.status)
	assert.NotZero(t, p.doc.Find(`[data-testid="claim-row"]`).Length())
	assert.NotContains(t, a.logText(), "level=ERROR")

	cfg.SearchBudget = 0 // the default
	a.web.Configure(cfg)
	ids, p := a.searchIDs("peskov")
	assert.ElementsMatch(t, []string{"7", "3"}, ids)
	assert.Zero(t, p.doc.Find(`[data-testid="too-broad"]`).Length())
}

// gatedStore holds every search for a word containing "gated" until
// release is closed, then runs it on the real database: it keeps searches
// under way for as long as a test needs.
type gatedStore struct {
	*sqlite.DB
	entered chan struct{} // a send per search held
	release chan struct{}
}

func (g *gatedStore) hold(q string) {
	if strings.Contains(q, "gated") {
		g.entered <- struct{}{}
		<-g.release
	}
}

func (g *gatedStore) Search(ctx context.Context, q claimtrack.SearchQuery, offset, limit, sources int) (*claimtrack.SearchResults, error) {
	g.hold(q.String())
	return g.DB.Search(ctx, q, offset, limit, sources)
}

func (g *gatedStore) FindClaims(ctx context.Context, f claimtrack.ClaimFilter) (*claimtrack.ClaimPage, error) {
	g.hold(f.Query)
	return g.DB.FindClaims(ctx, f)
}

// One client address runs at most DefaultSearchesPerClient searches at
// once; one more is answered 429 with Retry-After at once, while other
// addresses and other pages are served as usual.
func TestSearch_ConcurrentSearchesPerClient(t *testing.T) {
	t.Parallel()
	db := openSeeded(t, filepath.Join(t.TempDir(), "web.db"))
	t.Cleanup(func() { db.Close() })
	store := &gatedStore{DB: db, entered: make(chan struct{}, 8), release: make(chan struct{})}
	server := web.NewServer(store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(server)
	t.Cleanup(srv.Close)
	var once sync.Once
	release := func() { once.Do(func() { close(store.release) }) }
	t.Cleanup(release)

	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := srv.Client().Get(srv.URL + path)
		require.NoError(t, err)
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res, string(body)
	}
	// Two searches from this address, held under way.
	held := make(chan int, 2)
	for _, path := range []string{"/search?q=gated", "/claims?q=gated"} {
		go func() {
			res, err := srv.Client().Get(srv.URL + path)
			if err != nil {
				held <- 0
				return
			}
			res.Body.Close()
			held <- res.StatusCode
		}()
	}
	for range 2 {
		select {
		case <-store.entered:
		case <-time.After(10 * time.Second):
			t.Fatal("the two searches did not start")
		}
	}

	// A third, from the same address, is refused at once.
	for _, path := range []string{"/search?q=peskov", "/claims?q=peskov"} {
		res, body := get(path)
		assert.Equal(t, http.StatusTooManyRequests, res.StatusCode, path)
		assert.Equal(t, "1", res.Header.Get("Retry-After"), path)
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
		require.NoError(t, err)
		assert.Contains(t, doc.Find("main").Text(), "several searches at once", path)
	}
	res, _ := get("/api/v1/search?q=peskov")
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode)
	assert.Equal(t, "1", res.Header.Get("Retry-After"))

	// Pages that are not searches, and searches from another address, are
	// answered as usual.
	res, _ = get("/claims/5")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	res, _ = get("/claims")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/search?q=peskov", nil)
	req.RemoteAddr = "192.0.2.7:4321"
	server.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code, "another address")

	release()
	for range 2 {
		select {
		case status := <-held:
			assert.Equal(t, http.StatusOK, status, "held past the budget, the search is answered as too broad")
		case <-time.After(10 * time.Second):
			t.Fatal("the held searches did not finish")
		}
	}
	// Their turns are given back once their database work has ended (an
	// answer may leave before, when the budget ran out).
	require.Eventually(t, func() bool {
		res, _ := get("/search?q=peskov")
		return res.StatusCode == http.StatusOK
	}, 10*time.Second, 10*time.Millisecond)
}
