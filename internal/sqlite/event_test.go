package sqlite_test

import (
	"context"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEvents_AppendOnly(t *testing.T) {
	t.Parallel()
	db := MustOpenDB(t)
	mustCreateClaim(t, db, "Trump will attend the Victory Day parade.")
	raw := rawDB(t, db)
	_, err := raw.Exec(`UPDATE events SET actor = 'someone else'`)
	require.ErrorContains(t, err, "append-only")
	_, err = raw.Exec(`DELETE FROM events`)
	require.ErrorContains(t, err, "append-only")
	assert.Equal(t, 1, count(t, raw, "SELECT count(*) FROM events WHERE actor = 'local'"))
}

// A change and its event commit together: when writing the event fails, the
// change is rolled back with it. The fault is injected by a trigger that makes
// every insert into events fail, i.e. after the change and before the event.
func TestChangeAndEventAreAtomic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	c := mustCreateClaim(t, db, "Trump will attend the Victory Day parade.")
	src, err := db.CreateSource(ctx, claimtrack.SourceInput{Name: "Le Point", Kind: "outlet"}, "local")
	require.NoError(t, err)

	raw := rawDB(t, db)
	_, err = raw.Exec(`CREATE TRIGGER inject_fault BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'injected fault'); END`)
	require.NoError(t, err)
	eventsBefore := count(t, raw, "SELECT count(*) FROM events")

	changes := map[string]func() error{
		"CreateClaim": func() error {
			_, err := db.CreateClaim(ctx, claimtrack.ClaimInput{Text: "A brand new claim to store.", Kind: "statement"}, "local")
			return err
		},
		"UpdateClaim": func() error {
			_, err := db.UpdateClaim(ctx, c.ID, 1, claimtrack.ClaimInput{Text: "Edited text that must not stick.", Kind: "statement"}, "local")
			return err
		},
		"SetClaimStatus": func() error {
			_, err := db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: "refuted", Note: "must not stick", Version: 1}, "local")
			return err
		},
		"AddEvidence": func() error {
			_, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceID: src.ID, Stance: "asserts"}, "local")
			return err
		},
		"AddEvidenceNewSource": func() error {
			_, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Financial Times", SourceKind: "outlet", Stance: "reports"}, "local")
			return err
		},
		"CreateSource": func() error {
			_, err := db.CreateSource(ctx, claimtrack.SourceInput{Name: "Marco Rubio", Kind: "person"}, "local")
			return err
		},
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			err := change()
			require.Error(t, err)
			assert.Equal(t, claimtrack.EINTERNAL, claimtrack.ErrorCode(err))
		})
	}

	assert.Equal(t, eventsBefore, count(t, raw, "SELECT count(*) FROM events"))
	assert.Equal(t, 1, count(t, raw, "SELECT count(*) FROM claims"))
	assert.Equal(t, 1, count(t, raw, "SELECT count(*) FROM sources"))
	assert.Zero(t, count(t, raw, "SELECT count(*) FROM evidence"))
	got, err := db.FindClaimByID(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, "Trump will attend the Victory Day parade.", got.Text)
	assert.Equal(t, claimtrack.StatusUnverified, got.Status)
	assert.Equal(t, int64(1), got.Version)

	// With the fault gone, the same change goes through.
	_, err = raw.Exec(`DROP TRIGGER inject_fault`)
	require.NoError(t, err)
	require.NoError(t, changes["SetClaimStatus"]())
}
