package sqlite_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/dump"
	"github.com/claimtrack/claimtrack/internal/gen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDB_CreateClaim(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		c, err := db.CreateClaim(ctx, claimtrack.ClaimInput{
			Text: "  Trump will attend the Victory Day parade. ", Kind: claimtrack.KindForecast, DueDate: "2025-05-09",
			Tags: []string{"Victory Day", "trump", "victory-day"},
		}, "local")
		require.NoError(t, err)
		assert.Equal(t, int64(1), c.ID)
		assert.Equal(t, int64(1), c.Version)
		assert.Equal(t, claimtrack.StatusUnverified, c.Status)

		got, err := db.FindClaimByID(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, "Trump will attend the Victory Day parade.", got.Text)
		assert.Equal(t, []string{"victory-day", "trump"}, got.Tags)
		assert.Equal(t, "2025-05-09", got.DueDate)
		assert.Equal(t, fixedNow, got.CreatedAt)

		events, err := db.FindClaimEvents(ctx, c.ID)
		require.NoError(t, err)
		require.Len(t, events, 1)
		assert.Equal(t, claimtrack.EventClaimCreated, events[0].Type)
		assert.Equal(t, "local", events[0].Actor)
		assert.Equal(t, fixedNow, events[0].At)
		assert.Equal(t, got.Text, events[0].After["text"])
	})
	t.Run("ErrInvalidWritesNothing", func(t *testing.T) {
		db := MustOpenDB(t)
		_, err := db.CreateClaim(ctx, claimtrack.ClaimInput{Text: "short", Kind: "statement"}, "local")
		require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
		raw := rawDB(t, db)
		assert.Zero(t, count(t, raw, "SELECT count(*) FROM claims"))
		assert.Zero(t, count(t, raw, "SELECT count(*) FROM events"))
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		_, err := db.FindClaimByID(ctx, 99)
		assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))
	})
}

func TestDB_UpdateClaim(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		c := mustCreateClaim(t, db, "The talks in Riyadh were constructive.")
		got, err := db.UpdateClaim(ctx, c.ID, 1, claimtrack.ClaimInput{
			Text: "The talks in Riyadh were very constructive.", Kind: claimtrack.KindQuote, Tags: []string{"riyadh"},
		}, "local")
		require.NoError(t, err)
		assert.Equal(t, int64(2), got.Version)

		events, err := db.FindClaimEvents(ctx, c.ID)
		require.NoError(t, err)
		require.Len(t, events, 2)
		ev := events[0]
		assert.Equal(t, claimtrack.EventClaimEdited, ev.Type)
		assert.Equal(t, int64(2), ev.ClaimVersion)
		assert.Equal(t, "The talks in Riyadh were constructive.", ev.Before["text"])
		assert.Equal(t, "The talks in Riyadh were very constructive.", ev.After["text"])
		assert.Equal(t, "quote", ev.After["kind"])
		var fields []string
		for _, c := range ev.Payload.(claimtrack.ClaimEdited).Changes {
			fields = append(fields, c.Field)
		}
		assert.Equal(t, []string{"text", "kind", "tags"}, fields)
		_, hasContext := ev.After["context"]
		assert.False(t, hasContext, "unchanged fields are not recorded")
	})
	t.Run("NoChangeNoEvent", func(t *testing.T) {
		db := MustOpenDB(t)
		c := mustCreateClaim(t, db, "The talks in Riyadh were constructive.")
		got, err := db.UpdateClaim(ctx, c.ID, 1, c.Input(), "local")
		require.NoError(t, err)
		assert.Equal(t, int64(1), got.Version)
		assert.Equal(t, 1, count(t, rawDB(t, db), "SELECT count(*) FROM events"))
	})
	t.Run("ErrConflictWritesNothing", func(t *testing.T) {
		db := MustOpenDB(t)
		c := mustCreateClaim(t, db, "The talks in Riyadh were constructive.")
		in := c.Input()
		in.Text = "First editor's wording of the claim."
		_, err := db.UpdateClaim(ctx, c.ID, 1, in, "local")
		require.NoError(t, err)

		in.Text = "Second editor's wording, based on version one."
		current, err := db.UpdateClaim(ctx, c.ID, 1, in, "local")
		require.Equal(t, claimtrack.ECONFLICT, claimtrack.ErrorCode(err))
		require.NotNil(t, current, "a conflict returns the claim as it is now")
		assert.Equal(t, "First editor's wording of the claim.", current.Text)

		got, err := db.FindClaimByID(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, "First editor's wording of the claim.", got.Text)
		assert.Equal(t, int64(2), got.Version)
		assert.Equal(t, 2, count(t, rawDB(t, db), "SELECT count(*) FROM events"))

		since, err := db.FindClaimEventsSince(ctx, c.ID, 1)
		require.NoError(t, err)
		require.Len(t, since, 1)
		assert.Equal(t, claimtrack.EventClaimEdited, since[0].Type)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		_, err := db.UpdateClaim(ctx, 5, 1, claimtrack.ClaimInput{Text: "A perfectly valid claim.", Kind: "statement"}, "local")
		assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))
	})
}

func TestDB_SetClaimStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	c := mustCreateClaim(t, db, "Trump will attend the Victory Day parade.")

	got, err := db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: claimtrack.StatusRefuted, Note: " He did not travel to Moscow. ", Version: 1}, "local")
	require.NoError(t, err)
	assert.Equal(t, claimtrack.StatusRefuted, got.Status)
	assert.Equal(t, "He did not travel to Moscow.", got.VerdictNote)
	assert.Equal(t, int64(2), got.Version)

	events, err := db.FindClaimEvents(ctx, c.ID)
	require.NoError(t, err)
	require.Len(t, events, 2)
	assert.Equal(t, claimtrack.EventStatusChanged, events[0].Type)
	assert.Equal(t, "unverified", events[0].Before["status"])
	assert.Equal(t, "refuted", events[0].After["status"])
	assert.Equal(t, "He did not travel to Moscow.", events[0].Note)

	_, err = db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: claimtrack.StatusConfirmed, Note: "stale", Version: 1}, "local")
	require.Equal(t, claimtrack.ECONFLICT, claimtrack.ErrorCode(err))
	_, err = db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: "maybe", Note: "n", Version: 2}, "local")
	require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))

	now, err := db.FindClaimByID(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, claimtrack.StatusRefuted, now.Status)
	assert.Equal(t, 2, count(t, rawDB(t, db), "SELECT count(*) FROM events"))
}

func TestDB_FindClaims(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	for i := range 30 {
		c := mustCreateClaim(t, db, fmt.Sprintf("Claim %02d about the summit", i))
		if i%3 == 0 {
			_, err := db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: claimtrack.StatusConfirmed, Note: "ok", Version: 1}, "local")
			require.NoError(t, err)
		}
	}
	page, err := db.FindClaims(ctx, claimtrack.ClaimFilter{Limit: 25})
	require.NoError(t, err)
	assert.Equal(t, 30, page.Total)
	require.Len(t, page.Claims, 25)
	assert.Equal(t, int64(30), page.Claims[0].ID, "newest first")
	assert.Equal(t, 10, page.StatusCounts[claimtrack.StatusConfirmed])
	assert.Equal(t, 20, page.StatusCounts[claimtrack.StatusUnverified])

	page, err = db.FindClaims(ctx, claimtrack.ClaimFilter{Status: claimtrack.StatusConfirmed, Limit: 25})
	require.NoError(t, err)
	assert.Equal(t, 10, page.Total)
	assert.Len(t, page.Claims, 10)
	assert.Equal(t, 20, page.StatusCounts[claimtrack.StatusUnverified], "counts ignore the status filter")

	page, err = db.FindClaims(ctx, claimtrack.ClaimFilter{Limit: 25, Offset: 25})
	require.NoError(t, err)
	assert.Len(t, page.Claims, 5)

	page, err = db.FindClaims(ctx, claimtrack.ClaimFilter{Query: "summit 07", Limit: 25})
	require.NoError(t, err)
	require.Equal(t, 1, page.Total)
	assert.Equal(t, "Claim 07 about the summit", page.Claims[0].Text)
	page, err = db.FindClaims(ctx, claimtrack.ClaimFilter{Query: "100%_\\", Limit: 25})
	require.NoError(t, err)
	assert.Zero(t, page.Total, "LIKE wildcards in input are literal")
}

// The status counts the list shows come from a table the triggers keep:
// it agrees with a count of the claims after generating, creating,
// changing statuses and importing.
func TestStatusCounts_Kept(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	agree := func(when string) {
		t.Helper()
		want := queryRows(t, raw, `SELECT status, count(*) FROM claims GROUP BY status ORDER BY status`)
		got := queryRows(t, raw, `SELECT status, n FROM claim_status_counts WHERE n > 0 ORDER BY status`)
		require.Equal(t, want, got, "after %s", when)
		page, err := db.FindClaims(ctx, claimtrack.ClaimFilter{})
		require.NoError(t, err)
		total := 0
		for _, row := range want {
			n, _ := strconv.Atoi(row[1])
			total += n
			assert.Equal(t, n, page.StatusCounts[claimtrack.Status(row[0])], "%s after %s", row[0], when)
		}
		assert.Equal(t, total, page.Total)
		// And per tag, with the tag's page in the list's order.
		want = queryRows(t, raw, `SELECT t.tag, c.status, count(*) FROM claim_tags t JOIN claims c ON c.id = t.claim_id
			GROUP BY t.tag, c.status ORDER BY t.tag, c.status`)
		got = queryRows(t, raw, `SELECT tag, status, n FROM tag_status_counts WHERE n > 0 ORDER BY tag, status`)
		require.Equal(t, want, got, "tag counts after %s", when)
		tag := want[0][0]
		tagged, err := db.FindClaims(ctx, claimtrack.ClaimFilter{Tag: tag, Limit: 1000})
		require.NoError(t, err)
		var ids []string
		for _, c := range tagged.Claims {
			ids = append(ids, strconv.FormatInt(c.ID, 10))
		}
		var order []string
		for _, row := range queryRows(t, raw, `SELECT id FROM claims WHERE id IN (SELECT claim_id FROM claim_tags WHERE tag = ?)
			ORDER BY created_at DESC, id DESC`, tag) {
			order = append(order, row[0])
		}
		assert.Equal(t, order, ids, "the page of tag %s after %s", tag, when)
		// Each tag row carries its claim's status, and a tag's page of one
		// status (a page from the middle) is that of a direct query.
		require.Empty(t, queryRows(t, raw, `SELECT t.claim_id FROM claim_tags t JOIN claims c ON c.id = t.claim_id
			WHERE t.status IS NOT c.status`), "tag rows with a stale status after %s", when)
		for _, st := range []claimtrack.Status{claimtrack.StatusUnverified, claimtrack.StatusRefuted, claimtrack.StatusPartlyTrue} {
			for _, tg := range []string{tag, "a-new-tag"} {
				page, err := db.FindClaims(ctx, claimtrack.ClaimFilter{Tag: tg, Status: st, Limit: 3, Offset: 1})
				require.NoError(t, err)
				var got []string
				for _, c := range page.Claims {
					got = append(got, strconv.FormatInt(c.ID, 10))
				}
				var want []string
				for _, row := range queryRows(t, raw, `SELECT id FROM claims WHERE status = ? AND id IN (SELECT claim_id FROM claim_tags WHERE tag = ?)
					ORDER BY created_at DESC, id DESC LIMIT 3 OFFSET 1`, st, tg) {
					want = append(want, row[0])
				}
				assert.Equal(t, want, got, "tag %s, %s, after %s", tg, st, when)
			}
		}
	}
	_, err := gen.Generate(ctx, db, gen.Options{Claims: 300, Seed: 3})
	require.NoError(t, err)
	agree("generating")
	c := mustCreateClaim(t, db, "A claim made after the generated ones.")
	agree("creating")
	mustSetStatus(t, db, c.ID, claimtrack.StatusRefuted)
	c5, err := db.FindClaimByID(ctx, 5)
	require.NoError(t, err)
	_, err = db.UpdateClaim(ctx, 5, c5.Version, claimtrack.ClaimInput{Text: c5.Text, Context: c5.Context, Kind: c5.Kind, DueDate: c5.DueDate,
		Tags: append([]string{"a-new-tag"}, c5.Tags[1:]...)}, "editor")
	require.NoError(t, err)
	mustSetStatus(t, db, 5, claimtrack.StatusConfirmed)
	mustSetStatus(t, db, 5, claimtrack.StatusPartlyTrue)
	agree("status changes")
	claims, err := dump.ReadClaimsSheet(strings.NewReader("text,status,verdict_note\nA claim from a sheet that is refuted.,refuted,No.\n"))
	require.NoError(t, err)
	_, err = db.ImportSheet(ctx, claims, "importer", "sheet.csv", false)
	require.NoError(t, err)
	agree("a sheet import")
}

// A list's tags and main sources come from the claims' search rows; they
// must be what the tables say: the tags in order, and the main link's
// source by the domain's rule. A claim without a search row has them read
// from the tables.
func TestFindClaims_ListingMatchesTables(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	_, err := gen.Generate(ctx, db, gen.Options{Claims: 200, Seed: 5})
	require.NoError(t, err)
	c5, err := db.FindClaimByID(ctx, 5)
	require.NoError(t, err)
	_, err = db.UpdateClaim(ctx, 5, c5.Version, claimtrack.ClaimInput{Text: c5.Text, Context: c5.Context, Kind: c5.Kind,
		DueDate: c5.DueDate, Tags: []string{"zulu", "alpha", "mike"}}, "editor")
	require.NoError(t, err)
	// Claim 7 loses its search row, as while the index is rebuilt.
	_, err = raw.ExecContext(ctx, `DELETE FROM claim_search WHERE rowid = 7`)
	require.NoError(t, err)

	page, err := db.FindClaims(ctx, claimtrack.ClaimFilter{Limit: 300})
	require.NoError(t, err)
	require.Len(t, page.Claims, 200)
	withSource := 0
	for _, c := range page.Claims {
		one, err := db.FindClaimByID(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, one.Tags, c.Tags, "tags of claim %d", c.ID)
		evidence, err := db.FindClaimEvidence(ctx, c.ID)
		require.NoError(t, err)
		if main := claimtrack.MainLink(evidence); main != nil {
			withSource++
			if assert.NotNil(t, c.MainSource, "claim %d", c.ID) {
				assert.Equal(t, main.SourceID, c.MainSource.ID, "main source of claim %d", c.ID)
				assert.Equal(t, main.Source.Name, c.MainSource.Name, "main source of claim %d", c.ID)
			}
		} else {
			assert.Nil(t, c.MainSource, "claim %d", c.ID)
		}
	}
	assert.Positive(t, withSource)
	for _, c := range page.Claims {
		if c.ID == 5 {
			assert.Equal(t, []string{"zulu", "alpha", "mike"}, c.Tags)
		}
	}
}
