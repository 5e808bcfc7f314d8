package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// generation tells whether anything was committed to the database since it
// was last asked: by this process's writer or by another process (an import
// from the command line, a second server). It asks SQLite's data_version on
// a connection of its own, because only numbers from one connection compare.
type generation struct {
	mu   sync.Mutex
	pool *sql.DB   // one connection, opened like the readers
	conn *sql.Conn // held between calls; nil after an error
	seen int64     // conn's data_version when last asked
	n    int64
}

// Generation returns a number that stays the same exactly as long as nothing
// is committed to the database, by any connection of any process. Something
// kept with the number a moment before it was read from the database is
// therefore current while Generation still returns that number. It costs one
// small query and never reads a table.
func (db *DB) Generation(ctx context.Context) (int64, error) {
	g := &db.generation
	g.mu.Lock()
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
		g.n++
		return 0, fmt.Errorf("sqlite: generation: %w", err)
	}
	if v != g.seen {
		g.seen = v
		g.n++
	}
	return g.n, nil
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
