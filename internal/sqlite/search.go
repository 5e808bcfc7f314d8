package sqlite

import (
	"context"
	"fmt"
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
