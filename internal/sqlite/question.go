package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

const questionColumns = `q.id, q.title, q.description, q.version, q.created_at, q.updated_at`

// questionListColumns adds what a list shows of each question: how many
// outcomes it has, and its confirmed outcome (the oldest, should two be).
const questionListColumns = questionColumns + `,
	(SELECT count(*) FROM claims c WHERE c.question_id = q.id),
	coalesce((SELECT c.id FROM claims c WHERE c.question_id = q.id AND c.status = 'confirmed' ORDER BY c.id LIMIT 1), 0),
	coalesce((SELECT c.text FROM claims c WHERE c.question_id = q.id AND c.status = 'confirmed' ORDER BY c.id LIMIT 1), '')`

func scanQuestion(s interface{ Scan(...any) error }, extra ...any) (*claimtrack.Question, error) {
	var q claimtrack.Question
	var created, updated string
	if err := s.Scan(append([]any{&q.ID, &q.Title, &q.Description, &q.Version, &created, &updated}, extra...)...); err != nil {
		return nil, err
	}
	q.CreatedAt, q.UpdatedAt = parseTime(created), parseTime(updated)
	return &q, nil
}

func scanQuestionListed(s interface{ Scan(...any) error }) (*claimtrack.Question, error) {
	var n int
	var confirmed int64
	var answer string
	q, err := scanQuestion(s, &n, &confirmed, &answer)
	if err != nil {
		return nil, err
	}
	q.Outcomes, q.Confirmed, q.Answer = n, confirmed, answer
	return q, nil
}

func findQuestionByID(ctx context.Context, tx *Tx, id int64) (*claimtrack.Question, error) {
	q, err := scanQuestionListed(tx.QueryRowContext(ctx, `SELECT `+questionListColumns+` FROM questions q WHERE q.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Question")
	}
	return q, err
}

// FindQuestionByID returns one question with its counts, or ENOTFOUND.
func (db *DB) FindQuestionByID(ctx context.Context, id int64) (*claimtrack.Question, error) {
	var q *claimtrack.Question
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		q, err = findQuestionByID(ctx, tx, id)
		return err
	})
	return q, err
}

// CreateQuestion stores a new question and makes the given claims its
// outcomes, with an event for each, in one transaction. A claim that does
// not exist or is already another question's outcome is refused (field
// "outcomes") and nothing is written.
func (db *DB) CreateQuestion(ctx context.Context, in claimtrack.QuestionInput, outcomes []int64, actor string) (*claimtrack.Question, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if len(outcomes) > claimtrack.OutcomesMax {
		return nil, outcomeError("outcomes", "A question has at most "+strconv.Itoa(claimtrack.OutcomesMax)+" outcomes.")
	}
	var q *claimtrack.Question
	err := db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO questions (title, description, created_at, updated_at) VALUES (?, ?, ?, ?)`,
			in.Title, in.Description, formatTime(tx.now), formatTime(tx.now))
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		q = &claimtrack.Question{ID: id, Title: in.Title, Description: in.Description, Version: 1, CreatedAt: tx.now, UpdatedAt: tx.now}
		if err := reindexQuestion(ctx, tx, id); err != nil {
			return err
		}
		if err := insertEvent(ctx, tx, &claimtrack.Event{Actor: actor, QuestionID: id,
			Payload: claimtrack.QuestionCreated{Question: claimtrack.QuestionValuesOf(q)}}); err != nil {
			return err
		}
		for _, claimID := range outcomes {
			if err := addOutcome(ctx, tx, q, claimID, "outcomes", actor); err != nil {
				return err
			}
		}
		q.Outcomes = len(outcomes)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// UpdateQuestion replaces a question's title and description if in.Version
// is still current (ECONFLICT with the question as it is otherwise). An edit
// that changes nothing records nothing.
func (db *DB) UpdateQuestion(ctx context.Context, id int64, in claimtrack.QuestionInput, actor string) (*claimtrack.Question, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var q *claimtrack.Question
	err := db.update(ctx, func(tx *Tx) (err error) {
		if q, err = findQuestionByID(ctx, tx, id); err != nil {
			return err
		}
		if in.Version != q.Version {
			return claimtrack.Errorf(claimtrack.ECONFLICT,
				"This question was changed by someone else after you opened it (you had version %d, it is now at version %d).", in.Version, q.Version)
		}
		edit := claimtrack.QuestionEdit(claimtrack.QuestionValuesOf(q), claimtrack.QuestionValues{Title: in.Title, Description: in.Description})
		if len(edit.Changes) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE questions SET title = ?, description = ?, version = version + 1, updated_at = ?
			WHERE id = ?`, in.Title, in.Description, formatTime(tx.now), id); err != nil {
			return err
		}
		q.Title, q.Description, q.Version, q.UpdatedAt = in.Title, in.Description, q.Version+1, tx.now
		if err := reindexQuestion(ctx, tx, id); err != nil {
			return err
		}
		return insertEvent(ctx, tx, &claimtrack.Event{Actor: actor, QuestionID: id, Payload: edit})
	})
	if err != nil {
		if claimtrack.ErrorCode(err) == claimtrack.ECONFLICT {
			return q, err
		}
		return nil, err
	}
	return q, nil
}

// AddOutcome makes a claim an outcome of a question. The claim moves to its
// next version (its pages and API answers show the question) and the change
// is recorded. A claim already an outcome of it changes nothing.
func (db *DB) AddOutcome(ctx context.Context, questionID, claimID int64, actor string) (*claimtrack.Question, error) {
	var q *claimtrack.Question
	err := db.update(ctx, func(tx *Tx) (err error) {
		if q, err = findQuestionByID(ctx, tx, questionID); err != nil {
			return err
		}
		return addOutcome(ctx, tx, q, claimID, "claim", actor)
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// addOutcome makes claim claimID an outcome of q inside tx; its errors are
// about the form field named field.
func addOutcome(ctx context.Context, tx *Tx, q *claimtrack.Question, claimID int64, field, actor string) error {
	c, err := findClaimByID(ctx, tx, claimID)
	if claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND {
		return outcomeError(field, "There is no claim #"+strconv.FormatInt(claimID, 10)+".")
	} else if err != nil {
		return err
	}
	switch c.QuestionID {
	case q.ID:
		return nil
	case 0:
	default:
		other, err := findQuestionByID(ctx, tx, c.QuestionID)
		if err != nil {
			return err
		}
		return outcomeError(field, "Claim #"+strconv.FormatInt(claimID, 10)+" is already an outcome of “"+other.Title+
			"”: take it off that question first.")
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM claims WHERE question_id = ?`, q.ID).Scan(&n); err != nil {
		return err
	}
	if n >= claimtrack.OutcomesMax {
		return outcomeError(field, "A question has at most "+strconv.Itoa(claimtrack.OutcomesMax)+" outcomes.")
	}
	return moveOutcome(ctx, tx, c, q, q.ID, claimtrack.OutcomeAdded{QuestionID: q.ID, Question: q.Title}, actor)
}

// RemoveOutcome takes a claim off a question: it is no longer one of its
// outcomes (its verdict stays). A claim that is not an outcome of the
// question is ENOTFOUND.
func (db *DB) RemoveOutcome(ctx context.Context, questionID, claimID int64, actor string) (*claimtrack.Question, error) {
	var q *claimtrack.Question
	err := db.update(ctx, func(tx *Tx) (err error) {
		if q, err = findQuestionByID(ctx, tx, questionID); err != nil {
			return err
		}
		c, err := findClaimByID(ctx, tx, claimID)
		if err != nil {
			return err
		}
		if c.QuestionID != q.ID {
			return notFound("Outcome")
		}
		return moveOutcome(ctx, tx, c, q, 0, claimtrack.OutcomeRemoved{QuestionID: q.ID, Question: q.Title}, actor)
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// moveOutcome sets claim c's question to to (0 for none), on a new version
// of the claim, and records p against c and q.
func moveOutcome(ctx context.Context, tx *Tx, c *claimtrack.Claim, q *claimtrack.Question, to int64, p claimtrack.Payload, actor string) error {
	if err := bumpClaim(ctx, tx, c); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE claims SET question_id = ? WHERE id = ?`, nullID(to), c.ID); err != nil {
		return err
	}
	c.QuestionID = to
	if _, err := tx.ExecContext(ctx, `UPDATE questions SET updated_at = ? WHERE id = ?`, formatTime(tx.now), q.ID); err != nil {
		return err
	}
	q.UpdatedAt = tx.now
	return insertEvent(ctx, tx, &claimtrack.Event{Actor: actor, ClaimID: c.ID, ClaimVersion: c.Version, QuestionID: q.ID, Payload: p})
}

func outcomeError(field, msg string) error {
	return &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.",
		Fields: map[string]string{field: msg}}
}

// rivalsToRefute loads the rivals of claim c that the editor chose to
// refute with its confirmation, each at the version they saw. A rival that
// is not an outcome of c's question is refused; one already refuted is left
// alone, with its own note; another that changed since is a conflict.
func rivalsToRefute(ctx context.Context, tx *Tx, c *claimtrack.Claim, chosen []claimtrack.Rival) ([]*claimtrack.Claim, error) {
	var out []*claimtrack.Claim
	seen := map[int64]bool{}
	for _, r := range chosen {
		if seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		rival, err := findClaimByID(ctx, tx, r.ID)
		if claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND || (err == nil && (c.QuestionID == 0 || rival.QuestionID != c.QuestionID || rival.ID == c.ID)) {
			return nil, outcomeError("refute", "Claim #"+strconv.FormatInt(r.ID, 10)+" is not a rival outcome of this claim.")
		} else if err != nil {
			return nil, err
		}
		if rival.Status == claimtrack.StatusRefuted {
			continue // it keeps its own note
		}
		if rival.Version != r.Version {
			return nil, claimtrack.Errorf(claimtrack.ECONFLICT,
				"The rival outcome #%d was changed by someone else after you opened this page (you had version %d, it is now at version %d).",
				r.ID, r.Version, rival.Version)
		}
		out = append(out, rival)
	}
	return out, nil
}

// FindQuestion returns what a question's page shows: the question, its
// outcomes oldest first (tags filled), and which sources backed which
// outcome, with their records.
func (db *DB) FindQuestion(ctx context.Context, id int64) (*claimtrack.QuestionView, error) {
	v := &claimtrack.QuestionView{}
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		if v.Question, err = findQuestionByID(ctx, tx, id); err != nil {
			return err
		}
		if v.Outcomes, err = questionOutcomes(ctx, tx, id); err != nil {
			return err
		}
		v.Backing, err = questionBacking(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

func questionOutcomes(ctx context.Context, tx *Tx, id int64) ([]*claimtrack.Claim, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+claimColumns+` FROM claims c WHERE c.question_id = ? ORDER BY c.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*claimtrack.Claim
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, attachTags(ctx, tx, out)
}

// questionBacking lists, by source name, each source linked to an outcome of
// question id and its stances on each.
func questionBacking(ctx context.Context, tx *Tx, id int64) ([]*claimtrack.Backing, error) {
	rows, err := tx.QueryContext(ctx, `SELECT e.claim_id, e.stance, `+sourceColumns+`, `+recordColumnsOrEmpty+`
		FROM claims c JOIN evidence e ON e.claim_id = c.id JOIN sources s ON s.id = e.source_id
		LEFT JOIN source_stats st ON st.source_id = s.id
		WHERE c.question_id = ? ORDER BY s.name_key, s.id, e.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*claimtrack.Backing
	for rows.Next() {
		var claimID int64
		var stance claimtrack.Stance
		src, dest, done := sourceDest()
		rec := &claimtrack.SourceRecord{}
		if err := rows.Scan(append(append([]any{&claimID, &stance}, dest...), recordDest(rec)...)...); err != nil {
			return nil, err
		}
		done()
		src.Record = rec
		if len(out) == 0 || out[len(out)-1].Source.ID != src.ID {
			out = append(out, &claimtrack.Backing{Source: src, Stances: map[int64][]claimtrack.Stance{}})
		}
		b := out[len(out)-1]
		b.Stances[claimID] = append(b.Stances[claimID], stance)
	}
	return out, rows.Err()
}

// FindRivals returns the other outcomes of claim c's question, oldest
// first, with the question; nil for a claim that is not an outcome.
func (db *DB) FindRivals(ctx context.Context, c *claimtrack.Claim) (*claimtrack.Question, []*claimtrack.Claim, error) {
	if c.QuestionID == 0 {
		return nil, nil, nil
	}
	var q *claimtrack.Question
	var rivals []*claimtrack.Claim
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		if q, err = findQuestionByID(ctx, tx, c.QuestionID); err != nil {
			return err
		}
		all, err := questionOutcomes(ctx, tx, c.QuestionID)
		for _, o := range all {
			if o.ID != c.ID {
				rivals = append(rivals, o)
			}
		}
		return err
	})
	return q, rivals, err
}

// FindQuestions returns one page of the questions, the most recently
// changed first, and how many there are.
func (db *DB) FindQuestions(ctx context.Context, offset, limit int) ([]*claimtrack.Question, int, error) {
	var out []*claimtrack.Question
	var total int
	err := db.readTx(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM questions`).Scan(&total); err != nil {
			return err
		}
		var err error
		out, err = queryQuestions(ctx, tx, `SELECT `+questionListColumns+` FROM questions q
			ORDER BY q.updated_at DESC, q.id DESC LIMIT ? OFFSET ?`, limit, offset)
		return err
	})
	return out, total, err
}

func queryQuestions(ctx context.Context, tx *Tx, query string, args ...any) ([]*claimtrack.Question, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*claimtrack.Question
	for rows.Next() {
		q, err := scanQuestionListed(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// FindQuestionEvents returns up to limit of the changes about a question,
// newest first: its own, its outcomes added and removed, and the verdicts
// given on its outcomes.
func (db *DB) FindQuestionEvents(ctx context.Context, id int64, limit int) ([]*claimtrack.Event, error) {
	var out []*claimtrack.Event
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		if out, err = queryEvents(ctx, tx, `SELECT `+eventColumns+` FROM events WHERE question_id = ? ORDER BY id DESC LIMIT ?`,
			id, limit); err != nil {
			return err
		}
		return attachClaimTexts(ctx, tx, out)
	})
	return out, err
}

// reindexQuestion refreshes the search row of one question.
func reindexQuestion(ctx context.Context, tx *Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM question_search WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("sqlite: reindex question: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO question_search (rowid, title, description)
		SELECT id, title, description FROM questions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("sqlite: reindex question: %w", err)
	}
	return nil
}

// searchQuestions finds up to limit questions whose title or description
// match, best first (newest first when there are too many to rank).
func (db *DB) searchQuestions(ctx context.Context, tx *Tx, q claimtrack.SearchQuery, limit int) ([]*claimtrack.Question, error) {
	expr := sourceExpr(q)
	if expr == "" || limit <= 0 {
		return nil, nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM question_search WHERE question_search MATCH ? LIMIT ?)`,
		expr, db.rankLimit+1).Scan(&n); err != nil {
		return nil, fmt.Errorf("sqlite: count questions: %w", err)
	}
	order := `bm25(question_search, 3.0, 1.0), q.id DESC`
	if n > db.rankLimit {
		order = `question_search.rowid DESC`
	}
	return queryQuestions(ctx, tx, `SELECT `+questionListColumns+` FROM question_search JOIN questions q ON q.id = question_search.rowid
		WHERE question_search MATCH ? ORDER BY `+order+` LIMIT ?`, expr, limit)
}
