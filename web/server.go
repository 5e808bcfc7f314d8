// Package web is the HTTP face of the tracker: Echo routes, thin handlers, form
// parsing, the central error handler and page rendering with templ.
package web

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/dump"
	"github.com/claimtrack/claimtrack/internal/password"
	"github.com/labstack/echo/v4"
)

// ClaimStore is what the handlers need to read and change claims.
type ClaimStore interface {
	CreateClaim(ctx context.Context, in claimtrack.ClaimInput, actor string) (*claimtrack.Claim, error)
	UpdateClaim(ctx context.Context, id, version int64, in claimtrack.ClaimInput, actor string) (*claimtrack.Claim, error)
	SetClaimStatus(ctx context.Context, id int64, ch claimtrack.StatusChange, actor string) (*claimtrack.Claim, error)
	FindClaimByID(ctx context.Context, id int64) (*claimtrack.Claim, error)
	// FindClaimForPage is FindClaimByID for the claim's page: in a snapshot
	// (ReadSnapshot) it also reads the first page of the claim's history for
	// FindClaimTimeline, in the same lookup.
	FindClaimForPage(ctx context.Context, id int64) (*claimtrack.Claim, error)
	FindClaims(ctx context.Context, f claimtrack.ClaimFilter) (*claimtrack.ClaimPage, error)
	ExportClaims(ctx context.Context, f claimtrack.ClaimFilter, fn func(*claimtrack.Claim) error) error
	ExportEvidence(ctx context.Context, f claimtrack.EvidenceFilter, fn func(*claimtrack.Evidence) error) error
	ExportSources(ctx context.Context, fn func(*claimtrack.Source) error) error
	FindClaimTimeline(ctx context.Context, claimID, before int64, limit int) ([]*claimtrack.Event, bool, int64, error)
	FindFirstVerdictAt(ctx context.Context, claimID int64) (time.Time, bool, error)
	FindVerdict(ctx context.Context, claimID int64) (claimtrack.Verdict, error)
	FindVerdictUntil(ctx context.Context, claimID int64, until time.Time) (claimtrack.Verdict, error)
	FindClaimEventsUntil(ctx context.Context, claimID int64, until time.Time) ([]*claimtrack.Event, error)
	FindClaimTimelineUntil(ctx context.Context, claimID int64, until time.Time, limit int) ([]*claimtrack.Event, error)
	FindClaimsAsOf(ctx context.Context, until time.Time, offset, limit int) ([]*claimtrack.ClaimState, int, error)
	FindClaimEventsSince(ctx context.Context, claimID, version int64) ([]*claimtrack.Event, error)
}

// EvidenceStore is what the handlers need for claim–source links.
type EvidenceStore interface {
	AddEvidence(ctx context.Context, claimID int64, in claimtrack.EvidenceInput, actor string) (*claimtrack.Evidence, error)
	FindClaimEvidence(ctx context.Context, claimID int64) ([]*claimtrack.Evidence, error)
	EditEvidence(ctx context.Context, claimID, evidenceID int64, in claimtrack.EvidenceInput, actor string) (*claimtrack.Evidence, error)
	RemoveEvidence(ctx context.Context, claimID, evidenceID int64, r claimtrack.EvidenceRemoval, actor string) (*claimtrack.Claim, error)
}

// SourceStore is what the handlers need for sources.
type SourceStore interface {
	CreateSource(ctx context.Context, in claimtrack.SourceInput, actor string) (*claimtrack.Source, error)
	UpdateSource(ctx context.Context, id int64, in claimtrack.SourceInput, actor string) (*claimtrack.Source, error)
	FindSourceByID(ctx context.Context, id int64) (*claimtrack.Source, error)
	FindSources(ctx context.Context, f claimtrack.SourceFilter) ([]*claimtrack.SourceSummary, int, error)
	FindSourceChoices(ctx context.Context) ([]*claimtrack.Source, error)
	FindSourceByName(ctx context.Context, name string) (*claimtrack.Source, error)
	FindSimilarSources(ctx context.Context, name string, limit int) ([]claimtrack.SimilarSource, error)
	FindSourceClaims(ctx context.Context, sourceID int64, limit int) ([]*claimtrack.SourceClaim, error)
	FindSourceRecord(ctx context.Context, sourceID int64) (claimtrack.SourceRecord, error)
	FindScoreChanges(ctx context.Context, sourceID int64, before, limit int) ([]*claimtrack.ScoreChange, error)
	FindScorePoints(ctx context.Context, sourceID int64, max int) ([]claimtrack.ScorePoint, int, error)
	FindScorePointsUpTo(ctx context.Context, sourceID int64, upTo, max int) ([]claimtrack.ScorePoint, int, error)
	FindRecordsAsOf(ctx context.Context, sourceIDs []int64, until time.Time) (map[int64]*claimtrack.SourceRecord, error)
	FindSourceRecordAsOf(ctx context.Context, sourceID int64, until time.Time) (claimtrack.SourceRecord, error)
	FindSourcesAsOf(ctx context.Context, until time.Time, offset, limit int) ([]*claimtrack.SourceSummary, int, error)
	FindSourcesByNameAsOf(ctx context.Context, until time.Time, offset, limit int) ([]*claimtrack.SourceSummary, int, error)
}

// SearchStore is what the search page needs.
type SearchStore interface {
	Search(ctx context.Context, q claimtrack.SearchQuery, offset, limit, sources int) (*claimtrack.SearchResults, error)
	SuggestSpelling(ctx context.Context, q claimtrack.SearchQuery) ([]claimtrack.Correction, error)
	FindSimilarClaims(ctx context.Context, text string, limit int) ([]claimtrack.SimilarClaim, error)
}

// ReportStore is what the handlers need for reports.
type ReportStore interface {
	FindReportByID(ctx context.Context, id int64) (*claimtrack.Report, error)
	FindReportClaims(ctx context.Context, reportID int64) ([]*claimtrack.Claim, error)
	FindReports(ctx context.Context, offset, limit int) ([]*claimtrack.ReportListing, int, error)
}

// DataStore is what the handlers need to import files.
type DataStore interface {
	ImportFile(ctx context.Context, r io.Reader, actor, label string, dryRun bool) (*dump.Result, error)
}

// Store is all the storage the web layer uses.
type Store interface {
	ClaimStore
	EvidenceStore
	SourceStore
	ReportStore
	SearchStore
	AccountStore
	HistoryStore
	DataStore
	WebhookStore
	DeskStore
	FollowStore
	CalendarStore
	QuestionStore
	IntakeStore
	Ping(ctx context.Context) error
	// ReadSnapshot runs fn with a context whose reads share one read transaction:
	// a page's several reads see one moment and cost one transaction.
	ReadSnapshot(ctx context.Context, fn func(context.Context) error) error
	// Generation returns a number that changes whenever anything is
	// committed, by this process or another; what was read after it was
	// taken stays current for as long as it returns the same number.
	Generation(ctx context.Context) (int64, error)
	// ClaimFreshness is the freshness of a claim's page (ENOTFOUND for no
	// such claim), HistoryFreshness that of everything (the newest event).
	ClaimFreshness(ctx context.Context, id int64) (claimtrack.Freshness, error)
	// FindClaimEvidenceFresh is FindClaimEvidence (never nil, the sources'
	// records without their parts by kind) of a claim just read, in the same
	// snapshot (see ReadSnapshot), with its ClaimFreshness, taken from the
	// same rows: what the claim page shows.
	FindClaimEvidenceFresh(ctx context.Context, c *claimtrack.Claim) ([]*claimtrack.Evidence, claimtrack.Freshness, error)
	HistoryFreshness(ctx context.Context) (claimtrack.Freshness, error)
}

// Page sizes of the lists.
const (
	ClaimsPerPage  = 25
	SourcesPerPage = 50
	// SourceClaimsShown is how many linked claims a source page lists; the
	// claims list filtered by the source has them all.
	SourceClaimsShown = 25
	// ScoreChangesPerPage is how many changes of a record a source page lists.
	ScoreChangesPerPage = 25
	// EventsPerPage is how many events of a claim's history a page shows.
	EventsPerPage = 50
	// ChartPoints is the most points a score chart draws.
	ChartPoints = 200
)

// MaxBodyBytes is the largest request body accepted; larger ones get 413.
const MaxBodyBytes = 64 << 10

// Server handles every HTTP request of the tracker.
type Server struct {
	echo   *echo.Echo
	store  Store
	logger *slog.Logger
	setup  setup
	// Failed sign-ins slow down per account and per client address.
	accounts, clients *throttle
	// verify checks a password against its hash (password.Verify; tests
	// count the checks through it).
	verify verifyFunc

	// cfg holds the settings that change how requests are answered, and
	// extractIP the client address reader they imply; Configure swaps both
	// whole, so it is safe while requests are served.
	cfg       atomic.Pointer[Config]
	extractIP atomic.Pointer[echo.IPExtractor]
	// turns bounds the requests handled at once (see Config.MaxInFlight).
	turns atomic.Pointer[turns]
	// pages keeps the claim pages visitors who are not signed in are shown.
	pages *pageCache
	// importing is the one import slot: uploads and imports run one at a time.
	importing chan struct{}
	// searching counts the searches each client address is running.
	searching clientCounts

	// Now returns the current time for relative times on pages.
	Now func() time.Time
}

// NewServer returns a server that reads and writes through store and logs
// requests and internal errors to logger.
func NewServer(store Store, logger *slog.Logger) *Server {
	s := &Server{echo: echo.New(), store: store, logger: logger, Now: time.Now,
		accounts: newThrottle(5, 15*time.Minute), clients: newThrottle(20, 15*time.Minute),
		pages: newPageCache(DefaultPageCacheBytes), verify: password.Verify, importing: make(chan struct{}, 1)}
	s.echo.HideBanner = true
	s.echo.HidePort = true
	s.echo.HTTPErrorHandler = s.handleError
	s.echo.IPExtractor = func(r *http.Request) string { return (*s.extractIP.Load())(r) }
	s.Configure(Config{})
	s.routes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Routes lists every route the server answers (tests check the API's
// description against it).
func (s *Server) Routes() []*echo.Route { return s.echo.Routes() }

// Config are the server's settings.
type Config struct {
	// HTTPS says the site is served over HTTPS (its public URL is https://):
	// session cookies are then marked Secure and HSTS is sent.
	HTTPS bool
	// PublicURL is the address readers use (no trailing slash), for every
	// absolute URL: the ClaimReview markup, the links and ids in feeds, the
	// API's links and its Link and Location headers, the exports' url column.
	// Empty means the Host of each request if it is allowed (AllowedHosts),
	// else ListenAddr.
	PublicURL string
	// ListenAddr is the address the server listens on (host:port), as its
	// listener reports it (so port 0 has become the real port). Without a
	// PublicURL it names the site in absolute URLs when a request's Host is
	// not allowed; an unspecified address (0.0.0.0, ::) is named localhost.
	// Empty means unknown: the site is then named localhost, and the
	// loopback names on any port are allowed by default.
	ListenAddr string
	// AllowedHosts are the Host header values (host or host:port, see
	// NormalizeHost) that may name the site in absolute URLs when there is
	// no PublicURL; a request with any other Host gets ListenAddr. Empty
	// means the default: ListenAddr itself and localhost, 127.0.0.1 and [::1]
	// with its port. X-Forwarded-Host is never believed.
	AllowedHosts []string
	// OrgName is the organisation that publishes the verdicts: the author of
	// the ClaimReview markup on claim pages. Empty means "Claimtrack".
	OrgName string
	// Private requires signing in to read anything.
	Private bool
	// TrustedProxies are the addresses of reverse proxies whose
	// X-Forwarded-For and X-Forwarded-Proto headers are believed. From anyone
	// else those headers are ignored.
	TrustedProxies []netip.Prefix
	// MaxInFlight bounds the requests handled at once (0: DefaultMaxInFlight),
	// reads (GET, HEAD) and changes each; QueueWait is how long one more may
	// wait for a turn (0: DefaultQueueWait) before it is answered 503. A burst
	// beyond the machine's pace queues briefly instead of piling up memory.
	// Reads and changes take turns apart: changes wait for the one writer and
	// the disk, and pages must not queue behind them.
	MaxInFlight int
	QueueWait   time.Duration
	// A request's body is read whole before the request takes a turn, so a
	// slow one never holds a turn. BodyTimeout bounds how long the body of
	// an ordinary request may take to arrive (0: DefaultBodyTimeout), and
	// ImportBodyTimeout that of an import upload (0:
	// DefaultImportBodyTimeout). BodyMinRate is the slowest a body may
	// arrive, in bytes a second on average from BodyRateGrace after the
	// request began (0: DefaultBodyMinRate, 0 grace: DefaultBodyRateGrace,
	// negative rate: no minimum). A body that breaks either rule is answered
	// 408 and its connection closed.
	BodyTimeout       time.Duration
	ImportBodyTimeout time.Duration
	BodyRateGrace     time.Duration
	BodyMinRate       int
	// MaxConnsPerAddr bounds the connections one client address (an IPv6
	// /64) may hold open at once (0: DefaultMaxConnsPerAddr, negative: no
	// bound). The listener applies it (see LimitConns); the server only
	// resolves the default.
	MaxConnsPerAddr int

	// SearchMinPrefix, SearchMaxPrefixes, SearchMaxOr and SearchMaxTerms
	// bound what one search (the search page, the claims list's words
	// filter, the API) asks of the index: see claimtrack.QueryLimits; 0
	// means its default. Past a limit a search is made cheaper, not refused,
	// and the page says what was changed.
	SearchMinPrefix   int
	SearchMaxPrefixes int
	SearchMaxOr       int
	SearchMaxTerms    int
	// SearchBudget is how long the database may work on one search (0:
	// DefaultSearchBudget). When it runs out the statement is interrupted
	// through the request's context, and the page answers 200 saying that
	// the search was too broad.
	SearchBudget time.Duration
	// SearchesPerClient bounds the searches one client address runs at once
	// (0: DefaultSearchesPerClient); one more is answered 429 at once, with
	// Retry-After.
	SearchesPerClient int
	// MaxExports bounds the claim-list downloads (/claims.csv, /claims.json)
	// made at once (0: DefaultMaxExports). One more waits up to QueueWait for
	// a turn, then is answered 503 with Retry-After.
	MaxExports int
	// ExportMinRate is the slowest a client may take a download, in bytes
	// per second (0: DefaultExportMinRate): each 64 KiB piece must be taken
	// within 64 KiB / ExportMinRate (at least a second), or the download is
	// cut, which the client sees as an incomplete transfer.
	ExportMinRate int
	// ExportDir is where downloads are written before they are sent (""
	// means the system's temporary directory). It needs room for the
	// largest export, times MaxExports.
	ExportDir string
	// CacheSMaxAge is how long a shared cache (Varnish, a CDN) may give out
	// a page shown to visitors without asking again (s-maxage; 0:
	// DefaultCacheSMaxAge), and CacheStale how long after that it may still
	// give it out while it asks (stale-while-revalidate; 0:
	// DefaultCacheStale). See httpcache.go.
	CacheSMaxAge time.Duration
	CacheStale   time.Duration
	// PageCacheBytes bounds the memory of the claim pages kept for visitors
	// (0 is DefaultPageCacheBytes; negative keeps none). See pagecache.go.
	PageCacheBytes int

	// hosts is the policy ListenAddr and AllowedHosts make (set by Configure).
	hosts *hostPolicy
	// settings stands for every setting, in the ETags of shared responses,
	// and configuredAt is when they were applied (set by Configure).
	settings     string
	configuredAt time.Time
}

// The defaults of the body and connection limits (see Config).
const (
	DefaultBodyTimeout       = 10 * time.Second
	DefaultImportBodyTimeout = 5 * time.Minute
	DefaultBodyRateGrace     = 2 * time.Second
	DefaultBodyMinRate       = 4 << 10 // bytes a second
	DefaultMaxConnsPerAddr   = 32
)

// DefaultMaxExports is the default bound on downloads made at once: one per
// two cores, at least one. Making a download keeps a core busy; on two cores,
// one at a time kept claim pages at a p99 of 6 ms during twelve concurrent
// requests for 100k claims, where two at a time let it reach 184 ms.
func DefaultMaxExports() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// DefaultExportMinRate is the default slowest rate, in bytes per second, at
// which a client may take a download: a 64 KiB piece in 4 seconds.
const DefaultExportMinRate = 16 << 10

// DefaultQueueWait is how long a request waits for a turn by default.
const DefaultQueueWait = 2 * time.Second

// DefaultMaxInFlight is the default bound on requests handled at once: a
// few per core keeps both cores busy while the database works.
func DefaultMaxInFlight() int { return max(8, 4*runtime.GOMAXPROCS(0)) }

// Config returns the settings in force.
func (s *Server) Config() Config { return *s.cfg.Load() }

// Configure applies cfg. It may be called while requests are served: each
// request sees the settings before or after, never a mix.
func (s *Server) Configure(cfg Config) {
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight()
	}
	if cfg.QueueWait <= 0 {
		cfg.QueueWait = DefaultQueueWait
	}
	if cfg.BodyTimeout <= 0 {
		cfg.BodyTimeout = DefaultBodyTimeout
	}
	if cfg.ImportBodyTimeout <= 0 {
		cfg.ImportBodyTimeout = DefaultImportBodyTimeout
	}
	if cfg.BodyRateGrace <= 0 {
		cfg.BodyRateGrace = DefaultBodyRateGrace
	}
	if cfg.BodyMinRate == 0 {
		cfg.BodyMinRate = DefaultBodyMinRate
	}
	if cfg.MaxConnsPerAddr == 0 {
		cfg.MaxConnsPerAddr = DefaultMaxConnsPerAddr
	}
	limits := claimtrack.QueryLimits{MinPrefix: cfg.SearchMinPrefix, MaxPrefixes: cfg.SearchMaxPrefixes,
		MaxOr: cfg.SearchMaxOr, MaxTerms: cfg.SearchMaxTerms}.WithDefaults()
	cfg.SearchMinPrefix, cfg.SearchMaxPrefixes, cfg.SearchMaxOr, cfg.SearchMaxTerms =
		limits.MinPrefix, limits.MaxPrefixes, limits.MaxOr, limits.MaxTerms
	if cfg.SearchBudget <= 0 {
		cfg.SearchBudget = DefaultSearchBudget
		if raceDetector {
			// Under the race detector, on a busy machine, even the searches of
			// a handful of claims can take longer than the default allows.
			cfg.SearchBudget *= 20
		}
	}
	if cfg.SearchesPerClient <= 0 {
		cfg.SearchesPerClient = DefaultSearchesPerClient
	}
	s.turns.Store(&turns{reads: make(chan struct{}, cfg.MaxInFlight), changes: make(chan struct{}, cfg.MaxInFlight), wait: cfg.QueueWait})
	if cfg.MaxExports <= 0 {
		cfg.MaxExports = DefaultMaxExports()
	}
	if cfg.ExportMinRate <= 0 {
		cfg.ExportMinRate = DefaultExportMinRate
	}
	s.turns.Store(&turns{reads: make(chan struct{}, cfg.MaxInFlight), changes: make(chan struct{}, cfg.MaxInFlight),
		exports: make(chan struct{}, cfg.MaxExports), wait: cfg.QueueWait})
	extract := echo.ExtractIPDirect()
	if len(cfg.TrustedProxies) > 0 {
		var opts []echo.TrustOption
		for _, p := range cfg.TrustedProxies {
			ipnet := &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
			opts = append(opts, echo.TrustIPRange(ipnet))
		}
		opts = append(opts, echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false))
		extract = echo.ExtractIPFromXFFHeader(opts...)
	}
	s.extractIP.Store(&extract)
	if cfg.CacheSMaxAge <= 0 {
		cfg.CacheSMaxAge = DefaultCacheSMaxAge
	}
	if cfg.CacheStale <= 0 {
		cfg.CacheStale = DefaultCacheStale
	}
	cfg.settings, cfg.configuredAt = "", time.Time{}
	cfg.settings, cfg.configuredAt = settingsKey(cfg), s.Now().UTC()
	cfg.hosts = newHostPolicy(cfg.ListenAddr, cfg.AllowedHosts)
	switch {
	case cfg.PageCacheBytes == 0:
		cfg.PageCacheBytes = DefaultPageCacheBytes
	case cfg.PageCacheBytes < 0:
		cfg.PageCacheBytes = 0
	}
	s.cfg.Store(&cfg)
	// Every page is forgotten: the organisation's name and the public
	// address are on them.
	s.pages.resize(cfg.PageCacheBytes)
}

// fromTrustedProxy reports whether the request's direct peer is a trusted proxy.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range s.Config().TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// actor is who is making a change: the signed-in account. Changing routes
// require one, so "local" only appears if a handler is reached without it.
func (s *Server) actor(c echo.Context) string {
	if u := user(c); u != nil {
		return u.Username
	}
	return claimtrack.ActorLocal
}
