package sqlite

import (
	"context"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// deskSections are the desk's lists of claims: each a condition on claims c
// (with its arguments) and an order that an index gives, so that a section
// costs its rows, and its count at most DeskCountMax index entries.
func deskSections(d *claimtrack.Desk, username string) []struct {
	into  *claimtrack.DeskSection
	from  string
	where string
	args  []any
	order string
} {
	open := `c.status IN ('unverified', 'disputed')`
	forecast := `c.kind = 'forecast' AND c.due_date <> '' AND ` + open
	soon := claimtrack.AddDays(d.Today, claimtrack.DueSoonDays)
	// Without statistics SQLite would take the status index for the
	// forecasts and sort them; the open forecasts' own index is in due order.
	const byDue = `claims c INDEXED BY claims_due`
	return []struct {
		into  *claimtrack.DeskSection
		from  string
		where string
		args  []any
		order string
	}{
		{&d.Overdue, byDue, forecast + ` AND c.due_date < ?`, []any{d.Today}, `c.due_date, c.id`},
		{&d.DueSoon, byDue, forecast + ` AND c.due_date >= ? AND c.due_date <= ?`, []any{d.Today, soon}, `c.due_date, c.id`},
		{&d.Unverified, `claims c`, `c.status = 'unverified'`, nil, `c.created_at, c.id`},
		{&d.ReReview, `claims c`, `c.new_evidence_at <> ''`, nil, `c.new_evidence_at, c.id`},
		{&d.Assigned, `claims c`, `c.assignee = ? AND c.assignee <> '' AND (` + open + ` OR c.new_evidence_at <> '')`, []any{username},
			`c.created_at, c.id`},
	}
}

// deskSQL is a desk section's list (its first rows, in order) and its
// count, both ending with a limit.
func deskSQL(from, where, order string) (list, count string) {
	return `SELECT ` + claimColumns + ` FROM ` + from + ` WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ?`,
		`SELECT count(*) FROM (SELECT 1 FROM ` + from + ` WHERE ` + where + ` LIMIT ?)`
}

// FindDesk returns what needs checking now for the person with the given
// account (username for what is assigned to them), in one read: every
// section's first DeskRows rows and its count, and the changes to what they
// follow since they last opened the desk.
func (db *DB) FindDesk(ctx context.Context, userID int64, username string) (*claimtrack.Desk, error) {
	d := &claimtrack.Desk{Today: db.Now().UTC().Format(time.DateOnly)}
	err := db.readTx(ctx, func(tx *Tx) error {
		for _, s := range deskSections(d, username) {
			list, count := deskSQL(s.from, s.where, s.order)
			if err := tx.QueryRowContext(ctx, count, append(s.args, claimtrack.DeskCountMax+1)...).Scan(&s.into.Total); err != nil {
				return err
			}
			if s.into.Total > claimtrack.DeskCountMax {
				s.into.Total, s.into.Capped = claimtrack.DeskCountMax, true
			}
			claims, err := claimBatch(ctx, tx, list, append(s.args, claimtrack.DeskRows)...)
			if err != nil {
				return err
			}
			if err := attachListing(ctx, tx, claims); err != nil {
				return err
			}
			s.into.Claims = claims
		}
		var seen string
		if err := tx.QueryRowContext(ctx, `SELECT desk_seen_at FROM users WHERE id = ?`, userID).Scan(&seen); err != nil {
			return err
		}
		if seen != "" {
			d.Since = parseTime(seen)
		}
		since := formatTime(d.Since)
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (`+followedEvents+` AND at > ?2 LIMIT ?3)`, userID, since,
			claimtrack.DeskCountMax).Scan(&d.FollowedN); err != nil {
			return err
		}
		var err error
		if d.Followed, err = queryEvents(ctx, tx, followedEvents+` AND at > ?2 ORDER BY id DESC LIMIT ?3`, userID, since,
			claimtrack.DeskRows); err != nil {
			return err
		}
		return attachClaimTexts(ctx, tx, d.Followed)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// FindOpenForecasts returns up to limit open forecasts with a due date that
// match f (its Due is set to DueAny), the soonest due first: the calendar's
// events.
func (db *DB) FindOpenForecasts(ctx context.Context, f claimtrack.ClaimFilter, limit int) ([]*claimtrack.Claim, error) {
	f.Due, f.Status = claimtrack.DueAny, ""
	var out []*claimtrack.Claim
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		where, args := claimWhere(f, true)
		out, err = claimBatch(ctx, tx, `SELECT `+claimColumns+` FROM claims c`+where+` ORDER BY c.due_date, c.id LIMIT ?`,
			append(args, limit)...)
		return err
	})
	return out, err
}

// DeskAttention counts what the header shows a signed-in person: the
// overdue forecasts plus the open claims assigned to them (the desk's two
// sections, counted the same way, each up to DeskCountMax).
func (db *DB) DeskAttention(ctx context.Context, username string) (int, error) {
	d := &claimtrack.Desk{Today: db.Now().UTC().Format(time.DateOnly)}
	total := 0
	err := db.readTx(ctx, func(tx *Tx) error {
		for _, s := range deskSections(d, username) {
			if s.into != &d.Overdue && s.into != &d.Assigned {
				continue
			}
			var n int
			_, count := deskSQL(s.from, s.where, s.order)
			if err := tx.QueryRowContext(ctx, count, append(s.args, claimtrack.DeskCountMax)...).Scan(&n); err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	return total, err
}
