package sqlite

import "context"

// OpenUpTo opens a database applying the migrations up to and including
// upTo only: a database as an earlier version of the tracker left it.
func OpenUpTo(ctx context.Context, path, upTo string) (*DB, error) { return open(ctx, path, upTo) }
