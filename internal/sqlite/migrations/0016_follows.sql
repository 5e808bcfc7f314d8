-- Follows: a signed-in person follows claims and sources; the desk lists
-- what changed in them since they last opened it (desk_seen_at). Feed
-- readers cannot sign in, so each person may have a private feed of what
-- they follow at an address holding a token (stored hashed), which they can
-- revoke.
CREATE TABLE follows (
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	claim_id   INTEGER REFERENCES claims (id),
	source_id  INTEGER REFERENCES sources (id),
	created_at TEXT NOT NULL,
	CHECK ((claim_id IS NULL) <> (source_id IS NULL))
);
CREATE UNIQUE INDEX follows_claim ON follows (user_id, claim_id) WHERE claim_id IS NOT NULL;
CREATE UNIQUE INDEX follows_source ON follows (user_id, source_id) WHERE source_id IS NOT NULL;

ALTER TABLE users ADD COLUMN desk_seen_at TEXT NOT NULL DEFAULT '';

CREATE TABLE feed_tokens (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_hash BLOB NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	revoked_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX feed_tokens_user ON feed_tokens (user_id, id);
