package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/require"
)

// idTables are the tables whose ids events or outside systems hold.
var idTables = []string{"reports", "sources", "claims", "evidence", "users", "api_tokens"}

// removeNewestLink adds two links to a claim, removes the newer and adds
// another: it returns the removed link's id and the new one's.
func removeNewestLink(t *testing.T, db *sqlite.DB) (removed, added int64) {
	t.Helper()
	ctx := context.Background()
	c := mustCreateClaim(t, db, "The bridge will reopen in May.")
	_, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "City hall", SourceKind: claimtrack.SourceOrganisation,
		Stance: claimtrack.StanceAsserts}, "tester")
	require.NoError(t, err)
	e, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Harbour office", SourceKind: claimtrack.SourceOrganisation,
		Stance: claimtrack.StanceDisputes, URL: "https://example.org/a"}, "tester")
	require.NoError(t, err)
	c, err = db.FindClaimByID(ctx, c.ID)
	require.NoError(t, err)
	_, err = db.RemoveEvidence(ctx, c.ID, e.ID, claimtrack.EvidenceRemoval{Note: "Wrong claim.", Version: c.Version}, "tester")
	require.NoError(t, err)
	again, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Harbour office", Stance: claimtrack.StanceSupports}, "tester")
	require.NoError(t, err)
	return e.ID, again.ID
}

// A link's id is never given out again once it was removed: the history
// names it, and would otherwise point at the next link.
func TestIDs_EvidenceNotReused(t *testing.T) {
	t.Parallel()
	db := MustOpenDB(t)
	removed, added := removeNewestLink(t, db)
	require.Greater(t, added, removed, "the link added after the newest was removed took its id")

	raw := rawDB(t, db)
	for _, table := range idTables {
		var ddl string
		require.NoError(t, raw.QueryRow(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&ddl))
		require.Contains(t, ddl, "AUTOINCREMENT", "table %s can give a removed row's id to the next one", table)
	}
}

// tableRows reads every row of a table in id order, as text.
func tableRows(t *testing.T, raw *sql.DB, table string) [][]string {
	t.Helper()
	return queryRows(t, raw, `SELECT * FROM `+table+` ORDER BY id`)
}

// A database made at the schema before the migration keeps every id and
// row, its indexes and triggers, and an id only the history names (a link
// removed before the upgrade) is not reused after it.
func TestIDs_MigrationKeepsIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sqlite.OpenUpTo(ctx, path, "migrations/0011_source_changes.sql")
	require.NoError(t, err)
	old.Now = func() time.Time { return fixedNow }
	_, _, err = old.ImportReport(ctx, claimtrack.ReportImport{Report: claimtrack.Report{Key: "r1", Title: "A report"}}, "tester")
	require.NoError(t, err)
	removed, _ := removeNewestLink(t, old)
	// The newest link again: removed, so that only the history names it.
	c := mustCreateClaim(t, old, "Taxes will fall.")
	e, err := old.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Treasury", SourceKind: claimtrack.SourceAgency,
		Stance: claimtrack.StanceAsserts}, "tester")
	require.NoError(t, err)
	c, err = old.FindClaimByID(ctx, c.ID)
	require.NoError(t, err)
	_, err = old.RemoveEvidence(ctx, c.ID, e.ID, claimtrack.EvidenceRemoval{Note: "Duplicate.", Version: c.Version}, "tester")
	require.NoError(t, err)
	mustSetStatus(t, old, c.ID, claimtrack.StatusRefuted)
	u, err := old.CreateUser(ctx, claimtrack.NewUser{Username: "editor1", Role: claimtrack.RoleEditor, Password: "a long enough password"}, "x", "tester", false)
	require.NoError(t, err)
	_, err = old.CreateAPIToken(ctx, u.ID, "sheet", "ctk_0123456789abcdef0123456789abcdef")
	require.NoError(t, err)
	require.NoError(t, old.CreateSession(ctx, u.ID, "a-session-token"))
	_, err = old.CreateClaim(ctx, claimtrack.ClaimInput{Text: "Tagged claims keep their tags.", Kind: claimtrack.KindStatement,
		Tags: []string{"budget", "taxes"}}, "tester")
	require.NoError(t, err)
	raw0, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	var ddl string
	require.NoError(t, raw0.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'evidence'`).Scan(&ddl))
	require.NotContains(t, ddl, "AUTOINCREMENT", "the old schema is the one before the migration")
	before := map[string][][]string{}
	for _, table := range append(idTables, "claim_status_counts", "tag_status_counts", "source_changes", "claim_search", "source_search",
		"claim_tags", "sessions", "events", "source_stats", "source_score_history") {
		if strings.HasSuffix(table, "_search") {
			before[table] = queryRows(t, raw0, `SELECT rowid, * FROM `+table+` ORDER BY rowid`)
		} else if table == "claim_status_counts" || table == "tag_status_counts" || table == "claim_tags" || table == "sessions" || table == "source_stats" || table == "source_score_history" {
			before[table] = queryRows(t, raw0, `SELECT * FROM `+table+` ORDER BY 1, 2`)
		} else {
			before[table] = tableRows(t, raw0, table)
		}
	}
	schemaQuery := `SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`
	schemaBefore := queryRows(t, raw0, schemaQuery)
	raw0.Close()
	require.NoError(t, old.Close())

	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	db.Now = func() time.Time { return fixedNow.Add(time.Hour) }
	t.Cleanup(func() { db.Close() })
	raw := rawDB(t, db)
	for table, rows := range before {
		if strings.HasSuffix(table, "_search") {
			require.Equal(t, rows, queryRows(t, raw, `SELECT rowid, * FROM `+table+` ORDER BY rowid`), table)
		} else if table == "claim_status_counts" || table == "tag_status_counts" || table == "claim_tags" || table == "sessions" || table == "source_stats" || table == "source_score_history" {
			require.Equal(t, rows, queryRows(t, raw, `SELECT * FROM `+table+` ORDER BY 1, 2`), table)
		} else {
			require.Equal(t, rows, tableRows(t, raw, table), table)
		}
	}
	require.Equal(t, schemaBefore, queryRows(t, raw, schemaQuery), "every table, index and trigger is there again")
	require.NoError(t, db.IntegrityCheck(ctx))
	require.NoError(t, db.CheckSearchIndex(ctx))

	// Ids go on above every id used, the removed links' included.
	again, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Treasury", Stance: claimtrack.StanceSupports}, "tester")
	require.NoError(t, err)
	require.Greater(t, again.ID, e.ID, "a link removed before the upgrade gave its id to a new one")
	require.Greater(t, e.ID, removed)
	// The triggers work on the rebuilt tables.
	n := count(t, raw, `SELECT n FROM claim_status_counts WHERE status = 'unverified'`)
	changes := count(t, raw, `SELECT n FROM source_changes`)
	c2 := mustCreateClaim(t, db, "Rents will rise.")
	require.Greater(t, c2.ID, c.ID)
	require.Equal(t, n+1, count(t, raw, `SELECT n FROM claim_status_counts WHERE status = 'unverified'`))
	_, err = db.CreateSource(ctx, claimtrack.SourceInput{Name: "New source", Kind: claimtrack.SourcePerson}, "tester")
	require.NoError(t, err)
	require.Equal(t, changes+1, count(t, raw, `SELECT n FROM source_changes`))
	// Foreign keys are on again and hold.
	_, err = db.AddEvidence(ctx, 9999, claimtrack.EvidenceInput{SourceName: "Nobody", SourceKind: "person", Stance: "asserts"}, "tester")
	require.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))
	require.NoError(t, db.IntegrityCheck(ctx))
}

// A restore brings back events naming links removed before the export; a
// link added after it gets an id above them, not one of theirs.
func TestIDs_RestoreKeepsRemovedIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := MustOpenDB(t)
	removed, _ := removeNewestLink(t, src)
	c := mustCreateClaim(t, src, "Taxes will fall.")
	e, err := src.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Treasury", SourceKind: claimtrack.SourceAgency,
		Stance: claimtrack.StanceAsserts}, "tester")
	require.NoError(t, err)
	c, err = src.FindClaimByID(ctx, c.ID)
	require.NoError(t, err)
	_, err = src.RemoveEvidence(ctx, c.ID, e.ID, claimtrack.EvidenceRemoval{Note: "Duplicate.", Version: c.Version}, "tester")
	require.NoError(t, err)
	require.Greater(t, e.ID, removed)
	d, _ := exportJSON(t, src)

	db := MustOpenDB(t)
	res, err := db.ImportDump(ctx, d, "tester", "export.json", false)
	require.NoError(t, err)
	require.True(t, res.Restore)
	again, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Treasury", Stance: claimtrack.StanceSupports}, "tester")
	require.NoError(t, err)
	require.Greater(t, again.ID, e.ID, "a new link took the id the restored history gives a removed one")
}
