-- foreign_keys: off
--
-- Ids that events or outside systems hold are never given out again: the
-- tables behind them are rebuilt with AUTOINCREMENT, so that removing the
-- newest row (a link taken off a claim, say) does not hand its id to the
-- next one, where the history would then name the wrong row. Every row keeps
-- its id; the indexes and triggers of each table are made again as they
-- were; the search indexes are keyed by claim and source id and stay as they
-- are. The counters start above every id the tables or the history ever
-- used, so an id that only the history still names is not reused either.
--
-- SQLite's way of changing a table: make the new one, copy, drop the old,
-- rename. The first line asks the migration runner to turn foreign keys off
-- around it (dropping a parent table would otherwise delete its children,
-- ON DELETE CASCADE included) and to run foreign_key_check before it commits.

CREATE TABLE reports_new (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	key          TEXT NOT NULL UNIQUE,
	title        TEXT NOT NULL,
	outlet       TEXT NOT NULL DEFAULT '',
	url          TEXT NOT NULL DEFAULT '',
	published_at TEXT NOT NULL DEFAULT '',
	summary      TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL
);
INSERT INTO reports_new (id, key, title, outlet, url, published_at, summary, created_at)
	SELECT id, key, title, outlet, url, published_at, summary, created_at FROM reports ORDER BY id;
DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;

CREATE TABLE sources_new (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	name        TEXT NOT NULL,
	name_key    TEXT NOT NULL UNIQUE, -- case-folded name: names are unique ignoring case
	kind        TEXT NOT NULL CHECK (kind IN ('person', 'organisation', 'outlet', 'agency', 'anonymous', 'document')),
	role        TEXT NOT NULL DEFAULT '',
	url         TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
INSERT INTO sources_new (id, name, name_key, kind, role, url, description, created_at, updated_at)
	SELECT id, name, name_key, kind, role, url, description, created_at, updated_at FROM sources ORDER BY id;
DROP TABLE sources;
ALTER TABLE sources_new RENAME TO sources;
CREATE INDEX sources_created ON sources (created_at, id);
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

CREATE TABLE claims_new (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	text         TEXT NOT NULL,
	context      TEXT NOT NULL DEFAULT '',
	kind         TEXT NOT NULL CHECK (kind IN ('statement', 'forecast', 'quote')),
	due_date     TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL DEFAULT 'unverified'
	             CHECK (status IN ('unverified', 'confirmed', 'partly-true', 'disputed', 'refuted', 'retracted')),
	verdict_note TEXT NOT NULL DEFAULT '',
	report_id    INTEGER REFERENCES reports (id),
	version      INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
);
INSERT INTO claims_new (id, text, context, kind, due_date, status, verdict_note, report_id, version, created_at, updated_at)
	SELECT id, text, context, kind, due_date, status, verdict_note, report_id, version, created_at, updated_at FROM claims ORDER BY id;
DROP TABLE claims;
ALTER TABLE claims_new RENAME TO claims;
CREATE INDEX claims_created ON claims (created_at DESC, id DESC);
CREATE INDEX claims_status_created ON claims (status, created_at DESC, id DESC);
CREATE INDEX claims_report ON claims (report_id);
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
CREATE TRIGGER tag_status_counts_status AFTER UPDATE OF status ON claims
	WHEN OLD.status IS NOT NEW.status
BEGIN
	UPDATE tag_status_counts SET n = n - 1
		WHERE status = OLD.status AND tag IN (SELECT tag FROM claim_tags WHERE claim_id = NEW.id);
	INSERT INTO tag_status_counts (tag, status, n)
		SELECT tag, NEW.status, 1 FROM claim_tags WHERE claim_id = NEW.id
		ON CONFLICT (tag, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER claim_tags_status AFTER UPDATE OF status ON claims
	WHEN OLD.status IS NOT NEW.status
BEGIN
	UPDATE claim_tags SET status = NEW.status WHERE claim_id = NEW.id;
END;

CREATE TABLE evidence_new (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	claim_id      INTEGER NOT NULL REFERENCES claims (id),
	source_id     INTEGER NOT NULL REFERENCES sources (id),
	stance        TEXT NOT NULL CHECK (stance IN ('asserts', 'supports', 'disputes', 'reports')),
	quote         TEXT NOT NULL DEFAULT '',
	url           TEXT NOT NULL DEFAULT '',
	published_at  TEXT NOT NULL DEFAULT '',
	via_source_id INTEGER REFERENCES sources (id),
	note          TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	CHECK (via_source_id IS NULL OR via_source_id <> source_id)
);
INSERT INTO evidence_new (id, claim_id, source_id, stance, quote, url, published_at, via_source_id, note, created_at)
	SELECT id, claim_id, source_id, stance, quote, url, published_at, via_source_id, note, created_at FROM evidence ORDER BY id;
DROP TABLE evidence;
ALTER TABLE evidence_new RENAME TO evidence;
CREATE INDEX evidence_claim ON evidence (claim_id, id);
CREATE INDEX evidence_source ON evidence (source_id, claim_id);
CREATE INDEX evidence_via ON evidence (via_source_id, claim_id) WHERE via_source_id IS NOT NULL;

CREATE TABLE users_new (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	username      TEXT NOT NULL,
	username_key  TEXT NOT NULL UNIQUE,   -- lower case: names differ by more than case
	role          TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
	password_hash TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);
INSERT INTO users_new (id, username, username_key, role, password_hash, disabled, created_at, updated_at)
	SELECT id, username, username_key, role, password_hash, disabled, created_at, updated_at FROM users ORDER BY id;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

CREATE TABLE api_tokens_new (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,            -- what the owner calls it, e.g. "newsroom sheet"
	token_hash   BLOB NOT NULL UNIQUE,
	prefix       TEXT NOT NULL,            -- the first characters, to tell tokens apart
	created_at   TEXT NOT NULL,
	last_used_at TEXT NOT NULL DEFAULT '',
	revoked_at   TEXT NOT NULL DEFAULT ''
);
INSERT INTO api_tokens_new (id, user_id, name, token_hash, prefix, created_at, last_used_at, revoked_at)
	SELECT id, user_id, name, token_hash, prefix, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY id;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- Each counter starts above the largest id its table or the history holds
-- (an empty table gets its row here).
INSERT INTO sqlite_sequence (name, seq)
	SELECT t.name, 0 FROM (SELECT 'reports' AS name UNION ALL SELECT 'sources' UNION ALL SELECT 'claims'
		UNION ALL SELECT 'evidence' UNION ALL SELECT 'users' UNION ALL SELECT 'api_tokens') t
	WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence s WHERE s.name = t.name);
UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(report_id), 0) FROM events)) WHERE name = 'reports';
UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(source_id), 0) FROM events)) WHERE name = 'sources';
UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(claim_id), 0) FROM events)) WHERE name = 'claims';
UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(evidence_id), 0) FROM events)) WHERE name = 'evidence';
