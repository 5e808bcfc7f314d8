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

// RankLimit is the most matches a search ranks by relevance. Past it, hits are
// listed newest first, which costs the same however many claims match.
// SetRankLimit changes it for one database.
const RankLimit = 1000

// SetRankLimit sets the most matches a search on db ranks by relevance (tests
// use a small one to reach the newest-first listing with little data).
func (db *DB) SetRankLimit(n int) { db.rankLimit = max(n, 1) }

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
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		res, err = db.searchClaims(ctx, tx, q, offset, limit)
		return err
	})

	return res, err
}

// Search is SearchClaims and SearchSources in one read transaction, which is
// what the search page shows: the claims, with up to sources matching
// sources in res.Sources and as many questions in res.Questions.
func (db *DB) Search(ctx context.Context, q claimtrack.SearchQuery, offset, limit, sources int) (*claimtrack.SearchResults, error) {
	var res *claimtrack.SearchResults
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		if res, err = db.searchClaims(ctx, tx, q, offset, limit); err != nil {
			return err
		}
		if res.Sources, err = db.searchSources(ctx, tx, q, sources); err != nil {
			return err
		}
		res.Questions, err = db.searchQuestions(ctx, tx, q, sources)
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
// its text, tags, sources, context and verdict, and quotes and notes, each
// with the matches marked, and the stored status, kind, creation time, tags
// and main source. The marked columns are whole, not snippets: their parts
// (see partSep) tell where the words matched, and the passage shown is cut
// from the part that matched (matchesOf).
const hitColumns = `rowid, highlight(claim_search, 0, char(1), char(2)),
	highlight(claim_search, 1, char(1), char(2)), highlight(claim_search, 2, char(1), char(2)),
	highlight(claim_search, 3, char(1), char(2)), highlight(claim_search, 4, char(1), char(2)),
	status, kind, created_at, tags, main_source_id, main_source`

// countSourcesSQL counts the sources matching an expression, up to a limit.
const countSourcesSQL = `SELECT count(*) FROM (SELECT 1 FROM source_search WHERE source_search MATCH ? LIMIT ?)`

// sourcesSQL finds the sources whose name, role or aliases match, best
// first (a name weighs most, then an alias);
// newestSourcesSQL lists them newest first.
const (
	sourcesSQL = `SELECT ` + sourceColumns + `
	FROM source_search JOIN sources s ON s.id = source_search.rowid
	WHERE source_search MATCH ? ORDER BY bm25(source_search, 3.0, 1.0, 2.0), s.name_key LIMIT ?`
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
		var text, markedTags, sources, context, notes, created, tags, sourceName string
		var sourceID int64
		if err := rows.Scan(&c.ID, &text, &markedTags, &sources, &context, &notes, &c.Status, &c.Kind, &created, &tags,
			&sourceID, &sourceName); err != nil {
			return err
		}
		c.CreatedAt = parseTime(created)
		c.Tags = splitTags(tags)
		if sourceID != 0 {
			c.MainSource = &claimtrack.Source{ID: sourceID, Name: sourceName}
		}
		hit := &claimtrack.SearchHit{Claim: &c, Text: splitMarks(text), Matches: matchesOf(markedTags, sources, context, notes)}
		c.Text = hit.Text.Plain()
		if len(hit.Matches) > 0 {
			hit.Snippet = hit.Matches[0].Passage
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

// SearchSources returns up to limit sources whose name, role or aliases match the
// plain and source: terms of q: the best first when at most RankLimit match,
// else the newest first, as for claims.
func (db *DB) SearchSources(ctx context.Context, q claimtrack.SearchQuery, limit int) ([]*claimtrack.Source, error) {
	var out []*claimtrack.Source
	err := db.readTx(ctx, func(tx *Tx) (err error) {
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
		var text, markedTags, sources, context, notes, status, kind, created, tags, source string
		hits++
		return r.Scan(&id, &text, &markedTags, &sources, &context, &notes, &status, &kind, &created, &tags, &sourceID, &source)
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
