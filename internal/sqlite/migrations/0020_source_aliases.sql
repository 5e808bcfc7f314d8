-- Source aliases: the other names a source goes by ("Peskov", "the Kremlin
-- spokesman"). An alias is a value of its source, in the order the editor
-- gave them, not an entity: it has no id. alias_key is the alias as
-- claimtrack.SourceNameKey folds it, the form name_key has; it is unique
-- across all sources, so no two sources share an alias (the storage code
-- also keeps an alias from being another source's name).
CREATE TABLE source_aliases (
	source_id INTEGER NOT NULL REFERENCES sources (id),
	position  INTEGER NOT NULL,
	alias     TEXT NOT NULL,
	alias_key TEXT NOT NULL UNIQUE,
	PRIMARY KEY (source_id, position)
) WITHOUT ROWID;

-- A change to an alias is a change to the sources, as source_changes counts
-- them.
CREATE TRIGGER source_changes_alias_insert AFTER INSERT ON source_aliases
BEGIN
	UPDATE source_changes SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER source_changes_alias_delete AFTER DELETE ON source_aliases
BEGIN
	UPDATE source_changes SET n = n + 1 WHERE id = 1;
END;

-- The source index gains the aliases, one per line. Its rows are made again
-- by Open, which fills an empty index from the tables.
DROP TABLE source_search_vocab;
DROP TABLE source_search;

CREATE VIRTUAL TABLE source_search USING fts5 (
	name,
	role,
	aliases,
	tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE source_search_vocab USING fts5vocab (source_search, 'instance');

-- claim_search keeps its columns; its sources column now holds name, role
-- and aliases of each source (see claimSearchRow). Its rows are made again
-- by Open in that form.
DELETE FROM claim_search;
