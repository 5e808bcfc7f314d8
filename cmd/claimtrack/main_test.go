package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/password"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain_Run starts the server as main does, on port 0, against a new
// database: it is created, migrated and seeded, and serves the claims list.
func TestMain_Run(t *testing.T) {
	t.Parallel()
	m := NewMain(io.Discard, io.Discard)
	m.Config = Config{Addr: "127.0.0.1:0", DB: filepath.Join(t.TempDir(), "sub", "dir", "claimtrack.db")}
	require.NoError(t, m.Run(context.Background()))
	t.Cleanup(func() { m.Close() })

	res, err := http.Get("http://" + m.Addr() + "/claims")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, 8, strings.Count(string(body), `data-testid="claim-row"`))
	require.NoError(t, m.Close())

	// A second start on the same file does not seed again.
	m2 := NewMain(io.Discard, io.Discard)
	m2.Config = m.Config
	require.NoError(t, m2.Run(context.Background()))
	page, err := m2.DB.FindClaims(context.Background(), claimtrack.ClaimFilter{})
	require.NoError(t, err)
	assert.Equal(t, 8, page.Total)
	require.NoError(t, m2.Close())
}

func TestParseFlags(t *testing.T) {
	t.Setenv("CLAIMTRACK_ADDR", "127.0.0.1:9999")
	t.Setenv("CLAIMTRACK_DB", "/tmp/from-env.db")
	m := NewMain(io.Discard, io.Discard)
	require.NoError(t, m.ParseFlags(nil))
	assert.Equal(t, withLimitDefaults(Config{Addr: "127.0.0.1:9999", DB: "/tmp/from-env.db", OrgName: "Claimtrack"}), m.Config)
	t.Setenv("CLAIMTRACK_ORG_NAME", "The Check Desk")
	require.NoError(t, m.ParseFlags([]string{"--addr", ":7000", "--db", "x.db"}))
	assert.Equal(t, withLimitDefaults(Config{Addr: ":7000", DB: "x.db", OrgName: "The Check Desk"}), m.Config, "flags win over the environment")
	require.NoError(t, m.ParseFlags([]string{"--org-name", "Desk Two"}))
	assert.Equal(t, "Desk Two", m.Config.OrgName)
	require.Error(t, m.ParseFlags([]string{"--nope"}))

	// Litestream: off unless the flag or the environment says so.
	assert.False(t, m.Config.Litestream)
	require.NoError(t, m.ParseFlags([]string{"--litestream"}))
	assert.True(t, m.Config.Litestream)
	t.Setenv("CLAIMTRACK_LITESTREAM", "1")
	require.NoError(t, m.ParseFlags(nil))
	assert.True(t, m.Config.Litestream)
	require.NoError(t, m.ParseFlags([]string{"--litestream=false"}))
	assert.False(t, m.Config.Litestream, "the flag wins over the environment")
}

func TestCommands(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	require.NoError(t, run(context.Background(), []string{"version"}, &out, io.Discard))
	assert.Contains(t, out.String(), "claimtrack")

	path := filepath.Join(t.TempDir(), "seed.db")
	out.Reset()
	require.NoError(t, run(context.Background(), []string{"seed", "--db", path}, &out, io.Discard))
	assert.Contains(t, out.String(), "loaded victory-day.json")
	out.Reset()
	require.NoError(t, run(context.Background(), []string{"seed", "--db", path}, &out, io.Discard))
	assert.Contains(t, out.String(), "nothing changed")

	assert.ErrorIs(t, run(context.Background(), []string{"frobnicate"}, io.Discard, io.Discard), errUsage)
}

// binDir holds the binary built for the tests that run it for real.
var binDir string

func TestMain(m *testing.M) {
	var err error
	if binDir, err = os.MkdirTemp("", "claimtrack-bin-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(binDir)
	os.Exit(code)
}

// buildBinary compiles the command once for the tests that run it for real.
var buildBinary = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(binDir, "claimtrack")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// genDB fills the database at path with n generated claims by running the
// built binary's gen command: the same command TestGen runs in process, here
// only the setup of a test, and without the race detector's cost.
func genDB(t *testing.T, path string, n int) {
	t.Helper()
	bin, err := buildBinary()
	require.NoError(t, err)
	out, err := exec.Command(bin, "gen", "--claims", strconv.Itoa(n), "--db", path).CombinedOutput()
	require.NoError(t, err, "gen: %s", out)
}

// lockedBuilder is a log buffer written by one goroutine and read by another.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) WriteString(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServer runs the real binary on port 0 and returns its address.
func startServer(t *testing.T, db string) (*exec.Cmd, string, *lockedBuilder) {
	t.Helper()
	return startServerWith(t, db, nil)
}

// startServerWith runs the real binary on port 0 with extra environment
// variables (KEY=value) and serve flags, and returns its address.
func startServerWith(t *testing.T, db string, env []string, args ...string) (*exec.Cmd, string, *lockedBuilder) {
	t.Helper()
	bin, err := buildBinary()
	require.NoError(t, err)
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, args...)...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	logs := &lockedBuilder{}
	addrCh := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`msg=listening addr=(\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addrCh <- m[1]
			}
		}
	}()
	select {
	case addr := <-addrCh:
		return cmd, addr, logs
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start listening")
	}
	return nil, "", nil
}

// copyFile copies a database file (for checks that run on a copy of a large one).
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	require.NoError(t, err)
	defer in.Close()
	out, err := os.Create(to)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
}

// residentBytes is the resident memory of process pid (VmRSS), read from /proc.
func residentBytes(t *testing.T, pid int) int64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^VmRSS:\s+(\d+) kB`).FindSubmatch(status)
	require.NotNil(t, m, "VmRSS in /proc/%d/status", pid)
	kb, err := strconv.ParseInt(string(m[1]), 10, 64)
	require.NoError(t, err)
	return kb << 10
}

// firstAdmin creates the first admin through the setup link in the server's
// log and returns the Cookie header of the signed-in browser and the CSRF
// token its forms carry (bound to the session).
func firstAdmin(t *testing.T, base string, logs *lockedBuilder) (string, string) {
	t.Helper()
	var link string
	require.Eventually(t, func() bool {
		m := regexp.MustCompile(`setup=\S+(/setup\?token=[A-Za-z0-9_-]+)`).FindStringSubmatch(logs.String())
		if m != nil {
			link = m[1]
		}
		return m != nil
	}, 10*time.Second, 20*time.Millisecond, "the server prints a setup link")
	res, err := http.Get(base + link)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var csrf string
	for _, c := range res.Cookies() {
		if c.Name == "_csrf" {
			csrf = c.Value
		}
	}
	require.NotEmpty(t, csrf)
	form := url.Values{"_csrf": {csrf}, "token": {strings.TrimPrefix(link, "/setup?token=")}, "username": {"chief"},
		"password": {"the first admin's secret"}}
	req, err := http.NewRequest(http.MethodPost, base+"/setup", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", "_csrf="+csrf)
	res, err = http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	cookie := "_csrf=" + csrf
	for _, c := range res.Cookies() {
		if c.Name == "claimtrack_session" {
			cookie += "; " + c.Name + "=" + c.Value
		}
	}
	require.Contains(t, cookie, "claimtrack_session=")
	// Signed in, forms carry the session's own token: read it from a page.
	req, err = http.NewRequest(http.MethodGet, base+"/account", nil)
	require.NoError(t, err)
	req.Header.Set("Cookie", cookie)
	res, err = http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	m := regexp.MustCompile(`name="_csrf" value="([A-Za-z0-9_-]+)"`).FindSubmatch(page)
	require.NotNil(t, m, "the signed-in admin's forms carry a CSRF token")
	return cookie, string(m[1])
}

// Acceptance 5: SIGTERM while requests are in flight lets them finish, the
// process exits cleanly, and the database it leaves passes integrity_check.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "shutdown.db")
	cmd, addr, logs := startServer(t, db)
	base := "http://" + addr

	// The first admin, created from the setup link the server printed, and
	// their browser's cookies and form token.
	cookie, csrf := firstAdmin(t, base, logs)
	req, err := http.NewRequest(http.MethodGet, base+"/claims/1", nil)
	require.NoError(t, err)
	req.Header.Set("Cookie", cookie)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	token := [][]byte{nil, []byte(csrf)}
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindSubmatch(page)
	require.NotNil(t, version, "an admin sees the status form")

	// An in-flight POST: headers and half the body now, the rest after SIGTERM.
	body := url.Values{"_csrf": {string(token[1])}, "status": {"refuted"}, "note": {"Sent across the shutdown."},
		"version": {string(version[1])}}.Encode()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST /claims/1/status HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		addr, cookie, len(body), body[:len(body)/2])
	require.NoError(t, err)

	// Background load of page views across the signal.
	var ok, refused, broken atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 20 * time.Second}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := client.Get(base + "/claims/2")
				if err != nil {
					var op *net.OpError
					if errors.As(err, &op) && (op.Op == "dial" || errors.Is(err, syscall.ECONNRESET)) || errors.Is(err, io.EOF) {
						refused.Add(1) // never accepted by the server: the listener had closed
						time.Sleep(5 * time.Millisecond)
						continue
					}
					broken.Add(1)
					continue
				}
				_, err = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if err != nil || res.StatusCode != http.StatusOK {
					broken.Add(1)
				} else {
					ok.Add(1)
				}
			}
		}()
	}
	require.Eventually(t, func() bool { return ok.Load() >= 8 }, 20*time.Second, 5*time.Millisecond,
		"page views are served before the signal")
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	signalled := time.Now()
	// The server is shutting down: it says so, and its listener is closed
	// (a page view was refused a connection).
	require.Eventually(t, func() bool {
		return strings.Contains(logs.String(), `msg="shutting down"`) && refused.Load() > 0
	}, 10*time.Second, 5*time.Millisecond, "the server shuts down and closes its listener after SIGTERM")

	// It waits for the request it has begun.
	_, err = io.WriteString(conn, body[len(body)/2:])
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	reply, err := io.ReadAll(conn)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(reply), "HTTP/1.1 303"), "the in-flight request completes: %q", string(reply))

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "clean exit after SIGTERM")
	case <-time.After(10*time.Second - time.Since(signalled)):
		t.Fatal("the server did not exit within 10 s of SIGTERM")
	}
	exited := time.Since(signalled)
	close(stop)
	wg.Wait()
	assert.Positive(t, ok.Load(), "page views were served before the signal")
	assert.Zero(t, broken.Load(), "no accepted request was cut off or failed")
	t.Logf("SIGTERM under load: %d page views served, %d connections refused after the listener closed, %d broken; exited %s after the signal",
		ok.Load(), refused.Load(), broken.Load(), exited.Round(time.Millisecond))

	// The next start finds a sound database holding the in-flight change.
	store, err := sqlite.Open(context.Background(), db)
	require.NoError(t, err)
	defer store.Close()
	require.NoError(t, store.IntegrityCheck(context.Background()))
	claim, err := store.FindClaimByID(context.Background(), 1)
	require.NoError(t, err)
	assert.Equal(t, claimtrack.StatusRefuted, claim.Status)
	assert.Equal(t, "Sent across the shutdown.", claim.VerdictNote)
}

func TestCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "check.db")
	require.NoError(t, run(ctx, []string{"seed", "--db", path}, io.Discard, io.Discard))

	var out strings.Builder
	require.NoError(t, run(ctx, []string{"check", "--db", path}, &out, io.Discard))
	assert.Contains(t, out.String(), "database: ok")
	assert.Contains(t, out.String(), "search index: ok")

	// Damage the search index behind FTS5's back: check must say so.
	raw, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	_, err = raw.Exec(`UPDATE claim_search_content SET c0 = 'words the index never saw' WHERE id = 1`)
	require.NoError(t, err)
	require.NoError(t, raw.Close())
	err = run(ctx, []string{"check", "--db", path}, io.Discard, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "claim_search", "the report names the damaged index")

	assert.Error(t, run(ctx, []string{"check", "--db", filepath.Join(t.TempDir(), "missing.db")}, io.Discard, io.Discard),
		"checking a database that does not exist does not create one")
}

func TestGen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "gen.db")
	var out strings.Builder
	require.NoError(t, run(context.Background(), []string{"gen", "--claims", "500", "--db", path}, &out, io.Discard))
	assert.Contains(t, out.String(), "generated 500 claims")
	db, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	defer db.Close()
	page, err := db.FindClaims(context.Background(), claimtrack.ClaimFilter{})
	require.NoError(t, err)
	assert.Equal(t, 500, page.Total)
	require.NoError(t, db.CheckSearchIndex(context.Background()))
	assert.Error(t, run(context.Background(), []string{"gen", "--claims", "0", "--db", path}, io.Discard, io.Discard))
}

// Not parallel with other tests: it replaces the command's standard input.
func TestUserCommand(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "users.db")
	defer func() { stdin = os.Stdin }()

	// A password piped in.
	stdin = strings.NewReader("a long enough secret\n")
	var out strings.Builder
	require.NoError(t, run(ctx, []string{"user", "add", "--username", "chief", "--role", "admin", "--db", path}, &out, io.Discard))
	assert.Contains(t, out.String(), "account chief created with the role admin")
	assert.NotContains(t, out.String(), "a long enough secret", "a typed password is never printed")

	// A generated one, printed once.
	out.Reset()
	require.NoError(t, run(ctx, []string{"user", "add", "--username", "eddie", "--role", "editor", "--generate", "--db", path}, &out, io.Discard))
	m := regexp.MustCompile(`password: (\S{20})\n`).FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())

	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	u, hash, err := db.FindUserByUsername(ctx, "eddie")
	require.NoError(t, err)
	assert.Equal(t, claimtrack.RoleEditor, u.Role)
	ok, err := password.Verify(ctx, m[1], hash)
	require.NoError(t, err)
	assert.True(t, ok, "the printed password is the stored one")
	require.NoError(t, db.Close())

	// Refusals say why and change nothing.
	for _, args := range [][]string{
		{"user", "add", "--username", "chief", "--role", "editor", "--generate"}, // taken
		{"user", "add", "--username", "x", "--role", "editor", "--generate"},     // too short
		{"user", "add", "--username", "nadia", "--role", "owner", "--generate"},  // no such role
		{"user", "add", "--username", "nadia", "--role", "viewer"},               // common password (below)
		{"user", "passwd", "--username", "nobody", "--generate"},                 // no such account
		{"user", "remove", "--username", "chief"},                                // no such subcommand
	} {
		stdin = strings.NewReader("password123\n")
		err := run(ctx, append(args, "--db", path), io.Discard, io.Discard)
		assert.Error(t, err, "%v", args)
	}

	// A new password from standard input.
	stdin = strings.NewReader("another long secret\n")
	out.Reset()
	require.NoError(t, run(ctx, []string{"user", "passwd", "--username", "EDDIE", "--db", path}, &out, io.Discard))
	assert.Contains(t, out.String(), "password of eddie changed")
	db, err = sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	_, hash, err = db.FindUserByUsername(ctx, "eddie")
	require.NoError(t, err)
	ok, _ = password.Verify(ctx, "another long secret", hash)
	assert.True(t, ok)
	users, err := db.FindUsers(ctx)
	require.NoError(t, err)
	assert.Len(t, users, 2)
}

// check opens the file read-only: on a database whose schema is older it
// says so, and leaves the file byte for byte as it was (its time too);
// repair is the command that migrates, and check passes after it.
func TestCheck_ReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// A database made by the code of an older schema (before migration 0012).
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := os.ReadFile(filepath.Join("..", "..", "internal", "sqlite", "testdata", "schema-0011.db"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, old, 0o644))
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	require.NoError(t, os.Chtimes(path, past, past))
	content, err := os.ReadFile(path)
	require.NoError(t, err)

	var out strings.Builder
	checkErr := run(ctx, []string{"check", "--db", path}, &out, io.Discard)
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.Equal(content, after), "check changed the database file")
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.True(t, st.ModTime().Equal(past), "check wrote to the database file (mtime %v, was %v)", st.ModTime(), past)
	require.Error(t, checkErr, "an old schema is not a passing check")
	assert.Contains(t, out.String(), "schema: needs migration")
	assert.Contains(t, out.String(), "0012_ids_never_reused")
	assert.Contains(t, out.String(), "database: ok")

	out.Reset()
	require.NoError(t, run(ctx, []string{"repair", "--db", path}, &out, io.Discard))
	assert.Contains(t, out.String(), "search index: rebuilt")
	out.Reset()
	require.NoError(t, run(ctx, []string{"check", "--db", path}, &out, io.Discard))
	assert.Contains(t, out.String(), "schema: up to date")

	out.Reset()
	require.NoError(t, run(ctx, []string{"help"}, &out, io.Discard))
	assert.Contains(t, out.String(), "repair")
}
