package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/dump"
	"github.com/claimtrack/claimtrack/internal/gen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonDump is a whole JSON dump, decoded.
type jsonDump struct {
	Format     string          `json:"format"`
	Version    int             `json:"version"`
	ExportedAt string          `json:"exported_at"`
	Reports    []dump.Report   `json:"reports"`
	Sources    []dump.Source   `json:"sources"`
	Questions  []dump.Question `json:"questions"`
	Claims     []dump.Claim    `json:"claims"`
	Evidence   []dump.Evidence `json:"evidence"`
	Events     []dump.Event    `json:"events"`
}

// The JSON and CSV exports hold every row of every table, in id order, with
// the values the tracker shows, and the two say the same.
func TestExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	_, err := gen.Generate(ctx, db, gen.Options{Claims: 700, Seed: 4})
	require.NoError(t, err)
	c := mustCreateClaim(t, db, "Quotes \"inside\", commas, and\nnew lines survive.")
	_, err = db.UpdateClaim(ctx, c.ID, c.Version, claimtrack.ClaimInput{Text: c.Text, Kind: claimtrack.KindStatement, Tags: []string{"zeta", "alpha"}}, "tester")
	require.NoError(t, err)
	mustSetStatus(t, db, c.ID, claimtrack.StatusRefuted)

	var buf bytes.Buffer
	w, err := dump.NewJSONWriter(&buf, time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	var calls, last int
	require.NoError(t, db.Export(ctx, w, func(done, total int) { calls++; last = done; require.LessOrEqual(t, done, total) }))
	var d jsonDump
	require.NoError(t, json.Unmarshal(buf.Bytes(), &d), "the export is one JSON document")
	assert.Equal(t, dump.Format, d.Format)
	assert.Equal(t, 1, d.Version)
	assert.Equal(t, "2026-11-26T12:00:00.000000Z", d.ExportedAt)
	counts := map[string]int{}
	for _, table := range dump.Tables {
		var n int
		require.NoError(t, raw.QueryRow(`SELECT count(*) FROM `+string(table)).Scan(&n))
		counts[string(table)] = n
	}
	assert.Equal(t, counts, map[string]int{"reports": len(d.Reports), "sources": len(d.Sources), "questions": len(d.Questions),
		"claims": len(d.Claims), "evidence": len(d.Evidence), "events": len(d.Events)})
	assert.Positive(t, calls)
	assert.Equal(t, len(d.Sources)+len(d.Claims)+len(d.Evidence)+len(d.Events)+len(d.Reports), last)
	for i := 1; i < len(d.Events); i++ {
		require.Less(t, d.Events[i-1].ID, d.Events[i].ID, "events in id order")
	}

	got := d.Claims[len(d.Claims)-1]
	assert.Equal(t, c.ID, got.ID)
	assert.Equal(t, c.Text, got.Text)
	assert.Equal(t, []string{"zeta", "alpha"}, got.Tags, "tags in their order")
	assert.Equal(t, "refuted", got.Status)
	assert.Equal(t, "Checked.", got.VerdictNote)
	assert.EqualValues(t, 3, got.Version)
	lastEvent := d.Events[len(d.Events)-1]
	assert.Equal(t, "status_changed", lastEvent.Type)
	assert.Equal(t, map[string]string{"status": "refuted", "note": "Checked."}, lastEvent.After)
	assert.Equal(t, "tester", lastEvent.Actor)

	// The CSV files hold the same rows.
	dir := filepath.Join(t.TempDir(), "csv")
	cw, err := dump.NewCSVDirWriter(dir)
	require.NoError(t, err)
	require.NoError(t, db.Export(ctx, cw, nil))
	for _, table := range dump.Tables {
		f, err := os.Open(filepath.Join(dir, string(table)+".csv"))
		require.NoError(t, err)
		records, err := csv.NewReader(dump.SkipBOM(f)).ReadAll() // each file starts with a byte-order mark
		f.Close()
		require.NoError(t, err, "%s.csv is valid CSV", table)
		require.Equal(t, dump.Header(table), records[0])
		assert.Len(t, records[1:], counts[string(table)], string(table))
	}
	f, err := os.Open(filepath.Join(dir, "claims.csv"))
	require.NoError(t, err)
	defer f.Close()
	records, err := csv.NewReader(dump.SkipBOM(f)).ReadAll()
	require.NoError(t, err)
	row := records[len(records)-1]
	assert.Equal(t, strconv.FormatInt(c.ID, 10), row[0])
	assert.Equal(t, c.Text, row[1], "quotes, commas and new lines survive")
	assert.Equal(t, "zeta, alpha", row[5])
}

// Issue 16, item 4: exporting the claims list holds no read transaction
// while its rows are being handed out, so a checkpoint made in the middle
// of an export of any length (or to a client of any speed) empties the
// write-ahead log instead of finding it pinned by the export.
func TestExportClaims_HoldsNoReadTransactionAcrossTheExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	_, err := gen.Generate(ctx, db, gen.Options{Claims: 1200, Seed: 5})
	require.NoError(t, err)
	db.Now = time.Now // claims added now are newer than the generated ones
	// No busy timeout: a checkpoint that a reader blocks says so at once.
	cp, err := sql.Open("sqlite", "file:"+db.Path())
	require.NoError(t, err)
	defer cp.Close()

	var seen int
	ids := map[int64]bool{}
	checked := 0
	err = db.ExportClaims(ctx, claimtrack.ClaimFilter{}, func(c *claimtrack.Claim) error {
		seen++
		ids[c.ID] = true
		if seen%500 != 1 || seen > 1000 { // in the first and the second page
			return nil
		}
		// A change lands in the WAL while the export goes on…
		mustCreateClaim(t, db, "A claim added while the export runs, number "+strconv.Itoa(seen)+".")
		// …and a checkpoint can copy it into the database and empty the log.
		var busy, logFrames, done int
		require.NoError(t, cp.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done))
		require.Equal(t, 0, busy, "the checkpoint after claim %d of the export found a reader holding the log", seen)
		checked++
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 2, checked)
	assert.Equal(t, 1200, seen, "every claim that existed when the export began, once; none of those added during it")
	assert.Len(t, ids, 1200)
}

// Issue 18, item 12: the sources and evidence downloads hand out every row
// once, in order, across their pages of 500 (each read on its own): every
// source by id; every link, a claim's, or a source's (as the source and as
// the one relayed) by claim and id.
func TestExportSourcesAndEvidence(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	st, err := gen.Generate(ctx, db, gen.Options{Claims: 6000, Seed: 7})
	require.NoError(t, err)
	require.Greater(t, st.Sources, 500, "more sources than a page")

	var sources []int64
	require.NoError(t, db.ExportSources(ctx, func(s *claimtrack.Source) error {
		sources = append(sources, s.ID)
		return nil
	}))
	assert.Equal(t, ids(t, raw, `SELECT id FROM sources ORDER BY id`), sources)

	evidence := func(f claimtrack.EvidenceFilter) []int64 {
		var out []int64
		require.NoError(t, db.ExportEvidence(ctx, f, func(e *claimtrack.Evidence) error {
			switch {
			case f.ClaimID != 0:
				require.Equal(t, f.ClaimID, e.ClaimID)
			case f.SourceID != 0:
				require.True(t, e.SourceID == f.SourceID || e.ViaSourceID == f.SourceID, "link %d names the source", e.ID)
			}
			out = append(out, e.ID)
			return nil
		}))
		return out
	}
	all := ids(t, raw, `SELECT id FROM evidence ORDER BY claim_id, id`)
	require.Greater(t, len(all), 1000)
	assert.Equal(t, all, evidence(claimtrack.EvidenceFilter{}))

	var busiest int64
	require.NoError(t, raw.QueryRow(`SELECT s FROM (SELECT source_id s FROM evidence UNION ALL SELECT via_source_id FROM evidence WHERE via_source_id IS NOT NULL)
		GROUP BY s ORDER BY count(*) DESC LIMIT 1`).Scan(&busiest))
	// More links than a page, some of them relaying it, spread over the claims.
	other := sources[0]
	if other == busiest {
		other = sources[1]
	}
	for i, c := range ids(t, raw, `SELECT id FROM claims WHERE id NOT IN (SELECT claim_id FROM evidence WHERE source_id = ?) ORDER BY id % 7, id LIMIT 400`, busiest) {
		in := claimtrack.EvidenceInput{SourceID: busiest, Stance: claimtrack.StanceSupports}
		if i%2 == 1 {
			in = claimtrack.EvidenceInput{SourceID: other, ViaSourceID: busiest, Stance: claimtrack.StanceReports}
		}
		_, err := db.AddEvidence(ctx, c, in, "tester")
		require.NoError(t, err)
	}
	want := ids(t, raw, `SELECT id FROM evidence WHERE source_id = ?1 OR via_source_id = ?1 ORDER BY claim_id, id`, busiest)
	require.Greater(t, len(want), 500, "the busiest source has more links than a page")
	require.Positive(t, count(t, raw, `SELECT count(*) FROM evidence WHERE via_source_id = ?`, busiest), "some relay it")
	assert.Equal(t, want, evidence(claimtrack.EvidenceFilter{SourceID: busiest}))

	var claim int64
	require.NoError(t, raw.QueryRow(`SELECT claim_id FROM evidence GROUP BY claim_id ORDER BY count(*) DESC LIMIT 1`).Scan(&claim))
	assert.Equal(t, ids(t, raw, `SELECT id FROM evidence WHERE claim_id = ? ORDER BY id`, claim), evidence(claimtrack.EvidenceFilter{ClaimID: claim}))
	assert.Empty(t, evidence(claimtrack.EvidenceFilter{ClaimID: 999_999}))
}

// ids runs a query of ids.
func ids(t *testing.T, raw *sql.DB, query string, args ...any) []int64 {
	t.Helper()
	rows, err := raw.Query(query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		out = append(out, id)
	}
	require.NoError(t, rows.Err())
	return out
}
