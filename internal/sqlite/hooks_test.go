package sqlite

import "context"

// OpenUpTo opens a database applying the migrations up to and including
// upTo only: a database as an earlier version of the tracker left it.
func OpenUpTo(ctx context.Context, path, upTo string) (*DB, error) { return open(ctx, path, upTo) }

// SetPrepareHook makes every goroutine that prepares a statement for the
// cache run hook first, with the context Close cancels.
func SetPrepareHook(db *DB, hook func(ctx context.Context)) { db.prepareHook = hook }

// SetAfterUpdate makes every successful update call hook once it is over.
func SetAfterUpdate(db *DB, hook func()) { db.afterUpdate = hook }

// SinceSnapshot is the kept count of score changes since the last snapshot
// (-1 when it is to be counted again).
func SinceSnapshot(db *DB) int64 { return db.sinceSnapshot.Load() }
