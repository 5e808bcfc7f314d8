package sqlite_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
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

// mustEditEvidence edits a link from the claim's current version.
func mustEditEvidence(tb testing.TB, db *sqlite.DB, claimID, evidenceID int64, in claimtrack.EvidenceInput) *claimtrack.Evidence {
	tb.Helper()
	c, err := db.FindClaimByID(context.Background(), claimID)
	require.NoError(tb, err)
	in.Version = c.Version
	e, err := db.EditEvidence(context.Background(), claimID, evidenceID, in, "tester")
	require.NoError(tb, err)
	return e
}

// An editor corrects a link: the row keeps its id, the claim its next
// version, the history one event with the fields that changed; stale,
// unknown and invalid edits write nothing, and an edit that changes nothing
// records nothing.
func TestDB_EditEvidence(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	c := mustCreateClaim(t, db, "Trump will attend the Victory Day parade.")
	other := mustCreateClaim(t, db, "The parade will be shorter this year.")
	anon, err := db.CreateSource(ctx, claimtrack.SourceInput{Name: "Unnamed sources", Kind: claimtrack.SourceAnonymous}, "local")
	require.NoError(t, err)
	e, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Le Point", SourceKind: claimtrack.SourceOutlet,
		Stance: claimtrack.StanceAsserts, Quote: "Trump will be in Moscow on May 9", URL: "https://www.lepoint.fr/x",
		PublishedAt: "2025-02-20", ViaSourceID: anon.ID, Note: "Front page."}, "local")
	require.NoError(t, err)
	otherLink, err := db.AddEvidence(ctx, other.ID, claimtrack.EvidenceInput{SourceName: "Le Point", Stance: claimtrack.StanceReports}, "local")
	require.NoError(t, err)
	cur, err := db.FindClaimByID(ctx, c.ID)
	require.NoError(t, err)
	same := claimtrack.EvidenceInput{SourceName: "le point", Stance: claimtrack.StanceAsserts, Quote: "Trump will be in Moscow on May 9",
		URL: "https://www.lepoint.fr/x", PublishedAt: "2025-02-20", ViaSourceID: anon.ID, Note: "Front page.", Version: cur.Version}
	snapshot := func() [4]int {
		return [4]int{count(t, raw, `SELECT count(*) FROM events`), count(t, raw, `SELECT count(*) FROM sources`),
			count(t, raw, `SELECT sum(version) FROM claims`), count(t, raw, `SELECT count(*) FROM source_score_history`)}
	}
	before := snapshot()

	t.Run("Refused", func(t *testing.T) {
		in := same
		in.Quote, in.Version = "Another quote.", cur.Version-1
		_, err := db.EditEvidence(ctx, c.ID, e.ID, in, "tester")
		assert.Equal(t, claimtrack.ECONFLICT, claimtrack.ErrorCode(err))
		in.Version = 0
		_, err = db.EditEvidence(ctx, c.ID, e.ID, in, "tester")
		assert.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
		assert.Contains(t, claimtrack.FieldErrors(err), "version")
		in.Version = cur.Version
		_, err = db.EditEvidence(ctx, c.ID, 999, in, "tester")
		assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))
		_, err = db.EditEvidence(ctx, c.ID, otherLink.ID, in, "tester")
		assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err), "a link of another claim")
		_, err = db.EditEvidence(ctx, 999, e.ID, in, "tester")
		assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))

		bad := in
		bad.SourceName, bad.Stance, bad.URL, bad.PublishedAt = "Brand New Outlet", "agrees", "javascript:alert(1)", "2025-13-01"
		_, err = db.EditEvidence(ctx, c.ID, e.ID, bad, "tester")
		require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
		fields := claimtrack.FieldErrors(err)
		for _, f := range []string{"source_kind", "stance", "url", "published_at"} {
			assert.Contains(t, fields, f)
		}
		bad = in
		bad.SourceName, bad.SourceID = "", anon.ID
		_, err = db.EditEvidence(ctx, c.ID, e.ID, bad, "tester")
		require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
		assert.Contains(t, claimtrack.FieldErrors(err), "via_source_id", "a source cannot relay itself")
		bad = in
		bad.SourceName, bad.SourceKind, bad.ViaSourceID = "Brand New Outlet", claimtrack.SourceOutlet, 777
		_, err = db.EditEvidence(ctx, c.ID, e.ID, bad, "tester")
		require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
		assert.Contains(t, claimtrack.FieldErrors(err), "via_source_id")
		assert.Equal(t, before, snapshot(), "nothing written, not even the new source")
	})

	t.Run("NothingChanged", func(t *testing.T) {
		got, err := db.EditEvidence(ctx, c.ID, e.ID, same, "tester")
		require.NoError(t, err)
		assert.Equal(t, e.ID, got.ID)
		assert.Equal(t, "Le Point", got.Source.Name)
		assert.Equal(t, before, snapshot(), "no event, no new version")
	})

	t.Run("QuoteAndNote", func(t *testing.T) {
		in := same
		in.Quote, in.Note = "Trump will be in Moscow on Victory Day", ""
		got := mustEditEvidence(t, db, c.ID, e.ID, in)
		assert.Equal(t, e.ID, got.ID)
		assert.Equal(t, e.CreatedAt, got.CreatedAt)
		now, err := db.FindClaimByID(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, cur.Version+1, now.Version)
		events, err := db.FindClaimEvents(ctx, c.ID)
		require.NoError(t, err)
		ev := events[0]
		assert.Equal(t, claimtrack.EventEvidenceEdited, ev.Type)
		assert.Equal(t, "tester", ev.Actor)
		assert.Equal(t, now.Version, ev.ClaimVersion)
		assert.Equal(t, e.ID, ev.EvidenceID)
		assert.Equal(t, e.SourceID, ev.SourceID)
		assert.Empty(t, ev.Note)
		// Only what changed, and the name of the source the edit kept.
		assert.Equal(t, map[string]string{"quote": "Trump will be in Moscow on May 9", "note": "Front page.", "source": "Le Point"}, ev.Before)
		assert.Equal(t, map[string]string{"quote": "Trump will be in Moscow on Victory Day", "note": "", "source": "Le Point"}, ev.After)
		edit := ev.Payload.(claimtrack.EvidenceEdited)
		assert.Equal(t, "Le Point", edit.Source)
		assert.Len(t, edit.Changes, 2)
		links, err := db.FindClaimEvidence(ctx, c.ID)
		require.NoError(t, err)
		require.Len(t, links, 1)
		assert.Equal(t, "Trump will be in Moscow on Victory Day", links[0].Quote)
		assert.Empty(t, links[0].Note)
		assert.Equal(t, anon.ID, links[0].ViaSourceID, "what was not changed stays")
		res, err := db.SearchClaims(ctx, claimtrack.ParseQuery(`"victory day" source:"le point"`), 0, 10)
		require.NoError(t, err)
		require.Len(t, res.Hits, 1, "the search row follows")
	})

	t.Run("SourceAndVia", func(t *testing.T) {
		in := same
		in.Quote, in.Note = "Trump will be in Moscow on Victory Day", ""
		in.SourceName, in.SourceKind, in.ViaSourceID = "Izvestia", claimtrack.SourceOutlet, 0
		got := mustEditEvidence(t, db, c.ID, e.ID, in)
		assert.Equal(t, "Izvestia", got.Source.Name)
		assert.Zero(t, got.ViaSourceID)
		assert.Nil(t, got.Via)
		events, err := db.FindClaimEvents(ctx, c.ID)
		require.NoError(t, err)
		ev := events[0]
		require.Equal(t, claimtrack.EventEvidenceEdited, ev.Type)
		assert.Equal(t, got.SourceID, ev.SourceID, "the event names the new source")
		leID, izID, anonID := strconv.FormatInt(e.SourceID, 10), strconv.FormatInt(got.SourceID, 10), strconv.FormatInt(anon.ID, 10)
		assert.Equal(t, map[string]string{"source": "Le Point", "source_id": leID, "via": "Unnamed sources", "via_source_id": anonID}, ev.Before)
		assert.Equal(t, map[string]string{"source": "Izvestia", "source_id": izID, "via": "", "via_source_id": ""}, ev.After)
		assert.Equal(t, 1, count(t, raw, `SELECT count(*) FROM events WHERE type = 'source_created' AND source_id = ? AND id < ?`,
			got.SourceID, ev.ID), "the new source, made in the same change")
		require.NoError(t, claimtrack.CheckEventValues(ev.Type, ev.Before, ev.After, ev.Note), "what an import would accept")

		// And back, by id, with the via again.
		in.SourceName, in.SourceKind, in.SourceID, in.ViaSourceID = "", "", e.SourceID, anon.ID
		got = mustEditEvidence(t, db, c.ID, e.ID, in)
		assert.Equal(t, "Le Point", got.Source.Name)
		require.NotNil(t, got.Via)
		assert.Equal(t, "Unnamed sources", got.Via.Name)
		res, err := db.SearchClaims(ctx, claimtrack.ParseQuery("source:izvestia"), 0, 10)
		require.NoError(t, err)
		assert.Empty(t, res.Hits)
	})
	require.NoError(t, db.IntegrityCheck(ctx))
}
