package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A search's time budget ends its context, and the driver interrupts a
// statement only while it computes its first row: the steps after that are
// not watched. So every statement a search runs on the claims index must do
// all its work before its first row: an aggregate, or a sort that SQLite
// does itself (a temporary b-tree), which reads every row before returning
// one. A statement that streams its rows from the index (ORDER BY rowid,
// which FTS5 gives) could run past the budget uninterrupted.
func TestSearchStatements_WorkBeforeTheirFirstRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	require.NoError(t, err)
	defer db.Close()

	q := claimtrack.ParseQuery(`moscow OR kyiv "the talks" -ceasefire negot*`)
	expr := ftsExpr(q)
	type stmt struct {
		name string
		sql  string
		args []any
	}
	var stmts []stmt
	add := func(name, sql string, args ...any) { stmts = append(stmts, stmt{name, sql, args}) }
	ranked, rargs := pageQuery(expr, true, 0, 25)
	add("ranked ids", ranked, rargs...)
	hits, hargs := hitsQuery(expr, []int64{3, 5, 8})
	add("hits", hits, hargs...)
	newest, nargs := newestHitsQuery(expr, 25, 25)
	add("newest hits", newest, nargs...)
	add("similar claims", similarClaimsSQL, `text : ("moscow" OR "talks")`, similarClaimCandidates)
	f := claimtrack.ClaimFilter{Query: q.String()}
	where, wargs := claimWhere(f, false)
	add("claims list counts", `SELECT c.status, count(*) FROM claims c`+where+` GROUP BY c.status`, wargs...)
	where, wargs = claimWhere(f, true)
	add("claims list page", `SELECT `+claimColumns+` FROM claims c`+where+`
			ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?`, append(wargs, 25, 0)...)

	for _, s := range stmts {
		rows, err := db.reader.QueryContext(ctx, `EXPLAIN QUERY PLAN `+s.sql, s.args...)
		require.NoError(t, err, s.name)
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
			plan = append(plan, detail)
		}
		require.NoError(t, rows.Err())
		rows.Close()
		text := strings.Join(plan, "\n")
		assert.Regexp(t, `USE TEMP B-TREE FOR (ORDER|GROUP) BY`, text, "%s: its rows stream from the index:\n%s", s.name, text)
	}
}
