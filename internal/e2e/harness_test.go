// Package e2e drives the real server binary with a real Chromium: the
// journeys people take (with JavaScript on and off), accessibility with
// axe-core, valid HTML with the Nu Html Checker, and phone widths.
//
// The tests run when CLAIMTRACK_BROWSER_TESTS=1 (make test sets it, after
// installing Chromium and the pinned npm tools); plain `go test` and
// `make test-fast` skip them.
package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// The accounts every app has, made with `claimtrack user add`.
const (
	editorName = "editor"
	adminName  = "chief"
	password   = "a long test password"
)

var (
	repoRoot string // the repository, two levels up
	binPath  string // the binary built for this run
	tools    struct {
		chromium, axe, vnu, java string
	}
	setupErr error
)

func TestMain(m *testing.M) {
	code := func() int {
		if os.Getenv("CLAIMTRACK_BROWSER_TESTS") == "" {
			return m.Run() // every test skips
		}
		root, err := filepath.Abs("../..")
		if err != nil {
			setupErr = err
			return m.Run()
		}
		repoRoot = root
		dir, err := os.MkdirTemp("", "claimtrack-e2e-")
		if err != nil {
			setupErr = err
			return m.Run()
		}
		defer os.RemoveAll(dir)
		binPath = filepath.Join(dir, "claimtrack")
		if out, err := exec.Command("go", "build", "-o", binPath, filepath.Join(root, "cmd", "claimtrack")).CombinedOutput(); err != nil {
			setupErr = fmt.Errorf("go build: %v\n%s", err, out)
			return m.Run()
		}
		setupErr = findTools()
		return m.Run()
	}()
	os.Exit(code)
}

// findTools locates Chromium, axe-core, the Nu Html Checker and Java.
func findTools() error {
	var errs []error
	var err error
	if tools.chromium, err = exec.LookPath("chromium"); err != nil {
		errs = append(errs, errors.New("chromium is not installed (make browser-tools installs it)"))
	}
	if tools.java, err = exec.LookPath("java"); err != nil {
		errs = append(errs, errors.New("java is not installed (make browser-tools installs it)"))
	}
	tools.axe = filepath.Join(repoRoot, ".e2e", "node_modules", "axe-core", "axe.min.js")
	tools.vnu = filepath.Join(repoRoot, ".e2e", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	for _, f := range []string{tools.axe, tools.vnu} {
		if _, err := os.Stat(f); err != nil {
			errs = append(errs, fmt.Errorf("%s is missing (make browser-tools installs it)", f))
		}
	}
	return errors.Join(errs...)
}

// needBrowser skips the test unless the browser tests are on, and fails it
// when they are on but something they need is missing.
func needBrowser(t *testing.T) {
	t.Helper()
	if os.Getenv("CLAIMTRACK_BROWSER_TESTS") == "" {
		t.Skip("browser tests run with CLAIMTRACK_BROWSER_TESTS=1 (make test)")
	}
	require.NoError(t, setupErr)
}

// app is the real binary serving a fresh, seeded database on a free port.
type app struct {
	base  string
	db    string
	setup string // the first-admin setup address, when the app has no account
}

// startApp makes the two accounts, starts the server and waits until it
// listens; the server stops with the test.
func startApp(t *testing.T) *app { return startServer(t, true) }

// startServer starts the server, with the two accounts or with none (then
// the app's setup link is in a.setup), and any more serve flags.
func startServer(t *testing.T, accounts bool, serveArgs ...string) *app {
	t.Helper()
	dir := t.TempDir()
	a := &app{db: filepath.Join(dir, "e2e.db")}
	users := []struct{ name, role string }{{editorName, "editor"}, {adminName, "admin"}}
	if !accounts {
		users = nil
	}
	for _, u := range users {
		cmd := exec.Command(binPath, "user", "add", "--username", u.name, "--role", u.role, "--db", a.db)
		cmd.Stdin = strings.NewReader(password + "\n")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "user add: %s", out)
	}
	// A search budget no machine busy with the rest of the suite runs out of
	// (past the default 150 ms a search is "too broad" and a name close to a
	// source's is taken as new); a test's own arguments come after and win.
	args := []string{"serve", "--addr", "127.0.0.1:0", "--db", a.db, "--search-budget", "30s"}
	cmd := exec.Command(binPath, append(args, serveArgs...)...)
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
	addr, setup := make(chan string, 1), make(chan string, 1)
	go func() {
		listening := regexp.MustCompile(`msg=listening addr=(\S+)`)
		link := regexp.MustCompile(`setup=\S*(/setup\?token=[A-Za-z0-9_-]+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
			if m := link.FindStringSubmatch(sc.Text()); m != nil {
				setup <- m[1]
			}
		}
	}()
	select {
	case a.base = <-addr:
		a.base = "http://" + a.base
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start listening")
	}
	if !accounts {
		select {
		case a.setup = <-setup:
		case <-time.After(10 * time.Second):
			t.Fatal("the server printed no setup link")
		}
	}
	return a
}

// httpClient is a signed-in (or anonymous, with user "") HTTP client with
// its own cookies, for fetching pages outside the browser.
func (a *app) httpClient(t *testing.T, user string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	if user == "" {
		return c
	}
	res, err := c.Get(a.base + "/login")
	require.NoError(t, err)
	res.Body.Close()
	base, _ := url.Parse(a.base)
	var token string
	for _, ck := range jar.Cookies(base) {
		if ck.Name == "_csrf" {
			token = ck.Value
		}
	}
	res, err = c.PostForm(a.base+"/login", url.Values{"_csrf": {token}, "username": {user}, "password": {password}})
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "signed in as %s", user)
	return c
}

// browser is one Chromium with its own profile, and what it reported.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	name string
	app  *app // the app it browses

	mu       sync.Mutex
	problems []string
}

// newBrowser starts Chromium as the tests want it: headless, no sandbox, no
// background traffic, a fresh profile; with JavaScript on or off.
func newBrowser(t *testing.T, a *app, name string, js bool) *browser {
	t.Helper()
	// On a loaded machine Chromium now and then fails to start (it exits
	// before it says where it listens): a second try is a fresh process.
	var errs []error
	for try := 0; try < 3; try++ {
		b, err := startBrowser(t, a, name, js)
		if err == nil {
			b.app = a
			return b
		}
		errs = append(errs, err)
		time.Sleep(time.Second)
	}
	require.NoError(t, errors.Join(errs...), "Chromium did not start")
	return nil
}

// startBrowser starts one Chromium; it is stopped with the test.
func startBrowser(t *testing.T, a *app, name string, js bool) (*browser, error) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(tools.chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	stop := func() { cancelTimeout(); cancelCtx(); cancelAlloc() }
	b := &browser{t: t, ctx: ctx, base: a.base, name: name}
	if err := b.listenErr(ctx); err != nil {
		stop()
		return nil, err
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), b.setup(js)); err != nil {
		stop()
		return nil, err
	}
	t.Cleanup(stop)
	return b, nil
}

// setup turns on the domains the listener needs and, for a browser without
// JavaScript, turns scripts off.
func (b *browser) setup(js bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, cdplog.Enable, cdp.Empty{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if !js {
			if _, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
				return err
			}
		}
		return nil
	})
}

// listen records every console error, uncaught exception, error in the
// browser's log (where CSP violations are reported) and failed subresource.
func (b *browser) listen(ctx context.Context) {
	require.NoError(b.t, b.listenErr(ctx))
}

// listenErr is listen, returning its error.
func (b *browser) listenErr(ctx context.Context) error {
	return chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, arg := range ev.Args {
					if arg.Value != nil {
						parts = append(parts, string(arg.Value))
					} else {
						parts = append(parts, arg.Description)
					}
				}
				b.problem("console.error: " + strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			b.problem(fmt.Sprintf("uncaught exception: %s at %s:%d", msg, d.URL, d.LineNumber+1))
		case *cdplog.EventEntryAdded:
			e := ev.Entry
			// A page answered with 4xx on purpose (a form sent back with its
			// errors, a conflict) is logged as a failed load: failed loads
			// are judged from the network events instead.
			if e.Level == cdplog.EntryLevelError && e.Source != cdplog.EntrySourceNetwork {
				b.problem(fmt.Sprintf("%s error: %s %s", e.Source, e.Text, e.URL))
			}
		case *network.EventResponseReceived:
			if ev.Type != network.ResourceTypeDocument && ev.Response.Status >= 400 {
				b.problem(fmt.Sprintf("%s %s answered %d", ev.Type, ev.Response.URL, ev.Response.Status))
			}
		}
	})
}

func (b *browser) problem(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, s)
}

// clean fails the test on anything the browser reported so far.
func (b *browser) clean() {
	b.t.Helper()
	// A round trip to the page: the browser sends its messages in order and
	// the listener is called for each event as it arrives, so every event
	// of the page so far has been seen once the answer is back.
	_, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.readyState`))
	require.NoError(b.t, err)
	b.mu.Lock()
	defer b.mu.Unlock()
	require.Empty(b.t, b.problems, "%s: the browser reported errors", b.name)
}

// tab opens a second tab of the same browser (the same cookies).
func (b *browser) tab(js bool) *browser {
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	t := &browser{t: b.t, ctx: ctx, base: b.base, name: b.name + " (second tab)", app: b.app}
	t.listen(ctx)
	require.NoError(b.t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), t.setup(js)))
	return t
}

// stepTimeout bounds each step, so that a broken page fails fast.
const stepTimeout = 20 * time.Second

// open goes to a path of the app.
func (b *browser) open(path string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, chromedp.Navigate(b.base+path)), "open %s", path)
}

// follow clicks what sel finds and waits for the page it leads to.
func (b *browser) follow(sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel))))
	require.NoError(b.t, err, "click %s on %s", sel, b.location())
}

// click clicks what sel finds, where no page load follows (a radio button).
func (b *browser) click(sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))), "click %s", sel)
}

// fill types into an empty field (keys, as a person types: no script needed).
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel), value)), "fill %s on %s", sel, b.location())
}

// clear empties a field (as a person selecting it all and deleting would;
// no script needed).
func (b *browser) clear(sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, chromedp.Clear(chromedp.CSS(sel))), "clear %s on %s", sel, b.location())
}

// choose picks an option of a select by its value, by marking the option
// selected in the DOM (which works with scripts off).
func (b *browser) choose(sel, value string) {
	b.t.Helper()
	opt := sel + ` option[value="` + value + `"]`
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, chromedp.SetAttributeValue(chromedp.CSS(opt), "selected", "selected")), "choose %s in %s", value, sel)
}

// doc is the page as it stands, read through the DOM domain (no page script
// runs, so it works with JavaScript off).
func (b *browser) doc() *goquery.Document {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	// The root element as the browser's own DOM tracking knows it (asking
	// for the document afresh would reset that tracking).
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("html")))
	require.NoError(b.t, err)
	require.NotEmpty(b.t, nodes)
	var html string
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		r, err := cdp.Call(ctx, t, dom.GetOuterHTML, dom.GetOuterHTMLParams{NodeID: nodes[0].NodeID})
		if err != nil {
			return err
		}
		html = r.OuterHTML
		return nil
	}))
	require.NoError(b.t, err)
	d, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	require.NoError(b.t, err)
	return d
}

// text is the text of the first element sel finds ("" for none), with its
// white space folded.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return strings.Join(strings.Fields(b.doc().Find(sel).First().Text()), " ")
}

// count is how many elements sel finds.
func (b *browser) count(sel string) int {
	b.t.Helper()
	return b.doc().Find(sel).Length()
}

// attr is an attribute of the first element sel finds ("" for none).
func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	return b.doc().Find(sel).First().AttrOr(name, "")
}

// location is the page's address, without the app's origin and fragment.
func (b *browser) location() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	require.NoError(b.t, err)
	loc, _, _ = strings.Cut(loc, "#")
	return strings.TrimPrefix(loc, b.base)
}

// signIn signs in through the form.
func (b *browser) signIn(user string) {
	b.t.Helper()
	b.open("/login")
	b.fill("#login-username", user)
	b.fill("#login-password", password)
	b.follow(`[data-testid="login-form"] button[type="submit"]`)
	require.Contains(b.t, b.text(`[data-testid="who"]`), user)
}

// screenshot saves the page as a PNG under data/screenshots/e2e (git-ignored).
func (b *browser) screenshot(name string) {
	b.t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)) // 100: PNG (any other quality is JPEG)
	require.NoError(b.t, err)
	dir := filepath.Join(repoRoot, "data", "screenshots", "e2e")
	require.NoError(b.t, os.MkdirAll(dir, 0o755))
	require.NoError(b.t, os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644))
}

// fetch reads a page with an HTTP client (outside the browser).
func fetch(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(body)
}
