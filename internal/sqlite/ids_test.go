package sqlite_test

import (
	"context"
	"database/sql"
	"os"
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

// A database made at the schema before the migration keeps every id and
// row, its indexes and triggers, and an id only the history names (a link
// removed before the upgrade) is not reused after it. The database is
// testdata/schema-0011.db, made by the code of that schema: a report, links
// added and removed (the newest one too, so that only the history names
// it), a verdict, an account with a token and a session, tagged claims.
func TestIDs_MigrationKeepsIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := oldDatabase(t)
	raw0, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	var removed, lastRemoved int64
	require.NoError(t, raw0.QueryRow(`SELECT min(evidence_id), max(evidence_id) FROM events WHERE type = 'evidence_removed'`).
		Scan(&removed, &lastRemoved))
	require.Equal(t, lastRemoved, int64(count(t, raw0, `SELECT max(id) FROM evidence`))+1, "the newest link was removed")
	c := &claimtrack.Claim{}
	require.NoError(t, raw0.QueryRow(`SELECT id FROM claims WHERE text = 'Taxes will fall.'`).Scan(&c.ID))
	var ddl string
	require.NoError(t, raw0.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'evidence'`).Scan(&ddl))
	require.NotContains(t, ddl, "AUTOINCREMENT", "the old schema is the one before the migration")
	before := map[string][][]string{}
	cols := map[string]string{} // the columns each table had: later migrations add some
	for _, table := range append(idTables, "claim_status_counts", "tag_status_counts", "source_changes", "claim_search", "source_search",
		"claim_tags", "sessions", "events", "source_stats", "source_score_history") {
		if strings.HasSuffix(table, "_search") {
			// Their rows keep their ids; migration 0018 rebuilds their text.
			before[table] = queryRows(t, raw0, `SELECT rowid FROM `+table+` ORDER BY rowid`)
		} else if table == "source_stats" {
			before[table] = queryRows(t, raw0, oldStats)
		} else if table == "claim_status_counts" || table == "tag_status_counts" || table == "claim_tags" || table == "sessions" || table == "source_score_history" {
			before[table] = queryRows(t, raw0, `SELECT * FROM `+table+` ORDER BY 1, 2`)
		} else {
			cols[table] = columnsOf(t, raw0, table)
			before[table] = queryRows(t, raw0, `SELECT `+cols[table]+` FROM `+table+` ORDER BY id`)
		}
	}
	schemaQuery := `SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`
	schemaBefore := queryRows(t, raw0, schemaQuery)
	raw0.Close()

	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	db.Now = func() time.Time { return fixedNow.Add(time.Hour) }
	t.Cleanup(func() { db.Close() })
	raw := rawDB(t, db)
	for table, rows := range before {
		if strings.HasSuffix(table, "_search") {
			require.Equal(t, rows, queryRows(t, raw, `SELECT rowid FROM `+table+` ORDER BY rowid`), table)
		} else if table == "source_stats" {
			require.Equal(t, rows, queryRows(t, raw, oldStats), "the records rebuilt with their parts are the same records")
		} else if table == "claim_status_counts" || table == "tag_status_counts" || table == "claim_tags" || table == "sessions" || table == "source_score_history" {
			require.Equal(t, rows, queryRows(t, raw, `SELECT * FROM `+table+` ORDER BY 1, 2`), table)
		} else {
			require.Equal(t, rows, queryRows(t, raw, `SELECT `+cols[table]+` FROM `+table+` ORDER BY id`), table)
		}
	}
	schemaAfter := queryRows(t, raw, schemaQuery)
	// Later migrations replace an index or two with better ones.
	replaced := map[string]string{"claims_report": "claims_report_status"}
	for _, row := range schemaBefore {
		if by, ok := replaced[row[1]]; ok {
			row = []string{row[0], by, row[2]}
		}
		require.Contains(t, schemaAfter, row, "every table, index and trigger is there again")
	}
	require.Positive(t, count(t, raw, `SELECT count(*) FROM source_stats WHERE s_agree2 + s_disagree2 + s_open > 0`),
		"the records got their parts")
	require.NoError(t, db.IntegrityCheck(ctx))
	require.NoError(t, db.CheckSearchIndex(ctx))

	// Ids go on above every id used, the removed links' included.
	again, err := db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Treasury", Stance: claimtrack.StanceSupports}, "tester")
	require.NoError(t, err)
	require.Greater(t, again.ID, lastRemoved, "a link removed before the upgrade gave its id to a new one")
	require.Greater(t, lastRemoved, removed)
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

// oldStats are source_stats' columns before records had parts.
const oldStats = `SELECT source_id, agree2, disagree2, open, claims, changes, enough, round(mean, 9), round(low, 9), round(high, 9)
	FROM source_stats ORDER BY source_id`

// oldDatabase copies testdata/schema-0011.db, a database made by the code
// of the schema of migration 0011, and returns the copy's path.
func oldDatabase(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	b, err := os.ReadFile(filepath.Join("testdata", "schema-0011.db"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path
}

// columnsOf lists a table's columns, comma-separated.
func columnsOf(t *testing.T, raw *sql.DB, table string) string {
	t.Helper()
	var cols []string
	for _, row := range queryRows(t, raw, `SELECT name FROM pragma_table_info('`+table+`') ORDER BY cid`) {
		cols = append(cols, row[0])
	}
	require.NotEmpty(t, cols, table)
	return strings.Join(cols, ", ")
}

// rawDBAt opens a plain connection to the database file at path.
func rawDBAt(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	t.Cleanup(func() { raw.Close() })
	return raw
}
