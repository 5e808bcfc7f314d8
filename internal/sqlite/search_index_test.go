package sqlite_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/gen"
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

// Every change rewrites a claim's search row, leaving a small segment in the
// index; changes merge a little as they go, so a stream of them does not
// leave searches looking through dozens of segments.
func TestSearchIndex_StaysCompactUnderChanges_Volume(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	_, err := gen.Generate(ctx, db, gen.Options{Claims: 500, Seed: 9})
	require.NoError(t, err)
	assert.Equal(t, 1, ftsSegments(t, raw, "claim_search"), "one segment after generating")
	most := 0
	statuses := []claimtrack.Status{claimtrack.StatusConfirmed, claimtrack.StatusRefuted, claimtrack.StatusDisputed}
	for i := 0; i < 300; i++ {
		mustSetStatus(t, db, int64(1+i%500), statuses[i%len(statuses)])
		most = max(most, ftsSegments(t, raw, "claim_search"))
	}
	assert.LessOrEqual(t, most, 10, "segments at most, over 300 changes")
	found, err := db.SearchClaims(ctx, claimtrack.ParseQuery("status:refuted"), 0, 1000)
	require.NoError(t, err)
	assert.Positive(t, found.Total)
	require.NoError(t, db.CheckSearchIndex(ctx))
}
