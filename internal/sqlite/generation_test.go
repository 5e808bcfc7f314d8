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

// Between two looks at data_version, another process's change goes
// unnoticed while this process's own changes count at once; the next look
// comes within the interval.
func TestGeneration_OtherProcessesWithinTheInterval(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	genOf := func(db *sqlite.DB) int64 {
		t.Helper()
		g, err := db.Generation(ctx)
		require.NoError(t, err)
		return g
	}
	otherProcess := func(db *sqlite.DB, text string) {
		t.Helper()
		other, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(5000)")
		require.NoError(t, err)
		defer other.Close()
		_, err = other.Exec(`UPDATE claims SET text = ?`, text)
		require.NoError(t, err)
	}

	// An interval no test outlasts: after the first look, SQLite is not
	// asked again.
	slow := openGenerationDB(t, time.Hour)
	mustCreateClaim(t, slow, "The summit was moved to June.")
	g0 := genOf(slow)
	otherProcess(slow, "The summit was moved to July.")
	assert.Equal(t, g0, genOf(slow), "another process's change waits for the next look")
	mustCreateClaim(t, slow, "The talks were postponed.")
	assert.NotEqual(t, g0, genOf(slow), "a change through this database counts before the call that made it returns")

	// A short interval: the next look notices it.
	const every = 200 * time.Millisecond
	db := openGenerationDB(t, every)
	mustCreateClaim(t, db, "The summit was moved to June.")
	g1 := genOf(db)
	start := time.Now()
	otherProcess(db, "The summit was moved to July.")
	for genOf(db) == g1 {
		if time.Since(start) > 5*time.Second {
			t.Fatal("another process's change was not noticed")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
