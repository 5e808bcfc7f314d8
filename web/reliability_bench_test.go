package web_test

import (
	"context"
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
	"github.com/labstack/echo/v4"
)

// BenchmarkReliability measures, on the benchmark database, the pages and the
// change the reliability targets are about, end to end through the HTTP
// handler:
//
//   - the page of the busiest source (most claims linked), and of a typical one;
//
//   - the sources list sorted by reliability, first page and page 1,000;
//
//   - the sources list as of a moment: a week ago, a year ago (first page and
//     page 1,000), and the instant before a snapshot of the order was taken,
//     the moment farthest from the snapshot it starts from;
//
//   - a status change (POST /claims/{id}/status) on claims linked to the
//     busiest source, which updates the records of every source the claim is
//     linked to in the same transaction (and waits for the commit to reach
//     the disk: synchronous=FULL). It alternates confirmed and refuted, so
//     every change moves the records; it leaves those changes in the
//     database.
//
//     CLAIMTRACK_BENCH_DB=/path/to/1m.db go test ./web -run '^$' -bench Reliability -benchtime 400x
func BenchmarkReliability(b *testing.B) {
	path := benchDBPath(b)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	srv := web.NewServer(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	raw := rawBenchDB(b, path)

	var busiest, typical int64
	var links int
	if err := raw.QueryRow(`SELECT source_id, claims FROM source_stats ORDER BY claims DESC, source_id LIMIT 1`).Scan(&busiest, &links); err != nil {
		b.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT source_id FROM source_stats WHERE claims BETWEEN 20 AND 40 ORDER BY source_id LIMIT 1`).Scan(&typical); err != nil {
		b.Fatal(err)
	}

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
	b.Run("source-page-busiest", func(b *testing.B) {
		get(b, "/sources/"+strconv.FormatInt(busiest, 10))
		b.ReportMetric(float64(links), "claims")
	})
	b.Run("source-page-typical", func(b *testing.B) { get(b, "/sources/"+strconv.FormatInt(typical, 10)) })
	b.Run("sources-by-reliability", func(b *testing.B) { get(b, "/sources?sort=reliability") })
	b.Run("sources-by-reliability-page-1000", func(b *testing.B) { get(b, "/sources?sort=reliability&page=1000") })
	b.Run("sources-by-claims", func(b *testing.B) { get(b, "/sources?sort=claims") })
	weekAgo := time.Now().UTC().AddDate(0, 0, -7).Format(time.DateOnly)
	yearAgo := time.Now().UTC().AddDate(-1, 0, 0).Format(time.DateOnly)
	b.Run("sources-as-of-a-week-ago", func(b *testing.B) { get(b, "/sources?as_of="+weekAgo) })
	b.Run("sources-as-of-a-year-ago", func(b *testing.B) { get(b, "/sources?as_of="+yearAgo) })
	b.Run("sources-as-of-a-year-ago-page-1000", func(b *testing.B) { get(b, "/sources?as_of="+yearAgo+"&page=1000") })
	// The longest walk: the instant before a snapshot, about SnapshotEvery
	// changes after the one before it.
	var snapAt string
	if err := raw.QueryRow(`SELECT at FROM score_snapshots WHERE at < ? ORDER BY at DESC LIMIT 1 OFFSET 1`,
		time.Now().UTC().AddDate(0, -6, 0).Format(time.RFC3339)).Scan(&snapAt); err != nil {
		b.Fatal(err)
	}
	before, err := time.Parse(time.RFC3339Nano, snapAt)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("sources-as-of-just-before-a-snapshot", func(b *testing.B) {
		get(b, "/sources?as_of="+url.QueryEscape(before.Add(-time.Microsecond).Format(time.RFC3339Nano)))
	})

	b.Run("status-change", func(b *testing.B) {
		rows, err := raw.Query(`SELECT claim_id FROM evidence WHERE source_id = ? ORDER BY claim_id DESC LIMIT 200`, busiest)
		if err != nil {
			b.Fatal(err)
		}
		var claims []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				b.Fatal(err)
			}
			claims = append(claims, id)
		}
		rows.Close()
		session := benchEditorSession(b, db)
		token := web.SessionCSRF(session.Value)
		statuses := []string{"confirmed", "refuted"}
		var ds []time.Duration
		i := 0
		for b.Loop() {
			id := claims[i%len(claims)]
			c, err := db.FindClaimByID(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			status := statuses[0]
			if string(c.Status) == status {
				status = statuses[1]
			}
			form := url.Values{"status": {status}, "note": {"Benchmark verdict " + strconv.Itoa(i)},
				"version": {strconv.FormatInt(c.Version, 10)}, "_csrf": {token}}
			req := httptest.NewRequest(http.MethodPost, "/claims/"+strconv.FormatInt(id, 10)+"/status", strings.NewReader(form.Encode()))
			req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationForm)
			req.AddCookie(session)
			start := time.Now()
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			ds = append(ds, time.Since(start))
			if rec.Code != http.StatusSeeOther {
				b.Fatalf("status change: %d %s", rec.Code, rec.Body.String())
			}
			i++
		}
		b.ReportMetric(ms(p95(ds)), "p95-ms")
	})
}

// benchEditorSession signs in an editor account made for benchmarks (once).
func benchEditorSession(b *testing.B, db *sqlite.DB) *http.Cookie {
	ctx := context.Background()
	u, _, err := db.FindUserByUsername(ctx, "bench-editor")
	if claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND {
		u, err = db.CreateUser(ctx, claimtrack.NewUser{Username: "bench-editor", Role: claimtrack.RoleEditor,
			Password: "benchmarks only, never signs in"}, "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$3yj6cg2RSLC2wF9M3nU2R3aGe8nP5cBm1g5y2GJ2dXQ", "", false)
	}
	if err != nil {
		b.Fatal(err)
	}
	token := "bench-" + strconv.FormatInt(time.Now().UnixNano(), 10)
	if err := db.CreateSession(ctx, u.ID, token); err != nil {
		b.Fatal(err)
	}
	return &http.Cookie{Name: "claimtrack_session", Value: token}
}
