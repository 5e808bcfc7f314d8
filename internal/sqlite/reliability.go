package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// scoreChange is what a history row records besides the counts.
type scoreChange struct {
	eventID int64
	at      time.Time
	claimID int64
	stance  claimtrack.Stance
	relayed bool
	status  claimtrack.Status
}

// changeOf is the history row's account of move m, made by event ev on a
// claim whose status is now status.
func changeOf(m claimtrack.Move, ev *claimtrack.Event, claimID int64, status claimtrack.Status) scoreChange {
	return scoreChange{eventID: ev.ID, at: ev.At, claimID: claimID, stance: m.Stance, relayed: m.Relayed, status: status}
}

// applyMove applies one move of the reliability rules to its source's stored
// record (and claims more linked claims), recomputes the score, and when the
// resolved part moved appends a row to the score history. It runs inside
// the transaction of the change.
func applyMove(ctx context.Context, tx *Tx, m claimtrack.Move, claims int, ch scoreChange) error {
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO source_stats (source_id) VALUES (?)`, m.SourceID); err != nil {
		return fmt.Errorf("sqlite: source stats: %w", err)
	}
	var rec claimtrack.SourceRecord
	if err := tx.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM source_stats st WHERE st.source_id = ?`, m.SourceID).
		Scan(recordDest(&rec)...); err != nil {
		return fmt.Errorf("sqlite: source stats: %w", err)
	}
	if rec.Apply(m, claims) {
		if err := insertScoreRows(ctx, tx, []scoreRow{{sourceID: m.SourceID, rec: rec, ch: ch}}); err != nil {
			return err
		}
		tx.scoreRows++
	}
	return writeRecord(ctx, tx, m.SourceID, rec)
}

// insertScoreRows appends records after changes to their sources' score
// histories: the only code that writes those rows, one or many (with
// multi-row statements).
func insertScoreRows(ctx context.Context, tx *Tx, rows []scoreRow) error {
	b := &bulk{tx: tx, cols: 10, prefix: `INSERT INTO source_score_history
		(source_id, n, event_id, at, claim_id, stance, relayed, status, agree2, disagree2) VALUES `,
		args: make([]any, 0, 10*len(rows))}
	for _, r := range rows {
		b.args = append(b.args, r.sourceID, r.rec.Changes, r.ch.eventID, formatTime(r.ch.at), r.ch.claimID, r.ch.stance, r.ch.relayed,
			r.ch.status, r.rec.Credit.AgreeHalves, r.rec.Credit.DisagreeHalves)
	}
	if err := b.flush(ctx); err != nil {
		return fmt.Errorf("sqlite: score history: %w", err)
	}
	return nil
}

// writeRecord stores a source's counts, and those of its parts, with the
// scores derived from them.
func writeRecord(ctx context.Context, tx *Tx, sourceID int64, rec claimtrack.SourceRecord) error {
	rec.Rescore()
	st, fc := rec.Statements, rec.Forecasts
	_, err := tx.ExecContext(ctx, `UPDATE source_stats SET agree2 = ?, disagree2 = ?, open = ?, claims = ?, changes = ?,
		enough = ?, mean = ?, low = ?, high = ?,
		s_agree2 = ?, s_disagree2 = ?, s_open = ?, s_claims = ?, s_enough = ?, s_mean = ?, s_low = ?, s_high = ?,
		f_agree2 = ?, f_disagree2 = ?, f_open = ?, f_claims = ?, f_enough = ?, f_mean = ?, f_low = ?, f_high = ?
		WHERE source_id = ?`,
		rec.Credit.AgreeHalves, rec.Credit.DisagreeHalves, rec.Credit.Open, rec.Claims, rec.Changes,
		rec.Score.Enough, rec.Score.Mean, rec.Score.Low, rec.Score.High,
		st.Credit.AgreeHalves, st.Credit.DisagreeHalves, st.Credit.Open, st.Claims, st.Score.Enough, st.Score.Mean, st.Score.Low, st.Score.High,
		fc.Credit.AgreeHalves, fc.Credit.DisagreeHalves, fc.Credit.Open, fc.Claims, fc.Score.Enough, fc.Score.Mean, fc.Score.Low, fc.Score.High,
		sourceID)
	if err != nil {
		return fmt.Errorf("sqlite: source stats: %w", err)
	}
	return nil
}

// linksOnClaim counts the links of a claim that name a source, as the
// source or as the via.
func linksOnClaim(ctx context.Context, tx *Tx, claimID, sourceID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM evidence WHERE claim_id = ?1 AND (source_id = ?2 OR via_source_id = ?2)`,
		claimID, sourceID).Scan(&n)
	return n, err
}

// creditNewEvidence applies the rules to a new link, stored already, on
// claim c (as it stands); ev is the link's event. A source's first link on
// the claim counts the claim.
func creditNewEvidence(ctx context.Context, tx *Tx, e *claimtrack.Evidence, c *claimtrack.Claim, ev *claimtrack.Event) error {
	for _, m := range claimtrack.LinkAdded(linkOf(e, c), c.Status) {
		links, err := linksOnClaim(ctx, tx, e.ClaimID, m.SourceID)
		if err != nil {
			return err
		}
		first := 0
		if links == 1 {
			first = 1
		}
		if err := applyMove(ctx, tx, m, first, changeOf(m, ev, e.ClaimID, c.Status)); err != nil {
			return err
		}
	}
	return nil
}

// creditRemovedEvidence applies the rules to a link taken off claim c,
// deleted already; ev is the removal's event. A source's last link on the
// claim takes the claim off its count.
func creditRemovedEvidence(ctx context.Context, tx *Tx, e *claimtrack.Evidence, c *claimtrack.Claim, ev *claimtrack.Event) error {
	for _, m := range claimtrack.LinkRemoved(linkOf(e, c), c.Status) {
		links, err := linksOnClaim(ctx, tx, e.ClaimID, m.SourceID)
		if err != nil {
			return err
		}
		last := 0
		if links == 0 {
			last = -1
		}
		if err := applyMove(ctx, tx, m, last, changeOf(m, ev, e.ClaimID, c.Status)); err != nil {
			return err
		}
	}
	return nil
}

// creditEditedEvidence applies the rules to a link of claim c changed in
// place (stored already as new); ev is the edit's event. The claims counts
// follow the sources the link names before and after.
func creditEditedEvidence(ctx context.Context, tx *Tx, old, new *claimtrack.Evidence, c *claimtrack.Claim, ev *claimtrack.Event) error {
	moves := claimtrack.LinkEdited(linkOf(old, c), linkOf(new, c), c.Status)
	counted := map[int64]bool{}
	for _, m := range moves {
		claims := 0
		if !counted[m.SourceID] {
			counted[m.SourceID] = true
			claims = claimsMoved(old, new, m.SourceID)
			if claims != 0 {
				// The count moves only when no other link of the claim names the source.
				links, err := linksOnClaim(ctx, tx, new.ClaimID, m.SourceID)
				if err != nil {
					return err
				}
				if (claims > 0 && links != 1) || (claims < 0 && links != 0) {
					claims = 0
				}
			}
		}
		if err := applyMove(ctx, tx, m, claims, changeOf(m, ev, new.ClaimID, c.Status)); err != nil {
			return err
		}
	}
	return nil
}

// claimsMoved is +1 when the edited link names source id only after the
// edit, -1 when only before, 0 otherwise.
func claimsMoved(old, new *claimtrack.Evidence, id int64) int {
	names := func(e *claimtrack.Evidence) bool { return e.SourceID == id || e.ViaSourceID == id }
	switch {
	case names(new) && !names(old):
		return 1
	case names(old) && !names(new):
		return -1
	}
	return 0
}

// claimLinks are the links of claim c as the rules see them.
func claimLinks(ctx context.Context, tx *Tx, c *claimtrack.Claim) ([]claimtrack.Link, error) {
	rows, err := tx.QueryContext(ctx, `SELECT source_id, coalesce(via_source_id, 0), stance FROM evidence WHERE claim_id = ? ORDER BY id`, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var links []claimtrack.Link
	for rows.Next() {
		l := claimtrack.Link{Kind: claimtrack.RecordKindOf(c.Kind)}
		if err := rows.Scan(&l.Source, &l.Via, &l.Stance); err != nil {
			return nil, err
		}
		links = append(links, l)
	}
	return links, rows.Err()
}

// creditStatusChange applies the rules to a verdict on claim c: every link's
// credit moves from the old status to the new; ev is the verdict's event.
func creditStatusChange(ctx context.Context, tx *Tx, c *claimtrack.Claim, v claimtrack.StatusChanged, ev *claimtrack.Event) error {
	if v.From == v.To {
		return nil
	}
	links, err := claimLinks(ctx, tx, c)
	if err != nil {
		return err
	}
	for _, m := range claimtrack.VerdictGiven(links, v.From, v.To) {
		if err := applyMove(ctx, tx, m, 0, changeOf(m, ev, c.ID, v.To)); err != nil {
			return err
		}
	}
	return nil
}

// creditKindChange applies the rules to claim c (with its new kind) whose
// kind was from: its links' credit moves to the other part of their
// sources' records.
func creditKindChange(ctx context.Context, tx *Tx, c *claimtrack.Claim, from claimtrack.ClaimKind, ev *claimtrack.Event) error {
	old, now := claimtrack.RecordKindOf(from), claimtrack.RecordKindOf(c.Kind)
	if old == now {
		return nil
	}
	links, err := claimLinks(ctx, tx, c)
	if err != nil {
		return err
	}
	for _, m := range claimtrack.KindChanged(links, old, now, c.Status) {
		if err := applyMove(ctx, tx, m, 0, changeOf(m, ev, c.ID, c.Status)); err != nil {
			return err
		}
	}
	return nil
}

// linkOf is what the rules need of a stored link of claim c.
func linkOf(e *claimtrack.Evidence, c *claimtrack.Claim) claimtrack.Link {
	return claimtrack.Link{Source: e.SourceID, Via: e.ViaSourceID, Stance: e.Stance, Kind: claimtrack.RecordKindOf(c.Kind)}
}

// fillReliability builds the reliability tables of a database that has
// sources but no records (one stored before the tables existed), or records
// without their parts (before records were split by kind).
func (db *DB) fillReliability(ctx context.Context) error {
	var missing, parts bool
	if err := db.writer.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sources) AND NOT EXISTS (SELECT 1 FROM source_stats),
		EXISTS (SELECT 1 FROM pragma_table_info('source_stats') WHERE name = 's_agree2')`).Scan(&missing, &parts); err != nil {
		return fmt.Errorf("sqlite: look at source stats: %w", err)
	}
	// A record with credit but none in its parts was kept before records
	// had parts (migration 0014).
	if !missing && parts {
		if err := db.writer.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM source_stats WHERE agree2 + disagree2 + open > 0
			AND s_agree2 + s_disagree2 + s_open + f_agree2 + f_disagree2 + f_open = 0)`).Scan(&missing); err != nil {
			return fmt.Errorf("sqlite: look at source stats: %w", err)
		}
	}
	if !missing {
		return nil
	}
	return db.RebuildReliability(ctx)
}

// RebuildReliability recomputes every source's record and score history from
// the history of events, in one transaction: each link counts from its
// "evidence added" event, with the claim's status as the "status changed"
// events left it. It gives what the storage code maintains change by change.
func (db *DB) RebuildReliability(ctx context.Context) error {
	return db.update(ctx, func(tx *Tx) error { return rebuildReliability(ctx, tx, db.snapshotEvery) })
}

// rebuildReliability is RebuildReliability inside a transaction; the caller
// has the snapshot count recounted once it commits.
func rebuildReliability(ctx context.Context, tx *Tx, snapshotEvery int) error {
	// Every source gets a revision above any it had (see migration 0021):
	// what a page kept from before showed of its sources is no longer
	// current.
	var rev int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(rev), 0) FROM source_stats`).Scan(&rev); err != nil {
		return fmt.Errorf("sqlite: rebuild reliability: %w", err)
	}
	for _, q := range []string{
		`DELETE FROM source_score_history`,
		`DELETE FROM source_stats`,
		`INSERT INTO source_stats (source_id, rev, changed_at) SELECT id, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM sources`,
	} {
		var args []any
		if strings.Contains(q, "?") {
			args = append(args, rev+1)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("sqlite: rebuild reliability: %w", err)
		}
	}
	// Links as stored, for events from before the history named a link's
	// source ids.
	stored := map[int64]claimtrack.LinkValues{}
	rows, err := tx.QueryContext(ctx, `SELECT id, source_id, coalesce(via_source_id, 0), stance FROM evidence`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var v claimtrack.LinkValues
		if err := rows.Scan(&id, &v.SourceID, &v.ViaSourceID, &v.Stance); err != nil {
			rows.Close()
			return err
		}
		stored[id] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	events, err := queryEvents(ctx, tx, `SELECT `+eventColumns+` FROM events WHERE type IN (?, ?, ?, ?) ORDER BY id`,
		claimtrack.EventEvidenceAdded, claimtrack.EventEvidenceEdited, claimtrack.EventEvidenceRemoved, claimtrack.EventStatusChanged)
	if err != nil {
		return err
	}
	r := newReplay()
	rows, err = tx.QueryContext(ctx, `SELECT id, kind FROM claims`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var kind claimtrack.ClaimKind
		if err := rows.Scan(&id, &kind); err != nil {
			rows.Close()
			return err
		}
		r.kinds[id] = claimtrack.RecordKindOf(kind)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, ev := range events {
		if err := r.event(ev, stored); err != nil {
			return err
		}
	}
	if err := insertScoreRows(ctx, tx, r.rows); err != nil {
		return err
	}
	for id, rec := range r.records {
		if err := writeRecord(ctx, tx, id, *rec); err != nil {
			return err
		}
	}
	if err := rebuildNewEvidence(ctx, tx); err != nil {
		return err
	}
	return buildSnapshots(ctx, tx, snapshotEvery)
}

// rebuildNewEvidence works out from the history which claims with a verdict
// got new or corrected evidence after it (see markNewEvidence).
func rebuildNewEvidence(ctx context.Context, tx *Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE claims SET new_evidence_at = CASE WHEN status IN (?, ?, ?) THEN coalesce((
		SELECT min(e.at) FROM events e WHERE e.claim_id = claims.id AND e.type IN (?, ?)
			AND e.id > coalesce((SELECT max(v.id) FROM events v WHERE v.claim_id = claims.id AND v.type = ?), 0)), '') ELSE '' END`,
		claimtrack.StatusConfirmed, claimtrack.StatusPartlyTrue, claimtrack.StatusRefuted,
		claimtrack.EventEvidenceAdded, claimtrack.EventEvidenceEdited, claimtrack.EventStatusChanged)
	if err != nil {
		return fmt.Errorf("sqlite: re-review: %w", err)
	}
	return nil
}

// replay applies the reliability rules to the history, event by event, in
// memory: what the storage code does change by change, done again.
type replay struct {
	status  map[int64]claimtrack.Status        // claim → status so far
	active  map[int64][]*activeLink            // claim → its links so far
	records map[int64]*claimtrack.SourceRecord // source → record so far
	rows    []scoreRow                         // the score history, in order
	// kinds are the claims' kinds as they are now: a claim whose kind
	// changed moved all its credit to its new part, so the parts of the
	// records come out as if it had always had it.
	kinds map[int64]claimtrack.RecordKind
}

type activeLink struct {
	id   int64
	link claimtrack.Link
}

type scoreRow struct {
	sourceID int64
	rec      claimtrack.SourceRecord
	ch       scoreChange
}

func newReplay() *replay {
	return &replay{status: map[int64]claimtrack.Status{}, active: map[int64][]*activeLink{},
		records: map[int64]*claimtrack.SourceRecord{}, kinds: map[int64]claimtrack.RecordKind{}}
}

func (r *replay) record(id int64) *claimtrack.SourceRecord {
	rec := r.records[id]
	if rec == nil {
		rec = &claimtrack.SourceRecord{}
		r.records[id] = rec
	}
	return rec
}

// names counts the active links of a claim that name a source.
func (r *replay) names(claim, source int64) int {
	n := 0
	for _, a := range r.active[claim] {
		if a.link.Source == source || a.link.Via == source {
			n++
		}
	}
	return n
}

// apply applies the moves of event ev on a claim, counting a claim for a
// source when its first link on it came and uncounting it when its last
// went: before is how many links named each source before the event.
func (r *replay) apply(ev *claimtrack.Event, claim int64, moves []claimtrack.Move, before map[int64]int) {
	st := statusOr(r.status, claim)
	seen := map[int64]bool{}
	for _, m := range moves {
		rec := r.record(m.SourceID)
		claims := 0
		if before != nil && !seen[m.SourceID] {
			seen[m.SourceID] = true
			now := r.names(claim, m.SourceID)
			switch {
			case before[m.SourceID] == 0 && now > 0:
				claims = 1
			case before[m.SourceID] > 0 && now == 0:
				claims = -1
			}
		}
		if rec.Apply(m, claims) {
			r.rows = append(r.rows, scoreRow{sourceID: m.SourceID, rec: *rec, ch: changeOf(m, ev, claim, st)})
		}
	}
}

// counts are how many links of a claim name each source of the given links.
func (r *replay) counts(claim int64, links ...claimtrack.Link) map[int64]int {
	out := map[int64]int{}
	for _, l := range links {
		for _, side := range l.Sides() {
			out[side.SourceID] = r.names(claim, side.SourceID)
		}
	}
	return out
}

func (r *replay) find(claim, id int64) (int, *activeLink) {
	for i, a := range r.active[claim] {
		if a.id == id {
			return i, a
		}
	}
	return -1, nil
}

// event replays one event.
func (r *replay) event(ev *claimtrack.Event, stored map[int64]claimtrack.LinkValues) error {
	claim := ev.ClaimID
	switch p := ev.Payload.(type) {
	case claimtrack.EvidenceAdded:
		// The event names the link's sources; the stored link is looked up
		// only for an event that does not (ids of removed links can be
		// used again by later ones).
		v := p.Link
		if v.SourceID == 0 || !v.Stance.Valid() {
			s, ok := stored[ev.EvidenceID]
			if !ok {
				return nil
			}
			v = s
		}
		l := v.Link()
		l.Kind = r.kinds[claim]
		before := r.counts(claim, l)
		r.active[claim] = append(r.active[claim], &activeLink{id: ev.EvidenceID, link: l})
		r.apply(ev, claim, claimtrack.LinkAdded(l, statusOr(r.status, claim)), before)
	case claimtrack.EvidenceEdited:
		_, a := r.find(claim, ev.EvidenceID)
		if a == nil {
			return nil
		}
		v := claimtrack.LinkValues{SourceID: a.link.Source, ViaSourceID: a.link.Via, Stance: a.link.Stance}
		p.ApplyTo(&v)
		old, l := a.link, v.Link()
		l.Kind = old.Kind
		before := r.counts(claim, old, l)
		a.link = l
		r.apply(ev, claim, claimtrack.LinkEdited(old, l, statusOr(r.status, claim)), before)
	case claimtrack.EvidenceRemoved:
		i, a := r.find(claim, ev.EvidenceID)
		if a == nil {
			return nil
		}
		before := r.counts(claim, a.link)
		r.active[claim] = append(r.active[claim][:i:i], r.active[claim][i+1:]...)
		r.apply(ev, claim, claimtrack.LinkRemoved(a.link, statusOr(r.status, claim)), before)
	case claimtrack.StatusChanged:
		if !p.To.Valid() {
			return fmt.Errorf("sqlite: rebuild reliability: event %d has no status", ev.ID)
		}
		from := statusOr(r.status, claim)
		r.status[claim] = p.To
		var links []claimtrack.Link
		for _, a := range r.active[claim] {
			links = append(links, a.link)
		}
		r.apply(ev, claim, claimtrack.VerdictGiven(links, from, p.To), nil)
	}
	return nil
}

func statusOr(m map[int64]claimtrack.Status, claim int64) claimtrack.Status {
	if s, ok := m[claim]; ok {
		return s
	}
	return claimtrack.StatusUnverified
}

// FindSourceRecord returns a source's track record. A source without one
// (there is none) has the empty record.
func (db *DB) FindSourceRecord(ctx context.Context, sourceID int64) (claimtrack.SourceRecord, error) {
	var rec claimtrack.SourceRecord
	err := db.readTx(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM source_stats st WHERE st.source_id = ?`, sourceID).
			Scan(recordDest(&rec)...)
		if errors.Is(err, sql.ErrNoRows) {
			rec.Score = claimtrack.ScoreOf(rec.Credit)
			return nil
		}
		return err
	})

	return rec, err
}

// recordColumns are a source_stats row st as recordDest reads it.
const recordColumns = `st.agree2, st.disagree2, st.open, st.claims, st.changes, st.enough, st.mean, st.low, st.high,
	st.s_agree2, st.s_disagree2, st.s_open, st.s_claims, st.s_enough, st.s_mean, st.s_low, st.s_high,
	st.f_agree2, st.f_disagree2, st.f_open, st.f_claims, st.f_enough, st.f_mean, st.f_low, st.f_high`

// recordColumnsOrEmpty are recordColumns for a LEFT JOIN: a source without a
// row reads as the empty record.
const recordColumnsOrEmpty = recordOverallOrEmpty + `,
	coalesce(st.s_agree2, 0), coalesce(st.s_disagree2, 0), coalesce(st.s_open, 0), coalesce(st.s_claims, 0),
	coalesce(st.s_enough, 0), coalesce(st.s_mean, 0.5), coalesce(st.s_low, 0.05), coalesce(st.s_high, 0.95),
	coalesce(st.f_agree2, 0), coalesce(st.f_disagree2, 0), coalesce(st.f_open, 0), coalesce(st.f_claims, 0),
	coalesce(st.f_enough, 0), coalesce(st.f_mean, 0.5), coalesce(st.f_low, 0.05), coalesce(st.f_high, 0.95)`

// recordOverallOrEmpty are the first columns of recordColumnsOrEmpty: the
// record as a whole, without its parts by kind, as recordOverallDest reads
// them.
const recordOverallOrEmpty = `coalesce(st.agree2, 0), coalesce(st.disagree2, 0), coalesce(st.open, 0), coalesce(st.claims, 0),
	coalesce(st.changes, 0), coalesce(st.enough, 0), coalesce(st.mean, 0.5), coalesce(st.low, 0.05), coalesce(st.high, 0.95)`

func recordDest(r *claimtrack.SourceRecord) []any {
	dest := recordOverallDest(r)
	for _, p := range []*claimtrack.KindRecord{&r.Statements, &r.Forecasts} {
		dest = append(dest, &p.Credit.AgreeHalves, &p.Credit.DisagreeHalves, &p.Credit.Open, &p.Claims,
			&p.Score.Enough, &p.Score.Mean, &p.Score.Low, &p.Score.High)
	}
	return dest
}

func recordOverallDest(r *claimtrack.SourceRecord) []any {
	return []any{&r.Credit.AgreeHalves, &r.Credit.DisagreeHalves, &r.Credit.Open, &r.Claims, &r.Changes,
		&r.Score.Enough, &r.Score.Mean, &r.Score.Low, &r.Score.High}
}

// FindScoreChanges returns up to limit changes of a source's record, newest
// first, starting below change number before (0 for the newest).
func (db *DB) FindScoreChanges(ctx context.Context, sourceID int64, before, limit int) ([]*claimtrack.ScoreChange, error) {
	if before <= 0 {
		before = math.MaxInt32
	}
	var out []*claimtrack.ScoreChange
	err := db.readTx(ctx, func(tx *Tx) error {
		// A row does not say what kind of change made it; its event does.
		rows, err := tx.QueryContext(ctx, `SELECT h.n, h.event_id, h.at, h.stance, h.relayed, h.status, h.agree2, h.disagree2,
			coalesce(ev.type, ''), coalesce(ev.before_json, '{}'), coalesce(ev.after_json, '{}'), `+claimColumns+`
			FROM source_score_history h JOIN claims c ON c.id = h.claim_id LEFT JOIN events ev ON ev.id = h.event_id
			WHERE h.source_id = ? AND h.n < ? ORDER BY h.n DESC LIMIT ?`, sourceID, before, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			ch := &claimtrack.ScoreChange{}
			var at, before, after string
			var typ claimtrack.EventType
			c, err := scanClaim(prefixScanner{rows, []any{&ch.N, &ch.EventID, &at, &ch.Stance, &ch.Relayed, &ch.Status,
				&ch.Credit.AgreeHalves, &ch.Credit.DisagreeHalves, &typ, &before, &after}})
			if err != nil {
				return err
			}
			ch.At, ch.Claim = parseTime(at), c
			switch typ {
			case claimtrack.EventEvidenceRemoved:
				ch.Removed = true
			case claimtrack.EventEvidenceEdited:
				b, berr := decodeFields(before)
				a, aerr := decodeFields(after)
				if berr != nil || aerr != nil {
					return fmt.Errorf("sqlite: event %d: bad values", ch.EventID)
				}
				edit, _ := claimtrack.DecodePayload(typ, b, a).(claimtrack.EvidenceEdited)
				ch.Edited, ch.Removed = true, edit.TakesOff(sourceID)
			}
			out = append(out, ch)
		}
		return rows.Err()
	})
	return out, err
}

// prefixScanner scans a row into prefix first, then into what its caller
// asks for: it lets scanClaim read claim columns that follow others.
type prefixScanner struct {
	rows   *sql.Rows
	prefix []any
}

func (p prefixScanner) Scan(dest ...any) error { return p.rows.Scan(append(p.prefix, dest...)...) }

// FindScorePoints returns the points of a source's score over time, oldest
// first: every change when there are at most max of them, else max changes
// evenly spread, the last included. It also returns how many changes there
// are. Only the points returned are read and scored.
func (db *DB) FindScorePoints(ctx context.Context, sourceID int64, max int) ([]claimtrack.ScorePoint, int, error) {
	return db.FindScorePointsUpTo(ctx, sourceID, 0, max)
}

// FindScorePointsUpTo is FindScorePoints for the first upTo changes only
// (0: all of them): the chart as it stood after that change.
func (db *DB) FindScorePointsUpTo(ctx context.Context, sourceID int64, upTo, max int) ([]claimtrack.ScorePoint, int, error) {
	var out []claimtrack.ScorePoint
	var total int
	err := db.readTx(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT changes FROM source_stats WHERE source_id = ?), 0)`, sourceID).
			Scan(&total); err != nil {
			return err
		}
		if upTo > 0 {
			total = min(total, upTo)
		}
		if total == 0 || max <= 0 {
			return nil
		}
		query, args := `SELECT n, at, agree2, disagree2 FROM source_score_history WHERE source_id = ? AND n <= ? ORDER BY n`,
			[]any{sourceID, total}
		if total > max {
			ns := make([]int64, max)
			for k := range max {
				ns[k] = int64((k + 1) * total / max)
			}
			in, nargs := inClause(ns)
			query, args = `SELECT n, at, agree2, disagree2 FROM source_score_history WHERE source_id = ? AND n IN (`+in+`) ORDER BY n`,
				append([]any{sourceID}, nargs...)
		}
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p claimtrack.ScorePoint
			var at string
			if err := rows.Scan(&p.N, &at, &p.Credit.AgreeHalves, &p.Credit.DisagreeHalves); err != nil {
				return err
			}
			p.At, p.Score = parseTime(at), claimtrack.ScoreOf(p.Credit)
			out = append(out, p)
		}
		return rows.Err()
	})

	return out, total, err
}

// FindSourcesByNameAsOf returns one page of the sources that existed at the
// instant until, by name, each with its record of then (counts and scores
// only, as FindRecordsAsOf fills them), and how many existed.
func (db *DB) FindSourcesByNameAsOf(ctx context.Context, until time.Time, offset, limit int) ([]*claimtrack.SourceSummary, int, error) {
	at := formatTime(until)
	var out []*claimtrack.SourceSummary
	var total int
	err := db.readTx(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sources WHERE created_at <= ?`, at).Scan(&total); err != nil {
			return err
		}
		sources, err := querySources(ctx, tx, `SELECT `+sourceColumns+` FROM sources s WHERE s.created_at <= ?
			ORDER BY s.name_key LIMIT ? OFFSET ?`, at, limit, max(offset, 0))
		if err != nil {
			return err
		}
		for _, src := range sources {
			sum := &claimtrack.SourceSummary{Source: *src}
			if err := recordAsOf(ctx, tx, src.ID, at, &sum.Record); err != nil {
				return err
			}
			out = append(out, sum)
		}
		return nil
	})
	return out, total, err
}

// recordAsOf reads a source's record as of the instant at (formatted) from
// its score history: the empty record when it had no change by then.
func recordAsOf(ctx context.Context, tx *Tx, sourceID int64, at string, rec *claimtrack.SourceRecord) error {
	err := tx.QueryRowContext(ctx, `SELECT n, agree2, disagree2 FROM source_score_history
		WHERE source_id = ? AND at <= ? ORDER BY n DESC LIMIT 1`, sourceID, at).
		Scan(&rec.Changes, &rec.Credit.AgreeHalves, &rec.Credit.DisagreeHalves)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	rec.Score = claimtrack.ScoreOf(rec.Credit)
	return nil
}

// FindRecordsAsOf returns the track records the given sources had at the
// instant until, from their score histories; a source without a change
// by then has the empty record. Only the counts and scores are filled.
func (db *DB) FindRecordsAsOf(ctx context.Context, sourceIDs []int64, until time.Time) (map[int64]*claimtrack.SourceRecord, error) {
	out := map[int64]*claimtrack.SourceRecord{}
	err := db.readTx(ctx, func(tx *Tx) error {
		for _, id := range sourceIDs {
			if _, done := out[id]; done {
				continue
			}
			rec := &claimtrack.SourceRecord{}
			if err := recordAsOf(ctx, tx, id, formatTime(until), rec); err != nil {
				return err
			}
			out[id] = rec
		}
		return nil
	})

	return out, err
}

// FindSourceRecordAsOf returns the track record a source had at the
// instant until, as FindRecordsAsOf gives it, with its statements' and
// forecasts' parts of then (see recordPartsAsOf): what the source page as
// of a moment shows.
func (db *DB) FindSourceRecordAsOf(ctx context.Context, sourceID int64, until time.Time) (claimtrack.SourceRecord, error) {
	var rec claimtrack.SourceRecord
	err := db.readTx(ctx, func(tx *Tx) error {
		at := formatTime(until)
		if err := recordAsOf(ctx, tx, sourceID, at, &rec); err != nil {
			return err
		}
		return recordPartsAsOf(ctx, tx, sourceID, at, &rec)
	})
	return rec, err
}

// recordPartsAsOf splits rec, a source's record as of the instant at (its
// first rec.Changes changes), into its statements' and forecasts' parts:
// what each change moved goes to the part of its claim's kind at that
// instant (a claim's kind changed since moved its credit to the other part;
// the parts then were as the claim's kind was). The resolved counts and the
// scores are filled, as of the whole record.
func recordPartsAsOf(ctx context.Context, tx *Tx, sourceID int64, at string, rec *claimtrack.SourceRecord) error {
	rec.Statements, rec.Forecasts = claimtrack.KindRecord{}, claimtrack.KindRecord{}
	if rec.Changes > 0 {
		// Each row holds the record after its change: a row less the one
		// before it is what the change moved, summed here per claim.
		rows, err := tx.QueryContext(ctx, `SELECT h.claim_id, c.kind, sum(h.da), sum(h.dd) FROM (
				SELECT claim_id, agree2 - lag(agree2, 1, 0) OVER w AS da, disagree2 - lag(disagree2, 1, 0) OVER w AS dd
				FROM source_score_history WHERE source_id = ? AND n <= ? WINDOW w AS (ORDER BY n)) h
			JOIN claims c ON c.id = h.claim_id GROUP BY h.claim_id`, sourceID, rec.Changes)
		if err != nil {
			return err
		}
		type moved struct{ agree, disagree int }
		credit := map[int64]moved{}
		kinds := map[int64]claimtrack.ClaimKind{}
		var ids []int64
		for rows.Next() {
			var id int64
			var kind claimtrack.ClaimKind
			var m moved
			if err := rows.Scan(&id, &kind, &m.agree, &m.disagree); err != nil {
				rows.Close()
				return err
			}
			credit[id], kinds[id], ids = m, kind, append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// A claim's kind then is the one its first edit of the kind after
		// the instant changed from, else the kind it has now.
		for start := 0; start < len(ids); start += 500 {
			batch := ids[start:min(start+500, len(ids))]
			in, args := inClause(batch)
			edits, err := queryEvents(ctx, tx, `SELECT `+eventColumns+` FROM events WHERE type = ? AND at > ? AND claim_id IN (`+in+`)
				ORDER BY id DESC`, append([]any{claimtrack.EventClaimEdited, at}, args...)...)
			if err != nil {
				return err
			}
			for _, ev := range edits { // newest first: the earliest edit is applied last
				if edit, ok := ev.Payload.(claimtrack.ClaimEdited); ok {
					if kind, ok := edit.KindBefore(); ok {
						kinds[ev.ClaimID] = kind
					}
				}
			}
		}
		for _, id := range ids {
			part := rec.Part(claimtrack.RecordKindOf(kinds[id]))
			part.Credit.AgreeHalves += credit[id].agree
			part.Credit.DisagreeHalves += credit[id].disagree
		}
	}
	rec.Rescore()
	return nil
}
