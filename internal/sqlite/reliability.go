package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
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

// applyCredit adds delta (and claims more linked claims) to a source's
// record, recomputes its score, and when its resolved part moved appends a
// row to its score history. It runs inside the transaction of the change.
func applyCredit(ctx context.Context, tx *Tx, sourceID int64, delta claimtrack.Credit, claims int, ch scoreChange) error {
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO source_stats (source_id) VALUES (?)`, sourceID); err != nil {
		return fmt.Errorf("sqlite: source stats: %w", err)
	}
	var rec claimtrack.SourceRecord
	if err := tx.QueryRowContext(ctx, `SELECT agree2, disagree2, open, claims, changes FROM source_stats WHERE source_id = ?`, sourceID).
		Scan(&rec.Credit.AgreeHalves, &rec.Credit.DisagreeHalves, &rec.Credit.Open, &rec.Claims, &rec.Changes); err != nil {
		return fmt.Errorf("sqlite: source stats: %w", err)
	}
	rec.Credit = rec.Credit.Add(delta)
	rec.Claims += claims
	moved := delta.AgreeHalves != 0 || delta.DisagreeHalves != 0
	if moved {
		rec.Changes++
		if _, err := tx.ExecContext(ctx, `INSERT INTO source_score_history
			(source_id, n, event_id, at, claim_id, stance, relayed, status, agree2, disagree2)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sourceID, rec.Changes, ch.eventID, formatTime(ch.at), ch.claimID, ch.stance, ch.relayed, ch.status,
			rec.Credit.AgreeHalves, rec.Credit.DisagreeHalves); err != nil {
			return fmt.Errorf("sqlite: score history: %w", err)
		}
		tx.scoreRows++
	}
	return writeRecord(ctx, tx, sourceID, rec)
}

// writeRecord stores a source's counts and the score derived from them.
func writeRecord(ctx context.Context, tx *Tx, sourceID int64, rec claimtrack.SourceRecord) error {
	s := claimtrack.ScoreOf(rec.Credit)
	_, err := tx.ExecContext(ctx, `UPDATE source_stats SET agree2 = ?, disagree2 = ?, open = ?, claims = ?, changes = ?,
		enough = ?, mean = ?, low = ?, high = ? WHERE source_id = ?`,
		rec.Credit.AgreeHalves, rec.Credit.DisagreeHalves, rec.Credit.Open, rec.Claims, rec.Changes,
		s.Enough, s.Mean, s.Low, s.High, sourceID)
	if err != nil {
		return fmt.Errorf("sqlite: source stats: %w", err)
	}
	return nil
}

// creditNewEvidence adds a new link's credit to its source and to the source
// it was relayed via, given the claim's status; ev is the link's event.
func creditNewEvidence(ctx context.Context, tx *Tx, e *claimtrack.Evidence, status claimtrack.Status, ev *claimtrack.Event) error {
	credit := claimtrack.LinkCredit(e.Stance, status)
	for _, side := range linkSides(e.SourceID, e.ViaSourceID) {
		// The new link is stored already: it is the source's first on this
		// claim when it is the only one.
		var links int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM evidence WHERE claim_id = ?1 AND (source_id = ?2 OR via_source_id = ?2)`,
			e.ClaimID, side.id).Scan(&links); err != nil {
			return err
		}
		first := 0
		if links == 1 {
			first = 1
		}
		ch := scoreChange{eventID: ev.ID, at: ev.At, claimID: e.ClaimID, stance: e.Stance, relayed: side.relayed, status: status}
		if err := applyCredit(ctx, tx, side.id, credit, first, ch); err != nil {
			return err
		}
	}
	return nil
}

// creditRemovedEvidence takes a removed link's credit back from its source and
// the source it was relayed via; ev is the removal's event. The link is
// deleted already.
func creditRemovedEvidence(ctx context.Context, tx *Tx, e *claimtrack.Evidence, status claimtrack.Status, ev *claimtrack.Event) error {
	credit := claimtrack.Credit{}.Sub(claimtrack.LinkCredit(e.Stance, status))
	for _, side := range linkSides(e.SourceID, e.ViaSourceID) {
		var links int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM evidence WHERE claim_id = ?1 AND (source_id = ?2 OR via_source_id = ?2)`,
			e.ClaimID, side.id).Scan(&links); err != nil {
			return err
		}
		last := 0
		if links == 0 {
			last = -1
		}
		ch := scoreChange{eventID: ev.ID, at: ev.At, claimID: e.ClaimID, stance: e.Stance, relayed: side.relayed, status: status}
		if err := applyCredit(ctx, tx, side.id, credit, last, ch); err != nil {
			return err
		}
	}
	return nil
}

// creditEditedEvidence moves the records after a link was edited from old to
// new (both as stored, new already written) on a claim with the given
// status; ev is the edit's event. The old link's credit leaves its sources
// and the new link's goes to its own; a source on both sides moves by the
// difference, in one change. The claims count of a source the edit took
// off, or put on, the claim follows.
func creditEditedEvidence(ctx context.Context, tx *Tx, old, new *claimtrack.Evidence, status claimtrack.Status, ev *claimtrack.Event) error {
	from := link{claim: old.ClaimID, source: old.SourceID, via: old.ViaSourceID, stance: old.Stance}
	to := link{claim: new.ClaimID, source: new.SourceID, via: new.ViaSourceID, stance: new.Stance}
	for _, m := range editMoves(from, to, status) {
		claims := 0
		if m.joined || m.left {
			// The link is stored edited already: count the links that
			// name the source on this claim now.
			var links int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM evidence WHERE claim_id = ?1 AND (source_id = ?2 OR via_source_id = ?2)`,
				new.ClaimID, m.source).Scan(&links); err != nil {
				return err
			}
			switch {
			case m.joined && links == 1:
				claims = 1
			case m.left && links == 0:
				claims = -1
			}
		}
		ch := scoreChange{eventID: ev.ID, at: ev.At, claimID: new.ClaimID, stance: m.stance, relayed: m.relayed, status: status}
		if err := applyCredit(ctx, tx, m.source, m.delta, claims, ch); err != nil {
			return err
		}
	}
	return nil
}

// editMove is what an edit of a link moves on one source's record.
type editMove struct {
	source  int64
	delta   claimtrack.Credit
	stance  claimtrack.Stance // the stance the history row records
	relayed bool
	// joined: the edit put the source on the link; left: it took it off.
	joined, left bool
}

// editMoves lists, source by source, what an edit of a link from one to
// another moves on a claim with the given status: the new link's sources
// first, then those the edit took off. A source whose credit and place are
// unchanged is left out.
func editMoves(from, to link, status claimtrack.Status) []editMove {
	oldCredit, newCredit := claimtrack.LinkCredit(from.stance, status), claimtrack.LinkCredit(to.stance, status)
	oldSides, newSides := linkSides(from.source, from.via), linkSides(to.source, to.via)
	has := func(sides []linkSide, id int64) bool {
		for _, s := range sides {
			if s.id == id {
				return true
			}
		}
		return false
	}
	var out []editMove
	for _, s := range newSides {
		m := editMove{source: s.id, delta: newCredit, stance: to.stance, relayed: s.relayed, joined: !has(oldSides, s.id)}
		if !m.joined {
			m.delta = newCredit.Sub(oldCredit)
		}
		if m.joined || m.delta != (claimtrack.Credit{}) {
			out = append(out, m)
		}
	}
	for _, s := range oldSides {
		if !has(newSides, s.id) {
			out = append(out, editMove{source: s.id, delta: claimtrack.Credit{}.Sub(oldCredit), stance: from.stance, relayed: s.relayed, left: true})
		}
	}
	return out
}

// creditStatusChange moves the credit of every link of a claim from its old
// status to its new one; ev is the status change's event.
func creditStatusChange(ctx context.Context, tx *Tx, claimID int64, old, status claimtrack.Status, ev *claimtrack.Event) error {
	if old == status {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT source_id, coalesce(via_source_id, 0), stance FROM evidence WHERE claim_id = ? ORDER BY id`, claimID)
	if err != nil {
		return err
	}
	type link struct {
		source, via int64
		stance      claimtrack.Stance
	}
	var links []link
	for rows.Next() {
		var l link
		if err := rows.Scan(&l.source, &l.via, &l.stance); err != nil {
			rows.Close()
			return err
		}
		links = append(links, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, l := range links {
		delta := claimtrack.LinkCredit(l.stance, status).Sub(claimtrack.LinkCredit(l.stance, old))
		if delta == (claimtrack.Credit{}) {
			continue
		}
		for _, side := range linkSides(l.source, l.via) {
			ch := scoreChange{eventID: ev.ID, at: ev.At, claimID: claimID, stance: l.stance, relayed: side.relayed, status: status}
			if err := applyCredit(ctx, tx, side.id, delta, 0, ch); err != nil {
				return err
			}
		}
	}
	return nil
}

type linkSide struct {
	id      int64
	relayed bool
}

// linkSides are the sources a link credits: its own, and the one it was
// relayed via, if any.
func linkSides(source, via int64) []linkSide {
	if via == 0 || via == source {
		return []linkSide{{id: source}}
	}
	return []linkSide{{id: source}, {id: via, relayed: true}}
}

// fillReliability builds the reliability tables of a database that has
// sources but no records: one stored before the tables existed.
func (db *DB) fillReliability(ctx context.Context) error {
	var missing bool
	if err := db.writer.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sources) AND NOT EXISTS (SELECT 1 FROM source_stats)`).
		Scan(&missing); err != nil {
		return fmt.Errorf("sqlite: look at source stats: %w", err)
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
	for _, q := range []string{
		`DELETE FROM source_score_history`,
		`DELETE FROM source_stats`,
		`INSERT INTO source_stats (source_id) SELECT id FROM sources`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlite: rebuild reliability: %w", err)
		}
	}
	links := map[int64]link{}
	rows, err := tx.QueryContext(ctx, `SELECT id, claim_id, source_id, coalesce(via_source_id, 0), stance FROM evidence`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var l link
		if err := rows.Scan(&id, &l.claim, &l.source, &l.via, &l.stance); err != nil {
			rows.Close()
			return err
		}
		links[id] = l
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	type event struct {
		id, claim, evidence int64
		typ                 claimtrack.EventType
		at                  time.Time
		after               string
	}
	var events []event
	rows, err = tx.QueryContext(ctx, `SELECT id, type, at, coalesce(claim_id, 0), coalesce(evidence_id, 0),
		CASE type WHEN ? THEN before_json ELSE after_json END
		FROM events WHERE type IN (?, ?, ?, ?) ORDER BY id`, claimtrack.EventEvidenceRemoved,
		claimtrack.EventEvidenceAdded, claimtrack.EventStatusChanged, claimtrack.EventEvidenceRemoved, claimtrack.EventEvidenceEdited)
	if err != nil {
		return err
	}
	for rows.Next() {
		var ev event
		var at string
		if err := rows.Scan(&ev.id, &ev.typ, &at, &ev.claim, &ev.evidence, &ev.after); err != nil {
			rows.Close()
			return err
		}
		ev.at = parseTime(at)
		events = append(events, ev)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	status := map[int64]claimtrack.Status{} // claim → status so far
	active := map[int64][]link{}            // claim → its links so far
	linked := map[[2]int64]bool{}           // (claim, source) pairs seen
	records := map[int64]*claimtrack.SourceRecord{}
	record := func(id int64) *claimtrack.SourceRecord {
		r := records[id]
		if r == nil {
			r = &claimtrack.SourceRecord{}
			records[id] = r
		}
		return r
	}
	apply := func(id int64, delta claimtrack.Credit, ch scoreChange) error {
		r := record(id)
		r.Credit = r.Credit.Add(delta)
		if delta.AgreeHalves == 0 && delta.DisagreeHalves == 0 {
			return nil
		}
		r.Changes++
		_, err := tx.ExecContext(ctx, `INSERT INTO source_score_history
			(source_id, n, event_id, at, claim_id, stance, relayed, status, agree2, disagree2)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, r.Changes, ch.eventID, formatTime(ch.at), ch.claimID, ch.stance, ch.relayed, ch.status,
			r.Credit.AgreeHalves, r.Credit.DisagreeHalves)
		return err
	}
	for _, ev := range events {
		switch ev.typ {
		case claimtrack.EventEvidenceAdded:
			// The event names the link's sources; an id is looked up only
			// for an event that does not (ids of removed links can be
			// used again by later ones).
			l, ok := linkFromJSON(ev.claim, ev.after)
			if !ok {
				if l, ok = links[ev.evidence]; !ok {
					continue
				}
			}
			l.id = ev.evidence
			active[l.claim] = append(active[l.claim], l)
			st := statusOr(status, l.claim)
			credit := claimtrack.LinkCredit(l.stance, st)
			for _, side := range linkSides(l.source, l.via) {
				if key := [2]int64{l.claim, side.id}; !linked[key] {
					linked[key] = true
					record(side.id).Claims++
				}
				ch := scoreChange{eventID: ev.id, at: ev.at, claimID: l.claim, stance: l.stance, relayed: side.relayed, status: st}
				if err := apply(side.id, credit, ch); err != nil {
					return err
				}
			}
		case claimtrack.EventEvidenceRemoved:
			var l link
			found := false
			for i, a := range active[ev.claim] {
				if a.id == ev.evidence {
					l, found = a, true
					active[ev.claim] = append(active[ev.claim][:i:i], active[ev.claim][i+1:]...)
					break
				}
			}
			if !found {
				continue
			}
			st := statusOr(status, l.claim)
			credit := claimtrack.Credit{}.Sub(claimtrack.LinkCredit(l.stance, st))
			for _, side := range linkSides(l.source, l.via) {
				still := false
				for _, a := range active[l.claim] {
					if a.source == side.id || a.via == side.id {
						still = true
					}
				}
				if !still {
					delete(linked, [2]int64{l.claim, side.id})
					record(side.id).Claims--
				}
				ch := scoreChange{eventID: ev.id, at: ev.at, claimID: l.claim, stance: l.stance, relayed: side.relayed, status: st}
				if err := apply(side.id, credit, ch); err != nil {
					return err
				}
			}
		case claimtrack.EventEvidenceEdited:
			if err := replayEvidenceEdit(ev.id, ev.at, ev.claim, ev.evidence, ev.after, statusOr(status, ev.claim),
				active, linked, record, apply); err != nil {
				return err
			}
		case claimtrack.EventStatusChanged:
			var after struct {
				Status claimtrack.Status `json:"status"`
			}
			if err := json.Unmarshal([]byte(ev.after), &after); err != nil || !after.Status.Valid() {
				return fmt.Errorf("sqlite: rebuild reliability: event %d has no status", ev.id)
			}
			old := statusOr(status, ev.claim)
			status[ev.claim] = after.Status
			for _, l := range active[ev.claim] {
				delta := claimtrack.LinkCredit(l.stance, after.Status).Sub(claimtrack.LinkCredit(l.stance, old))
				if delta == (claimtrack.Credit{}) {
					continue
				}
				for _, side := range linkSides(l.source, l.via) {
					ch := scoreChange{eventID: ev.id, at: ev.at, claimID: ev.claim, stance: l.stance, relayed: side.relayed, status: after.Status}
					if err := apply(side.id, delta, ch); err != nil {
						return err
					}
				}
			}
		}
	}
	for id, r := range records {
		if err := writeRecord(ctx, tx, id, *r); err != nil {
			return err
		}
	}
	return buildSnapshots(ctx, tx, snapshotEvery)
}

// replayEvidenceEdit replays an "evidence edited" event on the links of its
// claim so far (active), with the claim's status then: the records move as
// creditEditedEvidence moved them. values are the event's after values,
// which hold what the edit changed.
func replayEvidenceEdit(eventID int64, at time.Time, claim, evidence int64, values string, status claimtrack.Status,
	active map[int64][]link, linked map[[2]int64]bool, record func(int64) *claimtrack.SourceRecord,
	apply func(int64, claimtrack.Credit, scoreChange) error) error {
	links := active[claim]
	i := 0
	for i < len(links) && links[i].id != evidence {
		i++
	}
	if i == len(links) {
		return nil
	}
	from := links[i]
	to, ok := editedLink(from, values)
	if !ok {
		return nil
	}
	links[i] = to
	for _, m := range editMoves(from, to, status) {
		key := [2]int64{claim, m.source}
		if m.joined && !linked[key] {
			linked[key] = true
			record(m.source).Claims++
		}
		if m.left {
			still := false
			for _, a := range links {
				still = still || a.source == m.source || a.via == m.source
			}
			if !still {
				delete(linked, key)
				record(m.source).Claims--
			}
		}
		ch := scoreChange{eventID: eventID, at: at, claimID: claim, stance: m.stance, relayed: m.relayed, status: status}
		if err := apply(m.source, m.delta, ch); err != nil {
			return err
		}
	}
	return nil
}

// editedLink is link l after an edit whose changed values are given (an
// "evidence edited" event's after values); false when they cannot be read.
func editedLink(l link, values string) (link, bool) {
	var v map[string]string
	if json.Unmarshal([]byte(values), &v) != nil {
		return l, false
	}
	if s, ok := v["source_id"]; ok {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return l, false
		}
		l.source = id
	}
	if s, ok := v["via_source_id"]; ok {
		l.via = 0
		if s != "" {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				return l, false
			}
			l.via = id
		}
	}
	if s, ok := v["stance"]; ok {
		if !claimtrack.Stance(s).Valid() {
			return l, false
		}
		l.stance = claimtrack.Stance(s)
	}
	return l, true
}

// link is one evidence link as the replay sees it.
type link struct {
	id, claim, source, via int64
	stance                 claimtrack.Stance
}

// linkFromJSON reads a link from an evidence event's values, which carry the
// source ids since links could be removed.
func linkFromJSON(claim int64, values string) (link, bool) {
	var v struct {
		SourceID    string            `json:"source_id"`
		ViaSourceID string            `json:"via_source_id"`
		Stance      claimtrack.Stance `json:"stance"`
	}
	if json.Unmarshal([]byte(values), &v) != nil {
		return link{}, false
	}
	src, err := strconv.ParseInt(v.SourceID, 10, 64)
	if err != nil || !v.Stance.Valid() {
		return link{}, false
	}
	via, _ := strconv.ParseInt(v.ViaSourceID, 10, 64)
	return link{claim: claim, source: src, via: via, stance: v.Stance}, true
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
	err := db.view(ctx, func(tx *Tx) error {
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
const recordColumns = `st.agree2, st.disagree2, st.open, st.claims, st.changes, st.enough, st.mean, st.low, st.high`

// recordColumnsOrEmpty are recordColumns for a LEFT JOIN: a source without a
// row reads as the empty record.
const recordColumnsOrEmpty = `coalesce(st.agree2, 0), coalesce(st.disagree2, 0), coalesce(st.open, 0), coalesce(st.claims, 0),
	coalesce(st.changes, 0), coalesce(st.enough, 0), coalesce(st.mean, 0.5), coalesce(st.low, 0.05), coalesce(st.high, 0.95)`

func recordDest(r *claimtrack.SourceRecord) []any {
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
	err := db.view(ctx, func(tx *Tx) error {
		// A row does not say what kind of change made it; its event does.
		// An edit took the source off the link when the source's place on
		// it changed (its id is among the values before) and it is neither
		// the link's source nor its via after.
		rows, err := tx.QueryContext(ctx, `SELECT h.n, h.event_id, h.at, h.stance, h.relayed, h.status, h.agree2, h.disagree2,
			coalesce(ev.type = ?3 OR (ev.type = ?4
				AND h.source_id IN (CAST(json_extract(ev.before_json, '$.source_id') AS INTEGER),
					CAST(json_extract(ev.before_json, '$.via_source_id') AS INTEGER))
				AND h.source_id IS NOT ev.source_id
				AND h.source_id IS NOT CAST(json_extract(ev.after_json, '$.via_source_id') AS INTEGER)), 0),
			coalesce(ev.type = ?4, 0), `+claimColumns+`
			FROM source_score_history h JOIN claims c ON c.id = h.claim_id LEFT JOIN events ev ON ev.id = h.event_id
			WHERE h.source_id = ?1 AND h.n < ?2 ORDER BY h.n DESC LIMIT ?5`, sourceID, before,
			claimtrack.EventEvidenceRemoved, claimtrack.EventEvidenceEdited, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			ch := &claimtrack.ScoreChange{}
			var at string
			c, err := scanClaim(prefixScanner{rows, []any{&ch.N, &ch.EventID, &at, &ch.Stance, &ch.Relayed, &ch.Status,
				&ch.Credit.AgreeHalves, &ch.Credit.DisagreeHalves, &ch.Removed, &ch.Edited}})
			if err != nil {
				return err
			}
			ch.At, ch.Claim = parseTime(at), c
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
	err := db.view(ctx, func(tx *Tx) error {
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

// FindRecordsAsOf returns the track records the given sources had at the
// instant until, from their score histories; a source without a change
// by then has the empty record. Only the counts and scores are filled.
func (db *DB) FindRecordsAsOf(ctx context.Context, sourceIDs []int64, until time.Time) (map[int64]*claimtrack.SourceRecord, error) {
	out := map[int64]*claimtrack.SourceRecord{}
	err := db.view(ctx, func(tx *Tx) error {
		for _, id := range sourceIDs {
			if _, done := out[id]; done {
				continue
			}
			rec := &claimtrack.SourceRecord{}
			err := tx.QueryRowContext(ctx, `SELECT n, agree2, disagree2 FROM source_score_history
				WHERE source_id = ? AND at <= ? ORDER BY n DESC LIMIT 1`, id, formatTime(until)).
				Scan(&rec.Changes, &rec.Credit.AgreeHalves, &rec.Credit.DisagreeHalves)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			rec.Score = claimtrack.ScoreOf(rec.Credit)
			out[id] = rec
		}
		return nil
	})
	return out, err
}
