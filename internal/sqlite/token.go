package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// CreateAPIToken stores a new API token of the account under the hash of
// token, with a name; the caller shows token once.
func (db *DB) CreateAPIToken(ctx context.Context, userID int64, name, token string) (*claimtrack.APIToken, error) {
	name = strings.TrimSpace(name)
	if msg := claimtrack.CheckTokenName(name); msg != "" {
		return nil, &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"name": msg}}
	}
	t := &claimtrack.APIToken{UserID: userID, Name: name, Prefix: token[:min(len(token), 8)]}
	err := db.update(ctx, func(tx *Tx) error {
		t.CreatedAt = tx.now
		res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)`,
			userID, name, TokenHash(token), t.Prefix, formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("sqlite: create token: %w", err)
		}
		t.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

const tokenColumns = `t.id, t.user_id, t.name, t.prefix, t.created_at, t.last_used_at, t.revoked_at`

func scanToken(s interface{ Scan(...any) error }) (*claimtrack.APIToken, error) {
	var t claimtrack.APIToken
	var created, used, revoked string
	if err := s.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &created, &used, &revoked); err != nil {
		return nil, err
	}
	t.CreatedAt = parseTime(created)
	if used != "" {
		t.LastUsed = parseTime(used)
	}
	if revoked != "" {
		t.RevokedAt = parseTime(revoked)
	}
	return &t, nil
}

// FindAPITokens lists an account's tokens, newest first, revoked ones too.
func (db *DB) FindAPITokens(ctx context.Context, userID int64) ([]*claimtrack.APIToken, error) {
	rows, err := db.reading(ctx).QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t WHERE t.user_id = ? ORDER BY t.id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find tokens: %w", err)
	}
	defer rows.Close()
	var out []*claimtrack.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken stops one of the account's tokens from working (ENOTFOUND
// when the account has no such token). Revoking twice changes nothing.
func (db *DB) RevokeAPIToken(ctx context.Context, userID, tokenID int64) error {
	return db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = CASE revoked_at WHEN '' THEN ? ELSE revoked_at END
			WHERE id = ? AND user_id = ?`, formatTime(tx.now), tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return claimtrack.Errorf(claimtrack.ENOTFOUND, "No such token.")
		}
		return nil
	})
}

// FindUserByAPIToken returns the account a token belongs to, or ENOTFOUND
// when the token is unknown or revoked, or its account disabled. It records
// the token's use at most once a minute.
func (db *DB) FindUserByAPIToken(ctx context.Context, token string) (*claimtrack.User, error) {
	var id int64
	var used, revoked string
	u, err := scanUser(db.reading(ctx).QueryRowContext(ctx, `SELECT `+userColumns+`, t.id, t.last_used_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, TokenHash(token)), &id, &used, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, claimtrack.Errorf(claimtrack.ENOTFOUND, "No such token.")
	} else if err != nil {
		return nil, fmt.Errorf("sqlite: find token: %w", err)
	}
	if revoked != "" || u.Disabled {
		return nil, claimtrack.Errorf(claimtrack.ENOTFOUND, "The token was revoked or its account disabled.")
	}
	if now := db.Now().UTC(); used == "" || now.Sub(parseTime(used)) > time.Minute {
		err := db.update(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, formatTime(tx.now), id)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return u, nil
}
