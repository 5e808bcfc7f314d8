package web

// SharedPageCounts reports how many shared claim views were answered from
// the page cache and how many were not, for tests.
func (s *Server) SharedPageCounts() (hits, misses int64) {
	return s.pages.hits.Load(), s.pages.misses.Load()
}
