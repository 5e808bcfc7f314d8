package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// claimSearchRow is the statement that (re)builds claim_search rows for the
// claims selected by the condition it is given. It mirrors migration 0002.
const claimSearchRow = `
	INSERT INTO claim_search (rowid, text, tags, sources, context, notes, facets)
	SELECT c.id, c.text,
		coalesce((SELECT group_concat(replace(t.tag, '-', ' '), ' ' ORDER BY t.position) FROM claim_tags t WHERE t.claim_id = c.id), ''),
		coalesce((SELECT group_concat(s.name || ' ' || s.role, ' ' ORDER BY s.id) FROM sources s
			WHERE s.id IN (SELECT source_id FROM evidence WHERE claim_id = c.id
				UNION SELECT via_source_id FROM evidence WHERE claim_id = c.id)), ''),
		c.context || ' ' || c.verdict_note,
		coalesce((SELECT group_concat(e.quote || ' ' || e.note, ' ' ORDER BY e.id) FROM evidence e WHERE e.claim_id = c.id), ''),
		'status' || replace(c.status, '-', '') || ' kind' || c.kind
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

// OptimizeSearchIndex merges each search index into one segment, which makes
// queries faster after a bulk load.
func (db *DB) OptimizeSearchIndex(ctx context.Context) error {
	return db.update(ctx, func(tx *Tx) error {
		for _, table := range []string{"claim_search", "source_search"} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (`+table+`) VALUES ('optimize')`); err != nil {
				return fmt.Errorf("sqlite: optimize %s: %w", table, err)
			}
		}
		return nil
	})
}

// RankLimit is the most matches a search ranks by relevance. Past it, hits are
// listed newest first, which costs the same however many claims match.
// SetRankLimit changes it for one database.
const RankLimit = 1000

// SetRankLimit sets the most matches a search on db ranks by relevance (tests
// use a small one to reach the newest-first listing with little data).
func (db *DB) SetRankLimit(n int) { db.rankLimit = max(n, 1) }

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

// facetToken is the single token that stands for a status or kind value in
// the facets column: "statuspartlytrue" for status partly-true. One token
// per value keeps a filter as cheap as a word of the same frequency.
func facetToken(name, value string) string {
	return name + strings.ReplaceAll(value, "-", "")
}

// facets is the facets column of a claim; claimSearchRow builds the same.
func facets(status, kind string) string {
	return facetToken("status", status) + " " + facetToken("kind", kind)
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

// SearchClaims finds the claims matching q. Up to RankLimit matches are ranked
// with bm25 (see claimWeights); more matches are listed newest first and
// counted only up to RankLimit. A query without terms lists the claims its
// filters allow, newest first.
//
// It works in two steps so that the costly parts run only for the page shown:
// the ids of the page come from the index alone, then the highlights and the
// claims are read for those ids.
func (db *DB) SearchClaims(ctx context.Context, q claimtrack.SearchQuery, offset, limit int) (*claimtrack.SearchResults, error) {
	if limit <= 0 {
		limit = 25
	}
	offset = max(offset, 0)
	res := &claimtrack.SearchResults{}
	if !q.HasTerms() && (len(q.Excluded) > 0 || q.Empty()) {
		return res, nil // nothing to look for: exclusions alone match nothing
	}
	err := db.view(ctx, func(tx *Tx) error {
		expr := ftsExpr(q)
		if expr == "" {
			filters, fargs := claimFilters(q)
			return searchByFilters(ctx, tx, filters, fargs, offset, limit, res)
		}
		var n int
		if err := tx.QueryRowContext(ctx, countMatchesSQL, expr, db.rankLimit+1).Scan(&n); err != nil {
			return fmt.Errorf("sqlite: count matches: %w", err)
		}
		res.Total, res.AtLeast, res.Ranked = min(n, db.rankLimit), n > db.rankLimit, n <= db.rankLimit
		if offset >= res.Total {
			return nil
		}
		ids, err := pageIDs(ctx, tx, expr, res.Ranked, offset, limit)
		if err != nil {
			return err
		}
		return loadHits(ctx, tx, expr, ids, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// pageIDs returns the ids of one page of matches, best first when ranked and
// newest first otherwise.
func pageIDs(ctx context.Context, tx *Tx, expr string, ranked bool, offset, limit int) ([]int64, error) {
	sql, args := pageQuery(expr, ranked, offset, limit)
	rows, err := tx.QueryContext(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: search: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// countMatchesSQL counts the matches of an expression, up to a limit.
const countMatchesSQL = `SELECT count(*) FROM (SELECT 1 FROM claim_search WHERE claim_search MATCH ? LIMIT ?)`

// hitColumns are the claim's text with its matches marked and the best
// passages of its context and verdict, and of its quotes and notes.
const hitColumns = `highlight(claim_search, 0, char(1), char(2)),
	snippet(claim_search, 3, char(1), char(2), '…', 20),
	snippet(claim_search, 4, char(1), char(2), '…', 20)`

// countSourcesSQL counts the sources matching an expression, up to a limit.
const countSourcesSQL = `SELECT count(*) FROM (SELECT 1 FROM source_search WHERE source_search MATCH ? LIMIT ?)`

// sourcesSQL finds the sources whose name or role match, best first;
// newestSourcesSQL lists them newest first.
const (
	sourcesSQL = `SELECT ` + sourceColumns + `
	FROM source_search JOIN sources s ON s.id = source_search.rowid
	WHERE source_search MATCH ? ORDER BY bm25(source_search, 3.0, 1.0), s.name_key LIMIT ?`
	newestSourcesSQL = `SELECT ` + sourceColumns + `
	FROM source_search JOIN sources s ON s.id = source_search.rowid
	WHERE source_search MATCH ? ORDER BY source_search.rowid DESC LIMIT ?`
)

func pageQuery(expr string, ranked bool, offset, limit int) (string, []any) {
	order := claimWeights + `, rowid DESC`
	if !ranked {
		order = `rowid DESC`
	}
	return `SELECT rowid FROM claim_search WHERE claim_search MATCH ? ORDER BY ` + order + ` LIMIT ? OFFSET ?`,
		[]any{expr, limit, offset}
}

// hitsQuery selects columns for the matches of expr with the given ids. The
// index is searched once, over the range of rowids the ids span, and the ids
// filter what it finds: asking for each id in turn would evaluate the whole
// expression once per id, which for a prefix means gathering every word it
// expands to each time. A page listed newest first is one contiguous range.
func hitsQuery(columns, expr string, ids []int64) (string, []any) {
	lo, hi := slices.Min(ids), slices.Max(ids)
	in, idArgs := inClause(ids)
	return `SELECT ` + columns + `
		FROM claim_search JOIN claims c ON c.id = claim_search.rowid
		WHERE claim_search MATCH ? AND claim_search.rowid BETWEEN ? AND ?
			AND +claim_search.rowid IN (` + in + `)`, append([]any{expr, lo, hi}, idArgs...)
}

// loadHits reads the claims with the given ids, with their highlighted text
// and best passage, and appends them to res in the order of ids.
func loadHits(ctx context.Context, tx *Tx, expr string, ids []int64, res *claimtrack.SearchResults) error {
	if len(ids) == 0 {
		return nil
	}
	// The tags and the main source's id come with each row, which saves two
	// queries per page; the sources are then read by id.
	query, args := hitsQuery(claimColumns+`, `+hitColumns+`, `+tagsColumn+`, `+mainSourceColumn, expr, ids)
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sqlite: search: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]*claimtrack.SearchHit, len(ids))
	mainSource := make(map[int64][]*claimtrack.Claim, len(ids))
	for rows.Next() {
		var c claimtrack.Claim
		var created, updated, text, context, notes, tags string
		var source int64
		if err := rows.Scan(&c.ID, &c.Text, &c.Context, &c.Kind, &c.DueDate, &c.Status, &c.VerdictNote,
			&c.ReportID, &c.Version, &created, &updated, &text, &context, &notes, &tags, &source); err != nil {
			return err
		}
		c.CreatedAt, c.UpdatedAt = parseTime(created), parseTime(updated)
		if tags != "" {
			c.Tags = strings.Split(tags, tagSep)
		}
		if source != 0 {
			mainSource[source] = append(mainSource[source], &c)
		}
		hit := &claimtrack.SearchHit{Claim: &c, Text: splitMarks(text)}
		// The passage shown under the text is where else the words matched:
		// the context or verdict first, else a quote or note.
		switch {
		case strings.Contains(context, markOpen):
			hit.Snippet = splitMarks(context)
		case strings.Contains(notes, markOpen):
			hit.Snippet = splitMarks(notes)
		}
		byID[c.ID] = hit
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	for _, id := range ids {
		if hit := byID[id]; hit != nil {
			res.Hits = append(res.Hits, hit)
		}
	}
	if len(mainSource) == 0 {
		return nil
	}
	sids := make([]int64, 0, len(mainSource))
	for id := range mainSource {
		sids = append(sids, id)
	}
	slices.Sort(sids) // one statement text per number of sources
	in, sargs := inClause(sids)
	sources, err := querySources(ctx, tx, `SELECT `+sourceColumns+` FROM sources s WHERE s.id IN (`+in+`)`, sargs...)
	if err != nil {
		return err
	}
	for _, src := range sources {
		for _, c := range mainSource[src.ID] {
			c.MainSource = src
		}
	}
	return nil
}

// tagSep joins a claim's tags in tagsColumn; validation keeps control
// characters out of tags.
const tagSep = "\x1f"

// tagsColumn is a claim's tags in order, joined with tagSep.
const tagsColumn = `coalesce((SELECT group_concat(t.tag, char(31) ORDER BY t.position) FROM claim_tags t WHERE t.claim_id = c.id), '')`

// mainSourceColumn is the id of a claim's main source: its first asserting
// source, or failing that its first linked source (as attachMainSources).
const mainSourceColumn = `coalesce((SELECT e.source_id FROM evidence e WHERE e.claim_id = c.id
	ORDER BY e.stance <> 'asserts', e.id LIMIT 1), 0)`

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
// plain and source: terms of q: the best first when at most RankLimit match,
// else the newest first, as for claims.
func (db *DB) SearchSources(ctx context.Context, q claimtrack.SearchQuery, limit int) ([]*claimtrack.Source, error) {
	expr := sourceExpr(q)
	if expr == "" {
		return nil, nil
	}
	var out []*claimtrack.Source
	err := db.view(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, countSourcesSQL, expr, db.rankLimit+1).Scan(&n); err != nil {
			return err
		}
		query := sourcesSQL
		if n > db.rankLimit {
			query = newestSourcesSQL
		}
		var err error
		out, err = querySources(ctx, tx, query, expr, limit)
		return err
	})
	return out, err
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
// SearchClaims shows for q, with no count, no highlights and nothing loaded.
func RawSearchQuery(q claimtrack.SearchQuery, ranked bool, limit int) (string, []any) {
	return pageQuery(ftsExpr(q), ranked, 0, limit)
}

// RawSearch runs on conn the full-text statements behind the first page of a
// search for q, and nothing else: the capped count, the page of ids, the
// marked text and passages of those claims (joined to their rows), and the
// matching sources. Benchmarks compare the whole handler with it. It returns
// the number of claims on the page.
func RawSearch(ctx context.Context, conn Queryer, q claimtrack.SearchQuery, limit int) (int, error) {
	expr := ftsExpr(q)
	var n int
	if err := scanAll(ctx, conn, func(r *sql.Rows) error { return r.Scan(&n) }, countMatchesSQL, expr, RankLimit+1); err != nil {
		return 0, err
	}
	var ids []int64
	page, args := pageQuery(expr, n <= RankLimit, 0, limit)
	if err := scanAll(ctx, conn, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		ids = append(ids, id)
		return err
	}, page, args...); err != nil {
		return 0, err
	}
	hits := 0
	if len(ids) > 0 {
		var text, context, notes string
		query, args := hitsQuery(hitColumns, expr, ids)
		if err := scanAll(ctx, conn, func(r *sql.Rows) error {
			hits++
			return r.Scan(&text, &context, &notes)
		}, query, args...); err != nil {
			return 0, err
		}
	}
	if src := sourceExpr(q); src != "" {
		var ns int
		if err := scanAll(ctx, conn, func(r *sql.Rows) error { return r.Scan(&ns) }, countSourcesSQL, src, RankLimit+1); err != nil {
			return 0, err
		}
		query := sourcesSQL
		if ns > RankLimit {
			query = newestSourcesSQL
		}
		if err := scanAll(ctx, conn, func(*sql.Rows) error { return nil }, query, src, 8); err != nil {
			return 0, err
		}
	}
	return hits, nil
}

// scanAll runs a query and calls scan for every row.
func scanAll(ctx context.Context, conn Queryer, scan func(*sql.Rows) error, query string, args ...any) error {
	rows, err := conn.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
