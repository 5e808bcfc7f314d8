package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// fixedNow is the clock of every test database.
var fixedNow = time.Date(2025, 2, 20, 9, 30, 0, 0, time.UTC)

// migratedDB is a new database file with every migration applied, made once
// per test run; every MustOpenDB database starts as a copy of it.
var migratedDB = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "claimtrack-sqlite-new-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "new.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		return nil, err
	}
	// Close checkpoints the write-ahead log into the file and removes it:
	// the file alone is the whole database.
	if err := db.Close(); err != nil {
		return nil, err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("the new database left %s behind (%v)", suffix, err)
		}
	}
	return os.ReadFile(path)
})

// MustOpenDB opens a fresh database in a temporary file, closed when the test
// ends. The file starts as a copy of migratedDB, which saves applying every
// migration again in each test; sqlite.Open finds nothing left to do.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "test.db")
	file, err := migratedDB()
	require.NoError(tb, err)
	require.NoError(tb, os.WriteFile(path, file, 0o644))
	db, err := sqlite.Open(context.Background(), path)
	require.NoError(tb, err)
	db.Now = func() time.Time { return fixedNow }
	tb.Cleanup(func() { require.NoError(tb, db.Close()) })
	return db
}

// rawDB opens a second, plain connection to the same file, for checks and
// fault injection the public API does not offer.
func rawDB(tb testing.TB, db *sqlite.DB) *sql.DB {
	tb.Helper()
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(5000)")
	require.NoError(tb, err)
	tb.Cleanup(func() { raw.Close() })
	return raw
}

func count(tb testing.TB, raw *sql.DB, query string, args ...any) int {
	tb.Helper()
	var n int
	require.NoError(tb, raw.QueryRow(query, args...).Scan(&n))
	return n
}

func mustCreateClaim(tb testing.TB, db *sqlite.DB, text string) *claimtrack.Claim {
	tb.Helper()
	c, err := db.CreateClaim(context.Background(), claimtrack.ClaimInput{Text: text, Kind: claimtrack.KindStatement}, claimtrack.ActorLocal)
	require.NoError(tb, err)
	return c
}

func TestOpen(t *testing.T) {
	t.Parallel()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	var mode string
	require.NoError(t, raw.QueryRow("PRAGMA journal_mode").Scan(&mode))
	require.Equal(t, "wal", mode)
	require.Equal(t, 1, count(t, raw, "SELECT count(*) FROM schema_migrations WHERE name = 'migrations/0001_init.sql'"))
	require.NoError(t, db.IntegrityCheck(context.Background()))

	t.Run("ReopenKeepsMigrations", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "again.db")
		for range 2 {
			db, err := sqlite.Open(context.Background(), path)
			require.NoError(t, err)
			require.NoError(t, db.Close())
		}
	})
	t.Run("ForeignKeysEnforced", func(t *testing.T) {
		_, err := db.AddEvidence(context.Background(), 42, claimtrack.EvidenceInput{SourceName: "Nobody", SourceKind: "person", Stance: "asserts"}, "local")
		require.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))
	})
}
