package web

import (
	"net/http"
	"net/netip"
)

// Busy is how many of the address's connections are in the middle of a request.
func (l *ConnLimiter) Busy(addr netip.Addr) int {
	key, _, ok := clientKey(addrOf(addr))
	if !ok {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for c := range l.byAddr[key] {
		if c.state == http.StateActive {
			n++
		}
	}
	return n
}
