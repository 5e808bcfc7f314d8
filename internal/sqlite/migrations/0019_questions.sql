-- Questions: claims that exclude one another grouped as the outcomes of a
-- question. A claim is an outcome of at most one question. Question ids are
-- held by the history and by outside systems, so they are never reused
-- (AUTOINCREMENT), and questions are not deleted.
CREATE TABLE questions (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	title       TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	version     INTEGER NOT NULL DEFAULT 1,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX questions_updated ON questions (updated_at, id);

ALTER TABLE claims ADD COLUMN question_id INTEGER REFERENCES questions (id);
CREATE INDEX claims_question ON claims (question_id, id) WHERE question_id IS NOT NULL;

-- The changes about a question: its own, its claims made or unmade
-- outcomes, and the verdicts on its outcomes.
ALTER TABLE events ADD COLUMN question_id INTEGER REFERENCES questions (id);
CREATE INDEX events_question ON events (question_id, id) WHERE question_id IS NOT NULL;

CREATE VIRTUAL TABLE question_search USING fts5 (
	title,
	description,
	tokenize = 'porter unicode61 remove_diacritics 2'
);
