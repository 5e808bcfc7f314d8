// Command claimtrack runs the claim-verification tracker: a web server with an
// embedded SQLite database, and the commands that look after its data.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/internal/webhook"
	"github.com/claimtrack/claimtrack/seeds"
	"github.com/claimtrack/claimtrack/web"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "claimtrack:", err)
		}
		os.Exit(exitCode(err))
	}
}

func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) || errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

var errUsage = errors.New("usage")

const usage = `Usage: claimtrack [command] [flags]

Commands:
  serve     run the web server (the default)
  seed      load the built-in datasets into the database (idempotent)
  check     verify the database and its search index, read-only: changes nothing,
            says when the schema needs migration
  repair    migrate the database and rebuild its search index, source records
            and snapshots (what check reports, this fixes)
  backup    write a consistent copy of the database to a new file, while it runs
  export    write every claim, source, link and event as JSON or CSV
  import    add an export or a claims sheet, all or nothing (--dry-run to check)
  gen       fill a database with synthetic claims for measurement
  user      add an account (user add) or set its password (user passwd)
  intake    suggest the claims and attributions of a report read on standard
            input, as JSON (intake suggest), reading the database only
  version   print the version

Run "claimtrack COMMAND -h" for the flags of a command.
`

// run dispatches to a subcommand; the server is the default.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		if path := os.Getenv("CLAIMTRACK_CPU_PROFILE"); path != "" {
			stop, err := profileCPU(path)
			if err != nil {
				return err
			}
			defer stop()
		}
		m := NewMain(stdout, stderr)
		if err := m.ParseFlags(args); err != nil {
			return err
		}
		tuneGC(m.Config.PageCacheMB)
		if err := m.Run(ctx); err != nil {
			m.Close()
			return err
		}
		<-ctx.Done()
		return m.Close()
	case "seed":
		return runSeed(ctx, args, stdout, stderr)
	case "gen":
		return runGen(ctx, args, stdout, stderr)
	case "check":
		return runCheck(ctx, args, stdout, stderr)
	case "repair":
		return runRepair(ctx, args, stdout, stderr)
	case "backup":
		return runBackup(ctx, args, stdout, stderr)
	case "export":
		return runExport(ctx, args, stdout, stderr)
	case "import":
		return runImport(ctx, args, stdout, stderr)
	case "user":
		return runUser(ctx, args, stdout, stderr)
	case "intake":
		return runIntake(ctx, args, os.Stdin, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "claimtrack", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
	return errUsage
}

// tuneGC trades a little memory for less garbage collection while serving:
// the heap may grow to four times what is live (GOGC=300) but the collector
// works harder as it nears a soft limit of gcBudgetMiB plus the page cache's
// bound (pageCacheMB: the kept pages are live memory that the collector
// cannot free), which keeps the whole process inside its memory budget.
// GOGC and GOMEMLIMIT in the environment win.
func tuneGC(pageCacheMB int) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(300)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit(pageCacheMB))
	}
}

// gcBudgetMiB is the soft memory limit's room for everything but the kept
// pages: the requests' garbage, the statement caches, the search index's
// buffers.
const gcBudgetMiB = 64

// memoryLimit is the soft memory limit tuneGC sets for a page cache of
// pageCacheMB.
func memoryLimit(pageCacheMB int) int64 {
	return int64(gcBudgetMiB+max(pageCacheMB, 0)) << 20
}

// profileCPU writes a CPU profile of the server to path until stop is
// called (at shutdown): for looking into where time goes under load. It is
// set with the environment variable CLAIMTRACK_CPU_PROFILE.
func profileCPU(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// Config is the server's configuration, from flags with environment fallbacks.
type Config struct {
	Addr string
	DB   string
	// PublicURL is the address people use to reach the tracker, e.g.
	// https://claims.example.org behind a TLS proxy; an https one makes
	// session cookies Secure and turns on HSTS.
	PublicURL string
	// OrgName is the organisation publishing the verdicts (the author of the
	// ClaimReview markup).
	OrgName string
	// Private requires signing in to read anything.
	Private bool
	// NoSeed leaves a new, empty database empty: no built-in dataset.
	NoSeed bool
	// Litestream leaves the write-ahead log's checkpoints to Litestream,
	// which replicates the database (see sqlite.Options).
	Litestream bool
	// TrustedProxies are the proxies whose X-Forwarded-* headers are believed.
	TrustedProxies []netip.Prefix
	// AllowedHosts are the Host headers that may name the site in absolute
	// URLs when there is no PublicURL (none: the listen address and the
	// loopback names with its port); see web.Config.AllowedHosts.
	AllowedHosts []string
	// The limits on request bodies and connections (see web.Config); zero
	// means the default.
	BodyTimeout       time.Duration
	ImportBodyTimeout time.Duration
	BodyRateGrace     time.Duration
	BodyMinRate       int
	MaxConnsPerAddr   int
	// The bounds on the cost of one search (see web.Config and searchFlags).
	SearchMinPrefix, SearchMaxPrefixes, SearchMaxOr, SearchMaxTerms int
	SearchBudget                                                    time.Duration
	SearchesPerClient                                               int
	// MaxExports, ExportMinRate and ExportDir are web.Config's (0 or "" for
	// the defaults): the claim-list downloads made at once, the slowest rate
	// a client may take one at, and where they are written before sending.
	MaxExports    int
	ExportMinRate int
	ExportDir     string
	// CacheSMaxAge and CacheStale are web.Config's: how long a shared cache
	// may keep a page visitors see, and how long after that it may still
	// give it out while it asks again.
	CacheSMaxAge, CacheStale time.Duration
	// PageCacheMB bounds the claim pages kept in memory for visitors, in
	// MiB (0: none).
	PageCacheMB int
	// Webhooks are the settings of the webhook sender.
	Webhooks webhook.Config
}

// pageCacheBytes is web.Config's PageCacheBytes for --page-cache-mb.
func pageCacheBytes(mb int) int {
	if mb == 0 {
		return -1 // keep none
	}
	return mb << 20
}

// envOr returns the environment variable key, or def when it is unset or empty.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// durationFlag registers a duration flag whose default is def, or the
// environment variable env when it is set. A
// value in the environment that is not a duration is an error.
func durationFlag(fs *flag.FlagSet, dst *time.Duration, name, env string, def time.Duration, usage string) error {
	var err error
	if v := os.Getenv(env); v != "" {
		d, perr := time.ParseDuration(v)
		if perr != nil {
			err = fmt.Errorf("serve: %s: %q is not a duration such as 10s", env, v)
		} else {
			def = d
		}
	}
	fs.DurationVar(dst, name, def, usage+" (env "+env+")")
	return err
}

// intFlag registers an integer flag whose default is def, or the environment
// variable env when it is set. A value in
// the environment that is not an integer is an error (the flag is still
// registered, with def).
func intFlag(fs *flag.FlagSet, dst *int, name, env string, def int, usage string) error {
	var err error
	if v := os.Getenv(env); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil {
			err = fmt.Errorf("serve: %s: %q is not a whole number", env, v)
		} else {
			def = n
		}
	}
	fs.IntVar(dst, name, def, usage+" (env "+env+")")
	return err
}

// litestreamEnv reports whether CLAIMTRACK_LITESTREAM says that Litestream
// replicates the database.
func litestreamEnv() bool {
	on, _ := strconv.ParseBool(envOr("CLAIMTRACK_LITESTREAM", "false"))
	return on
}

// openDB opens the database for a command. With CLAIMTRACK_LITESTREAM set,
// the command leaves checkpoints to Litestream, as serve --litestream does.
func openDB(ctx context.Context, path string) (*sqlite.DB, error) {
	return sqlite.OpenWith(ctx, path, sqlite.Options{ExternalCheckpoints: litestreamEnv()})
}

// dbFlag registers --db with its CLAIMTRACK_DB fallback.
func dbFlag(fs *flag.FlagSet, dst *string) {
	fs.StringVar(dst, "db", envOr("CLAIMTRACK_DB", "./data/claimtrack.db"), "SQLite database file (env CLAIMTRACK_DB)")
}

// Main is the running server: the database, the HTTP server and its listener.
// End-to-end tests use it as main does, on port 0.
type Main struct {
	Config Config
	DB     *sqlite.DB
	HTTP   *http.Server
	Logger *slog.Logger

	// ShutdownTimeout bounds how long in-flight requests may take to finish.
	ShutdownTimeout time.Duration

	// SetupReminder is how often, while no account exists, the setup link
	// is logged again, so that the request log does not bury it.
	SetupReminder time.Duration

	ln     net.Listener
	stdout io.Writer
	served chan error
	// setupTicks, when set (by tests), stands in for the reminder's ticker.
	setupTicks <-chan time.Time
	// stopReminder ends the reminder; reminderDone is closed when it has ended.
	stopReminder chan struct{}
	reminderDone chan struct{}
	stopWebhooks func()
}

// NewMain returns a Main logging to stderr.
func NewMain(stdout, stderr io.Writer) *Main {
	return &Main{
		Config:          Config{Addr: "127.0.0.1:8080", DB: "./data/claimtrack.db"},
		Logger:          slog.New(slog.NewTextHandler(stderr, nil)),
		ShutdownTimeout: 15 * time.Second,
		SetupReminder:   time.Minute,
		stdout:          stdout,
	}
}

// ParseFlags reads the serve flags, with environment variables as fallbacks.
func (m *Main) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("claimtrack serve", flag.ContinueOnError)
	fs.StringVar(&m.Config.Addr, "addr", envOr("CLAIMTRACK_ADDR", "127.0.0.1:8080"), "address to listen on (env CLAIMTRACK_ADDR)")
	dbFlag(fs, &m.Config.DB)
	fs.StringVar(&m.Config.PublicURL, "public-url", envOr("CLAIMTRACK_PUBLIC_URL", ""),
		"the address people use, e.g. https://claims.example.org (env CLAIMTRACK_PUBLIC_URL)")
	fs.StringVar(&m.Config.OrgName, "org-name", envOr("CLAIMTRACK_ORG_NAME", "Claimtrack"),
		"the organisation publishing the verdicts, named as the author of each claim's ClaimReview markup (env CLAIMTRACK_ORG_NAME)")
	private, _ := strconv.ParseBool(envOr("CLAIMTRACK_PRIVATE", "false"))
	fs.BoolVar(&m.Config.Private, "private", private, "require signing in to read anything (env CLAIMTRACK_PRIVATE)")
	noSeed, _ := strconv.ParseBool(envOr("CLAIMTRACK_NO_SEED", "false"))
	fs.BoolVar(&m.Config.NoSeed, "no-seed", noSeed, "start an empty database empty, without the built-in dataset (env CLAIMTRACK_NO_SEED)")
	fs.BoolVar(&m.Config.Litestream, "litestream", litestreamEnv(),
		"Litestream replicates the database: leave checkpoints to it (no automatic or emptying checkpoints by the server) (env CLAIMTRACK_LITESTREAM)")
	proxies := fs.String("trusted-proxy", envOr("CLAIMTRACK_TRUSTED_PROXY", ""),
		"comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (env CLAIMTRACK_TRUSTED_PROXY)")
	allowedHosts := fs.String("allowed-hosts", envOr("CLAIMTRACK_ALLOWED_HOSTS", ""),
		"without --public-url, comma-separated Host headers (host or host:port) that may name the site in absolute URLs; "+
			"any other Host gets the listen address (default: the listen address, and localhost, 127.0.0.1 and [::1] with its port) (env CLAIMTRACK_ALLOWED_HOSTS)")
	limits := errors.Join(
		durationFlag(fs, &m.Config.BodyTimeout, "body-timeout", "CLAIMTRACK_BODY_TIMEOUT", 0,
			"the longest the body of a request may take to arrive; a slower one is answered 408 (0: 10s)"),
		durationFlag(fs, &m.Config.ImportBodyTimeout, "import-body-timeout", "CLAIMTRACK_IMPORT_BODY_TIMEOUT", 0,
			"the longest an import upload may take to arrive, and then to be imported (0: 5m)"),
		intFlag(fs, &m.Config.BodyMinRate, "body-min-rate", "CLAIMTRACK_BODY_MIN_RATE", 0,
			"the slowest a request body may arrive, in bytes a second on average once the grace period is over; a slower one is answered 408 (0: 4096, negative: no minimum)"),
		durationFlag(fs, &m.Config.BodyRateGrace, "body-rate-grace", "CLAIMTRACK_BODY_RATE_GRACE", 0,
			"how long a request body may take before the minimum rate applies (0: 2s)"),
		intFlag(fs, &m.Config.MaxConnsPerAddr, "max-conns-per-addr", "CLAIMTRACK_MAX_CONNS_PER_ADDR", 0,
			"the most connections one client address (IPv6: its /64) may hold open; trusted proxies are not bounded (0: 32, negative: no bound)"),
	)
	if limits != nil {
		return limits
	}
	if err := webhookFlags(fs, &m.Config.Webhooks); err != nil {
		return err
	}
	checkSearch := searchFlags(fs, &m.Config)
	exportFlags := errors.Join(
		intFlag(fs, &m.Config.MaxExports, "max-exports", "CLAIMTRACK_MAX_EXPORTS", web.DefaultMaxExports(),
			"claim-list downloads (/claims.csv, /claims.json) made at once; one more waits briefly, then gets 503 with Retry-After (default one per two cores)"),
		intFlag(fs, &m.Config.ExportMinRate, "export-min-rate", "CLAIMTRACK_EXPORT_MIN_RATE", web.DefaultExportMinRate,
			"the slowest a client may take a download, in bytes per second, before it is cut"),
	)
	if exportFlags != nil {
		return exportFlags
	}
	cacheFlags := errors.Join(
		durationFlag(fs, &m.Config.CacheSMaxAge, "cache-s-maxage", "CLAIMTRACK_CACHE_S_MAXAGE", web.DefaultCacheSMaxAge,
			"how long a shared cache (Varnish, a CDN) may give out a page visitors see before asking again (Cache-Control s-maxage)"),
		durationFlag(fs, &m.Config.CacheStale, "cache-stale", "CLAIMTRACK_CACHE_STALE", web.DefaultCacheStale,
			"how long after that a shared cache may still give it out while it asks (stale-while-revalidate)"),
		intFlag(fs, &m.Config.PageCacheMB, "page-cache-mb", "CLAIMTRACK_PAGE_CACHE_MB", web.DefaultPageCacheBytes>>20,
			"memory for the claim pages kept for visitors who are not signed in, in MiB; 0 keeps none"),
	)
	if cacheFlags != nil {
		return cacheFlags
	}
	fs.StringVar(&m.Config.ExportDir, "export-dir", envOr("CLAIMTRACK_EXPORT_DIR", ""),
		"where downloads are written before they are sent; needs room for the largest, times --max-exports (default: the system's temporary directory; env CLAIMTRACK_EXPORT_DIR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	hosts, err := web.ParseAllowedHosts(*allowedHosts)
	if err != nil {
		return fmt.Errorf("serve: --allowed-hosts: %w", err)
	}
	m.Config.AllowedHosts = hosts
	for name, d := range map[string]time.Duration{"body-timeout": m.Config.BodyTimeout,
		"import-body-timeout": m.Config.ImportBodyTimeout, "body-rate-grace": m.Config.BodyRateGrace,
		"cache-s-maxage": m.Config.CacheSMaxAge, "cache-stale": m.Config.CacheStale} {
		if d < 0 {
			return fmt.Errorf("serve: --%s must not be negative, not %s", name, d)
		}
	}
	if m.Config.PageCacheMB < 0 || m.Config.PageCacheMB > 1<<20 {
		return fmt.Errorf("serve: --page-cache-mb must be from 0 to 1048576, not %d", m.Config.PageCacheMB)
	}
	if err := checkSearch(); err != nil {
		return err
	}
	if err := checkWebhooks(m.Config.Webhooks); err != nil {
		return err
	}
	for name, n := range map[string]int{"max-exports": m.Config.MaxExports, "export-min-rate": m.Config.ExportMinRate} {
		if n <= 0 {
			return fmt.Errorf("serve: --%s must be a whole number above 0, not %d", name, n)
		}
	}
	if m.Config.PublicURL != "" {
		u, err := url.Parse(m.Config.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("serve: --public-url must be an http:// or https:// address, not %q", m.Config.PublicURL)
		}
		m.Config.PublicURL = strings.TrimSuffix(u.String(), "/")
	}
	m.Config.TrustedProxies = nil
	for _, p := range strings.Split(*proxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return fmt.Errorf("serve: --trusted-proxy: %q is not an address or CIDR range", p)
			}
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		m.Config.TrustedProxies = append(m.Config.TrustedProxies, prefix.Masked())
	}
	return nil
}

// Run opens the database (creating, migrating and, when empty, seeding it),
// starts listening and serves in the background. Close stops it.
func (m *Main) Run(ctx context.Context) error {
	db, err := sqlite.OpenWith(ctx, m.Config.DB, sqlite.Options{ExternalCheckpoints: m.Config.Litestream})
	if err != nil {
		return err
	}
	m.DB = db
	if m.Config.Litestream {
		m.Logger.Info("checkpoints left to Litestream: no automatic or emptying checkpoints by the server")
	}
	if err := m.seedIfEmpty(ctx); err != nil {
		return err
	}
	if dir := m.Config.ExportDir; dir != "" {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return fmt.Errorf("serve: --export-dir %s is not a directory", dir)
		}
	}
	if m.ln, err = net.Listen("tcp", m.Config.Addr); err != nil {
		return err
	}
	srv := web.NewServer(db, m.Logger)
	// The listener's own address, so that port 0 is the real port.
	srv.Configure(m.Config.searchConfig(web.Config{HTTPS: strings.HasPrefix(m.Config.PublicURL, "https://"), PublicURL: m.Config.PublicURL, Private: m.Config.Private,
		TrustedProxies: m.Config.TrustedProxies, OrgName: strings.TrimSpace(m.Config.OrgName),
		ListenAddr: m.ln.Addr().String(), AllowedHosts: m.Config.AllowedHosts,
		BodyTimeout: m.Config.BodyTimeout, ImportBodyTimeout: m.Config.ImportBodyTimeout,
		BodyRateGrace: m.Config.BodyRateGrace, BodyMinRate: m.Config.BodyMinRate, MaxConnsPerAddr: m.Config.MaxConnsPerAddr,
		MaxExports: m.Config.MaxExports, ExportMinRate: m.Config.ExportMinRate, ExportDir: m.Config.ExportDir,
		CacheSMaxAge: m.Config.CacheSMaxAge, CacheStale: m.Config.CacheStale, PageCacheBytes: pageCacheBytes(m.Config.PageCacheMB)}))
	// Connections are bounded per client address. Request bodies are read
	// within their own deadline and minimum rate (web), which move the
	// connection's read deadline while a body is read; ReadTimeout remains
	// the bound on reading a request otherwise.
	conns := web.LimitConns(m.ln, srv.Config().MaxConnsPerAddr, m.Config.TrustedProxies, m.Logger)
	m.HTTP = &http.Server{
		Handler:           srv,
		ConnState:         conns.ConnState,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.HTTP.Serve(conns) }()
	m.stopWebhooks = m.startWebhooks(db)
	base := "http://" + m.ln.Addr().String()
	if m.Config.PublicURL != "" {
		base = m.Config.PublicURL
	}
	m.Logger.Info("listening", "addr", m.ln.Addr().String(), "url", base+"/", "db", m.Config.DB, "version", version)
	// Reached from elsewhere (directly or through a proxy), the site needs
	// its public address for the absolute links it writes.
	if tcp, ok := m.ln.Addr().(*net.TCPAddr); ok && m.Config.PublicURL == "" && (!tcp.IP.IsLoopback() || len(m.Config.TrustedProxies) > 0) {
		m.Logger.Warn("no --public-url: absolute links (feeds, ClaimReview, API, exports) name the site by the request's Host only if it is allowed (--allowed-hosts), else by the listen address; set --public-url to the address people use")
	}
	// On a tracker without accounts, the first admin is created from a
	// one-time link that only the person who started the server can see.
	link, err := srv.SetupLink(ctx)
	if err != nil {
		return err
	}
	if link != "" {
		m.Logger.Warn(setupMessage, "setup", base+link)
		fmt.Fprintf(m.stdout, "\n  No account exists yet. Create the first admin here (the link works once):\n\n    %s\n\n", base+link)
		m.remindSetup(srv, base)
	}
	return nil
}

// setupMessage is the log line that gives the setup link.
const setupMessage = "no account exists yet: open the setup link to create the first admin (it works once)"

// remindSetup logs the setup line again every SetupReminder while no account
// exists (none when it is 0), and stops once one does or the server closes.
func (m *Main) remindSetup(srv *web.Server, base string) {
	ticks := m.setupTicks
	var ticker *time.Ticker
	if ticks == nil {
		if m.SetupReminder <= 0 {
			return
		}
		ticker = time.NewTicker(m.SetupReminder)
		ticks = ticker.C
	}
	m.stopReminder, m.reminderDone = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(m.reminderDone)
		if ticker != nil {
			defer ticker.Stop()
		}
		for {
			select {
			case <-m.stopReminder:
				return
			case <-ticks:
			}
			link, err := srv.SetupLink(context.Background())
			switch {
			case err != nil:
				m.Logger.Warn("cannot tell whether an account exists yet", "err", err)
			case link == "":
				return // the first admin exists
			default:
				m.Logger.Warn(setupMessage, "setup", base+link)
			}
		}
	}()
}

// Addr is the address the server listens on, useful when it was given port 0.
func (m *Main) Addr() string {
	if m.ln == nil {
		return ""
	}
	return m.ln.Addr().String()
}

// seedIfEmpty loads the built-in datasets into a database with no claims,
// sources or reports, so a first start shows something to work with
// (unless --no-seed).
func (m *Main) seedIfEmpty(ctx context.Context) error {
	if m.Config.NoSeed {
		return nil
	}
	empty, err := m.DB.IsEmpty(ctx)
	if err != nil || !empty {
		return err
	}
	results, err := seeds.Load(ctx, m.DB)
	for _, r := range results {
		if r.Created {
			m.Logger.Info("seeded", "dataset", r.File, "report", r.Report.Title, "claims", r.Claims)
		}
	}
	return err
}

// Close stops accepting connections, lets in-flight requests finish (up to
// ShutdownTimeout) and then closes the database.
func (m *Main) Close() error {
	var errs []error
	if m.stopReminder != nil {
		close(m.stopReminder)
		<-m.reminderDone
		m.stopReminder = nil
	}
	if m.HTTP != nil {
		m.Logger.Info("shutting down", "timeout", m.ShutdownTimeout.String())
		ctx, cancel := context.WithTimeout(context.Background(), m.ShutdownTimeout)
		if err := m.HTTP.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: %w", err))
		}
		cancel()
		if err := <-m.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
		m.HTTP = nil
	}
	if m.stopWebhooks != nil {
		m.stopWebhooks()
		m.stopWebhooks = nil
	}
	if m.DB != nil {
		if err := m.DB.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close database: %w", err))
		}
		m.DB = nil
		m.Logger.Info("database closed")
	}
	return errors.Join(errs...)
}

// runSeed loads the built-in datasets into the database.
func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("claimtrack seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var path string
	dbFlag(fs, &path)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, path)
	if err != nil {
		return err
	}
	results, err := seeds.Load(ctx, db)
	for _, r := range results {
		if r.Created {
			fmt.Fprintf(stdout, "loaded %s: %q with %d claims\n", r.File, r.Report.Title, r.Claims)
		} else {
			fmt.Fprintf(stdout, "already loaded %s: %q, nothing changed\n", r.File, r.Report.Title)
		}
	}
	return errors.Join(err, db.Close())
}

// runCheck verifies the database file and both search indexes. It opens
// the file read-only and changes nothing: an older schema is reported as
// needing migration, and damage as what it is; "claimtrack repair" is the
// command that changes the file.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("claimtrack check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var path string
	dbFlag(fs, &path)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	rep, err := sqlite.Check(ctx, path)
	if err != nil {
		return err
	}
	var failed []string
	if len(rep.Pending) > 0 {
		fmt.Fprintf(stdout, "schema: needs migration (%d pending: %s); run \"claimtrack repair\" to apply\n",
			len(rep.Pending), strings.Join(rep.Pending, ", "))
		failed = append(failed, "the schema needs migration")
	} else {
		fmt.Fprintln(stdout, "schema: up to date")
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintf(stdout, "database: %d problems: %s\n", len(rep.Problems), strings.Join(rep.Problems, "; "))
		failed = append(failed, "integrity check failed: "+strings.Join(rep.Problems, "; "))
	} else {
		fmt.Fprintln(stdout, "database: ok (integrity_check, foreign_key_check)")
		if rep.SearchChecked {
			fmt.Fprintln(stdout, "search index: ok (FTS5 integrity check)")
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("check: %s (nothing was changed; \"claimtrack repair\" migrates and rebuilds)", strings.Join(failed, "; "))
	}
	return nil
}

// runRepair brings the database up to date and rebuilds what derives from
// its tables: the explicit counterpart of check.
func runRepair(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("claimtrack repair", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var path string
	dbFlag(fs, &path)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("repair: %w", err)
	}
	return sqlite.Repair(ctx, path, func(step string) { fmt.Fprintln(stdout, step) })
}
