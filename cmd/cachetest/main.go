// Command cachetest puts the real server behind a real Varnish, both on
// loopback, with deploy/varnish/claimtrack.vcl, and checks what a cache in
// front of Claimtrack must do (make cachetest):
//
//  1. a claim read by every client at once reaches the app at most once per
//     s-maxage window;
//  2. a verdict shows through the cache within s-maxage;
//  3. a signed-in editor never gets a cached page, and never leaves one for
//     anyone else;
//
// and prints the figures (reads served, backend hits per window, staleness
// observed). The load test through Varnish is `make loadtest` with
// --via-varnish (see docs/performance.md). Every phase is bounded in time;
// the server and Varnish stop at the end.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/claimtrack/claimtrack/internal/varnish"
)

func main() {
	bin := flag.String("bin", "bin/claimtrack", "the server binary")
	vcl := flag.String("vcl", "deploy/varnish/claimtrack.vcl", "the VCL to run")
	varnishd := flag.String("varnishd", "varnishd", "the Varnish daemon")
	maxAge := flag.Duration("s-maxage", 2*time.Second, "the app's s-maxage (--cache-s-maxage)")
	windows := flag.Int("windows", 4, "how many s-maxage windows the viral read lasts")
	clients := flag.Int("clients", 16, "clients reading at once")
	flag.Parse()
	if err := run(*bin, *vcl, *varnishd, *maxAge, *windows, *clients); err != nil {
		fmt.Fprintln(os.Stderr, "cachetest:", err)
		os.Exit(1)
	}
}

const (
	editor   = "cache-editor"
	password = "cache test password"
)

// app is the server, with a count of the requests it served by path.
type app struct {
	base string
	mu   sync.Mutex
	hits map[string]int
}

func (a *app) served(path string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.hits[path]
}

func run(bin, vclPath, varnishd string, maxAge time.Duration, windows, clients int) error {
	dir, err := os.MkdirTemp("", "claimtrack-cachetest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	db := filepath.Join(dir, "cache.db")
	add := exec.CommandContext(ctx, bin, "user", "add", "--username", editor, "--role", "editor", "--db", db)
	add.Stdin = strings.NewReader(password + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		return fmt.Errorf("user add: %v: %s", err, out)
	}
	a, stopApp, err := startApp(ctx, bin, db, maxAge)
	if err != nil {
		return err
	}
	defer stopApp()
	front, stopVarnish, err := varnish.Start(ctx, varnishd, vclPath, a.base, dir)
	if err != nil {
		return err
	}
	defer stopVarnish()
	fmt.Printf("app %s, Varnish %s, s-maxage %s\n\n", a.base, front, maxAge)

	var failed []string
	check := func(name string, err error) {
		if err != nil {
			failed = append(failed, name+": "+err.Error())
			fmt.Printf("FAIL %s: %v\n\n", name, err)
			return
		}
		fmt.Printf("ok   %s\n\n", name)
	}
	check("a viral claim reaches the app at most once per s-maxage", viral(ctx, a, front, maxAge, windows, clients))
	check("a verdict shows through the cache within s-maxage", verdict(ctx, a, front, maxAge))
	check("a signed-in editor never gets or leaves a cached page", signedIn(ctx, front))
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "; "))
	}
	return nil
}

// startApp runs the server on a free port and counts the requests its log
// lines name.
func startApp(ctx context.Context, bin, db string, maxAge time.Duration) (*app, func(), error) {
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--db", db,
		"--cache-s-maxage", maxAge.String(), "--cache-stale", (3 * maxAge).String())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	stop := func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }
	a := &app{hits: map[string]int{}}
	addr := make(chan string, 1)
	listening := regexp.MustCompile(`msg=listening addr=(\S+)`)
	request := regexp.MustCompile(`msg=request method=(?:GET|HEAD) path=(\S+)`)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if m := listening.FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
			if m := request.FindStringSubmatch(line); m != nil {
				a.mu.Lock()
				a.hits[m[1]]++
				a.mu.Unlock()
			}
		}
	}()
	select {
	case got := <-addr:
		a.base = "http://" + got
		return a, stop, nil
	case <-time.After(30 * time.Second):
		stop()
		return nil, nil, errors.New("the server did not start listening within 30 s")
	}
}

// get reads a page through client and returns its status, the X-Cache
// header and the body.
func get(ctx context.Context, client *http.Client, u string) (int, http.Header, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, "", err
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(body), err
}

// viral has every client read claim 1's page through Varnish for windows
// s-maxage windows and counts how often the app served it.
func viral(ctx context.Context, a *app, front string, maxAge time.Duration, windows, clients int) error {
	before := a.served("/claims/1")
	var reads, errs atomic.Int64
	end := time.Now().Add(time.Duration(windows) * maxAge)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for time.Now().Before(end) {
				status, _, _, err := get(ctx, client, front+"/claims/1")
				if err != nil || status != http.StatusOK {
					errs.Add(1)
					continue
				}
				reads.Add(1)
			}
		}()
	}
	wg.Wait()
	backend := a.served("/claims/1") - before
	fmt.Printf("     %d reads of /claims/1 by %d clients over %d windows of %s: the app served %d (%d errors)\n",
		reads.Load(), clients, windows, maxAge, backend, errs.Load())
	switch {
	case errs.Load() > 0:
		return fmt.Errorf("%d reads failed", errs.Load())
	case backend > windows+1:
		return fmt.Errorf("the app served the page %d times in %d windows", backend, windows)
	}
	return nil
}

// signIn returns a client with a session of the editor, signed in through
// Varnish (which passes the form to the app).
func signIn(ctx context.Context, front string) (*http.Client, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	_, _, body, err := get(ctx, client, front+"/login")
	if err != nil {
		return nil, err
	}
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if token == nil {
		return nil, errors.New("the sign-in form has no CSRF token")
	}
	res, err := client.PostForm(front+"/login", url.Values{"_csrf": {token[1]}, "username": {editor}, "password": {password}})
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign-in answered %d", res.StatusCode)
	}
	return client, nil
}

// verdict refutes claim 2 as the editor, through Varnish, and watches the
// page a visitor gets until it shows the verdict.
func verdict(ctx context.Context, a *app, front string, maxAge time.Duration) error {
	visitor := &http.Client{Timeout: 10 * time.Second}
	// The visitors' copy is in the cache.
	for range 2 {
		if _, _, _, err := get(ctx, visitor, front+"/claims/2"); err != nil {
			return err
		}
	}
	ed, err := signIn(ctx, front)
	if err != nil {
		return err
	}
	_, _, page, err := get(ctx, ed, front+"/claims/2")
	if err != nil {
		return err
	}
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(page)
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)
	if token == nil || version == nil {
		return errors.New("the editor's claim page has no status form")
	}
	res, err := ed.PostForm(front+"/claims/2/status", url.Values{"_csrf": {token[1]}, "status": {"refuted"},
		"note": {"Checked through the cache test."}, "version": {version[1]}})
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("the verdict answered %d", res.StatusCode)
	}
	saved := time.Now()
	stale := 0
	for {
		_, h, body, err := get(ctx, visitor, front+"/claims/2")
		if err != nil {
			return err
		}
		if strings.Contains(body, "Checked through the cache test.") {
			took := time.Since(saved)
			fmt.Printf("     the verdict showed to visitors %s after it was saved (%d stale reads, the last %s)\n",
				took.Round(10*time.Millisecond), stale, h.Get("X-Cache"))
			if took > maxAge+time.Second {
				return fmt.Errorf("it took %s, more than s-maxage (%s)", took, maxAge)
			}
			return nil
		}
		stale++
		if time.Since(saved) > 3*maxAge+5*time.Second {
			return fmt.Errorf("the verdict did not show within %s", time.Since(saved).Round(time.Second))
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// signedIn reads claim pages as the editor and as a visitor, in turns,
// through Varnish: the editor's are never from the cache, and the visitor
// never gets the editor's page.
func signedIn(ctx context.Context, front string) error {
	ed, err := signIn(ctx, front)
	if err != nil {
		return err
	}
	visitor := &http.Client{Timeout: 10 * time.Second}
	for i := range 10 {
		path := "/claims/" + strconv.Itoa(i%4+1)
		status, h, body, err := get(ctx, ed, front+path)
		if err != nil {
			return err
		}
		if status != http.StatusOK || h.Get("X-Cache") == "HIT" || !strings.Contains(body, `action="/logout"`) {
			return fmt.Errorf("the editor's %s: %d, X-Cache %q, signed in: %v", path, status, h.Get("X-Cache"), strings.Contains(body, `action="/logout"`))
		}
		if cc := h.Get("Cache-Control"); !strings.Contains(cc, "private") || !strings.Contains(cc, "no-store") {
			return fmt.Errorf("the editor's %s was sent with Cache-Control %q", path, cc)
		}
		_, vh, vbody, err := get(ctx, visitor, front+path)
		if err != nil {
			return err
		}
		// The editor's pages have the sign-out form and the editors' forms;
		// a visitor's have neither. (The editor's name alone is no sign: the
		// history names who gave a verdict.)
		if strings.Contains(vbody, `action="/logout"`) || strings.Contains(vbody, `id="status-form"`) {
			return fmt.Errorf("a visitor got the editor's page of %s (X-Cache %s)", path, vh.Get("X-Cache"))
		}
	}
	fmt.Println("     10 pages read in turns by the editor (never from the cache, all private, no-store) and a visitor (never the editor's)")
	return nil
}
