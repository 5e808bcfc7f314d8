package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// generation tells whether anything was committed to the database since it
// was last asked: by this process's writer or by another process (an import
// from the command line, a second server). This process's own changes count
// at once: the writer adds to local after each commit. Another process's
// are found through SQLite's data_version, asked on a connection of its own
// (only numbers from one connection compare), at most once every `every`:
// the query costs a transaction's locks and its answer would otherwise be
// asked for by every page a visitor reads.
type generation struct {
	local atomic.Int64 // commits of this process's writer
	every time.Duration
	next  atomic.Int64 // when data_version is next asked (Unix nanoseconds)
	other atomic.Int64 // how many times data_version was seen to move

	mu   sync.Mutex // held while data_version is asked
	pool *sql.DB    // one connection, opened like the readers
	conn *sql.Conn  // held between calls; nil after an error
	seen int64      // conn's data_version when last asked
}

// DefaultOtherProcessesEvery is how long a change committed by another
// process may go unnoticed by Generation (see Options.OtherProcessesEvery).
const DefaultOtherProcessesEvery = 50 * time.Millisecond

// Generation returns a number that stays the same as long as nothing is
// committed to the database. A change made through this DB moves it before
// the call that made it returns; a change committed by another process moves
// it within Options.OtherProcessesEvery. Something kept with the number a
// moment before it was read from the database is therefore current while
// Generation still returns that number (for another process's changes: up to
// that interval after they were committed). Most calls read two counters;
// the others make one small query that never reads a table.
func (db *DB) Generation(ctx context.Context) (int64, error) {
	g := &db.generation
	if g.every < 0 {
		g.mu.Lock()
	} else if now := time.Now().UnixNano(); now < g.next.Load() || !g.mu.TryLock() {
		// Looked at lately, or being looked at now by another call.
		return g.local.Load() + g.other.Load(), nil
	}
	defer g.mu.Unlock()
	if g.conn == nil {
		c, err := g.pool.Conn(context.WithoutCancel(ctx))
		if err != nil {
			return 0, fmt.Errorf("sqlite: generation: %w", err)
		}
		// A new connection's numbers say nothing of the last one's.
		g.conn, g.seen = c, -1
	}
	var v int64
	if err := g.conn.QueryRowContext(context.WithoutCancel(ctx), "PRAGMA data_version").Scan(&v); err != nil {
		g.conn.Close()
		g.conn = nil
		g.other.Add(1)
		return 0, fmt.Errorf("sqlite: generation: %w", err)
	}
	if v != g.seen {
		g.seen = v
		g.other.Add(1)
	}
	g.next.Store(time.Now().Add(g.every).UnixNano())
	return g.local.Load() + g.other.Load(), nil
}

// close releases the generation's connection.
func (g *generation) close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.conn != nil {
		g.conn.Close()
		g.conn = nil
	}
	if g.pool == nil {
		return nil
	}
	return g.pool.Close()
}
