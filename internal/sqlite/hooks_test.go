package sqlite

import (
	"context"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// OpenUpTo opens a database applying the migrations up to and including
// upTo only: a database as an earlier version of the tracker left it.
func OpenUpTo(ctx context.Context, path, upTo string) (*DB, error) {
	return open(ctx, path, upTo, Options{})
}

// SetPrepareHook makes every goroutine that prepares a statement for the
// cache run hook first, with the context Close cancels.
func SetPrepareHook(db *DB, hook func(ctx context.Context)) { db.prepareHook = hook }

// SetAfterUpdate makes every successful update call hook once it is over.
func SetAfterUpdate(db *DB, hook func()) { db.afterUpdate = hook }

// SinceSnapshot is the kept count of score changes since the last snapshot
// (-1 when it is to be counted again).
func SinceSnapshot(db *DB) int64 { return db.sinceSnapshot.Load() }

// DeskQuery is one desk section's statements, its list and its count, with
// their arguments before the limit.
type DeskQuery struct {
	List, Count string
	Args        []any
}

// DeskQueries are the statements FindDesk runs for each of its claim
// sections on day today for username, by section, so that a test can read
// their plans.
func DeskQueries(today, username string) map[string]DeskQuery {
	d := &claimtrack.Desk{Today: today}
	names := map[*claimtrack.DeskSection]string{&d.Overdue: "overdue", &d.DueSoon: "due soon", &d.Unverified: "unverified",
		&d.ReReview: "re-review", &d.Assigned: "assigned"}
	out := map[string]DeskQuery{}
	for _, s := range deskSections(d, username) {
		list, count := deskSQL(s.from, s.where, s.order)
		out[names[s.into]] = DeskQuery{List: list, Count: count, Args: s.args}
	}
	return out
}

// RestartSearchMerger stops the search merger and starts it again with the
// given idle time, bound on segments and interval between looks at the
// bound, calling step (when not nil) after each merge step.
func RestartSearchMerger(db *DB, idle time.Duration, bound int, check time.Duration, step func(table string, merged bool)) {
	db.stopSearchMerger()
	db.merger.idle, db.merger.bound, db.merger.check, db.merger.step = idle, bound, check, step
	db.startSearchMerger()
}

// SearchSegments is the number of segments in a search index, as the merger
// reads it.
func SearchSegments(ctx context.Context, db *DB, table string) (int, error) {
	return db.searchSegments(ctx, db.writer, table)
}

// SearchMergerStopped says whether the merger's goroutine has returned.
func SearchMergerStopped(db *DB) bool {
	select {
	case <-db.merger.done:
		return true
	default:
		return false
	}
}
