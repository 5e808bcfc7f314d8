package sqlite

import (
	"database/sql"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stemmedBySQLite returns the form FTS5's porter tokenizer gives each word,
// read back from an index holding them.
func stemmedBySQLite(t *testing.T, words []string) []string {
	t.Helper()
	conn, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	for _, q := range []string{
		`CREATE VIRTUAL TABLE w USING fts5 (word, tokenize = 'porter unicode61 remove_diacritics 2')`,
		`CREATE VIRTUAL TABLE wv USING fts5vocab(w, 'instance')`,
	} {
		_, err := conn.Exec(q)
		require.NoError(t, err)
	}
	tx, err := conn.Begin()
	require.NoError(t, err)
	for i, word := range words {
		_, err := tx.Exec(`INSERT INTO w (rowid, word) VALUES (?, ?)`, i+1, word)
		require.NoError(t, err)
	}
	require.NoError(t, tx.Commit())
	out := make([]string, len(words))
	rows, err := conn.Query(`SELECT term, doc FROM wv`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var term string
		var doc int
		require.NoError(t, rows.Scan(&term, &doc))
		out[doc-1] = term
	}
	require.NoError(t, rows.Err())
	return out
}

// The stemmer agrees with SQLite's on real words, on every suffix its rules
// know after many stems, and on random strings, which reach corners no
// dictionary does.
func TestStem_AgreesWithSQLite(t *testing.T) {
	words := strings.Fields(`peskov moscow ukraine attending attend victory parade constructive cooperation
		technology development finalized meeting progress ending withdraw eastern europe delegation included
		caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized hopping
		tanned falling hissing fizzed failing filing happy sky relational conditional rational valenci hesitanci
		digitizer conformabli radicalli differentli vileli analogousli vietnamization predication operator
		feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative
		formalize electriciti electrical hopeful goodness revival allowance inference airliner gyroscopic
		adjustable defensible irritant replacement adjustment dependent adoption homologou communism activate
		angulariti homologous effective bowdlerize probate rate cease controll roll eed yyed spyed syzygy`)
	bases := strings.Fields(`form relat condit hop fall cont nation sens organ decis adjust agree
		respons generat oper electr structur valu argu abl fil plan tap y cr b ha`)
	suffixes := strings.Fields(`s es ies sses ss ed eed ing ational tional enci anci izer logi bli alli entli
		eli ousli ization ation ator alism iveness fulness ousness aliti iviti biliti icate ative alize iciti ical
		ful ness al ance ence er ic able ible ant ement ment ent sion tion ion ou ism ate iti ous ive ize e ll y
		ying ied ings ations izing`)
	for _, b := range bases {
		for _, s := range suffixes {
			words = append(words, b+s)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const letters = "aaeeiioouuybcdfghlmnprsstttvwxz"
	for range 20000 {
		n := 3 + rng.IntN(10)
		var sb strings.Builder
		for range n {
			sb.WriteByte(letters[rng.IntN(len(letters))])
		}
		words = append(words, sb.String())
	}
	want := stemmedBySQLite(t, words)
	mismatches := 0
	for i, w := range words {
		if got := stem(w); got != want[i] {
			mismatches++
			if mismatches <= 20 {
				assert.Equal(t, want[i], got, "stem(%q)", w)
			}
		}
	}
	assert.Zero(t, mismatches, "of %d words", len(words))
}
