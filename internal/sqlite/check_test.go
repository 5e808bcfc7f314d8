package sqlite_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/require"
)

// fileState is a file's content hash and modification time, or nil for a
// file that does not exist.
func fileState(t *testing.T, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	st, err := os.Stat(path)
	require.NoError(t, err)
	return [2]any{sha256.Sum256(b), st.ModTime()}
}

// Check reads a database of an older schema without changing a byte of it,
// and says that it needs migration.
func TestCheck_ReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := oldDatabase(t)
	// Make the times tell: a write during the check would move them.
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	require.NoError(t, os.Chtimes(path, past, past))
	before := fileState(t, path)

	rep, err := sqlite.Check(ctx, path)
	require.NoError(t, err)
	require.Equal(t, []string{"migrations/0012_ids_never_reused.sql", "migrations/0013_webhooks.sql",
		"migrations/0014_records_by_kind.sql", "migrations/0015_assignment_and_due.sql", "migrations/0016_follows.sql",
		"migrations/0017_claims_changed.sql", "migrations/0018_search_vocabulary.sql", "migrations/0019_questions.sql",
		"migrations/0020_source_aliases.sql", "migrations/0021_source_revisions.sql", "migrations/0022_claim_history.sql"}, rep.Pending)
	require.Empty(t, rep.Problems)
	require.True(t, rep.SearchChecked)
	require.False(t, rep.OK())
	require.Equal(t, before, fileState(t, path), "the check changed the database file")

	// Repair migrates it; a check then finds nothing to do.
	var steps []string
	require.NoError(t, sqlite.Repair(ctx, path, func(s string) { steps = append(steps, s) }))
	require.NotEmpty(t, steps)
	rep, err = sqlite.Check(ctx, path)
	require.NoError(t, err)
	require.True(t, rep.OK(), "%+v", rep)

	// A broken reference is reported, still without writing.
	raw := rawOpen(t, path)
	_, err = raw.Exec(`INSERT INTO score_snapshot_ranks (snapshot_id, rank, source_id, agree2, disagree2, changes) VALUES (999, 1, 1, 0, 0, 0)`)
	require.NoError(t, err)
	require.NoError(t, raw.Close())
	before = fileState(t, path)
	rep, err = sqlite.Check(ctx, path)
	require.NoError(t, err)
	require.Contains(t, rep.Problems, "snapshot ranks referring to a missing snapshot or source")
	require.Equal(t, before, fileState(t, path))

	_, err = sqlite.Check(ctx, filepath.Join(t.TempDir(), "missing.db"))
	require.Error(t, err)
}

func rawOpen(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	return raw
}
