-- Snapshots of the reliability order, so that the sources list as of any
-- moment costs about the same: it starts from the last snapshot taken at or
-- before that moment and walks forward over the score changes made between
-- the two (a bounded number), instead of over the whole history. A snapshot
-- holds every change up to (at, event_id) in that order; the storage code
-- takes one in the transaction that brings the changes since the last one to
-- the snapshot interval, and Open builds them for a database that has none.
CREATE TABLE score_snapshots (
	id          INTEGER PRIMARY KEY,
	at          TEXT NOT NULL,             -- the time of the last change it holds
	event_id    INTEGER NOT NULL,          -- the event of that change
	last_source INTEGER NOT NULL,          -- the newest source when it was taken
	sources     INTEGER NOT NULL           -- how many sources it ranks: those made by at
);
CREATE INDEX score_snapshots_at ON score_snapshots (at, event_id);

-- Every source the snapshot ranks, in the order the sources list sorted by
-- reliability had then, with its counts of then. The rows are derived from
-- source_stats and the score history and written 100,000 at a time at the
-- largest sizes: without foreign keys, whose checks would double the time a
-- snapshot takes (the code keeps both references right).
CREATE TABLE score_snapshot_ranks (
	snapshot_id INTEGER NOT NULL,          -- score_snapshots (id)
	rank        INTEGER NOT NULL,          -- 1 is the most reliable
	source_id   INTEGER NOT NULL,          -- sources (id)
	agree2      INTEGER NOT NULL,
	disagree2   INTEGER NOT NULL,
	changes     INTEGER NOT NULL,
	PRIMARY KEY (snapshot_id, rank)
) WITHOUT ROWID;

-- The walk reads the changes by time with their counts from the index alone.
DROP INDEX source_score_history_at;
CREATE INDEX source_score_history_at ON source_score_history (at, event_id, agree2, disagree2);

-- The sources that existed at a moment, found by their creation time.
CREATE INDEX sources_created ON sources (created_at, id);
