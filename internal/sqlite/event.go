package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// insertEvent appends ev to the history inside tx: see insertEvents.
func insertEvent(ctx context.Context, tx *Tx, ev *claimtrack.Event) error {
	return insertEvents(ctx, tx, []*claimtrack.Event{ev})
}

// insertEvents appends events to the history inside tx. It is the only code
// that writes events: forms, the API, imports, the seed and the generator
// all come through it. Each event's payload is encoded by the one encoder
// (an imported event, which brings its stored values, keeps them and has its
// payload decoded). An event without a time gets the transaction's; one
// without an id gets the next, and a single event learns it. Many events are
// written with multi-row statements. The changes that notify get their
// webhook deliveries queued in the same transaction.
func insertEvents(ctx context.Context, tx *Tx, evs []*claimtrack.Event) error {
	b := &bulk{tx: tx, cols: 13, prefix: `INSERT INTO events (id, type, actor, at, claim_id, claim_version, source_id, evidence_id,
		report_id, question_id, before_json, after_json, note) VALUES `, args: make([]any, 0, 13*len(evs))}
	for _, ev := range evs {
		if ev.Payload != nil {
			ev.Type = ev.Payload.EventType()
			ev.Before, ev.After = claimtrack.EncodePayload(ev.Payload)
		} else {
			ev.Payload = claimtrack.DecodePayload(ev.Type, ev.Before, ev.After)
		}
		if ev.Actor == "" {
			return fmt.Errorf("sqlite: event %s without an actor", ev.Type)
		}
		before, err := json.Marshal(nonNil(ev.Before))
		if err != nil {
			return err
		}
		after, err := json.Marshal(nonNil(ev.After))
		if err != nil {
			return err
		}
		if ev.At.IsZero() {
			ev.At = tx.now
		}
		var version any
		if ev.ClaimID != 0 {
			version = ev.ClaimVersion
		}
		b.args = append(b.args, nullID(ev.ID), ev.Type, ev.Actor, formatTime(ev.At), nullID(ev.ClaimID), version,
			nullID(ev.SourceID), nullID(ev.EvidenceID), nullID(ev.ReportID), nullID(ev.QuestionID), string(before), string(after), ev.Note)
	}
	last, err := b.flushLast(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: insert events: %w", err)
	}
	if len(evs) == 1 && evs[0].ID == 0 {
		evs[0].ID = last
	}
	return queueDeliveries(ctx, tx, evs)
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

const eventColumns = `id, type, actor, at, coalesce(claim_id, 0), coalesce(claim_version, 0), coalesce(source_id, 0),
	coalesce(evidence_id, 0), coalesce(report_id, 0), coalesce(question_id, 0), before_json, after_json, note`

func scanEvent(s interface{ Scan(...any) error }) (*claimtrack.Event, error) {
	var ev claimtrack.Event
	var at, before, after string
	if err := s.Scan(&ev.ID, &ev.Type, &ev.Actor, &at, &ev.ClaimID, &ev.ClaimVersion, &ev.SourceID,
		&ev.EvidenceID, &ev.ReportID, &ev.QuestionID, &before, &after, &ev.Note); err != nil {
		return nil, err
	}
	return &ev, finishEvent(&ev, at, before, after)
}

// finishEvent fills what ev holds decoded from its stored time and values.
func finishEvent(ev *claimtrack.Event, at, before, after string) error {
	ev.At = parseTime(at)
	var err error
	if ev.Before, err = decodeFields(before); err != nil {
		return fmt.Errorf("sqlite: event %d: %w", ev.ID, err)
	}
	if ev.After, err = decodeFields(after); err != nil {
		return fmt.Errorf("sqlite: event %d: %w", ev.ID, err)
	}
	ev.Payload = claimtrack.DecodePayload(ev.Type, ev.Before, ev.After)
	return nil
}

func queryEvents(ctx context.Context, q Queryer, query string, args ...any) ([]*claimtrack.Event, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*claimtrack.Event
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, nil
}

// FindClaimEvents returns the history of one claim, newest first.
func (db *DB) FindClaimEvents(ctx context.Context, claimID int64) ([]*claimtrack.Event, error) {
	return queryEvents(ctx, db.reading(ctx), `SELECT `+eventColumns+` FROM events WHERE claim_id = ? ORDER BY id DESC`, claimID)
}

// FindClaimTimeline returns one page of a claim's history, newest first: up
// to limit events older than the event id before (0 for the newest), whether
// older ones remain, and the id of the claim's latest status change (the
// verdict in force; earlier ones were superseded). It reads only the page, so
// a claim with thousands of changes costs no more than a new one; the first
// page, up to historyHead events, in one lookup (see migration 0022).
func (db *DB) FindClaimTimeline(ctx context.Context, claimID, before int64, limit int) ([]*claimtrack.Event, bool, int64, error) {
	if before <= 0 {
		before = math.MaxInt64
	}
	var events []*claimtrack.Event
	var current int64
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		head := false
		if before == math.MaxInt64 && limit+1 <= historyHead {
			if events, head, err = findHistoryHead(ctx, tx, claimID); err != nil {
				return err
			}
			if len(events) > limit+1 {
				events = events[:limit+1]
			}
		}
		if !head {
			if events, err = queryEvents(ctx, tx, `SELECT `+eventColumns+` FROM events WHERE claim_id = ? AND id < ?
			ORDER BY id DESC LIMIT ?`, claimID, before, limit+1); err != nil {
				return err
			}
		}
		if before == math.MaxInt64 {
			for _, ev := range events {
				if ev.Type == claimtrack.EventStatusChanged {
					current = ev.ID
					return nil
				}
			}
			if len(events) <= limit {
				return nil
			}
		}
		err = tx.QueryRowContext(ctx, `SELECT coalesce((SELECT id FROM events WHERE claim_id = ? AND type = ?
			ORDER BY id DESC LIMIT 1), 0)`, claimID, claimtrack.EventStatusChanged).Scan(&current)
		return err
	})

	if err != nil {
		return nil, false, 0, err
	}
	more := len(events) > limit
	if more {
		events = events[:limit]
	}
	return events, more, current, nil
}

// FindVerdict returns who gave the claim its status in force and when: its
// latest status change that moved the status, and the latest revision of
// the note since.
func (db *DB) FindVerdict(ctx context.Context, claimID int64) (claimtrack.Verdict, error) {
	return db.findVerdict(ctx, `SELECT `+eventColumns+` FROM events WHERE claim_id = ? AND type = ? ORDER BY id DESC`,
		claimID, claimtrack.EventStatusChanged)
}

// FindVerdictUntil is FindVerdict as it stood at the instant until.
func (db *DB) FindVerdictUntil(ctx context.Context, claimID int64, until time.Time) (claimtrack.Verdict, error) {
	return db.findVerdict(ctx, `SELECT `+eventColumns+` FROM events WHERE claim_id = ? AND type = ? AND at <= ?
		ORDER BY id DESC`, claimID, claimtrack.EventStatusChanged, formatTime(until))
}

// findVerdict reads status changes newest first, as query gives them, up to
// the first that moved the status.
func (db *DB) findVerdict(ctx context.Context, query string, args ...any) (claimtrack.Verdict, error) {
	var events []*claimtrack.Event
	err := db.readTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			ev, err := scanEvent(rows)
			if err != nil {
				return err
			}
			events = append(events, ev)
			if v, _ := ev.Payload.(claimtrack.StatusChanged); !v.NoteRevised() {
				break
			}
		}
		return rows.Err()
	})
	if err != nil {
		return claimtrack.Verdict{}, err
	}
	slices.Reverse(events)
	return claimtrack.VerdictOf(events), nil
}

// FindFirstVerdictAt returns when the claim was first given a verdict
// (confirmed, partly true or refuted), and false when it never was.
func (db *DB) FindFirstVerdictAt(ctx context.Context, claimID int64) (time.Time, bool, error) {
	var at string
	err := db.readTx(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT at FROM events WHERE claim_id = ? AND type = ?
			AND json_extract(after_json, '$.status') IN (?, ?, ?) ORDER BY id LIMIT 1`, claimID, claimtrack.EventStatusChanged,
			claimtrack.StatusConfirmed, claimtrack.StatusPartlyTrue, claimtrack.StatusRefuted).Scan(&at)
	})

	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	return parseTime(at), true, nil
}

// FindClaimEventsSince returns the changes made to a claim after the given
// version, oldest first: what an editor holding that version has not seen.
func (db *DB) FindClaimEventsSince(ctx context.Context, claimID, version int64) ([]*claimtrack.Event, error) {
	return queryEvents(ctx, db.reading(ctx), `SELECT `+eventColumns+` FROM events
		WHERE claim_id = ? AND claim_version > ? ORDER BY id`, claimID, version)
}

// CountEvents returns how many events the history holds.
func (db *DB) CountEvents(ctx context.Context) (int, error) {
	var n int
	err := db.reading(ctx).QueryRowContext(ctx, `SELECT count(*) FROM events`).Scan(&n)
	return n, err
}

// eventWhere is the WHERE clause of the history narrowed by f (its limit
// aside).
func eventWhere(f claimtrack.EventFilter) (string, []any) {
	var conds []string
	var args []any
	if f.Before > 0 {
		conds, args = append(conds, "id < ?"), append(args, f.Before)
	}
	if len(f.Types) > 0 {
		in := strings.TrimSuffix(strings.Repeat("?, ", len(f.Types)), ", ")
		conds = append(conds, "type IN ("+in+")")
		for _, t := range f.Types {
			args = append(args, t)
		}
	}
	if f.Actor != "" {
		conds, args = append(conds, "actor = ?"), append(args, f.Actor)
	}
	if f.SourceID != 0 {
		conds, args = append(conds, "source_id = ?"), append(args, f.SourceID)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "at >= ?"), append(args, formatTime(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "at < ?"), append(args, formatTime(f.To))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	return where, args
}

// CountMatchingEvents counts the events that match f (its Before and Limit
// ignored), up to limit: past it, it gives limit and true. The count stops at
// the limit-th match, so it reads at most what finding that match takes.
func (db *DB) CountMatchingEvents(ctx context.Context, f claimtrack.EventFilter, limit int) (int, bool, error) {
	f.Before = 0
	where, args := eventWhere(f)
	var n int
	err := db.reading(ctx).QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM events`+where+` LIMIT ?)`,
		append(args, limit+1)...).Scan(&n)
	if err != nil {
		return 0, false, err
	}
	if n > limit {
		return limit, true, nil
	}
	return n, false, nil
}

// FindEvents returns one page of the history across the tracker, newest
// first, narrowed by f, and whether older matching events remain. Each event
// about a claim carries the claim's text.
func (db *DB) FindEvents(ctx context.Context, f claimtrack.EventFilter) ([]*claimtrack.Event, bool, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	where, args := eventWhere(f)
	var events []*claimtrack.Event
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		if events, err = queryEvents(ctx, tx, `SELECT `+eventColumns+` FROM events`+where+` ORDER BY id DESC LIMIT ?`,
			append(args, f.Limit+1)...); err != nil {
			return err
		}
		return attachClaimTexts(ctx, tx, events)
	})

	if err != nil {
		return nil, false, err
	}
	more := len(events) > f.Limit
	if more {
		events = events[:f.Limit]
	}
	return events, more, nil
}

// FindClaimEventsUntil returns what rebuilding a claim as of the instant until
// takes, oldest first: every event at or before it except status changes, of
// which only the last counts (a verdict replaces the one before). A claim with
// thousands of verdicts is rebuilt from a handful of events.
func (db *DB) FindClaimEventsUntil(ctx context.Context, claimID int64, until time.Time) ([]*claimtrack.Event, error) {
	return queryEvents(ctx, db.reading(ctx), claimEventsUntilSQL, claimID, formatTime(until), claimtrack.EventStatusChanged)
}

// claimEventsUntilSQL selects what rebuilding claim ?1 as of ?2 takes (?3 is
// the status-changed type): see FindClaimEventsUntil.
const claimEventsUntilSQL = `SELECT ` + eventColumns + ` FROM events WHERE claim_id = ?1 AND at <= ?2 AND type <> ?3
	UNION ALL
	SELECT * FROM (SELECT ` + eventColumns + ` FROM events WHERE claim_id = ?1 AND at <= ?2 AND type = ?3 ORDER BY id DESC LIMIT 1)
	ORDER BY id`

// FindClaimTimelineUntil returns the limit newest events of a claim at or
// before the instant until, newest first.
func (db *DB) FindClaimTimelineUntil(ctx context.Context, claimID int64, until time.Time, limit int) ([]*claimtrack.Event, error) {
	return queryEvents(ctx, db.reading(ctx), `SELECT `+eventColumns+` FROM events WHERE claim_id = ? AND at <= ? ORDER BY id DESC LIMIT ?`,
		claimID, formatTime(until), limit)
}

// FindClaimsAsOf returns one page of the claims that existed at the instant
// until, newest first, each rebuilt as it stood then, and how many existed.
func (db *DB) FindClaimsAsOf(ctx context.Context, until time.Time, offset, limit int) ([]*claimtrack.ClaimState, int, error) {
	at := formatTime(until)
	var out []*claimtrack.ClaimState
	var total int
	err := db.readTx(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM claims WHERE created_at <= ?`, at).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM claims WHERE created_at <= ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
			at, limit, max(offset, 0))
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			events, err := queryEvents(ctx, tx, claimEventsUntilSQL, id, at, claimtrack.EventStatusChanged)
			if err != nil {
				return err
			}
			if st := claimtrack.ReplayClaim(id, events); st != nil {
				out = append(out, st)
			}
		}
		return nil
	})

	return out, total, err
}

// attachClaimTexts fills the claim's text of every event about a claim, in
// one query.
func attachClaimTexts(ctx context.Context, tx *Tx, events []*claimtrack.Event) error {
	var ids []int64
	for _, ev := range events {
		if ev.ClaimID != 0 {
			ids = append(ids, ev.ClaimID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	in, idArgs := inClause(ids)
	rows, err := tx.QueryContext(ctx, `SELECT id, text FROM claims WHERE id IN (`+in+`)`, idArgs...)
	if err != nil {
		return err
	}
	defer rows.Close()
	texts := map[int64]string{}
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return err
		}
		texts[id] = text
	}
	for _, ev := range events {
		ev.ClaimText = texts[ev.ClaimID]
	}
	return rows.Err()
}
