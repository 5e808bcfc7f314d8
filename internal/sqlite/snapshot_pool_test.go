package sqlite

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/require"
)

// As many read snapshots as the reader pool has connections each make a
// read a page may make (listing the accounts for the assignee picker, a
// claim's history, counting changes, a session or token lookup…): every
// one finishes, none waits for a connection the others hold.
func TestReads_EveryConnectionInASnapshot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := open(ctx, filepath.Join(t.TempDir(), "pool.db"), "", Options{})
	require.NoError(t, err)
	reads := map[string]func(ctx context.Context) error{
		"FindUsers":            func(ctx context.Context) error { _, err := db.FindUsers(ctx); return err },
		"FindClaimEvents":      func(ctx context.Context) error { _, err := db.FindClaimEvents(ctx, 1); return err },
		"FindClaimEventsSince": func(ctx context.Context) error { _, err := db.FindClaimEventsSince(ctx, 1, 1); return err },
		"CountEvents":          func(ctx context.Context) error { _, err := db.CountEvents(ctx); return err },
		"CountMatchingEvents": func(ctx context.Context) error {
			_, _, err := db.CountMatchingEvents(ctx, claimtrack.EventFilter{}, 10)
			return err
		},
		"FindClaimEventsUntil": func(ctx context.Context) error { _, err := db.FindClaimEventsUntil(ctx, 1, time.Now()); return err },
		"FindClaimTimelineUntil": func(ctx context.Context) error {
			_, err := db.FindClaimTimelineUntil(ctx, 1, time.Now(), 10)
			return err
		},
		"FindAPITokens": func(ctx context.Context) error { _, err := db.FindAPITokens(ctx, 1); return err },
		"FindUserByAPIToken": func(ctx context.Context) error {
			_, err := db.FindUserByAPIToken(ctx, "ctk_none")
			return ignoreNotFound(err)
		},
		"FindUserByUsername": func(ctx context.Context) error {
			_, _, err := db.FindUserByUsername(ctx, "nobody")
			return ignoreNotFound(err)
		},
		"FindSession": func(ctx context.Context) error { _, _, err := db.FindSession(ctx, "none"); return ignoreNotFound(err) },
		"IsEmpty":     func(ctx context.Context) error { _, err := db.IsEmpty(ctx); return err },
	}
	n := db.readers
	for name, read := range reads {
		var inside sync.WaitGroup
		inside.Add(n)
		done := make(chan error, n)
		for range n {
			go func() {
				done <- db.ReadSnapshot(ctx, func(ctx context.Context) error {
					inside.Done()
					inside.Wait() // every connection is now held by a snapshot
					return read(ctx)
				})
			}()
		}
		for range n {
			select {
			case err := <-done:
				require.NoError(t, err, name)
			case <-time.After(10 * time.Second):
				t.Fatalf("%s inside %d snapshots waited 10s for a reader connection", name, n)
			}
		}
	}
	require.NoError(t, db.Close())
}

func ignoreNotFound(err error) error {
	if claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND {
		return nil
	}
	return err
}
