package web

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// csrfKey is where the request keeps the CSRF token its forms carry.
const csrfKey = "csrf"

// logRequests writes one structured log line per request: at info level,
// except static files and health checks, which are logged at debug level
// (unless they fail) so that they do not bury what the log says at start,
// such as the setup link.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			// Let the error handler write the response now, so the status logged is the one sent.
			c.Error(err)
		}
		req, res := c.Request(), c.Response()
		level := slog.LevelInfo
		switch {
		case res.Status >= 500:
			level = slog.LevelError
		case quietPath(req.URL.Path):
			level = slog.LevelDebug
		}
		if !s.logger.Enabled(req.Context(), level) {
			return nil
		}
		s.logger.LogAttrs(req.Context(), level, "request",
			slog.String("method", req.Method),
			slog.String("path", req.URL.Path),
			slog.Int("status", res.Status),
			slog.Int64("bytes", res.Size),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote", c.RealIP()),
		)
		return nil
	}
}

// quietPath reports whether requests for path are routine enough to be
// logged at debug level: the static files every page loads, and the health
// check that load balancers and monitors ask for every few seconds.
func quietPath(path string) bool {
	return strings.HasPrefix(path, "/static/") || path == "/favicon.ico" || path == "/healthz"
}

// securityHeaders sets the headers every response carries, error pages and
// static files included. Pages use no inline script or style, so the policy
// can forbid both. HSTS is sent only when the site is served over HTTPS.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		if s.secure(c) {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		s.secureCookies(c)
		return next(c)
	}
}

// refuseCrossSite refuses any state-changing request that the browser says
// comes from another site, before the CSRF token is even looked at.
func refuseCrossSite(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions &&
			strings.EqualFold(r.Header.Get("Sec-Fetch-Site"), "cross-site") && !strings.HasPrefix(r.URL.Path, "/api/") {
			return errCSRF
		}
		return next(c)
	}
}

// errCSRF is the refusal of a state-changing request without a valid token.
var errCSRF = echo.NewHTTPError(http.StatusForbidden,
	"This form has expired or did not come from this site. Go back, reload the page and try again.")

// csrfError turns every CSRF failure, including a missing token, into a 403.
func csrfError(error, echo.Context) error { return errCSRF }

// turns is the bound on requests handled at once: a slot per request, from
// one pool for reads and another for changes.
type turns struct {
	reads, changes chan struct{}
	// exports are the turns of the claim-list downloads (Config.MaxExports).
	exports chan struct{}
	wait    time.Duration
}

// errBusy answers a request that found no turn in time.
var errBusy = echo.NewHTTPError(http.StatusServiceUnavailable,
	"The tracker is answering many requests at once. Nothing was lost; try again in a moment.")

// takeTurns makes each request wait for one of the slots before it is
// handled, and answers 503 (with Retry-After) when none frees up in time.
// Static files, the health check and the long downloads and uploads (exports,
// imports) do not take one; exports take turns of their own (exportTurn).
func (s *Server) takeTurns(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch p := c.Request().URL.Path; {
		case strings.HasPrefix(p, "/static/"), p == "/healthz", p == "/favicon.ico",
			p == "/claims.csv", p == "/claims.json", p == "/admin/import":
			return next(c)
		}
		t := s.turns.Load()
		slots := t.changes
		if m := c.Request().Method; m == http.MethodGet || m == http.MethodHead {
			slots = t.reads
		}
		select {
		case slots <- struct{}{}:
		default:
			timer := time.NewTimer(t.wait)
			defer timer.Stop()
			select {
			case slots <- struct{}{}:
			case <-timer.C:
				c.Response().Header().Set("Retry-After", "2")
				return errBusy
			case <-c.Request().Context().Done():
				return nil // the client went away while waiting
			}
		}
		defer func() { <-slots }()
		return next(c)
	}
}
