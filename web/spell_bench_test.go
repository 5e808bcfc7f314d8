package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/web"
)

// spellQueries find nothing, so that the search page looks for a spelling:
// a slip in a common word ("sanctons"), in a rare one ("dorkelkq"), one with
// common words one letter away ("thed"), and the most work a suggestion
// does: SpellWordsCorrected words of SpellMaxLetters letters that nothing
// is near, after the words checked.
var spellQueries = []struct{ name, q string }{
	{"common", "sanctons"},
	{"rare", "dorkelkq"},
	{"near-common", "thed"},
	{"two-words", "moscw ceasfire"},
	{"longest", strings.Repeat(strings.Repeat("q", sqlite.SpellMaxLetters)+" ", sqlite.SpellWordsCorrected) + "x"},
}

// BenchmarkSearchSpelling measures the search page, handler end to end, for
// searches that find nothing and get a spelling suggestion, and the
// suggestion's own database work (SuggestSpelling) in the same loop.
//
//	CLAIMTRACK_BENCH_DB=/path/to/1m.db go test ./web -run '^$' -bench SearchSpelling -benchtime 200x
func BenchmarkSearchSpelling(b *testing.B) {
	path := benchDBPath(b)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	srv := web.NewServer(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, sq := range spellQueries {
		b.Run(sq.name, func(b *testing.B) {
			q := claimtrack.ParseQuery(sq.q)
			target := "/search?q=" + url.QueryEscape(sq.q)
			var handler, spell []time.Duration
			var fixes []claimtrack.Correction
			for b.Loop() {
				start := time.Now()
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
				handler = append(handler, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
				start = time.Now()
				if fixes, err = db.SuggestSpelling(ctx, q); err != nil {
					b.Fatal(err)
				}
				spell = append(spell, time.Since(start))
			}
			b.ReportMetric(ms(p95(handler)), "handler-p95-ms")
			b.ReportMetric(ms(p95(spell)), "spelling-p95-ms")
			b.ReportMetric(float64(len(fixes)), "corrections")
		})
	}
}
