package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/dump"
	"github.com/claimtrack/claimtrack/internal/gen"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/seeds"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exportJSON exports db and decodes the result.
func exportJSON(t *testing.T, db *sqlite.DB) (*dump.Dump, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w, err := dump.NewJSONWriter(&buf, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.NoError(t, db.Export(context.Background(), w, nil))
	d, err := dump.ReadJSON(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	return d, buf.Bytes()
}

// sourceDB is the seed data, 1,000 generated claims, and changes of every
// kind made through the storage API, some links removed.
func sourceDB(t *testing.T) *sqlite.DB {
	t.Helper()
	ctx := context.Background()
	db := MustOpenDB(t)
	_, err := seeds.Load(ctx, db)
	require.NoError(t, err)
	_, err = gen.Generate(ctx, db, gen.Options{Claims: 1000, Seed: 8})
	require.NoError(t, err)
	mustSetStatus(t, db, 1, claimtrack.StatusRefuted)
	mustSetStatus(t, db, 1, claimtrack.StatusPartlyTrue)
	c, err := db.FindClaimByID(ctx, 2)
	require.NoError(t, err)
	_, err = db.UpdateClaim(ctx, 2, c.Version, claimtrack.ClaimInput{Text: c.Text + " Reportedly.", Kind: c.Kind, Tags: []string{"moscow", "may-9"}}, "editor")
	require.NoError(t, err)
	ev, err := db.AddEvidence(ctx, 3, claimtrack.EvidenceInput{SourceName: "Izvestia", SourceKind: claimtrack.SourceOutlet,
		Stance: claimtrack.StanceSupports, URL: "https://iz.ru/a", PublishedAt: "2025-02-20"}, "editor")
	require.NoError(t, err)
	c, err = db.FindClaimByID(ctx, 3)
	require.NoError(t, err)
	_, err = db.RemoveEvidence(ctx, 3, ev.ID, claimtrack.EvidenceRemoval{Note: "Wrong article.", Version: c.Version}, "editor")
	require.NoError(t, err)
	// The same on a generated claim, not tied to the seed report.
	ev, err = db.AddEvidence(ctx, 20, claimtrack.EvidenceInput{SourceName: "Izvestia", Stance: claimtrack.StanceDisputes}, "editor")
	require.NoError(t, err)
	c, err = db.FindClaimByID(ctx, 20)
	require.NoError(t, err)
	_, err = db.RemoveEvidence(ctx, 20, ev.ID, claimtrack.EvidenceRemoval{Note: "Not about this.", Version: c.Version}, "editor")
	require.NoError(t, err)
	// A link corrected: its stance and quote, then its source.
	links, err := db.FindClaimEvidence(ctx, 30)
	require.NoError(t, err)
	require.NotEmpty(t, links)
	e := links[0]
	in := claimtrack.EvidenceInput{SourceID: e.SourceID, Stance: claimtrack.StanceDisputes, Quote: "Corrected: " + e.Quote, URL: e.URL,
		PublishedAt: e.PublishedAt, ViaSourceID: e.ViaSourceID, Note: e.Note}
	mustEditEvidence(t, db, 30, e.ID, in)
	in.SourceID, in.SourceName, in.SourceKind, in.ViaSourceID = 0, "Izvestia", claimtrack.SourceOutlet, 0
	mustEditEvidence(t, db, 30, e.ID, in)
	// The desk: claims assigned (one then to nobody), and a claim with a
	// verdict that got new evidence since (to be reviewed again).
	_, err = db.CreateUser(ctx, claimtrack.NewUser{Username: "ana", Role: claimtrack.RoleEditor, Password: "a long enough password"}, "x", "admin", false)
	require.NoError(t, err)
	for _, id := range []int64{4, 5} {
		_, err = db.AssignClaim(ctx, id, "ana", "chief")
		require.NoError(t, err)
	}
	_, err = db.AssignClaim(ctx, 5, "", "chief")
	require.NoError(t, err)
	mustSetStatus(t, db, 6, claimtrack.StatusConfirmed)
	_, err = db.AddEvidence(ctx, 6, claimtrack.EvidenceInput{SourceName: "Izvestia", Stance: claimtrack.StanceDisputes}, "editor")
	require.NoError(t, err)
	// Questions: one resolved by a confirmation that refuted its rival, one
	// edited that lost an outcome.
	q, err := db.CreateQuestion(ctx, claimtrack.QuestionInput{Title: "Will the trip to Moscow happen on May 9?"}, []int64{7, 8}, "editor")
	require.NoError(t, err)
	c7, err := db.FindClaimByID(ctx, 7)
	require.NoError(t, err)
	c8, err := db.FindClaimByID(ctx, 8)
	require.NoError(t, err)
	_, err = db.SetClaimStatus(ctx, 7, claimtrack.StatusChange{Status: claimtrack.StatusConfirmed, Note: "It happened.", Version: c7.Version,
		Refute: []claimtrack.Rival{{ID: 8, Version: c8.Version}}}, "editor")
	require.NoError(t, err)
	q2, err := db.CreateQuestion(ctx, claimtrack.QuestionInput{Title: "Who will lead the delegation to Riyadh?", Description: "Two names."},
		[]int64{9, 10, 11}, "editor")
	require.NoError(t, err)
	_, err = db.UpdateQuestion(ctx, q2.ID, claimtrack.QuestionInput{Title: "Who will lead the US delegation to Riyadh?", Description: "Two names.",
		Version: q2.Version}, "editor")
	require.NoError(t, err)
	_, err = db.RemoveOutcome(ctx, q2.ID, 11, "editor")
	require.NoError(t, err)
	require.NotZero(t, q.ID)
	// Aliases: given to a seed source by an edit, and to a source made
	// with them.
	peskov, err := db.FindSourceByName(ctx, "Dmitry Peskov")
	require.NoError(t, err)
	_, err = db.UpdateSource(ctx, peskov.ID, claimtrack.SourceInput{Name: peskov.Name, Kind: peskov.Kind, Role: peskov.Role, URL: peskov.URL,
		Description: peskov.Description, Aliases: []string{"Peskov", "the Kremlin spokesman", "=Peskov"}}, "editor")
	require.NoError(t, err)
	_, err = db.CreateSource(ctx, claimtrack.SourceInput{Name: "Kommersant", Kind: claimtrack.SourceOutlet,
		Aliases: []string{"Коммерсантъ", "Kommersant daily"}}, "editor")
	require.NoError(t, err)
	return db
}

// withoutImportEvent drops the last event, the import's own.
func withoutImportEvent(t *testing.T, d *dump.Dump) *dump.Dump {
	t.Helper()
	last := d.Events[len(d.Events)-1]
	require.Equal(t, string(claimtrack.EventDataImported), last.Type)
	out := *d
	out.Events = d.Events[:len(d.Events)-1]
	out.ExportedAt = ""
	return &out
}

// Acceptance 3: the seed plus 1,000 generated claims, exported to JSON and to
// CSV and imported into an empty database, give back the same claims,
// sources, evidence, statuses and history, and the same source records.
func TestImport_RoundTrip_Volume(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := sourceDB(t)
	want, raw := exportJSON(t, src)
	want.ExportedAt = ""
	aliases := map[string][]string{}
	for _, s := range want.Sources {
		if len(s.Aliases) > 0 {
			aliases[s.Name] = s.Aliases
		}
	}
	require.Equal(t, map[string][]string{"Dmitry Peskov": {"Peskov", "the Kremlin spokesman", "=Peskov"},
		"Kommersant": {"Коммерсантъ", "Kommersant daily"}}, aliases, "the export holds the aliases")
	csvDir := filepath.Join(t.TempDir(), "csv")
	cw, err := dump.NewCSVDirWriter(csvDir)
	require.NoError(t, err)
	require.NoError(t, src.Export(ctx, cw, nil))

	for _, tc := range []struct {
		name string
		read func() (*dump.Dump, error)
	}{
		{"json", func() (*dump.Dump, error) { return dump.ReadJSON(bytes.NewReader(raw)) }},
		{"csv", func() (*dump.Dump, error) { return dump.ReadCSVDir(csvDir) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := tc.read()
			require.NoError(t, err)
			dst := MustOpenDB(t)
			res, err := dst.ImportDump(ctx, d, "importer", "export."+tc.name, false)
			require.NoError(t, err)
			assert.True(t, res.Restore)
			assert.Equal(t, len(want.Claims), res.Claims)
			got, _ := exportJSON(t, dst)
			got = withoutImportEvent(t, got)
			assert.Equal(t, want.Reports, got.Reports)
			assert.Equal(t, want.Sources, got.Sources)
			require.Len(t, want.Questions, 2)
			assert.Equal(t, want.Questions, got.Questions)
			require.Equal(t, len(want.Claims), len(got.Claims))
			for i := range want.Claims {
				require.Equal(t, want.Claims[i], got.Claims[i])
			}
			assert.Equal(t, want.Evidence, got.Evidence)
			require.Equal(t, len(want.Events), len(got.Events))
			for i := range want.Events {
				require.Equal(t, want.Events[i], got.Events[i])
			}
			// Assignments come back, with their history; whether a claim
			// is to be reviewed again is worked out from the history.
			c, err := dst.FindClaimByID(ctx, 4)
			require.NoError(t, err)
			assert.Equal(t, "ana", c.Assignee)
			c, err = dst.FindClaimByID(ctx, 5)
			require.NoError(t, err)
			assert.Empty(t, c.Assignee)
			assigned := 0
			for _, e := range got.Events {
				if e.Type == string(claimtrack.EventClaimAssigned) {
					assigned++
				}
			}
			assert.Equal(t, 3, assigned, "the assignments' history")
			mine, err := dst.FindClaims(ctx, claimtrack.ClaimFilter{Assignee: "ana", Limit: 10})
			require.NoError(t, err)
			require.Len(t, mine.Claims, 1)
			assert.EqualValues(t, 4, mine.Claims[0].ID)
			assert.Equal(t, reReview(t, src), reReview(t, dst), "the same claims to review again, since the same times")
			assert.Contains(t, reReview(t, dst), int64(6))
			// Questions come back with their outcomes, who backed which, and
			// their history; the search index knows them.
			for _, id := range []int64{1, 2} {
				a, err := src.FindQuestion(ctx, id)
				require.NoError(t, err)
				b, err := dst.FindQuestion(ctx, id)
				require.NoError(t, err)
				assert.Equal(t, a, b, "question %d", id)
				ae, err := src.FindQuestionEvents(ctx, id, 50)
				require.NoError(t, err)
				be, err := dst.FindQuestionEvents(ctx, id, 50)
				require.NoError(t, err)
				assert.Equal(t, ae, be, "question %d's history", id)
			}
			found, err := dst.Search(ctx, claimtrack.ParseQuery("delegation Riyadh"), 0, 10, 10)
			require.NoError(t, err)
			require.Len(t, found.Questions, 1)
			for _, id := range []int64{1, 2, 3, 50, 200} {
				a, err := src.FindSourceRecord(ctx, id)
				require.NoError(t, err)
				b, err := dst.FindSourceRecord(ctx, id)
				require.NoError(t, err)
				assert.Equal(t, a, b, "source %d's record", id)
			}
			require.NoError(t, dst.IntegrityCheck(ctx))
			require.NoError(t, dst.CheckSearchIndex(ctx))
			hits, err := dst.Search(ctx, claimtrack.ParseQuery("Izvestia"), 0, 10, 10)
			require.NoError(t, err)
			assert.NotEmpty(t, hits.Sources, "the search index knows the imported sources")
			hits, err = dst.Search(ctx, claimtrack.ParseQuery("Kommersant daily"), 0, 10, 10)
			require.NoError(t, err)
			require.Len(t, hits.Sources, 1, "and their aliases")
			peskov, err := dst.FindSourceByName(ctx, "the kremlin spokesman")
			require.NoError(t, err)
			assert.Equal(t, "Dmitry Peskov", peskov.Name)
			recent, _, err := dst.FindEvents(ctx, claimtrack.EventFilter{Limit: 1})
			require.NoError(t, err)
			require.Len(t, recent, 1)
			assert.Equal(t, claimtrack.EventDataImported, recent[0].Type)
			assert.Equal(t, "importer", recent[0].Actor, "the import is in the history with the importing user")
		})
	}
}

// reReview maps the claims to be reviewed again to the time their new
// evidence came.
func reReview(t *testing.T, db *sqlite.DB) map[int64]string {
	t.Helper()
	rows, err := rawDB(t, db).Query(`SELECT id, new_evidence_at FROM claims WHERE new_evidence_at <> ''`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var at string
		require.NoError(t, rows.Scan(&id, &at))
		out[id] = at
	}
	require.NoError(t, rows.Err())
	return out
}

// Importing a file with one bad row in 10,000 writes nothing and names it.
func TestImport_OneBadRowWritesNothing_Volume(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := &dump.Dump{Format: dump.Format, Version: dump.Version}
	d.Sources = append(d.Sources, dump.Source{ID: 1, Name: "Wire", Kind: "agency", CreatedAt: "2025-01-01T00:00:00.000000Z"})
	for i := 1; i <= 5000; i++ {
		d.Claims = append(d.Claims, dump.Claim{ID: int64(i), Text: fmt.Sprintf("Imported claim number %d says something.", i),
			Kind: "statement", Status: "unverified", Version: 1, CreatedAt: "2025-01-01T00:00:00.000000Z", UpdatedAt: "2025-01-01T00:00:00.000000Z"})
		d.Evidence = append(d.Evidence, dump.Evidence{ID: int64(i), ClaimID: int64(i), SourceID: 1, Stance: "reports",
			CreatedAt: "2025-01-01T00:00:00.000000Z"})
	}
	d.Claims[3456].Status = "maybe"
	require.Equal(t, 10001, d.Rows())
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	before := map[string]int{}
	for _, table := range dump.Tables {
		var n int
		require.NoError(t, raw.QueryRow(`SELECT count(*) FROM `+string(table)).Scan(&n))
		before[string(table)] = n
	}
	_, err := db.ImportDump(ctx, d, "importer", "bad.json", false)
	var problems dump.Problems
	require.ErrorAs(t, err, &problems)
	require.Len(t, problems, 1)
	assert.Equal(t, dump.TableClaims, problems[0].Table)
	assert.Equal(t, 3457, problems[0].Row)
	assert.EqualValues(t, 3457, problems[0].ID)
	assert.Equal(t, "status", problems[0].Field)
	assert.Contains(t, err.Error(), "claims row 3457, id 3457, field status")
	for _, table := range dump.Tables {
		var n int
		require.NoError(t, raw.QueryRow(`SELECT count(*) FROM `+string(table)).Scan(&n))
		assert.Equal(t, before[string(table)], n, "nothing written to %s", table)
	}

	// Fixed, a dry run says what would change and still writes nothing.
	d.Claims[3456].Status = "refuted"
	res, err := db.ImportDump(ctx, d, "importer", "good.json", true)
	require.NoError(t, err)
	assert.True(t, res.DryRun)
	assert.Equal(t, 5000, res.Claims)
	var n int
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM claims`).Scan(&n))
	assert.Zero(t, n)
	res, err = db.ImportDump(ctx, d, "importer", "good.json", false)
	require.NoError(t, err)
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM claims`).Scan(&n))
	assert.Equal(t, 5000, n)
}

// Into a tracker that has data, an import adds the file's rows with new ids:
// a report already here is left out with its claims, sources of the same
// name are linked, and the history comes along with its references mapped.
func TestImport_Merge_Volume(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := sourceDB(t)
	d, _ := exportJSON(t, src)

	dst := MustOpenDB(t)
	_, err := seeds.Load(ctx, dst)
	require.NoError(t, err)
	local := mustCreateClaim(t, dst, "A claim only this tracker has.")
	res, err := dst.ImportDump(ctx, d, "importer", "desk-b.json", false)
	require.NoError(t, err)
	assert.False(t, res.Restore)
	assert.Equal(t, 1, res.ReportsSkipped)
	assert.Equal(t, 8, res.ClaimsSkipped, "the seed's claims are here already")
	assert.Equal(t, 1000, res.Claims)
	assert.GreaterOrEqual(t, res.SourcesMatched, 7, "the seed's sources")
	assert.Contains(t, res.Summary(), "1000 claims")

	raw := rawDB(t, dst)
	var claims int
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM claims`).Scan(&claims))
	assert.Equal(t, 8+1+1000, claims)
	got, err := dst.FindClaimByID(ctx, local.ID)
	require.NoError(t, err)
	assert.Equal(t, local.Text, got.Text, "the tracker's own claims are untouched")

	// Generated claim 20 of the file: found by its text, with its links and
	// its history, the removed link's two events sharing one new evidence id.
	orig, err := src.FindClaimByID(ctx, 20)
	require.NoError(t, err)
	var id int64
	require.NoError(t, raw.QueryRow(`SELECT id FROM claims WHERE text = ?`, orig.Text).Scan(&id))
	assert.NotEqual(t, orig.ID, id)
	copied, err := dst.FindClaimByID(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, orig.Status, copied.Status)
	assert.Equal(t, orig.Version, copied.Version)
	origEvents, err := src.FindClaimEvents(ctx, 20)
	require.NoError(t, err)
	events, err := dst.FindClaimEvents(ctx, id)
	require.NoError(t, err)
	require.Equal(t, len(origEvents), len(events))
	removedIDs := map[int64]int{}
	for i, e := range events {
		assert.Equal(t, origEvents[i].Type, e.Type)
		assert.Equal(t, origEvents[i].At, e.At)
		if e.Type == claimtrack.EventEvidenceAdded || e.Type == claimtrack.EventEvidenceRemoved {
			if e.After["source"] == "Izvestia" || e.Before["source"] == "Izvestia" {
				removedIDs[e.EvidenceID]++
			}
		}
	}
	require.Len(t, removedIDs, 1, "added and removed name one link")
	for eid, n := range removedIDs {
		assert.Equal(t, 2, n)
		var exists bool
		require.NoError(t, raw.QueryRow(`SELECT EXISTS (SELECT 1 FROM evidence WHERE id = ?)`, eid).Scan(&exists))
		assert.False(t, exists, "the removed link's id is no current link's")
	}
	// The records kept equal what a replay of the merged history gives.
	before := recordRows(t, raw)
	require.NoError(t, dst.RebuildReliability(ctx))
	assert.Equal(t, before, recordRows(t, raw))
	require.NoError(t, dst.IntegrityCheck(ctx))
	require.NoError(t, dst.CheckSearchIndex(ctx))

	// The same file again adds its claims again (claims have no key), but
	// every source is now matched.
	res, err = dst.ImportDump(ctx, d, "importer", "desk-b.json", true)
	require.NoError(t, err)
	assert.Zero(t, res.Sources)
}

// A claims sheet becomes claims, links and verdicts as if an editor had made
// them, in the history by the importing user; a row the database refuses
// (a new source without a kind) writes nothing and is named.
func TestImportSheet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	_, err := seeds.Load(ctx, db)
	require.NoError(t, err)
	raw := rawDB(t, db)
	sheet := "text,status,verdict_note,source,source_kind,stance,via\n" +
		"Lavrov will meet Rubio in Istanbul.,refuted,They met in Riyadh.,le point,,asserts,Unnamed sources cited by Le Point\n" +
		",,,Izvestia,outlet,disputes,\n" +
		"A second claim from the sheet.,,,Izvestia,,supports,\n"
	claims, err := dump.ReadClaimsSheet(strings.NewReader(sheet))
	require.NoError(t, err)
	var before int
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM claims`).Scan(&before))

	res, err := db.ImportSheet(ctx, claims, "sheet-editor", "desk.csv", true)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Claims)
	assert.Equal(t, 1, res.Sources, "Izvestia is new")
	assert.Equal(t, 3, res.Evidence)
	var n int
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM claims`).Scan(&n))
	assert.Equal(t, before, n, "a dry run writes nothing")

	res, err = db.ImportSheet(ctx, claims, "sheet-editor", "desk.csv", false)
	require.NoError(t, err)
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM claims`).Scan(&n))
	assert.Equal(t, before+2, n)
	var id int64
	require.NoError(t, raw.QueryRow(`SELECT id FROM claims WHERE text = 'Lavrov will meet Rubio in Istanbul.'`).Scan(&id))
	c, err := db.FindClaimByID(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, claimtrack.StatusRefuted, c.Status)
	assert.Equal(t, "They met in Riyadh.", c.VerdictNote)
	links, err := db.FindClaimEvidence(ctx, id)
	require.NoError(t, err)
	require.Len(t, links, 2)
	assert.Equal(t, "Le Point", links[0].Source.Name, "an existing source, found ignoring case")
	require.NotNil(t, links[0].Via)
	assert.Equal(t, "Unnamed sources cited by Le Point", links[0].Via.Name)
	events, err := db.FindClaimEvents(ctx, id)
	require.NoError(t, err)
	for _, e := range events {
		assert.Equal(t, "sheet-editor", e.Actor)
	}
	assert.Len(t, events, 4, "created, two links, the verdict")
	rec, err := db.FindSourceRecord(ctx, links[0].SourceID)
	require.NoError(t, err)
	assert.Positive(t, rec.Credit.DisagreeHalves, "Le Point's record counts the refuted claim it asserted")

	bad := "text,source,stance\nOne more claim from a sheet.,Brand New Outlet,asserts\n"
	claims, err = dump.ReadClaimsSheet(strings.NewReader(bad))
	require.NoError(t, err)
	_, err = db.ImportSheet(ctx, claims, "sheet-editor", "bad.csv", false)
	assert.ErrorContains(t, err, "sheet row 1 (line 2), field source_kind")
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM claims`).Scan(&n))
	assert.Equal(t, before+2, n, "nothing written")
}

// Edits of links come back from an export: the events as they were, and,
// replayed after the import, the same source records and score histories,
// both in a restore and in a merge (where the source ids the edits name
// change).
func TestImport_EvidenceEdited(t *testing.T) {
	ctx := context.Background()
	src := MustOpenDB(t)
	c1 := mustCreateClaim(t, src, "The minister will resign before the summit.")
	c2 := mustCreateClaim(t, src, "The summit will take place in Geneva in June.")
	unnamed := mustLinkEvidence(t, src, c1.ID, "Unnamed officials", claimtrack.StanceAsserts, 0)
	paper := mustLinkEvidence(t, src, c1.ID, "The Daily Paper", claimtrack.StanceAsserts, unnamed.SourceID)
	wire := mustLinkEvidence(t, src, c2.ID, "Wire Agency", claimtrack.StanceReports, 0)
	mustSetStatus(t, src, c1.ID, claimtrack.StatusRefuted)
	editLink(t, src, paper, paper.SourceID, claimtrack.StanceDisputes, 0)
	editLink(t, src, unnamed, wire.SourceID, claimtrack.StanceSupports, paper.SourceID)
	moved := mustEditEvidence(t, src, c2.ID, wire.ID, claimtrack.EvidenceInput{SourceName: "Press Office", SourceKind: claimtrack.SourcePerson,
		Stance: claimtrack.StanceAsserts, Quote: "It will be in Geneva.", URL: "https://example.org/a", Note: "Corrected source."})
	mustSetStatus(t, src, c2.ID, claimtrack.StatusConfirmed)
	d, _ := exportJSON(t, src)
	edits := 0
	for _, e := range d.Events {
		if e.Type == string(claimtrack.EventEvidenceEdited) {
			edits++
		}
	}
	require.Equal(t, 3, edits)

	records := func(db *sqlite.DB) map[string]claimtrack.SourceRecord {
		t.Helper()
		list, _, err := db.FindSources(ctx, claimtrack.SourceFilter{Limit: 100})
		require.NoError(t, err)
		out := map[string]claimtrack.SourceRecord{}
		for _, s := range list {
			out[s.Name] = s.Record
		}
		return out
	}
	history := func(db *sqlite.DB, name string) []string {
		t.Helper()
		var id int64
		require.NoError(t, rawDB(t, db).QueryRow(`SELECT id FROM sources WHERE name = ?`, name).Scan(&id))
		changes, err := db.FindScoreChanges(ctx, id, 0, 100)
		require.NoError(t, err)
		var out []string
		for _, ch := range changes {
			out = append(out, fmt.Sprintf("%d %s %s %v %v %d/%d %s", ch.N, ch.Stance, ch.Status, ch.Relayed, ch.Removed,
				ch.Credit.AgreeHalves, ch.Credit.DisagreeHalves, ch.Effect()))
		}
		return out
	}
	want := records(src)
	require.Equal(t, 1, want["Press Office"].Claims)
	require.Equal(t, claimtrack.Credit{AgreeHalves: 2}, want["Press Office"].Credit)

	t.Run("Restore", func(t *testing.T) {
		dst := MustOpenDB(t)
		res, err := dst.ImportDump(ctx, d, "importer", "edits.json", false)
		require.NoError(t, err)
		require.True(t, res.Restore)
		got, _ := exportJSON(t, dst)
		got = withoutImportEvent(t, got)
		want := *d
		want.ExportedAt = ""
		assert.Equal(t, want.Events, got.Events)
		assert.Equal(t, want.Evidence, got.Evidence)
		raw, rawSrc := rawDB(t, dst), rawDB(t, src)
		assert.Equal(t, recordRows(t, rawSrc), recordRows(t, raw))
		assert.Equal(t, queryRows(t, rawSrc, `SELECT * FROM source_score_history ORDER BY source_id, n`),
			queryRows(t, raw, `SELECT * FROM source_score_history ORDER BY source_id, n`))
		links, err := dst.FindClaimEvidence(ctx, c2.ID)
		require.NoError(t, err)
		require.Len(t, links, 1)
		assert.Equal(t, moved.ID, links[0].ID)
		assert.Equal(t, "Press Office", links[0].Source.Name)
	})
	t.Run("Merge", func(t *testing.T) {
		dst := MustOpenDB(t)
		// Sources of its own first, so the file's source ids mean others here.
		mustLink(t, dst, mustCreateClaim(t, dst, "A claim only this tracker has.").ID, "A Local Outlet", claimtrack.StanceAsserts, 0)
		_, err := dst.CreateSource(ctx, claimtrack.SourceInput{Name: "Another Local Outlet", Kind: claimtrack.SourceOutlet}, "local")
		require.NoError(t, err)
		res, err := dst.ImportDump(ctx, d, "importer", "edits.json", false)
		require.NoError(t, err)
		require.False(t, res.Restore)
		got := records(dst)
		for name, r := range want {
			assert.Equal(t, r, got[name], "%s's record", name)
		}
		for _, name := range []string{"Unnamed officials", "The Daily Paper", "Wire Agency", "Press Office"} {
			assert.Equal(t, history(src, name), history(dst, name), "%s's changes", name)
		}
		require.NoError(t, dst.IntegrityCheck(ctx))
	})
}

// A merge matches a file's source by name or by an alias here, and the
// source here keeps its own aliases; a new source brings its aliases, less
// those that already name a source here, which are counted.
func TestImport_Merge_Aliases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := MustOpenDB(t)
	mustCreateSource(t, src, "Anatoly Krasnov", "Krasnov", "the ministry spokesman")
	mustCreateSource(t, src, "Irina Belova", "Belova", "I. Belova", "the deputy minister")
	d, _ := exportJSON(t, src)

	dst := MustOpenDB(t)
	here := mustCreateSource(t, dst, "Tolya Krasnov", "Anatoly Krasnov", "A. Krasnov")
	mustCreateSource(t, dst, "Belova")
	mustCreateSource(t, dst, "Deputy", "the deputy minister")
	res, err := dst.ImportDump(ctx, d, "importer", "other.json", false)
	require.NoError(t, err)
	assert.Equal(t, 1, res.SourcesMatched, "Anatoly Krasnov is an alias here")
	assert.Equal(t, 1, res.Sources)
	assert.Equal(t, 2, res.AliasesDropped)
	assert.Contains(t, res.Summary(), "2 other names left out, already naming a source here")

	got, err := dst.FindSourceByID(ctx, here.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"Anatoly Krasnov", "A. Krasnov"}, got.Aliases, "the source here keeps its aliases")
	belova, err := dst.FindSourceByName(ctx, "Irina Belova")
	require.NoError(t, err)
	assert.Equal(t, []string{"I. Belova"}, belova.Aliases)
	require.NoError(t, dst.CheckSearchIndex(ctx))
	res2, err := dst.Search(ctx, claimtrack.ParseQuery("\"I. Belova\""), 0, 10, 5)
	require.NoError(t, err)
	require.Len(t, res2.Sources, 1)
	assert.Equal(t, belova.ID, res2.Sources[0].ID)
}

// recordsQuery reads the rows of source_stats without their revision and
// its time (migration 0021), which say when a record was written, not what
// it holds.
func recordsQuery(t *testing.T, raw *sql.DB) string {
	t.Helper()
	var cols string
	require.NoError(t, raw.QueryRow(`SELECT group_concat(name, ', ') FROM pragma_table_info('source_stats')
		WHERE name NOT IN ('rev', 'changed_at')`).Scan(&cols))
	return `SELECT ` + cols + ` FROM source_stats ORDER BY source_id`
}

// recordRows are the rows recordsQuery reads.
func recordRows(t *testing.T, raw *sql.DB) [][]string {
	t.Helper()
	return queryRows(t, raw, recordsQuery(t, raw))
}
