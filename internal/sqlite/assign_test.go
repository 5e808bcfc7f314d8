package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A claim is assigned to one editor or to nobody; the change is recorded
// with the claim's next version, and the claims list finds it by its
// assignee. Viewers,
// disabled accounts and unknown names cannot be assigned.
func TestAssignClaim(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	for _, u := range []struct {
		name string
		role claimtrack.Role
	}{{"Ana", claimtrack.RoleEditor}, {"vic", claimtrack.RoleViewer}, {"old", claimtrack.RoleEditor}} {
		_, err := db.CreateUser(ctx, claimtrack.NewUser{Username: u.name, Role: u.role, Password: "a long enough password"}, "x", "admin", false)
		require.NoError(t, err)
	}
	old, _, err := db.FindUserByUsername(ctx, "old")
	require.NoError(t, err)
	require.NoError(t, db.SetDisabled(ctx, old.ID, true, "admin"))
	c := mustCreateClaim(t, db, "The parade will be shorter this year.")
	other := mustCreateClaim(t, db, "The parade will be longer this year.")

	got, err := db.AssignClaim(ctx, c.ID, "ana", "chief")
	require.NoError(t, err)
	assert.Equal(t, "Ana", got.Assignee, "the account's own spelling")
	assert.Equal(t, c.Version+1, got.Version, "a change of the claim")
	events, err := db.FindClaimEvents(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, claimtrack.EventClaimAssigned, events[0].Type)
	assert.Equal(t, claimtrack.ClaimAssigned{From: "", To: "Ana"}, events[0].Payload)
	assert.Equal(t, "chief", events[0].Actor)

	n := count(t, raw, `SELECT count(*) FROM events`)
	_, err = db.AssignClaim(ctx, c.ID, "ANA", "chief")
	require.NoError(t, err)
	assert.Equal(t, n, count(t, raw, `SELECT count(*) FROM events`), "the same assignee again is no change")

	for name, msg := range map[string]string{"vic": "viewer", "old": "disabled", "nobody": "no account"} {
		_, err := db.AssignClaim(ctx, other.ID, name, "chief")
		require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err), name)
		assert.Contains(t, claimtrack.FieldErrors(err)["assignee"], msg)
	}
	_, err = db.AssignClaim(ctx, 999, "ana", "chief")
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))

	page, err := db.FindClaims(ctx, claimtrack.ClaimFilter{Assignee: "Ana"})
	require.NoError(t, err)
	require.Len(t, page.Claims, 1)
	assert.Equal(t, c.ID, page.Claims[0].ID)
	assert.Equal(t, "Ana", page.Claims[0].Assignee)
	assert.Equal(t, 1, page.Total)

	got, err = db.AssignClaim(ctx, c.ID, "", "chief")
	require.NoError(t, err)
	assert.Empty(t, got.Assignee)
	page, err = db.FindClaims(ctx, claimtrack.ClaimFilter{Assignee: "Ana"})
	require.NoError(t, err)
	assert.Empty(t, page.Claims)

	// The claim as it stood while assigned shows its assignee.
	events, err = db.FindClaimEvents(ctx, c.ID)
	require.NoError(t, err)
	var oldest []*claimtrack.Event
	for i := len(events) - 1; i >= 0; i-- {
		oldest = append(oldest, events[i])
	}
	assert.Equal(t, "Ana", claimtrack.ReplayClaim(c.ID, oldest[:2]).Claim.Assignee)
	assert.Empty(t, claimtrack.ReplayClaim(c.ID, oldest).Claim.Assignee)
}

// Open forecasts past their due date are overdue, those due within a week
// are due soon; statements, forecasts with a verdict and forecasts without a
// date are neither.
func TestFindClaims_Due(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	today := fixedNow.UTC().Format(time.DateOnly)
	forecast := func(text, due string) int64 {
		c, err := db.CreateClaim(ctx, claimtrack.ClaimInput{Text: text, Kind: claimtrack.KindForecast, DueDate: due}, "tester")
		require.NoError(t, err)
		return c.ID
	}
	late := forecast("The bridge will reopen by spring.", claimtrack.AddDays(today, -1))
	disputed := forecast("The talks will resume in March.", claimtrack.AddDays(today, -30))
	mustSetStatus(t, db, disputed, claimtrack.StatusDisputed)
	refuted := forecast("Taxes will fall next year.", claimtrack.AddDays(today, -2))
	mustSetStatus(t, db, refuted, claimtrack.StatusRefuted)
	now := forecast("The ministry will answer today.", today)
	week := forecast("The report will be published within a week.", claimtrack.AddDays(today, 7))
	forecast("The election will be held next year.", claimtrack.AddDays(today, 8))
	forecast("Prices will rise at some point.", "")
	mustCreateClaim(t, db, "The talks took place yesterday.")

	ids := func(due claimtrack.DueState) []int64 {
		page, err := db.FindClaims(ctx, claimtrack.ClaimFilter{Due: due})
		require.NoError(t, err)
		var out []int64
		for _, c := range page.Claims {
			out = append(out, c.ID)
			assert.Equal(t, due, c.Due(today), "claim %d", c.ID)
		}
		return out
	}
	assert.ElementsMatch(t, []int64{late, disputed}, ids(claimtrack.DueOverdue))
	assert.ElementsMatch(t, []int64{now, week}, ids(claimtrack.DueSoon))
	page, err := db.FindClaims(ctx, claimtrack.ClaimFilter{Due: claimtrack.DueOverdue, Status: claimtrack.StatusDisputed})
	require.NoError(t, err)
	require.Len(t, page.Claims, 1)
	assert.Equal(t, disputed, page.Claims[0].ID)
	assert.Equal(t, 1, page.StatusCounts[claimtrack.StatusUnverified], "the counts follow the due filter")
}
