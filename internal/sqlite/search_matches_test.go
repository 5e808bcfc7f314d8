package sqlite

import (
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
)

// A passage keeps some words around the first match, says with an ellipsis
// where words were left out, and never cuts a match in two.
func TestPassage(t *testing.T) {
	words := func(from, to int) string {
		var w []string
		for i := from; i <= to; i++ {
			w = append(w, "w"+string(rune('a'+i%26))+strings.Repeat("x", i/26))
		}
		return strings.Join(w, " ")
	}
	mark := func(s string) string { return markOpen + s + markClose }

	long := words(0, 29) + " " + mark("found") + " " + words(30, 59)
	p := passage(long)
	plain := p.Plain()
	assert.True(t, strings.HasPrefix(plain, "…"), plain)
	assert.True(t, strings.HasSuffix(plain, "…"), plain)
	assert.Len(t, strings.Fields(strings.Trim(plain, "…")), passageWordsBefore+1+passageWordsAfter-1)
	assert.Equal(t, claimtrack.Fragment{Text: "found", Mark: true}, p[1])

	short := "a few words " + mark("found") + " and a few more"
	assert.Equal(t, "a few words found and a few more", passage(short).Plain(), "nothing worth leaving out")

	// A phrase is one match, however many words it spans.
	phrase := words(0, 2) + " " + mark(words(0, 40)) + " tail"
	p = passage(phrase)
	assert.Equal(t, words(0, 40), p[1].Text)
	assert.True(t, p[1].Mark)
}

// The parts of the marked columns tell where a hit matched.
func TestMatchesOf(t *testing.T) {
	m := "\x01"
	e := "\x02"
	got := matchesOf("trump"+partSep+m+"kremlin"+e,
		"Dmitry Peskov"+partSep+m+"Kremlin"+e+" spokesman"+partSep+"Peskov"+partSep+"Le Point"+partSep+"weekly"+partSep+"",
		"Some context"+partSep+"A "+m+"kremlin"+e+" verdict",
		"a quote"+partSep+"a note"+partSep+m+"Kremlin"+e+" quote"+partSep+"")
	assert.Equal(t, []claimtrack.Match{
		{Place: claimtrack.MatchTag, Passage: claimtrack.Highlight{{Text: "kremlin", Mark: true}}},
		{Place: claimtrack.MatchRole, Source: "Dmitry Peskov", Passage: claimtrack.Highlight{{Text: "Kremlin", Mark: true}, {Text: " spokesman"}}},
		{Place: claimtrack.MatchVerdict, Passage: claimtrack.Highlight{{Text: "A "}, {Text: "kremlin", Mark: true}, {Text: " verdict"}}},
	}, got, "three places at most, in the order of the ranking's weights")
	assert.Empty(t, matchesOf("trump", "Le Point"+partSep+"weekly"+partSep+"", "context"+partSep, ""))
	got = matchesOf("", m+"Dmitry"+e+" Peskov"+partSep+m+"Dmitry"+e+"'s office"+partSep+"Press secretary "+m+"Dmitry"+e, "", "")
	assert.Equal(t, []claimtrack.Match{{Place: claimtrack.MatchSource, Source: "Dmitry Peskov",
		Passage: claimtrack.Highlight{{Text: "Dmitry", Mark: true}, {Text: " Peskov"}}}}, got, "the role and aliases of a source whose name matched are not listed")

	// An alias that matched is shown alone, with the name of its source;
	// the role of the second source matched too.
	got = matchesOf("", "Le Point"+partSep+"weekly"+partSep+""+partSep+
		"Dmitry Peskov"+partSep+m+"Kremlin"+e+" aide"+partSep+"Peskov\nthe "+m+"Kremlin"+e+" spokesman\nPress secretary", "", "")
	assert.Equal(t, []claimtrack.Match{
		{Place: claimtrack.MatchAlias, Source: "Dmitry Peskov", Passage: claimtrack.Highlight{{Text: "the "}, {Text: "Kremlin", Mark: true}, {Text: " spokesman"}}},
		{Place: claimtrack.MatchRole, Source: "Dmitry Peskov", Passage: claimtrack.Highlight{{Text: "Kremlin", Mark: true}, {Text: " aide"}}},
	}, got, "parts are name, role, aliases for each source")
}
