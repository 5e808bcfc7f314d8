-- A source's record split in two parts, under the same rules: the
-- statements it took a side on (claims about the present or past, quotes
-- included) and its forecasts. s_ columns hold the statements' part, f_
-- columns the forecasts'; the whole record stays in the columns it had. A
-- database whose records have no parts yet has them rebuilt from its
-- history when it is opened.
ALTER TABLE source_stats ADD COLUMN s_agree2 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_stats ADD COLUMN s_disagree2 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_stats ADD COLUMN s_open INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_stats ADD COLUMN s_claims INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_stats ADD COLUMN s_enough INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_stats ADD COLUMN s_mean REAL NOT NULL DEFAULT 0.5;
ALTER TABLE source_stats ADD COLUMN s_low REAL NOT NULL DEFAULT 0.05;
ALTER TABLE source_stats ADD COLUMN s_high REAL NOT NULL DEFAULT 0.95;
ALTER TABLE source_stats ADD COLUMN f_agree2 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_stats ADD COLUMN f_disagree2 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_stats ADD COLUMN f_open INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_stats ADD COLUMN f_claims INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_stats ADD COLUMN f_enough INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_stats ADD COLUMN f_mean REAL NOT NULL DEFAULT 0.5;
ALTER TABLE source_stats ADD COLUMN f_low REAL NOT NULL DEFAULT 0.05;
ALTER TABLE source_stats ADD COLUMN f_high REAL NOT NULL DEFAULT 0.95;
-- The sources list sorted by the forecasts' record follows this index, as
-- the whole record's order follows source_stats_reliability.
CREATE INDEX source_stats_forecasts ON source_stats (f_enough DESC, f_low DESC, f_mean DESC, source_id);
