package sqlite_test

import (
	"context"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// similarClaimsDB holds a few claims on a city's affairs, ids 1 to 7 in the
// order of texts.
func similarClaimsDB(t *testing.T, texts ...string) *sqlite.DB {
	t.Helper()
	db := MustOpenDB(t)
	for _, text := range texts {
		_, err := db.CreateClaim(context.Background(), claimtrack.ClaimInput{Text: text, Kind: claimtrack.KindStatement}, "local")
		require.NoError(t, err)
	}
	return db
}

var cityClaims = []string{
	"The city council approved a budget of 40 million euros for the new tram line.",
	"The mayor said the tram line will open before the summer elections.",
	"Water prices in the region rose by twelve percent last year.",
	"The harbour authority plans to dredge the northern channel next spring.",
	"The council rejected the proposal to close the central library.",
	"Tram tickets will cost more from January.",
	"Tram line delays.",
}

// similarIDs returns the ids FindSimilarClaims lists for text, checking
// that each claim is whole and its score in (0, 1].
func similarIDs(t *testing.T, db *sqlite.DB, text string, limit int) []int64 {
	t.Helper()
	got, err := db.FindSimilarClaims(context.Background(), text, limit)
	require.NoError(t, err)
	var ids []int64
	for _, s := range got {
		require.NotNil(t, s.Claim)
		assert.NotEmpty(t, s.Claim.Text)
		assert.NotEmpty(t, s.Claim.Status)
		assert.NotEmpty(t, s.Claim.Kind)
		assert.Greater(t, s.Score, 0.0)
		assert.LessOrEqual(t, s.Score, 1.0)
		ids = append(ids, s.Claim.ID)
	}
	return ids
}

// Reworded claims, in other case and punctuation, are found; claims that
// share a word or two with the text, or nothing, are not.
func TestFindSimilarClaims(t *testing.T) {
	t.Parallel()
	db := similarClaimsDB(t, cityClaims...)
	for text, want := range map[string][]int64{
		"City Council approves €40 million budget for new tram line!":                    {1},
		"WATER PRICES IN THE REGION ROSE BY 12% LAST YEAR":                               {3},
		"Next spring, the harbour authority intends to dredge the channel in the north.": {4},
		"The mayor promised to open the tram line before the elections":                  {2},
		"the council has rejected a proposal to close the central library":               {5},
		"tram line delays":                                     {7},
		"Tram tickets will cost more from January.":            {6},
		"The council will vote on parking fees in March.":      nil,
		"Tram drivers went on strike on Monday.":               nil,
		"Water was found on the moon, the agency said.":        nil,
		"The library opens on Sundays from next year onwards.": nil,
		"It is what it is, and they will do it.":               nil,
		"":                                                     nil,
	} {
		assert.Equal(t, want, similarIDs(t, db, text, 5), text)
	}
}

// The closest come first; limit bounds the list; the same call gives the
// same list.
func TestFindSimilarClaims_Order(t *testing.T) {
	t.Parallel()
	db := similarClaimsDB(t, cityClaims...)
	// Closest to claim 7 (two words of three), then to claim 2.
	text := "The tram line delays will open before the elections."
	got, err := db.FindSimilarClaims(context.Background(), text, 5)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, int64(7), got[0].Claim.ID)
	assert.Equal(t, int64(2), got[1].Claim.ID)
	assert.Greater(t, got[0].Score, got[1].Score)
	again, err := db.FindSimilarClaims(context.Background(), text, 5)
	require.NoError(t, err)
	assert.Equal(t, got, again)
	assert.Equal(t, []int64{7}, similarIDs(t, db, text, 1))
	assert.Empty(t, similarIDs(t, db, text, 0))

	exact, err := db.FindSimilarClaims(context.Background(), cityClaims[5], 5)
	require.NoError(t, err)
	require.Len(t, exact, 1)
	assert.Equal(t, 1.0, exact[0].Score, "the same text")
}

// A word more claims hold than the rank limit is not looked up: a text of
// such words alone finds nothing, though its words are those of a claim.
// Its other words still find the claims holding them.
func TestFindSimilarClaims_CommonWordsNotLookedUp(t *testing.T) {
	t.Parallel()
	db := similarClaimsDB(t, cityClaims...)
	assert.Equal(t, []int64{7}, similarIDs(t, db, "The tram line delays", 5))
	assert.Equal(t, []int64{7}, similarIDs(t, db, "The tram line.", 5), "two words of three")
	db.SetRankLimit(2) // "tram" is in 4 claims, "line" in 3
	assert.Empty(t, similarIDs(t, db, "The tram line.", 5))
	assert.Equal(t, []int64{7}, similarIDs(t, db, "The tram line delays", 5), "found through delays")
}

// Any text gives an answer: letters of any script, lone accents, symbols
// and what looks like FTS5 syntax are words or nothing, never an error.
func TestFindSimilarClaims_AnyText(t *testing.T) {
	t.Parallel()
	db := similarClaimsDB(t, append(cityClaims, "Der Stadtrat genehmigte das Budget für die Straßenbahn.")...)
	for _, text := range []string{
		"\u0301\u0301\u0301 \u0301tram\u0301 line",
		"東京都の予算 ٣٤٥ 𝔱𝔯𝔞𝔪",
		`tram" OR "line* NEAR(text : "x") AND NOT ^budget {text}:`,
		"\x00\x01\xff\xfe tram line delays",
		"der stadtrat genehmigte das budget fur die strassenbahn",
	} {
		_, err := db.FindSimilarClaims(context.Background(), text, 5)
		require.NoError(t, err, "%q", text)
	}
	assert.Equal(t, []int64{8}, similarIDs(t, db, "Der Stadtrat genehmigte das Budget für die Straßenbahn!", 5))
}
