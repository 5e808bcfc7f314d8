package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// crashKills is how many times the crash test kills the server: 10 in make
// test, more with -crash.kills (go test ./cmd/claimtrack -run Crash -crash.kills 200).
var crashKills = flag.Int("crash.kills", 10, "how many times TestCrash kills the server")

// ackWrite is a write the server acknowledged: the marker it carries (a
// claim's text, a status note, an evidence quote) is how it is found again.
type ackWrite struct {
	kind   string // "claim", "status" or "evidence"
	claim  int64
	marker string
}

// crashWriter makes writes through the forms, as an editor would, and
// records those the server acknowledged (303).
type crashWriter struct {
	base   string
	cookie string
	csrf   string
	client *http.Client
	n      int
	claims []int64 // claims this writer made, to change and link
}

var claimLocation = regexp.MustCompile(`^/claims/(\d+)`)

func (w *crashWriter) post(path string, form url.Values) (*http.Response, error) {
	form.Set("_csrf", w.csrf)
	req, err := http.NewRequest(http.MethodPost, w.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", w.cookie)
	res, err := w.client.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res, nil
}

// version reads a claim's version from its page.
func (w *crashWriter) version(id int64) (string, error) {
	req, _ := http.NewRequest(http.MethodGet, w.base+"/claims/"+strconv.FormatInt(id, 10), nil)
	req.Header.Set("Cookie", w.cookie)
	res, err := w.client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("no version on the claim page (status %d)", res.StatusCode)
	}
	return string(m[1]), nil
}

// write makes one write and returns it when acknowledged; an error means
// the server did not answer (it was killed), a nil write that it refused.
func (w *crashWriter) write(id string) (*ackWrite, error) {
	w.n++
	marker := fmt.Sprintf("crash-%s-%d", id, w.n)
	switch {
	case len(w.claims) == 0 || w.n%3 == 0:
		res, err := w.post("/claims", url.Values{"text": {"A claim written before a crash, " + marker + "."}, "kind": {"statement"},
			"similar_seen": {"1"}}) // alike on purpose
		if err != nil {
			return nil, err
		}
		m := claimLocation.FindStringSubmatch(res.Header.Get("Location"))
		if res.StatusCode != http.StatusSeeOther || m == nil {
			return nil, fmt.Errorf("new claim: status %d", res.StatusCode)
		}
		cid, _ := strconv.ParseInt(m[1], 10, 64)
		w.claims = append(w.claims, cid)
		return &ackWrite{"claim", cid, marker}, nil
	case w.n%3 == 1:
		cid := w.claims[w.n%len(w.claims)]
		res, err := w.post("/claims/"+strconv.FormatInt(cid, 10)+"/evidence", url.Values{"source_name": {"Crash Wire " + strconv.Itoa(w.n%5)},
			"source_kind": {"agency"}, "stance": {"asserts"}, "quote": {marker}})
		if err != nil {
			return nil, err
		}
		if res.StatusCode != http.StatusSeeOther {
			return nil, fmt.Errorf("evidence: status %d", res.StatusCode)
		}
		return &ackWrite{"evidence", cid, marker}, nil
	default:
		cid := w.claims[w.n%len(w.claims)]
		v, err := w.version(cid)
		if err != nil {
			return nil, err
		}
		status := []string{"confirmed", "refuted", "partly-true"}[w.n%3]
		res, err := w.post("/claims/"+strconv.FormatInt(cid, 10)+"/status", url.Values{"status": {status}, "note": {marker}, "version": {v}})
		if err != nil {
			return nil, err
		}
		if res.StatusCode == http.StatusConflict {
			return nil, nil // another writer's change came first: refused, nothing to check
		}
		if res.StatusCode != http.StatusSeeOther {
			return nil, fmt.Errorf("status: %d", res.StatusCode)
		}
		return &ackWrite{"status", cid, marker}, nil
	}
}

// The server is killed with SIGKILL at random moments while three editors
// write; after every restart, and at the end, every acknowledged write is
// there with its history event, and the database and its search index pass
// their checks with no orphan rows.
func TestCrash(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts the binary many times")
	}
	db := filepath.Join(t.TempDir(), "crash.db")
	cmd, addr, logs := startServer(t, db)
	cookie, csrf := firstAdmin(t, "http://"+addr, logs)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))

	var mu sync.Mutex
	var acked []ackWrite
	writers := make([]*crashWriter, 3)
	for i := range writers {
		writers[i] = &crashWriter{cookie: cookie, csrf: csrf,
			client: &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	}
	for kill := 0; kill < *crashKills; kill++ {
		base := "http://" + addr
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for i, w := range writers {
			w.base = base
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					a, err := w.write(fmt.Sprintf("%d-%d", kill, i))
					if err != nil {
						return // the server is gone
					}
					if a != nil {
						mu.Lock()
						acked = append(acked, *a)
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		_ = cmd.Wait()
		close(stop)
		wg.Wait()
		cmd, addr, _ = startServer(t, db) // the same database, after the crash
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	_ = cmd.Wait()

	store, err := sqlite.Open(context.Background(), db)
	require.NoError(t, err)
	defer store.Close()
	ctx := context.Background()
	require.NoError(t, store.IntegrityCheck(ctx))
	require.NoError(t, store.CheckSearchIndex(ctx))
	raw := rawDB(t, db)
	count := func(q string, args ...any) int {
		var n int
		require.NoError(t, raw.QueryRow(q, args...).Scan(&n))
		return n
	}
	lost := 0
	for _, a := range acked {
		var n int
		switch a.kind {
		case "claim":
			n = count(`SELECT count(*) FROM claims c JOIN events e ON e.claim_id = c.id AND e.type = 'claim_created'
				WHERE c.id = ? AND c.text LIKE '%' || ? || '%'`, a.claim, a.marker)
		case "evidence":
			n = count(`SELECT count(*) FROM evidence v JOIN events e ON e.evidence_id = v.id AND e.type = 'evidence_added'
				WHERE v.claim_id = ? AND v.quote = ?`, a.claim, a.marker)
		case "status":
			n = count(`SELECT count(*) FROM events WHERE claim_id = ? AND type = 'status_changed' AND note = ?`, a.claim, a.marker)
		}
		if n != 1 {
			lost++
			t.Errorf("acknowledged %s on claim %d (%s) is missing", a.kind, a.claim, a.marker)
		}
	}
	// No orphans: every claim has its creation event, every link its event,
	// every search row its claim, every claim its search row, every source its record.
	assert.Zero(t, count(`SELECT count(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.claim_id = c.id AND e.type = 'claim_created')`))
	assert.Zero(t, count(`SELECT count(*) FROM evidence v WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.evidence_id = v.id AND e.type = 'evidence_added')`))
	assert.Zero(t, count(`SELECT count(*) FROM claim_search WHERE rowid NOT IN (SELECT id FROM claims)`))
	assert.Zero(t, count(`SELECT count(*) FROM claims WHERE id NOT IN (SELECT rowid FROM claim_search)`))
	assert.Zero(t, count(`SELECT count(*) FROM sources WHERE id NOT IN (SELECT source_id FROM source_stats)`))
	assert.Positive(t, len(acked))
	t.Logf("%d kills (SIGKILL), %d writes acknowledged, %d lost", *crashKills, len(acked), lost)
}

// rawDB opens a plain connection to a database file, for checks.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}
