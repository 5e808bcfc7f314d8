-- A revision number per source, so that a page can tell in a few lookups
-- whether what it shows of its sources (names, roles, aliases, records) is
-- still current. Revisions come from one sequence across all sources: each
-- change gives its source a number above every other, so the highest
-- revision among a page's sources moves whenever any one of them changes.
-- Triggers keep it, whatever writes (forms, imports, other processes).
-- changed_at is when the source's revision last moved.
ALTER TABLE source_stats ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_stats ADD COLUMN changed_at TEXT NOT NULL DEFAULT '';
CREATE INDEX source_stats_rev ON source_stats (rev);

-- The record changed (a verdict, a link added or taken off).
CREATE TRIGGER source_rev_record AFTER UPDATE ON source_stats WHEN NEW.rev = OLD.rev
BEGIN
	UPDATE source_stats SET rev = (SELECT max(rev) FROM source_stats) + 1,
		changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE source_id = NEW.source_id;
END;

-- The source's own row changed (name, role, kind, address, description).
CREATE TRIGGER source_rev_row AFTER UPDATE ON sources
BEGIN
	UPDATE source_stats SET rev = (SELECT max(rev) FROM source_stats) + 1,
		changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE source_id = NEW.id;
END;

-- Its aliases changed.
CREATE TRIGGER source_rev_alias_insert AFTER INSERT ON source_aliases
BEGIN
	UPDATE source_stats SET rev = (SELECT max(rev) FROM source_stats) + 1,
		changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE source_id = NEW.source_id;
END;

CREATE TRIGGER source_rev_alias_delete AFTER DELETE ON source_aliases
BEGIN
	UPDATE source_stats SET rev = (SELECT max(rev) FROM source_stats) + 1,
		changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE source_id = OLD.source_id;
END;
