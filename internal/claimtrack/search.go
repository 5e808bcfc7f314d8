package claimtrack

// Fragment is a piece of highlighted text: Mark is set on the parts that
// matched the search.
type Fragment struct {
	Text string
	Mark bool
}

// Highlight is text split into matched and unmatched fragments.
type Highlight []Fragment

// Plain is the text without marks.
func (h Highlight) Plain() string {
	s := ""
	for _, f := range h {
		s += f.Text
	}
	return s
}

// SearchHit is one claim found by a search, with where it matched.
type SearchHit struct {
	// Claim holds what a hit shows: id, text, kind, status, creation time,
	// tags, and the main source's id and name.
	Claim   *Claim
	Text    Highlight // the claim's text with the matches marked
	Snippet Highlight // a passage from wherever it matched best; nil when that is the text itself
}

// SearchResults is one page of a search.
type SearchResults struct {
	Hits    []*SearchHit
	Sources []*Source // sources whose name or role matched, when asked for
	// Total counts the matches; when AtLeast is set there are more than
	// Total and only that many were counted.
	Total   int
	AtLeast bool
	// Ranked is false when there were too many matches to rank by relevance
	// quickly and the hits are newest first instead.
	Ranked bool
}
