-- The first schema: reports, sources, claims with tags, evidence, and the
-- append-only history of events.

CREATE TABLE reports (
	id           INTEGER PRIMARY KEY,
	key          TEXT NOT NULL UNIQUE,
	title        TEXT NOT NULL,
	outlet       TEXT NOT NULL DEFAULT '',
	url          TEXT NOT NULL DEFAULT '',
	published_at TEXT NOT NULL DEFAULT '',
	summary      TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL
);

CREATE TABLE sources (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	name_key    TEXT NOT NULL UNIQUE, -- case-folded name: names are unique ignoring case
	kind        TEXT NOT NULL CHECK (kind IN ('person', 'organisation', 'outlet', 'agency', 'anonymous', 'document')),
	role        TEXT NOT NULL DEFAULT '',
	url         TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);

CREATE TABLE claims (
	id           INTEGER PRIMARY KEY,
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
CREATE INDEX claims_created ON claims (created_at DESC, id DESC);
CREATE INDEX claims_status_created ON claims (status, created_at DESC, id DESC);
CREATE INDEX claims_report ON claims (report_id);

CREATE TABLE claim_tags (
	claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
	tag      TEXT NOT NULL,
	position INTEGER NOT NULL,
	PRIMARY KEY (claim_id, tag)
) WITHOUT ROWID;
CREATE INDEX claim_tags_tag ON claim_tags (tag, claim_id);

CREATE TABLE evidence (
	id            INTEGER PRIMARY KEY,
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
CREATE INDEX evidence_claim ON evidence (claim_id, id);
CREATE INDEX evidence_source ON evidence (source_id, claim_id);
CREATE INDEX evidence_via ON evidence (via_source_id, claim_id) WHERE via_source_id IS NOT NULL;

-- The history. before_json/after_json hold the changed values as JSON objects.
CREATE TABLE events (
	id            INTEGER PRIMARY KEY,
	type          TEXT NOT NULL,
	actor         TEXT NOT NULL,
	at            TEXT NOT NULL,
	claim_id      INTEGER REFERENCES claims (id),
	claim_version INTEGER,
	source_id     INTEGER REFERENCES sources (id),
	evidence_id   INTEGER,
	report_id     INTEGER REFERENCES reports (id),
	before_json   TEXT NOT NULL DEFAULT '{}',
	after_json    TEXT NOT NULL DEFAULT '{}',
	note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_claim ON events (claim_id, id) WHERE claim_id IS NOT NULL;
CREATE INDEX events_source ON events (source_id, id) WHERE source_id IS NOT NULL;
CREATE INDEX events_at ON events (at, id);

-- Events are append-only: the database itself refuses to change or remove one.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;
