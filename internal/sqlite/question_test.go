package sqlite_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rivalForecasts makes two forecasts that exclude one another, each backed
// by its own source, grouped under a question.
func rivalForecasts(t *testing.T, db *sqlite.DB) (q *claimtrack.Question, attends, stays *claimtrack.Claim) {
	t.Helper()
	ctx := context.Background()
	forecast := func(text string) *claimtrack.Claim {
		c, err := db.CreateClaim(ctx, claimtrack.ClaimInput{Text: text, Kind: claimtrack.KindForecast, DueDate: "2025-05-09"}, "tester")
		require.NoError(t, err)
		return c
	}
	attends, stays = forecast("The mayor will open the harbour festival on May 9."), forecast("The mayor will stay away from the harbour festival.")
	mustLink(t, db, attends.ID, "Harbour Gazette", claimtrack.StanceAsserts, 0)
	mustLink(t, db, stays.ID, "Port Radio", claimtrack.StanceAsserts, 0)
	mustLink(t, db, stays.ID, "Harbour Gazette", claimtrack.StanceReports, 0)
	q, err := db.CreateQuestion(ctx, claimtrack.QuestionInput{Title: "Will the mayor open the harbour festival?", Description: "Rival reports"},
		[]int64{attends.ID, stays.ID}, "editor")
	require.NoError(t, err)
	attends, err = db.FindClaimByID(ctx, attends.ID)
	require.NoError(t, err)
	stays, err = db.FindClaimByID(ctx, stays.ID)
	require.NoError(t, err)
	return q, attends, stays
}

// A question is stored with its outcomes: each claim moves to its next
// version holding the question, and the question, its outcomes and their
// events are recorded against it.
func TestQuestion_Create(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	q, attends, stays := rivalForecasts(t, db)
	assert.Equal(t, q.ID, attends.QuestionID)
	assert.Equal(t, q.ID, stays.QuestionID)
	assert.Equal(t, int64(3), attends.Version, "created, linked, made an outcome")

	assert.Equal(t, [][]string{
		{"question_created", "", "editor"},
		{"outcome_added", itoa(attends.ID), "editor"},
		{"outcome_added", itoa(stays.ID), "editor"},
	}, queryRows(t, raw, `SELECT type, coalesce(claim_id, ''), actor FROM events WHERE question_id = ? ORDER BY id`, q.ID))

	v, err := db.FindQuestion(ctx, q.ID)
	require.NoError(t, err)
	require.Len(t, v.Outcomes, 2)
	assert.Equal(t, attends.ID, v.Outcomes[0].ID)
	require.Len(t, v.Backing, 2, "two sources back the outcomes")
	assert.Equal(t, "Harbour Gazette", v.Backing[0].Source.Name)
	assert.Equal(t, []claimtrack.Stance{claimtrack.StanceAsserts}, v.Backing[0].Stances[attends.ID])
	assert.Equal(t, []claimtrack.Stance{claimtrack.StanceReports}, v.Backing[0].Stances[stays.ID])
	assert.Equal(t, "Port Radio", v.Backing[1].Source.Name)
	assert.Nil(t, v.Backing[1].Stances[attends.ID])

	listed, total, err := db.FindQuestions(ctx, 0, 10)
	require.NoError(t, err)
	require.Equal(t, 1, total)
	assert.Equal(t, 2, listed[0].Outcomes)
	assert.Zero(t, listed[0].Confirmed)

	_, rivals, err := db.FindRivals(ctx, attends)
	require.NoError(t, err)
	require.Len(t, rivals, 1)
	assert.Equal(t, stays.ID, rivals[0].ID)
}

// Bad questions and outcomes are refused with a message on the field and
// write nothing: a short title, an unknown claim, a claim that is already
// another question's outcome, too many outcomes.
func TestQuestion_Refusals(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	q, attends, _ := rivalForecasts(t, db)
	before := count(t, raw, `SELECT count(*) FROM events WHERE type IN ('question_created', 'outcome_added')`)

	_, err := db.CreateQuestion(ctx, claimtrack.QuestionInput{Title: "Short?"}, nil, "editor")
	assert.Contains(t, claimtrack.FieldErrors(err)["title"], "at least 10")

	_, err = db.CreateQuestion(ctx, claimtrack.QuestionInput{Title: "Who will chair the harbour board?"}, []int64{999}, "editor")
	assert.Equal(t, "There is no claim #999.", claimtrack.FieldErrors(err)["outcomes"])

	_, err = db.CreateQuestion(ctx, claimtrack.QuestionInput{Title: "Who will chair the harbour board?"}, []int64{attends.ID}, "editor")
	assert.Contains(t, claimtrack.FieldErrors(err)["outcomes"], "already an outcome of “"+q.Title+"”")
	assert.Equal(t, 1, count(t, raw, `SELECT count(*) FROM questions`), "a refused question leaves no row behind")

	other, err := db.CreateQuestion(ctx, claimtrack.QuestionInput{Title: "Who will chair the harbour board?"}, nil, "editor")
	require.NoError(t, err)
	_, err = db.AddOutcome(ctx, other.ID, attends.ID, "editor")
	assert.Contains(t, claimtrack.FieldErrors(err)["claim"], "already an outcome")
	for i := range claimtrack.OutcomesMax {
		c := mustCreateClaim(t, db, "Candidate number "+itoa(int64(i))+" will chair the board.")
		_, err := db.AddOutcome(ctx, other.ID, c.ID, "editor")
		require.NoError(t, err)
	}
	extra := mustCreateClaim(t, db, "Nobody will chair the board this year.")
	_, err = db.AddOutcome(ctx, other.ID, extra.ID, "editor")
	assert.Contains(t, claimtrack.FieldErrors(err)["claim"], "at most 12")
	assert.Equal(t, before+1+claimtrack.OutcomesMax, count(t, raw, `SELECT count(*) FROM events WHERE type IN ('question_created', 'outcome_added')`),
		"only the second question and its twelve outcomes were recorded")

	// Adding an outcome twice changes nothing.
	v0 := count(t, raw, `SELECT version FROM claims WHERE id = ?`, attends.ID)
	_, err = db.AddOutcome(ctx, q.ID, attends.ID, "editor")
	require.NoError(t, err)
	assert.Equal(t, v0, count(t, raw, `SELECT version FROM claims WHERE id = ?`, attends.ID))
}

// Confirming one outcome refutes the chosen rivals with the same note in
// the same transaction: each change an event about the question, and both
// sources' forecast records move.
func TestQuestion_ConfirmRefutesRivals(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	q, attends, stays := rivalForecasts(t, db)

	got, err := db.SetClaimStatus(ctx, stays.ID, claimtrack.StatusChange{Status: claimtrack.StatusConfirmed, Note: "He sent his deputy.",
		Version: stays.Version, Refute: []claimtrack.Rival{{ID: attends.ID, Version: attends.Version}}}, "editor")
	require.NoError(t, err)
	assert.Equal(t, claimtrack.StatusConfirmed, got.Status)
	assert.Equal(t, [][]string{{"confirmed", "He sent his deputy."}, {"refuted", "He sent his deputy."}},
		queryRows(t, raw, `SELECT status, verdict_note FROM claims WHERE id IN (?, ?) ORDER BY id = ?`, stays.ID, attends.ID, attends.ID))
	assert.Equal(t, [][]string{{itoa(stays.ID), "editor"}, {itoa(attends.ID), "editor"}},
		queryRows(t, raw, `SELECT claim_id, actor FROM events WHERE type = 'status_changed' AND question_id = ? ORDER BY id`, q.ID))

	gazette, radio := sourceRecord(t, db, "Harbour Gazette"), sourceRecord(t, db, "Port Radio")
	assert.Equal(t, 1.0, gazette.Forecasts.Credit.Disagree(), "the gazette asserted the refuted outcome")
	assert.Equal(t, 1.0, radio.Forecasts.Credit.Agree(), "the radio asserted the confirmed one")
	assert.Zero(t, radio.Statements.Claims)

	listed, err := db.FindQuestionByID(ctx, q.ID)
	require.NoError(t, err)
	assert.Equal(t, stays.ID, listed.Confirmed)

	// A rival already refuted keeps its own note when another confirmation
	// names it.
	stays, err = db.FindClaimByID(ctx, stays.ID)
	require.NoError(t, err)
	_, err = db.SetClaimStatus(ctx, stays.ID, claimtrack.StatusChange{Status: claimtrack.StatusConfirmed, Note: "Confirmed by the town hall.",
		Version: stays.Version, Refute: []claimtrack.Rival{{ID: attends.ID, Version: 1}}}, "editor")
	require.NoError(t, err)
	assert.Equal(t, "He sent his deputy.", queryRows(t, raw, `SELECT verdict_note FROM claims WHERE id = ?`, attends.ID)[0][0])
}

// A confirmation whose rivals cannot all be refuted writes nothing: a rival
// changed since the editor looked (conflict), a claim that is no rival, a
// status other than confirmed.
func TestQuestion_RefuteAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	_, attends, stays := rivalForecasts(t, db)
	outsider := mustCreateClaim(t, db, "The harbour festival will be held indoors.")
	events := count(t, raw, `SELECT count(*) FROM events`)
	confirm := func(refute ...claimtrack.Rival) error {
		_, err := db.SetClaimStatus(ctx, stays.ID, claimtrack.StatusChange{Status: claimtrack.StatusConfirmed, Note: "Seen there.",
			Version: stays.Version, Refute: refute}, "editor")
		return err
	}

	err := confirm(claimtrack.Rival{ID: attends.ID, Version: attends.Version - 1})
	assert.Equal(t, claimtrack.ECONFLICT, claimtrack.ErrorCode(err))
	assert.Contains(t, claimtrack.ErrorMessage(err), "rival outcome #"+itoa(attends.ID))

	err = confirm(claimtrack.Rival{ID: outsider.ID, Version: outsider.Version})
	assert.Equal(t, "Claim #"+itoa(outsider.ID)+" is not a rival outcome of this claim.", claimtrack.FieldErrors(err)["refute"])

	_, err = db.SetClaimStatus(ctx, stays.ID, claimtrack.StatusChange{Status: claimtrack.StatusDisputed, Note: "Unclear.",
		Version: stays.Version, Refute: []claimtrack.Rival{{ID: attends.ID, Version: attends.Version}}}, "editor")
	assert.Contains(t, claimtrack.FieldErrors(err)["refute"], "only when this outcome is confirmed")

	assert.Equal(t, events, count(t, raw, `SELECT count(*) FROM events`))
	assert.Equal(t, 2, count(t, raw, `SELECT count(*) FROM claims WHERE id IN (?, ?) AND status = 'unverified'`, attends.ID, stays.ID))
}

// Editing a question records what changed; an edit from an old version is
// a conflict; taking a claim off a question keeps its verdict and records
// the change against both.
func TestQuestion_EditAndRemove(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	q, attends, _ := rivalForecasts(t, db)

	edited, err := db.UpdateQuestion(ctx, q.ID, claimtrack.QuestionInput{Title: "Will the mayor open the summer harbour festival?",
		Description: q.Description, Version: q.Version}, "editor")
	require.NoError(t, err)
	assert.Equal(t, int64(2), edited.Version)
	_, err = db.UpdateQuestion(ctx, q.ID, claimtrack.QuestionInput{Title: "Another title for the question", Version: q.Version}, "editor")
	assert.Equal(t, claimtrack.ECONFLICT, claimtrack.ErrorCode(err))
	assert.Equal(t, [][]string{{`{"title":"Will the mayor open the harbour festival?"}`, `{"title":"Will the mayor open the summer harbour festival?"}`}},
		queryRows(t, raw, `SELECT before_json, after_json FROM events WHERE type = 'question_edited'`))

	mustSetStatus(t, db, attends.ID, claimtrack.StatusRefuted)
	_, err = db.RemoveOutcome(ctx, q.ID, attends.ID, "editor")
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"", "refuted"}}, queryRows(t, raw, `SELECT coalesce(question_id, ''), status FROM claims WHERE id = ?`, attends.ID))
	assert.Equal(t, [][]string{{itoa(attends.ID), itoa(q.ID)}},
		queryRows(t, raw, `SELECT claim_id, question_id FROM events WHERE type = 'outcome_removed'`))
	_, err = db.RemoveOutcome(ctx, q.ID, attends.ID, "editor")
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))
}

// Questions are found by the words of their title and description, and the
// index passes FTS5's integrity check after changes.
func TestQuestion_Search(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	q, _, _ := rivalForecasts(t, db)
	res, err := db.Search(ctx, claimtrack.ParseQuery("festival"), 0, 10, 5)
	require.NoError(t, err)
	require.Len(t, res.Questions, 1)
	assert.Equal(t, q.ID, res.Questions[0].ID)
	assert.Equal(t, 2, res.Questions[0].Outcomes)

	_, err = db.UpdateQuestion(ctx, q.ID, claimtrack.QuestionInput{Title: "Will the mayor cut the ribbon at the regatta?",
		Description: q.Description, Version: q.Version}, "editor")
	require.NoError(t, err)
	res, err = db.Search(ctx, claimtrack.ParseQuery("regatta"), 0, 10, 5)
	require.NoError(t, err)
	require.Len(t, res.Questions, 1)
	res, err = db.Search(ctx, claimtrack.ParseQuery("reports"), 0, 10, 5)
	require.NoError(t, err)
	assert.Len(t, res.Questions, 1, "the description is searched too")
	require.NoError(t, db.CheckSearchIndex(ctx))
	require.NoError(t, db.RebuildSearchIndex(ctx))
	res, err = db.Search(ctx, claimtrack.ParseQuery("regatta"), 0, 10, 5)
	require.NoError(t, err)
	assert.Len(t, res.Questions, 1, "a rebuilt index holds the questions")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A merge gives the questions of a file new ids, and the claims and the
// history that name them follow; a question is never matched to one here by
// its title.
func TestQuestion_MergeImport(t *testing.T) {
	ctx := context.Background()
	src := MustOpenDB(t)
	q, attends, stays := rivalForecasts(t, src)
	_, err := src.SetClaimStatus(ctx, stays.ID, claimtrack.StatusChange{Status: claimtrack.StatusConfirmed, Note: "Seen there.",
		Version: stays.Version, Refute: []claimtrack.Rival{{ID: attends.ID, Version: attends.Version}}}, "editor")
	require.NoError(t, err)
	d, _ := exportJSON(t, src)

	dst := MustOpenDB(t)
	own, _, _ := rivalForecasts(t, dst) // a question of the same title is here already
	res, err := dst.ImportDump(ctx, d, "importer", "merge.json", false)
	require.NoError(t, err)
	assert.False(t, res.Restore)
	assert.Equal(t, 1, res.Questions)
	assert.Contains(t, res.Summary(), "1 question")

	list, total, err := dst.FindQuestions(ctx, 0, 10)
	require.NoError(t, err)
	require.Equal(t, 2, total)
	var merged *claimtrack.Question
	for _, x := range list {
		if x.ID != own.ID {
			merged = x
		}
	}
	require.NotNil(t, merged)
	assert.NotEqual(t, q.ID, merged.ID, "a new id")
	v, err := dst.FindQuestion(ctx, merged.ID)
	require.NoError(t, err)
	require.Len(t, v.Outcomes, 2)
	assert.Equal(t, claimtrack.StatusConfirmed, v.Confirmed().Status)
	assert.Equal(t, "The mayor will stay away from the harbour festival.", v.Confirmed().Text)
	events, err := dst.FindQuestionEvents(ctx, merged.ID, 50)
	require.NoError(t, err)
	require.Len(t, events, 5, "created, two outcomes, two verdicts")
	for _, ev := range events {
		if p, ok := ev.Payload.(claimtrack.OutcomeAdded); ok {
			assert.Equal(t, merged.ID, p.QuestionID, "the question id in the values follows")
		}
	}
	require.NoError(t, dst.CheckSearchIndex(ctx))
}
