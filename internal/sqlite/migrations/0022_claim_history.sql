-- The newest events of each claim kept together in one row, so that a claim
-- page reads the first page of its history in one lookup instead of one per
-- event (the events of a claim lie all over the events table, which is in
-- the order they happened across all claims). It holds a JSON array of the
-- claim's newest 51 events (a page of 50 and one more, which says whether
-- older ones remain), oldest first, each as
--   [id, type, actor, at, claim_version, source_id, evidence_id, report_id,
--    question_id, before_json, after_json, note]
-- with the missing ids as 0 and before_json and after_json as strings.
-- Events are never changed or removed, so a trigger on their insertion keeps
-- it, whatever writes them (forms, imports, the generator, other processes).
CREATE TABLE claim_history (
	claim_id INTEGER PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
	events   TEXT NOT NULL
);

INSERT INTO claim_history (claim_id, events)
SELECT claim_id, json_group_array(json(ev) ORDER BY id) FROM (
	SELECT claim_id, id, json_array(id, type, actor, at, coalesce(claim_version, 0), coalesce(source_id, 0),
		coalesce(evidence_id, 0), coalesce(report_id, 0), coalesce(question_id, 0), before_json, after_json, note) AS ev,
		row_number() OVER (PARTITION BY claim_id ORDER BY id DESC) AS n
	FROM events WHERE claim_id IS NOT NULL
) WHERE n <= 51 GROUP BY claim_id;

-- An event newer than every one kept is added at the end (the oldest kept
-- dropped when there are 51); one that is not (an import that brings events
-- with their ids, in another order) has the row rebuilt from the events. The
-- trigger is kept in the schema, which every tool that opens the file reads:
-- it uses nothing newer than SQLite 3.38 (the ->> operator), so that older
-- sqlite3 shells (Debian 12 has 3.40) can still open the database; hence
-- the ordered subquery rather than an ORDER BY inside json_group_array.
CREATE TRIGGER claim_history_event AFTER INSERT ON events WHEN NEW.claim_id IS NOT NULL
BEGIN
	INSERT OR IGNORE INTO claim_history (claim_id, events) VALUES (NEW.claim_id, '[]');
	UPDATE claim_history SET events = CASE
		WHEN NEW.id > coalesce(events ->> '$[#-1][0]', 0) THEN
			json_insert(CASE WHEN json_array_length(events) >= 51 THEN json_remove(events, '$[0]') ELSE events END, '$[#]',
				json_array(NEW.id, NEW.type, NEW.actor, NEW.at, coalesce(NEW.claim_version, 0), coalesce(NEW.source_id, 0),
					coalesce(NEW.evidence_id, 0), coalesce(NEW.report_id, 0), coalesce(NEW.question_id, 0),
					NEW.before_json, NEW.after_json, NEW.note))
		ELSE (SELECT json_group_array(json(ev)) FROM (SELECT ev FROM (
			SELECT id, json_array(id, type, actor, at, coalesce(claim_version, 0), coalesce(source_id, 0),
				coalesce(evidence_id, 0), coalesce(report_id, 0), coalesce(question_id, 0), before_json, after_json, note) AS ev
			FROM events WHERE claim_id = NEW.claim_id ORDER BY id DESC LIMIT 51) ORDER BY id))
		END
	WHERE claim_id = NEW.claim_id;
END;
