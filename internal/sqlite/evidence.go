package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// AddEvidence links a source to a claim. The source is SourceID, or the source
// named SourceName (ignoring case), which is created with kind SourceKind when no
// source has that name. The claim moves to its next version; the source (when
// new), the link and their events are written in one transaction. Problems with
// the sources are reported together with the other field errors, so a person
// fixes the form once.
func (db *DB) AddEvidence(ctx context.Context, claimID int64, in claimtrack.EvidenceInput, actor string) (*claimtrack.Evidence, error) {
	in.Normalize()
	verr := in.Validate()
	if verr != nil && claimtrack.ErrorCode(verr) != claimtrack.EINVALID {
		return nil, verr
	}
	var e *claimtrack.Evidence
	err := db.update(ctx, func(tx *Tx) error {
		c, err := findClaimByID(ctx, tx, claimID)
		if err != nil {
			return err
		}
		if in.Version > 0 && c.Version != in.Version {
			return claimtrack.Errorf(claimtrack.ECONFLICT, "The claim has changed since version %d: it is at version %d now.", in.Version, c.Version)
		}
		fields := map[string]string{}
		for k, v := range claimtrack.FieldErrors(verr) {
			fields[k] = v
		}
		src, via, err := linkSources(ctx, tx, in, fields, actor)
		if err != nil {
			return err
		}
		if err := bumpClaim(ctx, tx, c); err != nil {
			return err
		}
		e, err = insertEvidence(ctx, tx, c, src, via, in, actor)
		return err
	})
	return e, err
}

// RemoveEvidence takes a link off a claim, with the reason, if the claim is
// still at the version the editor saw (ECONFLICT otherwise). The link's
// details stay in the history; the claim's version, search row and the
// records of the sources involved move in the same transaction.
func (db *DB) RemoveEvidence(ctx context.Context, claimID, evidenceID int64, r claimtrack.EvidenceRemoval, actor string) (*claimtrack.Claim, error) {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var c *claimtrack.Claim
	err := db.update(ctx, func(tx *Tx) (err error) {
		if c, err = claimAtVersion(ctx, tx, claimID, r.Version); err != nil {
			return err
		}
		e, err := findLink(ctx, tx, claimID, evidenceID)
		if err != nil {
			return err
		}
		if err := bumpClaim(ctx, tx, c); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM evidence WHERE id = ?`, e.ID); err != nil {
			return err
		}
		if err := reindexClaim(ctx, tx, claimID); err != nil {
			return err
		}
		ev := &claimtrack.Event{Actor: actor, ClaimID: claimID, ClaimVersion: c.Version, SourceID: e.SourceID, EvidenceID: e.ID,
			Payload: claimtrack.EvidenceRemoved{Link: claimtrack.LinkValuesOf(e)}, Note: r.Note}
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		return creditRemovedEvidence(ctx, tx, e, c, ev)
	})
	if err != nil {
		if claimtrack.ErrorCode(err) == claimtrack.ECONFLICT {
			return c, err
		}
		return nil, err
	}
	return c, nil
}

// EditEvidence corrects a link of a claim (its source, stance, quote, link,
// date, via and note) if the claim is still at the version the editor saw,
// in.Version (ECONFLICT otherwise). The source is found as AddEvidence finds
// it, a new name creating a source. An edit that changes nothing writes
// nothing and returns the link as it is. Otherwise the link keeps its id and
// creation time, the claim moves to its next version, and its search row,
// one "evidence edited" event holding the fields that changed, and the
// records of the sources involved follow in the same transaction.
func (db *DB) EditEvidence(ctx context.Context, claimID, evidenceID int64, in claimtrack.EvidenceInput, actor string) (*claimtrack.Evidence, error) {
	in.Normalize()
	verr := in.Validate()
	if verr != nil && claimtrack.ErrorCode(verr) != claimtrack.EINVALID {
		return nil, verr
	}
	var e *claimtrack.Evidence
	err := db.update(ctx, func(tx *Tx) error {
		fields := map[string]string{}
		for k, v := range claimtrack.FieldErrors(verr) {
			fields[k] = v
		}
		if in.Version < 1 {
			addField(fields, "version", "The form is missing the claim's version; reload the page and try again.")
			return &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.", Fields: fields}
		}
		c, err := claimAtVersion(ctx, tx, claimID, in.Version)
		if err != nil {
			return err
		}
		old, err := findLink(ctx, tx, claimID, evidenceID)
		if err != nil {
			return err
		}
		src, via, err := linkSources(ctx, tx, in, fields, actor)
		if err != nil {
			return err
		}
		e = &claimtrack.Evidence{ID: old.ID, ClaimID: claimID, SourceID: src.ID, Stance: in.Stance, Quote: in.Quote, URL: in.URL,
			PublishedAt: in.PublishedAt, Note: in.Note, CreatedAt: old.CreatedAt, Source: src, Via: via}
		if via != nil {
			e.ViaSourceID = via.ID
		}
		if e.Same(old) {
			e = old
			return nil
		}
		if err := bumpClaim(ctx, tx, c); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE evidence SET source_id = ?, stance = ?, quote = ?, url = ?, published_at = ?,
			via_source_id = ?, note = ? WHERE id = ?`,
			e.SourceID, e.Stance, e.Quote, e.URL, e.PublishedAt, nullID(e.ViaSourceID), e.Note, e.ID); err != nil {
			return err
		}
		if err := reindexClaim(ctx, tx, claimID); err != nil {
			return err
		}
		if err := markNewEvidence(ctx, tx, c); err != nil {
			return err
		}
		ev := evidenceEditedEvent(actor, c, old, e)
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		return creditEditedEvidence(ctx, tx, old, e, c, ev)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// findLink reads one link of a claim with its sources, or ENOTFOUND.
func findLink(ctx context.Context, tx *Tx, claimID, evidenceID int64) (*claimtrack.Evidence, error) {
	e, err := scanEvidence(tx.QueryRowContext(ctx, `SELECT `+evidenceColumns+` FROM evidence e WHERE e.id = ? AND e.claim_id = ?`,
		evidenceID, claimID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, claimtrack.Errorf(claimtrack.ENOTFOUND, "This claim has no such evidence (any more).")
	} else if err != nil {
		return nil, err
	}
	return e, attachEvidenceSources(ctx, tx, []*claimtrack.Evidence{e})
}

// evidenceEditedEvent is the event of an edit of a link from old to new
// (claim c at its new version): the fields that changed, under the keys an
// "evidence added" event uses. A changed source (or via) is recorded by name
// and id on both sides; a via taken away is empty after.
func evidenceEditedEvent(actor string, c *claimtrack.Claim, old, new *claimtrack.Evidence) *claimtrack.Event {
	return &claimtrack.Event{Actor: actor, ClaimID: c.ID, ClaimVersion: c.Version, SourceID: new.SourceID, EvidenceID: new.ID,
		Payload: claimtrack.EvidenceEdit(claimtrack.LinkValuesOf(old), claimtrack.LinkValuesOf(new))}
}

// linkSources finds the source and the via a link names, with the problems
// found so far in fields: when any, EINVALID with all of them and nothing
// written; else the source, created when its name is new.
func linkSources(ctx context.Context, tx *Tx, in claimtrack.EvidenceInput, fields map[string]string, actor string) (src, via *claimtrack.Source, err error) {
	if src, err = lookupEvidenceSource(ctx, tx, in, fields); err != nil {
		return nil, nil, err
	}
	if in.ViaSourceID > 0 {
		if via, err = findSourceByID(ctx, tx, in.ViaSourceID); claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND {
			addField(fields, "via_source_id", "That source does not exist any more; choose another.")
		} else if err != nil {
			return nil, nil, err
		} else if src != nil && via.ID == src.ID {
			addField(fields, "via_source_id", "A source cannot relay itself; leave “via” empty.")
		}
	}
	if len(fields) > 0 {
		return nil, nil, &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.", Fields: fields}
	}
	if src == nil {
		if src, err = createSource(ctx, tx, claimtrack.SourceInput{Name: in.SourceName, Kind: in.SourceKind}, actor); err != nil {
			return nil, nil, err
		}
	}
	return src, via, nil
}

func addField(fields map[string]string, field, msg string) {
	if _, ok := fields[field]; !ok {
		fields[field] = msg
	}
}

// lookupEvidenceSource finds the source a link names. It returns nil when the
// name is new and may be created, and records any problem in fields.
func lookupEvidenceSource(ctx context.Context, tx *Tx, in claimtrack.EvidenceInput, fields map[string]string) (*claimtrack.Source, error) {
	switch {
	case in.SourceID > 0:
		s, err := findSourceByID(ctx, tx, in.SourceID)
		if claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND {
			addField(fields, "source_id", "That source does not exist any more; choose another.")
			return nil, nil
		}
		return s, err
	case in.SourceID == 0 && in.SourceName != "":
		s, err := findSourceByName(ctx, tx, in.SourceName)
		if err != nil || s != nil {
			return s, err
		}
		if in.SourceKind == "" {
			addField(fields, "source_kind", "“"+in.SourceName+"” is a new source: say what kind of source it is.")
		}
	}
	return nil, nil
}

// insertEvidence writes the link and its event; the claim must already carry
// its new version.
func insertEvidence(ctx context.Context, tx *Tx, c *claimtrack.Claim, src, via *claimtrack.Source, in claimtrack.EvidenceInput, actor string) (*claimtrack.Evidence, error) {
	e := &claimtrack.Evidence{ClaimID: c.ID, SourceID: src.ID, Stance: in.Stance, Quote: in.Quote, URL: in.URL,
		PublishedAt: in.PublishedAt, Note: in.Note, CreatedAt: tx.now, Source: src, Via: via}
	if via != nil {
		e.ViaSourceID = via.ID
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO evidence (claim_id, source_id, stance, quote, url, published_at, via_source_id, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ClaimID, e.SourceID, e.Stance, e.Quote, e.URL, e.PublishedAt, nullID(e.ViaSourceID), e.Note, formatTime(tx.now))
	if err != nil {
		return nil, err
	}
	if err := markNewEvidence(ctx, tx, c); err != nil {
		return nil, err
	}
	if e.ID, err = res.LastInsertId(); err != nil {
		return nil, err
	}
	if err := reindexClaim(ctx, tx, c.ID); err != nil {
		return nil, err
	}
	ev := &claimtrack.Event{
		Actor: actor, ClaimID: c.ID, ClaimVersion: c.Version, SourceID: src.ID, EvidenceID: e.ID,
		Payload: claimtrack.EvidenceAdded{Link: claimtrack.LinkValuesOf(e)}, Note: in.Note,
	}
	if err := insertEvent(ctx, tx, ev); err != nil {
		return nil, err
	}
	return e, creditNewEvidence(ctx, tx, e, c, ev)
}

const evidenceColumns = `e.id, e.claim_id, e.source_id, e.stance, e.quote, e.url, e.published_at,
	coalesce(e.via_source_id, 0), e.note, e.created_at`

func scanEvidence(s interface{ Scan(...any) error }, extra ...any) (*claimtrack.Evidence, error) {
	var e claimtrack.Evidence
	var created string
	dest := append([]any{&e.ID, &e.ClaimID, &e.SourceID, &e.Stance, &e.Quote, &e.URL, &e.PublishedAt,
		&e.ViaSourceID, &e.Note, &created}, extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	e.CreatedAt = parseTime(created)
	return &e, nil
}

// FindClaimEvidence returns a claim's evidence, oldest first, with sources filled.
func (db *DB) FindClaimEvidence(ctx context.Context, claimID int64) ([]*claimtrack.Evidence, error) {
	var out []*claimtrack.Evidence
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		out, err = findClaimEvidence(ctx, tx, claimID, nil)
		return err
	})
	return out, err
}

// latestRevision follows, over the sources read, the revision of the one
// changed last (see ClaimFreshness) and when that was.
type latestRevision struct {
	rev     int64 // -1: no source with a record read
	changed string
}

// note takes in a source's revision and change time as read with
// revisionColumns (a revision of -1: the source has no record row).
func (l *latestRevision) note(rev int64, changed string) {
	if l != nil && rev >= 0 && rev > l.rev {
		l.rev, l.changed = rev, changed
	}
}

// revisionColumns are what latestRevision.note takes, from source_stats st.
const revisionColumns = `coalesce(st.rev, -1), coalesce(st.changed_at, '')`

// findClaimEvidence reads a claim's evidence, oldest first, with sources
// filled. For a page (latest not nil) it reads the sources' records as a
// whole only, without their parts by kind (statements, forecasts), which a
// claim page does not show, and of each "via" source only its name (all the
// page shows of it), in the same query; and it notes the revision of every
// source it reads, "via" sources too.
func findClaimEvidence(ctx context.Context, tx *Tx, claimID int64, latest *latestRevision) ([]*claimtrack.Evidence, error) {
	query := `SELECT ` + evidenceColumns + `, ` + sourceColumns + `, ` + recordColumnsOrEmpty + `
		FROM evidence e JOIN sources s ON s.id = e.source_id LEFT JOIN source_stats st ON st.source_id = s.id
		WHERE e.claim_id = ? ORDER BY e.id`
	if latest != nil {
		query = pageEvidenceQuery
	}
	rows, err := tx.QueryContext(ctx, query, claimID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out, vias []*claimtrack.Evidence
	for rows.Next() {
		src, dest, done := sourceDest()
		rec := &claimtrack.SourceRecord{}
		var rev, viaRev int64
		var changed, viaName, viaChanged string
		dest = append(dest, recordDestFor(rec, latest)...)
		if latest != nil {
			dest = append(dest, &rev, &changed, &viaName, &viaRev, &viaChanged)
		}
		e, err := scanEvidence(rows, dest...)
		if err != nil {
			return nil, err
		}
		done()
		latest.note(rev, changed)
		src.Record, e.Source = rec, src
		out = append(out, e)
		switch {
		case e.ViaSourceID == 0:
		case latest != nil:
			e.Via = &claimtrack.Source{ID: e.ViaSourceID, Name: viaName}
			latest.note(viaRev, viaChanged)
		default:
			vias = append(vias, e)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, attachEvidenceSources(ctx, tx, vias)
}

// pageEvidenceQuery is findClaimEvidence's query for a page: the records as
// a whole only, and each "via" source's name and revision.
const pageEvidenceQuery = `SELECT ` + evidenceColumns + `, ` + sourceColumns + `, ` + recordOverallOrEmpty + `, ` + revisionColumns + `,
		coalesce(v.name, ''), coalesce(vst.rev, -1), coalesce(vst.changed_at, '')
		FROM evidence e JOIN sources s ON s.id = e.source_id LEFT JOIN source_stats st ON st.source_id = s.id
		LEFT JOIN sources v ON v.id = e.via_source_id LEFT JOIN source_stats vst ON vst.source_id = e.via_source_id
		WHERE e.claim_id = ? ORDER BY e.id`

// recordDestFor is where the record columns go: the whole records, or for
// a page (latest not nil: see findClaimEvidence) the records as a whole only.
func recordDestFor(r *claimtrack.SourceRecord, latest *latestRevision) []any {
	if latest != nil {
		return recordOverallDest(r)
	}
	return recordDest(r)
}

// attachEvidenceSources fills Source and Via of each link with one query.
func attachEvidenceSources(ctx context.Context, tx *Tx, links []*claimtrack.Evidence) error {
	var ids []int64
	for _, e := range links {
		ids = append(ids, e.SourceID)
		if e.ViaSourceID != 0 {
			ids = append(ids, e.ViaSourceID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	in, args := inClause(ids)
	// Each source comes with its track record, for the score badges.
	rows, err := tx.QueryContext(ctx, `SELECT `+sourceColumns+`, `+recordColumnsOrEmpty+`
		FROM sources s LEFT JOIN source_stats st ON st.source_id = s.id WHERE s.id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	byID := map[int64]*claimtrack.Source{}
	for rows.Next() {
		rec := &claimtrack.SourceRecord{}
		s, err := scanSource(rows, recordDest(rec)...)
		if err != nil {
			return err
		}
		s.Record = rec
		byID[s.ID] = s
	}
	for _, e := range links {
		e.Source = byID[e.SourceID]
		if e.ViaSourceID != 0 {
			e.Via = byID[e.ViaSourceID]
		}
	}
	return rows.Err()
}

// FindSourceClaims returns the limit newest claims a source is linked to,
// directly or as a "via", with the link. Both sides are read newest first
// from their indexes, so a source with tens of thousands of links costs no
// more than a new one.
func (db *DB) FindSourceClaims(ctx context.Context, sourceID int64, limit int) ([]*claimtrack.SourceClaim, error) {
	var out []*claimtrack.SourceClaim
	err := db.readTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT `+evidenceColumns+`, `+claimColumns+`
			FROM evidence e JOIN claims c ON c.id = e.claim_id
			WHERE e.id IN (
				SELECT id FROM (SELECT id FROM evidence WHERE source_id = ?1 ORDER BY claim_id DESC LIMIT ?2)
				UNION ALL
				SELECT id FROM (SELECT id FROM evidence WHERE via_source_id = ?1 ORDER BY claim_id DESC LIMIT ?2))
			ORDER BY e.claim_id DESC, e.id DESC LIMIT ?2`, sourceID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		var links []*claimtrack.Evidence
		for rows.Next() {
			var c claimtrack.Claim
			var created, updated string
			e, err := scanEvidence(rows, &c.ID, &c.Text, &c.Context, &c.Kind, &c.DueDate, &c.Status, &c.VerdictNote,
				&c.ReportID, &c.Version, &created, &updated, &c.Assignee, &c.QuestionID)
			if err != nil {
				return err
			}
			c.CreatedAt, c.UpdatedAt = parseTime(created), parseTime(updated)
			links = append(links, e)
			out = append(out, &claimtrack.SourceClaim{Claim: &c, Evidence: e, Relayed: e.SourceID != sourceID})
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return attachEvidenceSources(ctx, tx, links)
	})

	return out, err
}

// markNewEvidence notes that claim c got new or corrected evidence: when it
// has a verdict, it is to be reviewed again (from the first such change
// since the verdict).
func markNewEvidence(ctx context.Context, tx *Tx, c *claimtrack.Claim) error {
	if !c.Status.Resolved() {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE claims SET new_evidence_at = ? WHERE id = ? AND new_evidence_at = ''`, formatTime(tx.now), c.ID)
	return err
}
