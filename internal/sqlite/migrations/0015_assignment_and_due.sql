-- The desk: a claim can be assigned to one editor (by username; '' for
-- nobody), and open forecasts (no verdict yet) are found by their due date
-- along an index that holds only them.
ALTER TABLE claims ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
CREATE INDEX claims_assignee ON claims (assignee, created_at) WHERE assignee <> '';
CREATE INDEX claims_due ON claims (due_date)
	WHERE kind = 'forecast' AND due_date <> '' AND status IN ('unverified', 'disputed');

-- Re-review: when a claim with a verdict gets new or corrected evidence,
-- the time of the first such change since the verdict ('' for none); the
-- next status change clears it.
ALTER TABLE claims ADD COLUMN new_evidence_at TEXT NOT NULL DEFAULT '';
CREATE INDEX claims_new_evidence ON claims (new_evidence_at) WHERE new_evidence_at <> '';
