package sqlite_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/require"
)

// scoreChangesSinceSnapshot counts, in the file, the score changes made
// since the last snapshot: what the kept count must say.
func scoreChangesSinceSnapshot(t *testing.T, db *sqlite.DB) int64 {
	t.Helper()
	raw := rawDB(t, db)
	var n int64
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM source_score_history h
		WHERE NOT EXISTS (SELECT 1 FROM score_snapshots s WHERE s.at > h.at OR (s.at = h.at AND s.event_id >= h.event_id))`).Scan(&n))
	return n
}

// A transaction that commits and is then overtaken by the next one before
// it records its count of score changes must not lose the next one's: the
// count is stored before another transaction can read it. Run with -race.
func TestSinceSnapshot_NoLostUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	db.SetSnapshotEvery(1000)
	c := mustCreateClaim(t, db, "The dam will hold.")
	mustSetStatus(t, db, c.ID, claimtrack.StatusRefuted)
	mustLink(t, db, c.ID, "Engineer A", claimtrack.StanceAsserts, 0) // the count is known from here on
	require.Equal(t, scoreChangesSinceSnapshot(t, db), sqlite.SinceSnapshot(db))

	// The first change that finishes waits, after its commit, until a
	// second change has been made entirely.
	var first atomic.Bool
	committed, secondDone := make(chan struct{}), make(chan struct{})
	sqlite.SetAfterUpdate(db, func() {
		if first.CompareAndSwap(false, true) {
			close(committed)
			select {
			case <-secondDone:
			case <-time.After(10 * time.Second):
			}
		}
	})
	firstErr := make(chan error, 1)
	go func() {
		_, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Engineer B", SourceKind: claimtrack.SourcePerson,
			Stance: claimtrack.StanceAsserts}, "tester")
		firstErr <- err
	}()
	select {
	case <-committed:
	case <-time.After(10 * time.Second):
		t.Fatal("the first change did not commit")
	}
	mustLink(t, db, c.ID, "Engineer C", claimtrack.StanceDisputes, 0)
	close(secondDone)
	require.NoError(t, <-firstErr)
	sqlite.SetAfterUpdate(db, nil)

	require.Equal(t, scoreChangesSinceSnapshot(t, db), sqlite.SinceSnapshot(db), "a change's count of score changes was lost")

	// And under many concurrent changes, with snapshots taken on the way.
	db.SetSnapshotEvery(7)
	var many sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 8 {
		many.Add(1)
		go func() {
			defer many.Done()
			for j := range 5 {
				_, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Writer " + string(rune('A'+i)) + string(rune('a'+j)),
					SourceKind: claimtrack.SourcePerson, Stance: claimtrack.StanceSupports}, "tester")
				errs <- err
			}
		}()
	}
	many.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, scoreChangesSinceSnapshot(t, db), sqlite.SinceSnapshot(db))
}

// Close stops and waits for the goroutines that prepare statements for the
// cache: none is still running once it returns. Run with -race.
func TestClose_StopsStatementPreparers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir()+"/close.db")
	require.NoError(t, err)
	started := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	var once sync.Once
	var running atomic.Int64
	sqlite.SetPrepareHook(db, func(ctx context.Context) {
		running.Add(1)
		defer running.Add(-1)
		once.Do(func() { close(started) })
		select {
		case <-ctx.Done():
		case <-release:
		}
	})
	// A read's first use of a query starts preparing it in the background.
	_, err = db.FindClaims(ctx, claimtrack.ClaimFilter{})
	require.NoError(t, err)
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("no statement was prepared")
	}
	closed := make(chan error, 1)
	go func() { closed <- db.Close() }()
	select {
	case err := <-closed:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return")
	}
	require.Zero(t, running.Load(), "a statement-cache goroutine outlived Close")
}
