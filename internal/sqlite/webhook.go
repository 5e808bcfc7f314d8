package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// queueDeliveries writes, for each event of evs that notifies, one delivery
// per active hook into the outbox, in the transaction of the change: a
// committed change always has its deliveries. Changes replayed from a file
// and generated data (tx.quiet) notify no one.
func queueDeliveries(ctx context.Context, tx *Tx, evs []*claimtrack.Event) error {
	if tx.quiet {
		return nil
	}
	var hooks []int64
	loaded := false
	for _, ev := range evs {
		if !ev.Type.Notifies() {
			continue
		}
		if !loaded {
			loaded = true
			rows, err := tx.QueryContext(ctx, `SELECT id FROM webhooks WHERE active ORDER BY id`)
			if err != nil {
				return fmt.Errorf("sqlite: webhooks: %w", err)
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				hooks = append(hooks, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		if len(hooks) == 0 {
			return nil
		}
		if ev.ID == 0 {
			return fmt.Errorf("sqlite: event %s without an id cannot be delivered", ev.Type)
		}
		for _, hook := range hooks {
			if err := queueDelivery(ctx, tx, hook, ev.ID, func(id string) (string, error) { return claimtrack.DeliveryBody(id, ev) }, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// queueDelivery writes one pending delivery, due now, with a new delivery id
// and the body made for it.
func queueDelivery(ctx context.Context, tx *Tx, hook, event int64, body func(deliveryID string) (string, error), redeliveryOf string) error {
	id, err := newDeliveryID()
	if err != nil {
		return err
	}
	b, err := body(id)
	if err != nil {
		return err
	}
	now := formatTime(tx.now)
	if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (hook_id, delivery_id, event_id, body, next_at, created_at, redelivery_of)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, hook, id, event, b, now, now, redeliveryOf); err != nil {
		return fmt.Errorf("sqlite: queue delivery: %w", err)
	}
	return nil
}

// newDeliveryID is 128 random bits in hex.
func newDeliveryID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// CreateWebhook registers an address; its secret is made here.
func (db *DB) CreateWebhook(ctx context.Context, in claimtrack.WebhookInput, actor string) (*claimtrack.Webhook, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	h := &claimtrack.Webhook{URL: in.URL, Secret: hex.EncodeToString(secret), Active: true, CreatedBy: actor}
	err := db.update(ctx, func(tx *Tx) error {
		h.CreatedAt = tx.now
		res, err := tx.ExecContext(ctx, `INSERT INTO webhooks (url, secret, active, created_at, created_by) VALUES (?, ?, 1, ?, ?)`,
			h.URL, h.Secret, formatTime(tx.now), actor)
		if err != nil {
			return err
		}
		h.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// SetWebhookActive switches a hook on or off. A hook switched off gets no
// new deliveries, and its pending ones wait until it is on again.
func (db *DB) SetWebhookActive(ctx context.Context, id int64, active bool) error {
	return db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhooks SET active = ? WHERE id = ?`, active, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return claimtrack.Errorf(claimtrack.ENOTFOUND, "There is no such webhook.")
		}
		return nil
	})
}

const webhookColumns = `h.id, h.url, h.secret, h.active, h.created_at, h.created_by,
	(SELECT count(*) FROM webhook_deliveries d WHERE d.hook_id = h.id AND d.state = 'pending'),
	(SELECT count(*) FROM webhook_deliveries d WHERE d.hook_id = h.id AND d.state = 'delivered'),
	(SELECT count(*) FROM webhook_deliveries d WHERE d.hook_id = h.id AND d.state = 'failed')`

func scanWebhook(s interface{ Scan(...any) error }) (*claimtrack.Webhook, error) {
	var h claimtrack.Webhook
	var at string
	if err := s.Scan(&h.ID, &h.URL, &h.Secret, &h.Active, &at, &h.CreatedBy, &h.Pending, &h.Delivered, &h.Failed); err != nil {
		return nil, err
	}
	h.CreatedAt = parseTime(at)
	return &h, nil
}

// FindWebhooks lists the hooks, oldest first, with their delivery counts.
func (db *DB) FindWebhooks(ctx context.Context) ([]*claimtrack.Webhook, error) {
	var out []*claimtrack.Webhook
	err := db.readTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks h ORDER BY h.id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			h, err := scanWebhook(rows)
			if err != nil {
				return err
			}
			out = append(out, h)
		}
		return rows.Err()
	})
	return out, err
}

// FindWebhook returns one hook, or ENOTFOUND.
func (db *DB) FindWebhook(ctx context.Context, id int64) (*claimtrack.Webhook, error) {
	var h *claimtrack.Webhook
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		h, err = scanWebhook(tx.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhooks h WHERE h.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return claimtrack.Errorf(claimtrack.ENOTFOUND, "There is no such webhook.")
		}
		return err
	})
	return h, err
}

const deliveryColumns = `d.id, d.hook_id, d.delivery_id, d.event_id, coalesce(ev.type, ''), d.body, d.state, d.attempts, d.next_at,
	d.last_status, d.last_error, d.created_at, d.done_at, d.redelivery_of, h.url, h.secret`

const deliveryFrom = ` FROM webhook_deliveries d JOIN webhooks h ON h.id = d.hook_id LEFT JOIN events ev ON ev.id = d.event_id`

func scanDelivery(s interface{ Scan(...any) error }) (*claimtrack.Delivery, error) {
	var d claimtrack.Delivery
	var next, created, done string
	if err := s.Scan(&d.ID, &d.HookID, &d.DeliveryID, &d.EventID, &d.EventType, &d.Body, &d.State, &d.Attempts, &next,
		&d.LastStatus, &d.LastError, &created, &done, &d.RedeliveryOf, &d.URL, &d.Secret); err != nil {
		return nil, err
	}
	d.NextAt, d.CreatedAt = parseTime(next), parseTime(created)
	if done != "" {
		d.DoneAt = parseTime(done)
	}
	return &d, nil
}

func queryDeliveries(ctx context.Context, q Queryer, query string, args ...any) ([]*claimtrack.Delivery, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*claimtrack.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// FindDeliveries returns a hook's limit newest deliveries, newest first,
// below row id before (0 for the newest).
func (db *DB) FindDeliveries(ctx context.Context, hookID, before int64, limit int) ([]*claimtrack.Delivery, error) {
	if before <= 0 {
		before = 1 << 62
	}
	var out []*claimtrack.Delivery
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		out, err = queryDeliveries(ctx, tx, `SELECT `+deliveryColumns+deliveryFrom+` WHERE d.hook_id = ? AND d.id < ?
			ORDER BY d.id DESC LIMIT ?`, hookID, before, limit)
		return err
	})
	return out, err
}

// DueDeliveries returns up to limit pending deliveries of active hooks due
// at now, the longest due first.
func (db *DB) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*claimtrack.Delivery, error) {
	var out []*claimtrack.Delivery
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		out, err = queryDeliveries(ctx, tx, `SELECT `+deliveryColumns+deliveryFrom+`
			WHERE d.state = 'pending' AND d.next_at <= ? AND h.active ORDER BY d.next_at, d.id LIMIT ?`, formatTime(now), limit)
		return err
	})
	return out, err
}

// NextDeliveryAt returns when the next pending delivery of an active hook is
// due, and false when none is pending.
func (db *DB) NextDeliveryAt(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullString
	err := db.readTx(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT min(d.next_at) FROM webhook_deliveries d JOIN webhooks h ON h.id = d.hook_id
			WHERE d.state = 'pending' AND h.active`).Scan(&next)
	})
	if err != nil || !next.Valid {
		return time.Time{}, false, err
	}
	return parseTime(next.String), true, nil
}

// RecordAttempt stores the outcome of one try at a delivery: delivered on
// success; else pending again at retryAt, or failed when retryAt is zero
// (the sender gave up). A delivery no longer pending is left as it is.
func (db *DB) RecordAttempt(ctx context.Context, id int64, a claimtrack.Attempt, retryAt time.Time) error {
	state, next, done := claimtrack.DeliveryPending, formatTime(retryAt), ""
	switch {
	case a.OK():
		state, next, done = claimtrack.DeliveryDelivered, formatTime(a.At), formatTime(a.At)
	case retryAt.IsZero():
		state, next, done = claimtrack.DeliveryFailed, formatTime(a.At), formatTime(a.At)
	}
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, next_at = ?,
			last_status = ?, last_error = ?, done_at = ? WHERE id = ? AND state = 'pending'`,
			state, next, a.Status, truncate(a.Err, 500), done, id)
		return err
	})
}

// Redeliver queues a copy of one of a hook's deliveries, with a new delivery
// id and the same change, due now.
func (db *DB) Redeliver(ctx context.Context, hookID, id int64) error {
	return db.update(ctx, func(tx *Tx) error {
		var event int64
		var deliveryID, body string
		err := tx.QueryRowContext(ctx, `SELECT event_id, delivery_id, body FROM webhook_deliveries WHERE id = ? AND hook_id = ?`, id, hookID).
			Scan(&event, &deliveryID, &body)
		if errors.Is(err, sql.ErrNoRows) {
			return claimtrack.Errorf(claimtrack.ENOTFOUND, "This webhook has no such delivery.")
		} else if err != nil {
			return err
		}
		// The body names its delivery: the copy names its own.
		return queueDelivery(ctx, tx, hookID, event, func(newID string) (string, error) {
			return replaceDeliveryID(body, deliveryID, newID), nil
		}, deliveryID)
	})
}

// replaceDeliveryID is a delivery body naming another delivery id.
func replaceDeliveryID(body, old, new string) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal([]byte(body), &fields) != nil {
		return body
	}
	id, _ := json.Marshal(new)
	fields["delivery"] = id
	b, err := json.Marshal(fields)
	if err != nil {
		return body
	}
	return string(b)
}

// truncate cuts s to at most n bytes, on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
