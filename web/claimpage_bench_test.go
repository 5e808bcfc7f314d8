package web_test

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/web"
)

// BenchmarkClaimPage measures a visitor's claim page through the HTTP
// handler, asked for with gzip as browsers do: on claims picked uniformly
// among all of the benchmark database's (every page made anew), on one claim
// (every page from the cache), and on claims picked by popularity as the load
// test picks them (after its warm-up; "%kept" is the share given from the
// cache): the server's own share of the load test's claim page alone,
// without the network.
//
//	CLAIMTRACK_BENCH_DB=$PWD/data/loadtest.db go test ./web -run '^$' -bench ClaimPage -benchtime 20000x
func BenchmarkClaimPage(b *testing.B) {
	path := benchDBPath(b)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := rawBenchDB(b, path).QueryRow(`SELECT max(id) FROM claims`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	srv := web.NewServer(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	run := func(b *testing.B, pick func() int) {
		var bytes int64
		hits, misses := srv.SharedPageCounts()
		for b.Loop() {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "/claims/"+strconv.Itoa(pick()), nil)
			req.Header.Set("Accept-Encoding", "gzip, deflate, br") // as browsers do
			srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK && rec.Code != http.StatusNotFound {
				b.Fatalf("status %d", rec.Code)
			}
			bytes += int64(rec.Body.Len())
		}
		b.ReportMetric(float64(bytes)/float64(b.N), "bytes/page")
		h, m := srv.SharedPageCounts()
		if h+m > hits+misses {
			b.ReportMetric(100*float64(h-hits)/float64(h+m-hits-misses), "%kept")
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	// Uniform picks among 100,000 claims almost never find a page kept once
	// the cache is full: measured with no cache, every page is made.
	srv.Configure(web.Config{PageCacheBytes: -1})
	b.Run("uniform", func(b *testing.B) { run(b, func() int { return 1 + rng.IntN(n) }) })
	srv.Configure(web.Config{})
	b.Run("one-claim", func(b *testing.B) { run(b, func() int { return n / 2 }) })
	// Picks by popularity, as the load test makes them, after as many picks
	// as the load test's warm-up makes (so that the cache holds what it would).
	z := newZipf(n)
	warm := sync.OnceFunc(func() {
		srv.Configure(web.Config{})
		for range zipfWarmUp {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "/claims/"+strconv.Itoa(z.pick(rng)), nil)
			req.Header.Set("Accept-Encoding", "gzip")
			srv.ServeHTTP(rec, req)
		}
	})
	b.Run("zipf", func(b *testing.B) {
		warm()
		run(b, func() int { return z.pick(rng) })
	})
}

// zipfWarmUp is about how many claim pages the load test asks for before it
// measures the claim page alone with Zipf picks.
const zipfWarmUp = 80000

// zipf picks claims 1 to n by popularity, Zipf's law with s = 1: the claim
// of rank k with probability proportional to 1/k, the ranks shuffled over
// the ids (as cmd/loadtest picks them).
type zipf struct {
	cdf []float64
	ids []int
}

func newZipf(n int) *zipf {
	z := &zipf{cdf: make([]float64, n), ids: make([]int, n)}
	sum := 0.0
	for k := 1; k <= n; k++ {
		sum += 1 / float64(k)
		z.cdf[k-1] = sum
		z.ids[k-1] = k
	}
	for i := range z.cdf {
		z.cdf[i] /= sum
	}
	rand.New(rand.NewPCG(1, 11)).Shuffle(n, func(i, j int) { z.ids[i], z.ids[j] = z.ids[j], z.ids[i] })
	return z
}

func (z *zipf) pick(rng *rand.Rand) int {
	k, _ := slices.BinarySearch(z.cdf, rng.Float64())
	return z.ids[min(k, len(z.ids)-1)]
}
