package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// ClaimFreshness returns the freshness of a claim's page: it moves with the
// claim (any change to it, its evidence or its history moves its version),
// with any source it links (a source's revision moves when its name, role,
// aliases or record change: see migration 0021), and with the question it is
// an outcome of (the question itself and its other outcomes). A claim that
// does not exist is ENOTFOUND.
func (db *DB) ClaimFreshness(ctx context.Context, id int64) (claimtrack.Freshness, error) {
	var f claimtrack.Freshness
	err := db.readTx(ctx, func(tx *Tx) error {
		var version, question int64
		var updated string
		err := tx.QueryRowContext(ctx, `SELECT version, updated_at, coalesce(question_id, 0) FROM claims WHERE id = ?`, id).
			Scan(&version, &updated, &question)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Claim")
		} else if err != nil {
			return err
		}
		f, err = claimFreshness(ctx, tx, id, version, parseTime(updated), question)
		return err
	})
	return f, err
}

// FindClaimEvidenceFresh returns the evidence of a claim just read (in the
// same snapshot, see ReadSnapshot) for its page, as FindClaimEvidence does
// but never nil and with the sources' records as a whole only (without their
// parts by kind, which a claim page does not show), and the claim's
// freshness (see ClaimFreshness), which it takes from the sources it reads
// with the evidence: what a page to be made needs, in the reads it needs
// anyway.
func (db *DB) FindClaimEvidenceFresh(ctx context.Context, c *claimtrack.Claim) ([]*claimtrack.Evidence, claimtrack.Freshness, error) {
	var out []*claimtrack.Evidence
	var f claimtrack.Freshness
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		latest := latestRevision{rev: -1}
		if out, err = findClaimEvidence(ctx, tx, c.ID, &latest); err != nil {
			return err
		}
		f, err = freshnessOf(ctx, tx, c.ID, c.Version, c.UpdatedAt, c.QuestionID, latest)
		return err
	})
	if out == nil && err == nil {
		out = []*claimtrack.Evidence{}
	}
	return out, f, err
}

// claimFreshness is the freshness of claim id, of the given version, last
// updated at at, an outcome of question (0 for none).
func claimFreshness(ctx context.Context, tx *Tx, id, version int64, at time.Time, question int64) (claimtrack.Freshness, error) {
	// The revision of the source last changed among those the claim links,
	// directly or as a "via" (max picks the row the bare column comes from).
	var rev sql.NullInt64
	var changed sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT max(st.rev), st.changed_at FROM source_stats st
		WHERE st.source_id IN (SELECT source_id FROM evidence WHERE claim_id = ?1
			UNION ALL SELECT via_source_id FROM evidence WHERE claim_id = ?1 AND via_source_id IS NOT NULL)`, id).Scan(&rev, &changed)
	if err != nil {
		return claimtrack.Freshness{}, err
	}
	latest := latestRevision{rev: -1}
	if rev.Valid {
		latest = latestRevision{rev: rev.Int64, changed: changed.String}
	}
	return freshnessOf(ctx, tx, id, version, at, question, latest)
}

// freshnessOf is claimFreshness given the revision of the source last changed
// among those the claim links (a revision of -1: none has a record row).
// Revisions are unique (each is the largest so far plus one), so that source
// is the same whichever way it was found.
func freshnessOf(ctx context.Context, tx *Tx, id, version int64, at time.Time, question int64, latest latestRevision) (claimtrack.Freshness, error) {
	if latest.rev >= 0 {
		at = later(at, latest.changed)
	}
	key := "claim " + strconv.FormatInt(id, 10) + " v" + strconv.FormatInt(version, 10) + " s" + strconv.FormatInt(max(latest.rev, 0), 10)
	if question != 0 {
		var qv, outcomes int64
		var qUpdated, oUpdated string
		if err := tx.QueryRowContext(ctx, `SELECT q.version, q.updated_at,
			(SELECT count(*) FROM claims WHERE question_id = q.id),
			(SELECT coalesce(max(updated_at), '') FROM claims WHERE question_id = q.id)
			FROM questions q WHERE q.id = ?`, question).Scan(&qv, &qUpdated, &outcomes, &oUpdated); err != nil {
			return claimtrack.Freshness{}, err
		}
		at = later(later(at, qUpdated), oUpdated)
		key += " q" + strconv.FormatInt(question, 10) + "." + strconv.FormatInt(qv, 10) + "." +
			strconv.FormatInt(outcomes, 10) + "." + oUpdated
	}
	return claimtrack.Freshness{Key: key, At: at}, nil
}

// HistoryFreshness returns the freshness of everything at once: the newest
// event of the history, which every recorded change adds. The lists, the
// feeds and the pages of sources and reports use it.
func (db *DB) HistoryFreshness(ctx context.Context) (claimtrack.Freshness, error) {
	var f claimtrack.Freshness
	err := db.readTx(ctx, func(tx *Tx) error {
		var id int64
		var at string
		err := tx.QueryRowContext(ctx, `SELECT id, at FROM events ORDER BY id DESC LIMIT 1`).Scan(&id, &at)
		if errors.Is(err, sql.ErrNoRows) {
			f = claimtrack.Freshness{Key: "events 0"}
			return nil
		} else if err != nil {
			return err
		}
		f = claimtrack.Freshness{Key: "events " + strconv.FormatInt(id, 10), At: parseTime(at)}
		return nil
	})
	return f, err
}

// later returns the later of t and the stored time s ("" is none).
func later(t time.Time, s string) time.Time {
	if s == "" {
		return t
	}
	if u := parseTime(s); u.After(t) {
		return u
	}
	return t
}
