package sqlite

import (
	"context"
	"strings"
)

// bulkRows is how many rows one multi-row INSERT writes; it keeps the
// parameters of the widest table (10 columns) well under SQLite's limit.
const bulkRows = 100

// bulk holds the rows of one table for a batch and writes them bulkRows at
// a time with multi-row INSERTs, which saves most of the per-statement cost of
// the driver. Parents are flushed before children, so foreign keys hold at
// every statement.
type bulk struct {
	tx     *Tx
	prefix string
	cols   int
	args   []any
}

func (b *bulk) values(rows int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", b.cols), ", ") + ")"
	return b.prefix + strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

// flush writes every row collected.
func (b *bulk) flush(ctx context.Context) error {
	chunk := b.cols * bulkRows
	if len(b.args) >= chunk {
		full, err := b.tx.PrepareContext(ctx, b.values(bulkRows))
		if err != nil {
			return err
		}
		defer full.Close()
		for len(b.args) >= chunk {
			if _, err := full.ExecContext(ctx, b.args[:chunk]...); err != nil {
				return err
			}
			b.args = b.args[chunk:]
		}
	}
	if len(b.args) > 0 {
		if _, err := b.tx.ExecContext(ctx, b.values(len(b.args)/b.cols), b.args...); err != nil {
			return err
		}
	}
	b.args = nil
	return nil
}

// flushLast writes every row collected, the last ones in one statement, and
// returns the id that statement gave its last row.
func (b *bulk) flushLast(ctx context.Context) (int64, error) {
	rest := len(b.args) % (b.cols * bulkRows)
	if rest == 0 && len(b.args) > 0 {
		rest = b.cols * bulkRows
	}
	tail := b.args[len(b.args)-rest:]
	b.args = b.args[:len(b.args)-rest]
	if err := b.flush(ctx); err != nil {
		return 0, err
	}
	if len(tail) == 0 {
		return 0, nil
	}
	res, err := b.tx.ExecContext(ctx, b.values(len(tail)/b.cols), tail...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
