package main

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/webhook"
	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withLimitDefaults is c with the search and download flags at their defaults.
func withLimitDefaults(c Config) Config {
	c.MaxExports, c.ExportMinRate = web.DefaultMaxExports(), web.DefaultExportMinRate
	c.SearchMinPrefix, c.SearchMaxPrefixes, c.SearchMaxOr, c.SearchMaxTerms =
		claimtrack.DefaultMinPrefix, claimtrack.DefaultMaxPrefixes, claimtrack.DefaultMaxOr, claimtrack.QueryMaxTerms
	c.SearchBudget, c.SearchesPerClient = web.DefaultSearchBudget, web.DefaultSearchesPerClient
	c.Webhooks = webhook.DefaultConfig
	c.CacheSMaxAge, c.CacheStale = web.DefaultCacheSMaxAge, web.DefaultCacheStale
	c.PageCacheMB = web.DefaultPageCacheBytes >> 20
	return c
}

func TestParseFlags_Search(t *testing.T) {
	m := NewMain(io.Discard, io.Discard)
	require.NoError(t, m.ParseFlags(nil))
	assert.Equal(t, 3, m.Config.SearchMinPrefix)
	assert.Equal(t, 4, m.Config.SearchMaxPrefixes)
	assert.Equal(t, 8, m.Config.SearchMaxOr)
	assert.Equal(t, 32, m.Config.SearchMaxTerms)
	assert.Equal(t, 150*time.Millisecond, m.Config.SearchBudget)
	assert.Equal(t, 2, m.Config.SearchesPerClient)

	t.Setenv("CLAIMTRACK_SEARCH_MIN_PREFIX", "4")
	t.Setenv("CLAIMTRACK_SEARCH_MAX_PREFIXES", "2")
	t.Setenv("CLAIMTRACK_SEARCH_MAX_OR", "5")
	t.Setenv("CLAIMTRACK_SEARCH_MAX_TERMS", "16")
	t.Setenv("CLAIMTRACK_SEARCH_BUDGET", "750ms")
	t.Setenv("CLAIMTRACK_SEARCHES_PER_CLIENT", "3")
	require.NoError(t, m.ParseFlags(nil))
	assert.Equal(t, Config{Addr: "127.0.0.1:8080", DB: "./data/claimtrack.db", OrgName: "Claimtrack",
		SearchMinPrefix: 4, SearchMaxPrefixes: 2, SearchMaxOr: 5, SearchMaxTerms: 16,
		SearchBudget: 750 * time.Millisecond, SearchesPerClient: 3,
		MaxExports: web.DefaultMaxExports(), ExportMinRate: web.DefaultExportMinRate, Webhooks: webhook.DefaultConfig,
		CacheSMaxAge: web.DefaultCacheSMaxAge, CacheStale: web.DefaultCacheStale, PageCacheMB: web.DefaultPageCacheBytes >> 20}, m.Config)
	require.NoError(t, m.ParseFlags([]string{"--search-min-prefix", "2", "--search-budget", "1s", "--searches-per-client", "1"}))
	assert.Equal(t, 2, m.Config.SearchMinPrefix, "flags win over the environment")
	assert.Equal(t, time.Second, m.Config.SearchBudget)
	assert.Equal(t, 1, m.Config.SearchesPerClient)
	assert.Equal(t, 2, m.Config.SearchMaxPrefixes)

	// The web server gets them all.
	cfg := m.Config.searchConfig(web.Config{})
	assert.Equal(t, web.Config{SearchMinPrefix: 2, SearchMaxPrefixes: 2, SearchMaxOr: 5, SearchMaxTerms: 16,
		SearchBudget: time.Second, SearchesPerClient: 1}, cfg)

	// Nonsense is an error, not a silent default.
	for _, args := range [][]string{{"--search-budget", "0s"}, {"--search-max-or", "0"}, {"--searches-per-client", "-1"}, {"--search-budget", "soon"}} {
		assert.Error(t, m.ParseFlags(args), "%v", args)
	}
	t.Setenv("CLAIMTRACK_SEARCH_BUDGET", "soon")
	assert.ErrorContains(t, m.ParseFlags(nil), "CLAIMTRACK_SEARCH_BUDGET")
	t.Setenv("CLAIMTRACK_SEARCH_BUDGET", "")
	t.Setenv("CLAIMTRACK_SEARCH_MAX_TERMS", "many")
	assert.ErrorContains(t, m.ParseFlags(nil), "CLAIMTRACK_SEARCH_MAX_TERMS")
}

// hostileSearches are eight costly searches of 32 terms: one-letter
// prefixes, alone, joined by OR, excluded and in phrases, on the search page
// and the claims list's words filter.
func hostileSearches() []string {
	letters := strings.Fields("a b c d e f g h i j k l m n o p r s t u v w a b c d e f g h i j")
	prefixes := make([]string, len(letters))
	phrases := make([]string, len(letters))
	excluded := make([]string, len(letters))
	for i, l := range letters {
		prefixes[i] = l + "*"
		phrases[i] = `"the ` + l + `"*`
		excluded[i] = "-" + l + "*"
	}
	all := strings.Join(prefixes, " ")
	or := strings.Join(prefixes, " OR ")
	var out []string
	for _, q := range []string{all, or, strings.Join(phrases, " "), "the " + strings.Join(excluded[1:], " ")} {
		out = append(out, "/search?q="+url.QueryEscape(q), "/claims?q="+url.QueryEscape(q))
	}
	return out
}

// Eight hostile searches at once against the real binary, while a claim page
// and the health check keep being asked for, twice: from one address, when
// only SearchesPerClient of them run and the rest are answered 429, and from
// eight addresses (through a trusted proxy's X-Forwarded-For), when all of
// them run and the search budget bounds each. Every search is answered 200
// (within its limits, or too broad) or, from one address, 429; never a 5xx.
// The claim page and the health check answer 200 throughout. By default the
// database is small and generated; set CLAIMTRACK_SEARCH_CHECK_DB to a large
// one (it is copied first) to see the times at scale in the test's log.
//
// Not parallel with other tests: every search must find a turn within the
// default wait.
func TestServe_HostileSearches(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "search.db")
	if big := os.Getenv("CLAIMTRACK_SEARCH_CHECK_DB"); big != "" {
		copyFile(t, big, db)
	} else {
		genDB(t, db, 2000)
	}
	_, addr, logs := startServerWith(t, db, nil, "--trusted-proxy", "127.0.0.1")
	base := "http://" + addr
	client := &http.Client{Timeout: 60 * time.Second}

	type answer struct {
		path   string
		status int
		body   string
		took   time.Duration
	}
	get := func(path, from string) answer {
		start := time.Now()
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			return answer{path: path, body: err.Error()}
		}
		if from != "" {
			req.Header.Set("X-Forwarded-For", from)
		}
		res, err := client.Do(req)
		if err != nil {
			return answer{path: path, body: err.Error(), took: time.Since(start)}
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return answer{path, res.StatusCode, string(body), time.Since(start)}
	}
	// Warm up: the first page of a process reads the schema.
	require.Equal(t, http.StatusOK, get("/claims/5", "").status)

	for _, manyAddresses := range []bool{false, true} {
		searches := hostileSearches()
		tooBroadBefore := strings.Count(logs.String(), "search too broad")
		answers := make(chan answer, len(searches))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, path := range searches {
			from := ""
			if manyAddresses {
				from = "198.51.100." + strconv.Itoa(i+1)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				answers <- get(path, from)
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()

		close(start)
		var others []answer
		for i := 0; ; i++ {
			others = append(others, get("/claims/5", "203.0.113.9"), get("/healthz", ""))
			select {
			case <-done:
			default:
				if i < 1000 {
					continue
				}
			}
			break
		}
		close(answers)

		var slowest, slowestOther time.Duration
		counts := map[int]int{}
		for a := range answers {
			counts[a.status]++
			slowest = max(slowest, a.took)
			want := []int{http.StatusOK, http.StatusTooManyRequests}
			if manyAddresses {
				want = []int{http.StatusOK}
			}
			assert.Contains(t, want, a.status, "%s: %.200s", a.path, a.body)
			if a.status == http.StatusOK {
				// Each of these searches went past the limits, and its page says so.
				assert.True(t, strings.Contains(a.body, `data-testid="query-note"`), "%s: the page does not say the limits changed the query", a.path)
			}
		}
		for _, a := range others {
			slowestOther = max(slowestOther, a.took)
			assert.Equal(t, http.StatusOK, a.status, "%s during the searches: %.200s", a.path, a.body)
		}
		t.Logf("from %d address(es): searches %v by status, slowest %s, %d too broad; %d claim page and health answers meanwhile, slowest %s",
			map[bool]int{false: 1, true: len(searches)}[manyAddresses], counts, slowest.Round(time.Millisecond),
			strings.Count(logs.String(), "search too broad")-tooBroadBefore, len(others), slowestOther.Round(time.Millisecond))
	}
	assert.NotContains(t, logs.String(), "level=ERROR")
}
