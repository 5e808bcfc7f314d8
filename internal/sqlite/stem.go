// The Porter stemmer of the search index's tokenizer, so that words can be
// looked up in the index's vocabulary (spelling suggestions).

package sqlite

import "strings"

// stem returns the form under which the search index's tokenizer (porter
// over unicode61) stores word, a lowercase ASCII word: Martin Porter's
// algorithm as FTS5 applies it, to words of 3 to 64 letters. The tests hold
// it to SQLite's own output over many thousands of words.
func stem(word string) string {
	if len(word) < 3 || len(word) > 64 {
		return word
	}
	w := []byte(word)
	w = step1a(w)
	w = step1b(w)
	// Step 1c: a final y after a vowel-bearing stem becomes i.
	if w[len(w)-1] == 'y' && hasVowel(w[:len(w)-1]) {
		w[len(w)-1] = 'i'
	}
	w = replaceSuffix(w, step2, 0)
	w = replaceSuffix(w, step3, 0)
	w = step4(w)
	// Step 5a: a final e goes where the stem is long enough.
	if n := len(w); w[n-1] == 'e' {
		if m := measure(w[:n-1]); m > 1 || m == 1 && !cvc(w[:n-1]) {
			w = w[:n-1]
		}
	}
	// Step 5b: a final double l loses one where the stem is long.
	if n := len(w); n > 1 && w[n-1] == 'l' && w[n-2] == 'l' && measure(w[:n-1]) > 1 {
		w = w[:n-1]
	}
	return string(w)
}

func isVowel(c byte) bool { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' }

// consonants marks each letter of w: a consonant is a letter other than a
// vowel, and other than a y that follows a consonant.
func consonants(w []byte) []bool {
	out := make([]bool, len(w))
	for i, c := range w {
		switch {
		case isVowel(c):
		case c == 'y' && i > 0 && out[i-1]:
		default:
			out[i] = true
		}
	}
	return out
}

// measure is Porter's m: how many vowel-consonant sequences w holds.
func measure(w []byte) int {
	m := 0
	prevVowel := false
	for _, cons := range consonants(w) {
		if cons && prevVowel {
			m++
		}
		prevVowel = !cons
	}
	return m
}

// hasVowel reports whether w holds a vowel, a y after the first letter
// counting as one.
func hasVowel(w []byte) bool {
	for i, c := range w {
		if isVowel(c) || c == 'y' && i > 0 {
			return true
		}
	}
	return false
}

// cvc reports whether w ends consonant, vowel, consonant, the last not w, x
// or y.
func cvc(w []byte) bool {
	n := len(w)
	if n < 3 || w[n-1] == 'w' || w[n-1] == 'x' || w[n-1] == 'y' {
		return false
	}
	c := consonants(w)
	return c[n-3] && !c[n-2] && c[n-1]
}

func step1a(w []byte) []byte {
	n := len(w)
	switch {
	case w[n-1] != 's':
		return w
	case w[n-2] == 'e' && (n > 4 && w[n-4] == 's' && w[n-3] == 's' || n > 3 && w[n-3] == 'i'):
		return w[:n-2] // sses → ss, ies → i
	case w[n-2] == 'e':
		return w[:n-1]
	case w[n-2] != 's':
		return w[:n-1]
	}
	return w
}

func step1b(w []byte) []byte {
	s := string(w)
	var cut []byte
	switch {
	case len(w) > 3 && strings.HasSuffix(s, "eed"):
		if measure(w[:len(w)-3]) > 0 {
			return w[:len(w)-1]
		}
		return w
	case strings.HasSuffix(s, "ed") && len(w) > 2 && hasVowel(w[:len(w)-2]):
		cut = w[:len(w)-2]
	case strings.HasSuffix(s, "ing") && len(w) > 3 && hasVowel(w[:len(w)-3]):
		cut = w[:len(w)-3]
	default:
		return w
	}
	n := len(cut)
	if n >= 2 {
		switch string(cut[n-2:]) {
		case "at", "bl", "iz":
			if n > 2 {
				return append(cut, 'e')
			}
		}
	}
	last := cut[n-1]
	if n >= 2 && !isVowel(last) && last != 'l' && last != 's' && last != 'z' && last == cut[n-2] {
		return cut[:n-1]
	}
	if measure(cut) == 1 && cvc(cut) {
		return append(cut, 'e')
	}
	return cut
}

// A rule replaces a suffix when what comes before it has a measure above min.
type rule struct{ suffix, with string }

var step2 = []rule{
	{"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"izer", "ize"}, {"logi", "log"},
	{"bli", "ble"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"}, {"ousli", "ous"}, {"ization", "ize"},
	{"ation", "ate"}, {"ator", "ate"}, {"alism", "al"}, {"iveness", "ive"}, {"fulness", "ful"}, {"ousness", "ous"},
	{"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"},
}

var step3 = []rule{
	{"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"}, {"ical", "ic"}, {"ful", ""}, {"ness", ""},
}

var step4Suffixes = []string{
	"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate", "iti",
	"ous", "ive", "ize",
}

// longestSuffix returns the longest of the suffixes w ends with, if any,
// that leaves at least one letter before it.
func longestSuffix(w []byte, suffixes func(yield func(string) bool)) (string, bool) {
	best, found := "", false
	for s := range suffixes {
		if len(s) < len(w) && strings.HasSuffix(string(w), s) && len(s) > len(best) {
			best, found = s, true
		}
	}
	return best, found
}

// replaceSuffix applies the rule of the longest suffix w ends with, when the
// stem before it has a measure above min; only that rule is tried.
func replaceSuffix(w []byte, rules []rule, min int) []byte {
	suffix, ok := longestSuffix(w, func(yield func(string) bool) {
		for _, r := range rules {
			if !yield(r.suffix) {
				return
			}
		}
	})
	if !ok {
		return w
	}
	stem := w[:len(w)-len(suffix)]
	if measure(stem) <= min {
		return w
	}
	for _, r := range rules {
		if r.suffix == suffix {
			return append(stem, r.with...)
		}
	}
	return w
}

// step4 takes off the longest of the step 4 suffixes where the stem before
// it has a measure above 1 ("ion" only after an s or a t).
func step4(w []byte) []byte {
	suffix, ok := longestSuffix(w, func(yield func(string) bool) {
		for _, s := range step4Suffixes {
			if !yield(s) {
				return
			}
		}
	})
	if !ok {
		return w
	}
	stem := w[:len(w)-len(suffix)]
	if measure(stem) <= 1 {
		return w
	}
	if suffix == "ion" && !strings.HasSuffix(string(stem), "s") && !strings.HasSuffix(string(stem), "t") {
		return w
	}
	return stem
}
