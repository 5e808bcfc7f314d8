package sqlite_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/gen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every change that notifies queues one delivery per active hook in its own
// transaction; other changes, and hooks switched off, queue none.
func TestWebhooks_Outbox(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)

	_, err := db.CreateWebhook(ctx, claimtrack.WebhookInput{URL: "ftp://example.org/hook"}, "admin")
	require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
	assert.Contains(t, claimtrack.FieldErrors(err), "url")

	mustCreateClaim(t, db, "Nobody listens to this claim yet.")
	assert.Zero(t, count(t, raw, `SELECT count(*) FROM webhook_deliveries`), "no hook, no delivery")

	a, err := db.CreateWebhook(ctx, claimtrack.WebhookInput{URL: " https://a.example.org/hook "}, "admin")
	require.NoError(t, err)
	assert.Equal(t, "https://a.example.org/hook", a.URL)
	assert.Len(t, a.Secret, 64)
	b, err := db.CreateWebhook(ctx, claimtrack.WebhookInput{URL: "http://127.0.0.1:9/b"}, "admin")
	require.NoError(t, err)
	assert.NotEqual(t, a.Secret, b.Secret)

	c := mustCreateClaim(t, db, "The parade will be shorter this year.")
	assert.Equal(t, 2, count(t, raw, `SELECT count(*) FROM webhook_deliveries`), "one per hook")
	_, err = db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: claimtrack.StatusRefuted, Note: "It was not.", Version: 1}, "ana")
	require.NoError(t, err)
	assert.Equal(t, 4, count(t, raw, `SELECT count(*) FROM webhook_deliveries`))
	_, err = db.CreateSource(ctx, claimtrack.SourceInput{Name: "Izvestia", Kind: claimtrack.SourceOutlet}, "ana")
	require.NoError(t, err)
	assert.Equal(t, 4, count(t, raw, `SELECT count(*) FROM webhook_deliveries`), "a new source does not notify")

	require.NoError(t, db.SetWebhookActive(ctx, b.ID, false))
	_, err = db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Izvestia", Stance: claimtrack.StanceDisputes, Version: 2}, "ana")
	require.NoError(t, err)
	assert.Equal(t, 3, count(t, raw, `SELECT count(*) FROM webhook_deliveries WHERE hook_id = ?`, a.ID))
	assert.Equal(t, 2, count(t, raw, `SELECT count(*) FROM webhook_deliveries WHERE hook_id = ?`, b.ID), "switched off: nothing new")
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(db.SetWebhookActive(ctx, 999, true)))

	// The body is the change, with its own delivery id; every delivery id
	// differs.
	due, err := db.DueDeliveries(ctx, fixedNow, 10)
	require.NoError(t, err)
	require.Len(t, due, 3, "only the active hook's deliveries are due")
	seen := map[string]bool{}
	for _, d := range due {
		assert.Equal(t, a.ID, d.HookID)
		assert.Equal(t, a.URL, d.URL)
		assert.Equal(t, a.Secret, d.Secret)
		assert.False(t, seen[d.DeliveryID])
		seen[d.DeliveryID] = true
		var body struct {
			Delivery string `json:"delivery"`
			Change   struct {
				Type    claimtrack.EventType `json:"type"`
				ClaimID int64                `json:"claim_id"`
				After   map[string]string    `json:"after"`
			} `json:"change"`
			ClaimPath string `json:"claim_path"`
		}
		require.NoError(t, json.Unmarshal([]byte(d.Body), &body))
		assert.Equal(t, d.DeliveryID, body.Delivery)
		assert.Equal(t, d.EventType, body.Change.Type)
		assert.Equal(t, c.ID, body.Change.ClaimID)
		assert.Equal(t, "/claims/"+strconv.FormatInt(c.ID, 10), body.ClaimPath)
	}
	assert.Equal(t, claimtrack.EventClaimCreated, due[0].EventType)
	assert.Equal(t, claimtrack.EventStatusChanged, due[1].EventType)
	assert.Equal(t, claimtrack.EventEvidenceAdded, due[2].EventType)

	hooks, err := db.FindWebhooks(ctx)
	require.NoError(t, err)
	require.Len(t, hooks, 2)
	assert.Equal(t, 3, hooks[0].Pending)
	assert.False(t, hooks[1].Active)
}

// A delivery is written in the transaction of its change: when it cannot
// be, the change is not made either.
func TestWebhooks_OutboxInTheChangesTransaction(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	_, err := db.CreateWebhook(ctx, claimtrack.WebhookInput{URL: "https://a.example.org/hook"}, "admin")
	require.NoError(t, err)
	_, err = raw.Exec(`CREATE TRIGGER no_deliveries BEFORE INSERT ON webhook_deliveries BEGIN SELECT RAISE(ABORT, 'outbox full'); END`)
	require.NoError(t, err)
	_, err = db.CreateClaim(ctx, claimtrack.ClaimInput{Text: "This change cannot queue its delivery.", Kind: claimtrack.KindStatement}, "ana")
	require.Error(t, err)
	assert.Zero(t, count(t, raw, `SELECT count(*) FROM claims`), "no claim without its delivery")
	assert.Zero(t, count(t, raw, `SELECT count(*) FROM events WHERE type = 'claim_created'`))
}

// Attempts move a delivery: a failure keeps it pending until the time to
// retry, success delivers it, giving up fails it; a delivery no longer
// pending is not moved again. Redelivering queues a copy with a new id.
func TestWebhooks_Attempts(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	h, err := db.CreateWebhook(ctx, claimtrack.WebhookInput{URL: "https://a.example.org/hook"}, "admin")
	require.NoError(t, err)
	mustCreateClaim(t, db, "The parade will be shorter this year.")
	mustCreateClaim(t, db, "The parade will be longer this year.")
	due, err := db.DueDeliveries(ctx, fixedNow, 10)
	require.NoError(t, err)
	require.Len(t, due, 2)
	first, second := due[0], due[1]

	retry := fixedNow.Add(30 * time.Second)
	require.NoError(t, db.RecordAttempt(ctx, first.ID, claimtrack.Attempt{Status: 503, Err: "answered 503", At: fixedNow}, retry))
	due, err = db.DueDeliveries(ctx, fixedNow, 10)
	require.NoError(t, err)
	assert.Equal(t, []int64{second.ID}, deliveryIDs(due), "the failed one waits")
	next, ok, err := db.NextDeliveryAt(ctx)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, fixedNow, next)

	require.NoError(t, db.RecordAttempt(ctx, second.ID, claimtrack.Attempt{Status: 204, At: fixedNow}, time.Time{}))
	due, err = db.DueDeliveries(ctx, retry, 10)
	require.NoError(t, err)
	require.Equal(t, []int64{first.ID}, deliveryIDs(due))
	assert.Equal(t, 1, due[0].Attempts)
	assert.Equal(t, 503, due[0].LastStatus)

	require.NoError(t, db.RecordAttempt(ctx, first.ID, claimtrack.Attempt{Err: "no answer", At: retry}, time.Time{}))
	_, ok, err = db.NextDeliveryAt(ctx)
	require.NoError(t, err)
	assert.False(t, ok, "nothing pending")
	list, err := db.FindDeliveries(ctx, h.ID, 0, 10)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, claimtrack.DeliveryDelivered, list[0].State)
	assert.Equal(t, claimtrack.DeliveryFailed, list[1].State)
	assert.Equal(t, 2, list[1].Attempts)
	// A late outcome does not move a delivery that is done.
	require.NoError(t, db.RecordAttempt(ctx, first.ID, claimtrack.Attempt{Status: 200, At: retry}, time.Time{}))
	list, err = db.FindDeliveries(ctx, h.ID, 0, 10)
	require.NoError(t, err)
	assert.Equal(t, claimtrack.DeliveryFailed, list[1].State)

	require.NoError(t, db.Redeliver(ctx, h.ID, first.ID))
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(db.Redeliver(ctx, h.ID+1, first.ID)))
	due, err = db.DueDeliveries(ctx, fixedNow, 10)
	require.NoError(t, err)
	require.Len(t, due, 1)
	again := due[0]
	assert.NotEqual(t, first.DeliveryID, again.DeliveryID)
	assert.Equal(t, first.DeliveryID, again.RedeliveryOf)
	assert.Equal(t, first.EventID, again.EventID)
	assert.Contains(t, again.Body, `"delivery":"`+again.DeliveryID+`"`)
	assert.NotContains(t, again.Body, first.DeliveryID)
}

// Changes replayed from an export and generated data notify no one.
func TestWebhooks_QuietImportsAndGeneratedData(t *testing.T) {
	ctx := context.Background()
	src := MustOpenDB(t)
	mustCreateClaim(t, src, "The parade will be shorter this year.")
	d, _ := exportJSON(t, src)

	db := MustOpenDB(t)
	raw := rawDB(t, db)
	_, err := db.CreateWebhook(ctx, claimtrack.WebhookInput{URL: "https://a.example.org/hook"}, "admin")
	require.NoError(t, err)
	_, err = db.ImportDump(ctx, d, "admin", "export.json", false)
	require.NoError(t, err)
	assert.Zero(t, count(t, raw, `SELECT count(*) FROM webhook_deliveries`))
	_, err = gen.Generate(ctx, db, gen.Options{Claims: 50, Seed: 1})
	require.NoError(t, err)
	assert.Zero(t, count(t, raw, `SELECT count(*) FROM webhook_deliveries`))
}

func deliveryIDs(ds []*claimtrack.Delivery) []int64 {
	var out []int64
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}
