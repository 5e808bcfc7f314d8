package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/password"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// AccountStore is what the handlers need for accounts and sessions.
type AccountStore interface {
	CountUsers(ctx context.Context) (int, error)
	CreateUser(ctx context.Context, in claimtrack.NewUser, hash, actor string, onlyFirst bool) (*claimtrack.User, error)
	FindUserByUsername(ctx context.Context, username string) (*claimtrack.User, string, error)
	FindUsers(ctx context.Context) ([]*claimtrack.User, error)
	SetPassword(ctx context.Context, userID int64, hash, actor string) error
	SetRole(ctx context.Context, userID int64, role claimtrack.Role, actor string) error
	SetDisabled(ctx context.Context, userID int64, disabled bool, actor string) error
	CreateSession(ctx context.Context, userID int64, token string) error
	FindSession(ctx context.Context, token string) (*claimtrack.User, bool, error)
	TouchSession(ctx context.Context, token string) error
	DeleteSession(ctx context.Context, token string) error
	CreateAPIToken(ctx context.Context, userID int64, name, token string) (*claimtrack.APIToken, error)
	FindAPITokens(ctx context.Context, userID int64) ([]*claimtrack.APIToken, error)
	RevokeAPIToken(ctx context.Context, userID, tokenID int64) error
	FindUserByAPIToken(ctx context.Context, token string) (*claimtrack.User, error)
}

// verifyFunc checks a password against its stored hash.
type verifyFunc func(ctx context.Context, pw, hash string) (bool, error)

// sessionCookie holds the session token; userKey is where the signed-in
// account is kept for the request.
const (
	sessionCookie = "claimtrack_session"
	userKey       = "user"
)

// randomToken returns 256 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the platform is broken; nothing is safe to do
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// setup is the one-time token that lets the first person create the first
// admin. It exists only while no account exists, and only in memory.
type setup struct {
	mu    sync.Mutex
	token string
}

// SetupLink returns the path of the first-run page with a fresh token when no
// account exists yet, else "". The server prints it at start.
func (s *Server) SetupLink(ctx context.Context) (string, error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	s.setup.mu.Lock()
	defer s.setup.mu.Unlock()
	if s.setup.token == "" {
		s.setup.token = randomToken()
	}
	return "/setup?token=" + s.setup.token, nil
}

// setupTokenValid reports, in constant time, whether token is the live setup token.
func (s *Server) setupTokenValid(token string) bool {
	s.setup.mu.Lock()
	defer s.setup.mu.Unlock()
	return s.setup.token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.setup.token)) == 1
}

// loadUser puts the signed-in account, if any, into the request. A cookie
// that names no live session is cleared.
func (s *Server) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(sessionCookie)
		if err != nil || ck.Value == "" {
			return next(c)
		}
		ctx := c.Request().Context()
		u, stale, err := s.store.FindSession(ctx, ck.Value)
		switch {
		case claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND:
			s.clearSessionCookie(c)
		case err != nil:
			return err
		default:
			c.Set(userKey, u)
			c.Set(sessionTokenKey, ck.Value)
			if stale {
				// Recording the last use once a minute is enough for the
				// idle timeout; a failure here must not fail the page.
				_ = s.store.TouchSession(ctx, ck.Value)
			}
		}
		return next(c)
	}
}

// user is the signed-in account, or nil.
func user(c echo.Context) *claimtrack.User {
	u, _ := c.Get(userKey).(*claimtrack.User)
	return u
}

// errForbidden is the refusal of a change by someone who may not make it.
var errForbidden = echo.NewHTTPError(http.StatusForbidden, "Only editors can change the record. Sign in with an editor's account.")

// errAdminOnly is the refusal of account management to non-admins.
var errAdminOnly = echo.NewHTTPError(http.StatusForbidden, "Only admins can manage accounts.")

// requireEditor guards every page and action that changes the record. Someone
// not signed in who asks for a form is sent to sign in and brought back;
// any other request without an editor is refused with 403, before anything
// is read from the form or written.
func (s *Server) requireEditor(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := user(c)
		if u.CanEdit() {
			return next(c)
		}
		if u == nil && (c.Request().Method == http.MethodGet || c.Request().Method == http.MethodHead) {
			return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		return errForbidden
	}
}

// requireAdmin guards account management.
func (s *Server) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := user(c)
		if u.CanAdmin() {
			return next(c)
		}
		if u == nil && (c.Request().Method == http.MethodGet || c.Request().Method == http.MethodHead) {
			return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		return errAdminOnly
	}
}

// requireUser guards pages for anyone signed in (their own account).
func (s *Server) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if user(c) != nil {
			return next(c)
		}
		if c.Request().Method == http.MethodGet || c.Request().Method == http.MethodHead {
			return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		return echo.NewHTTPError(http.StatusForbidden, "Sign in first.")
	}
}

// safeNext returns where to go after signing in: next when it is a path on
// this site, else the claims list. Anything that a browser could read as
// another host (//host, /\host, a scheme, encoded slashes) is refused.
func safeNext(next string) string {
	if next == "" || len(next) > 2000 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\x00\r\n\t") {
		return "/claims"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") {
		return "/claims"
	}
	if dec, err := url.PathUnescape(u.EscapedPath()); err != nil || strings.HasPrefix(dec, "//") || strings.Contains(dec, "\\") {
		return "/claims"
	}
	return u.RequestURI()
}

// startSession signs u in: a new random token every time (the old cookie,
// if any, is never reused), stored hashed.
func (s *Server) startSession(c echo.Context, u *claimtrack.User) error {
	if old, err := c.Cookie(sessionCookie); err == nil && old.Value != "" {
		_ = s.store.DeleteSession(c.Request().Context(), old.Value)
	}
	token := randomToken()
	if err := s.store.CreateSession(c.Request().Context(), u.ID, token); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(c), MaxAge: int(sessionMaxAge.Seconds())})
	// Forms from now on carry the new session's CSRF token.
	c.Set(sessionTokenKey, token)
	c.Set(csrfKey, "")
	return nil
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(c), MaxAge: -1})
	c.Set(sessionTokenKey, "")
	c.Set(csrfKey, "")
}

// secure reports whether the request came over HTTPS: because the public URL
// says so, directly, or through a trusted proxy that says so.
func (s *Server) secure(c echo.Context) bool {
	r := c.Request()
	return s.Config().HTTPS || r.TLS != nil ||
		(strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") && s.fromTrustedProxy(r))
}

// privateMode, when the tracker is private, sends visitors to sign in before
// they read anything; signing in, the first-run page, health checks and the
// static files stay open.
func (s *Server) privateMode(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !s.Config().Private || user(c) != nil {
			return next(c)
		}
		switch p := c.Request().URL.Path; {
		case p == "/login", p == "/setup", p == "/healthz", p == "/favicon.ico", strings.HasPrefix(p, "/static/"),
			strings.HasPrefix(p, "/api/"),   // the API checks its tokens itself
			strings.HasPrefix(p, "/feeds/"): // and the private feeds theirs
			return next(c)
		}
		if c.Request().Method == http.MethodGet || c.Request().Method == http.MethodHead {
			return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		return echo.NewHTTPError(http.StatusForbidden, "This tracker is private: sign in first.")
	}
}

// handleLoginForm shows the sign-in form.
func (s *Server) handleLoginForm(c echo.Context) error {
	if user(c) != nil {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	return s.render(c, http.StatusOK, views.LoginPage(s.formPage(c, "Sign in", ""), views.LoginForm{Next: safeNext(c.QueryParam("next"))}))
}

// handleLogin checks a username and password and signs the person in.
func (s *Server) handleLogin(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	f := views.LoginForm{Username: strings.TrimSpace(c.FormValue("username")), Next: safeNext(c.FormValue("next"))}
	pw := c.FormValue("password")
	ctx := c.Request().Context()
	g, wait := s.reserveGuess(f.Username, c.RealIP(), s.Now())
	if wait > 0 {
		secs := s.throttled(c, "sign-in throttled", f.Username, wait)
		f.Errors = views.FormErrors{"password": "Too many failed sign-ins for this account or from your network. Wait " +
			strconv.Itoa(secs) + " seconds, then try again."}
		return s.render(c, http.StatusTooManyRequests, views.LoginPage(s.formPage(c, "Sign in", ""), f))
	}
	// From here the attempt counts as a failure unless it succeeds.
	fail := func() error {
		s.logger.Info("sign-in refused", "username", strconv.Quote(f.Username), "remote", c.RealIP())
		f.Errors = views.FormErrors{"password": "The username or password is wrong."}
		return s.render(c, http.StatusUnprocessableEntity, views.LoginPage(s.formPage(c, "Sign in", ""), f))
	}
	if f.Username == "" || pw == "" || len(pw) > 4*claimtrack.PasswordMax {
		return fail()
	}
	u, hash, err := s.store.FindUserByUsername(ctx, f.Username)
	if claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND {
		// Hash anyway, so that a missing account takes as long as a wrong password.
		_, _ = s.verify(ctx, pw, dummyHash)
		return fail()
	} else if err != nil {
		return err
	}
	ok, err := s.verify(ctx, pw, hash)
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	if !ok || u.Disabled {
		return fail()
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	g.succeeded()
	s.logger.Info("signed in", "username", strconv.Quote(u.Username), "remote", c.RealIP())
	return c.Redirect(http.StatusSeeOther, f.Next)
}

// throttled logs a password check refused by the throttles and sets
// Retry-After; it returns the wait in whole seconds.
func (s *Server) throttled(c echo.Context, msg, username string, wait time.Duration) int {
	secs := int(math.Ceil(wait.Seconds()))
	s.logger.Warn(msg, "path", c.Request().URL.Path, "username", strconv.Quote(username), "remote", c.RealIP(), "wait_s", secs)
	c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	return secs
}

// checkPassword checks the signed-in account's password, as typed into a
// form that asks for it again, through the same throttles as signing in: a
// stolen session is no faster a way to guess it. It returns the message for
// the field ("" when right) and the status to answer with when it is not.
func (s *Server) checkPassword(c echo.Context, u *claimtrack.User, pw string) (msg string, status int, err error) {
	if pw == "" {
		return "Enter your current password.", http.StatusUnprocessableEntity, nil
	}
	g, wait := s.reserveGuess(u.Username, c.RealIP(), s.Now())
	if wait > 0 {
		secs := s.throttled(c, "password check throttled", u.Username, wait)
		return "Too many wrong passwords for this account or from your network. Wait " + strconv.Itoa(secs) +
			" seconds, then try again.", http.StatusTooManyRequests, nil
	}
	ctx := c.Request().Context()
	_, hash, err := s.store.FindUserByUsername(ctx, u.Username)
	if err != nil {
		return "", 0, err
	}
	ok := false
	if len(pw) <= 4*claimtrack.PasswordMax {
		ok, err = s.verify(ctx, pw, hash)
		if err != nil && ctx.Err() != nil {
			return "", 0, ctx.Err()
		}
	}
	if !ok {
		s.logger.Info("password check refused", "path", c.Request().URL.Path, "username", strconv.Quote(u.Username), "remote", c.RealIP())
		return "This is not your current password.", http.StatusUnprocessableEntity, nil
	}
	g.succeeded()
	return "", 0, nil
}

// dummyHash is checked against when the account does not exist.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$3yj6cg2RSLC2wF9M3nU2R3aGe8nP5cBm1g5y2GJ2dXQ"

// handleLogout ends the session.
func (s *Server) handleLogout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := s.store.DeleteSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return redirectWithFlash(c, "/claims", flashSignedOut)
}

// handleSetupForm shows the first-run form, while the token is live.
func (s *Server) handleSetupForm(c echo.Context) error {
	token := c.QueryParam("token")
	if !s.setupTokenValid(token) {
		return echo.NewHTTPError(http.StatusNotFound, "This setup link is not valid (any more). Ask whoever runs the tracker for an account.")
	}
	return s.render(c, http.StatusOK, views.SetupPage(s.formPage(c, "Create the first admin", ""), views.AccountForm{Token: token}))
}

// handleSetup creates the first admin and signs them in; the token dies.
func (s *Server) handleSetup(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	f := views.AccountForm{Token: c.FormValue("token"), Username: strings.TrimSpace(c.FormValue("username"))}
	if !s.setupTokenValid(f.Token) {
		return echo.NewHTTPError(http.StatusNotFound, "This setup link is not valid (any more). Ask whoever runs the tracker for an account.")
	}
	in := claimtrack.NewUser{Username: f.Username, Role: claimtrack.RoleAdmin, Password: c.FormValue("password")}
	if err := in.Validate(); err != nil {
		f.Errors = errorsOf(err)
		return s.render(c, http.StatusUnprocessableEntity, views.SetupPage(s.formPage(c, "Create the first admin", ""), f))
	}
	hash, err := password.Hash(c.Request().Context(), in.Password)
	if err != nil {
		return err
	}
	u, err := s.store.CreateUser(c.Request().Context(), in, hash, "", true)
	if claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		f.Errors = errorsOf(err)
		return s.render(c, http.StatusUnprocessableEntity, views.SetupPage(s.formPage(c, "Create the first admin", ""), f))
	} else if err != nil {
		return err
	}
	s.setup.mu.Lock()
	s.setup.token = ""
	s.setup.mu.Unlock()
	if err := s.startSession(c, u); err != nil {
		return err
	}
	return redirectWithFlash(c, "/admin/users", flashAdminCreated)
}
