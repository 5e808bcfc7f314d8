package sqlite_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/gen"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustSetStatus(tb testing.TB, db *sqlite.DB, id int64, status claimtrack.Status) {
	tb.Helper()
	c, err := db.FindClaimByID(context.Background(), id)
	require.NoError(tb, err)
	_, err = db.SetClaimStatus(context.Background(), id, claimtrack.StatusChange{Status: status, Note: "Checked.", Version: c.Version}, "tester")
	require.NoError(tb, err)
}

func mustLink(tb testing.TB, db *sqlite.DB, claimID int64, source string, stance claimtrack.Stance, via int64) int64 {
	tb.Helper()
	e, err := db.AddEvidence(context.Background(), claimID, claimtrack.EvidenceInput{SourceName: source, SourceKind: claimtrack.SourceKind("outlet"),
		Stance: stance, ViaSourceID: via}, "tester")
	require.NoError(tb, err)
	return e.SourceID
}

// The records kept change by change are exactly those a replay of the
// history gives, and they follow the rules: halves for partly true, both
// sides of a "via" credited, "reports" ignored, open claims only open.
func TestReliability_Maintained(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)

	c1 := mustCreateClaim(t, db, "The minister will resign before the summit.")
	c2 := mustCreateClaim(t, db, "The summit will take place in Geneva in June.")
	c3 := mustCreateClaim(t, db, "The two delegations met twice last week.")
	unnamed := mustLink(t, db, c1.ID, "Unnamed officials", claimtrack.StanceAsserts, 0)
	paper := mustLink(t, db, c1.ID, "The Daily Paper", claimtrack.StanceAsserts, unnamed)
	agency := mustLink(t, db, c1.ID, "Wire Agency", claimtrack.StanceReports, 0)
	mustLink(t, db, c2.ID, "The Daily Paper", claimtrack.StanceAsserts, 0)
	denier := mustLink(t, db, c2.ID, "Press Office", claimtrack.StanceDisputes, 0)

	mustSetStatus(t, db, c1.ID, claimtrack.StatusRefuted)
	mustSetStatus(t, db, c2.ID, claimtrack.StatusConfirmed)
	mustSetStatus(t, db, c2.ID, claimtrack.StatusPartlyTrue) // a corrected verdict
	mustSetStatus(t, db, c3.ID, claimtrack.StatusConfirmed)
	mustLink(t, db, c3.ID, "The Daily Paper", claimtrack.StanceSupports, 0) // evidence on a resolved claim
	mustSetStatus(t, db, c3.ID, claimtrack.StatusDisputed)                  // back to open
	mustSetStatus(t, db, c3.ID, claimtrack.StatusConfirmed)

	rec := func(id int64) claimtrack.SourceRecord {
		r, err := db.FindSourceRecord(ctx, id)
		require.NoError(t, err)
		return r
	}
	// The paper: disagrees on c1 (asserted, refuted), half each way on c2,
	// agrees on c3 (supported, confirmed).
	assert.Equal(t, claimtrack.Credit{AgreeHalves: 3, DisagreeHalves: 3}, rec(paper).Credit)
	assert.Equal(t, 3, rec(paper).Claims)
	assert.True(t, rec(paper).Score.Enough)
	// Relayed via the paper, the unnamed officials share its credit on c1.
	assert.Equal(t, claimtrack.Credit{DisagreeHalves: 4}, rec(unnamed).Credit, "its own link and the one relayed")
	assert.Equal(t, 1, rec(unnamed).Claims)
	assert.Equal(t, claimtrack.Credit{}, rec(agency).Credit, "reports never count")
	assert.Equal(t, 1, rec(agency).Claims)
	assert.Equal(t, claimtrack.Credit{AgreeHalves: 1, DisagreeHalves: 1}, rec(denier).Credit)
	assert.InDelta(t, 0.5, rec(denier).Score.Mean, 1e-9)
	assert.False(t, rec(denier).Score.Enough)

	// Every move of a resolved record is in the history, numbered per source.
	changes, err := db.FindScoreChanges(ctx, paper, 0, 100)
	require.NoError(t, err)
	var statuses []claimtrack.Status
	for _, ch := range changes {
		statuses = append(statuses, ch.Status)
	}
	// Newest first: c3 confirmed again, c3 disputed, link added to confirmed
	// c3, c2 partly true, c2 confirmed, c1 refuted.
	assert.Equal(t, []claimtrack.Status{claimtrack.StatusConfirmed, claimtrack.StatusDisputed, claimtrack.StatusConfirmed,
		claimtrack.StatusPartlyTrue, claimtrack.StatusConfirmed, claimtrack.StatusRefuted}, statuses)
	assert.Equal(t, 6, changes[0].N)
	assert.True(t, changes[4].Superseded(), "c2's confirmation was corrected")
	assert.False(t, changes[3].Superseded())

	// A replay of the events gives the same tables.
	stats := `SELECT source_id, agree2, disagree2, open, claims, changes, enough, round(mean, 9), round(low, 9), round(high, 9)
		FROM source_stats ORDER BY source_id`
	history := `SELECT source_id, n, event_id, at, claim_id, stance, relayed, status, agree2, disagree2
		FROM source_score_history ORDER BY source_id, n`
	kept, keptHistory := queryRows(t, raw, stats), queryRows(t, raw, history)
	require.NoError(t, db.RebuildReliability(ctx))
	assert.Equal(t, kept, queryRows(t, raw, stats))
	assert.Equal(t, keptHistory, queryRows(t, raw, history))
}

// A source page lists the newest links from both sides (own and relayed),
// however many there are.
func TestFindSourceClaims_Newest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	wire := int64(0)
	var ids []int64
	for i := range 6 {
		c := mustCreateClaim(t, db, "Claim number "+string(rune('A'+i))+" about the talks.")
		ids = append(ids, c.ID)
		if i%2 == 0 {
			wire = mustLink(t, db, c.ID, "Wire Agency", claimtrack.StanceReports, 0)
		} else {
			mustLink(t, db, c.ID, "The Daily Paper", claimtrack.StanceAsserts, wire)
		}
	}
	got, err := db.FindSourceClaims(ctx, wire, 3)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, []int64{ids[5], ids[4], ids[3]}, []int64{got[0].Claim.ID, got[1].Claim.ID, got[2].Claim.ID})
	assert.True(t, got[0].Relayed)
	assert.False(t, got[1].Relayed)
	rec, err := db.FindSourceRecord(ctx, wire)
	require.NoError(t, err)
	assert.Equal(t, 6, rec.Claims)
}

// Long histories are drawn from evenly spread points, the last included.
func TestFindScorePoints_Sampled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	var source int64
	for i := range 7 {
		c := mustCreateClaim(t, db, "Another claim, number "+string(rune('A'+i))+".")
		source = mustLink(t, db, c.ID, "The Daily Paper", claimtrack.StanceAsserts, 0)
		mustSetStatus(t, db, c.ID, claimtrack.StatusConfirmed)
	}
	all, total, err := db.FindScorePoints(ctx, source, 10)
	require.NoError(t, err)
	assert.Equal(t, 7, total)
	require.Len(t, all, 7)
	assert.Equal(t, 7.0, all[6].Credit.Agree())
	some, total, err := db.FindScorePoints(ctx, source, 3)
	require.NoError(t, err)
	assert.Equal(t, 7, total)
	var ns []int
	for _, p := range some {
		ns = append(ns, p.N)
	}
	assert.Equal(t, []int{2, 4, 7}, ns)
	assert.InDelta(t, claimtrack.ScoreOf(claimtrack.Credit{AgreeHalves: 8}).Mean, some[1].Score.Mean, 1e-12)
}

// Removing a link takes its credit back, in the records and in the replay,
// and refuses a stale version.
func TestReliability_RemoveEvidence(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	c := mustCreateClaim(t, db, "The summit will take place in Geneva in June.")
	unnamed := mustLink(t, db, c.ID, "Unnamed officials", claimtrack.StanceAsserts, 0)
	paper := mustLink(t, db, c.ID, "The Daily Paper", claimtrack.StanceAsserts, unnamed)
	mustSetStatus(t, db, c.ID, claimtrack.StatusConfirmed)

	var linkID int64
	require.NoError(t, raw.QueryRow(`SELECT id FROM evidence WHERE source_id = ?`, paper).Scan(&linkID))
	cur, err := db.FindClaimByID(ctx, c.ID)
	require.NoError(t, err)
	_, err = db.RemoveEvidence(ctx, c.ID, linkID, claimtrack.EvidenceRemoval{Note: "", Version: cur.Version}, "tester")
	assert.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err), "a reason is required")
	_, err = db.RemoveEvidence(ctx, c.ID, linkID, claimtrack.EvidenceRemoval{Note: "Wrong article.", Version: cur.Version - 1}, "tester")
	assert.Equal(t, claimtrack.ECONFLICT, claimtrack.ErrorCode(err))
	_, err = db.RemoveEvidence(ctx, c.ID, 999, claimtrack.EvidenceRemoval{Note: "Wrong article.", Version: cur.Version}, "tester")
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))
	after, err := db.RemoveEvidence(ctx, c.ID, linkID, claimtrack.EvidenceRemoval{Note: "Wrong article.", Version: cur.Version}, "tester")
	require.NoError(t, err)
	assert.Equal(t, cur.Version+1, after.Version)

	rec := func(id int64) claimtrack.SourceRecord {
		r, err := db.FindSourceRecord(ctx, id)
		require.NoError(t, err)
		return r
	}
	assert.Equal(t, claimtrack.Credit{}, rec(paper).Credit)
	assert.Zero(t, rec(paper).Claims)
	assert.Equal(t, claimtrack.Credit{AgreeHalves: 2}, rec(unnamed).Credit, "its own link stays")
	assert.Equal(t, 1, rec(unnamed).Claims)
	assert.Equal(t, 2, rec(paper).Changes, "the verdict, then the removal")
	changes, err := db.FindScoreChanges(ctx, paper, 0, 10)
	require.NoError(t, err)
	require.Len(t, changes, 2)
	assert.True(t, changes[0].Removed, "the newest change is the removal")
	assert.Equal(t, "link removed: no longer counts", changes[0].Effect())
	assert.False(t, changes[1].Removed)
	assert.Equal(t, "agrees with the verdict", changes[1].Effect())
	assert.Equal(t, 1, count(t, raw, `SELECT count(*) FROM events WHERE type = 'evidence_removed' AND note = 'Wrong article.'
		AND json_extract(before_json, '$.source') = 'The Daily Paper'`))
	res, err := db.SearchClaims(ctx, claimtrack.ParseQuery("source:daily"), 0, 10)
	require.NoError(t, err)
	assert.Empty(t, res.Hits, "the search index follows")

	stats := recordsQuery(t, raw)
	history := `SELECT * FROM source_score_history ORDER BY source_id, n`
	keptStats, keptHistory := queryRows(t, raw, stats), queryRows(t, raw, history)
	require.NoError(t, db.RebuildReliability(ctx))
	assert.Equal(t, keptStats, queryRows(t, raw, stats))
	assert.Equal(t, keptHistory, queryRows(t, raw, history))
}

// On a large tracker the pickers offer the most used sources, by name.
func TestFindSourceChoices_MostUsed_Volume(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	_, err := gen.Generate(ctx, db, gen.Options{Claims: 4000, Seed: 4})
	require.NoError(t, err)
	choices, err := db.FindSourceChoices(ctx)
	require.NoError(t, err)
	require.Len(t, choices, sqlite.SourceChoicesMax)
	for i := 1; i < len(choices); i++ {
		assert.LessOrEqual(t, strings.ToLower(choices[i-1].Name), strings.ToLower(choices[i].Name))
	}
	var busiest int64
	require.NoError(t, rawDB(t, db).QueryRow(`SELECT source_id FROM source_stats ORDER BY claims DESC LIMIT 1`).Scan(&busiest))
	found := false
	for _, s := range choices {
		found = found || s.ID == busiest
	}
	assert.True(t, found, "the busiest source is offered")
}

// checkSourcesAsOf compares the sources list as of each moment with the
// records of then computed source by source from the score history and
// sorted, on several pages.
func checkSourcesAsOf(t *testing.T, db *sqlite.DB, moments []time.Time) {
	t.Helper()
	ctx := context.Background()
	raw := rawDB(t, db)
	for _, until := range moments {
		var ids []int64
		rows, err := raw.Query(`SELECT id FROM sources WHERE created_at <= ? ORDER BY id`, until.UTC().Format("2006-01-02T15:04:05.000000Z"))
		require.NoError(t, err)
		for rows.Next() {
			var id int64
			require.NoError(t, rows.Scan(&id))
			ids = append(ids, id)
		}
		require.NoError(t, rows.Err())
		records, err := db.FindRecordsAsOf(ctx, ids, until)
		require.NoError(t, err)
		want := slices.Clone(ids)
		slices.SortFunc(want, func(a, b int64) int {
			if c := claimtrack.CompareScores(records[a].Score, records[b].Score); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		for _, offset := range []int{0, 50, 180} {
			page, total, err := db.FindSourcesAsOf(ctx, until, offset, 50)
			require.NoError(t, err)
			require.Equal(t, len(ids), total, "sources as of %s", until)
			got := []int64{}
			for _, s := range page {
				got = append(got, s.ID)
				require.Equal(t, records[s.ID].Credit, s.Record.Credit, "source %d as of %s", s.ID, until)
				require.Equal(t, records[s.ID].Changes, s.Record.Changes, "source %d as of %s", s.ID, until)
			}
			end := min(offset+50, len(want))
			require.Equal(t, want[min(offset, end):end], got, "page at offset %d as of %s", offset, until)
		}
	}
}

// snapshotMoments returns the moments of the snapshots taken, each with the
// instant before it, and n moments spread evenly over the score history with
// one before it and one after.
func snapshotMoments(t *testing.T, db *sqlite.DB, n int) (moments []time.Time, snapshots int) {
	t.Helper()
	raw := rawDB(t, db)
	parse := func(s string) time.Time {
		at, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err)
		return at
	}
	rows, err := raw.Query(`SELECT at FROM score_snapshots ORDER BY at`)
	require.NoError(t, err)
	for rows.Next() {
		var at string
		require.NoError(t, rows.Scan(&at))
		moments = append(moments, parse(at), parse(at).Add(-time.Microsecond))
		snapshots++
	}
	require.NoError(t, rows.Err())
	var first, last string
	require.NoError(t, raw.QueryRow(`SELECT min(at), max(at) FROM source_score_history`).Scan(&first, &last))
	from, to := parse(first), parse(last)
	for i := 0; i <= n; i++ {
		moments = append(moments, from.Add(to.Sub(from)*time.Duration(i)/time.Duration(n)))
	}
	return append(moments, from.Add(-time.Hour), to.Add(time.Hour)), snapshots
}

// The sources list as of a moment equals the records of then computed source
// by source and sorted, at moments before, on and between the snapshots of
// the order a generated database was given, and on several pages.
func TestFindSourcesAsOf_MatchesRecords_Volume(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	db.SetSnapshotEvery(150)
	_, err := gen.Generate(ctx, db, gen.Options{Claims: 2000, Seed: 6})
	require.NoError(t, err)
	moments, snapshots := snapshotMoments(t, db, 12)
	require.GreaterOrEqual(t, snapshots, 4, "the generated history spans several snapshots")
	checkSourcesAsOf(t, db, moments)
}

// Snapshots taken change by change, as editors work, give the same lists;
// so do those built again from the history; a clock that does not move
// between changes (all of them at one instant) does not confuse them.
func TestFindSourcesAsOf_LiveSnapshots_Volume(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	db.SetSnapshotEvery(40)
	_, err := gen.Generate(ctx, db, gen.Options{Claims: 300, Seed: 9})
	require.NoError(t, err)
	var before int
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM score_snapshots`).Scan(&before))

	// A clock a minute further at each reading, after the generated history.
	clock := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Second)
	db.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	rows, err := raw.Query(`SELECT id FROM claims ORDER BY id LIMIT 80`)
	require.NoError(t, err)
	var claims []int64
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		claims = append(claims, id)
	}
	require.NoError(t, rows.Err())
	statuses := []claimtrack.Status{claimtrack.StatusConfirmed, claimtrack.StatusRefuted, claimtrack.StatusPartlyTrue}
	for i, id := range claims {
		if i%10 == 3 {
			// A new source, made after the snapshots, that then takes a side.
			mustLink(t, db, id, fmt.Sprintf("Late outlet %d", i), claimtrack.StanceSupports, 0)
		}
		mustSetStatus(t, db, id, statuses[i%len(statuses)])
	}
	var after int
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM score_snapshots`).Scan(&after))
	require.Greater(t, after, before+2, "the changes took snapshots")
	moments, _ := snapshotMoments(t, db, 20)
	checkSourcesAsOf(t, db, moments)

	require.NoError(t, db.RebuildReliability(ctx))
	checkSourcesAsOf(t, db, moments)

	// Every change at one instant: a snapshot's moment is then also that of
	// the changes after it.
	db.Now = func() time.Time { return clock }
	for i, id := range claims[:60] {
		mustSetStatus(t, db, id, statuses[(i+1)%len(statuses)])
	}
	checkSourcesAsOf(t, db, []time.Time{clock, clock.Add(-time.Microsecond)})

	// The ranks' references, kept without foreign keys, are checked.
	require.NoError(t, db.IntegrityCheck(ctx))
	_, err = raw.Exec(`INSERT INTO score_snapshot_ranks (snapshot_id, rank, source_id, agree2, disagree2, changes)
		SELECT max(id), 1000000, 999999, 0, 0, 0 FROM score_snapshots`)
	require.NoError(t, err)
	assert.ErrorContains(t, db.IntegrityCheck(ctx), "snapshot ranks")
}

// mustLinkEvidence links a source, by name, to a claim and returns the link.
func mustLinkEvidence(tb testing.TB, db *sqlite.DB, claimID int64, source string, stance claimtrack.Stance, via int64) *claimtrack.Evidence {
	tb.Helper()
	e, err := db.AddEvidence(context.Background(), claimID, claimtrack.EvidenceInput{SourceName: source, SourceKind: claimtrack.SourceKind("outlet"),
		Stance: stance, ViaSourceID: via}, "tester")
	require.NoError(tb, err)
	return e
}

// editLink edits a link's stance, source (by id) and via, keeping the rest.
func editLink(tb testing.TB, db *sqlite.DB, e *claimtrack.Evidence, source int64, stance claimtrack.Stance, via int64) {
	tb.Helper()
	mustEditEvidence(tb, db, e.ClaimID, e.ID, claimtrack.EvidenceInput{SourceID: source, Stance: stance, Quote: e.Quote, URL: e.URL,
		PublishedAt: e.PublishedAt, ViaSourceID: via, Note: e.Note})
}

// An edit of a link moves the records as a removal of the old link and the
// addition of the new one would: on a refuted claim, an "asserts" link
// edited to "disputes" turns its source's disagreement into an agreement.
func TestReliability_EditEvidence_FlipsStance(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := mustCreateClaim(t, db, "The minister will resign before the summit.")
	e := mustLinkEvidence(t, db, c.ID, "The Daily Paper", claimtrack.StanceAsserts, 0)
	mustSetStatus(t, db, c.ID, claimtrack.StatusRefuted)
	rec, err := db.FindSourceRecord(ctx, e.SourceID)
	require.NoError(t, err)
	require.Equal(t, claimtrack.Credit{DisagreeHalves: 2}, rec.Credit)

	editLink(t, db, e, e.SourceID, claimtrack.StanceDisputes, 0)
	rec, err = db.FindSourceRecord(ctx, e.SourceID)
	require.NoError(t, err)
	assert.Equal(t, claimtrack.Credit{AgreeHalves: 2}, rec.Credit)
	assert.Equal(t, 1, rec.Claims)
	assert.Equal(t, 2, rec.Changes, "the verdict, then the edit")
	changes, err := db.FindScoreChanges(ctx, e.SourceID, 0, 10)
	require.NoError(t, err)
	require.Len(t, changes, 2)
	assert.True(t, changes[0].Edited)
	assert.False(t, changes[0].Removed)
	assert.Equal(t, claimtrack.StanceDisputes, changes[0].Stance)
	assert.Equal(t, "link edited: agrees with the verdict", changes[0].Effect())
	assert.False(t, changes[0].Superseded())
	assert.False(t, changes[1].Edited)
	assert.Equal(t, "disagrees with the verdict", changes[1].Effect())
}

// Edits that change the stance, the source and the via, on claims with and
// without a verdict and before and after verdicts, keep every record, claims
// count and score history equal to a replay of the history; a source edited
// off a claim has a change that says so.
func TestReliability_EditEvidence_MatchesReplay(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	c1 := mustCreateClaim(t, db, "The minister will resign before the summit.")
	c2 := mustCreateClaim(t, db, "The summit will take place in Geneva in June.")
	c3 := mustCreateClaim(t, db, "The two delegations met twice last week.")
	unnamed := mustLinkEvidence(t, db, c1.ID, "Unnamed officials", claimtrack.StanceAsserts, 0)
	paper := mustLinkEvidence(t, db, c1.ID, "The Daily Paper", claimtrack.StanceAsserts, unnamed.SourceID)
	agency := mustLinkEvidence(t, db, c1.ID, "Wire Agency", claimtrack.StanceReports, 0)
	paper2 := mustLinkEvidence(t, db, c2.ID, "The Daily Paper", claimtrack.StanceAsserts, 0)
	office := mustLinkEvidence(t, db, c2.ID, "Press Office", claimtrack.StanceDisputes, 0)
	open := mustLinkEvidence(t, db, c3.ID, "Wire Agency", claimtrack.StanceSupports, 0)
	mustSetStatus(t, db, c1.ID, claimtrack.StatusRefuted)
	mustSetStatus(t, db, c2.ID, claimtrack.StatusPartlyTrue)

	rec := func(id int64) claimtrack.SourceRecord {
		t.Helper()
		r, err := db.FindSourceRecord(ctx, id)
		require.NoError(t, err)
		return r
	}
	require.Equal(t, 1, rec(unnamed.SourceID).Claims)
	require.Equal(t, 2, rec(agency.SourceID).Claims)

	// c1 (refuted): the paper's link loses its via, so the officials keep
	// only their own link, still on the claim.
	editLink(t, db, paper, paper.SourceID, claimtrack.StanceAsserts, 0)
	assert.Equal(t, claimtrack.Credit{DisagreeHalves: 2}, rec(unnamed.SourceID).Credit)
	assert.Equal(t, 1, rec(unnamed.SourceID).Claims)
	// The officials' own link is moved to the press office, which gains c1
	// and the officials lose it; the officials relay it instead.
	editLink(t, db, unnamed, office.SourceID, claimtrack.StanceDisputes, unnamed.SourceID)
	assert.Equal(t, claimtrack.Credit{AgreeHalves: 2}, rec(unnamed.SourceID).Credit, "relayed, it agrees now")
	assert.Equal(t, 1, rec(unnamed.SourceID).Claims)
	assert.Equal(t, 2, rec(office.SourceID).Claims)
	// Then the via goes: the officials are off c1 altogether.
	editLink(t, db, unnamed, office.SourceID, claimtrack.StanceDisputes, 0)
	assert.Equal(t, claimtrack.Credit{}, rec(unnamed.SourceID).Credit)
	assert.Zero(t, rec(unnamed.SourceID).Claims)
	changes, err := db.FindScoreChanges(ctx, unnamed.SourceID, 0, 10)
	require.NoError(t, err)
	require.NotEmpty(t, changes)
	assert.True(t, changes[0].Removed, "edited off the link")
	assert.True(t, changes[0].Edited)
	assert.Equal(t, "link edited: no longer counts", changes[0].Effect())
	// The agency's "reports" link (counts nothing) becomes a relayed
	// assertion of the paper's: both sides move, the paper stays on c1 once.
	editLink(t, db, agency, agency.SourceID, claimtrack.StanceAsserts, paper.SourceID)
	assert.Equal(t, 2, rec(paper.SourceID).Claims, "the paper: c1 and c2, c1 counted once")
	assert.Equal(t, claimtrack.Credit{DisagreeHalves: 5, AgreeHalves: 1}, rec(paper.SourceID).Credit,
		"two assertions of refuted c1 (its own and the one relayed) and half each way on c2")

	// c2 (partly true): the paper's link becomes the wire agency's.
	editLink(t, db, paper2, agency.SourceID, claimtrack.StanceSupports, 0)
	// c3 (open): a stance change counts only as open, then the verdict
	// comes after the edit and counts the edited link.
	editLink(t, db, open, open.SourceID, claimtrack.StanceDisputes, 0)
	assert.Equal(t, 1, rec(open.SourceID).Credit.Open)
	mustSetStatus(t, db, c3.ID, claimtrack.StatusConfirmed)
	// Swap source and via on c1's agency link.
	editLink(t, db, agency, paper.SourceID, claimtrack.StanceAsserts, agency.SourceID)
	// A correction of the verdict after the edits.
	mustSetStatus(t, db, c1.ID, claimtrack.StatusConfirmed)

	stats := recordsQuery(t, raw)
	history := `SELECT * FROM source_score_history ORDER BY source_id, n`
	keptStats, keptHistory := queryRows(t, raw, stats), queryRows(t, raw, history)
	require.Greater(t, len(keptHistory), 10)
	require.NoError(t, db.RebuildReliability(ctx))
	assert.Equal(t, keptStats, queryRows(t, raw, stats))
	assert.Equal(t, keptHistory, queryRows(t, raw, history))

	// The claims counts are the links' distinct claims.
	assert.Equal(t, queryRows(t, raw, `SELECT s.id, count(DISTINCT e.claim_id) FROM sources s
		LEFT JOIN evidence e ON e.source_id = s.id OR e.via_source_id = s.id GROUP BY s.id ORDER BY s.id`),
		queryRows(t, raw, `SELECT source_id, claims FROM source_stats ORDER BY source_id`))
}

// The sources by name as of a moment: those that existed then, in the order
// of their names, each with its record of then.
func TestFindSourcesByNameAsOf(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := fixedNow
	db.Now = func() time.Time { return clock }
	c1 := mustCreateClaim(t, db, "The minister will resign before the summit.")
	zulu := mustLink(t, db, c1.ID, "Zulu Times", claimtrack.StanceAsserts, 0)
	alpha := mustLink(t, db, c1.ID, "alpha wire", claimtrack.StanceDisputes, 0)
	mustSetStatus(t, db, c1.ID, claimtrack.StatusRefuted)
	then := clock
	clock = clock.Add(time.Hour)
	mid := mustLink(t, db, c1.ID, "Middle Post", claimtrack.StanceAsserts, 0) // made later
	mustSetStatus(t, db, c1.ID, claimtrack.StatusConfirmed)

	page, total, err := db.FindSourcesByNameAsOf(ctx, then, 0, 50)
	require.NoError(t, err)
	assert.Equal(t, 2, total, "Middle Post did not exist then")
	require.Len(t, page, 2)
	assert.Equal(t, []int64{alpha, zulu}, []int64{page[0].ID, page[1].ID}, "by name, ignoring case")
	records, err := db.FindRecordsAsOf(ctx, []int64{alpha, zulu}, then)
	require.NoError(t, err)
	for _, s := range page {
		assert.Equal(t, *records[s.ID], s.Record, "%s as of then", s.Name)
	}
	assert.Equal(t, 2, page[0].Record.Credit.AgreeHalves, "alpha disputed what was refuted")
	assert.Equal(t, 2, page[1].Record.Credit.DisagreeHalves)

	page, total, err = db.FindSourcesByNameAsOf(ctx, clock, 1, 1)
	require.NoError(t, err)
	assert.Equal(t, 3, total)
	require.Len(t, page, 1)
	assert.Equal(t, mid, page[0].ID, "the second page of one")
	assert.Equal(t, 2, page[0].Record.Credit.AgreeHalves)

	page, total, err = db.FindSourcesByNameAsOf(ctx, then.AddDate(-1, 0, 0), 0, 50)
	require.NoError(t, err)
	assert.Zero(t, total)
	assert.Empty(t, page)
}
