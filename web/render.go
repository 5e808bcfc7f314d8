package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// render writes component with the given status. It renders into a buffer
// first, so a failure while rendering still becomes a clean error page.
func (s *Server) render(c echo.Context, status int, component templ.Component) error {
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	page, err := renderInto(c, buf, component)
	if err != nil {
		return err
	}
	return writePage(c, status, page)
}

// renderInto renders component into buf and returns the page.
func renderInto(c echo.Context, buf *bytes.Buffer, component templ.Component) ([]byte, error) {
	buf.Grow(pageBufferBytes) // a buffer fresh from the pool grows once, not three times
	if err := component.Render(c.Request().Context(), buf); err != nil {
		return nil, err
	}
	// Input kept for a rejected form may hold invalid UTF-8; the page never does.
	page := buf.Bytes()
	if !utf8.Valid(page) {
		page = bytes.ToValidUTF8(page, []byte("\uFFFD"))
	}
	return page, nil
}

// pageBufferBytes is room for most pages (a claim page is 8 to 13 KB).
const pageBufferBytes = 16 << 10

// writePage sends a rendered page. With its length declared the page leaves
// whole rather than in chunks: fewer writes for the server and fewer reads
// for the browser.
func writePage(c echo.Context, status int, page []byte) error {
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(page)))
	return c.Blob(status, echo.MIMETextHTMLCharsetUTF8, page)
}

// page returns the layout data for a page with the given title. The CSRF
// token is there for someone signed in (whose pages have forms); a visitor's
// pages have none, except those made with formPage, so that they set no
// cookie and can be shared.
func (s *Server) page(c echo.Context, title, nav string) views.Page {
	var token string
	if session, _ := c.Get(sessionTokenKey).(string); session != "" || user(c) != nil {
		token = s.csrfToken(c)
	}
	flash := takeFlash(c)
	if notice, ok := c.Get(noticeKey).(string); ok && notice != "" {
		flash = notice
	}
	p := views.Page{Title: title, Nav: nav, CSRF: token, Flash: flash, Now: s.Now(), User: user(c)}
	if p.User != nil {
		// A count that cannot be read leaves the link without a number,
		// never the page without content.
		p.Attention, _ = s.store.DeskAttention(c.Request().Context(), p.User.Username)
	}
	return p
}

// formPage is page for a page with a form that a visitor may send (signing
// in, the first-run setup): it carries the visitor's CSRF token, which makes
// it private (see cachePolicy).
func (s *Server) formPage(c echo.Context, title, nav string) views.Page {
	p := s.page(c, title, nav)
	p.CSRF = s.csrfToken(c)
	return p
}

// handleError is the one place errors become responses: domain codes and
// framework errors map to statuses here, and only internal errors are logged.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		s.writeAPIError(c, err)
		return
	}
	status, heading, message := http.StatusInternalServerError, "Something went wrong",
		"The tracker could not complete this request. Nothing was saved. Please try again in a moment."
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
		heading = http.StatusText(status)
		if msg, ok := he.Message.(string); ok && status != http.StatusInternalServerError {
			message = msg
		}
		// The framework's own errors carry only their status text; they get
		// words of ours. A handler's message is kept: it knows more.
		own := handlerMessage(he) != ""
		switch {
		case status == http.StatusNotFound && own:
			heading = "Not found"
		case status == http.StatusNotFound:
			heading, message = "Page not found", "There is nothing at this address. It may have been mistyped."
		case status == http.StatusRequestEntityTooLarge:
			heading = "Too much data"
			if !own {
				message = "The form sent more than 64 KiB. Shorten the longest fields and try again."
			}
		case status == http.StatusMethodNotAllowed && !own:
			message = "This address does not accept that kind of request."
		}
	case claimtrack.ErrorCode(err) != claimtrack.EINTERNAL:
		status = statusOf(claimtrack.ErrorCode(err))
		heading, message = http.StatusText(status), claimtrack.ErrorMessage(err)
		if status == http.StatusNotFound {
			heading = "Not found"
		}
	}
	switch {
	case claimtrack.ErrorCode(err) == claimtrack.EUNAVAILABLE:
		heading = "Changes cannot be saved right now"
		c.Response().Header().Set("Retry-After", "60")
		s.logger.Error("database cannot be written", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	case errors.Is(err, errBusy):
		heading = "Busy"
		s.logger.Warn("busy: no turn in time", "method", c.Request().Method, "path", c.Request().URL.Path)
	case status >= 500:
		s.logger.Error("internal error", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	p := s.page(c, heading, "")
	p.Status = status
	if rerr := s.render(c, status, views.ErrorPage(p, heading, message)); rerr != nil {
		s.logger.Error("render error page", "err", rerr)
		_ = c.String(status, message)
	}
}

// handlerMessage is the message a handler gave an HTTP error, or "" for the
// framework's own errors (an unknown address, a method the route does not
// take, a body too large), which carry only their status text.
func handlerMessage(he *echo.HTTPError) string {
	msg, ok := he.Message.(string)
	if !ok || msg == http.StatusText(he.Code) {
		return ""
	}
	return msg
}

// statusOf maps each domain error code to its HTTP status.
func statusOf(code string) int {
	switch code {
	case claimtrack.ECONFLICT:
		return http.StatusConflict
	case claimtrack.EINVALID:
		return http.StatusUnprocessableEntity
	case claimtrack.ENOTFOUND:
		return http.StatusNotFound
	case claimtrack.EUNAUTHORIZED:
		return http.StatusForbidden
	case claimtrack.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// noticeKey holds a message for this response only (not carried over a
// redirect), shown where the one-time messages are.
const noticeKey = "notice"

// pageParam reads the 1-based page number; anything unusable means page 1.
func pageParam(c echo.Context) int {
	n, err := strconv.Atoi(c.QueryParam("page"))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, 1_000_000)
}

func itoa(n int) string { return strconv.Itoa(n) }
