package web

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// errTooSlow is a body that did not arrive in time: past its deadline, or
// below the minimum rate.
var errTooSlow = errors.New("request body too slow")

// errSlowBody answers a body that came too slowly.
var errSlowBody = echo.NewHTTPError(http.StatusRequestTimeout,
	"The form took too long to arrive, so it was not read and nothing was saved. Check the connection and send it again.")

// pacedBody reads a request body under two rules: all of it must arrive
// before end, and from grace after start on, at least rate bytes a second
// on average. Before each read it sets the connection's read deadline to
// the moment the next byte is due, so a body that stalls fails there and
// then, while a blocked read is still waiting; where the deadline cannot be
// set (a response writer that is not a connection's), the rules are checked
// at each read instead.
type pacedBody struct {
	body        io.ReadCloser
	rc          *http.ResponseController
	setDeadline bool
	start, end  time.Time
	grace       time.Duration
	rate        int64 // bytes a second; 0 or less: no minimum
	n           int64 // bytes read so far
}

// pace wraps the request's body in the rules of the settings, with timeout
// for the whole of it.
func (s *Server) pace(c echo.Context, timeout time.Duration) *pacedBody {
	cfg := s.Config()
	now := time.Now()
	return &pacedBody{body: c.Request().Body, rc: http.NewResponseController(c.Response()), setDeadline: true,
		start: now, end: now.Add(timeout), grace: cfg.BodyRateGrace, rate: int64(cfg.BodyMinRate)}
}

// due is when the next byte must have arrived.
func (p *pacedBody) due() time.Time {
	if p.rate <= 0 {
		return p.end
	}
	next := p.start.Add(p.grace + time.Duration((p.n+1)*int64(time.Second)/p.rate))
	if next.Before(p.end) {
		return next
	}
	return p.end
}

func (p *pacedBody) Read(b []byte) (int, error) {
	due := p.due()
	if !time.Now().Before(due) {
		return 0, errTooSlow
	}
	if p.setDeadline && p.rc.SetReadDeadline(due) != nil {
		p.setDeadline = false
	}
	n, err := p.body.Read(b)
	p.n += int64(n)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		err = errTooSlow
	}
	return n, err
}

func (p *pacedBody) Close() error { return p.body.Close() }

// bodyError is the answer to a body that could not be read: 408 when it
// came too slowly (and the connection is closed), 413 when it was too large,
// else 400.
func bodyError(c echo.Context, err error) error {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, errTooSlow):
		c.Response().Header().Set(echo.HeaderConnection, "close")
		return errSlowBody
	case errors.As(err, &tooLarge), errors.Is(err, multipart.ErrMessageTooLarge):
		return echo.ErrStatusRequestEntityTooLarge
	}
	return errBadForm
}

// limitBody reads the body of every request but an import upload (see
// guardImport) into memory, at most MaxBodyBytes, within BodyTimeout and at
// BodyMinRate at least, before the request takes a turn: a slow body holds a
// connection, never a turn. A larger body is answered 413, whether or not it
// declared its length, and a slow one 408. Reading it up front also means
// the CSRF check and the handlers never see a body cut off halfway.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Body == nil || r.Body == http.NoBody || isImportUpload(c) {
			return next(c)
		}
		limit := int64(MaxBodyBytes)
		if isIntake(c) && mayCarryReport(c) {
			limit = MaxIntakeBytes // a report is read whole; that the sender is an editor is checked next
		}
		if r.ContentLength > limit {
			return echo.ErrStatusRequestEntityTooLarge
		}
		// No room is set aside for the declared length: a body that says
		// 60,000 bytes and sends one costs what it sends.
		body, err := io.ReadAll(io.LimitReader(s.pace(c, s.Config().BodyTimeout), limit+1))
		if err != nil {
			return bodyError(c, err)
		}
		if int64(len(body)) > limit {
			return echo.ErrStatusRequestEntityTooLarge
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		return next(c)
	}
}

// mayCarryReport says whether a request to intake comes with a session
// or a token: only then is a body the size of a report read. Anyone else
// is refused anyway, after at most MaxBodyBytes.
func mayCarryReport(c echo.Context) bool {
	if c.Request().Header.Get(echo.HeaderAuthorization) != "" {
		return true
	}
	ck, err := c.Cookie(sessionCookie)
	return err == nil && ck.Value != ""
}

// importPath is the import form's address.
const importPath = "/admin/import"

// importMemory is how much of an uploaded file is kept in memory; the rest
// goes to a temporary file until the import is done.
const importMemory = 1 << 20

// isImportUpload reports whether the request is an upload to the import
// form: the one body that limitBody leaves to guardImport.
func isImportUpload(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && c.Path() == importPath
}

// errImportBusy answers an upload while another import is running.
var errImportBusy = echo.NewHTTPError(http.StatusConflict,
	"Another import is running. Nothing was read from this file and nothing was imported; send it again once the other import has finished.")

// guardImport stands in front of an upload to the import form, whose body
// may be 33 MB. Who is asking is checked first, from the session cookie
// alone: anyone but an admin is refused before a byte of the body is read.
// Then the upload waits for the one import slot (QueueWait at most, then
// 409), so uploads and imports run one at a time, and only then is the body
// read, within ImportBodyTimeout and at BodyMinRate at least, the file to a
// temporary file rather than to memory. The CSRF check, which needs the
// token in the form, runs after it.
func (s *Server) guardImport(next echo.HandlerFunc) echo.HandlerFunc {
	upload := s.requireAdmin(s.oneImport(s.readImport(next)))
	return func(c echo.Context) error {
		if !isImportUpload(c) {
			return next(c)
		}
		return upload(c)
	}
}

// oneImport holds the import slot while next runs.
func (s *Server) oneImport(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		select {
		case s.importing <- struct{}{}:
		default:
			timer := time.NewTimer(s.Config().QueueWait)
			defer timer.Stop()
			select {
			case s.importing <- struct{}{}:
			case <-timer.C:
				c.Response().Header().Set("Retry-After", "30")
				return errImportBusy
			case <-c.Request().Context().Done():
				return nil // the client went away while waiting
			}
		}
		defer func() { <-s.importing }()
		return next(c)
	}
}

// readImport reads an import upload: a multipart form of at most
// MaxImportBytes and a megabyte around it. The import then has as long
// again as the upload was allowed to answer.
func (s *Server) readImport(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		const limit = int64(MaxImportBytes + 1<<20)
		if r.ContentLength > limit {
			return echo.ErrStatusRequestEntityTooLarge
		}
		if !strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
			return errBadForm
		}
		timeout := s.Config().ImportBodyTimeout
		r.Body = http.MaxBytesReader(c.Response(), s.pace(c, timeout), limit)
		err := r.ParseMultipartForm(importMemory)
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
		// The server's write timeout counts from the request's start; an
		// upload may have taken longer than it.
		_ = http.NewResponseController(c.Response()).SetWriteDeadline(time.Now().Add(timeout))
		if err != nil {
			return bodyError(c, err)
		}
		return next(c)
	}
}
