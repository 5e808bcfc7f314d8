-- The desk: a claim can be assigned to one editor (by username; '' for
-- nobody), and open forecasts are found by their due date along an index.
ALTER TABLE claims ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
CREATE INDEX claims_assignee ON claims (assignee, created_at) WHERE assignee <> '';
CREATE INDEX claims_due ON claims (due_date) WHERE kind = 'forecast' AND due_date <> '';
