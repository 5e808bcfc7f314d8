package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// AssignClaim assigns a claim to the editor named username (any case), or
// to nobody with "". Only an editor or admin whose account is on can be
// assigned. When it is a change, the claim moves to its next version (its
// API answers and pages show the assignee) and the change is recorded, and
// sent to the webhooks.
func (db *DB) AssignClaim(ctx context.Context, claimID int64, username, actor string) (*claimtrack.Claim, error) {
	username = strings.TrimSpace(username)
	var c *claimtrack.Claim
	err := db.update(ctx, func(tx *Tx) (err error) {
		if c, err = findClaimByID(ctx, tx, claimID); err != nil {
			return err
		}
		to := ""
		if username != "" {
			var role claimtrack.Role
			var disabled bool
			err := tx.QueryRowContext(ctx, `SELECT username, role, disabled FROM users WHERE username_key = ?`,
				strings.ToLower(username)).Scan(&to, &role, &disabled)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return assigneeError("There is no account named “" + username + "”.")
			case err != nil:
				return err
			case disabled:
				return assigneeError(to + "'s account is disabled.")
			case !role.CanEdit():
				return assigneeError(to + " is a viewer: only editors and admins can be assigned claims.")
			}
		}
		if to == c.Assignee {
			return nil
		}
		if err := bumpClaim(ctx, tx, c); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE claims SET assignee = ? WHERE id = ?`, to, claimID); err != nil {
			return err
		}
		from := c.Assignee
		c.Assignee = to
		return insertEvent(ctx, tx, &claimtrack.Event{Actor: actor, ClaimID: claimID, ClaimVersion: c.Version,
			Payload: claimtrack.ClaimAssigned{From: from, To: to}})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func assigneeError(msg string) error {
	return &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.",
		Fields: map[string]string{"assignee": msg}}
}
