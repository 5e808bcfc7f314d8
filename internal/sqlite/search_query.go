// Compiling a parsed search into FTS5 expressions and SQL conditions.

package sqlite

import (
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// claimWeights are the bm25 weights of claim_search's columns: the claim's
// text weighs most, then tags, sources, context and verdict, quotes and
// notes; the facets column only filters.
const claimWeights = `bm25(claim_search, 10.0, 4.0, 3.0, 2.0, 1.0, 0.0)`

// Markers around matches in highlight() and snippet() output. Stored text can
// never hold control characters (validation refuses them), so they are safe
// delimiters, and the web layer escapes the text between them.
const (
	markOpen  = "\x01"
	markClose = "\x02"
)

// ftsTerm writes one term as FTS5 syntax. Words hold only letters, digits and
// combining marks, so quoting them is enough: nothing a person types is ever
// read as an FTS5 operator. Every term names the columns it may match, so
// that a word never matches the facets column.
func ftsTerm(t claimtrack.Term) string {
	s := `"` + strings.Join(t.Words, " ") + `"`
	if t.Prefix {
		s += " *"
	}
	switch t.Field {
	case claimtrack.FieldSource:
		return "sources : " + s
	case claimtrack.FieldTag:
		return "tags : " + s
	}
	return "{text tags sources context notes} : " + s
}

func ftsGroup(g []claimtrack.Term) string {
	if len(g) == 1 {
		return ftsTerm(g[0])
	}
	parts := make([]string, len(g))
	for i, t := range g {
		parts[i] = ftsTerm(t)
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

func facetTerm(name, value string) string {
	return `facets : "` + facetToken(name, value) + `"`
}

// ftsExpr compiles q into an FTS5 MATCH expression, or "" when q has no term
// that must match. Status and kind filters become part of the expression.
func ftsExpr(q claimtrack.SearchQuery) string {
	if !q.HasTerms() {
		return ""
	}
	parts := make([]string, 0, len(q.Groups)+2)
	for _, g := range q.Groups {
		parts = append(parts, ftsGroup(g))
	}
	if q.Status != "" {
		parts = append(parts, facetTerm("status", string(q.Status)))
	}
	if q.Kind != "" {
		parts = append(parts, facetTerm("kind", string(q.Kind)))
	}
	expr := strings.Join(parts, " AND ")
	if len(q.Excluded) > 0 {
		ex := make([]string, len(q.Excluded))
		for i, t := range q.Excluded {
			ex[i] = ftsTerm(t)
		}
		expr = "(" + expr + ") NOT (" + strings.Join(ex, " OR ") + ")"
	}
	return expr
}

// sourceExpr is the part of q that can match a source's name or role: plain
// and source: terms, without tag: terms.
func sourceExpr(q claimtrack.SearchQuery) string {
	var parts []string
	for _, g := range q.Groups {
		alts := make([]string, 0, len(g))
		for _, t := range g {
			if t.Field == claimtrack.FieldTag {
				alts = nil
				break
			}
			alts = append(alts, sourceTerm(t))
		}
		if len(alts) == 1 {
			parts = append(parts, alts[0])
		} else if len(alts) > 1 {
			parts = append(parts, "("+strings.Join(alts, " OR ")+")")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	expr := strings.Join(parts, " AND ")
	var ex []string
	for _, t := range q.Excluded {
		if t.Field != claimtrack.FieldTag {
			ex = append(ex, sourceTerm(t))
		}
	}
	if len(ex) > 0 {
		expr = "(" + expr + ") NOT (" + strings.Join(ex, " OR ") + ")"
	}
	return expr
}

func sourceTerm(t claimtrack.Term) string {
	s := `"` + strings.Join(t.Words, " ") + `"`
	if t.Prefix {
		s += " *"
	}
	return s
}

// claimFilters returns the SQL conditions on claims c for the query's status
// and kind filters, for queries without terms.
func claimFilters(q claimtrack.SearchQuery) (string, []any) {
	var sql string
	var args []any
	if q.Status != "" {
		sql, args = sql+" AND c.status = ?", append(args, q.Status)
	}
	if q.Kind != "" {
		sql, args = sql+" AND c.kind = ?", append(args, q.Kind)
	}
	return sql, args
}
