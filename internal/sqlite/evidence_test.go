package sqlite_test

import (
	"context"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDB_AddEvidence(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("NewSourceByName", func(t *testing.T) {
		db := MustOpenDB(t)
		c := mustCreateClaim(t, db, "Trump will attend the Victory Day parade.")
		e, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{
			SourceName: " Le  Point ", SourceKind: claimtrack.SourceOutlet, Stance: claimtrack.StanceAsserts,
			Quote: "Trump will be in Moscow", URL: "https://www.lepoint.fr/x", PublishedAt: "2025-02-20",
		}, "local")
		require.NoError(t, err)
		assert.Equal(t, "Le Point", e.Source.Name)

		// The same name in another case links to the same source.
		e2, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "le point", Stance: claimtrack.StanceReports}, "local")
		require.NoError(t, err)
		assert.Equal(t, e.SourceID, e2.SourceID)

		links, err := db.FindClaimEvidence(ctx, c.ID)
		require.NoError(t, err)
		require.Len(t, links, 2)
		assert.Equal(t, "Trump will be in Moscow", links[0].Quote)

		raw := rawDB(t, db)
		assert.Equal(t, 1, count(t, raw, "SELECT count(*) FROM sources"))
		// claim created, source created, evidence added twice
		assert.Equal(t, 4, count(t, raw, "SELECT count(*) FROM events"))
		assert.Equal(t, 1, count(t, raw, "SELECT count(*) FROM events WHERE type = 'source_created'"))

		got, err := db.FindClaimByID(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(3), got.Version, "each new link moves the claim to its next version")
	})
	t.Run("Via", func(t *testing.T) {
		db := MustOpenDB(t)
		c := mustCreateClaim(t, db, "Trump will attend the Victory Day parade.")
		anon, err := db.CreateSource(ctx, claimtrack.SourceInput{Name: "Unnamed sources", Kind: claimtrack.SourceAnonymous}, "local")
		require.NoError(t, err)
		_, err = db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Le Point", SourceKind: "outlet", Stance: "asserts", ViaSourceID: anon.ID}, "local")
		require.NoError(t, err)

		claims, err := db.FindSourceClaims(ctx, anon.ID, 10)
		require.NoError(t, err)
		require.Len(t, claims, 1)
		assert.True(t, claims[0].Relayed)
		assert.Equal(t, "Le Point", claims[0].Evidence.Source.Name)

		page, err := db.FindClaims(ctx, claimtrack.ClaimFilter{SourceID: anon.ID})
		require.NoError(t, err)
		assert.Equal(t, 1, page.Total, "the source filter includes claims the source was relayed on")
	})
	t.Run("ErrNewSourceNeedsKind", func(t *testing.T) {
		db := MustOpenDB(t)
		c := mustCreateClaim(t, db, "Trump will attend the Victory Day parade.")
		_, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Brand new", Stance: "asserts"}, "local")
		require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
		assert.Contains(t, claimtrack.FieldErrors(err), "source_kind")
		assert.Equal(t, 1, count(t, rawDB(t, db), "SELECT count(*) FROM events"))
	})
	t.Run("ErrAllProblemsAtOnce", func(t *testing.T) {
		db := MustOpenDB(t)
		c := mustCreateClaim(t, db, "Trump will attend the Victory Day parade.")
		_, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Brand new", Stance: "agrees", ViaSourceID: 12}, "local")
		require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
		fields := claimtrack.FieldErrors(err)
		assert.Contains(t, fields, "stance")
		assert.Contains(t, fields, "source_kind")
		assert.Contains(t, fields, "via_source_id")
		assert.Zero(t, count(t, rawDB(t, db), "SELECT count(*) FROM sources"))
	})
	t.Run("ErrUnknownSourceID", func(t *testing.T) {
		db := MustOpenDB(t)
		c := mustCreateClaim(t, db, "Trump will attend the Victory Day parade.")
		_, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceID: 77, Stance: "asserts"}, "local")
		require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
		assert.Contains(t, claimtrack.FieldErrors(err), "source_id")
		_, err = db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Someone", SourceKind: "person", Stance: "asserts", ViaSourceID: 77}, "local")
		require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
		raw := rawDB(t, db)
		assert.Zero(t, count(t, raw, "SELECT count(*) FROM sources"), "the new source is rolled back with the rejected link")
		assert.Equal(t, 1, count(t, raw, "SELECT count(*) FROM events"))
	})
}

func TestDB_CreateSource(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	s, err := db.CreateSource(ctx, claimtrack.SourceInput{Name: "Dmitry Peskov", Kind: "person", Role: "Kremlin spokesman"}, "local")
	require.NoError(t, err)
	_, err = db.CreateSource(ctx, claimtrack.SourceInput{Name: "DMITRY peskov", Kind: "person"}, "local")
	require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
	assert.Contains(t, claimtrack.FieldErrors(err)["name"], "already exists")

	list, total, err := db.FindSources(ctx, claimtrack.SourceFilter{})
	require.NoError(t, err)
	assert.Equal(t, 1, total)
	require.Len(t, list, 1)
	assert.Equal(t, s.ID, list[0].ID)
	assert.Zero(t, list[0].Record.Claims)

	found, err := db.SearchSources(ctx, claimtrack.ParseQuery("kremlin"), 10)
	require.NoError(t, err)
	require.Len(t, found, 1, "search matches the role too")
}

// Source search results are kept between searches, but never outlive a
// change to the sources, whoever makes it.
func TestSearchSources_KeptUntilSourcesChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	names := func(q string) []string {
		t.Helper()
		found, err := db.SearchSources(ctx, claimtrack.ParseQuery(q), 10)
		require.NoError(t, err)
		var out []string
		for _, s := range found {
			out = append(out, s.Name+" / "+s.Role)
		}
		return out
	}
	assert.Empty(t, names("kremlin"))
	s, err := db.CreateSource(ctx, claimtrack.SourceInput{Name: "Dmitry Peskov", Kind: "person", Role: "Kremlin spokesman"}, "local")
	require.NoError(t, err)
	assert.Equal(t, []string{"Dmitry Peskov / Kremlin spokesman"}, names("kremlin"), "a new source")
	// A caller changing what it got does not change what the next one gets.
	found, err := db.SearchSources(ctx, claimtrack.ParseQuery("kremlin"), 10)
	require.NoError(t, err)
	found[0].Name = "Changed by a caller"
	assert.Equal(t, []string{"Dmitry Peskov / Kremlin spokesman"}, names("kremlin"))

	_, err = db.UpdateSource(ctx, s.ID, claimtrack.SourceInput{Name: "Dmitry S. Peskov", Kind: "person", Role: "Kremlin press secretary"}, "local")
	require.NoError(t, err)
	assert.Equal(t, []string{"Dmitry S. Peskov / Kremlin press secretary"}, names("kremlin"), "an edited source")
	assert.Empty(t, names("spokesman"))

	// A change from another connection (another process) counts too.
	_, err = raw.ExecContext(ctx, `UPDATE sources SET role = 'Kremlin voice' WHERE id = ?`, s.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"Dmitry S. Peskov / Kremlin voice"}, names("kremlin"), "a change by another connection")
}
