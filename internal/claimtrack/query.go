package claimtrack

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a search uses of its input.
const (
	QueryMaxBytes = 512
	QueryMaxTerms = 32
)

// Field names a term can be limited to.
const (
	FieldSource = "source" // names and roles of the sources linked to a claim
	FieldTag    = "tag"    // the claim's tags
)

// Term is one thing to look for: a word, or a phrase of words in order.
type Term struct {
	Words  []string // letters and digits only; never empty
	Prefix bool     // the last word may be the start of a longer one
	Field  string   // "" for anywhere, else FieldSource or FieldTag
}

// String writes the term back the way a person would type it.
func (t Term) String() string {
	s := strings.Join(t.Words, " ")
	if len(t.Words) > 1 {
		s = `"` + s + `"`
	}
	if t.Prefix {
		s += "*"
	}
	if t.Field != "" {
		s = t.Field + ":" + s
	}
	return s
}

// SearchQuery is a search as parsed from what a person typed. All Groups must
// match; a group matches when any of its terms does. Excluded terms must not
// match. Status and Kind narrow the claims searched.
type SearchQuery struct {
	Groups    [][]Term
	Excluded  []Term
	Status    Status
	Kind      ClaimKind
	Truncated bool // the input was cut to QueryMaxBytes or QueryMaxTerms
}

// Empty reports whether the query asks for nothing at all.
func (q SearchQuery) Empty() bool {
	return len(q.Groups) == 0 && len(q.Excluded) == 0 && q.Status == "" && q.Kind == ""
}

// HasTerms reports whether the query has at least one term that must match.
func (q SearchQuery) HasTerms() bool { return len(q.Groups) > 0 }

// String writes the query back in its canonical form.
func (q SearchQuery) String() string {
	var parts []string
	for _, g := range q.Groups {
		var alts []string
		for _, t := range g {
			alts = append(alts, t.String())
		}
		parts = append(parts, strings.Join(alts, " OR "))
	}
	for _, t := range q.Excluded {
		parts = append(parts, "-"+t.String())
	}
	if q.Status != "" {
		parts = append(parts, "status:"+string(q.Status))
	}
	if q.Kind != "" {
		parts = append(parts, "kind:"+string(q.Kind))
	}
	return strings.Join(parts, " ")
}

// ParseQuery reads a search as people type it:
//
//	peskov moscow        both words
//	"very constructive"  the exact phrase
//	pesk*                words starting with pesk
//	-russia              without the word russia
//	nato OR otan         either word
//	status:refuted  kind:forecast  source:peskov  tag:ukraine
//
// Anything else is taken as literal words, so every input parses: stray
// quotes, operators and punctuation are never errors. Only the first
// QueryMaxBytes bytes and QueryMaxTerms terms are used.
func ParseQuery(input string) SearchQuery {
	var q SearchQuery
	if len(input) > QueryMaxBytes {
		cut := QueryMaxBytes
		for cut > 0 && !utf8.RuneStart(input[cut]) {
			cut--
		}
		input, q.Truncated = input[:cut], true
	}
	input = strings.ToValidUTF8(input, " ")

	p := queryParser{src: []rune(input)}
	terms := 0
	orNext := false
	for {
		tok, ok := p.next()
		if !ok {
			break
		}
		if tok.or {
			// OR joins the terms either side of it; anywhere else it is noise.
			orNext = len(q.Groups) > 0
			continue
		}
		if tok.status != "" {
			q.Status, orNext = tok.status, false
			continue
		}
		if tok.kind != "" {
			q.Kind, orNext = tok.kind, false
			continue
		}
		if terms == QueryMaxTerms {
			q.Truncated = true
			break
		}
		terms++
		switch {
		case tok.exclude:
			q.Excluded = append(q.Excluded, tok.term)
		case orNext:
			last := len(q.Groups) - 1
			q.Groups[last] = append(q.Groups[last], tok.term)
		default:
			q.Groups = append(q.Groups, []Term{tok.term})
		}
		orNext = false
	}
	return q
}

type queryToken struct {
	term    Term
	exclude bool
	or      bool
	status  Status
	kind    ClaimKind
}

type queryParser struct {
	src []rune
	pos int
}

func (p *queryParser) skipSpace() {
	for p.pos < len(p.src) && (unicode.IsSpace(p.src[p.pos]) || unicode.IsControl(p.src[p.pos])) {
		p.pos++
	}
}

// next returns the next meaningful token; tokens without any letter or digit
// are skipped.
func (p *queryParser) next() (queryToken, bool) {
	for {
		p.skipSpace()
		if p.pos >= len(p.src) {
			return queryToken{}, false
		}
		var tok queryToken
		if p.src[p.pos] == '-' && p.pos+1 < len(p.src) && !unicode.IsSpace(p.src[p.pos+1]) {
			tok.exclude = true
			p.pos++
		}
		raw, quoted := p.word()
		if !quoted && !tok.exclude && raw == "OR" {
			return queryToken{or: true}, true
		}
		if !quoted {
			if field, value, ok := strings.Cut(raw, ":"); ok && !tok.exclude {
				switch strings.ToLower(field) {
				case "status":
					if s := Status(strings.ToLower(value)); s.Valid() {
						return queryToken{status: s}, true
					}
				case "kind":
					if k := ClaimKind(strings.ToLower(value)); k.Valid() {
						return queryToken{kind: k}, true
					}
				case FieldSource, FieldTag:
					valueQuoted := false
					if value == "" && p.pos < len(p.src) && p.src[p.pos] == '"' {
						value, valueQuoted = p.word()
					}
					if t, ok := makeTerm(value); ok {
						if valueQuoted {
							t.Prefix = p.consume('*')
						}
						t.Field = strings.ToLower(field)
						tok.term = t
						return tok, true
					}
				}
			}
		}
		if t, ok := makeTerm(raw); ok {
			if quoted {
				// Inside quotes a * is literal; right after the closing quote it
				// makes the phrase's last word a prefix.
				t.Prefix = p.consume('*')
			}
			tok.term = t
			return tok, true
		}
	}
}

func (p *queryParser) consume(r rune) bool {
	if p.pos < len(p.src) && p.src[p.pos] == r {
		p.pos++
		return true
	}
	return false
}

// word reads a quoted phrase (to the closing quote, or the end when there is
// none) or a run of non-space characters.
func (p *queryParser) word() (string, bool) {
	if p.src[p.pos] == '"' {
		p.pos++
		start := p.pos
		for p.pos < len(p.src) && p.src[p.pos] != '"' {
			p.pos++
		}
		s := string(p.src[start:p.pos])
		if p.pos < len(p.src) {
			p.pos++ // the closing quote
		}
		return s, true
	}
	start := p.pos
	for p.pos < len(p.src) && !unicode.IsSpace(p.src[p.pos]) && !unicode.IsControl(p.src[p.pos]) {
		// A quote inside a word starts a phrase of its own, as in source:"Le Point".
		if p.src[p.pos] == '"' && p.pos > start {
			break
		}
		p.pos++
	}
	return string(p.src[start:p.pos]), false
}

// makeTerm keeps the letters and digits of raw as words. A trailing * asks
// for a prefix match.
func makeTerm(raw string) (Term, bool) {
	t := Term{Prefix: strings.HasSuffix(raw, "*")}
	t.Words = strings.FieldsFunc(raw, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
	for i, w := range t.Words {
		// Combining marks may only follow a letter; a word that starts with one
		// keeps only what follows.
		t.Words[i] = strings.TrimLeftFunc(w, func(r rune) bool { return unicode.Is(unicode.Mn, r) })
	}
	t.Words = slices.DeleteFunc(t.Words, func(w string) bool { return w == "" })
	return t, len(t.Words) > 0
}
