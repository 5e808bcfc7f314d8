package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/internal/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// received is what a test receiver saw of one request.
type received struct {
	Body, Signature, Delivery, Event string
}

// receiver answers each request with the next status of answers (the last
// one repeats) and keeps what it saw.
type receiver struct {
	mu      sync.Mutex
	answers []int
	got     []received
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.got = append(r.got, received{string(body), req.Header.Get(webhook.HeaderSignature), req.Header.Get(webhook.HeaderDelivery),
		req.Header.Get(webhook.HeaderEvent)})
	status := r.answers[min(len(r.got), len(r.answers))-1]
	r.mu.Unlock()
	w.WriteHeader(status)
}

func (r *receiver) seen() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// setup opens a database with one hook on a loopback receiver and a
// sender whose clock the test moves.
func setup(t *testing.T, answers ...int) (*sqlite.DB, *claimtrack.Webhook, *receiver, *webhook.Sender, *time.Time) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "hooks.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	now := time.Date(2025, 5, 9, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	rec := &receiver{answers: answers}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	h, err := db.CreateWebhook(ctx, claimtrack.WebhookInput{URL: srv.URL + "/hook"}, "admin")
	require.NoError(t, err)
	cfg := webhook.DefaultConfig
	cfg.Timeout = 5 * time.Second
	s := webhook.New(db, cfg, nil)
	s.Now = func() time.Time { return now }
	return db, h, rec, s, &now
}

func createClaim(t *testing.T, db *sqlite.DB, text string) *claimtrack.Claim {
	t.Helper()
	c, err := db.CreateClaim(context.Background(), claimtrack.ClaimInput{Text: text, Kind: claimtrack.KindForecast}, "ana")
	require.NoError(t, err)
	return c
}

// A delivery arrives signed with the hook's secret, with its delivery id and
// kind of change, and the body the outbox holds; once accepted it is not
// sent again.
func TestSender_DeliversSigned(t *testing.T) {
	ctx := context.Background()
	db, h, rec, s, _ := setup(t, http.StatusNoContent)
	c := createClaim(t, db, "Trump will attend the parade in Moscow.")
	require.NoError(t, s.SendDue(ctx))
	got := rec.seen()
	require.Len(t, got, 1)
	r := got[0]
	assert.True(t, webhook.Verify(h.Secret, r.Body, r.Signature), "signed with the hook's secret")
	assert.False(t, webhook.Verify("another secret", r.Body, r.Signature))
	assert.False(t, webhook.Verify(h.Secret, r.Body+" ", r.Signature), "the signature covers the body")
	assert.Len(t, r.Delivery, 32)
	assert.Equal(t, string(claimtrack.EventClaimCreated), r.Event)
	var body struct {
		Delivery string `json:"delivery"`
		Change   struct {
			Type    string            `json:"type"`
			Actor   string            `json:"actor"`
			ClaimID int64             `json:"claim_id"`
			After   map[string]string `json:"after"`
		} `json:"change"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
	assert.Equal(t, r.Delivery, body.Delivery)
	assert.Equal(t, c.ID, body.Change.ClaimID)
	assert.Equal(t, "ana", body.Change.Actor)
	assert.Equal(t, c.Text, body.Change.After["text"])

	require.NoError(t, s.SendDue(ctx))
	assert.Len(t, rec.seen(), 1, "delivered once")
	list, err := db.FindDeliveries(ctx, h.ID, 0, 10)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, claimtrack.DeliveryDelivered, list[0].State)
	assert.Equal(t, 204, list[0].LastStatus)
}

// A failing receiver gets the same delivery again after 30 s, 1 min, 2 min
// … (capped at an hour), always with the same delivery id, until it accepts
// it or the change is a day old.
func TestSender_RetriesWithBackoffForADay(t *testing.T) {
	ctx := context.Background()
	db, h, rec, s, now := setup(t, http.StatusServiceUnavailable, http.StatusInternalServerError, http.StatusOK)
	createClaim(t, db, "The parade will be shorter this year.")

	require.NoError(t, s.SendDue(ctx))
	require.Len(t, rec.seen(), 1)
	*now = now.Add(29 * time.Second)
	require.NoError(t, s.SendDue(ctx))
	assert.Len(t, rec.seen(), 1, "not before the wait")
	*now = now.Add(time.Second)
	require.NoError(t, s.SendDue(ctx))
	require.Len(t, rec.seen(), 2, "30 s after the first failure")
	*now = now.Add(time.Minute)
	require.NoError(t, s.SendDue(ctx))
	got := rec.seen()
	require.Len(t, got, 3, "a minute after the second")
	assert.Equal(t, got[0].Delivery, got[2].Delivery, "every attempt carries the same delivery id")
	assert.Equal(t, got[0].Body, got[2].Body)
	list, err := db.FindDeliveries(ctx, h.ID, 0, 10)
	require.NoError(t, err)
	assert.Equal(t, claimtrack.DeliveryDelivered, list[0].State)
	assert.Equal(t, 3, list[0].Attempts)

	// A receiver that never accepts: the waits double up to an hour, and the
	// delivery is given up once the next try would be past a day.
	rec.mu.Lock()
	rec.answers, rec.got = []int{http.StatusBadGateway}, nil
	rec.mu.Unlock()
	start := *now
	createClaim(t, db, "The parade will be longer this year.")
	var waits []time.Duration
	last := *now
	for range 200 {
		next, ok, err := db.NextDeliveryAt(ctx)
		require.NoError(t, err)
		if !ok {
			break
		}
		if next.After(*now) {
			*now = next
		}
		require.NoError(t, s.SendDue(ctx))
		if n := len(rec.seen()); n > 1 {
			waits = append(waits, now.Sub(last))
		}
		last = *now
	}
	require.GreaterOrEqual(t, len(waits), 7)
	assert.Equal(t, []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute}, waits[:7])
	for _, w := range waits[7:] {
		assert.Equal(t, time.Hour, w, "capped at an hour")
	}
	assert.LessOrEqual(t, now.Sub(start), 24*time.Hour, "no attempt past a day")
	assert.Greater(t, now.Sub(start), 23*time.Hour, "retried for most of the day")
	list, err = db.FindDeliveries(ctx, h.ID, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, claimtrack.DeliveryFailed, list[0].State)
	assert.Equal(t, 502, list[0].LastStatus)
	assert.Equal(t, len(rec.seen()), list[0].Attempts)
}

// A receiver that does not answer in time is a failed attempt, retried; a
// hook switched off hears of no change.
func TestSender_TimeoutAndSwitchedOff(t *testing.T) {
	ctx := context.Background()
	db, h, _, s, _ := setup(t, http.StatusOK)
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); slow.Close() })
	slowHook, err := db.CreateWebhook(ctx, claimtrack.WebhookInput{URL: slow.URL}, "admin")
	require.NoError(t, err)
	require.NoError(t, db.SetWebhookActive(ctx, h.ID, false))
	s.Config.Timeout = 200 * time.Millisecond
	createClaim(t, db, "Nobody will answer this one in time.")
	require.NoError(t, s.SendDue(ctx))
	list, err := db.FindDeliveries(ctx, slowHook.ID, 0, 1)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, claimtrack.DeliveryPending, list[0].State)
	assert.Equal(t, 1, list[0].Attempts)
	assert.Contains(t, list[0].LastError, "no answer within")
	off, err := db.FindDeliveries(ctx, h.ID, 0, 1)
	require.NoError(t, err)
	assert.Empty(t, off, "a hook switched off hears of no change")
}
