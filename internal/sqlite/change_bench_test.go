package sqlite_test

import (
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
)

// BenchmarkChangePath times each of 2,000 changes made one after the other
// (half status changes, half new evidence, on claims picked uniformly) on a
// copy of a generated database, with the search index's background merging
// running as it does in the server: how long a change takes, and how many
// take over 40 ms and where in the stream they fall. Run it on the load
// test's database:
//
//	CLAIMTRACK_BENCH_DB=$PWD/data/loadtest.db go test ./internal/sqlite -run '^$' -bench ChangePath -benchtime 1x
func BenchmarkChangePath(b *testing.B) {
	src := os.Getenv("CLAIMTRACK_BENCH_DB")
	if src == "" {
		b.Skip("CLAIMTRACK_BENCH_DB names no generated database")
	}
	ctx := context.Background()
	const changes = 2000
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "changes.db")
		copyFile(b, src, path)
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		var claims int
		if err := rawDB(b, db).QueryRow(`SELECT count(*) FROM claims`).Scan(&claims); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rng := rand.New(rand.NewPCG(1, 2))
		took := make([]time.Duration, 0, changes)
		var slow []int
		for i := range changes {
			id := int64(1 + rng.IntN(claims))
			start := time.Now()
			if i%2 == 0 {
				c, err := db.FindClaimByID(ctx, id)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := db.SetClaimStatus(ctx, id, claimtrack.StatusChange{Status: claimtrack.StatusRefuted, Note: "Checked.",
					Version: c.Version}, "bench"); err != nil {
					b.Fatal(err)
				}
			} else if _, err := db.AddEvidence(ctx, id, claimtrack.EvidenceInput{SourceName: "Bench Wire",
				SourceKind: claimtrack.SourceKind("agency"), Stance: claimtrack.Stance("reports")}, "bench"); err != nil {
				b.Fatal(err)
			}
			d := time.Since(start)
			took = append(took, d)
			if d > 40*time.Millisecond {
				slow = append(slow, i)
			}
		}
		b.StopTimer()
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)/2])/1e6, "p50-ms")
		b.ReportMetric(float64(took[len(took)*99/100])/1e6, "p99-ms")
		b.ReportMetric(float64(took[len(took)-1])/1e6, "max-ms")
		b.ReportMetric(float64(len(slow)), "over-40ms")
		b.Logf("changes over 40 ms, by their place in the stream: %v", slow)
		b.StartTimer()
	}
}

// copyFile copies a database file (checkpointed: no log beside it).
func copyFile(tb testing.TB, src, dst string) {
	tb.Helper()
	in, err := os.Open(src)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
}
