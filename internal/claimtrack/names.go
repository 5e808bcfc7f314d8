package claimtrack

import (
	"strings"
	"unicode"
)

// SimilarSource is an existing source with a name close to one typed, as in
// "Did you mean Dmitry Peskov?" for "Dmitri Peskov".
type SimilarSource struct {
	Source *Source
	// Name is the name of the source that is close to the one typed.
	Name string
	// Distance is how far it is (see NameDistance): closer first.
	Distance int
}

// Names lists the names a source is known by, the ones a typed name is
// compared with: its name, then its aliases.
func (s *Source) Names() []string { return append([]string{s.Name}, s.Aliases...) }

// nameWords splits a name into its words, case folded: runs of letters and
// digits.
func nameWords(name string) []string {
	return strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// NameDistance says whether a typed name and a source's name are close
// enough that the one typed may mean the source, and how far apart they
// are (0 for the same name, ignoring case and punctuation). Two names are
// close when the words of the one with fewer words each match a different
// word of the other, and they make up at least half of its words: "Peskov"
// is close to "Dmitry Peskov", "Kremlin" to "The Kremlin", "Moscow" not to
// "Mayor of Moscow". Words match when they are the same, or one letter
// apart for words of 4 letters or more (two letters from 8 on): "Dmitri"
// and "Dmitry", "Peskof" and "Peskov". The name with fewer words needs a
// word of 4 letters or more: "The" is close to nothing. Names that differ
// only in their spaces ("LePoint", "Le Point") are close too.
//
// The distance counts the letters changed and the words left over.
func NameDistance(typed, name string) (int, bool) {
	a, b := nameWords(typed), nameWords(name)
	if len(a) == 0 || len(b) == 0 {
		return 0, false
	}
	if strings.Join(a, "") == strings.Join(b, "") {
		return max(len(a), len(b)) - min(len(a), len(b)), true
	}
	short, long := a, b
	if len(short) > len(long) {
		short, long = long, short
	}
	if 2*len(short) < len(long) || !hasLongWord(short) {
		return 0, false
	}
	// Each word of the shorter name takes the closest free word of the
	// longer; names are a few words long, so trying them in order is enough.
	used := make([]bool, len(long))
	total := len(long) - len(short)
	for _, w := range short {
		best, bestAt := -1, -1
		for i, v := range long {
			if used[i] {
				continue
			}
			if d, ok := wordDistance(w, v); ok && (best < 0 || d < best) {
				best, bestAt = d, i
			}
		}
		if bestAt < 0 {
			return 0, false
		}
		used[bestAt] = true
		total += best
	}
	return total, true
}

func hasLongWord(words []string) bool {
	for _, w := range words {
		if len([]rune(w)) >= 4 {
			return true
		}
	}
	return false
}

// wordDistance is how many letters apart two words are, and whether that is
// close enough for words of their length.
func wordDistance(a, b string) (int, bool) {
	if a == b {
		return 0, true
	}
	n := min(len([]rune(a)), len([]rune(b)))
	limit := 0
	switch {
	case n >= 8:
		limit = 2
	case n >= 4:
		limit = 1
	}
	if limit == 0 {
		return 0, false
	}
	d := editDistance(a, b)
	return d, d <= limit
}

// editDistance counts the letters to leave out, add or change, or the pairs
// of neighbours to swap, to make a into b (optimal string alignment).
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	prev2 := make([]int, len(y)+1)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(y)]
}

// SimilarClaim is an existing claim whose text is close to a text typed: a
// possible duplicate of it.
type SimilarClaim struct {
	Claim *Claim
	// Score is how close the texts are, from 0 (no word in common) to 1
	// (the same words): the share of their significant words, stemmed,
	// that both hold.
	Score float64
}
