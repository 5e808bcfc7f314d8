// Spelling suggestions drawn from the search index's own vocabulary.

package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// Bounds of the work one spelling suggestion does. Each word is looked up
// once to learn whether any claim holds it; each word no claim holds is
// then compared with the index's vocabulary through its one-letter edits:
// at most 52n + 25 of them for a word of n letters (1,273 at
// 24 letters), looked up in one statement on the vocabulary table.
const (
	// SpellWordsChecked is the most words of a search looked up.
	SpellWordsChecked = 8
	// SpellWordsCorrected is the most words, of those no claim holds, for
	// which a spelling is looked for.
	SpellWordsCorrected = 3
	// SpellMinLetters and SpellMaxLetters bound the words looked at: a
	// shorter word has too many neighbours to choose from, a longer one is
	// rarely a typing slip.
	SpellMinLetters = 4
	SpellMaxLetters = 24
)

// SuggestSpelling returns, for each word of q's terms that no claim holds,
// the word of the search index's vocabulary one letter away (a letter left
// out, added, changed, or two swapped) that the most claims hold, when
// there is one. Only words of plain letters a to z, of SpellMinLetters to
// SpellMaxLetters, are looked at, SpellWordsChecked of them at most, and
// SpellWordsCorrected of those at most get a suggestion. Excluded terms and
// the last word of a prefix are left alone.
func (db *DB) SuggestSpelling(ctx context.Context, q claimtrack.SearchQuery) ([]claimtrack.Correction, error) {
	words := spellWords(q)
	if len(words) == 0 {
		return nil, nil
	}
	var out []claimtrack.Correction
	err := db.readTx(ctx, func(tx *Tx) error {
		unknown := 0
		for _, w := range words {
			var held bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM claim_search WHERE claim_search MATCH ?)`,
				ftsTerm(claimtrack.Term{Words: []string{w}})).Scan(&held); err != nil {
				return fmt.Errorf("sqlite: spelling: %w", err)
			}
			if held {
				continue
			}
			with, err := nearestTerm(ctx, tx, claimWords, w)
			if err != nil {
				return err
			}
			if with != "" {
				out = append(out, claimtrack.Correction{Word: w, With: with})
			}
			if unknown++; unknown == SpellWordsCorrected {
				break
			}
		}
		return nil
	})
	return out, err
}

// spellWords are the words of q a spelling suggestion looks at: lowercased,
// each once, in the order typed.
func spellWords(q claimtrack.SearchQuery) []string {
	var out []string
	seen := map[string]bool{}
	for _, g := range q.Groups {
		for _, t := range g {
			for i, w := range t.Words {
				if t.Prefix && i == len(t.Words)-1 {
					continue
				}
				w = strings.ToLower(w)
				if seen[w] || !plainWord(w) {
					continue
				}
				seen[w] = true
				if out = append(out, w); len(out) == SpellWordsChecked {
					return out
				}
			}
		}
	}
	return out
}

// plainWord reports whether w is SpellMinLetters to SpellMaxLetters letters
// a to z.
func plainWord(w string) bool {
	if len(w) < SpellMinLetters || len(w) > SpellMaxLetters {
		return false
	}
	for i := range len(w) {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// edits returns the words one letter away from w (a plain lowercase word):
// a letter left out, two neighbours swapped, a letter changed, a letter
// added. Each is given once, the first way it is made, in that order.
func edits(w string) []string {
	seen := map[string]bool{w: true}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for i := range len(w) {
		add(w[:i] + w[i+1:])
	}
	for i := 0; i+1 < len(w); i++ {
		add(w[:i] + string(w[i+1]) + string(w[i]) + w[i+2:])
	}
	for i := range len(w) {
		for c := byte('a'); c <= 'z'; c++ {
			add(w[:i] + string(c) + w[i+1:])
		}
	}
	for i := range len(w) + 1 {
		for c := byte('a'); c <= 'z'; c++ {
			add(w[:i] + string(c) + w[i:])
		}
	}
	return out
}

// facetTokens are the tokens of claim_search's facets column, which are in
// its vocabulary but are never words to suggest.
var facetTokens = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range claimtrack.Statuses {
		m[facetToken("status", string(s))] = true
	}
	for _, k := range claimtrack.ClaimKinds {
		m[facetToken("kind", string(k))] = true
	}
	return m
}()

// vocabulary is a search index as spelling suggestions read it: its
// fts5vocab table (of type instance), and the columns whose words count.
type vocabulary struct {
	table, vocab, columns string
}

var (
	claimWords  = vocabulary{table: "claim_search", vocab: "claim_search_vocab", columns: "{text tags sources context notes}"}
	sourceNames = vocabulary{table: "source_search", vocab: "source_search_vocab", columns: "{name aliases}"}
)

// spellCountCap is how many rows holding a word are counted at most when
// words are ranked: as with search results, counting past it would cost a
// look at every row.
const spellCountCap = RankLimit

// nearestTerm returns the edit of word (see edits) that the index holds and
// that the most rows hold, or "" when the index holds none.
func nearestTerm(ctx context.Context, tx *Tx, v vocabulary, word string) (string, error) {
	near, err := vocabNeighbours(ctx, tx, v, word, 1)
	if err != nil || len(near) == 0 {
		return "", err
	}
	return near[0], nil
}

// vocabNeighbours returns up to limit edits of word (see edits) that the
// index v holds in its columns, those the most rows hold first (counted up
// to spellCountCap; ties in the order of edits). The edits are stemmed as
// the tokenizer stems them; one statement looks each stored form up in the
// vocabulary, where one row tells whether it is there, and counts the rows
// of those that are. Its ORDER BY makes it do all its work before its first
// row, where a context's end interrupts it. (It has no LIMIT: with one,
// SQLite has been seen to count every row of a common word.)
func vocabNeighbours(ctx context.Context, tx *Tx, v vocabulary, word string, limit int) ([]string, error) {
	// A JSON object from each stored form to the first edit that has it, in
	// the order of edits: json_each keeps that order in its id column.
	var obj strings.Builder
	obj.WriteByte('{')
	seen := map[string]bool{stem(word): true}
	for _, e := range edits(word) {
		t := stem(e)
		if seen[t] || facetTokens[t] {
			continue
		}
		seen[t] = true
		if obj.Len() > 1 {
			obj.WriteByte(',')
		}
		k, _ := json.Marshal(t)
		val, _ := json.Marshal(e)
		obj.Write(k)
		obj.WriteByte(':')
		obj.Write(val)
	}
	obj.WriteByte('}')
	// The edits are plain letters a to z: quoted, each is one word of FTS5.
	rows, err := tx.QueryContext(ctx, `SELECT e.value,
			(SELECT count(*) FROM (SELECT 1 FROM `+v.table+` WHERE `+v.table+` MATCH ? || ' : "' || e.value || '"' LIMIT ?)) AS n
		FROM json_each(?) AS e
		WHERE EXISTS (SELECT 1 FROM `+v.vocab+` WHERE term = e.key)
		ORDER BY n DESC, e.id`, v.columns, spellCountCap, obj.String())
	if err != nil {
		return nil, fmt.Errorf("sqlite: spelling: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		var n int
		if err := rows.Scan(&e, &n); err != nil {
			return nil, err
		}
		if n > 0 && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, rows.Err()
}
