package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/internal/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// holdingReceiver holds the first request it gets until released (the test
// kills the server meanwhile, so it is never answered) and answers every
// later one 200. It keeps the delivery ids it accepted, in order.
type holdingReceiver struct {
	mu       sync.Mutex
	first    chan string   // the delivery id of the held request
	release  chan struct{} // lets the held request go
	requests int
	accepted []string
	secret   string
	badSigs  int
}

func (r *holdingReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	id := req.Header.Get(webhook.HeaderDelivery)
	r.mu.Lock()
	r.requests++
	n := r.requests
	if !webhook.Verify(r.secret, string(body), req.Header.Get(webhook.HeaderSignature)) {
		r.badSigs++
	}
	r.mu.Unlock()
	if n == 1 {
		r.first <- id
		<-r.release
		return
	}
	r.mu.Lock()
	r.accepted = append(r.accepted, id)
	r.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (r *holdingReceiver) acceptedIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.accepted...)
}

// The outbox survives SIGKILL: a new claim is committed, its delivery is on
// its way when the server is killed, and after the restart the receiver
// gets it, under the same delivery id, and accepts it exactly once.
func TestWebhooks_SurviveSIGKILL(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "hooks.db")
	rec := &holdingReceiver{first: make(chan string, 1), release: make(chan struct{})}
	receiver := httptest.NewServer(rec)
	defer receiver.Close()
	defer close(rec.release)

	cmd, addr, logs := startServer(t, dbPath)
	base := "http://" + addr
	cookie, csrf := firstAdmin(t, base, logs)
	post := func(path string, form url.Values) *http.Response {
		t.Helper()
		form.Set("_csrf", csrf)
		req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookie)
		res, err := http.DefaultTransport.RoundTrip(req)
		require.NoError(t, err)
		res.Body.Close()
		return res
	}
	res := post("/admin/webhooks", url.Values{"url": {receiver.URL + "/hook"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	hookPath := res.Header.Get("Location")
	req, err := http.NewRequest(http.MethodGet, base+hookPath, nil)
	require.NoError(t, err)
	req.Header.Set("Cookie", cookie)
	res, err = http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`data-testid="webhook-secret">([0-9a-f]{64})<`).FindSubmatch(page)
	require.NotNil(t, m, "the hook's page shows its secret")
	rec.mu.Lock()
	rec.secret = string(m[1])
	rec.mu.Unlock()

	// A new claim commits, and its delivery is in flight when the server dies.
	res = post("/claims", url.Values{"text": {"The parade will be shorter this year."}, "kind": {"forecast"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	var held string
	select {
	case held = <-rec.first:
	case <-time.After(30 * time.Second):
		t.Fatalf("no delivery reached the receiver\n%s", logs.String())
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	assert.Empty(t, rec.acceptedIDs(), "the held request was never answered")

	// After the restart the same delivery arrives again and is accepted once.
	_, _, logs = startServer(t, dbPath)
	require.Eventually(t, func() bool { return len(rec.acceptedIDs()) == 1 }, 30*time.Second, 20*time.Millisecond,
		"the delivery arrives after the restart\n%s", logs.String())
	assert.Equal(t, []string{held}, rec.acceptedIDs(), "the same delivery id")

	// The server recorded it as delivered: it is not sent again, and the
	// receiver saw nothing else.
	db, err := sqlite.Open(context.Background(), dbPath)
	require.NoError(t, err)
	defer db.Close()
	require.Eventually(t, func() bool {
		hooks, err := db.FindWebhooks(context.Background())
		return err == nil && len(hooks) == 1 && hooks[0].Delivered == 1 && hooks[0].Pending == 0
	}, 10*time.Second, 20*time.Millisecond, "recorded as delivered")
	hooks, err := db.FindWebhooks(context.Background())
	require.NoError(t, err)
	list, err := db.FindDeliveries(context.Background(), hooks[0].ID, 0, 10)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, claimtrack.DeliveryDelivered, list[0].State)
	assert.Equal(t, held, list[0].DeliveryID)
	assert.Equal(t, 1, list[0].Attempts, "the attempt cut by the kill was never recorded")
	rec.mu.Lock()
	defer rec.mu.Unlock()
	assert.Equal(t, 2, rec.requests)
	assert.Zero(t, rec.badSigs, "every request was signed with the hook's secret")
}

// The webhook settings come from flags, then the environment, then the
// defaults; a wait of zero, a negative one or a longest wait shorter than
// the first is refused.
func TestParseFlags_Webhooks(t *testing.T) {
	m := NewMain(io.Discard, io.Discard)
	require.NoError(t, m.ParseFlags(nil))
	assert.Equal(t, webhook.DefaultConfig, m.Config.Webhooks)
	t.Setenv("CLAIMTRACK_WEBHOOK_RETRY_BASE", "5s")
	require.NoError(t, m.ParseFlags([]string{"--webhook-timeout", "3s", "--webhook-max-age", "2h"}))
	assert.Equal(t, 3*time.Second, m.Config.Webhooks.Timeout)
	assert.Equal(t, 5*time.Second, m.Config.Webhooks.RetryBase)
	assert.Equal(t, time.Hour, m.Config.Webhooks.RetryMax)
	assert.Equal(t, 2*time.Hour, m.Config.Webhooks.MaxAge)
	for _, args := range [][]string{{"--webhook-timeout", "0s"}, {"--webhook-retry-base", "-1s"},
		{"--webhook-retry-base", "2h", "--webhook-retry-max", "1h"}, {"--webhook-max-age", "soon"}} {
		assert.Error(t, NewMain(io.Discard, io.Discard).ParseFlags(args), "%v", args)
	}
}
