package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serverLog is everything a server wrote to its log so far.
type serverLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *serverLog) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, line)
}

func (l *serverLog) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// startFirstRun starts the server on a new database with no account, as a
// first `make run` does, and keeps its whole log.
func startFirstRun(t *testing.T) (*app, *serverLog) {
	t.Helper()
	a := &app{db: filepath.Join(t.TempDir(), "first.db")}
	cmd := exec.Command(binPath, "serve", "--addr", "127.0.0.1:0", "--db", a.db)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	logs := &serverLog{}
	addr, setup := make(chan string, 1), make(chan string, 1)
	go func() {
		listening := regexp.MustCompile(`msg=listening addr=(\S+)`)
		link := regexp.MustCompile(`setup=\S*(/setup\?token=[A-Za-z0-9_-]+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.add(sc.Text())
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
			if m := link.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case setup <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case a.base = <-addr:
		a.base = "http://" + a.base
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start listening")
	}
	select {
	case a.setup = <-setup:
	case <-time.After(10 * time.Second):
		t.Fatal("the server printed no setup link")
	}
	return a, logs
}

// Issue 18, items 13 and 14, "first run": on a new tracker, browsing leaves
// the setup link in sight in the log (static files are not logged at info
// level), the link creates the first admin, and the examples the README
// gives (a claim as of the day of install, a tag) show something.
func TestJourney_FirstRun(t *testing.T) {
	needBrowser(t)
	for _, js := range []bool{true, false} {
		mode := map[bool]string{true: "js", false: "nojs"}[js]
		t.Run(mode, func(t *testing.T) {
			a, logs := startFirstRun(t)
			b := newBrowser(t, a, "first run ("+mode+")", js)

			// A newcomer looks around: pages with their stylesheet, script and icons.
			for _, path := range []string{"/", "/sources", "/changes", "/claims/1"} {
				b.open(path)
				require.NotEmpty(t, b.text("h1"), path)
			}
			// Every request is logged by the time its response is read: fetch
			// once more so the last page's own requests are in the log.
			status, _ := fetch(t, a.httpClient(t, ""), a.base+"/healthz")
			require.Equal(t, 200, status)
			log := logs.text()
			assert.Contains(t, log, "path=/claims/1 ", "pages are logged")
			for _, quiet := range []string{"path=/static/", "path=/favicon.ico", "path=/healthz"} {
				assert.NotContains(t, log, quiet, "static files and health checks are not logged at info level")
			}
			requests := strings.Count(log, "msg=request ")
			assert.LessOrEqual(t, requests, 6, "one line per page, not one per file it loads:\n%s", log)
			assert.Contains(t, log, "setup=", "the setup link is in the log")

			// The README's examples work on the day of install.
			today := time.Now().UTC().Format(time.DateOnly)
			b.open("/claims/1?as_of=" + today)
			assert.Contains(t, b.text(`[data-testid="as-of-banner"]`), today)
			assert.Zero(t, b.count(`[data-testid="empty"]`), "the claim existed on the day of install")
			assert.NotEmpty(t, b.text(`[data-testid="claim-text"]`))
			b.open("/claims?tag=victory-day")
			assert.Positive(t, b.count(`[data-testid="claim-row"]`))

			// The setup link creates the first admin.
			b.open(a.setup)
			assert.Equal(t, "Create the first admin", b.text("h1"))
			b.fill("#account-username", "chief")
			b.fill("#account-password", "the first admin's own password")
			b.follow(`[data-testid="setup-form"] button[type="submit"]`)
			assert.Contains(t, b.text(`[data-testid="who"]`), "chief")
			b.screenshot("first-run-" + mode)
			b.clean()
		})
	}
}
