package web

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// Absolute URLs (the ClaimReview markup, the feeds, the API's links and its
// Link and Location headers, the exports' url column) all start with
// baseURL. A request's Host header is whatever the client chose to send, so
// it is used only when it is one of the names the site is known by;
// otherwise a page kept for every visitor, or read by a feed reader, could
// point at an address an attacker chose. X-Forwarded-Host is never read.

// loopbackNames are the names of this machine that every local client uses.
var loopbackNames = []string{"localhost", "127.0.0.1", "[::1]"}

// hostPolicy is which Host headers may name the site, worked out from the
// settings by Configure.
type hostPolicy struct {
	// allowed are the hosts (lower case, host or host:port as a Host header
	// carries them) a request may name the site by.
	allowed map[string]bool
	// anyLoopbackPort allows the loopback names on any port: the listen
	// address is not known (a server that is not run by claimtrack serve).
	anyLoopbackPort bool
	// fallback names the site for any other Host.
	fallback string
}

// newHostPolicy works out the policy for a server listening on listen
// (host:port, "" when unknown) with the allowed hosts given (none: the
// default list).
func newHostPolicy(listen string, allowed []string) *hostPolicy {
	p := &hostPolicy{allowed: map[string]bool{}, fallback: "localhost"}
	host, port, err := net.SplitHostPort(listen)
	known := err == nil && port != ""
	if known {
		p.fallback = listenHost(host, port)
	} else {
		p.anyLoopbackPort = len(allowed) == 0
	}
	if len(allowed) == 0 && known {
		p.allowed[p.fallback] = true
		for _, name := range loopbackNames {
			p.allowed[name+":"+port] = true
		}
	}
	for _, h := range allowed {
		if h, err := NormalizeHost(h); err == nil {
			p.allowed[h] = true
		}
	}
	return p
}

// listenHost is the listen address as a Host: an address that names no
// machine (0.0.0.0, ::, or none) is reached as localhost.
func listenHost(host, port string) string {
	if host == "" {
		return "localhost:" + port
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if addr.IsUnspecified() {
			return "localhost:" + port
		}
		return strings.ToLower(net.JoinHostPort(addr.String(), port))
	}
	return strings.ToLower(net.JoinHostPort(host, port))
}

// host is the host to put in this request's absolute URLs.
func (p *hostPolicy) host(requested string) string {
	h := strings.ToLower(requested)
	if p.allowed[h] {
		return h
	}
	if p.anyLoopbackPort {
		name, port, err := net.SplitHostPort(h)
		if err != nil {
			name, port = h, ""
		} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
			return p.fallback
		}
		if name == "::1" {
			name = "[::1]"
		}
		for _, l := range loopbackNames {
			if name == l {
				if port == "" {
					return l
				}
				return l + ":" + port
			}
		}
	}
	return p.fallback
}

// baseURL is the site's address as readers reach it, with no trailing slash:
// the configured public URL; without one, the scheme of this request and
// its Host if that is allowed (Config.AllowedHosts), else the listen address.
// Every absolute URL the server writes starts with it.
func (s *Server) baseURL(c echo.Context) string {
	cfg := s.cfg.Load()
	if cfg.PublicURL != "" {
		return cfg.PublicURL
	}
	scheme := "http"
	if s.secure(c) {
		scheme = "https"
	}
	return scheme + "://" + cfg.hosts.host(c.Request().Host)
}

// hostName is a DNS name: letters, digits and hyphens in dot-separated labels.
var hostName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)

// NormalizeHost checks an allowed host, as a Host header would carry it: a
// name or an IP address (IPv6 in brackets), with a port or without (the
// scheme's default port), and returns it in lower case.
func NormalizeHost(h string) (string, error) {
	h = strings.ToLower(strings.TrimSpace(h))
	bad := fmt.Errorf("%q is not a host name or address, with an optional port (like claims.example.org or 192.0.2.7:8080)", h)
	name, port := h, ""
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.HasSuffix(h, "]") {
		name, port = h[:i], h[i+1:]
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
			return "", bad
		}
	}
	if inner, ok := strings.CutPrefix(name, "["); ok {
		inner, ok = strings.CutSuffix(inner, "]")
		addr, err := netip.ParseAddr(inner)
		if !ok || err != nil || !addr.Is6() || addr.Zone() != "" {
			return "", bad
		}
		name = "[" + addr.String() + "]"
	} else if addr, err := netip.ParseAddr(name); err == nil {
		if !addr.Is4() {
			return "", bad // IPv6 needs its brackets
		}
	} else if len(name) > 253 || !hostName.MatchString(name) {
		return "", bad
	}
	if port != "" {
		return name + ":" + port, nil
	}
	return name, nil
}

// ParseAllowedHosts reads a comma-separated list of allowed hosts (see
// NormalizeHost); empty entries are skipped.
func ParseAllowedHosts(list string) ([]string, error) {
	var out []string
	for _, h := range strings.Split(list, ",") {
		if strings.TrimSpace(h) == "" {
			continue
		}
		n, err := NormalizeHost(h)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}
