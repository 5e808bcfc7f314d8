package web_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slowBody opens a connection that sends a request's headers, declaring a
// body of 60,000 bytes, and then one byte of it.
func slowBody(t *testing.T, base, requestLine string) net.Conn {
	t.Helper()
	addr := strings.TrimPrefix(base, "http://")
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = fmt.Fprintf(conn, "%s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\nx",
		requestLine, addr)
	require.NoError(t, err)
	return conn
}

// Issue 16, item 1: bodies that arrive slowly are read before the request
// takes a turn, so they hold none; once the grace period is over and the
// body still has not come, it is answered 408 and its connection closed.
//
// Not parallel with other tests: it times the answers against the grace period.
func TestSlowBodies_TakeNoTurn(t *testing.T) {
	a := newBareApp(t)
	// One turn for reads and one for changes, and a short wait for one.
	a.web.Configure(web.Config{MaxInFlight: 1, QueueWait: 100 * time.Millisecond})
	var conns []net.Conn
	sent := time.Now()
	for _, line := range []string{"GET /claims", "GET /claims/2", "POST /login", "POST /claims/1/status"} {
		conns = append(conns, slowBody(t, a.srv.URL, line))
	}

	// Pages and signing in are served while the slow bodies trickle in.
	for i := range 20 {
		p := a.get("/claims/1")
		require.Equal(t, http.StatusOK, p.status, "claim page %d while slow bodies are open: %s", i, p.body)
	}
	p := a.post("/login", url.Values{"username": {"nobody"}, "password": {"not the password"}})
	require.Equal(t, http.StatusUnprocessableEntity, p.status, "sign-in answers while slow bodies are open")
	assert.Less(t, time.Since(sent), web.DefaultBodyRateGrace, "the slow bodies were still open (within their grace period)")

	// The slow bodies themselves: 408 once the minimum rate applies, and closed.
	for i, conn := range conns {
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(web.DefaultBodyRateGrace+3*time.Second)))
		reply, err := io.ReadAll(conn)
		require.NoError(t, err, "slow body %d: the server answers and closes the connection", i)
		assert.True(t, strings.HasPrefix(string(reply), "HTTP/1.1 408 "), "slow body %d: %.80q", i, reply)
	}
	waited := time.Since(sent)
	assert.GreaterOrEqual(t, waited, web.DefaultBodyRateGrace, "not before the grace period is over")
	assert.Less(t, waited, web.DefaultBodyRateGrace+2*time.Second, "soon after it")
}

// The rules a body is read under: the minimum rate after the grace period,
// the deadline for the whole body, and neither for a body that keeps pace.
//
// Not parallel with other tests: it times the answers against the rates.
func TestSlowBodies_Rules(t *testing.T) {
	a := newBareApp(t)
	addr := strings.TrimPrefix(a.srv.URL, "http://")
	// dribble sends a 600-byte form to /login in pieces of 20 bytes, one
	// every tick, and returns the status line of the answer and when it came.
	dribble := func(tick time.Duration) (string, time.Duration) {
		conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
		require.NoError(t, err)
		defer conn.Close()
		form := url.Values{"_csrf": {a.csrf()}, "username": {"nobody"}}
		form.Set("password", strings.Repeat("p", 600-len(form.Encode())-len("&password=")))
		body := form.Encode()
		require.Len(t, body, 600)
		start := time.Now()
		_, err = fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n",
			addr, a.cookieHeader(), len(body))
		require.NoError(t, err)
		replies := make(chan string, 1)
		go func() {
			line, _ := bufio.NewReader(conn).ReadString('\n')
			replies <- strings.TrimSpace(line)
		}()
		ticker := time.NewTicker(tick)
		defer ticker.Stop()
		timeout := time.After(5 * time.Second)
		for rest := body; ; {
			select {
			case line := <-replies:
				return line, time.Since(start)
			case <-ticker.C:
				if rest != "" {
					n := min(20, len(rest))
					_, _ = io.WriteString(conn, rest[:n])
					rest = rest[n:]
				}
			case <-timeout:
				t.Fatal("no answer in 5 s")
			}
		}
	}

	// Below the minimum rate (20 bytes every 50 ms is 400 B/s, the minimum
	// 2,000 B/s after 200 ms): 408 soon after the grace period.
	a.web.Configure(web.Config{BodyRateGrace: 200 * time.Millisecond, BodyMinRate: 2000, BodyTimeout: 5 * time.Second})
	line, took := dribble(50 * time.Millisecond)
	assert.Equal(t, "HTTP/1.1 408 Request Timeout", line)
	assert.Less(t, took, time.Second, "cut when it falls behind the rate")

	// Above the rate but longer than the whole body may take (600 bytes at
	// 20 every 10 ms is 300 ms).
	a.web.Configure(web.Config{BodyRateGrace: 100 * time.Millisecond, BodyMinRate: 100, BodyTimeout: 150 * time.Millisecond})
	line, _ = dribble(10 * time.Millisecond)
	assert.Equal(t, "HTTP/1.1 408 Request Timeout", line, "cut at the body's deadline, not read whole")

	// No minimum rate and a long deadline: a slow body that arrives is read.
	a.web.Configure(web.Config{BodyMinRate: -1, BodyTimeout: 5 * time.Second, BodyRateGrace: time.Millisecond})
	line, _ = dribble(10 * time.Millisecond)
	assert.Equal(t, "HTTP/1.1 422 Unprocessable Entity", line, "the form is read and the sign-in refused")

	// The defaults: an ordinary form keeps pace.
	a.web.Configure(web.Config{})
	assert.Equal(t, http.StatusUnprocessableEntity, a.post("/login", url.Values{"username": {"nobody"}, "password": {"x"}}).status)
}

// importBody is a generated upload to the import form of size bytes: the
// CSRF field, then a file of filler. It counts the bytes read from it.
type importBody struct {
	data     io.Reader
	read     atomic.Int64
	boundary string
}

func newImportBody(csrf string, size int64) *importBody {
	const boundary = "limitsboundary"
	head := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf + "\r\n" +
		"--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n"
	tail := "\r\n--" + boundary + "--\r\n"
	filler := size - int64(len(head)+len(tail))
	return &importBody{boundary: boundary, data: io.MultiReader(strings.NewReader(head),
		io.LimitReader(repeatReader('x'), filler), strings.NewReader(tail))}
}

func (b *importBody) Read(p []byte) (int, error) {
	n, err := b.data.Read(p)
	b.read.Add(int64(n))
	return n, err
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// importRequest is an upload of body to the import form, sent straight to
// the handler with the given cookies.
func importRequest(body io.Reader, boundary, cookies string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/admin/import", body)
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	if cookies != "" {
		req.Header.Set("Cookie", cookies)
	}
	return req
}

// cookieHeader is the Cookie header a's client sends.
func (a *testApp) cookieHeader() string {
	a.t.Helper()
	a.csrf() // the client has its CSRF cookie
	base, err := url.Parse(a.srv.URL)
	require.NoError(a.t, err)
	var parts []string
	for _, c := range a.client.Jar.Cookies(base) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// Issue 16, item 3: an upload to the import form is refused to anyone but
// an admin before a byte of its body is read; an admin's is read with the
// file on disk, within the size limit.
func TestImport_ChecksBeforeReading(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	const size = 33 << 20
	a.signInAs("eddie", claimtrack.RoleEditor)
	editor := a.cookieHeader()
	editorCSRF := a.csrf()
	a.signInAs("admin", claimtrack.RoleAdmin)
	before := a.snapshot()
	send := func(body io.Reader, boundary, cookies string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		a.web.ServeHTTP(rec, importRequest(body, boundary, cookies))
		return rec
	}

	// Nobody signed in, with or without a length.
	body := newImportBody("forged", size)
	rec := send(body, body.boundary, "")
	assert.Equal(t, http.StatusForbidden, rec.Code)
	assert.Zero(t, body.read.Load(), "an anonymous upload is refused before its body is read")
	body = newImportBody("forged", size)
	req := importRequest(body, body.boundary, "")
	req.ContentLength = -1
	rec = httptest.NewRecorder()
	a.web.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusForbidden, rec.Code)
	assert.Zero(t, body.read.Load())

	// An editor, with a valid CSRF token.
	body = newImportBody(editorCSRF, size)
	rec = send(body, body.boundary, editor)
	assert.Equal(t, http.StatusForbidden, rec.Code)
	assert.Zero(t, body.read.Load(), "an editor's upload is refused before its body is read")

	// An admin with a forged token: the body is read (the token is in it),
	// then refused.
	body = newImportBody("forged", 1<<20)
	rec = send(body, body.boundary, a.cookieHeader())
	assert.Equal(t, http.StatusForbidden, rec.Code)

	// An admin's upload over the limit, without a length: 413 once the limit
	// is passed, the rest never read.
	body = newImportBody(a.csrf(), web.MaxImportBytes+2<<20)
	req = importRequest(body, body.boundary, a.cookieHeader())
	req.ContentLength = -1
	rec = httptest.NewRecorder()
	a.web.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
	assert.LessOrEqual(t, body.read.Load(), int64(web.MaxImportBytes+1<<20+64<<10))

	// An admin's upload that is not a multipart form.
	req = importRequest(strings.NewReader("file=x"), "", a.cookieHeader())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	a.web.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Equal(t, before, a.snapshot(), "nothing was imported")
}

// Imports run one at a time: an upload while another is being read or
// imported waits briefly, then is answered 409 without its body being read.
func TestImport_OneAtATime(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.web.Configure(web.Config{QueueWait: 50 * time.Millisecond})
	cookies, csrf := a.cookieHeader(), a.csrf()
	sheet := "text,status,verdict_note\nThe parade will be shortened this year.,unverified,\n"
	upload := func(boundary string) (head, tail string) {
		return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf + "\r\n" +
				"--" + boundary + "\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\n1\r\n",
			"--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"desk.csv\"\r\n\r\n" + sheet +
				"\r\n--" + boundary + "--\r\n"
	}

	// The first upload has begun and is waiting for the rest of its body.
	pr, pw := io.Pipe()
	first := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		rec := httptest.NewRecorder()
		a.web.ServeHTTP(rec, importRequest(pr, "b1", cookies))
		first <- rec
	}()
	head, tail := upload("b1")
	_, err := io.WriteString(pw, head) // returns once the server has read it
	require.NoError(t, err)

	// A second one is turned away, unread.
	head2, tail2 := upload("b2")
	body := &countingReader{r: strings.NewReader(head2 + tail2)}
	rec := httptest.NewRecorder()
	a.web.ServeHTTP(rec, importRequest(body, "b2", cookies))
	assert.Equal(t, http.StatusConflict, rec.Code)
	assert.Contains(t, rec.Body.String(), "Another import is running")
	assert.NotEmpty(t, rec.Header().Get("Retry-After"))
	assert.Zero(t, body.read.Load(), "the second upload was not read")

	// The first one completes; then the next may run.
	_, err = io.WriteString(pw, tail)
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	select {
	case rec := <-first:
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.Contains(t, rec.Body.String(), "would add 1 claim")
	case <-time.After(10 * time.Second):
		t.Fatal("the first import did not finish")
	}
	rec = httptest.NewRecorder()
	a.web.ServeHTTP(rec, importRequest(strings.NewReader(head2+tail2), "b2", cookies))
	assert.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}

// countingReader counts the bytes read from r.
type countingReader struct {
	r    io.Reader
	read atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read.Add(int64(n))
	return n, err
}

// limitedServer serves a's handler on a listener of its own, bounded to max
// connections per address with exempt unbounded.
func limitedServer(t *testing.T, a *testApp, max int, exempt ...netip.Prefix) (string, *web.ConnLimiter) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	limited := web.LimitConns(ln, max, exempt, nil)
	srv := &http.Server{Handler: a.web, ConnState: limited.ConnState, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(limited)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), limited
}

// statusLine sends a GET for path on conn and returns the answer's status line.
func statusLine(t *testing.T, conn net.Conn, r *bufio.Reader, path string) string {
	t.Helper()
	require.NoError(t, conn.SetDeadline(time.Now().Add(5*time.Second)))
	_, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: tracker\r\n\r\n", path)
	require.NoError(t, err)
	res, err := http.ReadResponse(r, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.Status
}

// Issue 16, item 1: one client address holds a bounded number of
// connections. Beyond it, a connection takes the place of the address's
// longest-unused idle one; when all are busy it is answered 503. Trusted
// proxies are not bounded.
func TestLimitConns(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	a.web.Configure(web.Config{BodyRateGrace: 30 * time.Second, BodyTimeout: 30 * time.Second})
	local := netip.MustParseAddr("127.0.0.1")
	base, limited := limitedServer(t, a, 2)
	dial := func() (net.Conn, *bufio.Reader) {
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 2*time.Second)
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close() })
		return conn, bufio.NewReader(conn)
	}

	// A connection idle between requests, then one busy with a slow body.
	idle, idleR := dial()
	assert.Equal(t, "200 OK", statusLine(t, idle, idleR, "/claims/1"))
	// The server marks the connection idle just after it has sent the
	// answer: wait for that, so that the busy one counted next is the slow
	// body's and not this one still finishing.
	require.Eventually(t, func() bool { return limited.Busy(local) == 0 && limited.Open(local) == 1 }, 5*time.Second, 5*time.Millisecond)
	slowBody(t, base, "GET /claims")
	require.Eventually(t, func() bool { return limited.Busy(local) == 1 && limited.Open(local) == 2 }, 5*time.Second, 5*time.Millisecond)

	// At the bound, a new connection takes the idle one's place...
	fresh, freshR := dial()
	assert.Equal(t, "200 OK", statusLine(t, fresh, freshR, "/claims/2"))
	require.NoError(t, idle.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err := idleR.ReadByte()
	assert.ErrorIs(t, err, io.EOF, "the idle connection was closed")
	assert.Equal(t, 2, limited.Open(local))

	// ...and when both are busy, one more is refused.
	slowBody(t, base, "POST /login")
	require.Eventually(t, func() bool { return limited.Busy(local) == 2 }, 5*time.Second, 5*time.Millisecond)
	refused, refusedR := dial()
	assert.Equal(t, "503 Service Unavailable", statusLine(t, refused, refusedR, "/claims/1"))
	_, err = refusedR.ReadByte()
	assert.ErrorIs(t, err, io.EOF, "and closed")
	assert.Equal(t, 2, limited.Open(local))

	// A trusted proxy's connections are not counted.
	proxied, limited := limitedServer(t, a, 1, netip.MustParsePrefix("127.0.0.1/32"))
	for range 3 {
		slowBody(t, proxied, "GET /claims")
	}
	res, err := http.Get(proxied + "/claims/1")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Zero(t, limited.Open(local))
}
