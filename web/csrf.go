package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// The CSRF token every state-changing form carries (as _csrf in the body) or
// a script sends (as the X-CSRF-Token header). It is never read from the
// query string, which ends up in logs, histories and Referer headers.
//
// For a signed-in browser the token is bound to the session: it is an HMAC
// keyed with the session's secret token, so it changes with every sign-in and
// nobody without the session cookie can compute it. A cookie and form value
// planted together by another site therefore do not pass for anyone signed in.
// For a visitor who is not signed in (the sign-in and first-run forms) it is
// the random value of the _csrf cookie, sent back in the form: such a request
// acts on no session, so a planted pair gains nothing there.
const (
	csrfCookie = "_csrf"
	csrfField  = "_csrf"
	csrfHeader = echo.HeaderXCSRFToken
	// csrfCookieMaxAge keeps a visitor's token for 30 days: a sign-in form
	// left open for days still submits.
	csrfCookieMaxAge = 30 * 24 * 60 * 60
	// sessionTokenKey is where the request keeps the live session's token.
	sessionTokenKey = "session-token"
)

// sessionCSRF is the CSRF token of the session whose secret token is session.
func sessionCSRF(session string) string {
	m := hmac.New(sha256.New, []byte(session))
	m.Write([]byte("claimtrack csrf token v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfSafe reports whether a request of this method changes nothing.
func csrfSafe(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// checkCSRF refuses, with 403, every state-changing request that does not
// carry the token its cookies imply. Whether it is bound to a session is
// decided by whether the browser sent a session cookie at all, live or not:
// with one, only that session's token passes, so nothing sent together with
// a signed-in victim's cookie can pass without knowing the session. The API
// authenticates changes with a bearer token, never a cookie, so no other site
// can make them on a reader's behalf; it is not checked here.
func (s *Server) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if csrfSafe(r.Method) || strings.HasPrefix(r.URL.Path, "/api/") {
			return next(c)
		}
		var want string
		if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
			want = sessionCSRF(ck.Value)
		} else if ck, err := r.Cookie(csrfCookie); err == nil {
			want = ck.Value
		}
		got := r.Header.Get(csrfHeader)
		if got == "" {
			// The body only (for a multipart form, its fields), never the URL.
			got = r.PostFormValue(csrfField)
		}
		if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return errCSRF
		}
		return next(c)
	}
}

// csrfToken is the token this response's forms carry: the session's when
// someone is signed in (by the session of this request, or one it started),
// else the visitor's own from the _csrf cookie, which is set (or renewed) here.
func (s *Server) csrfToken(c echo.Context) string {
	if token, ok := c.Get(csrfKey).(string); ok && token != "" {
		return token
	}
	var token string
	if session, _ := c.Get(sessionTokenKey).(string); session != "" {
		token = sessionCSRF(session)
	} else {
		if ck, err := c.Cookie(csrfCookie); err == nil && validVisitorToken(ck.Value) {
			token = ck.Value
		} else {
			token = randomToken()
		}
		c.SetCookie(&http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
			Secure: s.secure(c), MaxAge: csrfCookieMaxAge})
	}
	c.Set(csrfKey, token)
	return token
}

// validVisitorToken reports whether a _csrf cookie looks like one this server
// made; anything else is replaced rather than put into a form.
func validVisitorToken(v string) bool {
	if len(v) < 32 || len(v) > 64 {
		return false
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// secureCookies marks every cookie of the response Secure when the site is
// served over HTTPS, whichever code set it.
func (s *Server) secureCookies(c echo.Context) {
	if !s.secure(c) {
		return
	}
	res := c.Response()
	res.Before(func() {
		h := res.Header()
		for i, v := range h["Set-Cookie"] {
			if !cookieHasSecure(v) {
				h["Set-Cookie"][i] = v + "; Secure"
			}
		}
	})
}

// cookieHasSecure reports whether a Set-Cookie value has the Secure attribute.
func cookieHasSecure(v string) bool {
	for i, attr := range strings.Split(v, ";") {
		if i > 0 && strings.EqualFold(strings.TrimSpace(attr), "Secure") {
			return true
		}
	}
	return false
}
