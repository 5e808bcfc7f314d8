-- How many claims have each status, kept by triggers on every insert, status
-- change and delete, so that the claims list's status menu does not count a
-- hundred thousand claims on every request. Lists filtered by source, tag or
-- words still count their matches.
CREATE TABLE claim_status_counts (
	status TEXT PRIMARY KEY,
	n      INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO claim_status_counts (status, n) SELECT status, count(*) FROM claims GROUP BY status;

CREATE TRIGGER claim_status_counts_insert AFTER INSERT ON claims
BEGIN
	INSERT INTO claim_status_counts (status, n) VALUES (NEW.status, 1)
		ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER claim_status_counts_update AFTER UPDATE OF status ON claims
	WHEN OLD.status IS NOT NEW.status
BEGIN
	UPDATE claim_status_counts SET n = n - 1 WHERE status = OLD.status;
	INSERT INTO claim_status_counts (status, n) VALUES (NEW.status, 1)
		ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER claim_status_counts_delete AFTER DELETE ON claims
BEGIN
	UPDATE claim_status_counts SET n = n - 1 WHERE status = OLD.status;
END;
