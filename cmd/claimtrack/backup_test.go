package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// `claimtrack backup`, run while the real server takes new claims through its
// forms, writes a copy that passes every check and holds every claim the
// server acknowledged before the command started.
func TestBackupCommand_WhileServing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "live.db")
	_, addr, logs := startServer(t, dbPath)
	base := "http://" + addr
	cookie, csrf := firstAdmin(t, base, logs)

	var mu sync.Mutex
	var acked []int64
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			form := url.Values{"_csrf": {csrf}, "text": {fmt.Sprintf("A claim sent while the backup runs, number %d.", i)}, "kind": {"statement"},
				"similar_seen": {"1"}} // alike on purpose
			req, _ := http.NewRequest(http.MethodPost, base+"/claims", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Cookie", cookie)
			res, err := client.Do(req)
			if err != nil {
				done <- err
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				done <- fmt.Errorf("new claim: status %d", res.StatusCode)
				return
			}
			id, err := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/claims/"), 10, 64)
			if err != nil {
				done <- fmt.Errorf("new claim: location %q", res.Header.Get("Location"))
				return
			}
			mu.Lock()
			acked = append(acked, id)
			mu.Unlock()
		}
	}()
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 20 }, 20*time.Second, 10*time.Millisecond)
	mu.Lock()
	before := append([]int64(nil), acked...)
	mu.Unlock()

	dest := filepath.Join(dir, "backup.db")
	var out strings.Builder
	require.NoError(t, run(context.Background(), []string{"backup", dest, "--db", dbPath}, &out, io.Discard))
	assert.Contains(t, out.String(), "backup: wrote "+dest)
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= len(before)+5 }, 20*time.Second, 10*time.Millisecond,
		"the server keeps taking changes")
	close(stop)
	require.NoError(t, <-done)

	copyDB, err := sqlite.Open(context.Background(), dest)
	require.NoError(t, err)
	defer copyDB.Close()
	require.NoError(t, copyDB.IntegrityCheck(context.Background()))
	for _, id := range before {
		_, err := copyDB.FindClaimByID(context.Background(), id)
		require.NoError(t, err, "claim %d was acknowledged before the backup", id)
	}

	// A second backup to the same name is refused and leaves the first alone.
	err = run(context.Background(), []string{"backup", "--db", dbPath, dest}, io.Discard, io.Discard)
	assert.ErrorContains(t, err, "already exists")
	assert.ErrorIs(t, run(context.Background(), []string{"backup", "--db", dbPath}, io.Discard, io.Discard), errUsage)
}
