package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// Follow makes a person follow a claim (target claimtrack.FollowClaim) or a
// source; following again changes nothing. ENOTFOUND for an unknown one.
func (db *DB) Follow(ctx context.Context, userID int64, target claimtrack.FollowTarget) error {
	return db.update(ctx, func(tx *Tx) error {
		if err := followTargetExists(ctx, tx, target); err != nil {
			return err
		}
		claim, source := target.Columns()
		_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO follows (user_id, claim_id, source_id, created_at) VALUES (?, ?, ?, ?)`,
			userID, nullID(claim), nullID(source), formatTime(tx.now))
		return err
	})
}

// Unfollow stops a person following a claim or a source.
func (db *DB) Unfollow(ctx context.Context, userID int64, target claimtrack.FollowTarget) error {
	return db.update(ctx, func(tx *Tx) error {
		claim, source := target.Columns()
		_, err := tx.ExecContext(ctx, `DELETE FROM follows WHERE user_id = ? AND claim_id IS ? AND source_id IS ?`,
			userID, nullID(claim), nullID(source))
		return err
	})
}

func followTargetExists(ctx context.Context, tx *Tx, target claimtrack.FollowTarget) error {
	var err error
	switch target.Kind {
	case claimtrack.FollowClaim:
		_, err = findClaimByID(ctx, tx, target.ID)
	case claimtrack.FollowSource:
		_, err = findSourceByID(ctx, tx, target.ID)
	default:
		err = claimtrack.Errorf(claimtrack.ENOTFOUND, "Only claims and sources can be followed.")
	}
	return err
}

// IsFollowing says whether a person follows a claim or a source.
func (db *DB) IsFollowing(ctx context.Context, userID int64, target claimtrack.FollowTarget) (bool, error) {
	claim, source := target.Columns()
	var yes bool
	err := db.readTx(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM follows WHERE user_id = ? AND claim_id IS ? AND source_id IS ?)`,
			userID, nullID(claim), nullID(source)).Scan(&yes)
	})
	return yes, err
}

// followedEvents selects the events about what user ?1 follows: its claims'
// histories and the changes naming its sources.
const followedEvents = `SELECT ` + eventColumns + ` FROM events WHERE id IN (
	SELECT e.id FROM follows f JOIN events e ON e.claim_id = f.claim_id WHERE f.user_id = ?1 AND f.claim_id IS NOT NULL
	UNION
	SELECT e.id FROM follows f JOIN events e ON e.source_id = f.source_id WHERE f.user_id = ?1 AND f.source_id IS NOT NULL)`

// FindFollowedChanges returns the limit newest changes to what a person
// follows made after the instant since (zero: all), newest first, each
// about a claim with the claim's text; and how many there are, up to max.
func (db *DB) FindFollowedChanges(ctx context.Context, userID int64, since time.Time, limit int) ([]*claimtrack.Event, error) {
	var out []*claimtrack.Event
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		out, err = queryEvents(ctx, tx, followedEvents+` AND at > ?2 ORDER BY id DESC LIMIT ?3`, userID, formatTime(since), limit)
		if err != nil {
			return err
		}
		return attachClaimTexts(ctx, tx, out)
	})
	return out, err
}

// DeskSeenAt returns when a person last opened the desk (zero: never).
func (db *DB) DeskSeenAt(ctx context.Context, userID int64) (time.Time, error) {
	var at string
	err := db.readTx(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT desk_seen_at FROM users WHERE id = ?`, userID).Scan(&at)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, claimtrack.Errorf(claimtrack.ENOTFOUND, "There is no such account.")
	}
	if err != nil || at == "" {
		return time.Time{}, err
	}
	return parseTime(at), nil
}

// SetDeskSeenAt records that a person opened the desk at the instant at.
func (db *DB) SetDeskSeenAt(ctx context.Context, userID int64, at time.Time) error {
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET desk_seen_at = ? WHERE id = ?`, formatTime(at), userID)
		return err
	})
}

// CreateFeedToken revokes a person's feed tokens and makes a new one, which
// it returns: the private feed's address holds it, and only its hash is kept.
func (db *DB) CreateFeedToken(ctx context.Context, userID int64) (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := "feed_" + base64.RawURLEncoding.EncodeToString(b)
	err := db.update(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE feed_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at = ''`,
			formatTime(tx.now), userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO feed_tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)`,
			userID, TokenHash(token), formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("sqlite: feed token: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeFeedTokens ends every feed token of a person.
func (db *DB) RevokeFeedTokens(ctx context.Context, userID int64) error {
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE feed_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at = ''`,
			formatTime(tx.now), userID)
		return err
	})
}

// HasFeedToken says whether a person has a feed token in force.
func (db *DB) HasFeedToken(ctx context.Context, userID int64) (bool, error) {
	var yes bool
	err := db.readTx(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM feed_tokens WHERE user_id = ? AND revoked_at = '')`, userID).Scan(&yes)
	})
	return yes, err
}

// FindUserByFeedToken returns the account a feed token in force belongs to;
// ENOTFOUND for a token unknown or revoked, or an account disabled.
func (db *DB) FindUserByFeedToken(ctx context.Context, token string) (*claimtrack.User, error) {
	var u *claimtrack.User
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM feed_tokens t JOIN users u ON u.id = t.user_id
			WHERE t.token_hash = ? AND t.revoked_at = '' AND NOT u.disabled`, TokenHash(token)))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, claimtrack.Errorf(claimtrack.ENOTFOUND, "There is no such feed.")
	}
	return u, err
}
