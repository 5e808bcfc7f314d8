package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// claimSearchRow is the statement that (re)builds claim_search rows for the
// claims selected by the condition it is given.
const claimSearchRow = `
	INSERT INTO claim_search (rowid, text, tags, sources, context, notes, facets,
		status, kind, created_at, main_source_id, main_source)
	SELECT c.id, c.text,
		coalesce((SELECT group_concat(t.tag, ' ' ORDER BY t.position) FROM claim_tags t WHERE t.claim_id = c.id), ''),
		coalesce((SELECT group_concat(s.name || ' ' || s.role, ' ' ORDER BY s.id) FROM sources s
			WHERE s.id IN (SELECT source_id FROM evidence WHERE claim_id = c.id
				UNION SELECT via_source_id FROM evidence WHERE claim_id = c.id)), ''),
		c.context || ' ' || c.verdict_note,
		coalesce((SELECT group_concat(e.quote || ' ' || e.note, ' ' ORDER BY e.id) FROM evidence e WHERE e.claim_id = c.id), ''),
		'status' || replace(c.status, '-', '') || ' kind' || c.kind,
		c.status, c.kind, c.created_at, coalesce(ms.id, 0), coalesce(ms.name, '')
	FROM claims c LEFT JOIN sources ms ON ms.id = coalesce(
		(SELECT e.source_id FROM evidence e WHERE e.claim_id = c.id AND e.stance = 'asserts' ORDER BY e.id LIMIT 1),
		(SELECT e.source_id FROM evidence e WHERE e.claim_id = c.id ORDER BY e.id LIMIT 1))
	WHERE `

// tidySearchIndex does a little merging in the search indexes a transaction
// wrote to. Each transaction leaves a small segment behind, and FTS5's own
// merging waits for many pages' worth of them; every segment is one more
// place each search must look. Merging a few pages each time (only where a
// level holds several segments) keeps them few. Few is the word: a merge's
// work is counted in the pages it writes, and where the segments hold many
// rewritten rows it reads far more than that. At 32 pages a change, the
// changes of a busy minute came to take 50-90 ms each while a large merge
// went on, a whole core for seconds; 8 keep the segments as few.
func tidySearchIndex(ctx context.Context, tx *Tx) error {
	for _, t := range []struct {
		table   string
		touched bool
	}{{"claim_search", tx.searchRows}, {"source_search", tx.sourceRows}} {
		if !t.touched {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+t.table+` (`+t.table+`, rank) VALUES ('merge', 8)`); err != nil {
			return fmt.Errorf("sqlite: merge %s: %w", t.table, err)
		}
	}
	return nil
}

// reindexClaim refreshes the search row of one claim inside tx.
func reindexClaim(ctx context.Context, tx *Tx, claimID int64) error {
	tx.searchRows = true
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
	tx.searchRows = true
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
	tx.sourceRows = true
	if _, err := tx.ExecContext(ctx, `DELETE FROM source_search WHERE rowid = ?`, sourceID); err != nil {
		return fmt.Errorf("sqlite: reindex source: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO source_search (rowid, name, role) SELECT id, name, role FROM sources WHERE id = ?`, sourceID); err != nil {
		return fmt.Errorf("sqlite: reindex source: %w", err)
	}
	return nil
}

// fillSearchIndex builds the search rows of a database whose claims or
// sources have none: one stored before the index existed.
func (db *DB) fillSearchIndex(ctx context.Context) error {
	var missing bool
	if err := db.writer.QueryRowContext(ctx, `SELECT
		(EXISTS (SELECT 1 FROM claims) AND NOT EXISTS (SELECT 1 FROM claim_search))
		OR (EXISTS (SELECT 1 FROM sources) AND NOT EXISTS (SELECT 1 FROM source_search))`).Scan(&missing); err != nil {
		return fmt.Errorf("sqlite: look at search index: %w", err)
	}
	if !missing {
		return nil
	}
	return db.RebuildSearchIndex(ctx)
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
	var res *claimtrack.SearchResults
	err := db.view(ctx, func(tx *Tx) (err error) {
		res, err = db.searchClaims(ctx, tx, q, offset, limit)
		return err
	})
	return res, err
}

// Search is SearchClaims and SearchSources in one read transaction, which is
// what the search page shows: the claims, with up to sources matching
// sources in res.Sources.
func (db *DB) Search(ctx context.Context, q claimtrack.SearchQuery, offset, limit, sources int) (*claimtrack.SearchResults, error) {
	var res *claimtrack.SearchResults
	err := db.view(ctx, func(tx *Tx) (err error) {
		if res, err = db.searchClaims(ctx, tx, q, offset, limit); err != nil {
			return err
		}
		res.Sources, err = db.searchSources(ctx, tx, q, sources)
		return err
	})
	return res, err
}

func (db *DB) searchClaims(ctx context.Context, tx *Tx, q claimtrack.SearchQuery, offset, limit int) (*claimtrack.SearchResults, error) {
	if limit <= 0 {
		limit = 25
	}
	offset = max(offset, 0)
	res := &claimtrack.SearchResults{}
	if !q.HasTerms() && (len(q.Excluded) > 0 || q.Empty()) {
		return res, nil // nothing to look for: exclusions alone match nothing
	}
	expr := ftsExpr(q)
	if expr == "" {
		filters, fargs := claimFilters(q)
		return res, searchByFilters(ctx, tx, filters, fargs, offset, limit, res)
	}
	var n int
	if err := tx.QueryRowContext(ctx, countMatchesSQL, expr, db.rankLimit+1).Scan(&n); err != nil {
		return nil, fmt.Errorf("sqlite: count matches: %w", err)
	}
	res.Total, res.AtLeast, res.Ranked = min(n, db.rankLimit), n > db.rankLimit, n <= db.rankLimit
	if offset >= res.Total {
		return res, nil
	}
	if !res.Ranked {
		// Newest first is the index's own order: one statement reads the
		// page, and highlights only the rows it returns.
		query, args := newestHitsQuery(expr, offset, limit)
		return res, loadHits(ctx, tx, query, args, nil, res)
	}
	ids, err := rankedIDs(ctx, tx, expr, offset, limit)
	if err != nil || len(ids) == 0 {
		return res, err
	}
	query, args := hitsQuery(expr, ids)
	return res, loadHits(ctx, tx, query, args, ids, res)
}

// rankedIDs returns the ids of one page of matches, best first (newest-first
// pages are read with their hits in one statement).
func rankedIDs(ctx context.Context, tx *Tx, expr string, offset, limit int) ([]int64, error) {
	sql, args := pageQuery(expr, true, offset, limit)
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

// hitColumns are what a hit shows, all read from the index: the claim's id,
// its text with the matches marked, the best passages of its context and
// verdict and of its quotes and notes, and the stored status, kind, creation
// time, tags and main source.
const hitColumns = `rowid, highlight(claim_search, 0, char(1), char(2)),
	snippet(claim_search, 3, char(1), char(2), '…', 20),
	snippet(claim_search, 4, char(1), char(2), '…', 20),
	status, kind, created_at, tags, main_source_id, main_source`

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

// hitsQuery selects hitColumns for the matches of expr with the given ids. The
// index is searched once, over the range of rowids the ids span, and the ids
// filter what it finds: asking for each id in turn would evaluate the whole
// expression once per id, which for a prefix means gathering every word it
// expands to each time.
//
// The ORDER BY +rowid, which the index cannot give, makes SQLite gather
// every row before it returns the first: the whole search then runs in the
// statement's first step, which is the step a context's end interrupts (the
// driver watches the context only there). Sorting the page's rows costs
// nothing worth counting.
func hitsQuery(expr string, ids []int64) (string, []any) {
	lo, hi := slices.Min(ids), slices.Max(ids)
	in, idArgs := inClause(ids)
	return `SELECT ` + hitColumns + ` FROM claim_search
		WHERE claim_search MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (` + in + `) ORDER BY +rowid`,
		append([]any{expr, lo, hi}, idArgs...)
}

// newestHitsQuery selects hitColumns for one page of the matches of expr,
// newest first. That is the index's own order, so the marks are computed
// only for the rows returned. The outer ORDER BY, as in hitsQuery, puts the
// whole search into the first step, where it can be interrupted; it sorts
// only the page's rows.
func newestHitsQuery(expr string, offset, limit int) (string, []any) {
	return `SELECT * FROM (SELECT ` + hitColumns + ` FROM claim_search
		WHERE claim_search MATCH ? ORDER BY rowid DESC LIMIT ? OFFSET ?) ORDER BY +rowid DESC`, []any{expr, limit, offset}
}

// loadHits runs a query selecting hitColumns and appends the hits to res: in
// the order of ids when given, else in the rows' order.
func loadHits(ctx context.Context, tx *Tx, query string, args []any, ids []int64, res *claimtrack.SearchResults) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sqlite: search: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]*claimtrack.SearchHit, len(ids))
	for rows.Next() {
		var c claimtrack.Claim
		var text, context, notes, created, tags, sourceName string
		var sourceID int64
		if err := rows.Scan(&c.ID, &text, &context, &notes, &c.Status, &c.Kind, &created, &tags, &sourceID, &sourceName); err != nil {
			return err
		}
		c.CreatedAt = parseTime(created)
		c.Tags = strings.Fields(tags)
		if sourceID != 0 {
			c.MainSource = &claimtrack.Source{ID: sourceID, Name: sourceName}
		}
		hit := &claimtrack.SearchHit{Claim: &c, Text: splitMarks(text)}
		c.Text = hit.Text.Plain()
		// The passage shown under the text is where else the words matched:
		// the context or verdict first, else a quote or note.
		switch {
		case strings.Contains(context, markOpen):
			hit.Snippet = splitMarks(context)
		case strings.Contains(notes, markOpen):
			hit.Snippet = splitMarks(notes)
		}
		byID[c.ID] = hit
		if ids == nil {
			res.Hits = append(res.Hits, hit)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if hit := byID[id]; hit != nil {
			res.Hits = append(res.Hits, hit)
		}
	}
	return nil
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
// plain and source: terms of q: the best first when at most RankLimit match,
// else the newest first, as for claims.
func (db *DB) SearchSources(ctx context.Context, q claimtrack.SearchQuery, limit int) ([]*claimtrack.Source, error) {
	var out []*claimtrack.Source
	err := db.view(ctx, func(tx *Tx) (err error) {
		out, err = db.searchSources(ctx, tx, q, limit)
		return err
	})
	return out, err
}

func (db *DB) searchSources(ctx context.Context, tx *Tx, q claimtrack.SearchQuery, limit int) ([]*claimtrack.Source, error) {
	expr := sourceExpr(q)
	if expr == "" || limit <= 0 {
		return nil, nil
	}
	// Ranking sources costs a look at every match; sources change rarely,
	// so what a search found stays good until one does.
	var changes int64
	if err := tx.QueryRowContext(ctx, `SELECT n FROM source_changes WHERE id = 1`).Scan(&changes); err != nil {
		return nil, fmt.Errorf("sqlite: source changes: %w", err)
	}
	key := sourceSearchKey{expr: expr, limit: limit, rankLimit: db.rankLimit}
	if found, ok := db.sourceHits.get(key, changes); ok {
		return found, nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, countSourcesSQL, expr, db.rankLimit+1).Scan(&n); err != nil {
		return nil, fmt.Errorf("sqlite: count sources: %w", err)
	}
	query := sourcesSQL
	if n > db.rankLimit {
		query = newestSourcesSQL
	}
	found, err := querySources(ctx, tx, query, expr, limit)
	if err != nil {
		return nil, err
	}
	db.sourceHits.put(key, changes, found)
	return found, nil
}

// sourceSearchKey is what a source search's result depends on besides the
// sources themselves.
type sourceSearchKey struct {
	expr             string
	limit, rankLimit int
}

// sourceSearchCache holds recent source search results with the count of
// source changes (table source_changes) they were found at. A result is
// given out only while that count stands, so it is never stale. It holds at
// most maxSourceSearches results and forgets the oldest when full.
type sourceSearchCache struct {
	mu      sync.Mutex
	entries map[sourceSearchKey]sourceSearchEntry
	order   []sourceSearchKey // keys oldest first
}

type sourceSearchEntry struct {
	changes int64
	sources []claimtrack.Source
}

const maxSourceSearches = 256

func (c *sourceSearchCache) get(key sourceSearchKey, changes int64) ([]*claimtrack.Source, bool) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if !ok || e.changes != changes {
		return nil, false
	}
	// Each caller gets its own copies: nothing it does reaches the cache.
	out := make([]*claimtrack.Source, len(e.sources))
	for i := range e.sources {
		s := e.sources[i]
		out[i] = &s
	}
	return out, true
}

func (c *sourceSearchCache) put(key sourceSearchKey, changes int64, found []*claimtrack.Source) {
	kept := make([]claimtrack.Source, len(found))
	for i, s := range found {
		kept[i] = *s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[sourceSearchKey]sourceSearchEntry{}
	}
	if _, ok := c.entries[key]; !ok {
		if len(c.order) >= maxSourceSearches {
			delete(c.entries, c.order[0])
			c.order = c.order[1:]
		}
		c.order = append(c.order, key)
	}
	c.entries[key] = sourceSearchEntry{changes: changes, sources: kept}
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
// search for q, and nothing else: the capped count, the page (ids by rank,
// then their marked text and passages; or newest first with them in one
// statement), joined to the claims' rows, and the matching sources. Benchmarks compare the whole handler with it. It returns
// the number of claims on the page.
func RawSearch(ctx context.Context, conn Queryer, q claimtrack.SearchQuery, limit, sources int) (int, error) {
	expr := ftsExpr(q)
	var n int
	if err := scanAll(ctx, conn, func(r *sql.Rows) error { return r.Scan(&n) }, countMatchesSQL, expr, RankLimit+1); err != nil {
		return 0, err
	}
	hits := 0
	scanHit := func(r *sql.Rows) error {
		var id, sourceID int64
		var text, context, notes, status, kind, created, tags, source string
		hits++
		return r.Scan(&id, &text, &context, &notes, &status, &kind, &created, &tags, &sourceID, &source)
	}
	if n > RankLimit {
		query, args := newestHitsQuery(expr, 0, limit)
		if err := scanAll(ctx, conn, scanHit, query, args...); err != nil {
			return 0, err
		}
	} else if n > 0 {
		var ids []int64
		page, args := pageQuery(expr, true, 0, limit)
		if err := scanAll(ctx, conn, func(r *sql.Rows) error {
			var id int64
			err := r.Scan(&id)
			ids = append(ids, id)
			return err
		}, page, args...); err != nil {
			return 0, err
		}
		query, args := hitsQuery(expr, ids)
		if err := scanAll(ctx, conn, scanHit, query, args...); err != nil {
			return 0, err
		}
	}
	if src := sourceExpr(q); src != "" && sources > 0 {
		var ns int
		if err := scanAll(ctx, conn, func(r *sql.Rows) error { return r.Scan(&ns) }, countSourcesSQL, src, RankLimit+1); err != nil {
			return 0, err
		}
		query := sourcesSQL
		if ns > RankLimit {
			query = newestSourcesSQL
		}
		if err := scanAll(ctx, conn, func(*sql.Rows) error { return nil }, query, src, sources); err != nil {
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
