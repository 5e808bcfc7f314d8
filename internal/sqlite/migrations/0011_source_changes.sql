-- A count of the changes made to sources, kept by triggers: whatever writes
-- a source (forms, imports, the generator, another process), the count moves,
-- so a reader can tell in one lookup whether what it found earlier about the
-- sources still holds.
CREATE TABLE source_changes (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n  INTEGER NOT NULL
);
INSERT INTO source_changes (id, n) VALUES (1, 0);

CREATE TRIGGER source_changes_insert AFTER INSERT ON sources
BEGIN
	UPDATE source_changes SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER source_changes_update AFTER UPDATE ON sources
BEGIN
	UPDATE source_changes SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER source_changes_delete AFTER DELETE ON sources
BEGIN
	UPDATE source_changes SET n = n + 1 WHERE id = 1;
END;
