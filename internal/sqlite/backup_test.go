package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/gen"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A backup taken while claims are written without pause opens, passes every
// check, and holds every write acknowledged before it began, with its history.
func TestBackup_DuringWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	_, err := gen.Generate(ctx, db, gen.Options{Claims: 1000, Seed: 3})
	require.NoError(t, err)

	var mu sync.Mutex
	var acked []int64
	stop := make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				writerDone <- nil
				return
			default:
			}
			c, err := db.CreateClaim(ctx, claimtrack.ClaimInput{Text: fmt.Sprintf("Written during the backup, number %d.", i),
				Kind: claimtrack.KindStatement}, "writer")
			if err != nil {
				writerDone <- err
				return
			}
			if i%3 == 0 {
				if _, err := db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: claimtrack.StatusRefuted,
					Note: "Checked.", Version: c.Version}, "writer"); err != nil {
					writerDone <- err
					return
				}
			}
			mu.Lock()
			acked = append(acked, c.ID)
			mu.Unlock()
		}
	}()
	waitFor := func(n int) {
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			mu.Lock()
			got := len(acked)
			mu.Unlock()
			if got >= n {
				return
			}
		}
		t.Fatalf("fewer than %d writes in 30 s", n)
	}
	waitFor(30)
	mu.Lock()
	before := append([]int64(nil), acked...)
	mu.Unlock()
	dest := filepath.Join(t.TempDir(), "backups", "copy.db")
	require.NoError(t, db.Backup(ctx, dest))
	entries, err := os.ReadDir(filepath.Dir(dest))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "the copy alone: no temporary file is left")
	mu.Lock()
	during := len(acked) - len(before)
	mu.Unlock()
	waitFor(len(before) + during + 5) // writing goes on after it
	close(stop)
	require.NoError(t, <-writerDone)
	t.Logf("%d writes acknowledged before the backup, %d while it ran", len(before), during)

	copyDB, err := sqlite.Open(ctx, dest)
	require.NoError(t, err)
	defer copyDB.Close()
	require.NoError(t, copyDB.IntegrityCheck(ctx))
	require.NoError(t, copyDB.CheckSearchIndex(ctx))
	for _, id := range before {
		c, err := copyDB.FindClaimByID(ctx, id)
		require.NoError(t, err, "claim %d, acknowledged before the backup", id)
		events, err := copyDB.FindClaimEvents(ctx, id)
		require.NoError(t, err)
		var types []claimtrack.EventType
		for _, e := range events {
			types = append(types, e.Type)
		}
		assert.Contains(t, types, claimtrack.EventClaimCreated, "claim %d", id)
		if c.Status == claimtrack.StatusRefuted {
			assert.Contains(t, types, claimtrack.EventStatusChanged, "claim %d", id)
		}
		assert.Equal(t, int(c.Version), len(events), "claim %d: one event per version", id)
	}
}

func TestBackup_Refuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	assert.ErrorContains(t, db.Backup(ctx, db.Path()), "the database itself")
	dir := t.TempDir()
	taken := filepath.Join(dir, "taken.db")
	require.NoError(t, os.WriteFile(taken, []byte("keep me"), 0o644))
	assert.ErrorContains(t, db.Backup(ctx, taken), "already exists")
	kept, err := os.ReadFile(taken)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(kept), "an existing file is never overwritten")
	assert.Error(t, db.Backup(ctx, ""))
}
