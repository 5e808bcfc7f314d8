package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// SnapshotEvery is how many score changes are made between two snapshots of
// the reliability order (see migration 0006). The sources list as of a moment
// walks at most about this many changes; each snapshot stores one row per
// source, so at 100,000 sources a snapshot every 20,000 changes stores about
// five times as many rows as the changes it spans.
const SnapshotEvery = 20000

// SetSnapshotEvery changes the snapshot interval of one database (tests use
// small ones); it applies to the snapshots taken from then on.
func (db *DB) SetSnapshotEvery(n int) { db.snapshotEvery = max(n, 1) }

// snapshot is one row of score_snapshots; the zero snapshot stands for
// "before anything", holding no change and no source.
type snapshot struct {
	id         int64
	at         string
	eventID    int64
	lastSource int64
	sources    int
}

// rankEntry is one source with its record, as the as-of list orders them.
type rankEntry struct {
	id  int64
	rec claimtrack.SourceRecord
}

// scoreMemo computes each distinct score once: at a million claims the
// records share a few thousand distinct counts.
type scoreMemo map[claimtrack.Credit]claimtrack.Score

func (m scoreMemo) of(c claimtrack.Credit) claimtrack.Score {
	s, ok := m[c]
	if !ok {
		s = claimtrack.ScoreOf(c)
		m[c] = s
	}
	return s
}

// byReliability is the order of the sources list sorted by reliability: the
// score (as CompareScores has it), then the older source first.
func byReliability(a, b rankEntry) int {
	if c := claimtrack.CompareScores(a.rec.Score, b.rec.Score); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// snapshotIfDue counts the score changes tx made and, when they bring the
// changes since the last snapshot to the interval, takes a snapshot in tx.
// update stores the new count once tx has committed, before the next
// transaction may begin.
func (db *DB) snapshotIfDue(ctx context.Context, tx *Tx) error {
	since := db.sinceSnapshot.Load()
	if since < 0 {
		last, err := latestSnapshot(ctx, tx, "")
		if err != nil {
			return err
		}
		// This count includes the rows tx wrote.
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM source_score_history INDEXED BY source_score_history_at
			WHERE at >= ?1 AND (at > ?1 OR event_id > ?2)`, last.at, last.eventID).Scan(&since); err != nil {
			return fmt.Errorf("sqlite: count score changes: %w", err)
		}
	} else {
		since += int64(tx.scoreRows)
	}
	if since >= int64(db.snapshotEvery) {
		if err := takeSnapshot(ctx, tx); err != nil {
			return err
		}
		since = 0
	}
	tx.sinceSnapshot = since
	return nil
}

// takeSnapshot stores the reliability order as it stands in tx, labelled
// with the last score change, ranking the sources made by then (one made
// since is found by the walk, as new).
func takeSnapshot(ctx context.Context, tx *Tx) error {
	var s snapshot
	err := tx.QueryRowContext(ctx, `SELECT at, event_id FROM source_score_history INDEXED BY source_score_history_at
		ORDER BY at DESC, event_id DESC LIMIT 1`).Scan(&s.at, &s.eventID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sqlite: snapshot: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM sources`).Scan(&s.lastSource); err != nil {
		return fmt.Errorf("sqlite: snapshot: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO score_snapshots (at, event_id, last_source, sources) VALUES (?, ?, ?, 0)`,
		s.at, s.eventID, s.lastSource)
	if err != nil {
		return fmt.Errorf("sqlite: snapshot: %w", err)
	}
	if s.id, err = res.LastInsertId(); err != nil {
		return err
	}
	res, err = tx.ExecContext(ctx, `INSERT INTO score_snapshot_ranks (snapshot_id, rank, source_id, agree2, disagree2, changes)
		SELECT ?, row_number() OVER (ORDER BY st.enough DESC, st.low DESC, st.mean DESC, st.source_id),
			st.source_id, st.agree2, st.disagree2, st.changes
		FROM source_stats st WHERE st.source_id NOT IN (SELECT id FROM sources WHERE created_at > ?)`, s.id, s.at)
	if err != nil {
		return fmt.Errorf("sqlite: snapshot ranks: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE score_snapshots SET sources = ? WHERE id = ?`, n, s.id)
	return err
}

// latestSnapshot returns the last snapshot taken at or before the moment at
// (any moment when at is empty), or the zero snapshot.
func latestSnapshot(ctx context.Context, tx *Tx, at string) (snapshot, error) {
	var s snapshot
	q := `SELECT id, at, event_id, last_source, sources FROM score_snapshots ORDER BY at DESC, event_id DESC LIMIT 1`
	args := []any{}
	if at != "" {
		q = `SELECT id, at, event_id, last_source, sources FROM score_snapshots WHERE at <= ? ORDER BY at DESC, event_id DESC LIMIT 1`
		args = append(args, at)
	}
	err := tx.QueryRowContext(ctx, q, args...).Scan(&s.id, &s.at, &s.eventID, &s.lastSource, &s.sources)
	if errors.Is(err, sql.ErrNoRows) {
		return snapshot{}, nil
	}
	if err != nil {
		return s, fmt.Errorf("sqlite: find snapshot: %w", err)
	}
	return s, nil
}

// fillSnapshots builds the snapshots of a database whose score history is
// longer than the interval but that has none: one stored before they existed.
func (db *DB) fillSnapshots(ctx context.Context) error {
	var missing bool
	if err := db.writer.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM score_snapshots)
		AND (SELECT count(*) FROM (SELECT 1 FROM source_score_history LIMIT ?)) >= ?`, db.snapshotEvery, db.snapshotEvery).
		Scan(&missing); err != nil {
		return fmt.Errorf("sqlite: look at snapshots: %w", err)
	}
	if !missing {
		return nil
	}
	return db.RebuildSnapshots(ctx)
}

// RebuildSnapshots replaces every snapshot of the reliability order with ones
// computed from the score history, one each time the changes replayed in
// order reach the interval.
func (db *DB) RebuildSnapshots(ctx context.Context) error {
	return db.update(ctx, func(tx *Tx) error { return buildSnapshots(ctx, tx, db.snapshotEvery) })
}

// buildSnapshots is RebuildSnapshots inside a transaction.
func buildSnapshots(ctx context.Context, tx *Tx, every int) error {
	tx.recount = true // update has the count made again once this commits
	for _, q := range []string{`DELETE FROM score_snapshot_ranks`, `DELETE FROM score_snapshots`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlite: rebuild snapshots: %w", err)
		}
	}
	// The sources by creation time, so that a snapshot ranks those made by then.
	type made struct {
		id int64
		at string
	}
	var sources []made
	rows, err := tx.QueryContext(ctx, `SELECT id, created_at FROM sources ORDER BY created_at, id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var m made
		if err := rows.Scan(&m.id, &m.at); err != nil {
			rows.Close()
			return err
		}
		sources = append(sources, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	// The changes in order, replayed; the snapshots are written once the
	// history is read, from their rankings kept meanwhile.
	type pending struct {
		s     snapshot
		ranks []rankEntry
	}
	var snaps []pending
	records := map[int64]claimtrack.SourceRecord{}
	memo := scoreMemo{}
	take := func(at string, eventID int64) {
		made := sort.Search(len(sources), func(i int) bool { return sources[i].at > at })
		ranks := make([]rankEntry, made)
		s := snapshot{at: at, eventID: eventID, sources: made}
		for i, m := range sources[:made] {
			rec := records[m.id]
			rec.Score = memo.of(rec.Credit)
			ranks[i] = rankEntry{m.id, rec}
			s.lastSource = max(s.lastSource, m.id)
		}
		slices.SortFunc(ranks, byReliability)
		snaps = append(snaps, pending{s, ranks})
	}
	rows, err = tx.QueryContext(ctx, `SELECT at, event_id, source_id, n, agree2, disagree2
		FROM source_score_history INDEXED BY source_score_history_at ORDER BY at, event_id`)
	if err != nil {
		return err
	}
	count := 0
	var lastAt string
	var lastEvent int64
	for rows.Next() {
		var at string
		var eventID, sourceID int64
		var rec claimtrack.SourceRecord
		if err := rows.Scan(&at, &eventID, &sourceID, &rec.Changes, &rec.Credit.AgreeHalves, &rec.Credit.DisagreeHalves); err != nil {
			rows.Close()
			return err
		}
		// A snapshot never splits the changes of one event.
		if count >= every && (at != lastAt || eventID != lastEvent) {
			take(lastAt, lastEvent)
			count = 0
		}
		if rec.Changes > records[sourceID].Changes {
			records[sourceID] = rec
		}
		count++
		lastAt, lastEvent = at, eventID
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	for _, p := range snaps {
		res, err := tx.ExecContext(ctx, `INSERT INTO score_snapshots (at, event_id, last_source, sources) VALUES (?, ?, ?, ?)`,
			p.s.at, p.s.eventID, p.s.lastSource, p.s.sources)
		if err != nil {
			return fmt.Errorf("sqlite: rebuild snapshots: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		b := &bulk{tx: tx, cols: 6,
			prefix: `INSERT INTO score_snapshot_ranks (snapshot_id, rank, source_id, agree2, disagree2, changes) VALUES `}
		for i, e := range p.ranks {
			b.args = append(b.args, id, i+1, e.id, e.rec.Credit.AgreeHalves, e.rec.Credit.DisagreeHalves, e.rec.Changes)
		}
		if err := b.flush(ctx); err != nil {
			return fmt.Errorf("sqlite: rebuild snapshots: %w", err)
		}
	}
	return nil
}

// FindSourcesAsOf returns one page of the sources that existed at the instant
// until, in the order of their reliability then (as the list sorted by
// reliability orders them now), each with its record of then, and how many
// existed. It starts from the last snapshot of the order taken by then and
// walks forward over the score changes made between it and until (at most
// about SnapshotEvery): the sources those changes moved, and those made
// since the snapshot, are sorted by their records of then and merged into
// the snapshot's order. Only the counts and scores of the records are filled
// (not open links or claims).
func (db *DB) FindSourcesAsOf(ctx context.Context, until time.Time, offset, limit int) ([]*claimtrack.SourceSummary, int, error) {
	at := formatTime(until)
	var page []*claimtrack.SourceSummary
	var total int
	err := db.readTx(ctx, func(tx *Tx) error {
		snap, err := latestSnapshot(ctx, tx, at)
		if err != nil {
			return err
		}

		moved := map[int64]claimtrack.SourceRecord{}
		rows, err := tx.QueryContext(ctx, `SELECT source_id, n, agree2, disagree2
			FROM source_score_history INDEXED BY source_score_history_at
			WHERE at >= ?1 AND at <= ?2 AND (at > ?1 OR event_id > ?3)`, snap.at, at, snap.eventID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var rec claimtrack.SourceRecord
			if err := rows.Scan(&id, &rec.Changes, &rec.Credit.AgreeHalves, &rec.Credit.DisagreeHalves); err != nil {
				rows.Close()
				return err
			}
			if old, seen := moved[id]; !seen || rec.Changes > old.Changes {
				moved[id] = rec
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}

		rows, err = tx.QueryContext(ctx, `SELECT id FROM sources
			WHERE created_at >= ?1 AND created_at <= ?2 AND (created_at > ?1 OR id > ?3)`, snap.at, at, snap.lastSource)
		if err != nil {
			return err
		}
		total = snap.sources
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			total++
			if _, seen := moved[id]; !seen {
				moved[id] = claimtrack.SourceRecord{}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}

		memo := scoreMemo{}
		sorted := make([]rankEntry, 0, len(moved))
		for id, rec := range moved {
			rec.Score = memo.of(rec.Credit)
			sorted = append(sorted, rankEntry{id, rec})
		}
		slices.SortFunc(sorted, byReliability)

		want := max(offset, 0) + limit
		var entries []rankEntry
		if snap.id != 0 {
			rows, err = tx.QueryContext(ctx, `SELECT source_id, agree2, disagree2, changes
				FROM score_snapshot_ranks WHERE snapshot_id = ? ORDER BY rank`, snap.id)
			if err != nil {
				return err
			}
			for len(entries) < want && rows.Next() {
				var e rankEntry
				if err := rows.Scan(&e.id, &e.rec.Credit.AgreeHalves, &e.rec.Credit.DisagreeHalves, &e.rec.Changes); err != nil {
					rows.Close()
					return err
				}
				if _, isMoved := moved[e.id]; isMoved {
					continue
				}
				e.rec.Score = memo.of(e.rec.Credit)
				for len(sorted) > 0 && len(entries) < want && byReliability(sorted[0], e) < 0 {
					entries = append(entries, sorted[0])
					sorted = sorted[1:]
				}
				if len(entries) < want {
					entries = append(entries, e)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		for len(sorted) > 0 && len(entries) < want {
			entries = append(entries, sorted[0])
			sorted = sorted[1:]
		}

		from, to := min(max(offset, 0), len(entries)), min(want, len(entries))
		if from >= to {
			return nil
		}
		ids := make([]int64, 0, to-from)
		for _, e := range entries[from:to] {
			ids = append(ids, e.id)
		}
		in, args := inClause(ids)
		sources, err := querySources(ctx, tx, `SELECT `+sourceColumns+` FROM sources s WHERE s.id IN (`+in+`)`, args...)
		if err != nil {
			return err
		}
		byID := map[int64]*claimtrack.Source{}
		for _, s := range sources {
			byID[s.ID] = s
		}
		for _, e := range entries[from:to] {
			if s := byID[e.id]; s != nil {
				page = append(page, &claimtrack.SourceSummary{Source: *s, Record: e.rec})
			}
		}
		return nil
	})

	return page, total, err
}
