package sqlite

import (
	"context"
	"fmt"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/dump"
	"time"
)

// exportBatch is how many claims get their tags in one query.
const exportBatch = 500

// Export writes everything the tracker holds (reports, sources, questions,
// claims, evidence and the whole history, each in id order) to w, from one read
// transaction: a consistent picture however long it takes, while changes go
// on. progress, when set, is called now and then with the rows written so
// far and the total. Source records and search rows are derived data and are
// not exported; accounts are not data.
func (db *DB) Export(ctx context.Context, w dump.Writer, progress func(done, total int)) error {
	return db.readTx(ctx, func(tx *Tx) error {
		counts := map[dump.Table]int{}
		total := 0
		for _, t := range dump.Tables {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+string(t)).Scan(&n); err != nil {
				return fmt.Errorf("sqlite: export: %w", err)
			}
			counts[t], total = n, total+n
		}
		done := 0
		step := max(total/200, 1000)
		row := func(r any) error {
			if err := w.Row(r); err != nil {
				return err
			}
			done++
			if progress != nil && done%step == 0 {
				progress(done, total)
			}
			return ctx.Err()
		}
		each := func(t dump.Table, query string, scan func(rowScanner) (any, error)) error {
			if err := w.Begin(t, counts[t]); err != nil {
				return err
			}
			rows, err := tx.QueryContext(ctx, query)
			if err != nil {
				return fmt.Errorf("sqlite: export %s: %w", t, err)
			}
			defer rows.Close()
			for rows.Next() {
				r, err := scan(rows)
				if err != nil {
					return fmt.Errorf("sqlite: export %s: %w", t, err)
				}
				if err := row(r); err != nil {
					return err
				}
			}
			return rows.Err()
		}

		if err := each(dump.TableReports, `SELECT `+reportColumns+` FROM reports r ORDER BY r.id`, func(s rowScanner) (any, error) {
			r, err := scanReport(s)
			if err != nil {
				return nil, err
			}
			return dump.FromReport(r), nil
		}); err != nil {
			return err
		}
		if err := each(dump.TableSources, `SELECT `+sourceColumns+`, `+sourceAliasesText+` FROM sources s ORDER BY s.id`, func(s rowScanner) (any, error) {
			var aliases string
			src, err := scanSource(s, &aliases)
			if err != nil {
				return nil, err
			}
			src.Aliases = claimtrack.ParseAliases(aliases)
			return dump.FromSource(src), nil
		}); err != nil {
			return err
		}

		if err := each(dump.TableQuestions, `SELECT `+questionColumns+` FROM questions q ORDER BY q.id`, func(s rowScanner) (any, error) {
			q, err := scanQuestion(s)
			if err != nil {
				return nil, err
			}
			return dump.FromQuestion(q), nil
		}); err != nil {
			return err
		}

		if err := w.Begin(dump.TableClaims, counts[dump.TableClaims]); err != nil {
			return err
		}
		for after := int64(0); ; {
			batch, err := claimBatch(ctx, tx, `SELECT `+claimColumns+` FROM claims c WHERE c.id > ? ORDER BY c.id LIMIT ?`, after, exportBatch)
			if err != nil {
				return err
			}
			if len(batch) == 0 {
				break
			}
			if err := attachTags(ctx, tx, batch); err != nil {
				return fmt.Errorf("sqlite: export claims: %w", err)
			}
			for _, c := range batch {
				if err := row(dump.FromClaim(c)); err != nil {
					return err
				}
			}
			after = batch[len(batch)-1].ID
		}

		if err := each(dump.TableEvidence, `SELECT `+evidenceColumns+` FROM evidence e ORDER BY e.id`, func(s rowScanner) (any, error) {
			e, err := scanEvidence(s)
			if err != nil {
				return nil, err
			}
			return dump.FromEvidence(e), nil
		}); err != nil {
			return err
		}
		if err := each(dump.TableEvents, `SELECT `+eventColumns+` FROM events ORDER BY id`, func(s rowScanner) (any, error) {
			e, err := scanEvent(s)
			if err != nil {
				return nil, err
			}
			return dump.FromEvent(e), nil
		}); err != nil {
			return err
		}
		if progress != nil {
			progress(total, total)
		}
		return w.Close()
	})

}

// rowScanner is what the scan functions read from.
type rowScanner = interface{ Scan(...any) error }

// ExportClaims calls fn for every claim matching the filter (its offset and
// limit ignored), in the order of the claims list (newest first), each with
// its tags and main source.
//
// The claims are read in keyset pages of exportBatch, each page in a read
// transaction of its own that ends before fn sees its claims: an export of
// any size, to a reader of any speed, never holds a read transaction longer
// than one page takes to read, so WAL checkpoints go on meanwhile. What an
// export holds: every claim that existed when it began and matches the
// filter when its page is read, exactly once (the pages follow created_at,
// which never changes), each as it stood when its page was read. Claims
// added while it runs are newer than the rows already read and so are left
// out (except claims an import adds with older creation times, which may
// fall in the pages still to come). It is not one snapshot: two claims
// changed together may be seen one before and one after the change.
func (db *DB) ExportClaims(ctx context.Context, f claimtrack.ClaimFilter, fn func(*claimtrack.Claim) error) error {
	if f.Today == "" {
		f.Today = db.Now().UTC().Format(time.DateOnly)
	}
	where, args := claimWhere(f, true)
	// Keyset pages in the list's order: (created_at, id) descending.
	var lastAt string
	var lastID int64
	for first := true; ; first = false {
		q := `SELECT ` + claimColumns + ` FROM claims c` + where
		pageArgs := append([]any(nil), args...)
		if !first {
			if where == "" {
				q += ` WHERE`
			} else {
				q += ` AND`
			}
			// A row value, which SQLite seeks to in the index; the same
			// condition spelt with OR is planned as a scan from the newest
			// claim, which made each page slower than the one before.
			q += ` (c.created_at, c.id) < (?, ?)`
			pageArgs = append(pageArgs, lastAt, lastID)
		}
		q += ` ORDER BY c.created_at DESC, c.id DESC LIMIT ?`
		var batch []*claimtrack.Claim
		err := db.readTx(ctx, func(tx *Tx) error {
			var err error
			if batch, err = claimBatch(ctx, tx, q, append(pageArgs, exportBatch)...); err != nil || len(batch) == 0 {
				return err
			}
			if err := attachTags(ctx, tx, batch); err != nil {
				return err
			}
			if err := attachMainSources(ctx, tx, batch); err != nil {
				return err
			}
			return attachVerdicts(ctx, tx, batch)
		})

		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, c := range batch {
			if err := fn(c); err != nil {
				return err
			}
		}
		last := batch[len(batch)-1]
		lastAt, lastID = formatTime(last.CreatedAt), last.ID
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// attachVerdicts sets who set each claim's status and when: the actor and
// time of its latest status change, found from the end of its history.
func attachVerdicts(ctx context.Context, tx *Tx, claims []*claimtrack.Claim) error {
	if len(claims) == 0 {
		return nil
	}
	byID, in, args := indexClaims(claims)
	rows, err := tx.QueryContext(ctx, `SELECT claim_id, actor, at FROM events WHERE id IN (
		SELECT (SELECT id FROM events WHERE claim_id = c.id AND type = ? ORDER BY id DESC LIMIT 1)
		FROM claims c WHERE c.id IN (`+in+`))`, append([]any{claimtrack.EventStatusChanged}, args...)...)
	if err != nil {
		return fmt.Errorf("sqlite: export verdicts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var actor, at string
		if err := rows.Scan(&id, &actor, &at); err != nil {
			return fmt.Errorf("sqlite: export verdicts: %w", err)
		}
		if c := byID[id]; c != nil {
			c.VerdictBy, c.VerdictAt = actor, parseTime(at)
		}
	}
	return rows.Err()
}

// ExportSources calls fn for every source with its aliases, in id order, read in keyset
// pages of exportBatch, each in a short read transaction of its own that
// ends before fn sees its sources (as ExportClaims does).
func (db *DB) ExportSources(ctx context.Context, fn func(*claimtrack.Source) error) error {
	for after := int64(0); ; {
		var batch []*claimtrack.Source
		err := db.readTx(ctx, func(tx *Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources s WHERE s.id > ? ORDER BY s.id LIMIT ?`, after, exportBatch)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				src, err := scanSource(rows)
				if err != nil {
					return err
				}
				batch = append(batch, src)
			}
			if err := rows.Err(); err != nil {
				return err
			}
			return loadAliases(ctx, tx, batch)
		})
		if err != nil {
			return fmt.Errorf("sqlite: export sources: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		for _, src := range batch {
			if err := fn(src); err != nil {
				return err
			}
		}
		after = batch[len(batch)-1].ID
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// ExportEvidence calls fn for every link matching f, ordered by claim and
// then by id, read in keyset pages of exportBatch as ExportSources reads
// sources. Each page is a seek in an index: by claim (evidence_claim), or,
// for a source, one in the links it is the source of and one in those it is
// relayed by (evidence_source, evidence_via), merged.
func (db *DB) ExportEvidence(ctx context.Context, f claimtrack.EvidenceFilter, fn func(*claimtrack.Evidence) error) error {
	var q string
	var args []any
	switch {
	case f.ClaimID != 0:
		q, args = `SELECT `+evidenceColumns+` FROM evidence e WHERE e.claim_id = ?1 AND e.id > ?3
			ORDER BY e.claim_id, e.id LIMIT ?4`, []any{f.ClaimID}
	case f.SourceID != 0:
		q, args = `SELECT * FROM (SELECT `+evidenceColumns+` FROM evidence e
				WHERE e.source_id = ?1 AND (e.claim_id, e.id) > (?2, ?3) ORDER BY e.claim_id, e.id LIMIT ?4)
			UNION ALL
			SELECT * FROM (SELECT `+evidenceColumns+` FROM evidence e
				WHERE e.via_source_id = ?1 AND e.source_id <> ?1 AND (e.claim_id, e.id) > (?2, ?3) ORDER BY e.claim_id, e.id LIMIT ?4)
			ORDER BY 2, 1 LIMIT ?4`, []any{f.SourceID}
	default:
		q, args = `SELECT `+evidenceColumns+` FROM evidence e WHERE (e.claim_id, e.id) > (?2, ?3)
			ORDER BY e.claim_id, e.id LIMIT ?4`, []any{0}
	}
	var lastClaim, lastID int64
	for {
		var batch []*claimtrack.Evidence
		err := db.readTx(ctx, func(tx *Tx) error {
			rows, err := tx.QueryContext(ctx, q, append(args, lastClaim, lastID, exportBatch)...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				e, err := scanEvidence(rows)
				if err != nil {
					return err
				}
				batch = append(batch, e)
			}
			return rows.Err()
		})
		if err != nil {
			return fmt.Errorf("sqlite: export evidence: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		last := batch[len(batch)-1]
		lastClaim, lastID = last.ClaimID, last.ID
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// claimBatch reads the claims a query returns (claimColumns of c).
func claimBatch(ctx context.Context, tx *Tx, query string, args ...any) ([]*claimtrack.Claim, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: export claims: %w", err)
	}
	defer rows.Close()
	var batch []*claimtrack.Claim
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: export claims: %w", err)
		}
		batch = append(batch, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: export claims: %w", err)
	}
	return batch, nil
}
