package sqlite_test

import (
	"context"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/seeds"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	empty, err := db.IsEmpty(ctx)
	require.NoError(t, err)
	require.True(t, empty)

	results, err := seeds.Load(ctx, db)
	require.NoError(t, err)
	require.Len(t, results, 1)
	require.True(t, results[0].Created)
	raw := rawDB(t, db)
	counts := func() [5]int {
		return [5]int{
			count(t, raw, "SELECT count(*) FROM claims"), count(t, raw, "SELECT count(*) FROM sources"),
			count(t, raw, "SELECT count(*) FROM evidence"), count(t, raw, "SELECT count(*) FROM events"),
			count(t, raw, "SELECT count(*) FROM reports"),
		}
	}
	first := counts()

	// The eight claims of the design notes, in order, all unverified, all from the report.
	want := []string{"Moscow", "meeting with Vladimir Putin", "not been finalized", "ending the war in Ukraine",
		"very constructive", "withdraw NATO", "technology", "Mike Waltz"}
	for i, fragment := range want {
		c, err := db.FindClaimByID(ctx, int64(i+1))
		require.NoError(t, err)
		assert.Contains(t, c.Text, fragment)
		assert.Equal(t, claimtrack.StatusUnverified, c.Status)
		assert.Equal(t, results[0].Report.ID, c.ReportID)
	}
	assert.Equal(t, 8, first[0])
	assert.Zero(t, count(t, raw, "SELECT count(*) FROM events WHERE actor <> 'seed'"), "the seed is recorded as actor seed")
	assert.Equal(t, first[1]+first[2]+first[0]+1, first[3], "one event per claim, source, link and the report")

	// Claim 1 is asserted by Le Point via its unnamed sources.
	links, err := db.FindClaimEvidence(ctx, 1)
	require.NoError(t, err)
	require.NotEmpty(t, links)
	assert.Equal(t, "Le Point", links[0].Source.Name)
	require.NotNil(t, links[0].Via)
	assert.Equal(t, "Unnamed sources cited by Le Point", links[0].Via.Name)

	// Loading again changes nothing.
	results, err = seeds.Load(ctx, db)
	require.NoError(t, err)
	assert.False(t, results[0].Created)
	assert.Equal(t, first, counts())
	require.NoError(t, db.IntegrityCheck(ctx))
}

func TestDB_ImportReport_AllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	imp := claimtrack.ReportImport{
		Report:  claimtrack.Report{Key: "k", Title: "A report"},
		Sources: []claimtrack.SourceInput{{Name: "Known", Kind: "person"}},
		Claims: []claimtrack.ClaimImport{
			{Claim: claimtrack.ClaimInput{Text: "The first claim is fine.", Kind: "statement"},
				Evidence: []claimtrack.EvidenceImport{{Source: "Known", Stance: "asserts"}}},
			{Claim: claimtrack.ClaimInput{Text: "The second names a source nobody listed.", Kind: "statement"},
				Evidence: []claimtrack.EvidenceImport{{Source: "Unlisted", Stance: "asserts"}}},
		},
	}
	_, _, err := db.ImportReport(ctx, imp, "seed")
	require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
	empty, err := db.IsEmpty(ctx)
	require.NoError(t, err)
	assert.True(t, empty, "a failed import leaves nothing behind")
}
