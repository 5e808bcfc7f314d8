package intake

import (
	"strings"
	"unicode"

	"github.com/rivo/uniseg"
)

// A sentence of the report, with its place.
type sentence struct {
	text       string
	start, end int // byte offsets in the report text
	para       int // paragraph (line) number
	first      bool
	// line is the whole paragraph the sentence is part of.
	line string
}

// abbreviations end with a full stop that does not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "sr": true, "jr": true,
	"gen": true, "gov": true, "sen": true, "rep": true, "lt": true, "col": true, "capt": true, "sgt": true,
	"inc": true, "ltd": true, "co": true, "corp": true, "no": true, "vs": true, "etc": true, "approx": true,
	"mt": true, "ft": true, "rev": true, "hon": true, "fr": true, "cllr": true, "supt": true, "insp": true,
	"jan": true, "feb": true, "aug": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

// paragraphs splits the text into its lines, each with its offset.
func paragraphs(text string) (lines []string, offsets []int) {
	off := 0
	for off <= len(text) {
		i := strings.IndexByte(text[off:], '\n')
		end := len(text)
		if i >= 0 {
			end = off + i
		}
		lines = append(lines, text[off:end])
		offsets = append(offsets, off)
		if i < 0 {
			break
		}
		off = end + 1
	}
	return lines, offsets
}

// sentences splits a paragraph into sentences with Unicode text
// segmentation (UAX #29), then joins back the pieces that a full stop after
// an abbreviation or an initial split off.
func sentences(line string, base, para int) []sentence {
	var raw []sentence
	rest, state, off := line, -1, 0
	for rest != "" {
		var s string
		s, rest, state = uniseg.FirstSentenceInString(rest, state)
		raw = append(raw, sentence{text: s, start: base + off, end: base + off + len(s)})
		off += len(s)
	}
	var out []sentence
	for _, s := range raw {
		if n := len(out); n > 0 && endsWithAbbreviation(out[n-1].text) {
			prev := &out[n-1]
			prev.text += s.text
			prev.end = s.end
			continue
		}
		out = append(out, s)
	}
	var trimmed []sentence
	for _, s := range out {
		t := strings.TrimRightFunc(s.text, unicode.IsSpace)
		lead := len(t) - len(strings.TrimLeftFunc(t, unicode.IsSpace))
		t = t[lead:]
		if t == "" {
			continue
		}
		trimmed = append(trimmed, sentence{text: t, start: s.start + lead, end: s.start + lead + len(t), para: para, line: line})
	}
	if len(trimmed) > 0 {
		trimmed[0].first = true
	}
	return trimmed
}

func endsWithAbbreviation(s string) bool {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	if !strings.HasSuffix(s, ".") {
		return false
	}
	s = strings.TrimSuffix(s, ".")
	i := strings.LastIndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '.' })
	word := s[i+1:]
	if word == "" {
		return false
	}
	// An initial ("J. Smith") or a dotted abbreviation ("U.S.").
	if len([]rune(word)) == 1 && unicode.IsUpper([]rune(word)[0]) {
		return true
	}
	if strings.Contains(word, ".") {
		return true
	}
	return abbreviations[strings.ToLower(word)]
}

// words splits s into its words with Unicode word segmentation, keeping
// those with a letter or a digit.
func words(s string) []string {
	var out []string
	rest, state := s, -1
	for rest != "" {
		var w string
		w, rest, state = uniseg.FirstWordInString(rest, state)
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				out = append(out, w)
				break
			}
		}
	}
	return out
}
