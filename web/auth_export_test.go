package web

import "context"

// SessionCSRF is the CSRF token of the session with the given cookie value,
// for tests that send forms without reading them from a page first.
func SessionCSRF(session string) string { return sessionCSRF(session) }

// SetVerify replaces the password check, for tests that count or slow down
// the checks. Call it before the server answers requests.
func (s *Server) SetVerify(fn func(ctx context.Context, pw, hash string) (bool, error)) {
	s.verify = fn
}
