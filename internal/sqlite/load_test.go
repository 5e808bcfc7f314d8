package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/gen"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A _Volume test (see docs/testing.md): thousands of rows through one
// goroutine. The generator's other goroutine, which makes the rows, runs
// under the race detector in every other test that generates claims.
func TestLoad_Generated_Volume(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	var calls int
	st, err := gen.Generate(ctx, db, gen.Options{Claims: 3000, Seed: 7, Progress: func(done, total int) {
		calls++
		assert.LessOrEqual(t, done, total)
	}})
	require.NoError(t, err)
	assert.Positive(t, calls)
	raw := rawDB(t, db)
	assert.Equal(t, 3000, st.Claims)
	assert.Equal(t, 3000, count(t, raw, "SELECT count(*) FROM claims"))
	assert.Equal(t, 300, count(t, raw, "SELECT count(*) FROM sources"))
	assert.Equal(t, st.Evidence, count(t, raw, "SELECT count(*) FROM evidence"))
	assert.Equal(t, st.Events, count(t, raw, "SELECT count(*) FROM events"))
	assert.Equal(t, st.Sources+st.Claims+st.Evidence+count(t, raw, "SELECT count(*) FROM claims WHERE status <> 'unverified'"), st.Events)
	assert.Zero(t, count(t, raw, `SELECT count(*) FROM claims c WHERE c.version <> (SELECT max(claim_version) FROM events WHERE claim_id = c.id)`),
		"every claim's version is that of its last event")
	assert.Zero(t, count(t, raw, `SELECT count(*) FROM claims WHERE length(text) < 10 OR length(text) > 500`))
	assert.Zero(t, count(t, raw, `SELECT count(*) FROM claims c JOIN claims p ON p.id = c.id - 1 WHERE c.created_at < p.created_at`),
		"claims are made in time order")
	assert.Zero(t, count(t, raw, `SELECT count(*) FROM claims WHERE created_at < (SELECT min(created_at) FROM sources)`),
		"and after their sources")
	require.NoError(t, db.IntegrityCheck(ctx))
	require.NoError(t, db.CheckSearchIndex(ctx))

	// The vocabulary is skewed: "the" is in most claims, rarer words in few.
	the := count(t, raw, `SELECT count(*) FROM claim_search WHERE claim_search MATCH 'text : the'`)
	assert.Greater(t, the, 1500)
	assert.Equal(t, 3000, count(t, raw, `SELECT count(*) FROM claim_search`))

	// A second run appends, with unique names.
	_, err = gen.Generate(ctx, db, gen.Options{Claims: 500, Seed: 8})
	require.NoError(t, err)
	assert.Equal(t, 3500, count(t, raw, "SELECT count(*) FROM claims"))
	require.NoError(t, db.IntegrityCheck(ctx))

	// The generator writes the search rows itself; they must be exactly the
	// rows the storage code would build from the tables.
	claimRows := `SELECT rowid, text, tags, sources, context, notes, facets, status, kind, created_at, main_source_id, main_source
		FROM claim_search ORDER BY rowid`
	sourceRows := `SELECT rowid, name, role FROM source_search ORDER BY rowid`
	written, writtenSources := queryRows(t, raw, claimRows), queryRows(t, raw, sourceRows)
	require.Len(t, written, 3500)
	require.NoError(t, db.RebuildSearchIndex(ctx))
	assert.Equal(t, queryRows(t, raw, claimRows), written)
	assert.Equal(t, queryRows(t, raw, sourceRows), writtenSources)

	// So are the sources' records and score histories: a replay of the
	// events gives the same.
	stats := `SELECT source_id, agree2, disagree2, open, claims, changes, enough, round(mean, 9), round(low, 9), round(high, 9),
		s_agree2, s_disagree2, s_open, s_claims, s_enough, round(s_mean, 9), f_agree2, f_disagree2, f_open, f_claims, f_enough, round(f_mean, 9)
		FROM source_stats ORDER BY source_id`
	history := `SELECT source_id, n, event_id, at, claim_id, stance, relayed, status, agree2, disagree2
		FROM source_score_history ORDER BY source_id, n`
	keptStats, keptHistory := queryRows(t, raw, stats), queryRows(t, raw, history)
	require.Len(t, keptStats, 350)
	require.NotEmpty(t, keptHistory)
	assert.Positive(t, count(t, raw, `SELECT count(*) FROM source_stats WHERE enough`))
	assert.Positive(t, count(t, raw, `SELECT count(*) FROM source_stats WHERE f_agree2 + f_disagree2 > 0`), "forecasts have their part")
	assert.Zero(t, count(t, raw, `SELECT count(*) FROM source_stats WHERE agree2 <> s_agree2 + f_agree2 OR disagree2 <> s_disagree2 + f_disagree2
		OR open <> s_open + f_open OR claims <> s_claims + f_claims`), "the parts make the whole")
	require.NoError(t, db.RebuildReliability(ctx))
	assert.Equal(t, keptStats, queryRows(t, raw, stats))
	assert.Equal(t, keptHistory, queryRows(t, raw, history))
}

// queryRows returns every row of a query, each as its columns' text.
func queryRows(t *testing.T, raw *sql.DB, query string, args ...any) [][]string {
	t.Helper()
	rows, err := raw.Query(query, args...)
	require.NoError(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	require.NoError(t, rows.Err())
	return out
}

// A database whose index and records are empty (claims stored before they
// existed) gets them when it is opened.
func TestOpen_FillsEmptySearchIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	_, err = gen.Generate(ctx, db, gen.Options{Claims: 200, Seed: 2})
	require.NoError(t, err)
	raw := rawDB(t, db)
	claimRows := `SELECT rowid, text, tags, sources, context, notes, facets, status, kind, created_at, main_source_id, main_source
		FROM claim_search ORDER BY rowid`
	want := queryRows(t, raw, claimRows)
	stats := recordsQuery(t, raw)
	wantStats := queryRows(t, raw, stats)
	_, err = raw.Exec(`DELETE FROM claim_search; DELETE FROM source_search; DELETE FROM source_score_history; DELETE FROM source_stats`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	db, err = sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	assert.Equal(t, want, queryRows(t, raw, claimRows))
	assert.Equal(t, wantStats, queryRows(t, raw, stats), "the records are rebuilt from the events")
	assert.Equal(t, 20, count(t, raw, `SELECT count(*) FROM source_search`))
	res, err := db.SearchClaims(ctx, claimtrack.ParseQuery("the"), 0, 10)
	require.NoError(t, err)
	assert.Len(t, res.Hits, 10)
}

// MinEvents adds pairs of edits until the history is that long; each claim's
// version counts its events, and a claim as of any moment reads as it does.
func TestLoad_GeneratedEditHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	st, err := gen.Generate(ctx, db, gen.Options{Claims: 200, Seed: 5, MinEvents: 3000})
	require.NoError(t, err)
	raw := rawDB(t, db)
	var events int
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM events`).Scan(&events))
	assert.GreaterOrEqual(t, events, 3000)
	assert.Equal(t, st.Events, events)
	var bad int
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM claims c
		WHERE c.version != (SELECT count(*) FROM events e WHERE e.claim_id = c.id)`).Scan(&bad))
	assert.Zero(t, bad, "each claim's version is its number of events")
	for _, id := range []int64{1, 77, 200} {
		c, err := db.FindClaimByID(ctx, id)
		require.NoError(t, err)
		evs, err := db.FindClaimEventsUntil(ctx, id, time.Now().Add(time.Hour))
		require.NoError(t, err)
		state := claimtrack.ReplayClaim(id, evs)
		require.NotNil(t, state)
		assert.Equal(t, c.Context, state.Claim.Context, "the edits come back to the context as it is")
	}
	require.NoError(t, db.IntegrityCheck(ctx))
}
