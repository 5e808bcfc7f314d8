package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// claimSearchRow is the statement that (re)builds claim_search rows for the
// claims selected by the condition it is given. It mirrors migration 0002.
const claimSearchRow = `
	INSERT INTO claim_search (rowid, text, tags, sources, context, notes)
	SELECT c.id, c.text,
		coalesce((SELECT group_concat(replace(t.tag, '-', ' '), ' ') FROM claim_tags t WHERE t.claim_id = c.id), ''),
		coalesce((SELECT group_concat(s.name || ' ' || s.role, ' ') FROM sources s
			WHERE s.id IN (SELECT source_id FROM evidence WHERE claim_id = c.id
				UNION SELECT via_source_id FROM evidence WHERE claim_id = c.id)), ''),
		c.context || ' ' || c.verdict_note,
		coalesce((SELECT group_concat(e.quote || ' ' || e.note, ' ') FROM evidence e WHERE e.claim_id = c.id), '')
	FROM claims c WHERE `

// reindexClaim refreshes the search row of one claim inside tx.
func reindexClaim(ctx context.Context, tx *Tx, claimID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM claim_search WHERE rowid = ?`, claimID); err != nil {
		return fmt.Errorf("sqlite: reindex claim: %w", err)
	}
	if _, err := tx.ExecContext(ctx, claimSearchRow+`c.id = ?`, claimID); err != nil {
		return fmt.Errorf("sqlite: reindex claim: %w", err)
	}
	return nil
}

// reindexSourceClaims refreshes the search rows of every claim linked to a
// source, after the source's name or role changed.
func reindexSourceClaims(ctx context.Context, tx *Tx, sourceID int64) error {
	const linked = `(SELECT claim_id FROM evidence WHERE source_id = ?1 UNION SELECT claim_id FROM evidence WHERE via_source_id = ?1)`
	if _, err := tx.ExecContext(ctx, `DELETE FROM claim_search WHERE rowid IN `+linked, sourceID); err != nil {
		return fmt.Errorf("sqlite: reindex source claims: %w", err)
	}
	if _, err := tx.ExecContext(ctx, claimSearchRow+`c.id IN `+linked, sourceID); err != nil {
		return fmt.Errorf("sqlite: reindex source claims: %w", err)
	}
	return nil
}

// reindexSource refreshes the search row of one source.
func reindexSource(ctx context.Context, tx *Tx, sourceID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM source_search WHERE rowid = ?`, sourceID); err != nil {
		return fmt.Errorf("sqlite: reindex source: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO source_search (rowid, name, role) SELECT id, name, role FROM sources WHERE id = ?`, sourceID); err != nil {
		return fmt.Errorf("sqlite: reindex source: %w", err)
	}
	return nil
}

// RebuildSearchIndex rebuilds both search indexes from the tables, in one
// transaction. Bulk loaders call it once at the end instead of per row.
func (db *DB) RebuildSearchIndex(ctx context.Context) error {
	return db.update(ctx, func(tx *Tx) error {
		for _, q := range []string{
			`DELETE FROM claim_search`,
			claimSearchRow + `1`,
			`INSERT INTO claim_search (claim_search) VALUES ('optimize')`,
			`DELETE FROM source_search`,
			`INSERT INTO source_search (rowid, name, role) SELECT id, name, role FROM sources`,
			`INSERT INTO source_search (source_search) VALUES ('optimize')`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("sqlite: rebuild search index: %w", err)
			}
		}
		return nil
	})
}

// RankLimit is the most matches a search ranks by relevance. Past it, hits are
// listed newest first, which costs the same however many claims match.
const RankLimit = 5000

// Markers around matches in highlight() and snippet() output. Stored text can
// never hold control characters (validation refuses them), so they are safe
// delimiters, and the web layer escapes the text between them.
const (
	markOpen  = "\x01"
	markClose = "\x02"
)

// ftsTerm writes one term as FTS5 syntax. Words hold only letters, digits and
// combining marks, so quoting them is enough: nothing a person types is ever
// read as an FTS5 operator.
func ftsTerm(t claimtrack.Term) string {
	s := `"` + strings.Join(t.Words, " ") + `"`
	if t.Prefix {
		s += " *"
	}
	switch t.Field {
	case claimtrack.FieldSource:
		s = "sources : " + s
	case claimtrack.FieldTag:
		s = "tags : " + s
	}
	return s
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

// ftsExpr compiles the terms of q into an FTS5 MATCH expression, or "" when
// q has no term that must match.
func ftsExpr(q claimtrack.SearchQuery) string {
	if !q.HasTerms() {
		return ""
	}
	parts := make([]string, len(q.Groups))
	for i, g := range q.Groups {
		parts[i] = ftsGroup(g)
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
	var sq claimtrack.SearchQuery
	for _, g := range q.Groups {
		var kept []claimtrack.Term
		for _, t := range g {
			if t.Field == claimtrack.FieldTag {
				kept = nil
				break
			}
			t.Field = ""
			kept = append(kept, t)
		}
		if kept != nil {
			sq.Groups = append(sq.Groups, kept)
		}
	}
	for _, t := range q.Excluded {
		if t.Field != claimtrack.FieldTag {
			t.Field = ""
			sq.Excluded = append(sq.Excluded, t)
		}
	}
	return ftsExpr(sq)
}

// claimFilters returns the SQL conditions on claims c for the query's status
// and kind filters.
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

// SearchClaims finds the claims matching q. Up to RankLimit matches are ranked
// with bm25, the claim's text weighing most, then tags, sources, context and
// verdict, and quotes and notes; more matches are listed newest first and
// counted only up to RankLimit. A query without terms lists the claims its
// filters allow, newest first.
func (db *DB) SearchClaims(ctx context.Context, q claimtrack.SearchQuery, offset, limit int) (*claimtrack.SearchResults, error) {
	if limit <= 0 {
		limit = 25
	}
	offset = max(offset, 0)
	res := &claimtrack.SearchResults{}
	if !q.HasTerms() && (len(q.Excluded) > 0 || q.Empty()) {
		return res, nil // nothing to look for: exclusions alone match nothing
	}
	filters, fargs := claimFilters(q)
	err := db.view(ctx, func(tx *Tx) error {
		expr := ftsExpr(q)
		if expr == "" {
			return searchByFilters(ctx, tx, filters, fargs, offset, limit, res)
		}
		args := append([]any{expr}, fargs...)
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM claim_search
			JOIN claims c ON c.id = claim_search.rowid
			WHERE claim_search MATCH ?`+filters+` LIMIT `+strconv.Itoa(RankLimit+1)+`)`, args...).Scan(&n); err != nil {
			return fmt.Errorf("sqlite: count matches: %w", err)
		}
		res.Total, res.AtLeast, res.Ranked = min(n, RankLimit), n > RankLimit, n <= RankLimit
		order := `bm25(claim_search, 10.0, 4.0, 3.0, 2.0, 1.0), c.id DESC`
		if !res.Ranked {
			order = `claim_search.rowid DESC`
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+claimColumns+`,
				highlight(claim_search, 0, char(1), char(2)),
				snippet(claim_search, -1, char(1), char(2), '…', 20)
			FROM claim_search JOIN claims c ON c.id = claim_search.rowid
			WHERE claim_search MATCH ?`+filters+`
			ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, limit, offset)...)
		if err != nil {
			return fmt.Errorf("sqlite: search: %w", err)
		}
		defer rows.Close()
		var claims []*claimtrack.Claim
		for rows.Next() {
			var c claimtrack.Claim
			var created, updated, text, snippet string
			if err := rows.Scan(&c.ID, &c.Text, &c.Context, &c.Kind, &c.DueDate, &c.Status, &c.VerdictNote,
				&c.ReportID, &c.Version, &created, &updated, &text, &snippet); err != nil {
				return err
			}
			c.CreatedAt, c.UpdatedAt = parseTime(created), parseTime(updated)
			hit := &claimtrack.SearchHit{Claim: &c, Text: splitMarks(text), Snippet: splitMarks(snippet)}
			if plain := hit.Snippet.Plain(); strings.Contains(c.Text, strings.Trim(plain, "…")) {
				hit.Snippet = nil // the best passage is the claim itself
			}
			res.Hits = append(res.Hits, hit)
			claims = append(claims, &c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if err := attachTags(ctx, tx, claims); err != nil {
			return err
		}
		return attachMainSources(ctx, tx, claims)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// searchByFilters lists, newest first, the claims the filters allow.
func searchByFilters(ctx context.Context, tx *Tx, filters string, args []any, offset, limit int, res *claimtrack.SearchResults) error {
	where := " WHERE 1" + filters
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM claims c`+where, args...).Scan(&res.Total); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+claimColumns+` FROM claims c`+where+`
		ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var claims []*claimtrack.Claim
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return err
		}
		claims = append(claims, c)
		res.Hits = append(res.Hits, &claimtrack.SearchHit{Claim: c, Text: claimtrack.Highlight{{Text: c.Text}}})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	if err := attachTags(ctx, tx, claims); err != nil {
		return err
	}
	return attachMainSources(ctx, tx, claims)
}

// splitMarks turns marked-up FTS5 output into fragments.
func splitMarks(s string) claimtrack.Highlight {
	if s == "" {
		return nil
	}
	var h claimtrack.Highlight
	for s != "" {
		i := strings.Index(s, markOpen)
		if i < 0 {
			h = append(h, claimtrack.Fragment{Text: s})
			break
		}
		if i > 0 {
			h = append(h, claimtrack.Fragment{Text: s[:i]})
		}
		s = s[i+len(markOpen):]
		j := strings.Index(s, markClose)
		if j < 0 {
			j = len(s)
		}
		h = append(h, claimtrack.Fragment{Text: s[:j], Mark: true})
		s = strings.TrimPrefix(s[j:], markClose)
	}
	return h
}

// SearchSources returns up to limit sources whose name or role matches the
// plain and source: terms of q, best first.
func (db *DB) SearchSources(ctx context.Context, q claimtrack.SearchQuery, limit int) ([]*claimtrack.Source, error) {
	expr := sourceExpr(q)
	if expr == "" {
		return nil, nil
	}
	return querySources(ctx, db.reader, `SELECT `+sourceColumns+`
		FROM source_search JOIN sources s ON s.id = source_search.rowid
		WHERE source_search MATCH ? ORDER BY bm25(source_search, 3.0, 1.0), s.name_key LIMIT ?`, expr, limit)
}

// CheckSearchIndex runs FTS5's own integrity-check on both search indexes.
func (db *DB) CheckSearchIndex(ctx context.Context) error {
	for _, table := range []string{"claim_search", "source_search"} {
		if _, err := db.writer.ExecContext(ctx, `INSERT INTO `+table+` (`+table+`, rank) VALUES ('integrity-check', 1)`); err != nil {
			return fmt.Errorf("sqlite: %s: %w", table, err)
		}
	}
	return nil
}

// RawSearchQuery is the bare FTS5 query that returns the ids of the first page
// SearchClaims shows for q: the baseline benchmarks compare the whole search
// against. It has no count, no highlights and loads nothing else; status and
// kind filters join the claims table as the search does.
func RawSearchQuery(q claimtrack.SearchQuery, ranked bool, limit int) (string, []any) {
	order := `bm25(claim_search, 10.0, 4.0, 3.0, 2.0, 1.0)`
	if !ranked {
		order = `claim_search.rowid DESC`
	}
	filters, fargs := claimFilters(q)
	args := append(append([]any{ftsExpr(q)}, fargs...), limit)
	if filters == "" {
		return `SELECT rowid FROM claim_search WHERE claim_search MATCH ? ORDER BY ` + order + ` LIMIT ?`, args
	}
	return `SELECT claim_search.rowid FROM claim_search JOIN claims c ON c.id = claim_search.rowid
		WHERE claim_search MATCH ?` + filters + ` ORDER BY ` + order + ` LIMIT ?`, args
}
