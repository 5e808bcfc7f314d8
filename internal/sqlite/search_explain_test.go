package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/seeds"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seededDB is a fresh database holding the seed data.
func seededDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db := MustOpenDB(t)
	_, err := seeds.Load(context.Background(), db)
	require.NoError(t, err)
	return db
}

// hitsOf searches and returns the hits by claim id.
func hitsOf(t *testing.T, db *sqlite.DB, q string) map[int64]*claimtrack.SearchHit {
	t.Helper()
	res, err := db.SearchClaims(context.Background(), claimtrack.ParseQuery(q), 0, 25)
	require.NoError(t, err)
	out := map[int64]*claimtrack.SearchHit{}
	for _, h := range res.Hits {
		out[h.Claim.ID] = h
	}
	return out
}

func places(h *claimtrack.SearchHit) []claimtrack.MatchPlace {
	var out []claimtrack.MatchPlace
	for _, m := range h.Matches {
		out = append(out, m.Place)
	}
	return out
}

// marks returns the marked words of a passage.
func marks(h claimtrack.Highlight) []string {
	var out []string
	for _, f := range h {
		if f.Mark {
			out = append(out, f.Text)
		}
	}
	return out
}

// Each hit says where it matched besides its text, with the passage: the
// part that matched, not a window across two parts.
func TestSearch_HitsSayWhereTheyMatched(t *testing.T) {
	ctx := context.Background()
	db := seededDB(t)

	// Only claim 5's quote says "imagined".
	hits := hitsOf(t, db, "imagined")
	require.Len(t, hits, 1)
	h := hits[5]
	require.NotNil(t, h)
	assert.False(t, h.Text.Marked(), "the text did not match")
	assert.Equal(t, []claimtrack.MatchPlace{claimtrack.MatchQuote}, places(h))
	assert.Equal(t, "very constructive … The US side could not have imagined a better result.", h.Matches[0].Passage.Plain(),
		"the quote, without the link's note after it")
	assert.Equal(t, []string{"imagined"}, marks(h.Matches[0].Passage))
	assert.Equal(t, h.Matches[0].Passage, h.Snippet)

	// Claim 6 says "headline" in its context and in its link's note.
	h = hitsOf(t, db, "headline")[6]
	require.NotNil(t, h)
	assert.Equal(t, []claimtrack.MatchPlace{claimtrack.MatchContext, claimtrack.MatchNote}, places(h))
	assert.NotContains(t, h.Matches[0].Passage.Plain(), "Financial Times story itself", "the context alone")
	assert.True(t, strings.HasPrefix(h.Matches[1].Passage.Plain(), "Known here only"), h.Matches[1].Passage.Plain())

	// The Kremlin spokesman is Dmitry Peskov's role; claim 3's context says it too.
	h = hitsOf(t, db, "spokesman")[3]
	require.NotNil(t, h)
	assert.Equal(t, []claimtrack.MatchPlace{claimtrack.MatchRole, claimtrack.MatchContext}, places(h))
	assert.Equal(t, "Dmitry Peskov", h.Matches[0].Source)
	assert.Equal(t, "Kremlin spokesman", h.Matches[0].Passage.Plain())

	// Every claim is linked to the report, whose name says "outlet"; its
	// role, which says "report" too, is not listed when the name matched.
	hits = hitsOf(t, db, "outlet")
	require.Len(t, hits, 8)
	for id, h := range hits {
		require.Equal(t, []claimtrack.MatchPlace{claimtrack.MatchSource}, places(h), "claim %d", id)
		assert.Equal(t, "Victory Day report (outlet not named)", h.Matches[0].Source)
		assert.Equal(t, []string{"outlet"}, marks(h.Matches[0].Passage))
	}
	h = hitsOf(t, db, "report")[1]
	require.NotNil(t, h)
	assert.NotContains(t, places(h), claimtrack.MatchRole)

	// A tag, as well as the text.
	h = hitsOf(t, db, "technology")[7]
	require.NotNil(t, h)
	assert.True(t, h.Text.Marked())
	assert.Equal(t, claimtrack.MatchTag, h.Matches[0].Place)
	assert.Equal(t, "technology", h.Matches[0].Passage.Plain())

	// The verdict note, kept apart from the context.
	c, err := db.FindClaimByID(ctx, 2)
	require.NoError(t, err)
	_, err = db.SetClaimStatus(ctx, 2, claimtrack.StatusChange{Status: claimtrack.StatusRefuted,
		Note: "No such meeting was on the official schedule published by the White House.", Version: c.Version}, "tester")
	require.NoError(t, err)
	h = hitsOf(t, db, "schedule")[2]
	require.NotNil(t, h)
	assert.Equal(t, []claimtrack.MatchPlace{claimtrack.MatchVerdict}, places(h))
	assert.Equal(t, "No such meeting was on the official schedule published by the White House.", h.Matches[0].Passage.Plain())
}

// A misspelt word gets the word of the index's vocabulary one letter away
// that the most claims hold; words the index holds, short words, prefixes
// and excluded words get none, and the status and kind tokens of the index
// are never suggested.
func TestSuggestSpelling(t *testing.T) {
	ctx := context.Background()
	db := seededDB(t)
	suggest := func(q string) []claimtrack.Correction {
		t.Helper()
		got, err := db.SuggestSpelling(ctx, claimtrack.ParseQuery(q))
		require.NoError(t, err)
		return got
	}
	assert.Equal(t, []claimtrack.Correction{{Word: "peskof", With: "peskov"}}, suggest("peskof"))
	assert.Equal(t, []claimtrack.Correction{{Word: "moscw", With: "moscow"}, {Word: "peskof", With: "peskov"}}, suggest("Moscw Peskof"))
	// The index holds "ukrain" and "attend"; the suggestion is the word typed, respelt.
	assert.Equal(t, []claimtrack.Correction{{Word: "ukrane", With: "ukraine"}}, suggest("ukrane"))
	assert.Equal(t, []claimtrack.Correction{{Word: "attendng", With: "attending"}}, suggest("attendng"))
	assert.Equal(t, []claimtrack.Correction{{Word: "riyadg", With: "riyadh"}}, suggest(`source:witkoff OR tag:riyadg`))
	assert.Empty(t, suggest("peskov moscow"), "words the index holds")
	assert.Empty(t, suggest("xylophone"), "nothing one letter away")
	assert.Empty(t, suggest("nto"), "too short")
	assert.Empty(t, suggest("peskof*"), "a prefix")
	assert.Empty(t, suggest("nato -peskof"), "an excluded word")
	assert.Empty(t, suggest("statusrefutd kindforecats"), "the index's status and kind tokens are not words")
	assert.Empty(t, suggest("moscоw"), "a word with a letter outside a to z")

	// At most SpellWordsCorrected words get a suggestion, from the first
	// SpellWordsChecked words.
	assert.Len(t, suggest("peskof moscw ukrane attendng"), sqlite.SpellWordsCorrected)
	held := strings.Fields("peskov moscow riyadh witkoff rubio lavrov trump putin kremlin nato")[:sqlite.SpellWordsChecked]
	assert.Empty(t, suggest(strings.Join(held, " ")+" peskof"), "past the words checked")
	assert.NotEmpty(t, suggest(strings.Join(held[1:], " ")+" peskof"))
}

// Upgrading rebuilds the index with its parts separated, and the vocabulary
// can be read.
func TestOpen_MigratesSearchIndexToParts(t *testing.T) {
	ctx := context.Background()
	// A database made by the code of an older schema: its index holds the
	// parts joined by spaces.
	path := oldDatabase(t)
	raw := rawDBAt(t, path)
	require.Positive(t, count(t, raw, `SELECT count(*) FROM claim_search WHERE notes <> ''`))
	claims := count(t, raw, `SELECT count(*) FROM claims`)
	require.Positive(t, claims)

	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	raw = rawDB(t, db)
	assert.Equal(t, claims, count(t, raw, `SELECT count(*) FROM claim_search WHERE instr(context, char(31)) > 0`))
	claimRows := `SELECT rowid, text, tags, sources, context, notes, facets FROM claim_search ORDER BY rowid`
	migrated := queryRows(t, raw, claimRows)
	require.NoError(t, db.RebuildSearchIndex(ctx))
	assert.Equal(t, queryRows(t, raw, claimRows), migrated)
	assert.Positive(t, count(t, raw, `SELECT count(*) FROM claim_search_vocab`))
	assert.Positive(t, count(t, raw, `SELECT count(*) FROM source_search_vocab`))
	require.NoError(t, db.CheckSearchIndex(ctx))
}

// Names close to an existing source's are found; the source of that very
// name is not offered, nor are sources with a word in common only.
func TestFindSimilarSources(t *testing.T) {
	ctx := context.Background()
	db := seededDB(t)
	similar := func(name string) []string {
		t.Helper()
		got, err := db.FindSimilarSources(ctx, name, 3)
		require.NoError(t, err)
		var names []string
		for _, s := range got {
			require.NotNil(t, s.Source)
			assert.Equal(t, s.Source.Name, s.Name)
			names = append(names, s.Name)
		}
		return names
	}
	for _, typed := range []string{"Dmitri Peskov", "dmitry peskof", "Peskov", "Peskof", "Dmitry Peskov (Kremlin)", "Dmitry-Peskov"} {
		assert.Equal(t, []string{"Dmitry Peskov"}, similar(typed), typed)
	}
	assert.Equal(t, []string{"Marco Rubio"}, similar("Marco Rubbio"))
	assert.Equal(t, []string{"Financial Times"}, similar("The Financial Times"))
	assert.Empty(t, similar("DMITRY PESKOV"), "the same name is the same source")
	assert.Empty(t, similar("Le Monde"), "a word in common is not enough")
	assert.Empty(t, similar("Sergey Lavrov"))
	assert.Equal(t, []string{"Financial Times"}, similar("Times"), "half the words of the name")
	assert.Empty(t, similar("Victory Day"), "a third of the words of the name")
	assert.Empty(t, similar("..."))
}
