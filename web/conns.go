package web

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// ConnLimiter is a listener that bounds the connections one client address
// may hold open. An IPv4 address counts alone; an IPv6 address counts with
// its /64, which one subscriber usually holds whole. When an address is at
// its bound, a new connection from it takes the place of that address's
// connection that has been idle between requests the longest; when none is
// idle (each is in a request, or has just been opened), the new connection is
// answered 503 and closed. Connections from trusted
// proxies are not bounded: every client behind a proxy shares its address,
// so the proxy must bound each client itself (and it buffers their bodies).
//
// The server must report its connections' states to ConnState
// (http.Server.ConnState) for the limiter to know which are idle.
type ConnLimiter struct {
	net.Listener
	max    int
	exempt []netip.Prefix
	logger *slog.Logger

	mu      sync.Mutex
	byAddr  map[netip.Prefix]map[*limitedConn]struct{}
	lastLog time.Time
	// lingering bounds the refused connections being closed gently at once.
	lingering chan struct{}
}

// LimitConns returns ln bounded to max connections per client address
// (0: DefaultMaxConnsPerAddr; negative: no bound), with the addresses in
// exempt (trusted proxies) unbounded. Refusals are logged to logger, at
// most one line every ten seconds.
func LimitConns(ln net.Listener, max int, exempt []netip.Prefix, logger *slog.Logger) *ConnLimiter {
	if max == 0 {
		max = DefaultMaxConnsPerAddr
	}
	return &ConnLimiter{Listener: ln, max: max, exempt: exempt, logger: logger,
		byAddr: map[netip.Prefix]map[*limitedConn]struct{}{}, lingering: make(chan struct{}, 64)}
}

// limitedConn is a connection the limiter counts until it is closed.
type limitedConn struct {
	net.Conn
	l    *ConnLimiter
	key  netip.Prefix
	once sync.Once
	// Guarded by l.mu: the connection's state, as the server reported it,
	// and since when it has been idle.
	state http.ConnState
	since time.Time
}

// clientKey is the address a connection is counted under, and the client's
// own address.
func clientKey(a net.Addr) (netip.Prefix, netip.Addr, bool) {
	var addr netip.Addr
	if ta, ok := a.(*net.TCPAddr); ok {
		addr = ta.AddrPort().Addr()
	} else if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		addr = ap.Addr()
	} else {
		return netip.Prefix{}, netip.Addr{}, false
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		return netip.PrefixFrom(addr, 32), addr, true
	}
	return netip.PrefixFrom(addr, 64).Masked(), addr, true
}

// Accept returns the next connection the bound allows. Refused connections
// are answered and closed here, never returned as errors: the server would
// stop serving.
func (l *ConnLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.max < 0 {
			return c, nil
		}
		key, addr, ok := clientKey(c.RemoteAddr())
		if !ok || l.exempted(addr) {
			return c, nil
		}
		lc, evicted := l.admit(key, c)
		if evicted != nil {
			evicted.Close()
		}
		if lc != nil {
			return lc, nil
		}
		l.refuse(c, key)
	}
}

func (l *ConnLimiter) exempted(a netip.Addr) bool {
	for _, p := range l.exempt {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// admit counts c under key if there is room, or if an idle connection of
// the same address can make room (returned, to be closed).
func (l *ConnLimiter) admit(key netip.Prefix, c net.Conn) (admitted, evicted *limitedConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	conns := l.byAddr[key]
	if conns == nil {
		conns = map[*limitedConn]struct{}{}
		l.byAddr[key] = conns
	}
	if len(conns) >= l.max {
		for old := range conns {
			if old.state == http.StateIdle && (evicted == nil || old.since.Before(evicted.since)) {
				evicted = old
			}
		}
		if evicted == nil {
			return nil, nil
		}
		// It no longer counts; its Close finds it gone.
		delete(conns, evicted)
	}
	lc := &limitedConn{Conn: c, l: l, key: key, state: http.StateNew}
	conns[lc] = struct{}{}
	return lc, evicted
}

// refusal is the whole answer to a connection beyond the bound.
var refusal = func() string {
	body := "Too many connections from your address at once. Try again in a moment.\n"
	return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 5\r\n" +
		"Connection: close\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}()

// refuse answers c 503 and closes it. It reads what the client sends for a
// moment before closing, so that the answer is not lost to a reset, unless
// many refusals are already doing so.
func (l *ConnLimiter) refuse(c net.Conn, key netip.Prefix) {
	l.mu.Lock()
	if now := time.Now(); l.logger != nil && now.Sub(l.lastLog) >= 10*time.Second {
		l.lastLog = now
		l.logger.Warn("connection refused: too many from one address", "remote", key.String(), "max", l.max)
	}
	l.mu.Unlock()
	_ = c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := io.WriteString(c, refusal); err != nil {
		c.Close()
		return
	}
	select {
	case l.lingering <- struct{}{}:
	default:
		c.Close()
		return
	}
	go func() {
		defer func() { <-l.lingering }()
		if cw, ok := c.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		_, _ = io.CopyN(io.Discard, c, 64<<10)
		c.Close()
	}()
}

// ConnState keeps track of which connections are idle between requests; set
// it as the server's ConnState.
func (l *ConnLimiter) ConnState(c net.Conn, state http.ConnState) {
	lc, ok := c.(*limitedConn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	lc.state = state
	if state == http.StateIdle {
		lc.since = time.Now()
	}
}

// Open returns the number of connections counted for the address of addr
// (for tests and monitoring).
func (l *ConnLimiter) Open(addr netip.Addr) int {
	key, _, ok := clientKey(addrOf(addr))
	if !ok {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byAddr[key])
}

// Close stops counting the connection and closes it.
func (c *limitedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		defer c.l.mu.Unlock()
		if conns := c.l.byAddr[c.key]; conns != nil {
			delete(conns, c)
			if len(conns) == 0 {
				delete(c.l.byAddr, c.key)
			}
		}
	})
	return c.Conn.Close()
}

// CloseWrite lets the server end its side first before closing, as it does
// on a bare TCP connection, so that a reply is not lost to a reset.
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom keeps the bare connection's fast path for sending files.
func (c *limitedConn) ReadFrom(r io.Reader) (int64, error) { return io.Copy(c.Conn, r) }

// addrOf is addr as a connection's address.
func addrOf(addr netip.Addr) net.Addr { return net.TCPAddrFromAddrPort(netip.AddrPortFrom(addr, 0)) }
