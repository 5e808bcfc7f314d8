package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// A Loader writes large amounts of data fast, batch by batch: the synthetic
// generator's way into storage. While it runs, the database is tuned for one
// writer filling it (no journal when no other connection is open, no
// waiting for the disk, secondary indexes and the status counts' triggers
// dropped, the search index merging only at the end). The reliability rules
// run on each batch's events in memory, as RebuildReliability runs them.
// Finish puts everything back; a load that fails midway leaves a database
// to throw away.
type Loader struct {
	db      *DB
	next    IDs
	replay  *replay
	sources []int64 // the sources loaded, whose records Finish writes
	undo    []func() error
	resume  func() // lets the search merger run again
	done    bool
}

// IDs are the next free ids of the tables a load writes.
type IDs struct {
	Source, Claim, Evidence, Event int64
}

// A Batch is what one transaction of a load writes. Ids and times are the
// caller's; parents come before children. A batch holds whole claims: the
// links and the verdict of a claim come in the batch that creates it, with
// their events.
type Batch struct {
	Sources  []*claimtrack.Source
	Claims   []*claimtrack.Claim    // with status, verdict note, version, times and tags
	Evidence []*claimtrack.Evidence // with Source, and Via when relayed, filled
	Events   []*claimtrack.Event    // with ids, times and payloads
	// Bumped are claims of earlier batches whose version and time of last
	// change move (their events are in Events).
	Bumped []*claimtrack.Claim
}

// NewLoader starts a load. Only one load may run on a database at a time.
func (db *DB) NewLoader(ctx context.Context) (*Loader, error) {
	l := &Loader{db: db, replay: newReplay()}
	// The journal can only be switched off while no other connection is
	// open, so the idle readers are closed first; when it cannot (a server
	// has the file open), the log stays on.
	db.reader.SetMaxIdleConns(0)
	db.writer.ExecContext(ctx, `PRAGMA journal_mode = OFF`) // SQLITE_BUSY when another connection is open: then WAL it is
	l.undo = append(l.undo, func() error {
		for _, p := range []string{`PRAGMA journal_mode = WAL`, `PRAGMA wal_checkpoint(TRUNCATE)`, `PRAGMA wal_autocheckpoint = 1000`,
			`PRAGMA cache_size = -2000`, `PRAGMA synchronous = FULL`} {
			db.writer.ExecContext(context.Background(), p)
		}
		db.reader.SetMaxIdleConns(db.readers)
		return nil
	})
	for _, p := range []string{`PRAGMA synchronous = OFF`, `PRAGMA cache_size = -524288`, `PRAGMA wal_autocheckpoint = 10000`} {
		if _, err := db.writer.ExecContext(ctx, p); err != nil {
			return nil, l.abort(err)
		}
	}
	if err := db.writer.QueryRowContext(ctx, `SELECT
		(SELECT coalesce(max(id), 0) + 1 FROM sources),
		(SELECT coalesce(max(id), 0) + 1 FROM claims),
		(SELECT max(coalesce(max(id), 0), coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'evidence'), 0)) + 1 FROM evidence),
		(SELECT max(coalesce(max(id), 0), coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)) + 1 FROM events)`).
		Scan(&l.next.Source, &l.next.Claim, &l.next.Evidence, &l.next.Event); err != nil {
		return nil, l.abort(err)
	}
	// Secondary indexes are dropped for the load and built again at the
	// end: one sorted build is far cheaper than a million scattered
	// inserts. Their definitions are read back from the schema, so they stay
	// the migrations'. The status counts' triggers too: the counts are made
	// once at the end.
	restore, err := db.dropSchema(ctx, "index", "claims", "claim_tags", "evidence", "events", "source_score_history")
	if err != nil {
		return nil, l.abort(err)
	}
	l.undo = append(l.undo, restore)
	restore, err = db.dropSchema(ctx, "trigger", "claims", "claim_tags")
	if err != nil {
		return nil, l.abort(err)
	}
	l.undo = append(l.undo, restore)
	// The search indexes merge their segments once, at the end: the
	// background merger waits, and a large in-memory buffer means few
	// segments.
	l.resume = db.pauseSearchMerger()
	if err := db.tuneSearchIndex(ctx, 64<<20); err != nil {
		return nil, l.abort(err)
	}
	l.undo = append(l.undo, func() error { return db.tuneSearchIndex(context.Background(), 1<<20) })
	return l, nil
}

// Next returns the next free ids when the load began.
func (l *Loader) Next() IDs { return l.next }

// abort puts the database back after a failure and returns err.
func (l *Loader) abort(err error) error {
	l.restore()
	return err
}

// restore undoes the load's tuning, newest first, once.
func (l *Loader) restore() error {
	if l.done {
		return nil
	}
	l.done = true
	var first error
	for i := len(l.undo) - 1; i >= 0; i-- {
		if err := l.undo[i](); err != nil && first == nil {
			first = err
		}
	}
	if l.resume != nil {
		l.resume()
	}
	return first
}

// Write writes one batch in one transaction: its rows, their search rows,
// its events through the one event writer, and the score history rows the
// reliability rules give its events.
func (l *Loader) Write(ctx context.Context, b *Batch) error {
	if l.done {
		return fmt.Errorf("sqlite: load finished")
	}
	return l.db.update(ctx, func(tx *Tx) error {
		tx.quiet = true // generated data notifies no webhook
		rows := loadRows(b)
		for _, bk := range []*bulk{
			{tx: tx, prefix: `INSERT INTO sources (id, name, name_key, kind, role, url, description, created_at, updated_at) VALUES `,
				cols: 9, args: rows.sources},
			{tx: tx, prefix: `INSERT INTO source_search (rowid, name, role, aliases) VALUES `, cols: 4, args: rows.sourceSearch},
			{tx: tx, prefix: `INSERT INTO claims (id, text, context, kind, due_date, status, verdict_note, version, created_at, updated_at) VALUES `,
				cols: 10, args: rows.claims},
			{tx: tx, prefix: `INSERT INTO claim_tags (claim_id, tag, position, created_at, status) VALUES `, cols: 5, args: rows.tags},
			{tx: tx, prefix: `INSERT INTO evidence (id, claim_id, source_id, stance, quote, url, published_at, via_source_id, note, created_at) VALUES `,
				cols: 10, args: rows.evidence},
			{tx: tx, prefix: `INSERT INTO claim_search (rowid, text, tags, sources, context, notes, facets,
				status, kind, created_at, main_source_id, main_source) VALUES `, cols: 12, args: rows.claimSearch},
		} {
			if err := bk.flush(ctx); err != nil {
				return fmt.Errorf("sqlite: load: %w", err)
			}
		}
		for _, c := range b.Bumped {
			if _, err := tx.ExecContext(ctx, `UPDATE claims SET version = ?, updated_at = ? WHERE id = ?`,
				c.Version, formatTime(c.UpdatedAt), c.ID); err != nil {
				return fmt.Errorf("sqlite: load: %w", err)
			}
		}
		if err := insertEvents(ctx, tx, b.Events); err != nil {
			return err
		}
		for _, s := range b.Sources {
			l.sources = append(l.sources, s.ID)
		}
		// A batch holds whole claims: what the replay keeps of them is
		// needed no longer than the batch.
		clear(l.replay.active)
		clear(l.replay.status)
		clear(l.replay.kinds)
		l.replay.rows = l.replay.rows[:0]
		for _, c := range b.Claims {
			l.replay.kinds[c.ID] = claimtrack.RecordKindOf(c.Kind)
		}
		for _, ev := range b.Events {
			if err := l.replay.event(ev, nil); err != nil {
				return err
			}
		}
		return insertScoreRows(ctx, tx, l.replay.rows)
	})
}

// Finish stores the loaded sources' records, builds the indexes, the status
// counts, the snapshots and the search index again, and puts the database's
// settings back.
func (l *Loader) Finish(ctx context.Context) error {
	if l.done {
		return fmt.Errorf("sqlite: load finished")
	}
	err := l.db.update(ctx, func(tx *Tx) error {
		for _, id := range l.sources {
			rec := l.replay.records[id]
			if rec == nil {
				rec = &claimtrack.SourceRecord{}
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO source_stats (source_id) VALUES (?)`, id); err != nil {
				return err
			}
			if err := writeRecord(ctx, tx, id, *rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return l.abort(err)
	}
	for i, undo := range l.undo {
		if i == 0 {
			continue // the pragmas go back last
		}
		if err := undo(); err != nil {
			return l.abort(err)
		}
	}
	l.undo = l.undo[:1]
	if err := l.db.recountStatuses(ctx); err != nil {
		return l.abort(err)
	}
	// The changes loaded go back in time: every snapshot is built again.
	if err := l.db.RebuildSnapshots(ctx); err != nil {
		return l.abort(err)
	}
	if err := l.db.OptimizeSearchIndex(ctx); err != nil {
		return l.abort(err)
	}
	return l.restore()
}

// loaded holds a batch's rows as the arguments of multi-row INSERTs.
type loaded struct {
	sources, sourceSearch, claims, tags, evidence, claimSearch []any
}

func loadRows(b *Batch) *loaded {
	r := &loaded{
		sources:      make([]any, 0, 9*len(b.Sources)),
		sourceSearch: make([]any, 0, 4*len(b.Sources)),
		claims:       make([]any, 0, 10*len(b.Claims)),
		tags:         make([]any, 0, 5*3*len(b.Claims)),
		evidence:     make([]any, 0, 10*len(b.Evidence)),
		claimSearch:  make([]any, 0, 12*len(b.Claims)),
	}
	for _, s := range b.Sources {
		r.sources = append(r.sources, s.ID, s.Name, claimtrack.SourceNameKey(s.Name), s.Kind, s.Role, s.URL, s.Description,
			formatTime(s.CreatedAt), formatTime(s.UpdatedAt))
		r.sourceSearch = append(r.sourceSearch, s.ID, s.Name, s.Role, "") // a batch's sources have no aliases
	}
	links := map[int64][]*claimtrack.Evidence{}
	for _, e := range b.Evidence {
		links[e.ClaimID] = append(links[e.ClaimID], e)
		r.evidence = append(r.evidence, e.ID, e.ClaimID, e.SourceID, e.Stance, e.Quote, e.URL, e.PublishedAt, nullID(e.ViaSourceID),
			e.Note, formatTime(e.CreatedAt))
	}
	for _, c := range b.Claims {
		created := formatTime(c.CreatedAt)
		r.claims = append(r.claims, c.ID, c.Text, c.Context, c.Kind, c.DueDate, c.Status, c.VerdictNote, c.Version, created,
			formatTime(c.UpdatedAt))
		for pos, tag := range c.Tags {
			r.tags = append(r.tags, c.ID, tag, pos, created, c.Status)
		}
		r.claimSearch = append(r.claimSearch, claimSearchValues(c, links[c.ID])...)
	}
	return r
}

// tuneSearchIndex sets the in-memory buffer size of the search indexes
// (FTS5's default is 1 MiB). Their own merging is always off (see
// configureSearchIndexes).
func (db *DB) tuneSearchIndex(ctx context.Context, hashsize int) error {
	for _, table := range searchTables {
		if _, err := db.writer.ExecContext(ctx, `INSERT INTO `+table+` (`+table+`, rank) VALUES ('hashsize', ?)`, hashsize); err != nil {
			return fmt.Errorf("sqlite: tune search index: %w", err)
		}
	}
	return nil
}

// dropSchema drops the indexes or triggers (kind) of the given tables and
// returns a function that creates them again (once, however often it is
// called).
func (db *DB) dropSchema(ctx context.Context, kind string, tables ...string) (func() error, error) {
	in, args := "", []any{}
	for i, t := range tables {
		if i > 0 {
			in += ", "
		}
		in += "?"
		args = append(args, t)
	}
	rows, err := db.writer.QueryContext(ctx, `SELECT name, sql FROM sqlite_master
		WHERE type = ? AND sql IS NOT NULL AND tbl_name IN (`+in+`) ORDER BY name`, append([]any{kind}, args...)...)
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := db.writer.ExecContext(ctx, `DROP `+strings.ToUpper(kind)+` "`+name+`"`); err != nil {
			return nil, err
		}
	}
	restored := false
	return func() error {
		if restored {
			return nil
		}
		restored = true
		for _, def := range defs {
			if _, err := db.writer.ExecContext(context.Background(), def); err != nil {
				return fmt.Errorf("sqlite: recreate %s: %w", kind, err)
			}
		}
		return nil
	}, nil
}

// recountStatuses counts the claims of each status afresh (the triggers keep
// the counts after that).
func (db *DB) recountStatuses(ctx context.Context) error {
	return db.update(ctx, func(tx *Tx) error {
		for _, q := range []string{`DELETE FROM claim_status_counts`,
			`INSERT INTO claim_status_counts (status, n) SELECT status, count(*) FROM claims GROUP BY status`,
			`DELETE FROM tag_status_counts`,
			`INSERT INTO tag_status_counts (tag, status, n)
				SELECT t.tag, c.status, count(*) FROM claim_tags t JOIN claims c ON c.id = t.claim_id GROUP BY t.tag, c.status`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("sqlite: count statuses: %w", err)
			}
		}
		return nil
	})
}
