package sqlite_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sameTimeline checks the first pages of a claim's history, which come from
// its row of claim_history, against its events read one row each.
func sameTimeline(t *testing.T, db *sqlite.DB, claimID int64) {
	t.Helper()
	ctx := context.Background()
	all, err := db.FindClaimEvents(ctx, claimID)
	require.NoError(t, err)
	require.NotEmpty(t, all)
	var current int64
	for _, ev := range all {
		if ev.Type == claimtrack.EventStatusChanged {
			current = ev.ID
			break
		}
	}
	for _, limit := range []int{1, 2, 10, 49, 50} {
		events, more, cur, err := db.FindClaimTimeline(ctx, claimID, 0, limit)
		require.NoError(t, err)
		want := all[:min(limit, len(all))]
		require.Len(t, events, len(want), "claim %d, limit %d", claimID, limit)
		for i := range want {
			require.Equal(t, *want[i], *events[i], "claim %d, limit %d, event %d", claimID, limit, i)
		}
		assert.Equal(t, len(all) > limit, more, "claim %d, limit %d", claimID, limit)
		assert.Equal(t, current, cur, "claim %d, limit %d", claimID, limit)
		// The same page read row by row (a "before" past every id).
		rows, rowsMore, _, err := db.FindClaimTimeline(ctx, claimID, math.MaxInt64-1, limit)
		require.NoError(t, err)
		require.Equal(t, len(events), len(rows))
		for i := range rows {
			require.Equal(t, *rows[i], *events[i])
		}
		assert.Equal(t, rowsMore, more)
	}
}

// A claim's newest events are kept in one row, and the first page of its
// history read from there is the one read from the events: whatever the
// text holds, past the 51 kept, and for events written out of order.
func TestClaimHistory_SameAsEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	c := mustCreateClaim(t, db, `A "quoted" claim \ with a backslash`)
	other := mustCreateClaim(t, db, "Another claim.")
	sameTimeline(t, db, c.ID)

	notes := []string{"plain", `quotes " and \ backslashes \\ and \" both`, "line\nbreaks",
		"unicode é ü ß 中文 emoji 😀 and \u2028 separators", "</script><b>html</b> & ampersands", "", "slash / and \\u0041 literal"}
	statuses := []claimtrack.Status{claimtrack.StatusDisputed, claimtrack.StatusConfirmed, claimtrack.StatusRefuted, claimtrack.StatusUnverified}
	version := c.Version
	for i := range 64 {
		switch i % 3 {
		case 0:
			got, err := db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: statuses[i%len(statuses)],
				Note: notes[i%len(notes)] + fmt.Sprint(" ", i), Version: version}, "editor "+string(rune(0x61+i%26)))
			require.NoError(t, err)
			version = got.Version
		case 1:
			_, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Source " + notes[i%len(notes)],
				SourceKind: claimtrack.SourceOrganisation, Stance: claimtrack.StanceSupports, Quote: notes[(i+1)%len(notes)], Version: version}, "tester")
			require.NoError(t, err)
			cl, err := db.FindClaimByID(ctx, c.ID)
			require.NoError(t, err)
			version = cl.Version
		default:
			got, err := db.UpdateClaim(ctx, c.ID, version, claimtrack.ClaimInput{Text: fmt.Sprintf("A claim, %s, edited %d", oneLine(notes[i%len(notes)]), i),
				Kind: claimtrack.KindStatement, Context: notes[(i+2)%len(notes)]}, "tester")
			require.NoError(t, err)
			version = got.Version
		}
		if i%7 == 0 || i > 45 {
			sameTimeline(t, db, c.ID)
		}
	}
	raw := rawDB(t, db)
	assert.Equal(t, 51, count(t, raw, `SELECT json_array_length(events) FROM claim_history WHERE claim_id = ?`, c.ID))
	sameTimeline(t, db, other.ID)

	// Events that come with ids of their own, not after the newest kept.
	var last int64
	require.NoError(t, raw.QueryRow(`SELECT max(id) FROM events`).Scan(&last))
	insert := `INSERT INTO events (id, type, actor, at, claim_id, claim_version, before_json, after_json, note)
		VALUES (?, 'claim_edited', 'importer', '2025-05-09T14:30:00.000000Z', ?, 1, '{"context":""}', '{"context":"x"}', ?)`
	_, err := raw.Exec(insert, last+100, other.ID, "newest, with control \x01\x02\x1f\t\r characters and \x7f")
	require.NoError(t, err)
	_, err = raw.Exec(insert, last+50, other.ID, "older than the newest")
	require.NoError(t, err)
	sameTimeline(t, db, other.ID)
	_, err = raw.Exec(insert, last+10, c.ID, "older than every one kept")
	require.NoError(t, err)
	sameTimeline(t, db, c.ID)
	_, err = raw.Exec(insert, last+200, c.ID, "newest again")
	require.NoError(t, err)
	sameTimeline(t, db, c.ID)
}

// Migration 0022 fills claim_history from the events of a database made
// before it.
func TestClaimHistory_FilledByMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, oldDatabase(t))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	raw := rawDB(t, db)
	n := count(t, raw, `SELECT count(DISTINCT claim_id) FROM events WHERE claim_id IS NOT NULL`)
	require.Positive(t, n)
	require.Equal(t, n, count(t, raw, `SELECT count(*) FROM claim_history`))
	for _, row := range queryRows(t, raw, `SELECT id FROM claims ORDER BY id`) {
		var id int64
		_, err := fmt.Sscan(row[0], &id)
		require.NoError(t, err)
		sameTimeline(t, db, id)
	}
	assert.Zero(t, count(t, raw, `SELECT count(*) FROM claim_history WHERE json_valid(events) = 0`))
}

// oneLine is s with its control characters and line breaks taken out.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r < ' ' || r == '\u2028' {
			return ' '
		}
		return r
	}, s)), " ")
}

// The check finds a claim whose kept newest events fell behind its history,
// and repair rebuilds them.
func TestClaimHistory_CheckAndRepair(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	c := mustCreateClaim(t, db, "The ferry will run all winter.")
	_, err = db.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: claimtrack.StatusDisputed, Note: "Two sources differ.",
		Version: c.Version}, "tester")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	rep, err := sqlite.Check(ctx, path)
	require.NoError(t, err)
	require.Empty(t, rep.Problems)

	raw := rawDBAt(t, path)
	_, err = raw.Exec(`UPDATE claim_history SET events = json_remove(events, '$[#-1]') WHERE claim_id = ?`, c.ID)
	require.NoError(t, err)
	rep, err = sqlite.Check(ctx, path)
	require.NoError(t, err)
	require.Equal(t, []string{"1 claims whose kept newest events (claim_history) do not end with their newest event"}, rep.Problems)

	require.NoError(t, sqlite.Repair(ctx, path, func(string) {}))
	rep, err = sqlite.Check(ctx, path)
	require.NoError(t, err)
	require.Empty(t, rep.Problems)
	db, err = sqlite.Open(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	sameTimeline(t, db, c.ID)
}

// A claim read for its page brings its newest events along: the snapshot's
// first page of its history is the one read on its own, the claim is the one
// FindClaimByID reads (tags in their order), and another claim's history
// read in the same snapshot is that claim's own.
func TestClaimHistory_ReadWithItsClaim(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	a, err := db.CreateClaim(ctx, claimtrack.ClaimInput{Text: "The first claim, A.", Kind: claimtrack.KindStatement,
		Tags: []string{"zulu", "alpha", "mike", "bravo", "yankee", "charlie", "x-ray", "delta", "whiskey", "echo", "victor"}}, "tester")
	require.NoError(t, err)
	b := mustCreateClaim(t, db, "The second claim, B.")
	for i := range 3 {
		_, err := db.SetClaimStatus(ctx, b.ID, claimtrack.StatusChange{Status: claimtrack.StatusDisputed,
			Note: fmt.Sprint("note ", i), Version: b.Version + int64(i)}, "editor")
		require.NoError(t, err)
	}
	wantA, err := db.FindClaimByID(ctx, a.ID)
	require.NoError(t, err)
	require.Len(t, wantA.Tags, 11)
	pageOf := func(ctx context.Context, id int64) []*claimtrack.Event {
		events, _, _, err := db.FindClaimTimeline(ctx, id, 0, 50)
		require.NoError(t, err)
		return events
	}
	historyA, historyB := pageOf(ctx, a.ID), pageOf(ctx, b.ID)
	require.Len(t, historyA, 1)
	require.Len(t, historyB, 4)

	require.NoError(t, db.ReadSnapshot(ctx, func(ctx context.Context) error {
		got, err := db.FindClaimForPage(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, wantA, got)
		assert.Equal(t, historyB, pageOf(ctx, b.ID))
		assert.Equal(t, historyA, pageOf(ctx, a.ID))
		return nil
	}))
	_, err = db.FindClaimForPage(ctx, 999)
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))
}
