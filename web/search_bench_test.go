package web_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/gen"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/web"
)

// benchQueries is the fixed mix the search is measured on. The words come from
// the generator's vocabulary (seed 1): "dorkelka" is a rare town name (about
// one claim in ten thousand), "ambassador" is in about one claim in ten, "the"
// in almost all.
var benchQueries = []struct{ name, q string }{
	{"rare", "dorkelka"},
	{"ten-percent", "ambassador"},
	{"most", "the"},
	{"two-words", "ceasefire moscow"},
	{"phrase", `"the talks"`},
	{"prefix", "negot*"},
	{"filter-word", "status:refuted sanctions"},
}

var benchDB = struct {
	once sync.Once
	path string
	err  error
}{}

// benchDBPath is CLAIMTRACK_BENCH_DB, a database made by `claimtrack gen`,
// or else a small one generated once for this run. A relative path is taken
// from the package's directory (web/), where go test runs.
func benchDBPath(b *testing.B) string {
	benchDB.once.Do(func() {
		if p := os.Getenv("CLAIMTRACK_BENCH_DB"); p != "" {
			if _, err := os.Stat(p); err != nil {
				benchDB.err = err // an empty new database would measure nothing
			}
			benchDB.path = p
			return
		}
		dir, err := os.MkdirTemp("", "claimtrack-bench-")
		if err != nil {
			benchDB.err = err
			return
		}
		benchDB.path = filepath.Join(dir, "bench.db")
		db, err := sqlite.Open(context.Background(), benchDB.path)
		if err != nil {
			benchDB.err = err
			return
		}
		_, benchDB.err = gen.Generate(context.Background(), db, gen.Options{Claims: 20_000, Seed: 1})
		if err := db.Close(); benchDB.err == nil {
			benchDB.err = err
		}
	})
	if benchDB.err != nil {
		b.Fatal(benchDB.err)
	}
	return benchDB.path
}

// BenchmarkSearch measures each query of the mix end to end through the HTTP
// handler (parse, count, rank, highlight, load, render) and, in the same loop,
// two baselines on their own connection: the full-text statements the page
// needs run bare (sqlite.RawSearch: count, page of ids, highlights, sources),
// and the single query that returns the page of ids. It reports the p95 of
// each and the handler's throughput as a share of each baseline's.
//
//	CLAIMTRACK_BENCH_DB=/path/to/1m.db go test ./web -run '^$' -bench Search -benchtime 400x
func BenchmarkSearch(b *testing.B) {
	path := benchDBPath(b)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	raw := rawBenchDB(b, path)
	conn := &preparedConn{db: raw, stmts: map[string]*sql.Stmt{}}
	defer conn.Close()
	srv := web.NewServer(db, slog.New(slog.NewTextHandler(io.Discard, nil)))

	for _, bq := range benchQueries {
		b.Run(bq.name, func(b *testing.B) {
			q := claimtrack.ParseQuery(bq.q)
			res, err := db.SearchClaims(ctx, q, 0, web.ClaimsPerPage)
			if err != nil {
				b.Fatal(err)
			}
			idsSQL, idsArgs := sqlite.RawSearchQuery(q, res.Ranked, web.ClaimsPerPage)
			target := "/search?q=" + url.QueryEscape(bq.q)
			var handler, fts, ids []time.Duration
			for b.Loop() {
				start := time.Now()
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
				handler = append(handler, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}

				start = time.Now()
				n, err := sqlite.RawSearch(ctx, conn, q, web.ClaimsPerPage, web.SourcesPerSearch)
				fts = append(fts, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				if n != len(res.Hits) {
					b.Fatalf("raw search gave %d hits, handler %d", n, len(res.Hits))
				}

				start = time.Now()
				rows, err := conn.QueryContext(ctx, idsSQL, idsArgs...)
				if err != nil {
					b.Fatal(err)
				}
				n = 0
				for rows.Next() {
					n++
				}
				rows.Close()
				ids = append(ids, time.Since(start))
				if n != len(res.Hits) {
					b.Fatalf("ids query gave %d rows, handler %d", n, len(res.Hits))
				}
			}
			b.ReportMetric(ms(p95(handler)), "handler-p95-ms")
			b.ReportMetric(ms(p95(fts)), "fts-p95-ms")
			b.ReportMetric(ms(p95(ids)), "ids-p95-ms")
			b.ReportMetric(float64(sum(fts))/float64(sum(handler)), "handler/fts")
			b.ReportMetric(float64(sum(ids))/float64(sum(handler)), "handler/ids")
			b.ReportMetric(float64(res.Total), "matches")
		})
	}
}

// rawBenchDB opens a plain read-only connection to the benchmark database,
// closed when the benchmark ends.
func rawBenchDB(b *testing.B, path string) *sql.DB {
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		b.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	b.Cleanup(func() { raw.Close() })
	return raw
}

// preparedConn runs each query text through a statement prepared once, as
// the application's read transactions do, so that neither side of the
// comparison pays for parsing SQL.
type preparedConn struct {
	db    *sql.DB
	stmts map[string]*sql.Stmt
}

func (c *preparedConn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s := c.stmts[query]
	if s == nil {
		var err error
		if s, err = c.db.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		c.stmts[query] = s
	}
	return s.QueryContext(ctx, args...)
}

func (c *preparedConn) Close() {
	for _, s := range c.stmts {
		s.Close()
	}
}

func p95(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)*95+99)/100-1]
}

func sum(ds []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
