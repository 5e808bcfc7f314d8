-- The claims list in the order of last change (?sort=changed), whole or by
-- status, read from an index as the newest-first order is (0001).
CREATE INDEX claims_updated ON claims (updated_at DESC, id DESC);
CREATE INDEX claims_status_updated ON claims (status, updated_at DESC, id DESC);

-- The reports list counts each report's claims by status from an index alone.
DROP INDEX claims_report;
CREATE INDEX claims_report_status ON claims (report_id, status);
