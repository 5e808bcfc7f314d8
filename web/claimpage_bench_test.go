package web_test

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/web"
)

// BenchmarkClaimPage measures a visitor's claim page through the HTTP
// handler, on claims picked uniformly among all of the benchmark database's
// (every page made anew) and on one claim (every page from the cache): the
// server's own share of the load test's claim page alone, without the
// network.
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
		for b.Loop() {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/claims/"+strconv.Itoa(pick()), nil))
			if rec.Code != http.StatusOK && rec.Code != http.StatusNotFound {
				b.Fatalf("status %d", rec.Code)
			}
			bytes += int64(rec.Body.Len())
		}
		b.ReportMetric(float64(bytes)/float64(b.N), "bytes/page")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	// Uniform picks among 100,000 claims almost never find a page kept once
	// the cache is full: measured with no cache, every page is made.
	srv.Configure(web.Config{PageCacheBytes: -1})
	b.Run("uniform", func(b *testing.B) { run(b, func() int { return 1 + rng.IntN(n) }) })
	srv.Configure(web.Config{})
	b.Run("one-claim", func(b *testing.B) { run(b, func() int { return n / 2 }) })
}
