package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/web"
)

// busyEvents is how many events the benchmarks' busy claim has.
const busyEvents = 5000

// BenchmarkHistory measures the history pages on the benchmark database,
// through the HTTP handler, as a visitor: a claim page for a claim with 5,000
// events (the first time, the benchmark gives claim 1 that many status
// changes), a typical claim page, the recent-changes page, and the busy
// claim as of the middle of its history.
//
//	CLAIMTRACK_BENCH_DB=/path/to/1m.db go test ./web -run '^$' -bench History -benchtime 400x
func BenchmarkHistory(b *testing.B) {
	path := benchDBPath(b)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	raw := rawBenchDB(b, path)
	const busy = 1
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM events WHERE claim_id = ?`, busy).Scan(&n); err != nil {
		b.Fatal(err)
	}
	for i := n; i < busyEvents; i++ {
		c, err := db.FindClaimByID(ctx, busy)
		if err != nil {
			b.Fatal(err)
		}
		st := claimtrack.StatusDisputed
		if i%2 == 0 {
			st = claimtrack.StatusConfirmed
		}
		if _, err := db.SetClaimStatus(ctx, busy, claimtrack.StatusChange{Status: st, Note: "Benchmark change " + strconv.Itoa(i),
			Version: c.Version}, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	var mid string
	if err := raw.QueryRow(`SELECT at FROM events WHERE claim_id = ? ORDER BY id LIMIT 1 OFFSET ?`, busy, busyEvents/2).Scan(&mid); err != nil {
		b.Fatal(err)
	}
	srv := web.NewServer(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	// Without the page cache, so that every claim page is made: what its
	// target is about (a kept page costs microseconds; see BenchmarkClaimPage).
	srv.Configure(web.Config{PageCacheBytes: -1})
	get := func(b *testing.B, target string) {
		var ds []time.Duration
		for b.Loop() {
			start := time.Now()
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
			ds = append(ds, time.Since(start))
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: status %d", target, rec.Code)
			}
		}
		b.ReportMetric(ms(p95(ds)), "p95-ms")
	}
	b.Run("claim-page-5000-events", func(b *testing.B) { get(b, "/claims/"+strconv.Itoa(busy)) })
	b.Run("claim-page-typical", func(b *testing.B) { get(b, "/claims/500000") })
	b.Run("recent-changes", func(b *testing.B) { get(b, "/changes") })
	b.Run("recent-changes-verdicts", func(b *testing.B) { get(b, "/changes?type=status_changed") })
	b.Run("claims-list-as-of-mid-history", func(b *testing.B) { get(b, "/claims?as_of="+url.QueryEscape(mid)) })
	b.Run("claim-as-of-mid-history", func(b *testing.B) {
		get(b, "/claims/"+strconv.Itoa(busy)+"?as_of="+url.QueryEscape(mid))
	})
}
