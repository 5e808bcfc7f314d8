-- Personal API tokens: an account's key for writing through the JSON API.
-- Only the SHA-256 of a token is stored, so a copy of the database holds no
-- usable token; the token is shown once, when it is made. A revoked token
-- stays listed (when, by its name) but opens nothing.
CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,            -- what the owner calls it, e.g. "newsroom sheet"
	token_hash   BLOB NOT NULL UNIQUE,
	prefix       TEXT NOT NULL,            -- the first characters, to tell tokens apart
	created_at   TEXT NOT NULL,
	last_used_at TEXT NOT NULL DEFAULT '',
	revoked_at   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);
