package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 16, item 1, against the real binary: 64 connections from one
// client address send the headers of a request with a 60,000-byte body and
// one byte of it. Meanwhile another client's claim pages are all served, with
// p99 under 500 ms, and signing in still answers. The attacker's address
// holds no more connections than its bound; the rest are refused.
//
// Not parallel with other tests: it times the claim pages.
func TestSlowBodies_Binary(t *testing.T) {
	db := filepath.Join(t.TempDir(), "slow.db")
	// The slow bodies may take all of 20 s, so that every one the server
	// accepted is still open while the pages are measured.
	_, addr, _ := startServerWith(t, db, []string{"CLAIMTRACK_BODY_RATE_GRACE=20s", "CLAIMTRACK_BODY_TIMEOUT=20s"})
	base := "http://" + addr

	// The attacker, from 127.0.0.2: every reply (its status line) or the
	// connection's end is reported on replies.
	const attackers = 64
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, Timeout: 2 * time.Second}
	replies := make(chan string, attackers)
	started := time.Now()
	for i := range attackers {
		conn, err := dialer.Dial("tcp", addr)
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close() })
		line := "GET /claims"
		if i%2 == 1 {
			line = "POST /login"
		}
		_, err = fmt.Fprintf(conn, "%s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\nx", line, addr)
		require.NoError(t, err)
		go func() {
			status, err := bufio.NewReader(conn).ReadString('\n')
			if err != nil && status == "" {
				status = "closed: " + err.Error()
			}
			replies <- strings.TrimSpace(status)
		}()
	}
	attacked := time.Since(started)

	// The reader, from 127.0.0.1: 100 claim pages, four at a time.
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	durations := make([]time.Duration, 100)
	codes := make([]int, 100)
	var next atomic.Int64
	var failed atomic.Bool // after a failure, the rest are not sent
	var wg sync.WaitGroup
	measured := time.Now()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(durations) && !failed.Load(); i = int(next.Add(1)) - 1 {
				start := time.Now()
				res, err := client.Get(base + "/claims/" + strconv.Itoa(1+i%8))
				if err != nil {
					codes[i] = -1
					failed.Store(true)
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				durations[i], codes[i] = time.Since(start), res.StatusCode
				if res.StatusCode != http.StatusOK {
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	total := time.Since(measured)
	for i, code := range codes {
		require.Equal(t, http.StatusOK, code, "claim page request %d (after %s)", i, durations[i].Round(time.Millisecond))
	}
	sorted := slices.Clone(durations)
	slices.Sort(sorted)
	p50, p99, worst := sorted[49], sorted[98], sorted[99]
	assert.Less(t, p99, 500*time.Millisecond, "p99 of the claim pages")

	// Signing in answers (a wrong password: 422), not 503.
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := browser.Get(base + "/login")
	require.NoError(t, err)
	form, _ := io.ReadAll(res.Body)
	res.Body.Close()
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(form)
	require.NotNil(t, token, "the sign-in form carries a CSRF token")
	signIn := time.Now()
	res, err = browser.PostForm(base+"/login", url.Values{"_csrf": {string(token[1])}, "username": {"nobody"}, "password": {"not the password"}})
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "sign-in answers while the slow bodies are open")
	signInTook := time.Since(signIn)

	// The attacker's address was held to its bound (32 by default): the
	// connections beyond it were refused at once, and those accepted are
	// still open, unanswered.
	refused := 0
	for refused < attackers-32 {
		select {
		case r := <-replies:
			require.True(t, strings.HasPrefix(r, "HTTP/1.1 503 "), "only refusals are answered yet: %q", r)
			refused++
		case <-time.After(5 * time.Second):
			t.Fatalf("%d of %d connections beyond the bound were refused", refused, attackers-32)
		}
	}
	select {
	case r := <-replies:
		t.Fatalf("an accepted slow body was answered or closed before its time: %q", r)
	default:
	}
	t.Logf("%d slow bodies from 127.0.0.2 (%d accepted, %d refused; sent in %s); 100 claim pages from 127.0.0.1, 4 at a time, in %s: p50 %s, p99 %s, max %s; sign-in %s",
		attackers, attackers-refused, refused, attacked.Round(time.Millisecond), total.Round(time.Millisecond),
		p50.Round(100*time.Microsecond), p99.Round(100*time.Microsecond), worst.Round(100*time.Microsecond), signInTook.Round(time.Millisecond))
}

// Issue 16, item 3, against the real binary: twelve anonymous 33 MB uploads
// to the import form at once are refused (403) before their bodies are read,
// and the server's resident memory rises by less than 20 MB.
func TestImportFlood_Binary(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "flood.db")
	cmd, addr, _ := startServer(t, db)
	pid := cmd.Process.Pid
	// A page first, so that what serving needs is in place before measuring.
	res, err := http.Get("http://" + addr + "/claims")
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	before := residentBytes(t, pid)

	var peak atomic.Int64
	peak.Store(before)
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if rss, ok := rssOf(pid); ok && rss > peak.Load() {
				peak.Store(rss)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()

	const uploads, size = 12, 33_000_000
	const boundary = "floodboundary"
	head := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nforged\r\n" +
		"--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.json\"\r\n\r\n"
	chunk := []byte(strings.Repeat("x", 64<<10))
	statuses := make([]string, uploads)
	sent := make([]int64, uploads)
	started := time.Now()
	var wg sync.WaitGroup
	for i := range uploads {
		conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
		require.NoError(t, err)
		defer conn.Close()
		require.NoError(t, conn.SetDeadline(time.Now().Add(15*time.Second)))
		wg.Add(2)
		go func() { // the upload, until it is all sent or the server hangs up
			defer wg.Done()
			_, err := fmt.Fprintf(conn, "POST /admin/import HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n",
				addr, boundary, size)
			var total int64
			if err == nil {
				n, werr := io.WriteString(conn, head)
				total, err = int64(n), werr
			}
			for err == nil && total < size {
				n, werr := conn.Write(chunk[:min(int64(len(chunk)), size-total)])
				total, err = total+int64(n), werr
			}
			sent[i] = total
		}()
		go func() { // its answer
			defer wg.Done()
			line, _ := bufio.NewReader(conn).ReadString('\n')
			statuses[i] = strings.TrimSpace(line)
		}()
	}
	wg.Wait()
	took := time.Since(started)
	close(stop)
	<-sampled
	after := residentBytes(t, pid)
	for i, s := range statuses {
		assert.Equal(t, "HTTP/1.1 403 Forbidden", s, "upload %d", i)
	}
	rise := peak.Load() - before
	assert.Less(t, rise, int64(20<<20), "resident memory rose by %d MiB at the peak", rise>>20)
	var total int64
	for _, n := range sent {
		total += n
	}
	t.Logf("12 anonymous 33 MB uploads to /admin/import, all answered in %s: RSS %d MiB before, %d MiB at the peak, %d MiB after; %.1f MB sent before the server hung up",
		took.Round(time.Millisecond), before>>20, peak.Load()>>20, after>>20, float64(total)/1e6)
}

// rssOf is the resident memory of process pid, without failing the test (for
// sampling from another goroutine).
func rssOf(pid int) (int64, bool) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	m := regexp.MustCompile(`(?m)^VmRSS:\s+(\d+) kB`).FindSubmatch(status)
	if m == nil {
		return 0, false
	}
	kb, err := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10, err == nil
}

// The body and connection limits are serve flags with environment fallbacks;
// zero (unset) means the default, and bad values are refused.
func TestParseFlags_Limits(t *testing.T) {
	m := NewMain(io.Discard, io.Discard)
	require.NoError(t, m.ParseFlags(nil))
	assert.Zero(t, m.Config.BodyTimeout, "unset: the default")
	t.Setenv("CLAIMTRACK_BODY_TIMEOUT", "15s")
	t.Setenv("CLAIMTRACK_IMPORT_BODY_TIMEOUT", "10m")
	t.Setenv("CLAIMTRACK_BODY_MIN_RATE", "-1")
	t.Setenv("CLAIMTRACK_BODY_RATE_GRACE", "3s")
	t.Setenv("CLAIMTRACK_MAX_CONNS_PER_ADDR", "100")
	require.NoError(t, m.ParseFlags(nil))
	assert.Equal(t, 15*time.Second, m.Config.BodyTimeout)
	assert.Equal(t, 10*time.Minute, m.Config.ImportBodyTimeout)
	assert.Equal(t, -1, m.Config.BodyMinRate)
	assert.Equal(t, 3*time.Second, m.Config.BodyRateGrace)
	assert.Equal(t, 100, m.Config.MaxConnsPerAddr)
	require.NoError(t, m.ParseFlags([]string{"--body-timeout", "5s", "--max-conns-per-addr", "8", "--body-min-rate", "1024"}))
	assert.Equal(t, 5*time.Second, m.Config.BodyTimeout, "flags win over the environment")
	assert.Equal(t, 8, m.Config.MaxConnsPerAddr)
	assert.Equal(t, 1024, m.Config.BodyMinRate)

	assert.Error(t, m.ParseFlags([]string{"--body-timeout", "-1s"}))
	assert.Error(t, m.ParseFlags([]string{"--max-conns-per-addr", "many"}))
	t.Setenv("CLAIMTRACK_BODY_RATE_GRACE", "soon")
	assert.ErrorContains(t, m.ParseFlags(nil), "CLAIMTRACK_BODY_RATE_GRACE")
}
