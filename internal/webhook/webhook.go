// Package webhook sends the deliveries of the outbox storage keeps: each a
// signed JSON POST to a hook's address, retried with growing waits until it
// is accepted or too old.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// The headers of a delivery.
const (
	HeaderSignature = "X-Claimtrack-Signature" // "sha256=" and the hex HMAC-SHA256 of the body with the hook's secret
	HeaderDelivery  = "X-Claimtrack-Delivery"  // the delivery id: the same for every attempt
	HeaderEvent     = "X-Claimtrack-Event"     // the kind of change
)

// Store is what the sender needs of storage.
type Store interface {
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*claimtrack.Delivery, error)
	NextDeliveryAt(ctx context.Context) (time.Time, bool, error)
	RecordAttempt(ctx context.Context, id int64, a claimtrack.Attempt, retryAt time.Time) error
}

// Config bounds what the sender does.
type Config struct {
	Timeout   time.Duration // for one attempt, answer included
	RetryBase time.Duration // the wait after the first failure; each next one doubles it
	RetryMax  time.Duration // the longest wait between attempts
	MaxAge    time.Duration // a delivery still failing this long after the change is given up
	Batch     int           // deliveries read at a time
	Poll      time.Duration // how often the outbox is looked at when nothing wakes the sender
}

// DefaultConfig are the settings' defaults.
var DefaultConfig = Config{Timeout: 10 * time.Second, RetryBase: 30 * time.Second, RetryMax: time.Hour,
	MaxAge: 24 * time.Hour, Batch: 20, Poll: 30 * time.Second}

// Sender sends due deliveries one at a time.
type Sender struct {
	Store  Store
	Client *http.Client
	Config Config
	Now    func() time.Time
	Log    *slog.Logger
	wake   chan struct{}
}

// New returns a sender for store with cfg.
func New(store Store, cfg Config, log *slog.Logger) *Sender {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{Store: store, Config: cfg, Now: time.Now, Log: log, wake: make(chan struct{}, 1),
		Client: &http.Client{Timeout: cfg.Timeout, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a redirect is an answer, not an instruction
		}}}
}

// Wake tells the sender that new deliveries may be due (a change was
// committed). It never blocks.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends deliveries until ctx is done: whatever is due, then it waits for
// a wake, the next due time or the poll interval.
func (s *Sender) Run(ctx context.Context) {
	for {
		if err := s.SendDue(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("webhooks: sending", "err", err)
		}
		wait := s.Config.Poll
		if next, ok, err := s.Store.NextDeliveryAt(ctx); err == nil && ok {
			wait = min(wait, max(next.Sub(s.Now()), 0))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// SendDue sends every delivery due now, a batch at a time, and records each
// outcome. It returns when none is due or ctx is done.
func (s *Sender) SendDue(ctx context.Context) error {
	for ctx.Err() == nil {
		due, err := s.Store.DueDeliveries(ctx, s.Now(), s.Config.Batch)
		if err != nil {
			return err
		}
		if len(due) == 0 {
			return nil
		}
		for _, d := range due {
			a := s.attempt(ctx, d)
			if ctx.Err() != nil {
				return nil // cut short by shutdown: the delivery stays pending
			}
			retry := s.retryAt(d, a)
			if err := s.Store.RecordAttempt(ctx, d.ID, a, retry); err != nil {
				return err
			}
			switch {
			case a.OK():
			case retry.IsZero():
				s.Log.Warn("webhooks: gave up", "delivery", d.DeliveryID, "url", d.URL, "status", a.Status, "err", a.Err)
			default:
				s.Log.Info("webhooks: will retry", "delivery", d.DeliveryID, "url", d.URL, "status", a.Status, "err", a.Err,
					"at", retry.Format(time.RFC3339))
			}
		}
	}
	return nil
}

// retryAt is when a failed attempt is tried again: RetryBase after the
// first, doubling up to RetryMax; zero (give up) once the next try would be
// past MaxAge from the change, or on success.
func (s *Sender) retryAt(d *claimtrack.Delivery, a claimtrack.Attempt) time.Time {
	if a.OK() {
		return time.Time{}
	}
	wait := s.Config.RetryBase
	for i := 0; i < d.Attempts && wait < s.Config.RetryMax; i++ {
		wait *= 2
	}
	wait = min(wait, s.Config.RetryMax)
	next := a.At.Add(wait)
	if next.Sub(d.CreatedAt) > s.Config.MaxAge {
		return time.Time{}
	}
	return next
}

// Sign is the signature header's value for body with secret.
func Sign(secret, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify says whether sig is body's signature with secret, in constant time.
func Verify(secret, body, sig string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(sig))
}

// maxAnswer is how much of an answer is read: enough to reuse the
// connection, never a receiver's whole page.
const maxAnswer = 64 << 10

// attempt POSTs a delivery once.
func (s *Sender) attempt(ctx context.Context, d *claimtrack.Delivery) claimtrack.Attempt {
	ctx, cancel := context.WithTimeout(ctx, s.Config.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader([]byte(d.Body)))
	if err != nil {
		return claimtrack.Attempt{Err: err.Error(), At: s.Now()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Claimtrack-Webhook")
	req.Header.Set(HeaderSignature, Sign(d.Secret, d.Body))
	req.Header.Set(HeaderDelivery, d.DeliveryID)
	req.Header.Set(HeaderEvent, string(d.EventType))
	res, err := s.Client.Do(req)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, context.DeadlineExceeded) {
			msg = fmt.Sprintf("no answer within %s", s.Config.Timeout)
		}
		return claimtrack.Attempt{Err: msg, At: s.Now()}
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, maxAnswer))
	res.Body.Close()
	a := claimtrack.Attempt{Status: res.StatusCode, At: s.Now()}
	if !a.OK() {
		a.Err = "answered " + res.Status
	}
	return a
}
