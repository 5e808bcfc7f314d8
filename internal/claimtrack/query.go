package claimtrack

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a search uses of its input: only the first QueryMaxBytes
// bytes are read, and by default only the first QueryMaxTerms terms.
const (
	QueryMaxBytes = 512
	QueryMaxTerms = 32
)

// Defaults of QueryLimits.
const (
	// DefaultMinPrefix is the fewest letters a word needs before its * to be
	// searched as a prefix: "a*" would gather most words of the index.
	DefaultMinPrefix = 3
	// DefaultMaxPrefixes is how many terms of a query are searched as
	// prefixes; each one gathers every word it starts.
	DefaultMaxPrefixes = 4
	// DefaultMaxOr is how many alternatives OR may add to a query in all.
	DefaultMaxOr = 8
)

// QueryLimits bound what one search may ask of the index, since its cost
// grows with each term, each alternative and above all each prefix. Zero
// fields mean the defaults. What goes past a limit is not an error: it is
// searched more cheaply or left out, and the query's Notes say so.
type QueryLimits struct {
	// MinPrefix is the fewest letters (of the last word, for a phrase)
	// before a *: a shorter prefix is searched as a whole word.
	MinPrefix int
	// MaxPrefixes is how many terms are searched as prefixes, included or
	// excluded, in the order typed; later ones are searched as whole words.
	MaxPrefixes int
	// MaxOr is how many alternatives OR may add in all, in the order typed;
	// later alternatives are left out.
	MaxOr int
	// MaxTerms is how many terms (words or phrases, included or excluded,
	// alternatives too) are used; the rest of the input is left out.
	MaxTerms int
}

// DefaultQueryLimits are the limits ParseQuery applies.
func DefaultQueryLimits() QueryLimits {
	return QueryLimits{MinPrefix: DefaultMinPrefix, MaxPrefixes: DefaultMaxPrefixes, MaxOr: DefaultMaxOr, MaxTerms: QueryMaxTerms}
}

// WithDefaults returns l with its zero (or negative) fields set to the defaults.
func (l QueryLimits) WithDefaults() QueryLimits {
	d := DefaultQueryLimits()
	if l.MinPrefix <= 0 {
		l.MinPrefix = d.MinPrefix
	}
	if l.MaxPrefixes <= 0 {
		l.MaxPrefixes = d.MaxPrefixes
	}
	if l.MaxOr <= 0 {
		l.MaxOr = d.MaxOr
	}
	if l.MaxTerms <= 0 {
		l.MaxTerms = d.MaxTerms
	}
	return l
}

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
	Truncated bool // the input was cut to QueryMaxBytes or to its limit of terms
	// Notes say, in a sentence each, what the limits changed: the input cut,
	// prefixes searched as whole words, alternatives left out.
	Notes []string
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
// QueryMaxBytes bytes are used, and the default QueryLimits apply.
func ParseQuery(input string) SearchQuery {
	return ParseQueryWith(input, DefaultQueryLimits())
}

// ParseQueryWith is ParseQuery with the given limits (zero fields are the
// defaults). Past a limit the query is made cheaper, never refused: a prefix
// too short, or one too many, is searched as a whole word; an alternative
// past MaxOr is left out; terms past MaxTerms are left out. Notes says what
// was changed, and String gives the query as it was searched.
func ParseQueryWith(input string, limits QueryLimits) SearchQuery {
	limits = limits.WithDefaults()
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
	terms, prefixes, ors := 0, 0, 0
	var short, extra, dropped []string
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
		if terms == limits.MaxTerms {
			q.Truncated = true
			break
		}
		if orNext && ors == limits.MaxOr {
			dropped = append(dropped, tok.term.String())
			orNext = false
			continue
		}
		if tok.term.Prefix {
			switch last := tok.term.Words[len(tok.term.Words)-1]; {
			case utf8.RuneCountInString(last) < limits.MinPrefix:
				short = append(short, tok.term.String())
				tok.term.Prefix = false
			case prefixes == limits.MaxPrefixes:
				extra = append(extra, tok.term.String())
				tok.term.Prefix = false
			default:
				prefixes++
			}
		}
		terms++
		if orNext {
			ors++
		}
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
	q.Notes = queryNotes(q.Truncated, limits, short, extra, dropped)
	return q
}

// queryNotes writes what the limits changed in a query, for the person who
// typed it.
func queryNotes(truncated bool, l QueryLimits, short, extra, dropped []string) []string {
	var notes []string
	if truncated {
		notes = append(notes, fmt.Sprintf("Your search was long: only its first %d bytes and %d terms were used.", QueryMaxBytes, l.MaxTerms))
	}
	if len(short) > 0 {
		notes = append(notes, fmt.Sprintf("A * needs at least %d letters before it: %s %s.",
			l.MinPrefix, listTerms(short), plural(len(short), "was searched as a whole word", "were searched as whole words")))
	}
	if len(extra) > 0 {
		notes = append(notes, fmt.Sprintf("Only %d %s: %s %s.", l.MaxPrefixes,
			plural(l.MaxPrefixes, "term ending in * is searched as a prefix", "terms ending in * are searched as prefixes"), listTerms(extra), plural(len(extra), "was searched as a whole word", "were searched as whole words")))
	}
	if len(dropped) > 0 {
		notes = append(notes, fmt.Sprintf("Only %d %s joined by OR %s: %s %s left out.", l.MaxOr,
			plural(l.MaxOr, "alternative", "alternatives"), plural(l.MaxOr, "is used", "are used"), listTerms(dropped), plural(len(dropped), "was", "were")))
	}
	return notes
}

// listTerms names up to five terms as typed, and how many more there are.
func listTerms(terms []string) string {
	const shown = 5
	quoted := make([]string, 0, shown)
	for _, t := range terms[:min(len(terms), shown)] {
		quoted = append(quoted, "“"+t+"”")
	}
	s := strings.Join(quoted, ", ")
	if len(terms) > shown {
		s += fmt.Sprintf(" and %d more", len(terms)-shown)
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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

// Highlighted writes the query back as String does, with the words for
// which mark returns true marked (a nil mark marks none).
func (q SearchQuery) Highlighted(mark func(word string) bool) Highlight {
	var h Highlight
	text := func(s string) {
		if n := len(h); n > 0 && !h[n-1].Mark {
			h[n-1].Text += s
			return
		}
		h = append(h, Fragment{Text: s})
	}
	term := func(t Term) {
		if t.Field != "" {
			text(t.Field + ":")
		}
		if len(t.Words) > 1 {
			text(`"`)
		}
		for i, w := range t.Words {
			if i > 0 {
				text(" ")
			}
			if mark != nil && mark(w) {
				h = append(h, Fragment{Text: w, Mark: true})
			} else {
				text(w)
			}
		}
		if len(t.Words) > 1 {
			text(`"`)
		}
		if t.Prefix {
			text("*")
		}
	}
	sep := func() {
		if len(h) > 0 {
			text(" ")
		}
	}
	for _, g := range q.Groups {
		sep()
		for i, t := range g {
			if i > 0 {
				text(" OR ")
			}
			term(t)
		}
	}
	for _, t := range q.Excluded {
		sep()
		text("-")
		term(t)
	}
	if q.Status != "" {
		sep()
		text("status:" + string(q.Status))
	}
	if q.Kind != "" {
		sep()
		text("kind:" + string(q.Kind))
	}
	return h
}

// Correction is a word of a search that no claim holds, and a word of the
// index to search for instead.
type Correction struct {
	Word string // as typed, lowercase
	With string // lowercase
}

// Spelling is a search with some of its words spelt differently.
type Spelling struct {
	Query SearchQuery
	// Text is the query written back with the respelt words marked.
	Text Highlight
}

// Respelt returns q with the corrected words replaced (words compare
// ignoring case) and the words it replaced marked; nil when there are no
// corrections.
func (q SearchQuery) Respelt(corrections []Correction) *Spelling {
	if len(corrections) == 0 {
		return nil
	}
	with := map[string]string{}
	for _, c := range corrections {
		with[strings.ToLower(c.Word)] = c.With
	}
	respelt := map[string]bool{}
	groups := make([][]Term, len(q.Groups))
	for i, g := range q.Groups {
		groups[i] = make([]Term, len(g))
		for j, t := range g {
			words := slices.Clone(t.Words)
			for k, w := range words {
				if r, ok := with[strings.ToLower(w)]; ok && !(t.Prefix && k == len(words)-1) {
					words[k], respelt[r] = r, true
				}
			}
			t.Words = words
			groups[i][j] = t
		}
	}
	q.Groups = groups
	q.Notes = nil
	return &Spelling{Query: q, Text: q.Highlighted(func(w string) bool { return respelt[w] })}
}

// FilterHint is a filter a word of a search may have been meant as: the
// word "refuted" typed where status:refuted was meant.
type FilterHint struct {
	Word   string    // as typed
	Status Status    // the status it names, or ""
	Kind   ClaimKind // the kind it names, or ""
	// Query is the search with the word turned into the filter.
	Query SearchQuery
}

// Filter is the hint's filter as typed in a search: "status:refuted".
func (h FilterHint) Filter() string {
	if h.Status != "" {
		return "status:" + string(h.Status)
	}
	return "kind:" + string(h.Kind)
}

// FilterHints lists the words of q, each a term of its own, that name a
// status or a kind q does not filter by already: at most one of each.
// "partly true", in quotes, names partly-true.
func (q SearchQuery) FilterHints() []FilterHint {
	var hints []FilterHint
	for i, g := range q.Groups {
		if len(g) != 1 || g[0].Field != "" || g[0].Prefix {
			continue
		}
		word := strings.ToLower(strings.Join(g[0].Words, "-"))
		rest := q
		rest.Groups = slices.Delete(slices.Clone(q.Groups), i, i+1)
		rest.Notes = nil
		if s := Status(word); s.Valid() && q.Status == "" && !slices.ContainsFunc(hints, func(h FilterHint) bool { return h.Status != "" }) {
			rest.Status = s
			hints = append(hints, FilterHint{Word: g[0].String(), Status: s, Query: rest})
		} else if k := ClaimKind(word); k.Valid() && q.Kind == "" && !slices.ContainsFunc(hints, func(h FilterHint) bool { return h.Kind != "" }) {
			rest.Kind = k
			hints = append(hints, FilterHint{Word: g[0].String(), Kind: k, Query: rest})
		}
	}
	return hints
}
