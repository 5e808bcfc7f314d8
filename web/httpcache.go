package web

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/labstack/echo/v4"
)

// HTTP caching. What a visitor who is not signed in is shown is the same for
// every visitor, so a shared cache (Varnish, a CDN) may keep it: such a
// response carries a strong ETag and a Last-Modified derived from the
// freshness of what it shows (claimtrack.Freshness), answers If-None-Match
// and If-Modified-Since with 304, and says how long a shared cache may keep
// it (Config.CacheSMaxAge, Config.CacheStale). Everything else, anything
// shown to someone signed in, anything that sets a cookie (a form's CSRF
// token), carries a one-time message or answers an error, is
// "private, no-store" (see cachePolicy).

// The defaults of the shared caches' settings (see Config).
const (
	DefaultCacheSMaxAge = 10 * time.Second
	DefaultCacheStale   = 60 * time.Second
)

// privateNoStore is the Cache-Control of everything that is not shared.
const privateNoStore = "private, no-store"

// build names the running binary: a new one may render pages differently,
// so it is part of every ETag.
var build = func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	b := info.Main.Version
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision", "vcs.time", "vcs.modified":
			b += " " + s.Value
		}
	}
	return b
}()

// settingsKey is what of cfg shapes the pages, as one string: every setting,
// so that a change of any of them makes every page new.
func settingsKey(cfg Config) string {
	cfg.hosts = nil
	sum := sha256.Sum256([]byte(fmt.Sprintf("%+v|%s", cfg, build)))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// sharedView reports whether the response to this request may be the one
// every visitor gets: a GET or HEAD from someone not signed in, with no
// one-time message waiting to be shown.
func sharedView(c echo.Context) bool {
	if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead || user(c) != nil {
		return false
	}
	_, err := c.Cookie(flashCookie)
	return err != nil
}

// sharedCacheKey is the key f gives the response to this request: its
// freshness, the settings, the binary, the day (due dates are measured
// against it), the address the site is named by and the request's path and
// query (the representation).
func (s *Server) sharedCacheKey(c echo.Context, f claimtrack.Freshness) string {
	cfg := s.cfg.Load()
	return f.Key + "|" + cfg.settings + "|" + s.Now().UTC().Format(time.DateOnly) + "|" + s.baseURL(c) + "|" +
		c.Request().URL.Path + "?" + c.Request().URL.RawQuery
}

// strongETag is the ETag of a response with this key.
func strongETag(key string) string {
	sum := sha256.Sum256([]byte(key))
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// lastModified is when the newest change behind f was made, or a later
// moment when the settings or the day changed since: what was sent before
// then is no longer current, whatever f says.
func (s *Server) lastModified(f claimtrack.Freshness) time.Time {
	at := f.At
	if t := s.cfg.Load().configuredAt; t.After(at) {
		at = t
	}
	now := s.Now().UTC()
	if day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC); day.After(at) {
		at = day
	}
	return at.UTC().Truncate(time.Second)
}

// validators are the headers that identify one version of a shared response.
type validators struct {
	etag     string
	modified time.Time
}

// validatorsOf returns the validators of the response to this request, whose
// content has freshness f.
func (s *Server) validatorsOf(c echo.Context, f claimtrack.Freshness) validators {
	return validators{etag: strongETag(s.sharedCacheKey(c, f)), modified: s.lastModified(f)}
}

// holdsShared reports whether the request's conditions say the client holds
// the response with validators v already, in either form (see
// answerShared and answerSharedPage).
func (s *Server) holdsShared(c echo.Context, v validators) bool {
	req := c.Request()
	if inm := req.Header.Get("If-None-Match"); inm != "" {
		return etagListed(inm, v.etag) || etagListed(inm, gzipETag(v.etag))
	}
	since := req.Header.Get("If-Modified-Since")
	if since == "" { // as for most requests: no date to fail to parse
		return false
	}
	ims, err := http.ParseTime(since)
	return err == nil && !v.modified.After(ims)
}

// answerShared marks the response as shared, with v, and answers 304 when
// the request's conditions say the client holds it already: If-None-Match
// when sent, else If-Modified-Since. It reports whether it answered.
func (s *Server) answerShared(c echo.Context, v validators) (bool, error) {
	return s.answerSharedAs(c, v, v.etag, "Cookie")
}

// answerSharedPage is answerShared for a claim page, which a client that
// takes gzip may be sent gzipped (gz): the response varies with
// Accept-Encoding too, and its ETag names the form sent, or, in a 304, the
// form the client listed.
func (s *Server) answerSharedPage(c echo.Context, v validators, gz bool) (bool, error) {
	etag, other := v.etag, gzipETag(v.etag)
	if gz {
		etag, other = other, etag
	}
	if inm := c.Request().Header.Get("If-None-Match"); inm != "" && !etagListed(inm, etag) && etagListed(inm, other) {
		etag = other
	}
	return s.answerSharedAs(c, v, etag, "Accept-Encoding, Cookie")
}

// answerSharedAs is answerShared with the ETag and Vary headers given.
func (s *Server) answerSharedAs(c echo.Context, v validators, etag, vary string) (bool, error) {
	h := c.Response().Header()
	cfg := s.cfg.Load()
	h.Set("Cache-Control", "public, max-age=0, s-maxage="+seconds(cfg.CacheSMaxAge)+", stale-while-revalidate="+seconds(cfg.CacheStale))
	h.Set("Vary", vary)
	h.Set("ETag", etag)
	h.Set("Last-Modified", v.modified.Format(http.TimeFormat))
	c.Set(sharedKey, shared)
	if s.holdsShared(c, v) {
		return true, c.NoContent(http.StatusNotModified)
	}
	return false, nil
}

// sharedKey holds whether answerShared made the response shared (shared),
// and whether it was then withdrawn (unshared).
const sharedKey = "shared-response"

const (
	shared   = 1
	unshared = 2
)

// unshare makes a response that answerShared made shared private after all:
// it shows something of this moment only (a search that ran out of time).
func unshare(c echo.Context) {
	if v, _ := c.Get(sharedKey).(int); v == shared {
		c.Set(sharedKey, unshared)
	}
}

// fresh answers a shared view of what has freshness f: with 304 when the
// client holds it already (true), else by marking the response as shared
// and leaving it to the caller (false). A view that is not shared is left
// alone.
func (s *Server) fresh(c echo.Context, f claimtrack.Freshness) (bool, error) {
	if !sharedView(c) {
		return false, nil
	}
	return s.answerShared(c, s.validatorsOf(c, f))
}

// freshHistory is fresh with the freshness of the whole history: for the
// lists, the feeds, and the pages of sources and reports. A freshness that
// cannot be read leaves the response unshared, never the page unanswered.
func (s *Server) freshHistory(c echo.Context) (bool, error) {
	if !sharedView(c) {
		return false, nil
	}
	f, err := s.store.HistoryFreshness(c.Request().Context())
	if err != nil {
		return false, nil
	}
	return s.answerShared(c, s.validatorsOf(c, f))
}

// etagListed reports whether an If-None-Match value lists tag (or is "*").
// The comparison is the weak one RFC 9110 asks for there.
func etagListed(list, tag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}

// seconds writes d as whole seconds.
func seconds(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

// cachePolicy makes every response that is not shared private: a response
// to someone signed in, one that sets a cookie (a visitor's CSRF token, a
// one-time message taken), an error, and any response no handler marked as
// shared. Static files keep their own policy.
func (s *Server) cachePolicy(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if p := c.Request().URL.Path; strings.HasPrefix(p, "/static/") || p == "/favicon.ico" {
			return next(c)
		}
		res := c.Response()
		res.Before(func() {
			h := res.Header()
			mark, _ := c.Get(sharedKey).(int)
			if mark == shared && user(c) == nil && len(h.Values("Set-Cookie")) == 0 &&
				(res.Status < 300 || res.Status == http.StatusNotModified) {
				return
			}
			if !strings.Contains(h.Get("Cache-Control"), "no-store") || mark != 0 {
				h.Set("Cache-Control", privateNoStore)
			}
			if mark != 0 { // its validators stand for a shared version
				h.Del("ETag")
				h.Del("Last-Modified")
				h.Del("Vary")
			}
		})
		return next(c)
	}
}

// sharedByHistory answers a shared view of h's response from the freshness
// of the whole history (see freshHistory) before h runs.
func (s *Server) sharedByHistory(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if done, err := s.freshHistory(c); done {
			return err
		}
		return h(c)
	}
}

// freshClaim answers a shared view from the freshness of claim id when the
// client holds it already (304); it reports whether it answered. A claim
// that does not exist is answered as the handler would: 404.
func (s *Server) freshClaim(c echo.Context, id int64) (bool, error) {
	if !sharedView(c) {
		return false, nil
	}
	f, err := s.store.ClaimFreshness(c.Request().Context(), id)
	if err != nil {
		return true, err
	}
	return s.fresh(c, f)
}

// sharedByClaim answers a shared view of h's response from the freshness of
// the claim at :id before h runs; h answers an id that is no claim's.
func (s *Server) sharedByClaim(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !sharedView(c) {
			return h(c)
		}
		id, err := pathID(c)
		if err != nil {
			return h(c)
		}
		f, err := s.store.ClaimFreshness(c.Request().Context(), id)
		if err != nil {
			return h(c)
		}
		if done, err := s.fresh(c, f); done {
			return err
		}
		return h(c)
	}
}

// versionETag is the ETag of an API answer about something with a version
// (a claim, a question): the version, then a dot and a hash of key, which
// stands for everything else the answer shows. If-Match takes it or the
// bare version (see ifMatch).
func versionETag(version int64, key string) string {
	sum := sha256.Sum256([]byte(key))
	return `"` + strconv.FormatInt(version, 10) + "." + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
}

// answerVersioned sets the ETag tag of an API answer whose content has
// freshness f, shared (see answerShared) when the view is, and answers 304
// when If-None-Match lists it. It reports whether it answered.
func (s *Server) answerVersioned(c echo.Context, tag string, f claimtrack.Freshness) (bool, error) {
	if sharedView(c) {
		return s.answerShared(c, validators{etag: tag, modified: s.lastModified(f)})
	}
	c.Response().Header().Set("ETag", tag)
	if inm := c.Request().Header.Get("If-None-Match"); inm != "" && etagListed(inm, tag) {
		return true, c.NoContent(http.StatusNotModified)
	}
	return false, nil
}
