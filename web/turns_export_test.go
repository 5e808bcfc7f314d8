package web

// HoldReadTurns takes every read turn, as that many slow pages would, and
// returns the function that gives them back: tests make "no turn is free"
// happen for certain instead of hoping a burst overlaps.
func (s *Server) HoldReadTurns() (release func()) {
	t := s.turns.Load()
	for range cap(t.reads) {
		t.reads <- struct{}{}
	}
	return func() {
		for range cap(t.reads) {
			<-t.reads
		}
	}
}

// TurnsTaken reports how many read and change turns are taken now.
func (s *Server) TurnsTaken() (reads, changes int) {
	t := s.turns.Load()
	return len(t.reads), len(t.changes)
}
