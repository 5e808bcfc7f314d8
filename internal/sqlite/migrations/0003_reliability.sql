-- Source reliability, kept current by the storage code in the same transaction
-- as every change that moves it (new evidence, a status change). Agreements
-- and disagreements are counted in halves, because a partly-true verdict
-- counts half each way. The score columns are derived from the counts (the
-- Beta quantiles are computed in Go) and stored so that the sources list can
-- be ordered by an index. Open fills both tables from the history when they
-- are empty and sources exist.
CREATE TABLE source_stats (
	source_id INTEGER PRIMARY KEY REFERENCES sources (id),
	agree2    INTEGER NOT NULL DEFAULT 0,   -- resolved links agreeing with the verdict, in halves
	disagree2 INTEGER NOT NULL DEFAULT 0,   -- resolved links disagreeing, in halves
	open      INTEGER NOT NULL DEFAULT 0,   -- links taking a side on claims without a verdict
	claims    INTEGER NOT NULL DEFAULT 0,   -- distinct claims linked, directly or as a "via"
	changes   INTEGER NOT NULL DEFAULT 0,   -- rows in source_score_history
	enough    INTEGER NOT NULL DEFAULT 0,   -- 1 with at least 3 resolved links
	mean      REAL NOT NULL DEFAULT 0.5,
	low       REAL NOT NULL DEFAULT 0.05,
	high      REAL NOT NULL DEFAULT 0.95
);
CREATE INDEX source_stats_reliability ON source_stats (enough DESC, low DESC, mean DESC, source_id);
CREATE INDEX source_stats_claims ON source_stats (claims DESC, source_id);

-- One row per change of a source's resolved record, numbered per source: the
-- audit trail of its score and the points of its chart over time.
CREATE TABLE source_score_history (
	source_id INTEGER NOT NULL REFERENCES sources (id),
	n         INTEGER NOT NULL,             -- 1, 2, 3 … for each source
	event_id  INTEGER NOT NULL REFERENCES events (id),
	at        TEXT NOT NULL,
	claim_id  INTEGER NOT NULL REFERENCES claims (id),
	stance    TEXT NOT NULL,                -- the source's stance on the claim
	relayed   INTEGER NOT NULL,             -- 1 when the source was the link's "via"
	status    TEXT NOT NULL,                -- the claim's status after the change
	agree2    INTEGER NOT NULL,             -- the source's counts after the change
	disagree2 INTEGER NOT NULL,
	PRIMARY KEY (source_id, n)
) WITHOUT ROWID;
