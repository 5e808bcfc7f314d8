package web_test

import (
	"flag"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// editorClient is one editor at work: half use the forms (a stale version
// is a 409 page), half the API (a stale If-Match is a 412).
type editorClient struct {
	client *http.Client
	csrf   string
	token  string // API token; "" for a browser
}

// change sends a status change made from version v, and says whether it
// won (false: refused as stale), failing the test on any other answer.
func (e *editorClient) change(t *testing.T, base string, claim string, v int64, status claimtrack.Status, note string) bool {
	var req *http.Request
	var err error
	if e.token == "" {
		form := url.Values{"_csrf": {e.csrf}, "status": {string(status)}, "note": {note}, "version": {strconv.FormatInt(v, 10)}}
		req, err = http.NewRequest(http.MethodPost, base+"/claims/"+claim+"/status", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		body := `{"status": "` + string(status) + `", "note": "` + note + `"}`
		req, err = http.NewRequest(http.MethodPost, base+"/api/v1/claims/"+claim+"/status", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+e.token)
		req.Header.Set("If-Match", `"`+strconv.FormatInt(v, 10)+`"`)
	}
	if err != nil {
		t.Error(err)
		return false
	}
	res, err := e.client.Do(req)
	if err != nil {
		t.Error(err)
		return false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	switch {
	case e.token == "" && res.StatusCode == http.StatusSeeOther, e.token != "" && res.StatusCode == http.StatusOK:
		return true
	case e.token == "" && res.StatusCode == http.StatusConflict, e.token != "" && res.StatusCode == http.StatusPreconditionFailed:
		return false
	}
	t.Errorf("unexpected answer %d", res.StatusCode)
	return false
}

// editorRounds is how many rounds TestConcurrentEditors plays with each
// number of editors: 25 in make test (every round is a race the server
// must settle, so 25 rounds of 20 editors are 500 contested changes),
// more with -editors.rounds (go test ./web -run ConcurrentEditors -editors.rounds 1000).
var editorRounds = flag.Int("editors.rounds", 25, "rounds of TestConcurrentEditors for each number of editors")

// Two, then twenty, editors change the same claim at once, round after
// round, each from the version all of them saw: exactly one wins every
// round, the others are told their version is stale, no change is lost,
// and the history holds exactly one event per change that won.
func TestConcurrentEditors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ editors, rounds int }{{2, *editorRounds}, {20, *editorRounds}} {
		t.Run(strconv.Itoa(tc.editors)+"-editors", func(t *testing.T) {
			if testing.Short() {
				t.Skip("long")
			}
			a := newTestApp(t)
			var editors []*editorClient
			for i := 0; i < tc.editors; i++ {
				name := "ed" + strconv.Itoa(i)
				if i%2 == 0 {
					a.signInAs(name, claimtrack.RoleEditor)
					editors = append(editors, &editorClient{client: a.client, csrf: a.csrf()})
				} else {
					editors = append(editors, &editorClient{client: &http.Client{}, token: a.apiToken(name, claimtrack.RoleEditor)})
				}
			}
			const claim = "2"
			c, err := a.db.FindClaimByID(t.Context(), 2)
			require.NoError(t, err)
			version := c.Version
			eventsBefore := a.count(`SELECT count(*) FROM events WHERE claim_id = 2`)
			statuses := []claimtrack.Status{claimtrack.StatusConfirmed, claimtrack.StatusRefuted}
			won := 0
			for round := 0; round < tc.rounds; round++ {
				var wg sync.WaitGroup
				wins := make([]bool, len(editors))
				start := make(chan struct{})
				for i, e := range editors {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						wins[i] = e.change(t, a.srv.URL, claim, version, statuses[(round+i)%2], "Round "+strconv.Itoa(round)+" by editor "+strconv.Itoa(i))
					}()
				}
				close(start)
				wg.Wait()
				winners := 0
				for _, w := range wins {
					if w {
						winners++
					}
				}
				require.Equal(t, 1, winners, "round %d: exactly one editor wins", round)
				won++
				version++
			}
			c, err = a.db.FindClaimByID(t.Context(), 2)
			require.NoError(t, err)
			assert.Equal(t, version, c.Version, "every win is one version, none lost")
			assert.Equal(t, won, a.count(`SELECT count(*) FROM events WHERE claim_id = 2 AND type = 'status_changed'`))
			assert.Equal(t, eventsBefore+won, a.count(`SELECT count(*) FROM events WHERE claim_id = 2`),
				"one event per change that won, nothing for the refused ones")
			assert.Contains(t, c.VerdictNote, "Round "+strconv.Itoa(tc.rounds-1)+" by editor", "the last round's winner is what stands")
			t.Logf("%d editors, %d rounds: %d changes won, %d refused as stale", tc.editors, tc.rounds, won, tc.rounds*(tc.editors-1))
		})
	}
}
