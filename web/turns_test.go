package web_test

import (
	"io"
	"net/http"
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

	// One turn, hardly any wait: most of the burst is turned away.
	a.web.Configure(web.Config{MaxInFlight: 1, QueueWait: time.Microsecond})
	codes := burst()
	assert.Positive(t, codes[http.StatusOK])
	assert.Positive(t, codes[http.StatusServiceUnavailable])
	assert.Equal(t, 40, codes[http.StatusOK]+codes[http.StatusServiceUnavailable], "nothing but 200 and 503: %v", codes)
	assert.Equal(t, http.StatusOK, a.get("/healthz").status, "the health check takes no turn")

	// The defaults: the same burst waits its turn and is served.
	a.web.Configure(web.Config{})
	codes = burst()
	require.Equal(t, map[int]int{http.StatusOK: 40}, codes)
}
