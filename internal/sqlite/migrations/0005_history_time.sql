-- The score history by time, so that the records as of a moment can be found
-- by walking only the changes made since.
CREATE INDEX source_score_history_at ON source_score_history (at);
