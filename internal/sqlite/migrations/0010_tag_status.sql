-- The claims list filtered by a tag and a status, from one index: each tag
-- row carries its claim's status as well as its creation time (0009), kept
-- by a trigger when the status changes.
ALTER TABLE claim_tags ADD COLUMN status TEXT NOT NULL DEFAULT '';
UPDATE claim_tags SET status = (SELECT status FROM claims WHERE id = claim_tags.claim_id);
CREATE INDEX claim_tags_tag_status_created ON claim_tags (tag, status, created_at DESC, claim_id DESC);

CREATE TRIGGER claim_tags_status AFTER UPDATE OF status ON claims
	WHEN OLD.status IS NOT NEW.status
BEGIN
	UPDATE claim_tags SET status = NEW.status WHERE claim_id = NEW.id;
END;
