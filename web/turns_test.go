package web_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A burst beyond the bound on requests in flight waits for a turn; what
// finds none in time is answered 503 with Retry-After, never anything else,
// and never a piled-up queue.
//
// Not parallel with other tests: with the defaults, a burst of 40 must be
// served within the default wait for a turn.
func TestTurns(t *testing.T) {
	a := newTestApp(t)
	burst := func() map[int]int {
		var mu sync.Mutex
		codes := map[int]int{}
		var wg sync.WaitGroup
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := http.Get(a.srv.URL + "/claims/1")
				if !assert.NoError(t, err) {
					return
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusServiceUnavailable {
					assert.Equal(t, "2", res.Header.Get("Retry-After"))
					assert.Contains(t, string(body), "many requests at once")
				}
				mu.Lock()
				codes[res.StatusCode]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		return codes
	}

	// Every turn taken: a request waits its while, then is turned away with
	// a 503 page and Retry-After; the health check takes no turn.
	a.web.Configure(web.Config{MaxInFlight: 1, QueueWait: 20 * time.Millisecond})
	release := a.web.HoldReadTurns()
	res, err := http.Get(a.srv.URL + "/claims/1")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	assert.Equal(t, "2", res.Header.Get("Retry-After"))
	assert.Contains(t, string(body), "many requests at once")
	assert.Equal(t, http.StatusOK, a.get("/healthz").status, "the health check takes no turn")
	release()
	assert.Equal(t, http.StatusOK, a.get("/claims/1").status, "a freed turn serves the next request")

	// One turn, hardly any wait: nothing but 200 and 503, never a queue.
	a.web.Configure(web.Config{MaxInFlight: 1, QueueWait: time.Microsecond})
	codes := burst()
	assert.Positive(t, codes[http.StatusOK])
	assert.Equal(t, 40, codes[http.StatusOK]+codes[http.StatusServiceUnavailable], "nothing but 200 and 503: %v", codes)

	// The defaults: the same burst waits its turn and is served.
	a.web.Configure(web.Config{})
	codes = burst()
	require.Equal(t, map[int]int{http.StatusOK: 40}, codes)
}

// Changes and reads take turns from pools of their own: changes held up
// waiting for the database's writer never leave pages waiting.
func TestTurns_ChangesDoNotHoldUpReads(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.web.Configure(web.Config{MaxInFlight: 1, QueueWait: 50 * time.Millisecond})
	// Another connection holds the write lock, as a long backup or import would.
	lock, err := sql.Open("sqlite", "file:"+a.db.Path()+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	defer lock.Close()
	conn, err := lock.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.ExecContext(context.Background(), "BEGIN IMMEDIATE")
	require.NoError(t, err)

	form := func(id int64) url.Values {
		c, err := a.db.FindClaimByID(context.Background(), id)
		require.NoError(t, err)
		return url.Values{"status": {"confirmed"}, "version": {strconv.FormatInt(c.Version, 10)}, "note": {"Confirmed by the ministry."}}
	}
	first := make(chan page, 1)
	f := form(1)
	f.Set("_csrf", a.csrf())
	go func() { first <- a.postRaw("/claims/1/status", f.Encode(), nil) }()
	require.Eventually(t, func() bool { _, changes := a.web.TurnsTaken(); return changes == 1 },
		10*time.Second, time.Millisecond, "the change has its turn and waits for the writer")
	// The one change turn is taken: another change is turned away...
	assert.Equal(t, http.StatusServiceUnavailable, a.post("/claims/2/status", form(2)).status)
	// ...but pages are served.
	for _, path := range []string{"/claims/1", "/claims", "/search?q=moscow"} {
		assert.Equal(t, http.StatusOK, a.get(path).status, path)
	}
	_, err = conn.ExecContext(context.Background(), "ROLLBACK")
	require.NoError(t, err)
	res := <-first
	assert.Equal(t, http.StatusSeeOther, res.status, "the waiting change goes through once the writer is free")
}
