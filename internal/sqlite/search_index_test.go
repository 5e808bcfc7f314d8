package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/gen"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ftsSegments reads how many segments an FTS5 index holds, from its
// structure record (row 10 of its data table): a 4-byte cookie, then
// varints for the levels, the segments and the write counter.
func ftsSegments(t *testing.T, raw *sql.DB, table string) int {
	t.Helper()
	var b []byte
	require.NoError(t, raw.QueryRow(`SELECT block FROM `+table+`_data WHERE id = 10`).Scan(&b))
	i := 4
	varint := func() int {
		v := 0
		for k := 0; k < 9 && i < len(b); k++ {
			c := b[i]
			i++
			if k == 8 {
				return v<<8 | int(c)
			}
			v = v<<7 | int(c&0x7f)
			if c&0x80 == 0 {
				break
			}
		}
		return v
	}
	varint() // levels
	return varint()
}

// searchIdxSegments counts the segments of an FTS5 index another way than
// its structure record: every segment has rows in the index's _idx table.
func searchIdxSegments(t *testing.T, raw *sql.DB, table string) int {
	t.Helper()
	return count(t, raw, `SELECT count(DISTINCT segid) FROM `+table+`_idx`)
}

// refutedCount is how many claims are refuted, from the claims table.
func refutedCount(t *testing.T, raw *sql.DB) int {
	t.Helper()
	return count(t, raw, `SELECT count(*) FROM claims WHERE status = 'refuted'`)
}

// Changes write no merge work: with the background merger kept from
// merging, every change adds exactly one segment to the claims' index (its
// row replaced in one statement) and none is merged away, past the 16 at which FTS5 would merge a level inside
// the change by itself.
func TestSearchMerge_ChangesDoNotMerge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	_, err := gen.Generate(ctx, db, gen.Options{Claims: 200, Seed: 9})
	require.NoError(t, err)
	var steps atomic.Int64
	sqlite.RestartSearchMerger(db, time.Hour, 1_000_000, time.Hour, func(string, bool) { steps.Add(1) })
	for _, table := range []string{"claim_search", "source_search", "question_search"} {
		assert.Equal(t, 0, count(t, raw, `SELECT v FROM `+table+`_config WHERE k = 'automerge'`), table+": FTS5's own merging is off")
	}
	before := ftsSegments(t, raw, "claim_search")
	statuses := []claimtrack.Status{claimtrack.StatusConfirmed, claimtrack.StatusRefuted, claimtrack.StatusDisputed}
	for i := 1; i <= 40; i++ {
		mustSetStatus(t, db, int64(i), statuses[i%len(statuses)])
		require.Equal(t, before+i, ftsSegments(t, raw, "claim_search"), "change %d added one segment and merged none away", i)
	}
	assert.Equal(t, before+40, searchIdxSegments(t, raw, "claim_search"), "the structure record and the _idx table agree")
	assert.Zero(t, steps.Load(), "no merge step ran")
	found, err := db.SearchClaims(ctx, claimtrack.ParseQuery("status:refuted"), 0, 1000)
	require.NoError(t, err)
	assert.Equal(t, refutedCount(t, raw), found.Total)
	require.NoError(t, db.CheckSearchIndex(ctx))
}

// After a burst of changes, a moment without changes lets the merger merge
// the segments the burst left; searches find what they should, and the
// index passes FTS5's own check.
func TestSearchMerge_MergesWhenIdle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	_, err := gen.Generate(ctx, db, gen.Options{Claims: 200, Seed: 9})
	require.NoError(t, err)
	var merged atomic.Int64
	// No bound: only the pause merges.
	sqlite.RestartSearchMerger(db, 20*time.Millisecond, 1_000_000, time.Hour, func(_ string, did bool) {
		if did {
			merged.Add(1)
		}
	})
	statuses := []claimtrack.Status{claimtrack.StatusConfirmed, claimtrack.StatusRefuted, claimtrack.StatusDisputed}
	for i := 1; i <= 60; i++ {
		mustSetStatus(t, db, int64(i), statuses[i%len(statuses)])
	}
	_, err = db.AddEvidence(ctx, 7, claimtrack.EvidenceInput{SourceName: "Idle Wire", SourceKind: claimtrack.SourceKind("agency"),
		Stance: claimtrack.Stance("reports")}, "tester")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return ftsSegments(t, raw, "claim_search") <= 6 }, 20*time.Second, 5*time.Millisecond,
		"the segments of 61 changes merged once changes pause")
	assert.Positive(t, merged.Load(), "merge steps merged")
	// The merger may still be taking steps, and the two counts are read in
	// two statements: they agree once it has finished.
	require.Eventually(t, func() bool {
		return ftsSegments(t, raw, "claim_search") == searchIdxSegments(t, raw, "claim_search")
	}, 20*time.Second, 5*time.Millisecond, "the structure record and the _idx table agree")
	found, err := db.SearchClaims(ctx, claimtrack.ParseQuery("status:refuted"), 0, 1000)
	require.NoError(t, err)
	assert.Equal(t, refutedCount(t, raw), found.Total)
	found, err = db.SearchClaims(ctx, claimtrack.ParseQuery(`"idle wire"`), 0, 10)
	require.NoError(t, err)
	require.Equal(t, 1, found.Total)
	assert.Equal(t, int64(7), found.Hits[0].Claim.ID)
	require.NoError(t, db.CheckSearchIndex(ctx))
}

// While changes never pause, the merger still keeps each index within its
// bound of segments.
func TestSearchMerge_BoundWhileBusy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	_, err := gen.Generate(ctx, db, gen.Options{Claims: 200, Seed: 9})
	require.NoError(t, err)
	const bound = 8
	var merged atomic.Int64
	// Never idle long enough: only the bound merges.
	sqlite.RestartSearchMerger(db, time.Hour, bound, time.Millisecond, func(_ string, did bool) {
		if did {
			merged.Add(1)
		}
	})
	statuses := []claimtrack.Status{claimtrack.StatusConfirmed, claimtrack.StatusRefuted, claimtrack.StatusDisputed}
	for i := 1; i <= 60; i++ {
		mustSetStatus(t, db, int64(i), statuses[i%len(statuses)])
	}
	require.Eventually(t, func() bool { return ftsSegments(t, raw, "claim_search") <= bound }, 20*time.Second, 5*time.Millisecond,
		"the segments of 60 changes brought within the bound")
	assert.Positive(t, merged.Load())
	found, err := db.SearchClaims(ctx, claimtrack.ParseQuery("status:refuted"), 0, 1000)
	require.NoError(t, err)
	assert.Equal(t, refutedCount(t, raw), found.Total)
	require.NoError(t, db.CheckSearchIndex(ctx))
}

// Close stops the merger, even in the middle of merging, and waits for it:
// no step runs once Close has returned.
func TestSearchMerge_CloseStopsMerger(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "close.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	_, err = gen.Generate(ctx, db, gen.Options{Claims: 200, Seed: 9})
	require.NoError(t, err)
	var closed atomic.Bool
	var after atomic.Int64
	started := make(chan struct{}, 1)
	sqlite.RestartSearchMerger(db, time.Nanosecond, 1_000_000, time.Hour, func(string, bool) {
		if closed.Load() {
			after.Add(1)
		}
		select {
		case started <- struct{}{}:
		default:
		}
	})
	for i := 1; i <= 40; i++ {
		mustSetStatus(t, db, int64(i), claimtrack.StatusRefuted)
	}
	<-started
	require.NoError(t, db.Close())
	closed.Store(true)
	assert.True(t, sqlite.SearchMergerStopped(db), "Close waited for the merger")
	assert.Zero(t, after.Load(), "no step after Close returned")

	db, err = sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.CheckSearchIndex(ctx))
}
