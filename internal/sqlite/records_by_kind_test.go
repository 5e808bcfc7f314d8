package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A source's record splits into its statements and its forecasts, each
// counted under the same rules; a claim whose kind changes takes its credit
// to the other part; and the parts kept change by change are what the
// replay of the history gives.
func TestReliability_RecordsByKind(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	create := func(text string, kind claimtrack.ClaimKind) int64 {
		c, err := db.CreateClaim(ctx, claimtrack.ClaimInput{Text: text, Kind: kind, DueDate: dueFor(kind)}, "tester")
		require.NoError(t, err)
		return c.ID
	}
	past := create("The talks in Riyadh took place in February.", claimtrack.KindStatement)
	quote := create("Peskov said the talks were very constructive.", claimtrack.KindQuote)
	future := create("Trump will attend the parade in Moscow on May 9.", claimtrack.KindForecast)
	later := create("Putin will visit Washington before the summer.", claimtrack.KindForecast)
	mustLink(t, db, past, "Spokesman", claimtrack.StanceAsserts, 0)
	mustLink(t, db, quote, "Spokesman", claimtrack.StanceAsserts, 0)
	mustLink(t, db, future, "Spokesman", claimtrack.StanceAsserts, 0)
	mustLink(t, db, later, "Spokesman", claimtrack.StanceSupports, 0)
	mustLink(t, db, future, "Wire", claimtrack.StanceDisputes, 0)
	mustSetStatus(t, db, past, claimtrack.StatusConfirmed)
	mustSetStatus(t, db, quote, claimtrack.StatusConfirmed)
	mustSetStatus(t, db, future, claimtrack.StatusRefuted)
	mustSetStatus(t, db, later, claimtrack.StatusRefuted)

	spokesman := sourceRecord(t, db, "Spokesman")
	// Right about the past, wrong about the future.
	assert.Equal(t, 2.0, spokesman.Statements.Credit.Agree())
	assert.Equal(t, 0.0, spokesman.Statements.Credit.Disagree())
	assert.Equal(t, 2, spokesman.Statements.Claims)
	assert.Equal(t, 0.0, spokesman.Forecasts.Credit.Agree())
	assert.Equal(t, 2.0, spokesman.Forecasts.Credit.Disagree())
	assert.Equal(t, 2, spokesman.Forecasts.Claims)
	assert.Equal(t, 4, spokesman.Claims)
	assert.Equal(t, spokesman.Credit, spokesman.Statements.Credit.Add(spokesman.Forecasts.Credit), "the parts make the whole")
	assert.Greater(t, spokesman.Statements.Score.Mean, spokesman.Forecasts.Score.Mean)
	assert.False(t, spokesman.Forecasts.Score.Enough, "two resolved forecasts are too few")
	wire := sourceRecord(t, db, "Wire")
	assert.Equal(t, 1.0, wire.Forecasts.Credit.Agree())
	assert.Zero(t, wire.Statements.Claims)

	// Sorted by their forecasts, the source that got one right comes before
	// the one that got them wrong.
	list, _, err := db.FindSources(ctx, claimtrack.SourceFilter{Sort: claimtrack.SortByForecasts, Limit: 10})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(list), 2)
	names := []string{list[0].Name, list[1].Name}
	assert.Equal(t, []string{"Wire", "Spokesman"}, names)
	plan, err := rawDB(t, db).Query(`EXPLAIN QUERY PLAN SELECT source_id FROM source_stats
		ORDER BY f_enough DESC, f_low DESC, f_mean DESC, source_id LIMIT 25 OFFSET 0`)
	require.NoError(t, err)
	var steps []string
	for plan.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, plan.Scan(&id, &parent, &unused, &detail))
		steps = append(steps, detail)
	}
	plan.Close()
	assert.NotContains(t, strings.Join(steps, "; "), "TEMP B-TREE", "the order follows an index: %v", steps)

	// The forecast turns out to be a statement about a plan: its credit
	// moves to the statements, the whole record does not move.
	c, err := db.FindClaimByID(ctx, later)
	require.NoError(t, err)
	in := c.Input()
	in.Kind, in.DueDate = claimtrack.KindStatement, ""
	_, err = db.UpdateClaim(ctx, later, c.Version, in, "tester")
	require.NoError(t, err)
	moved := sourceRecord(t, db, "Spokesman")
	assert.Equal(t, spokesman.Credit, moved.Credit)
	assert.Equal(t, spokesman.Changes, moved.Changes, "no change of the whole record")
	assert.Equal(t, 1.0, moved.Statements.Credit.Disagree())
	assert.Equal(t, 3, moved.Statements.Claims)
	assert.Equal(t, 1.0, moved.Forecasts.Credit.Disagree())
	assert.Equal(t, 1, moved.Forecasts.Claims)

	// Evidence edited and removed move the part of their claim.
	links, err := db.FindClaimEvidence(ctx, future)
	require.NoError(t, err)
	mustEditEvidence(t, db, future, links[1].ID, claimtrack.EvidenceInput{SourceName: "Wire", Stance: claimtrack.StanceAsserts})
	c, err = db.FindClaimByID(ctx, future)
	require.NoError(t, err)
	_, err = db.RemoveEvidence(ctx, future, links[0].ID, claimtrack.EvidenceRemoval{Note: "Wrong quote.", Version: c.Version}, "tester")
	require.NoError(t, err)
	assert.Equal(t, 1.0, sourceRecord(t, db, "Wire").Forecasts.Credit.Disagree())
	assert.Zero(t, sourceRecord(t, db, "Spokesman").Forecasts.Claims)

	stats := recordsQuery(t, raw)
	kept := queryRows(t, raw, stats)
	require.NoError(t, db.RebuildReliability(ctx))
	assert.Equal(t, kept, queryRows(t, raw, stats), "the replay gives the parts kept change by change")
}

func dueFor(kind claimtrack.ClaimKind) string {
	if kind == claimtrack.KindForecast {
		return "2025-05-09"
	}
	return ""
}

func sourceRecord(t *testing.T, db *sqlite.DB, name string) claimtrack.SourceRecord {
	t.Helper()
	var id int64
	require.NoError(t, rawDB(t, db).QueryRow(`SELECT id FROM sources WHERE name = ?`, name).Scan(&id), name)
	rec, err := db.FindSourceRecord(context.Background(), id)
	require.NoError(t, err)
	return rec
}

// A source's record as of a moment has the parts it had then: each change's
// credit in the part of its claim's kind then, a claim whose kind changed
// later counted in its old part; as of now, the parts kept change by change.
func TestFindSourceRecordAsOf_Parts(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := fixedNow
	db.Now = func() time.Time { return clock }
	tick := func() time.Time { clock = clock.Add(time.Hour); return clock }
	create := func(text string, kind claimtrack.ClaimKind) int64 {
		c, err := db.CreateClaim(ctx, claimtrack.ClaimInput{Text: text, Kind: kind, DueDate: dueFor(kind)}, "tester")
		require.NoError(t, err)
		return c.ID
	}
	before := tick()
	past := create("The talks in Riyadh took place in February.", claimtrack.KindStatement)
	future := create("Trump will attend the parade in Moscow on May 9.", claimtrack.KindForecast)
	later := create("Putin will visit Washington before the summer.", claimtrack.KindForecast)
	for _, id := range []int64{past, future, later} {
		mustLink(t, db, id, "Spokesman", claimtrack.StanceAsserts, 0)
	}
	tick()
	mustSetStatus(t, db, past, claimtrack.StatusConfirmed)
	mustSetStatus(t, db, future, claimtrack.StatusRefuted)
	mustSetStatus(t, db, later, claimtrack.StatusPartlyTrue)
	verdicts := tick()
	then := sourceRecord(t, db, "Spokesman")
	tick()
	c, err := db.FindClaimByID(ctx, later)
	require.NoError(t, err)
	in := c.Input()
	in.Kind, in.DueDate = claimtrack.KindStatement, ""
	_, err = db.UpdateClaim(ctx, later, c.Version, in, "tester")
	require.NoError(t, err)
	now := sourceRecord(t, db, "Spokesman")
	require.NotEqual(t, then.Statements.Credit, now.Statements.Credit, "the kind change moved credit")

	var id int64
	require.NoError(t, rawDB(t, db).QueryRow(`SELECT id FROM sources WHERE name = 'Spokesman'`).Scan(&id))
	resolved := func(k claimtrack.KindRecord) claimtrack.KindRecord {
		k.Credit.Open, k.Claims = 0, 0 // as of a moment, the resolved counts only
		k.Score = claimtrack.ScoreOf(k.Credit)
		return k
	}
	for _, tc := range []struct {
		name  string
		until time.Time
		want  claimtrack.SourceRecord
	}{
		{"before", before, claimtrack.SourceRecord{}},
		{"verdicts", verdicts, then},
		{"now", tick(), now},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.FindSourceRecordAsOf(ctx, id, tc.until)
			require.NoError(t, err)
			assert.Equal(t, resolved(tc.want.Statements), got.Statements)
			assert.Equal(t, resolved(tc.want.Forecasts), got.Forecasts)
			whole, err := db.FindRecordsAsOf(ctx, []int64{id}, tc.until)
			require.NoError(t, err)
			assert.Equal(t, whole[id].Credit, got.Credit, "the whole record as FindRecordsAsOf gives it")
			assert.Equal(t, whole[id].Changes, got.Changes)
		})
	}
}
