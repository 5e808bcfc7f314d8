package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openGenerationDB opens a migrated database whose Generation asks SQLite
// about other processes' changes at most once every `every`.
func openGenerationDB(t *testing.T, every time.Duration) *sqlite.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	file, err := migratedDB()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, file, 0o644))
	db, err := sqlite.OpenWith(context.Background(), path, sqlite.Options{OtherProcessesEvery: every})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

func TestGeneration(t *testing.T) {
	t.Parallel()
	db := openGenerationDB(t, -1) // ask SQLite on every call
	ctx := context.Background()
	gen := func() int64 {
		t.Helper()
		g, err := db.Generation(ctx)
		require.NoError(t, err)
		return g
	}
	g0 := gen()
	assert.Equal(t, g0, gen(), "nothing committed")
	_ = count(t, rawDB(t, db), "SELECT count(*) FROM claims")
	assert.Equal(t, g0, gen(), "reading is not a change")

	mustCreateClaim(t, db, "The summit was moved to June.")
	g1 := gen()
	assert.NotEqual(t, g0, g1, "a change through this database")
	assert.Equal(t, g1, gen())

	other, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	defer other.Close()
	_, err = other.Exec(`UPDATE claims SET text = 'The summit was moved to July.'`)
	require.NoError(t, err)
	g2 := gen()
	assert.NotEqual(t, g1, g2, "a change by another connection, as by another process")
	assert.Equal(t, g2, gen())
	_, err = other.Exec(`UPDATE claims SET text = text WHERE 0`)
	require.NoError(t, err)
	assert.Equal(t, g2, gen(), "a statement that changes nothing commits nothing")
}

// With the default interval, this process's changes move the generation at
// once and another process's within the interval, while calls in between
// do not ask SQLite.
func TestGeneration_OtherProcessesWithinTheInterval(t *testing.T) {
	t.Parallel()
	const every = 200 * time.Millisecond
	db := openGenerationDB(t, every)
	ctx := context.Background()
	gen := func() int64 {
		t.Helper()
		g, err := db.Generation(ctx)
		require.NoError(t, err)
		return g
	}
	g0 := gen()
	mustCreateClaim(t, db, "The summit was moved to June.")
	g1 := gen()
	assert.NotEqual(t, g0, g1, "a change through this database counts before the call that made it returns")

	other, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	defer other.Close()
	gen() // start an interval now, so that the change below falls inside it
	start := time.Now()
	_, err = other.Exec(`UPDATE claims SET text = 'The summit was moved to July.'`)
	require.NoError(t, err)
	for gen() == g1 {
		if time.Since(start) > 5*time.Second {
			t.Fatal("another process's change was not noticed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	noticed := time.Since(start)
	// The bound is the interval; a loaded machine may take longer to run
	// the loop itself, so only a wild overshoot fails.
	assert.Less(t, noticed, every+2*time.Second)
}
