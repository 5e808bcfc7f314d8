-- The claims list filtered by a tag, without reading every tagged claim:
-- each tag row carries its claim's creation time, so a page of a tag comes
-- from one index in the list's order; and the claims of each tag are counted
-- per status by triggers, like claim_status_counts (0008).
ALTER TABLE claim_tags ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
UPDATE claim_tags SET created_at = (SELECT created_at FROM claims WHERE id = claim_tags.claim_id);
CREATE INDEX claim_tags_tag_created ON claim_tags (tag, created_at DESC, claim_id DESC);

CREATE TABLE tag_status_counts (
	tag    TEXT NOT NULL,
	status TEXT NOT NULL,
	n      INTEGER NOT NULL,
	PRIMARY KEY (tag, status)
) WITHOUT ROWID;
INSERT INTO tag_status_counts (tag, status, n)
	SELECT t.tag, c.status, count(*) FROM claim_tags t JOIN claims c ON c.id = t.claim_id GROUP BY t.tag, c.status;

CREATE TRIGGER tag_status_counts_insert AFTER INSERT ON claim_tags
BEGIN
	INSERT INTO tag_status_counts (tag, status, n)
		SELECT NEW.tag, status, 1 FROM claims WHERE id = NEW.claim_id
		ON CONFLICT (tag, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tag_status_counts_delete AFTER DELETE ON claim_tags
BEGIN
	UPDATE tag_status_counts SET n = n - 1
		WHERE tag = OLD.tag AND status = (SELECT status FROM claims WHERE id = OLD.claim_id);
END;

CREATE TRIGGER tag_status_counts_status AFTER UPDATE OF status ON claims
	WHEN OLD.status IS NOT NEW.status
BEGIN
	UPDATE tag_status_counts SET n = n - 1
		WHERE status = OLD.status AND tag IN (SELECT tag FROM claim_tags WHERE claim_id = NEW.id);
	INSERT INTO tag_status_counts (tag, status, n)
		SELECT tag, NEW.status, 1 FROM claim_tags WHERE claim_id = NEW.id
		ON CONFLICT (tag, status) DO UPDATE SET n = n + 1;
END;
