-- Keyword search: one FTS5 row per claim and one per source, kept in sync by
-- the storage code in the same transaction as every change. The rows are built
-- by the storage code (claimSearchRow in search.go); Open fills an empty index
-- from the tables, which is how the claims stored before this migration get
-- theirs.
--
-- The porter stemmer over unicode61 with diacritics removed lets "attending"
-- find "attend" and "Francois" find "François"; case is always folded.

CREATE VIRTUAL TABLE claim_search USING fts5 (
	text,    -- the claim itself
	tags,    -- its tags in order, separated by spaces (hyphens split words)
	sources, -- names and roles of every source linked to it, "via" sources included
	context, -- context and verdict note
	notes,   -- evidence quotes and notes
	facets,  -- "status<status> kind<kind>" (one token each, "-" dropped), so filters are part of the match
	-- Stored, not searched: what a hit shows, so that a results page needs
	-- nothing but the index.
	status UNINDEXED,
	kind UNINDEXED,
	created_at UNINDEXED,
	main_source_id UNINDEXED, -- the first asserting source, else the first linked; 0 for none
	main_source UNINDEXED,    -- its name
	tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE source_search USING fts5 (
	name,
	role,
	tokenize = 'porter unicode61 remove_diacritics 2'
);
