// Command loadtest measures the real server under an open-loop mix of
// requests on loopback (make loadtest):
//
//  1. a bare Echo "hello" handler, closed loop: the ceiling of this machine;
//  2. each read route alone, closed loop, as a share of that ceiling, and
//     one claim's page read by every client (a claim gone viral); the
//     ceiling is measured again right before and right after each route,
//     and the share is of the mean of those two, since the machine's speed
//     moves over minutes (on a shared machine, hello has moved by a third
//     between runs minutes apart);
//  3. the mix at a fixed arrival rate (70% claim pages, 15% filtered claims
//     lists, 10% searches, 5% signed-in changes through the API), with
//     p50/p95/p99 per route, the reads' p99 of each second, errors, and the
//     server's peak memory.
//
// Readers pick claims by popularity: Zipf's law with s = 1 over all the
// claims (the claim of rank k is read in proportion to 1/k), the ranks
// shuffled over the ids. The same phases run again with claims picked
// uniformly, for comparison; each pick runs on its own copy of the database
// with a server of its own.
//
// It starts the binary (bin/claimtrack) on a generated database (100k
// claims, 1M events; made on first use) and stops it at the end. Every
// phase is bounded in time, and everything talks to 127.0.0.1 only.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/claimtrack/claimtrack/internal/varnish"
	"github.com/labstack/echo/v4"
)

func main() {
	bin := flag.String("bin", "bin/claimtrack", "the server binary")
	db := flag.String("db", "data/loadtest.db", "the database (generated when missing; each run works on a copy of it)")
	rate := flag.Int("rate", 1000, "arrivals per second in the mix")
	mix := flag.Duration("duration", 40*time.Second, "how long the mix runs")
	closed := flag.Duration("closed", 5*time.Second, "how long each closed-loop phase runs")
	workers := flag.Int("workers", 16, "concurrent clients in the closed-loop phases")
	flag.StringVar(&serverLog, "server-log", "", "write the server's log to this file (for looking into a slow run)")
	picks := flag.String("picks", "zipf,uniform", "how readers pick claims, in the order run: zipf (by popularity, s = 1), uniform")
	flag.StringVar(&varnishd, "varnish", "", "run Varnish (this varnishd) in front of the server with --vcl, and send every request through it")
	flag.StringVar(&vclPath, "vcl", "deploy/varnish/claimtrack.vcl", "the VCL for --varnish")
	flag.Parse()
	var order []string
	for _, p := range strings.Split(*picks, ",") {
		if p != "zipf" && p != "uniform" {
			fmt.Fprintln(os.Stderr, "loadtest: --picks takes zipf and uniform")
			os.Exit(2)
		}
		order = append(order, p)
	}
	if err := run(*bin, *db, order, *rate, *mix, *closed, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// varnishd, when set, is the Varnish daemon put in front of the server
// with the VCL at vclPath: readers and editors then go through it.
var varnishd, vclPath string

// serverLog is where the server's log goes; empty discards it.
var serverLog string

const (
	editor   = "load-editor"
	password = "load test password"
)

// claims is how many claims the generated database holds.
const claims = 100_000

func run(bin, db string, picks []string, rate int, mixFor, closedFor time.Duration, workers int) error {
	if _, err := os.Stat(db); errors.Is(err, os.ErrNotExist) {
		fmt.Println("generating 100,000 claims with 1,000,000 events into", db)
		cmd := exec.Command(bin, "gen", "--claims", strconv.Itoa(claims), "--min-events", "1000000", "--db", db, "--seed", "1")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("gen: %w", err)
		}
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: browserLike{&http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024,
		DialContext: (&net.Dialer{Timeout: 2 * time.Second}).DialContext, DisableCompression: true}}}

	// 1. The ceiling: a bare Echo handler on this machine.
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/hello", func(c echo.Context) error { return c.String(http.StatusOK, "hello") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	helloServer := &http.Server{Handler: e}
	go helloServer.Serve(ln)
	defer helloServer.Close()
	helloBase := "http://" + ln.Addr().String()
	hello := func() float64 {
		return closedLoop(client, workers, closedFor, 7, func(*rand.Rand) string { return helloBase + "/hello" })
	}
	fmt.Printf("\nceiling: bare Echo hello, %d clients, %s: %.0f req/s\n", workers, closedFor, hello())

	var summary []string
	for i, pick := range picks {
		line, err := runPick(bin, db, pick, i == 0, client, hello, rate, mixFor, closedFor, workers)
		if err != nil {
			return err
		}
		summary = append(summary, line)
	}
	fmt.Println()
	for _, line := range summary {
		fmt.Println(line)
	}
	return nil
}

// runPick runs the read routes alone and the mix with claims picked one way
// (zipf or uniform), on a fresh copy of the database with a server of its
// own, and returns the line that sums it up. The routes that pick no claim,
// and one claim read by all, run in the first pick only.
func runPick(bin, db, pick string, first bool, client *http.Client, hello func() float64, rate int, mixFor, closedFor time.Duration,
	workers int) (string, error) {
	fmt.Printf("\n=== claims picked: %s\n", pick)
	// Every run starts from the same data: the server works on a copy, and
	// the changes the mix makes go away with it. Run on the file itself, the
	// mix's evidence and status changes would pile up run after run and each
	// run would measure a different database.
	pristine := db
	db = strings.TrimSuffix(pristine, ".db") + "-run.db"
	if err := copyDB(pristine, db); err != nil {
		return "", err
	}
	defer removeDB(db)
	add := exec.Command(bin, "user", "add", "--username", editor, "--role", "editor", "--db", db)
	add.Stdin = strings.NewReader(password + "\n")
	if out, err := add.CombinedOutput(); err != nil && !strings.Contains(string(out), "taken") {
		return "", fmt.Errorf("user add: %v: %s", err, out)
	}
	srv, base, err := start(bin, db)
	if err != nil {
		return "", err
	}
	defer func() { _ = srv.Process.Signal(os.Interrupt); _ = srv.Wait() }()
	token, err := apiToken(client, base)
	if err != nil {
		return "", err
	}
	if varnishd != "" {
		dir, err := os.MkdirTemp("", "claimtrack-loadtest-varnish-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(dir)
		front, stop, err := varnish.Start(context.Background(), varnishd, vclPath, base, dir)
		if err != nil {
			return "", err
		}
		defer stop()
		fmt.Printf("through Varnish at %s\n", front)
		base = front
	}

	// 2. Each read route alone, after a second of each to warm the caches
	// (the operating system's and SQLite's), which is not counted. Claim
	// pages are warmed for twice the measured time: the visitors' page cache
	// of a server that has run for a while holds the claims readers pick
	// most, and it takes a few times as many requests as it has room for
	// pages to get there.
	targets := newTargets(base, pick)
	for _, r := range []string{"claim page", "claims list", "search"} {
		warm := time.Second
		if r == "claim page" {
			warm = max(warm, 2*closedFor)
		}
		closedLoop(client, workers, warm, 99, func(rng *rand.Rand) string { return targets.url(r, rng) }) // another sequence of picks than the one measured
	}
	fmt.Printf("\n%-22s %10s %10s\n", "route alone", "req/s", "of hello")
	alone, share := map[string]float64{}, map[string]float64{}
	before := hello()
	routes := []string{"claim page"}
	if first {
		// Last, one claim that everyone reads at once, as when a
		// fact-check goes viral: what the page cache for visitors is for.
		routes = append(routes, "claims list", "search", "claim page, one claim")
	}
	for _, r := range routes {
		s0, _ := cpuTime(srv.Process.Pid)
		o0, _ := cpuTime(os.Getpid())
		alone[r] = closedLoop(client, workers, closedFor, 7, func(rng *rand.Rand) string { return targets.url(r, rng) })
		s1, _ := cpuTime(srv.Process.Pid)
		o1, _ := cpuTime(os.Getpid())
		after := hello()
		share[r] = alone[r] / ((before + after) / 2)
		n := alone[r] * closedFor.Seconds()
		fmt.Printf("%-22s %10.0f %9.0f%%   CPU per request: server %.0f µs, load generator %.0f µs; hello before and after %.0f and %.0f req/s\n",
			r, alone[r], 100*share[r], float64((s1-s0).Microseconds())/n, float64((o1-o0).Microseconds())/n, before, after)
		before = after
	}

	// 3. The mix, open loop.
	fmt.Printf("\nmix: %d arrivals/s for %s (70%% claim pages, 15%% claims lists, 10%% search, 5%% changes), claims picked %s\n",
		rate, mixFor, pick)
	cpu0, _ := cpuTime(srv.Process.Pid)
	own0, _ := cpuTime(os.Getpid())
	idle := sampleIdle(mixFor, srv.Process.Pid)
	res := openLoop(client, targets, token, rate, mixFor)
	cpu1, _ := cpuTime(srv.Process.Pid)
	own1, _ := cpuTime(os.Getpid())
	rss, err := peakRSS(srv.Process.Pid)
	if err != nil {
		return "", err
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "route\trequests\terrors\treq/s\tp50 ms\tp95 ms\tp99 ms\t")
	var all []time.Duration
	errs := 0
	for _, r := range []string{"claim page", "claims list", "search", "change"} {
		st := res[r]
		if st == nil {
			continue
		}
		all = append(all, st.durations...)
		errs += st.errors
		fmt.Fprintf(w, "%s\t%d\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t\n", r, len(st.durations), st.errors, float64(len(st.durations))/mixFor.Seconds(),
			ms(pct(st.durations, 50)), ms(pct(st.durations, 95)), ms(pct(st.durations, 99)))
	}
	fmt.Fprintf(w, "all\t%d\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t\n", len(all), errs, float64(len(all))/mixFor.Seconds(),
		ms(pct(all, 50)), ms(pct(all, 95)), ms(pct(all, 99)))
	w.Flush()
	var reads []time.Duration
	for _, r := range []string{"claim page", "claims list", "search"} {
		if res[r] != nil {
			reads = append(reads, res[r].durations...)
		}
	}
	over, worst, worstAt := printSeconds(res)
	if shares := <-idle; len(shares.idle) > 0 {
		fmt.Printf("machine idle %% by second: %s\n", strings.Join(shares.idle, " "))
		fmt.Printf("server CPU %% of a core by second: %s\n", strings.Join(shares.server, " "))
	}
	fmt.Printf("CPU during the mix: server %.2f cores, load generator %.2f cores, of %d\n", (cpu1-cpu0).Seconds()/mixFor.Seconds(),
		(own1-own0).Seconds()/mixFor.Seconds(), runtime.NumCPU())
	if res["change"] != nil && res["change"].conflicts > 0 {
		fmt.Printf("changes refused as stale (412, expected when two land on one claim): %d\n", res["change"].conflicts)
	}
	line := fmt.Sprintf("%s: claim page alone %.0f%% of hello; mix reads p99 %.1f ms, slowest second %.0f ms (second %d), seconds over 50 ms %d of %d, errors %d; server peak RSS %.0f MB",
		pick, 100*share["claim page"], ms(pct(reads, 99)), worst, worstAt, over, int(mixFor/time.Second), errs, float64(rss)/(1<<20))
	return line, nil
}

// copyDB copies the database file at src, with its write-ahead log if it
// has one, to dst, replacing whatever was there.
func copyDB(src, dst string) error {
	removeDB(dst)
	for _, suffix := range []string{"", "-wal"} {
		in, err := os.Open(src + suffix)
		if suffix != "" && errors.Is(err, os.ErrNotExist) {
			continue
		} else if err != nil {
			return err
		}
		out, err := os.Create(dst + suffix)
		if err != nil {
			in.Close()
			return err
		}
		_, err = io.Copy(out, in)
		if err == nil {
			// Written out now, not by the kernel during the measurement.
			err = out.Sync()
		}
		in.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("copy %s: %w", src+suffix, err)
		}
	}
	return nil
}

// removeDB removes a database file and the files SQLite keeps beside it.
func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(path + suffix)
	}
}

// start runs the server on a free port and waits for it to listen.
func start(bin, db string) (*exec.Cmd, string, error) {
	// Every simulated reader connects from this one address: the bounds on
	// connections and on searches at once per client address would turn
	// most of them away.
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--max-conns-per-addr", "-1", "--searches-per-client", "10000")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`msg=listening addr=(\S+)`)
		buf := make([]byte, 64<<10)
		var seen []byte
		for {
			n, err := stderr.Read(buf)
			seen = append(seen, buf[:n]...)
			if m := re.FindSubmatch(seen); m != nil {
				addr <- string(m[1])
				var rest io.Writer = io.Discard
				if serverLog != "" {
					if f, err := os.Create(serverLog); err == nil {
						defer f.Close()
						f.Write(seen)
						rest = f
					}
				}
				io.Copy(rest, stderr)
				return
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case a := <-addr:
		return cmd, "http://" + a, nil
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		return nil, "", errors.New("the server did not start")
	}
}

// apiToken signs the editor in through the form and makes an API token.
func apiToken(c *http.Client, base string) (string, error) {
	jar := map[string]string{}
	cookies := func() string {
		var parts []string
		for k, v := range jar {
			parts = append(parts, k+"="+v)
		}
		return strings.Join(parts, "; ")
	}
	do := func(method, path, body string) (string, error) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("Cookie", cookies())
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		for _, ck := range res.Cookies() {
			jar[ck.Name] = ck.Value
		}
		b, err := io.ReadAll(res.Body)
		return string(b), err
	}
	if _, err := do(http.MethodGet, "/login", ""); err != nil {
		return "", err
	}
	if _, err := do(http.MethodPost, "/login", "_csrf="+jar["_csrf"]+"&username="+editor+"&password="+strings.ReplaceAll(password, " ", "+")); err != nil {
		return "", err
	}
	// Signed in, forms carry the session's own CSRF token, and making a
	// token asks for the password again.
	account, err := do(http.MethodGet, "/account", "")
	if err != nil {
		return "", err
	}
	csrf := regexp.MustCompile(`name="_csrf" value="([A-Za-z0-9_-]+)"`).FindStringSubmatch(account)
	if csrf == nil {
		return "", errors.New("could not read the account page (did the sign-in work?)")
	}
	page, err := do(http.MethodPost, "/account/tokens", url.Values{"_csrf": {csrf[1]}, "name": {"load test"}, "password": {password}}.Encode())
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`ctk_[A-Za-z0-9_-]+`).FindString(page)
	if m == "" {
		return "", errors.New("could not make an API token (did the sign-in work?)")
	}
	return m, nil
}

// viralClaim is the claim every reader asks for in the route that has one
// claim read by all.
const viralClaim = 50_000

// targets picks the addresses of each route.
type targets struct {
	base    string
	zipf    *zipf // nil: claims picked uniformly
	queries []string
	tags    []string
}

func newTargets(base, pick string) *targets {
	t := &targets{base: base,
		queries: []string{"ambassador", "ceasefire moscow", `"the talks"`, "negot*", "status:refuted sanctions", "the", "minister -summit"},
		tags:    []string{"", "", "ukraine-war", "sanctions", "elections"}}
	if pick == "zipf" {
		t.zipf = newZipf(claims, 1)
	}
	return t
}

// claim picks the claim a reader asks for.
func (t *targets) claim(rng *rand.Rand) int {
	if t.zipf != nil {
		return t.zipf.pick(rng)
	}
	return 1 + rng.IntN(claims)
}

// zipf picks claims by popularity: the claim of rank k (1-based) with
// probability proportional to 1/k, the ranks given to the ids in a fixed
// shuffled order, so that the popular claims lie all over the file as they
// would (not the oldest, nor the newest, all together).
type zipf struct {
	cdf []float64 // cdf[k-1]: the probability of a rank of k or less
	ids []int     // ids[k-1]: the claim of rank k
}

func newZipf(n int, seed uint64) *zipf {
	z := &zipf{cdf: make([]float64, n), ids: make([]int, n)}
	sum := 0.0
	for k := 1; k <= n; k++ {
		sum += 1 / float64(k)
		z.cdf[k-1] = sum
	}
	for i := range z.cdf {
		z.cdf[i] /= sum
	}
	for i := range z.ids {
		z.ids[i] = i + 1
	}
	rand.New(rand.NewPCG(seed, 11)).Shuffle(n, func(i, j int) { z.ids[i], z.ids[j] = z.ids[j], z.ids[i] })
	return z
}

func (z *zipf) pick(rng *rand.Rand) int {
	k, _ := slices.BinarySearch(z.cdf, rng.Float64())
	return z.ids[min(k, len(z.ids)-1)]
}

func (t *targets) url(route string, rng *rand.Rand) string {
	switch route {
	case "claim page":
		return t.base + "/claims/" + strconv.Itoa(t.claim(rng))
	case "claim page, one claim":
		return t.base + "/claims/" + strconv.Itoa(viralClaim)
	case "claims list":
		statuses := []string{"", "unverified", "confirmed", "refuted", "disputed"}
		q := "status=" + statuses[rng.IntN(len(statuses))] + "&page=" + strconv.Itoa(1+rng.IntN(20))
		if tag := t.tags[rng.IntN(len(t.tags))]; tag != "" {
			q += "&tag=" + tag
		}
		return t.base + "/claims?" + q
	case "search":
		return t.base + "/search?q=" + urlEscape(t.queries[rng.IntN(len(t.queries))])
	}
	return ""
}

func urlEscape(s string) string {
	r := strings.NewReplacer(" ", "+", `"`, "%22", ":", "%3A", "*", "%2A")
	return r.Replace(s)
}

// closedLoop runs workers that each send the next request as soon as the
// last is answered, for d, and returns the requests answered per second.
// seed picks the sequence of addresses each worker asks for.
func closedLoop(c *http.Client, workers int, d time.Duration, seed uint64, next func(*rand.Rand) string) float64 {
	var n atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), seed))
			for time.Now().Before(deadline) {
				res, err := c.Get(next(rng))
				if err != nil {
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					n.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return float64(n.Load()) / d.Seconds()
}

// routeStats is what one route of the mix gave.
type routeStats struct {
	durations []time.Duration
	seconds   []int // the second of the run each request was due in, by durations' index
	errors    int
	conflicts int
}

// openLoop sends requests at a fixed rate whatever the answers' speed; each
// latency counts from when the request was due, so a queue shows.
func openLoop(c *http.Client, t *targets, token string, rate int, d time.Duration) map[string]*routeStats {
	var mu sync.Mutex
	out := map[string]*routeStats{}
	start := time.Now()
	record := func(route string, due time.Time, ok, conflict bool) {
		mu.Lock()
		defer mu.Unlock()
		st := out[route]
		if st == nil {
			st = &routeStats{}
			out[route] = st
		}
		switch {
		case conflict:
			st.conflicts++
		case !ok:
			st.errors++
		default:
			st.durations = append(st.durations, time.Since(due))
			st.seconds = append(st.seconds, int(due.Sub(start)/time.Second))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	interval := time.Second / time.Duration(rate)
	start = time.Now()
	var wg sync.WaitGroup
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * interval)
		if due.Sub(start) >= d {
			break
		}
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		p := rng.IntN(100)
		seed := rng.Uint64()
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, 3))
			var route string
			switch {
			case p < 70:
				route = "claim page"
			case p < 85:
				route = "claims list"
			case p < 95:
				route = "search"
			default:
				ok, conflict := change(c, t.base, token, r)
				record("change", due, ok, conflict)
				return
			}
			res, err := c.Get(t.url(route, r))
			if err != nil {
				record(route, due, false, false)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			record(route, due, res.StatusCode == http.StatusOK, false)
		}()
	}
	wg.Wait()
	return out
}

// change makes one signed-in change through the API: half status changes
// (after reading the claim's version), half new evidence. Editors work
// through all the claims, not by what readers read: the claim is picked
// uniformly.
func change(c *http.Client, base, token string, r *rand.Rand) (ok, conflict bool) {
	id := strconv.Itoa(1 + r.IntN(claims))
	send := func(method, path, ifMatch string, body any) (*http.Response, error) {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequestWithContext(context.Background(), method, base+"/api/v1"+path, rd)
		req.Header.Set("Authorization", "Bearer "+token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if ifMatch != "" {
			req.Header.Set("If-Match", ifMatch)
		}
		return c.Do(req)
	}
	if r.IntN(2) == 0 {
		res, err := send(http.MethodPost, "/claims/"+id+"/evidence", "", map[string]any{"source_name": "Load Wire " + strconv.Itoa(r.IntN(50)),
			"source_kind": "agency", "stance": []string{"asserts", "supports", "disputes", "reports"}[r.IntN(4)]})
		if err != nil {
			return false, false
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode == http.StatusCreated, false
	}
	res, err := send(http.MethodGet, "/claims/"+id, "", nil)
	if err != nil {
		return false, false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	tag := res.Header.Get("ETag")
	res, err = send(http.MethodPost, "/claims/"+id+"/status", tag, map[string]any{
		"status": []string{"confirmed", "refuted", "partly-true", "disputed"}[r.IntN(4)], "note": "Changed under load."})
	if err != nil {
		return false, false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == http.StatusOK, res.StatusCode == http.StatusPreconditionFailed
}

// printSeconds shows how steady the mix was: the reads' p99 of each second,
// and the seconds over the 50 ms target. It returns how many seconds were
// over, and the slowest second's p99 and its number (from 0).
func printSeconds(res map[string]*routeStats) (over int, worst float64, worstAt int) {
	bySecond := map[int][]time.Duration{}
	last := 0
	for _, r := range []string{"claim page", "claims list", "search"} {
		if st := res[r]; st != nil {
			for i, d := range st.durations {
				bySecond[st.seconds[i]] = append(bySecond[st.seconds[i]], d)
				last = max(last, st.seconds[i])
			}
		}
	}
	var line []string
	for sec := 0; sec <= last; sec++ {
		p := ms(pct(bySecond[sec], 99))
		if p > 50 {
			over++
		}
		if p > worst {
			worst, worstAt = p, sec
		}
		line = append(line, strconv.FormatFloat(p, 'f', 0, 64))
	}
	fmt.Printf("\nreads p99 ms by second: %s\nseconds over 50 ms: %d of %d; slowest: %.0f ms, second %d\n", strings.Join(line, " "), over, last+1, worst, worstAt)
	return over, worst, worstAt
}

// perSecond is what sampleIdle saw in each second.
type perSecond struct {
	idle   []string // share of the machine's CPU time idle, in percent
	server []string // the server's CPU time, in percent of one core
}

// sampleIdle reads, once a second for d, how much of the machine's CPU time
// was idle in that second (from /proc/stat), and how much the server (pid)
// used, and sends the shares when done: a slow second with the machine
// nearly busy is a second of too little CPU, not of waiting, and the
// server's share tells whether the server or something else took it. It
// sends nothing where /proc/stat cannot be read.
func sampleIdle(d time.Duration, pid int) <-chan perSecond {
	out := make(chan perSecond, 1)
	go func() {
		var got perSecond
		prevIdle, prevAll, err := machineCPU()
		if err != nil {
			out <- got
			return
		}
		prevServer, _ := cpuTime(pid)
		prevAt := time.Now()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for end := time.Now().Add(d); time.Now().Before(end); {
			<-tick.C
			idle, all, err := machineCPU()
			if err != nil || all == prevAll {
				break
			}
			server, _ := cpuTime(pid)
			now := time.Now()
			got.idle = append(got.idle, strconv.FormatInt(100*(idle-prevIdle)/(all-prevAll), 10))
			got.server = append(got.server, strconv.FormatInt(int64(100*(server-prevServer).Seconds()/now.Sub(prevAt).Seconds()), 10))
			prevIdle, prevAll, prevServer, prevAt = idle, all, server, now
		}
		out <- got
	}()
	return out
}

// machineCPU returns the machine's idle and total CPU time so far, in clock
// ticks: the first line of /proc/stat, whose fourth and fifth numbers are
// idle and waiting for I/O.
func machineCPU() (idle, all int64, err error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return 0, 0, errors.New("unexpected /proc/stat")
	}
	for i, v := range f[1:] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, 0, err
		}
		all += n
		if i == 3 || i == 4 {
			idle += n
		}
	}
	return idle, all, nil
}

// cpuTime reads the CPU time a process has used (user and system) from /proc.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, err
	}
	// The fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100, nil // in clock ticks of 1/100 s
}

// peakRSS reads the process's peak resident memory (VmHWM) from /proc.
func peakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// browserLike asks for gzip as every browser does, and, as load generators
// do (a reader's browser inflates on the reader's machine, not on the
// server's), reads the bytes sent without inflating them.
type browserLike struct{ http.RoundTripper }

func (b browserLike) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Accept-Encoding") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("Accept-Encoding", "gzip")
	}
	return b.RoundTripper.RoundTrip(req)
}
