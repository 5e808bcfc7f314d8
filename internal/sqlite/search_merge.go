// Merging the search indexes' segments in the background, off the path of
// changes.
//
// Every transaction that rewrites search rows leaves a small segment behind
// in the index, and every segment is one more place each search must look.
// FTS5 merges segments itself while rows are inserted (its automerge, and its
// "crisis" merge of a level that holds too many), which puts the merging
// inside whichever change happens to tip a level over, and a merge that
// finishes a large level can cost that change tens of milliseconds of a core.
// Here the indexes' own merging is turned off (persistently, in the indexes'
// configuration) and a goroutine owned by the DB does it instead: in small
// steps, each its own write transaction taking the write slot as changes do,
// while no change has been made for a moment; and, when changes never stop,
// whenever an index holds more segments than a bound.

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"
)

const (
	// mergeIdle is how long the writer must have made no change before the
	// merger tidies the indexes fully.
	mergeIdle = 200 * time.Millisecond
	// mergePages bounds the work of one merge step: the pages it writes.
	mergePages = 8
	// mergeBound is the number of segments an index may hold while changes
	// keep coming; above it the merger merges without waiting for a pause.
	mergeBound = 16
	// mergeCheck is how often, while changes keep coming, the merger looks at
	// the number of segments.
	mergeCheck = 100 * time.Millisecond
	// crisisMerge is the number of segments on one level at which FTS5
	// merges that level inside the transaction that writes to it. It is set
	// well above mergeBound, so that it only acts when no merger runs.
	crisisMerge = 4 * mergeBound
)

// searchMerger is the background merging of the search indexes.
type searchMerger struct {
	idle  time.Duration // see mergeIdle
	bound int           // see mergeBound
	check time.Duration // see mergeCheck

	lastChange atomic.Int64  // when the last change was committed, in Unix nanoseconds
	wake       chan struct{} // a change was committed (buffered, never blocks)
	paused     atomic.Bool   // a bulk load runs: no merging until it ends

	cancel context.CancelFunc
	done   chan struct{} // closed when the goroutine has returned

	// step, when set (by tests), is called after each merge step with the
	// table and whether the step merged anything.
	step func(table string, merged bool)
}

// configureSearchIndexes turns the indexes' own merging off (automerge 0)
// and sets the level at which a crisis merge happens anyway. Both are
// stored in each index's configuration table, so they are written only
// when they differ.
func (db *DB) configureSearchIndexes(ctx context.Context) error {
	for _, table := range searchTables {
		for _, kv := range []struct {
			key   string
			value int
		}{{"automerge", 0}, {"crisismerge", crisisMerge}} {
			var v sql.NullString
			err := db.writer.QueryRowContext(ctx, `SELECT v FROM `+table+`_config WHERE k = ?`, kv.key).Scan(&v)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("sqlite: read %s configuration: %w", table, err)
			}
			if v.Valid && v.String == strconv.Itoa(kv.value) {
				continue
			}
			if _, err := db.writer.ExecContext(ctx, `INSERT INTO `+table+` (`+table+`, rank) VALUES (?, ?)`, kv.key, kv.value); err != nil {
				return fmt.Errorf("sqlite: configure %s: %w", table, err)
			}
		}
	}
	return nil
}

// startSearchMerger starts the merger's goroutine; Close stops it.
func (db *DB) startSearchMerger() {
	m := &db.merger
	if m.idle == 0 {
		m.idle = mergeIdle
	}
	if m.bound == 0 {
		m.bound = mergeBound
	}
	if m.check == 0 {
		m.check = mergeCheck
	}
	m.wake = make(chan struct{}, 1)
	m.done = make(chan struct{})
	var ctx context.Context
	ctx, m.cancel = context.WithCancel(context.Background())
	// A database opened earlier may hold segments to merge.
	m.wake <- struct{}{}
	go db.runSearchMerger(ctx)
}

// stopSearchMerger stops the merger and waits for it; a step under way is
// rolled back or finishes first.
func (db *DB) stopSearchMerger() {
	m := &db.merger
	if m.done == nil {
		return
	}
	m.cancel()
	<-m.done
}

// noteChange tells the merger that a change was committed: it may have
// written search rows (most do), and the writer is busy.
func (db *DB) noteChange() {
	m := &db.merger
	m.lastChange.Store(time.Now().UnixNano())
	if m.wake != nil {
		select {
		case m.wake <- struct{}{}:
		default:
		}
	}
}

// runSearchMerger is the merger's goroutine. It sleeps until a change is
// committed; then, until every index has nothing left to merge, it merges
// step by step while the writer is idle, and only what exceeds the bound
// while changes keep coming.
func (db *DB) runSearchMerger(ctx context.Context) {
	m := &db.merger
	defer close(m.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	sleep := func(d time.Duration) bool {
		timer.Reset(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return false
		case <-timer.C:
			return true
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
		}
		pending := map[string]bool{}
		for _, t := range searchTables {
			pending[t] = true
		}
		for len(pending) > 0 {
			if ctx.Err() != nil {
				return
			}
			if m.paused.Load() {
				if !sleep(m.idle) {
					return
				}
				continue
			}
			busy := m.idle - time.Since(time.Unix(0, m.lastChange.Load()))
			if busy > 0 {
				// Changes are coming: merge only an index over the bound.
				over, err := db.overBound(ctx)
				if err != nil {
					if !sleep(m.idle) {
						return
					}
					continue
				}
				if over == "" {
					if !sleep(min(busy, m.check)) {
						return
					}
					continue
				}
				// A step that merged nothing (no level of that index
				// holds enough segments to merge) waits for more.
				if merged, err := db.mergeStep(ctx, over); (err != nil || !merged) && !sleep(m.check) {
					return
				}
				continue
			}
			for _, t := range searchTables {
				if !pending[t] {
					continue
				}
				merged, err := db.mergeStep(ctx, t)
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					// Tried again at the next change; the indexes stay
					// correct unmerged, only slower to search.
					delete(pending, t)
				} else if !merged {
					delete(pending, t)
				}
				break
			}
		}
	}
}

// overBound returns the first search index holding more segments than the
// bound, or "".
func (db *DB) overBound(ctx context.Context) (string, error) {
	for _, t := range searchTables {
		n, err := db.searchSegments(ctx, db.reader, t)
		if err != nil {
			return "", err
		}
		if n > db.merger.bound {
			return t, nil
		}
	}
	return "", nil
}

// mergeStep runs one bounded merge step on table in its own write
// transaction, and says whether it merged anything. FTS5 documents the
// test: a 'merge' that did work changed two or more rows.
func (db *DB) mergeStep(ctx context.Context, table string) (merged bool, err error) {
	select {
	case db.writeSlot <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-db.writeSlot }()
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("sqlite: begin merge: %w", err)
	}
	defer tx.Rollback()
	var before, after int64
	if err := tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (`+table+`, rank) VALUES ('merge', ?)`, mergePages); err != nil {
		return false, fmt.Errorf("sqlite: merge %s: %w", table, err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("sqlite: commit merge: %w", err)
	}
	merged = after-before >= 2
	if db.merger.step != nil {
		db.merger.step(table, merged)
	}
	return merged, nil
}

// pauseSearchMerger stops the merging until the function it returns is
// called: a bulk load merges once, at its end.
func (db *DB) pauseSearchMerger() (resume func()) {
	db.merger.paused.Store(true)
	return func() {
		db.merger.paused.Store(false)
		db.noteChange()
	}
}

// queryRower is a connection pool or a transaction.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// searchSegments returns the number of segments in a search index, read from
// the index's structure record (the row with id 10 of its data table): a
// 4-byte cookie, a 4-byte marker in the newer format, then the number of
// levels and the number of segments, as SQLite varints.
func (db *DB) searchSegments(ctx context.Context, q queryRower, table string) (int, error) {
	var b []byte
	err := q.QueryRowContext(ctx, `SELECT block FROM `+table+`_data WHERE id = 10`).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("sqlite: read %s structure: %w", table, err)
	}
	if len(b) < 4 {
		return 0, fmt.Errorf("sqlite: %s structure too short", table)
	}
	i := 4
	if len(b) >= 8 && string(b[4:8]) == "\xff\x00\x00\x01" {
		i = 8
	}
	_, n := varint(b[i:])
	if n == 0 {
		return 0, fmt.Errorf("sqlite: %s structure unreadable", table)
	}
	segments, m := varint(b[i+n:])
	if m == 0 {
		return 0, fmt.Errorf("sqlite: %s structure unreadable", table)
	}
	return int(segments), nil
}

// varint decodes an SQLite variable-length integer of up to four bytes (a
// segment count is at most 2,000), returning it and its length, or a length
// of 0 when b does not start with one.
func varint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 4; i++ {
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}
