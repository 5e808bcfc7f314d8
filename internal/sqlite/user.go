package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// Session lifetimes: a session ends after a week without use, and a month
// after sign-in whatever happens.
const (
	SessionIdle     = 7 * 24 * time.Hour
	SessionAbsolute = 30 * 24 * time.Hour
)

const userColumns = `u.id, u.username, u.role, u.disabled, u.created_at`

func scanUser(s interface{ Scan(...any) error }, extra ...any) (*claimtrack.User, error) {
	var u claimtrack.User
	var created string
	if err := s.Scan(append([]any{&u.ID, &u.Username, &u.Role, &u.Disabled, &created}, extra...)...); err != nil {
		return nil, err
	}
	u.CreatedAt = parseTime(created)
	return &u, nil
}

// CountUsers returns how many accounts exist.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.writer.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// CreateUser stores a new account with an already hashed password and records
// it in the history. A taken username (ignoring case) is EINVALID on the
// username field. With onlyFirst set it refuses (ECONFLICT) when any account
// exists already, in the same transaction: the first-run setup cannot be
// replayed.
func (db *DB) CreateUser(ctx context.Context, in claimtrack.NewUser, hash, actor string, onlyFirst bool) (*claimtrack.User, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var u *claimtrack.User
	err := db.update(ctx, func(tx *Tx) error {
		if onlyFirst {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return claimtrack.Errorf(claimtrack.ECONFLICT, "An account exists already: sign in instead.")
			}
		}
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE username_key = ?`, claimtrack.UsernameKey(in.Username)).
			Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.",
				Fields: map[string]string{"username": "This username is taken."}}
		}
		now := formatTime(tx.now)
		res, err := tx.ExecContext(ctx, `INSERT INTO users (username, username_key, role, password_hash, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, in.Username, claimtrack.UsernameKey(in.Username), in.Role, hash, now, now)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		u = &claimtrack.User{ID: id, Username: in.Username, Role: in.Role, CreatedAt: tx.now}
		if actor == "" {
			actor = in.Username // the first account creates itself
		}
		return insertEvent(ctx, tx, &claimtrack.Event{Actor: actor,
			Payload: claimtrack.UserCreated{Username: in.Username, Role: in.Role}})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// FindUserByUsername returns an account and its password hash; ENOTFOUND
// when there is none.
func (db *DB) FindUserByUsername(ctx context.Context, username string) (*claimtrack.User, string, error) {
	var hash string
	u, err := scanUser(db.reading(ctx).QueryRowContext(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.username_key = ?`,
		claimtrack.UsernameKey(strings.TrimSpace(username))), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", claimtrack.Errorf(claimtrack.ENOTFOUND, "No such account.")
	}
	return u, hash, err
}

// FindUsers lists every account by name. Inside ReadSnapshot it reads in the
// snapshot's transaction: a claim page lists the accounts it may be assigned
// to, and taking a second connection from the reader pool there would, with
// every connection held by such a page, wait forever.
func (db *DB) FindUsers(ctx context.Context) ([]*claimtrack.User, error) {
	var out []*claimtrack.User
	err := db.readTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.username_key`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				return err
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	return out, err
}

// SetPassword replaces an account's password hash, ends its sessions (a new
// password signs out every device), revokes its API tokens and records the
// change, in one transaction.
func (db *DB) SetPassword(ctx context.Context, userID int64, hash, actor string) error {
	return db.update(ctx, func(tx *Tx) error {
		u, err := lockUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, formatTime(tx.now), userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		// A token made with the old password must not outlive it.
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at = ''`,
			formatTime(tx.now), userID); err != nil {
			return err
		}
		return insertEvent(ctx, tx, &claimtrack.Event{Actor: actor, Payload: claimtrack.PasswordChanged{Username: u.Username}})
	})
}

// errLastAdmin refuses a change that would leave no active admin.
func errLastAdmin(what string) error {
	return claimtrack.Errorf(claimtrack.ECONFLICT,
		"%s would leave the tracker without an active admin: make another account an admin first.", what)
}

// otherActiveAdmins counts the active admins other than the account id, in
// the write transaction that is about to change it: the check and the
// change are one, so two admins demoting or disabling each other at the
// same moment cannot both succeed.
func otherActiveAdmins(ctx context.Context, tx *Tx, id int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?`, id).Scan(&n)
	return n, err
}

// checkActorAdmin refuses (EUNAUTHORIZED) a change to accounts asked for by
// an account that is no longer an active admin, in the transaction that
// makes it: an admin demoted a moment ago, whose request was let in before,
// changes nothing. An actor that names no account (the command line) is
// not checked.
func checkActorAdmin(ctx context.Context, tx *Tx, actor string) error {
	var role claimtrack.Role
	var disabled bool
	err := tx.QueryRowContext(ctx, `SELECT role, disabled FROM users WHERE username_key = ?`, claimtrack.UsernameKey(actor)).Scan(&role, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	if role != claimtrack.RoleAdmin || disabled {
		return claimtrack.Errorf(claimtrack.EUNAUTHORIZED, "Your account is no longer an active admin, so it cannot change accounts.")
	}
	return nil
}

// SetRole changes an account's role and records the change. Taking the
// admin role from the last active admin is ECONFLICT; a change asked for by
// an account that is no longer an active admin is EUNAUTHORIZED.
func (db *DB) SetRole(ctx context.Context, userID int64, role claimtrack.Role, actor string) error {
	if !role.Valid() {
		return &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"role": "Choose a role: viewer, editor or admin."}}
	}
	return db.update(ctx, func(tx *Tx) error {
		u, err := lockUser(ctx, tx, userID)
		if err != nil || u.Role == role {
			return err
		}
		if err := checkActorAdmin(ctx, tx, actor); err != nil {
			return err
		}
		if u.Role == claimtrack.RoleAdmin && !u.Disabled {
			if n, err := otherActiveAdmins(ctx, tx, userID); err != nil {
				return err
			} else if n == 0 {
				return errLastAdmin("Taking the admin role from " + u.Username)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, updated_at = ? WHERE id = ?`, role, formatTime(tx.now), userID); err != nil {
			return err
		}
		return insertEvent(ctx, tx, &claimtrack.Event{Actor: actor,
			Payload: claimtrack.UserRoleChanged{Username: u.Username, From: u.Role, To: role}})
	})
}

// SetDisabled disables or enables an account; disabling ends its sessions at
// once, in the same transaction. Disabling the last active admin is
// ECONFLICT; a change asked for by an account that is no longer an active
// admin is EUNAUTHORIZED.
func (db *DB) SetDisabled(ctx context.Context, userID int64, disabled bool, actor string) error {
	return db.update(ctx, func(tx *Tx) error {
		u, err := lockUser(ctx, tx, userID)
		if err != nil || u.Disabled == disabled {
			return err
		}
		if err := checkActorAdmin(ctx, tx, actor); err != nil {
			return err
		}
		if disabled && u.Role == claimtrack.RoleAdmin {
			if n, err := otherActiveAdmins(ctx, tx, userID); err != nil {
				return err
			} else if n == 0 {
				return errLastAdmin("Disabling " + u.Username)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?`, disabled, formatTime(tx.now), userID); err != nil {
			return err
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
				return err
			}
		}
		var p claimtrack.Payload = claimtrack.UserEnabled{Username: u.Username}
		if disabled {
			p = claimtrack.UserDisabled{Username: u.Username}
		}
		return insertEvent(ctx, tx, &claimtrack.Event{Actor: actor, Payload: p})
	})
}

func lockUser(ctx context.Context, tx *Tx, id int64) (*claimtrack.User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, claimtrack.Errorf(claimtrack.ENOTFOUND, "No such account.")
	}
	return u, err
}

// TokenHash is how a session token is stored.
func TokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSession stores a new session for an account under the hash of token.
func (db *DB) CreateSession(ctx context.Context, userID int64, token string) error {
	return db.update(ctx, func(tx *Tx) error {
		now := formatTime(tx.now)
		// Sessions past their absolute lifetime are cleared on the way.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE created_at < ?`, formatTime(tx.now.Add(-SessionAbsolute))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)`,
			TokenHash(token), userID, now, now)
		return err
	})
}

// FindSession returns the account a session token belongs to, or ENOTFOUND
// when the token is unknown, expired (idle or absolute) or its account is
// disabled. It also reports whether the session's last use is old enough to
// be worth recording again (see TouchSession).
func (db *DB) FindSession(ctx context.Context, token string) (*claimtrack.User, bool, error) {
	var created, seen string
	u, err := scanUser(db.reading(ctx).QueryRowContext(ctx, `SELECT `+userColumns+`, s.created_at, s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, TokenHash(token)), &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, claimtrack.Errorf(claimtrack.ENOTFOUND, "No such session.")
	} else if err != nil {
		return nil, false, fmt.Errorf("sqlite: find session: %w", err)
	}
	now := db.Now().UTC()
	lastSeen := parseTime(seen)
	if u.Disabled || now.Sub(parseTime(created)) > SessionAbsolute || now.Sub(lastSeen) > SessionIdle {
		return nil, false, claimtrack.Errorf(claimtrack.ENOTFOUND, "The session has ended.")
	}
	return u, now.Sub(lastSeen) > time.Minute, nil
}

// TouchSession records that a session was used now.
func (db *DB) TouchSession(ctx context.Context, token string) error {
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, formatTime(tx.now), TokenHash(token))
		return err
	})
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, TokenHash(token))
		return err
	})
}
