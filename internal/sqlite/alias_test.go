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

// mustCreateSource makes a person source with aliases, through the storage API.
func mustCreateSource(t *testing.T, db *sqlite.DB, name string, aliases ...string) *claimtrack.Source {
	t.Helper()
	s, err := db.CreateSource(context.Background(), claimtrack.SourceInput{Name: name, Kind: claimtrack.SourcePerson,
		Role: "Spokesman", Aliases: aliases}, "editor")
	require.NoError(t, err)
	return s
}

// Aliases are stored in order, without duplicates (ignoring case and
// spaces) or the source's own name, and recorded in the history one per line.
func TestSourceAliases_Stored(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	s := mustCreateSource(t, db, "Anatoly Krasnov", " Krasnov ", "the  ministry spokesman", "KRASNOV", "anatoly krasnov", "")
	assert.Equal(t, []string{"Krasnov", "the ministry spokesman"}, s.Aliases)

	got, err := db.FindSourceByID(ctx, s.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"Krasnov", "the ministry spokesman"}, got.Aliases)

	events, _, err := db.FindEvents(ctx, claimtrack.EventFilter{SourceID: s.ID, Limit: 10})
	require.NoError(t, err)
	require.Len(t, events, 1)
	created, ok := events[0].Payload.(claimtrack.SourceCreated)
	require.True(t, ok)
	assert.Equal(t, []string{"Krasnov", "the ministry spokesman"}, created.Source.Aliases)
	assert.Equal(t, "Krasnov\nthe ministry spokesman", events[0].After["aliases"], "one field, one alias per line")

	// An alias finds the source as its name does, ignoring case.
	byAlias, err := db.FindSourceByName(ctx, "THE MINISTRY SPOKESMAN")
	require.NoError(t, err)
	assert.Equal(t, s.ID, byAlias.ID)

	// An edit records the change of aliases; an edit changing nothing
	// records nothing.
	in := claimtrack.SourceInput{Name: s.Name, Kind: s.Kind, Role: s.Role, Aliases: []string{"the ministry spokesman", "A. Krasnov"}}
	_, err = db.UpdateSource(ctx, s.ID, in, "editor")
	require.NoError(t, err)
	_, err = db.UpdateSource(ctx, s.ID, in, "editor")
	require.NoError(t, err)
	events, _, err = db.FindEvents(ctx, claimtrack.EventFilter{SourceID: s.ID, Limit: 10})
	require.NoError(t, err)
	require.Len(t, events, 2)
	edited, ok := events[0].Payload.(claimtrack.SourceEdited)
	require.True(t, ok)
	assert.Equal(t, claimtrack.Changes{{Field: "aliases", Before: "Krasnov\nthe ministry spokesman", After: "the ministry spokesman\nA. Krasnov"}},
		edited.Changes)
	_, err = db.FindSourceByName(ctx, "Krasnov")
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err), "an alias taken off no longer names the source")

	// Taking every alias off records that too.
	in.Aliases = nil
	_, err = db.UpdateSource(ctx, s.ID, in, "editor")
	require.NoError(t, err)
	got, err = db.FindSourceByID(ctx, s.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Aliases)
	events, _, err = db.FindEvents(ctx, claimtrack.EventFilter{SourceID: s.ID, Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, claimtrack.Changes{{Field: "aliases", Before: "the ministry spokesman\nA. Krasnov", After: ""}}, events[0].Changes())
}

// An alias may not be another source's name or alias, nor a name another
// source's alias; aliases are validated as names, and there are at most 20.
func TestSourceAliases_Rules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	first := mustCreateSource(t, db, "Anatoly Krasnov", "Krasnov")
	mustCreateSource(t, db, "Irina Belova")

	create := func(name string, aliases ...string) map[string]string {
		t.Helper()
		_, err := db.CreateSource(ctx, claimtrack.SourceInput{Name: name, Kind: claimtrack.SourcePerson, Aliases: aliases}, "editor")
		require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err), "%v", err)
		return claimtrack.FieldErrors(err)
	}
	assert.Equal(t, "“anatoly krasnov” is already a name of Anatoly Krasnov.", create("Boris Krasnov", "anatoly krasnov")["aliases"])
	assert.Equal(t, "“KRASNOV” is already a name of Anatoly Krasnov.", create("Boris Krasnov", "B. Krasnov", "KRASNOV")["aliases"])
	assert.Equal(t, "“Krasnov” is another name of Anatoly Krasnov.", create("Krasnov")["name"])
	assert.Contains(t, create("Boris Krasnov", "a\x07b")["aliases"], "control characters")
	assert.Contains(t, create("Boris Krasnov", "B")["aliases"], "at least 2 characters")
	many := make([]string, claimtrack.SourceAliasesMax+1)
	for i := range many {
		many[i] = "Name " + strconv.Itoa(i)
	}
	assert.Equal(t, "Give at most 20 other names (there are 21).", create("Boris Krasnov", many...)["aliases"])
	// Every problem at once: a taken name and a taken alias.
	errs := create("Irina Belova", "Krasnov")
	assert.Equal(t, "A source named “Irina Belova” already exists.", errs["name"])
	assert.Equal(t, "“Krasnov” is already a name of Anatoly Krasnov.", errs["aliases"])

	// 20 are fine; an edit may keep a source's own aliases, and may not take
	// another's.
	ok, err := db.CreateSource(ctx, claimtrack.SourceInput{Name: "Boris Krasnov", Kind: claimtrack.SourcePerson, Aliases: many[:20]}, "editor")
	require.NoError(t, err)
	assert.Len(t, ok.Aliases, 20)
	_, err = db.UpdateSource(ctx, first.ID, claimtrack.SourceInput{Name: "Anatoly Krasnov", Kind: claimtrack.SourcePerson,
		Aliases: []string{"Krasnov", "A. Krasnov"}}, "editor")
	require.NoError(t, err)
	_, err = db.UpdateSource(ctx, first.ID, claimtrack.SourceInput{Name: "Anatoly Krasnov", Kind: claimtrack.SourcePerson,
		Aliases: []string{"Name 3"}}, "editor")
	assert.Equal(t, "“Name 3” is already a name of Boris Krasnov.", claimtrack.FieldErrors(err)["aliases"])
	// Renamed to one of its own aliases, a source drops that alias.
	s, err := db.UpdateSource(ctx, first.ID, claimtrack.SourceInput{Name: "A. Krasnov", Kind: claimtrack.SourcePerson,
		Aliases: []string{"Krasnov", "A. Krasnov", "Anatoly Krasnov"}}, "editor")
	require.NoError(t, err)
	assert.Equal(t, []string{"Krasnov", "Anatoly Krasnov"}, s.Aliases)
}

// Search finds a source and its claims by an alias; the hit says which
// alias matched; the index built on open and rebuilt agrees with the one
// kept up to date.
func TestSourceAliases_Search(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	s := mustCreateSource(t, db, "Anatoly Krasnov")
	c := mustCreateClaim(t, db, "The ministry will publish the figures next week.")
	mustLink(t, db, c.ID, s.Name, claimtrack.StanceAsserts, 0)
	// The aliases come after the link: the claim's index row follows them.
	_, err := db.UpdateSource(ctx, s.ID, claimtrack.SourceInput{Name: s.Name, Kind: s.Kind, Role: s.Role,
		Aliases: []string{"Krasnov", "the ministry's voice"}}, "editor")
	require.NoError(t, err)

	check := func(t *testing.T) {
		res, err := db.Search(ctx, claimtrack.ParseQuery("voice"), 0, 10, 5)
		require.NoError(t, err)
		require.Len(t, res.Sources, 1, "the source is found by an alias")
		assert.Equal(t, s.ID, res.Sources[0].ID)
		require.Len(t, res.Hits, 1, "and so is its claim")
		assert.Equal(t, c.ID, res.Hits[0].Claim.ID)
		require.NotEmpty(t, res.Hits[0].Matches)
		m := res.Hits[0].Matches[0]
		assert.Equal(t, claimtrack.MatchAlias, m.Place)
		assert.Equal(t, "Anatoly Krasnov", m.Source)
		assert.Equal(t, "the ministry's voice", m.Passage.Plain(), "the alias that matched, alone")
	}
	check(t)
	require.NoError(t, db.CheckSearchIndex(ctx))
	raw := rawDB(t, db)
	rows := func() [][]string {
		return queryRows(t, raw, `SELECT rowid, name, role, aliases FROM source_search ORDER BY rowid`)
	}
	claimRows := func() [][]string {
		return queryRows(t, raw, `SELECT rowid, sources FROM claim_search ORDER BY rowid`)
	}
	kept, keptClaims := rows(), claimRows()
	assert.Equal(t, [][]string{{strconv.FormatInt(s.ID, 10), "Anatoly Krasnov", "Spokesman", "Krasnov\nthe ministry's voice"}}, kept)
	require.NoError(t, db.RebuildSearchIndex(ctx))
	assert.Equal(t, kept, rows())
	assert.Equal(t, keptClaims, claimRows())
	check(t)

	// Aliases taken off, the source and its claim are no longer found by them.
	_, err = db.UpdateSource(ctx, s.ID, claimtrack.SourceInput{Name: s.Name, Kind: s.Kind, Role: s.Role}, "editor")
	require.NoError(t, err)
	res, err := db.Search(ctx, claimtrack.ParseQuery("voice"), 0, 10, 5)
	require.NoError(t, err)
	assert.Empty(t, res.Sources)
	assert.Empty(t, res.Hits)
}

// "Did you mean": a name close to an alias offers the source, naming the
// alias; an exact alias is the source itself, not a near miss. The pickers'
// lists carry the aliases.
func TestSourceAliases_Similar(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	s := mustCreateSource(t, db, "Anatoly Krasnov", "Tolya Krasnoff", "the ministry spokesman")
	mustCreateSource(t, db, "Irina Belova")

	similar, err := db.FindSimilarSources(ctx, "Krasnoff", 5)
	require.NoError(t, err)
	require.Len(t, similar, 1)
	assert.Equal(t, s.ID, similar[0].Source.ID)
	assert.Equal(t, "Tolya Krasnoff", similar[0].Name)

	similar, err = db.FindSimilarSources(ctx, "ministry spokesmen", 5)
	require.NoError(t, err)
	require.Len(t, similar, 1, "one letter off in an alias")
	assert.Equal(t, "the ministry spokesman", similar[0].Name)

	similar, err = db.FindSimilarSources(ctx, "tolya krasnoff", 5)
	require.NoError(t, err)
	assert.Empty(t, similar, "an exact alias names the source: nothing to ask")

	choices, err := db.FindSourceChoices(ctx)
	require.NoError(t, err)
	require.Len(t, choices, 2)
	assert.Equal(t, "Anatoly Krasnov", choices[0].Name, "by name")
	assert.Equal(t, []string{"Tolya Krasnoff", "the ministry spokesman"}, choices[0].Aliases)

	all, complete, err := db.FindSourcesForIntake(ctx)
	require.NoError(t, err)
	assert.True(t, complete)
	require.Len(t, all, 2)
	assert.Equal(t, []string{"Tolya Krasnoff", "the ministry spokesman"}, all[0].Aliases)
	assert.Equal(t, "Irina Belova", all[1].Name)
}

// A tracker of an older schema gains the aliases table and an index of the
// new form on open: its sources and claims are found as before.
func TestSourceAliases_Migration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := oldDatabase(t)
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	raw := rawDBAt(t, path)
	assert.Equal(t, "name, role, aliases", columnsOf(t, raw, "source_search"))
	assert.Equal(t, count(t, raw, `SELECT count(*) FROM sources`), count(t, raw, `SELECT count(*) FROM source_search`))
	assert.Equal(t, count(t, raw, `SELECT count(*) FROM claims`), count(t, raw, `SELECT count(*) FROM claim_search`))
	require.NoError(t, db.CheckSearchIndex(ctx))
	// Each source's part of a claim's row is name, role and aliases.
	var sources string
	require.NoError(t, raw.QueryRow(`SELECT sources FROM claim_search WHERE sources <> '' ORDER BY rowid LIMIT 1`).Scan(&sources))
	assert.Zero(t, (countByte(sources, 0x1f)+1)%3, "%q", sources)
	res, err := db.Search(ctx, claimtrack.ParseQuery("Harbour"), 0, 10, 5)
	require.NoError(t, err)
	assert.NotEmpty(t, res.Sources)
	assert.NotEmpty(t, res.Hits)
}

func countByte(s string, b byte) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			n++
		}
	}
	return n
}
