package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A status change that keeps the status and revises the note is recorded as
// a revision; one that repeats the status and the note records nothing.
func TestDB_SetClaimStatus_NoteRevision(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := mustCreateClaim(t, db, "Trump will attend the Victory Day parade.")
	set := func(version int64, s claimtrack.Status, note string) *claimtrack.Claim {
		t.Helper()
		got, err := db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: s, Note: note, Version: version}, "local")
		require.NoError(t, err)
		return got
	}
	set(1, claimtrack.StatusRefuted, "He stayed in Washington.")
	got := set(2, claimtrack.StatusRefuted, "He stayed in Washington, the White House said.")
	assert.Equal(t, int64(3), got.Version)
	events, err := db.FindClaimEvents(ctx, c.ID)
	require.NoError(t, err)
	require.Len(t, events, 3)
	v, ok := events[0].Payload.(claimtrack.StatusChanged)
	require.True(t, ok)
	assert.True(t, v.NoteRevised())
	assert.Equal(t, "He stayed in Washington.", v.FromNote)
	assert.Equal(t, claimtrack.LabelNoteRevised, events[0].Label())
	assert.Equal(t, "Status changed", events[1].Label())

	got = set(3, claimtrack.StatusRefuted, " He stayed in Washington, the White House said. ")
	assert.Equal(t, int64(3), got.Version, "the same status and note change nothing")
	assert.Equal(t, 3, count(t, rawDB(t, db), "SELECT count(*) FROM events"), "and record nothing")
}

// FindVerdict names the change that set the status in force and the latest
// revision of its note since; FindVerdictUntil does the same as of a moment.
func TestDB_FindVerdict(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := mustCreateClaim(t, db, "Trump will attend the Victory Day parade.")
	v, err := db.FindVerdict(ctx, c.ID)
	require.NoError(t, err)
	assert.Nil(t, v.Set, "a new claim has no verdict")
	assert.Nil(t, v.Revised)

	at := func(day int) time.Time { return time.Date(2025, 5, day, 12, 0, 0, 0, time.UTC) }
	steps := []struct {
		day    int
		status claimtrack.Status
		note   string
		actor  string
	}{
		{1, claimtrack.StatusDisputed, "Sources conflict.", "ann"},
		{2, claimtrack.StatusRefuted, "He stayed home.", "bob"},
		{3, claimtrack.StatusRefuted, "He stayed in Washington.", "cat"},
		{4, claimtrack.StatusRefuted, "He stayed in Washington, the White House said.", "dan"},
	}
	for i, s := range steps {
		db.Now = func() time.Time { return at(s.day) }
		_, err := db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: s.status, Note: s.note, Version: int64(i + 1)}, s.actor)
		require.NoError(t, err)
	}

	v, err = db.FindVerdict(ctx, c.ID)
	require.NoError(t, err)
	require.NotNil(t, v.Set)
	require.NotNil(t, v.Revised)
	assert.Equal(t, "bob", v.Set.Actor)
	assert.Equal(t, at(2), v.Set.At)
	assert.Equal(t, "dan", v.Revised.Actor)

	for day, want := range map[int][2]string{1: {"ann", ""}, 2: {"bob", ""}, 3: {"bob", "cat"}, 4: {"bob", "dan"}} {
		v, err := db.FindVerdictUntil(ctx, c.ID, at(day))
		require.NoError(t, err)
		require.NotNil(t, v.Set, "day %d", day)
		assert.Equal(t, want[0], v.Set.Actor, "day %d", day)
		if want[1] == "" {
			assert.Nil(t, v.Revised, "day %d", day)
		} else if assert.NotNil(t, v.Revised, "day %d", day) {
			assert.Equal(t, want[1], v.Revised.Actor, "day %d", day)
		}
	}
	v, err = db.FindVerdictUntil(ctx, c.ID, at(1).Add(-time.Hour))
	require.NoError(t, err)
	assert.Nil(t, v.Set, "before the first status change")

	// A status change that moves the status again starts a new verdict.
	db.Now = func() time.Time { return at(5) }
	_, err = db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: claimtrack.StatusConfirmed, Note: "He went after all.", Version: 5}, "eve")
	require.NoError(t, err)
	v, err = db.FindVerdict(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, "eve", v.Set.Actor)
	assert.Nil(t, v.Revised)
}
