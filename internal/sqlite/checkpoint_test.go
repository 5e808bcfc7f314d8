package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// With external checkpoints (Litestream replicating), the writer makes no
// automatic checkpoints, and neither Checkpoint nor Close empties the
// write-ahead log; by default both empty it. Another connection stays open
// meanwhile, as Litestream's does, so that closing is not SQLite's last
// connection (which checkpoints by itself).
func TestExternalCheckpoints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, external := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "checkpoint.db")
		db, err := open(ctx, path, "", Options{ExternalCheckpoints: external})
		require.NoError(t, err)
		other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
		require.NoError(t, err)
		require.NoError(t, other.PingContext(ctx))

		var auto int
		require.NoError(t, db.writer.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto))
		walSize := func() int64 {
			info, err := os.Stat(path + "-wal")
			require.NoError(t, err)
			return info.Size()
		}
		_, err = db.writer.ExecContext(ctx, `CREATE TABLE kept (x INTEGER)`)
		require.NoError(t, err)
		require.NoError(t, db.Checkpoint(ctx))
		afterCheckpoint := walSize()
		_, err = db.writer.ExecContext(ctx, `INSERT INTO kept (x) VALUES (1)`)
		require.NoError(t, err)
		require.NoError(t, db.Close())
		afterClose := walSize()

		if external {
			assert.Zero(t, auto, "no automatic checkpoints")
			assert.Positive(t, afterCheckpoint, "Checkpoint leaves the log")
			assert.Positive(t, afterClose, "Close leaves the log")
		} else {
			assert.Equal(t, 1000, auto, "SQLite's automatic checkpoints")
			assert.Zero(t, afterCheckpoint, "Checkpoint empties the log")
			assert.Zero(t, afterClose, "Close empties the log")
		}
		var n int
		require.NoError(t, other.QueryRowContext(ctx, `SELECT count(*) FROM kept`).Scan(&n))
		assert.Equal(t, 1, n, "the change is there either way")
		require.NoError(t, other.Close())
	}
}
