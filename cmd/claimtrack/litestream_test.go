package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The replication test's Litestream settings: how often it looks at the
// write-ahead log, and how often it sends what it found to the replica.
const (
	lsMonitorInterval = 100 * time.Millisecond
	lsSyncInterval    = 200 * time.Millisecond
	// lsMargin is what a busy machine may add to them: on a calm one the
	// replica was less than a second behind at the kill, 1.2 s with three
	// of these tests at once.
	lsMargin = 3 * time.Second
	// lsLag bounds how long an acknowledged change may take to reach the
	// replica: a look at the log, a sync tick missed and the next, the margin.
	lsLag = lsMonitorInterval + 2*lsSyncInterval + lsMargin
)

// litestreamBin returns the pinned Litestream, which make litestream
// installs into .tools (it is run here first: it does nothing when the
// pinned version is there), or else one on the PATH. The test is skipped,
// saying why, only when none is there and none could be installed.
func litestreamBin(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	bin := filepath.Join(root, ".tools", "litestream")
	if mk, err := exec.LookPath("make"); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
		out, err := exec.CommandContext(ctx, mk, "-s", "-C", root, "--no-print-directory", "litestream").CombinedOutput()
		cancel()
		if err != nil {
			t.Logf("make litestream: %v\n%s", err, out)
		}
	}
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	if path, err := exec.LookPath("litestream"); err == nil {
		return path
	}
	t.Skip("no litestream: it is not in .tools or on the PATH and make litestream could not install it; run make litestream")
	return ""
}

// testLitestreamConfig is the shipped deploy/litestream/litestream.yml for
// the database db and the replica directory replica, with the test's short
// intervals, a checkpoint past 200 pages of log (so that Litestream makes
// some while the test writes), and a log that says why it syncs.
func testLitestreamConfig(t *testing.T, db, replica string) string {
	t.Helper()
	shipped, err := os.ReadFile(filepath.Join("..", "..", "deploy", "litestream", "litestream.yml"))
	require.NoError(t, err)
	config := string(shipped)
	for _, r := range []struct{ old, new string }{
		{"dbs:\n", "logging:\n  level: debug\ndbs:\n"},
		{"  - path: /var/lib/claimtrack/claimtrack.db\n", fmt.Sprintf("  - path: %s\n    monitor-interval: %s\n    min-checkpoint-page-count: 200\n", db, lsMonitorInterval)},
		{"      path: /var/backups/claimtrack/replica\n", "      path: " + replica + "\n"},
		{"      sync-interval: 1s\n", fmt.Sprintf("      sync-interval: %s\n", lsSyncInterval)},
	} {
		require.Equal(t, 1, strings.Count(config, r.old), "the shipped configuration has %q once", r.old)
		config = strings.Replace(config, r.old, r.new, 1)
	}
	return config
}

// logWriter collects a child process's output for the test's failure messages.
type logWriter struct{ *lockedBuilder }

func (w logWriter) Write(p []byte) (int, error) { w.WriteString(string(p)); return len(p), nil }

// replicaTXID is the newest transaction the file replica at dir holds (0
// when it holds none): the highest end of the LTX files' names, which are
// MINTXID-MAXTXID.ltx in hexadecimal, in any level.
func replicaTXID(t *testing.T, dir string) uint64 {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "ltx", "*", "*.ltx"))
	require.NoError(t, err)
	var newest uint64
	for _, f := range files {
		_, hi, ok := strings.Cut(strings.TrimSuffix(filepath.Base(f), ".ltx"), "-")
		if !ok {
			continue
		}
		if n, err := strconv.ParseUint(hi, 16, 64); err == nil && n > newest {
			newest = n
		}
	}
	return newest
}

// runFor runs a command with a deadline and returns its output.
func runFor(timeout time.Duration, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return exec.CommandContext(ctx, name, args...).CombinedOutput()
}

// waitUntil polls cond every 20 ms until it holds, and fails the test when
// it still does not after timeout.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// timedAck is a write the server acknowledged, and when the writer had the
// acknowledgement: the change was committed before then.
type timedAck struct {
	ackWrite
	at time.Time
}

// The server runs with --litestream beside Litestream replicating its
// database to a file replica; two editors write through the forms. Once
// enough writes are acknowledged and the replica has moved on, Litestream and
// then the server are killed (SIGKILL both: the machine is gone). The
// replica, restored into a new file, holds every write acknowledged more than
// lsLag before the kill, with its history event; it passes integrity_check
// and the search index's check (claimtrack check); and the server started on
// it serves the pages.
func TestLitestreamReplication(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the binary beside Litestream")
	}
	ls := litestreamBin(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	replica := filepath.Join(dir, "replica")
	config := filepath.Join(dir, "litestream.yml")
	require.NoError(t, os.WriteFile(config, []byte(testLitestreamConfig(t, db, replica)), 0o644))

	server, addr, logs := startServerWith(t, db, nil, "--litestream")
	base := "http://" + addr
	cookie, csrf := firstAdmin(t, base, logs)
	require.Contains(t, logs.String(), "checkpoints left to Litestream")

	lsLogs := &lockedBuilder{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("litestream's log:\n%s", lsLogs.String())
		}
	})
	replicate := exec.Command(ls, "replicate", "-config", config)
	replicate.Stdout, replicate.Stderr = logWriter{lsLogs}, logWriter{lsLogs}
	require.NoError(t, replicate.Start())
	t.Cleanup(func() { _ = replicate.Process.Kill() })
	waitUntil(t, 15*time.Second, "Litestream's first snapshot in the replica", func() bool { return replicaTXID(t, replica) > 0 })
	startTXID := replicaTXID(t, replica)

	var mu sync.Mutex
	var acked []timedAck
	stop := make(chan struct{})
	var killed atomic.Bool
	var wg sync.WaitGroup
	for i := range 2 {
		w := &crashWriter{base: base, cookie: cookie, csrf: csrf,
			client: &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A steady stream, at most 40 writes a second from each editor,
			// rather than as fast as the disk allows: the rest of the suite
			// runs beside this test.
			pace := time.NewTicker(25 * time.Millisecond)
			defer pace.Stop()
			for {
				select {
				case <-stop:
					return
				case <-pace.C:
				}
				a, err := w.write(fmt.Sprintf("ls%d", i))
				at := time.Now()
				if err != nil {
					if !killed.Load() {
						t.Errorf("writer %d, before the kill: %v", i, err)
					}
					return // the server is gone
				}
				if a != nil {
					mu.Lock()
					acked = append(acked, timedAck{*a, at})
					mu.Unlock()
				}
			}
		}()
	}
	stopWriters := sync.OnceFunc(func() { close(stop); wg.Wait() })
	t.Cleanup(stopWriters)

	// A backup taken meanwhile, as an operator would, leaves the log to
	// Litestream.
	waitUntil(t, 20*time.Second, "10 acknowledged writes", func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 10 })
	bin, err := buildBinary()
	require.NoError(t, err)
	out, err := runFor(30*time.Second, bin, "backup", "--db", db, filepath.Join(dir, "backup.db"))
	require.NoError(t, err, "claimtrack backup: %s", out)

	// The kill comes once 30 writes are acknowledged, the 30th more than
	// lsLag ago, and the replica has moved on at least three times while
	// they were written: what the test checks is then never nothing.
	const wantBefore = 30
	moves, lastTXID := 0, startTXID
	defer func() {
		if t.Failed() {
			mu.Lock()
			t.Logf("%d writes acknowledged; the replica moved on %d times, to transaction %d", len(acked), moves, lastTXID)
			mu.Unlock()
			// Where the server stands: its goroutines, in its log.
			if server.Process.Signal(syscall.SIGQUIT) == nil {
				_ = server.Wait()
				t.Logf("the server's log:\n%s", logs.String())
			}
		}
	}()
	waitUntil(t, 30*time.Second, fmt.Sprintf("%d acknowledged writes, %s, and the replica moving on", wantBefore, lsLag), func() bool {
		if n := replicaTXID(t, replica); n > lastTXID {
			moves, lastTXID = moves+1, n
		}
		mu.Lock()
		defer mu.Unlock()
		return len(acked) >= wantBefore && time.Since(acked[wantBefore-1].at) > lsLag && moves >= 3
	})
	killed.Store(true)
	kill := time.Now()
	require.NoError(t, replicate.Process.Signal(syscall.SIGKILL))
	require.NoError(t, server.Process.Signal(syscall.SIGKILL))
	_ = replicate.Wait()
	_ = server.Wait()
	stopWriters()

	// Litestream made the checkpoints (it does one past 200 pages of log
	// here), and nothing emptied or rewrote the log behind its back: it never
	// had to start over from a new snapshot.
	assert.Contains(t, lsLogs.String(), "msg=checkpoint", "Litestream checkpointed the log")
	for _, reason := range []string{"by another process", "checkpoint detected"} {
		assert.NotContains(t, lsLogs.String(), reason, "Litestream found the log changed behind its back")
	}

	restored := filepath.Join(dir, "restored.db")
	out, err = runFor(30*time.Second, ls, "restore", "-o", restored, "file://"+replica)
	require.NoError(t, err, "litestream restore: %s", out)

	out, err = runFor(30*time.Second, bin, "check", "--db", restored)
	require.NoError(t, err, "claimtrack check on the restored copy: %s", out)
	assert.Contains(t, string(out), "database: ok (integrity_check, foreign_key_check)")
	assert.Contains(t, string(out), "search index: ok")

	raw := rawDB(t, restored)
	count := func(q string, args ...any) int {
		var n int
		require.NoError(t, raw.QueryRow(q, args...).Scan(&n))
		return n
	}
	present := func(a ackWrite) bool {
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
		return n == 1
	}
	cutoff := kill.Add(-lsLag)
	before, after, afterKept := 0, 0, 0
	// oldestMissing is the replica's lag at the kill, as seen; lastClaim the
	// newest claim made before the cutoff.
	var oldestMissing time.Duration
	var lastClaim ackWrite
	mu.Lock()
	for _, a := range acked {
		if a.at.Before(cutoff) {
			before++
			if !present(a.ackWrite) {
				t.Errorf("%s on claim %d (%s), acknowledged %s before the kill, is not in the replica",
					a.kind, a.claim, a.marker, kill.Sub(a.at).Round(time.Millisecond))
			}
			if a.kind == "claim" {
				lastClaim = a.ackWrite
			}
		} else {
			after++
			if present(a.ackWrite) {
				afterKept++
			} else if age := kill.Sub(a.at); age > oldestMissing {
				oldestMissing = age
			}
		}
	}
	mu.Unlock()
	assert.GreaterOrEqual(t, before, wantBefore)
	// Whatever the replica holds is whole: no claim without its creation
	// event, no link without its event, the search rows and source records
	// matching.
	assert.Zero(t, count(`SELECT count(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.claim_id = c.id AND e.type = 'claim_created')`))
	assert.Zero(t, count(`SELECT count(*) FROM evidence v WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.evidence_id = v.id AND e.type = 'evidence_added')`))
	assert.Zero(t, count(`SELECT count(*) FROM claim_search WHERE rowid NOT IN (SELECT id FROM claims)`))
	assert.Zero(t, count(`SELECT count(*) FROM claims WHERE id NOT IN (SELECT rowid FROM claim_search)`))
	assert.Zero(t, count(`SELECT count(*) FROM sources WHERE id NOT IN (SELECT source_id FROM source_stats)`))
	raw.Close()

	ctx := context.Background()
	store, err := sqlite.Open(ctx, restored)
	require.NoError(t, err)
	require.NoError(t, store.IntegrityCheck(ctx))
	require.NoError(t, store.CheckSearchIndex(ctx))
	require.NoError(t, store.Close())

	// The server starts on the restored copy and serves its pages, the
	// newest claim made before the cutoff among them.
	require.NotZero(t, lastClaim.claim)
	_, addr2, _ := startServer(t, restored)
	for _, path := range []string{"/claims", "/claims/" + strconv.FormatInt(lastClaim.claim, 10), "/sources", "/changes"} {
		res, err := http.Get("http://" + addr2 + path)
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.StatusCode, path)
		if strings.HasPrefix(path, "/claims/") {
			assert.Contains(t, string(body), lastClaim.marker, "the claim's page shows its text")
		}
	}
	t.Logf("%d writes acknowledged more than %s before the kill, all in the replica; %d later, %d of them in it too; the oldest missing was acknowledged %s before the kill",
		before, lsLag, after, afterKept, oldestMissing.Round(time.Millisecond))
}
