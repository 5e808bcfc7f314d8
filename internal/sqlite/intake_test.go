package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/intake"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Both the live database and a read-only one find the claims close to a
// text: those holding at least half of its words, best first.
func TestSimilarClaims(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	near, err := db.CreateClaim(ctx, claimtrack.ClaimInput{Text: "The Kessock ferry terminal will reopen on 2 June after repairs.", Kind: claimtrack.KindForecast}, "test")
	require.NoError(t, err)
	closer, err := db.CreateClaim(ctx, claimtrack.ClaimInput{Text: "The Kessock ferry terminal reopens in June.", Kind: claimtrack.KindStatement}, "test")
	require.NoError(t, err)
	_, err = db.CreateClaim(ctx, claimtrack.ClaimInput{Text: "Bread prices in Dunmore rose by a tenth last year.", Kind: claimtrack.KindStatement}, "test")
	require.NoError(t, err)
	_, err = db.CreateSource(ctx, claimtrack.SourceInput{Name: "Kessock Harbour Trust", Kind: claimtrack.SourceOrganisation}, "test")
	require.NoError(t, err)

	text := "The Kessock ferry terminal will reopen in June."
	got, err := db.SimilarClaims(ctx, text, 5)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, closer.ID, got[0].ClaimID)
	assert.Equal(t, near.ID, got[1].ClaimID)
	assert.GreaterOrEqual(t, got[0].Score, got[1].Score)
	assert.GreaterOrEqual(t, got[1].Score, 0.5)

	none, err := db.SimilarClaims(ctx, "the of and", 5)
	require.NoError(t, err)
	assert.Empty(t, none)
	one, err := db.SimilarClaims(ctx, text, 1)
	require.NoError(t, err)
	assert.Len(t, one, 1)

	require.NoError(t, db.Checkpoint(ctx))
	ro, err := sqlite.OpenReadOnly(ctx, db.Path())
	require.NoError(t, err)
	defer ro.Close()
	same, err := ro.SimilarClaims(ctx, text, 5)
	require.NoError(t, err)
	assert.Equal(t, got, same)
	srcs, err := ro.IntakeSources(ctx)
	require.NoError(t, err)
	assert.Contains(t, srcs, intake.KnownSource{ID: srcs[0].ID, Name: "Kessock Harbour Trust", Kind: "organisation", Aliases: []string{}})

	// A missing file is an error, not a new database.
	missing := filepath.Join(t.TempDir(), "missing.db")
	_, err = sqlite.OpenReadOnly(ctx, missing)
	assert.Error(t, err)
	assert.NoFileExists(t, missing)
}
