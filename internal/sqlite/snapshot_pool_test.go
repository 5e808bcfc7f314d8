package sqlite

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// As many read snapshots as the reader pool has connections each list the
// accounts (as claim pages do, for the assignee picker): every one finishes,
// none waits for a connection the others hold.
func TestFindUsers_EveryConnectionInASnapshot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := open(ctx, filepath.Join(t.TempDir(), "pool.db"), "", Options{})
	require.NoError(t, err)
	n := db.readers
	var inside sync.WaitGroup
	inside.Add(n)
	done := make(chan error, n)
	for range n {
		go func() {
			done <- db.ReadSnapshot(ctx, func(ctx context.Context) error {
				inside.Done()
				inside.Wait() // every connection is now held by a snapshot
				_, err := db.FindUsers(ctx)
				return err
			})
		}()
	}
	for range n {
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatalf("FindUsers inside %d snapshots waited 10s for a reader connection", n)
		}
	}
	require.NoError(t, db.Close())
}
