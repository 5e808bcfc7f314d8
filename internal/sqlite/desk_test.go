package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/gen"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The desk lists what needs checking now, each section in its order: open
// forecasts overdue (longest first) and due soon (soonest first), unverified
// claims (oldest first), claims with a verdict and new evidence since (the
// longest waiting first), the open claims assigned to the person, and the
// changes to what they follow since they last opened it.
func TestFindDesk(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	today := fixedNow.UTC().Format(time.DateOnly)
	u, err := db.CreateUser(ctx, claimtrack.NewUser{Username: "ana", Role: claimtrack.RoleEditor, Password: "a long enough password"}, "x", "admin", false)
	require.NoError(t, err)
	forecast := func(text string, days int) int64 {
		c, err := db.CreateClaim(ctx, claimtrack.ClaimInput{Text: text, Kind: claimtrack.KindForecast,
			DueDate: claimtrack.AddDays(today, days)}, "tester")
		require.NoError(t, err)
		return c.ID
	}
	late := forecast("The bridge will reopen by spring.", -1)
	later := forecast("The talks will resume in March.", -30)
	soon := forecast("The report will be published this week.", 3)
	sooner := forecast("The ministry will answer tomorrow.", 1)
	checked := mustCreateClaim(t, db, "The talks took place in Riyadh.").ID
	mustLink(t, db, checked, "Wire", claimtrack.StanceAsserts, 0)
	mustSetStatus(t, db, checked, claimtrack.StatusConfirmed)
	mustSetStatus(t, db, later, claimtrack.StatusDisputed)

	d, err := db.FindDesk(ctx, u.ID, "ana")
	require.NoError(t, err)
	assert.Equal(t, today, d.Today)
	assert.Equal(t, []int64{later, late}, claimIDs(d.Overdue.Claims), "the longest overdue first; disputed is still open")
	assert.Equal(t, 2, d.Overdue.Total)
	assert.Equal(t, []int64{sooner, soon}, claimIDs(d.DueSoon.Claims))
	assert.Equal(t, []int64{late, soon, sooner}, claimIDs(d.Unverified.Claims), "the oldest first")
	assert.Empty(t, d.ReReview.Claims)
	assert.Empty(t, d.Assigned.Claims)
	assert.True(t, d.Since.IsZero())
	assert.Empty(t, d.Followed)

	// New evidence on a claim with a verdict puts it up for re-review, until
	// the next verdict.
	mustLink(t, db, checked, "Agency", claimtrack.StanceDisputes, 0)
	_, err = db.AssignClaim(ctx, late, "ana", "chief")
	require.NoError(t, err)
	_, err = db.AssignClaim(ctx, checked, "ana", "chief")
	require.NoError(t, err)
	require.NoError(t, db.Follow(ctx, u.ID, claimtrack.FollowTarget{Kind: claimtrack.FollowClaim, ID: soon}))
	require.NoError(t, db.SetDeskSeenAt(ctx, u.ID, fixedNow))
	db.Now = func() time.Time { return fixedNow.Add(time.Minute) }
	mustSetStatus(t, db, soon, claimtrack.StatusConfirmed)

	d, err = db.FindDesk(ctx, u.ID, "ana")
	require.NoError(t, err)
	assert.Equal(t, []int64{checked}, claimIDs(d.ReReview.Claims))
	assert.Equal(t, []int64{late, checked}, claimIDs(d.Assigned.Claims), "open or up for re-review, oldest first")
	assert.Equal(t, 2+2, d.Attention(), "the header counts the overdue forecasts and the claims assigned")
	require.Len(t, d.Followed, 1)
	assert.Equal(t, claimtrack.EventStatusChanged, d.Followed[0].Type)
	assert.Equal(t, 1, d.FollowedN)

	mustSetStatus(t, db, checked, claimtrack.StatusPartlyTrue)
	d, err = db.FindDesk(ctx, u.ID, "ana")
	require.NoError(t, err)
	assert.Empty(t, d.ReReview.Claims, "the new verdict is the review")
	assert.Equal(t, []int64{late}, claimIDs(d.Assigned.Claims))

	// The replay of the history finds the same claims waiting for a review.
	mustLink(t, db, checked, "Wire", claimtrack.StanceSupports, 0)
	d, err = db.FindDesk(ctx, u.ID, "ana")
	require.NoError(t, err)
	waiting := claimIDs(d.ReReview.Claims)
	require.NoError(t, db.RebuildReliability(ctx))
	d, err = db.FindDesk(ctx, u.ID, "ana")
	require.NoError(t, err)
	assert.Equal(t, waiting, claimIDs(d.ReReview.Claims))
	assert.Equal(t, []int64{checked}, waiting)
}

// On many claims every section of the desk is read along an index: its
// rows and its capped count cost what they show, not the table.
func TestFindDesk_Bounded(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	_, err := gen.Generate(ctx, db, gen.Options{Claims: 3000, Seed: 4})
	require.NoError(t, err)
	u, err := db.CreateUser(ctx, claimtrack.NewUser{Username: "ana", Role: claimtrack.RoleEditor, Password: "a long enough password"}, "x", "admin", false)
	require.NoError(t, err)
	d, err := db.FindDesk(ctx, u.ID, "ana")
	require.NoError(t, err)
	assert.LessOrEqual(t, len(d.Unverified.Claims), claimtrack.DeskRows)
	assert.Positive(t, d.Unverified.Total)
	raw := rawDB(t, db)
	today := "2026-01-01"
	queries := sqlite.DeskQueries(today, "ana")
	require.Len(t, queries, 5)
	for name, q := range queries {
		for _, stmt := range []string{q.List, q.Count} {
			plan := queryRows(t, raw, `EXPLAIN QUERY PLAN `+stmt, append(q.Args, 25)...)
			var steps string
			for _, row := range plan {
				steps += row[3] + "; "
			}
			assert.Regexp(t, `USING (COVERING )?INDEX`, steps, "%s: %s", name, steps)
			assert.NotContains(t, steps, "SCAN c;", "%s reads the whole table: %s", name, steps)
			if stmt == q.List {
				assert.NotContains(t, steps, "TEMP B-TREE", "%s sorts its rows: %s", name, steps)
			}
		}
	}
}

func claimIDs(cs []*claimtrack.Claim) []int64 {
	var out []int64
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}
