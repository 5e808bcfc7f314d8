-- Keyword search: one FTS5 row per claim and one per source, kept in sync by
-- the storage code in the same transaction as every change.
--
-- The porter stemmer over unicode61 with diacritics removed lets "attending"
-- find "attend" and "Francois" find "François"; case is always folded.

CREATE VIRTUAL TABLE claim_search USING fts5 (
	text,    -- the claim itself
	tags,    -- its tags, words separated
	sources, -- names and roles of every source linked to it, "via" sources included
	context, -- context and verdict note
	notes,   -- evidence quotes and notes
	facets,  -- "status<status> kind<kind>" (one token each, "-" dropped), so filters are part of the match
	tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE source_search USING fts5 (
	name,
	role,
	tokenize = 'porter unicode61 remove_diacritics 2'
);

-- What the rows are built from: the same expressions the storage code uses.
INSERT INTO claim_search (rowid, text, tags, sources, context, notes, facets)
SELECT c.id, c.text,
	coalesce((SELECT group_concat(replace(t.tag, '-', ' '), ' ' ORDER BY t.position) FROM claim_tags t WHERE t.claim_id = c.id), ''),
	coalesce((SELECT group_concat(s.name || ' ' || s.role, ' ' ORDER BY s.id) FROM sources s
		WHERE s.id IN (SELECT source_id FROM evidence WHERE claim_id = c.id
			UNION SELECT via_source_id FROM evidence WHERE claim_id = c.id)), ''),
	c.context || ' ' || c.verdict_note,
	coalesce((SELECT group_concat(e.quote || ' ' || e.note, ' ' ORDER BY e.id) FROM evidence e WHERE e.claim_id = c.id), ''),
	'status' || replace(c.status, '-', '') || ' kind' || c.kind
FROM claims c;

INSERT INTO source_search (rowid, name, role) SELECT id, name, role FROM sources;
