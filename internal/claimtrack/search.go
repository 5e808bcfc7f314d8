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

// Marked reports whether any part of h is a match.
func (h Highlight) Marked() bool {
	for _, f := range h {
		if f.Mark {
			return true
		}
	}
	return false
}

// MatchPlace is where in a claim's record a search matched, other than the
// claim's text.
type MatchPlace string

// The places a search can match besides the text, in the order a hit lists
// them: those that weigh most in the ranking first.
const (
	MatchTag     MatchPlace = "tag"
	MatchSource  MatchPlace = "source" // a linked source's name ("via" sources included)
	MatchAlias   MatchPlace = "alias"  // one of a linked source's other names
	MatchRole    MatchPlace = "role"   // a linked source's role
	MatchContext MatchPlace = "context"
	MatchVerdict MatchPlace = "verdict" // the verdict note
	MatchQuote   MatchPlace = "quote"   // a link's quote
	MatchNote    MatchPlace = "note"    // a link's note
)

// MatchPlaces lists the places in the order a hit lists them.
var MatchPlaces = []MatchPlace{MatchTag, MatchSource, MatchAlias, MatchRole, MatchContext, MatchVerdict, MatchQuote, MatchNote}

// Match is one place a search matched in a claim's record, other than its
// text, with the passage that matched.
type Match struct {
	Place MatchPlace
	// Source is the name of the source, for MatchSource, MatchAlias and
	// MatchRole.
	Source string
	// Passage is the part that matched (a tag, a name, a role, or some
	// words around the matches of a longer text), the matches marked.
	Passage Highlight
}

// SearchHit is one claim found by a search, with where it matched.
type SearchHit struct {
	// Claim holds what a hit shows: id, text, kind, status, creation time,
	// tags, and the main source's id and name.
	Claim *Claim
	Text  Highlight // the claim's text with the matches marked
	// Matches are where else it matched, in the order of MatchPlaces, at
	// most MaxMatchesShown of them.
	Matches []Match
	// Snippet is the passage of the first of Matches; nil when only the
	// text matched.
	Snippet Highlight
}

// MaxMatchesShown is the most places besides the text a hit lists.
const MaxMatchesShown = 3

// SearchResults is one page of a search.
type SearchResults struct {
	Hits    []*SearchHit
	Sources []*Source // sources whose name or role matched, when asked for
	// Questions whose title or description matched, as many as sources.
	Questions []*Question
	// Total counts the matches; when AtLeast is set there are more than
	// Total and only that many were counted.
	Total   int
	AtLeast bool
	// Ranked is false when there were too many matches to rank by relevance
	// quickly and the hits are newest first instead.
	Ranked bool
}
