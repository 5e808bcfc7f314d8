package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A person follows claims and sources; the changes to them since a moment
// are theirs to see, newest first; unfollowing stops it. The private feed's
// token finds its owner until it is revoked or replaced.
func TestFollows(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	u, err := db.CreateUser(ctx, claimtrack.NewUser{Username: "ana", Role: claimtrack.RoleEditor, Password: "a long enough password"}, "x", "admin", false)
	require.NoError(t, err)
	c := mustCreateClaim(t, db, "The parade will be shorter this year.")
	other := mustCreateClaim(t, db, "The parade will be longer this year.")
	src, err := db.CreateSource(ctx, claimtrack.SourceInput{Name: "Izvestia", Kind: claimtrack.SourceOutlet}, "tester")
	require.NoError(t, err)

	claim := claimtrack.FollowTarget{Kind: claimtrack.FollowClaim, ID: c.ID}
	source := claimtrack.FollowTarget{Kind: claimtrack.FollowSource, ID: src.ID}
	require.NoError(t, db.Follow(ctx, u.ID, claim))
	require.NoError(t, db.Follow(ctx, u.ID, claim), "following again changes nothing")
	require.NoError(t, db.Follow(ctx, u.ID, source))
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(db.Follow(ctx, u.ID, claimtrack.FollowTarget{Kind: claimtrack.FollowClaim, ID: 999})))
	yes, err := db.IsFollowing(ctx, u.ID, claim)
	require.NoError(t, err)
	assert.True(t, yes)
	yes, err = db.IsFollowing(ctx, u.ID, claimtrack.FollowTarget{Kind: claimtrack.FollowClaim, ID: other.ID})
	require.NoError(t, err)
	assert.False(t, yes)

	seen, err := db.DeskSeenAt(ctx, u.ID)
	require.NoError(t, err)
	assert.True(t, seen.IsZero(), "never opened")
	require.NoError(t, db.SetDeskSeenAt(ctx, u.ID, fixedNow))
	later := fixedNow.Add(time.Hour)
	db.Now = func() time.Time { return later }
	mustSetStatus(t, db, c.ID, claimtrack.StatusRefuted)
	mustSetStatus(t, db, other.ID, claimtrack.StatusRefuted)
	mustLink(t, db, other.ID, "Izvestia", claimtrack.StanceAsserts, 0)

	changes, err := db.FindFollowedChanges(ctx, u.ID, fixedNow, 10)
	require.NoError(t, err)
	require.Len(t, changes, 2, "the followed claim's verdict, and the link naming the followed source")
	assert.Equal(t, claimtrack.EventEvidenceAdded, changes[0].Type)
	assert.Equal(t, other.Text, changes[0].ClaimText)
	assert.Equal(t, claimtrack.EventStatusChanged, changes[1].Type)
	assert.Equal(t, c.ID, changes[1].ClaimID)
	all, err := db.FindFollowedChanges(ctx, u.ID, time.Time{}, 10)
	require.NoError(t, err)
	assert.Greater(t, len(all), len(changes), "from the start, the claim's creation too")

	require.NoError(t, db.Unfollow(ctx, u.ID, source))
	changes, err = db.FindFollowedChanges(ctx, u.ID, fixedNow, 10)
	require.NoError(t, err)
	assert.Len(t, changes, 1)

	has, err := db.HasFeedToken(ctx, u.ID)
	require.NoError(t, err)
	assert.False(t, has)
	token, err := db.CreateFeedToken(ctx, u.ID)
	require.NoError(t, err)
	owner, err := db.FindUserByFeedToken(ctx, token)
	require.NoError(t, err)
	assert.Equal(t, u.ID, owner.ID)
	fresh, err := db.CreateFeedToken(ctx, u.ID)
	require.NoError(t, err)
	_, err = db.FindUserByFeedToken(ctx, token)
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err), "a new token replaces the old")
	require.NoError(t, db.RevokeFeedTokens(ctx, u.ID))
	_, err = db.FindUserByFeedToken(ctx, fresh)
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err), "revoked")
}
