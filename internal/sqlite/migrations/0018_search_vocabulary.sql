-- What a search can explain: where each hit matched, and a spelling to try
-- when nothing did.
--
-- The parts that share a column of claim_search (the context and the
-- verdict note; each link's quote and note; each source's name and role;
-- the tags) are now separated by char(31), which the tokenizer skips, so a
-- hit's marked column tells which part matched. The index is made again
-- empty, with the same columns, and Open fills it from the tables in the
-- new form.
--
-- The two fts5vocab tables read the indexes' own vocabulary, which spelling
-- suggestions are drawn from. They are of type instance (a row for each
-- place a term is found), so that whether a term is there at all is learnt
-- from its first row alone, however common it is.

DROP TABLE claim_search;

CREATE VIRTUAL TABLE claim_search USING fts5 (
	text,    -- the claim itself
	tags,    -- its tags in order, separated by char(31) (hyphens split words)
	sources, -- name, then role, of every source linked to it ("via" sources included), all separated by char(31)
	context, -- context, char(31), verdict note
	notes,   -- quote, then note, of every link in order, all separated by char(31)
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

CREATE VIRTUAL TABLE claim_search_vocab USING fts5vocab (claim_search, 'instance');
CREATE VIRTUAL TABLE source_search_vocab USING fts5vocab (source_search, 'instance');
