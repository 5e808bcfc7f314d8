// Where a search hit matched: the parts of the marked columns of its index
// row, and the passage shown from each.

package sqlite

import (
	"strings"
	"unicode"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// splitTags reads the tags column of claim_search.
func splitTags(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == rune(partSep[0]) || unicode.IsSpace(r) })
}

// Words of a passage kept around its first match: a few before it, more
// after, so that a passage reads as a phrase and stays short on a phone.
const (
	passageWordsBefore = 8
	passageWordsAfter  = 20
)

// matchesOf lists where a hit matched besides its text, from its marked
// tags, sources, context and notes columns (highlight() output, parts
// separated by partSep), at most one match per place, in the order of
// claimtrack.MatchPlaces, and at most claimtrack.MaxMatchesShown of them.
func matchesOf(tags, sources, context, notes string) []claimtrack.Match {
	found := map[claimtrack.MatchPlace]claimtrack.Match{}
	add := func(m claimtrack.Match) {
		if _, ok := found[m.Place]; !ok {
			found[m.Place] = m
		}
	}
	for _, part := range marked(tags) {
		add(claimtrack.Match{Place: claimtrack.MatchTag, Passage: splitMarks(parts(tags)[part])})
	}
	// Each source has three parts: its name, its role and its aliases (one
	// per line). Its role or an alias is listed only when its name did not
	// match: the name says enough. Of the aliases, the one that matched is
	// shown.
	srcParts := parts(sources)
	named := map[int]bool{}
	for _, i := range marked(sources) {
		first := i - i%3
		name := splitMarks(srcParts[first]).Plain()
		switch i % 3 {
		case 0:
			named[i] = true
			add(claimtrack.Match{Place: claimtrack.MatchSource, Source: name, Passage: splitMarks(srcParts[i])})
		case 1:
			if !named[first] {
				add(claimtrack.Match{Place: claimtrack.MatchRole, Source: name, Passage: splitMarks(srcParts[i])})
			}
		case 2:
			if !named[first] {
				add(claimtrack.Match{Place: claimtrack.MatchAlias, Source: name, Passage: splitMarks(markedLine(srcParts[i]))})
			}
		}
	}
	ctxParts := parts(context)
	for _, i := range marked(context) {
		place := claimtrack.MatchContext
		if i > 0 {
			place = claimtrack.MatchVerdict
		}
		add(claimtrack.Match{Place: place, Passage: passage(ctxParts[i])})
	}
	noteParts := parts(notes)
	for _, i := range marked(notes) {
		place := claimtrack.MatchQuote
		if i%2 == 1 {
			place = claimtrack.MatchNote
		}
		add(claimtrack.Match{Place: place, Passage: passage(noteParts[i])})
	}
	var out []claimtrack.Match
	for _, p := range claimtrack.MatchPlaces {
		if m, ok := found[p]; ok && len(out) < claimtrack.MaxMatchesShown {
			out = append(out, m)
		}
	}
	return out
}

func parts(col string) []string { return strings.Split(col, partSep) }

// markedLine is the first line of s that holds a match.
func markedLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, markOpen) {
			return line
		}
	}
	return s
}

// marked returns the indexes of the parts of col that hold a match.
func marked(col string) []int {
	if !strings.Contains(col, markOpen) {
		return nil
	}
	var out []int
	for i, p := range parts(col) {
		if strings.Contains(p, markOpen) {
			out = append(out, i)
		}
	}
	return out
}

// passage cuts a marked text to some words around its first match, with an
// ellipsis where words were left out; a cut that would leave out only a few
// words is not made. A match is never cut in two.
func passage(s string) claimtrack.Highlight {
	first := strings.Index(s, markOpen)
	if first < 0 {
		return splitMarks(s)
	}
	start := first
	for words := 0; start > 0; start-- {
		if isSpaceByte(s[start-1]) && start < first && !isSpaceByte(s[start]) {
			if words++; words == passageWordsBefore {
				break
			}
		}
	}
	if wordCount(s[:start]) <= passageSlack {
		start = 0
	}
	end, words, inMark := first, 0, false
	for ; end < len(s); end++ {
		switch c := s[end]; {
		case c == markOpen[0]:
			inMark = true
		case c == markClose[0]:
			inMark = false
		case isSpaceByte(c) && !inMark && end > 0 && !isSpaceByte(s[end-1]):
			words++
		}
		if words == passageWordsAfter {
			break
		}
	}
	if wordCount(s[end:]) <= passageSlack {
		end = len(s)
	}
	out := strings.TrimSpace(s[start:end])
	if start > 0 {
		out = "…" + out
	}
	if end < len(s) {
		out += "…"
	}
	return splitMarks(out)
}

// passageSlack is the most words a passage keeps rather than leave out.
const passageSlack = 3

func wordCount(s string) int {
	return len(strings.FieldsFunc(s, func(r rune) bool { return r < 0x80 && isSpaceByte(byte(r)) }))
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }
