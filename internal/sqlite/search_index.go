// Keeping the search index up to date: the rows of claims and sources as
// they change, merging, rebuilding and checking it.

package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// sourceAliasesText is the aliases of source s, one per line, as the
// search indexes hold them (empty for none).
const sourceAliasesText = `coalesce((SELECT group_concat(a.alias, char(10) ORDER BY a.position) FROM source_aliases a
	WHERE a.source_id = s.id), '')`

// sourceSearchRow is the statement that (re)builds source_search rows for
// the sources selected by the condition it is given.
const sourceSearchRow = `INSERT INTO source_search (rowid, name, role, aliases)
	SELECT s.id, s.name, s.role, ` + sourceAliasesText + ` FROM sources s WHERE `

// claimSearchRow is the statement that (re)builds claim_search rows for the
// claims selected by the condition it is given.
const claimSearchRow = `
	INSERT INTO claim_search (rowid, text, tags, sources, context, notes, facets,
		status, kind, created_at, main_source_id, main_source)
	SELECT c.id, c.text,
		coalesce((SELECT group_concat(t.tag, char(31) ORDER BY t.position) FROM claim_tags t WHERE t.claim_id = c.id), ''),
		coalesce((SELECT group_concat(s.name || char(31) || s.role || char(31) || ` + sourceAliasesText + `, char(31) ORDER BY s.id) FROM sources s
			WHERE s.id IN (SELECT source_id FROM evidence WHERE claim_id = c.id
				UNION SELECT via_source_id FROM evidence WHERE claim_id = c.id)), ''),
		c.context || char(31) || c.verdict_note,
		coalesce((SELECT group_concat(e.quote || char(31) || e.note, char(31) ORDER BY e.id) FROM evidence e WHERE e.claim_id = c.id), ''),
		'status' || replace(c.status, '-', '') || ' kind' || c.kind,
		c.status, c.kind, c.created_at, coalesce(ms.id, 0), coalesce(ms.name, '')
	FROM claims c LEFT JOIN sources ms ON ms.id = coalesce(
		(SELECT e.source_id FROM evidence e WHERE e.claim_id = c.id AND e.stance = 'asserts' ORDER BY e.id LIMIT 1),
		(SELECT e.source_id FROM evidence e WHERE e.claim_id = c.id ORDER BY e.id LIMIT 1))
	WHERE `

// claimSearchReplace is claimSearchRow replacing the rows it writes. One
// statement, where a DELETE and an INSERT would be two: FTS5 writes out what
// it holds in memory at the start of each statement of a transaction, so
// the two left two segments in the index for each change.
var claimSearchReplace = strings.Replace(claimSearchRow, "INSERT INTO", "INSERT OR REPLACE INTO", 1)

// partSep separates the parts that share a column of claim_search: the
// context and the verdict note, each link's quote and note, each source's
// name, role and aliases (one per line), the tags. The tokenizer skips it, so searches are as if it
// were a space; highlight() keeps it, so a hit's marked column tells which
// part matched. Stored text never holds control characters (validation
// refuses them).
const partSep = "\x1f"

// reindexClaim refreshes the search row of one claim inside tx.
func reindexClaim(ctx context.Context, tx *Tx, claimID int64) error {
	if _, err := tx.ExecContext(ctx, claimSearchReplace+`c.id = ?`, claimID); err != nil {
		return fmt.Errorf("sqlite: reindex claim: %w", err)
	}
	return nil
}

// reindexSourceClaims refreshes the search rows of every claim linked to a
// source, after the source's name, role or aliases changed.
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
	if _, err := tx.ExecContext(ctx, sourceSearchRow+`s.id = ?`, sourceID); err != nil {
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
		OR (EXISTS (SELECT 1 FROM sources) AND NOT EXISTS (SELECT 1 FROM source_search))
		OR (EXISTS (SELECT 1 FROM questions) AND NOT EXISTS (SELECT 1 FROM question_search))`).Scan(&missing); err != nil {
		return fmt.Errorf("sqlite: look at search index: %w", err)
	}
	if !missing {
		return nil
	}
	return db.RebuildSearchIndex(ctx)
}

// RebuildSearchIndex rebuilds the search indexes from the tables, in one
// transaction. Bulk loaders call it once at the end instead of per row.
func (db *DB) RebuildSearchIndex(ctx context.Context) error {
	return db.update(ctx, func(tx *Tx) error {
		for _, q := range []string{
			`DELETE FROM claim_search`,
			claimSearchRow + `1`,
			`INSERT INTO claim_search (claim_search) VALUES ('optimize')`,
			`DELETE FROM source_search`,
			sourceSearchRow + `1`,
			`INSERT INTO source_search (source_search) VALUES ('optimize')`,
			`DELETE FROM question_search`,
			`INSERT INTO question_search (rowid, title, description) SELECT id, title, description FROM questions`,
			`INSERT INTO question_search (question_search) VALUES ('optimize')`,
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
		for _, table := range searchTables {
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (`+table+`) VALUES ('optimize')`); err != nil {
				return fmt.Errorf("sqlite: optimize %s: %w", table, err)
			}
		}
		return nil
	})
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

// searchTables are the full-text indexes: claims, sources and questions.
var searchTables = []string{"claim_search", "source_search", "question_search"}

// CheckSearchIndex runs FTS5's own integrity-check on every search index.
func (db *DB) CheckSearchIndex(ctx context.Context) error {
	for _, table := range searchTables {
		if _, err := db.writer.ExecContext(ctx, `INSERT INTO `+table+` (`+table+`, rank) VALUES ('integrity-check', 1)`); err != nil {
			return fmt.Errorf("sqlite: %s: %w", table, err)
		}
	}
	return nil
}

// claimSearchValues is the search row of a claim with the given links (in
// the order they were added, sources filled), in claimSearchRow's columns:
// what that statement builds from the tables, made without reading them.
func claimSearchValues(c *claimtrack.Claim, links []*claimtrack.Evidence) []any {
	named := map[int64]*claimtrack.Source{}
	var notes []string
	for _, e := range links {
		named[e.SourceID] = e.Source
		if e.Via != nil {
			named[e.ViaSourceID] = e.Via
		}
		notes = append(notes, e.Quote+partSep+e.Note)
	}
	ids := make([]int64, 0, len(named))
	for id := range named {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	srcs := make([]string, len(ids))
	for i, id := range ids {
		srcs[i] = named[id].Name + partSep + named[id].Role + partSep + claimtrack.JoinAliases(named[id].Aliases)
	}
	var mainID int64
	mainName := ""
	if m := claimtrack.MainLink(links); m != nil {
		mainID, mainName = m.SourceID, m.Source.Name
	}
	return []any{c.ID, c.Text, strings.Join(c.Tags, partSep), strings.Join(srcs, partSep), c.Context + partSep + c.VerdictNote,
		strings.Join(notes, partSep), facets(string(c.Status), string(c.Kind)), c.Status, c.Kind, formatTime(c.CreatedAt), mainID, mainName}
}
