// Claims whose texts are close to a text typed: possible duplicates.

package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// Bounds and threshold of FindSimilarClaims.
const (
	// SimilarClaimTerms is the most words of a text looked up.
	SimilarClaimTerms = 12
	// SimilarClaimMinScore is the least score (see claimtrack.SimilarClaim)
	// of a claim listed: two words in five of both texts together are
	// shared. Claims on the same subject that share a name or two stay
	// below it; a reworded claim is well above it.
	SimilarClaimMinScore = 0.4
	// similarClaimCandidates is the most claims scored: the best ranked of
	// those holding the words looked up.
	similarClaimCandidates = 50
	// similarMinLetters is the length below which a word is not significant.
	similarMinLetters = 3
)

// FindSimilarClaims returns up to limit claims whose text is close to text,
// closest first (ties by id): possible duplicates of a claim with that text.
//
// The claims are found through the search index: up to SimilarClaimTerms
// significant words of text (see significantWords) are looked up in the
// claims' texts, those the most rows hold being left out of the lookup
// when more than the rank limit hold them (they tell claims apart no
// better than a stop word, and ranking all their rows would cost a look at
// each). The best similarClaimCandidates of the claims holding any of the
// rest, by bm25 on the text, are scored by the words they share with text,
// and those scoring at least SimilarClaimMinScore are kept. So a lookup
// ranks at most SimilarClaimTerms times the rank limit rows, whatever the
// text and the number of claims. Every statement does its work before its
// first row, where the end of ctx interrupts it.
func (db *DB) FindSimilarClaims(ctx context.Context, text string, limit int) ([]claimtrack.SimilarClaim, error) {
	var out []claimtrack.SimilarClaim
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		out, err = findSimilarClaims(ctx, tx, db.rankLimit, text, limit)
		return err
	})
	return out, err
}

// rowQueryer is what a lookup reads through: a transaction or a connection.
type rowQueryer interface {
	Queryer
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// findSimilarClaims is FindSimilarClaims through q, with the rank limit
// given.
func findSimilarClaims(ctx context.Context, q rowQueryer, rankLimit int, text string, limit int) ([]claimtrack.SimilarClaim, error) {
	words := significantWords(text)
	if len(words) == 0 || limit <= 0 {
		return nil, nil
	}
	typed := stemSet(words)
	lookup := words[:min(len(words), SimilarClaimTerms)]
	var out []claimtrack.SimilarClaim
	var terms []string
	for _, w := range lookup {
		term := `"` + w.word + `"`
		var n int
		if err := q.QueryRowContext(ctx, countMatchesSQL, "text : "+term, rankLimit+1).Scan(&n); err != nil {
			return nil, fmt.Errorf("sqlite: similar claims: %w", err)
		}
		if n > 0 && n <= rankLimit {
			terms = append(terms, term)
		}
	}
	if len(terms) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, similarClaimsSQL, "text : ("+strings.Join(terms, " OR ")+")", similarClaimCandidates)
	if err != nil {
		return nil, fmt.Errorf("sqlite: similar claims: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return nil, err
		}
		if score := jaccard(typed, stemSet(significantWords(c.Text))); score >= SimilarClaimMinScore {
			out = append(out, claimtrack.SimilarClaim{Claim: c, Score: score})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b claimtrack.SimilarClaim) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return cmp.Compare(a.Claim.ID, b.Claim.ID)
	})
	return out[:min(len(out), limit)], nil
}

// similarClaimsSQL reads the claims best ranked by bm25 on their text
// among the matches of an expression, up to a limit. The ranking sorts
// every match before the first row.
const similarClaimsSQL = `SELECT ` + claimColumns + ` FROM (
		SELECT rowid AS id, bm25(claim_search, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0) AS r FROM claim_search
		WHERE claim_search MATCH ? ORDER BY r, rowid LIMIT ?) m
	JOIN claims c ON c.id = m.id ORDER BY m.r, m.id`

// A significant word of a text, lowercased, with its stem.
type significantWord struct{ word, stem string }

// significantWords returns the words of text that tell it apart, each stem
// once, in the order they come: runs of letters, digits and marks,
// lowercased, of at least similarMinLetters characters or all digits (a
// number tells claims apart), other than stop words. Words of plain letters a to z are stemmed as the search index
// stems them; others are kept as they are.
func significantWords(text string) []significantWord {
	var out []significantWord
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	}) {
		if len([]rune(w)) < similarMinLetters && !digits(w) || stopWords[w] {
			continue
		}
		s := w
		if asciiLetters(w) {
			s = stem(w)
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, significantWord{w, s})
		}
	}
	return out
}

func digits(w string) bool {
	for i := range len(w) {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

func asciiLetters(w string) bool {
	for i := range len(w) {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

func stemSet(words []significantWord) map[string]bool {
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w.stem] = true
	}
	return set
}

// jaccard is the share of the words of a and b together that both hold.
func jaccard(a, b map[string]bool) float64 {
	both := 0
	for w := range a {
		if b[w] {
			both++
		}
	}
	union := len(a) + len(b) - both
	if union == 0 {
		return 0
	}
	return float64(both) / float64(union)
}

// stopWords are English words too common to tell one claim from another
// (words shorter than similarMinLetters are left out anyway).
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		about above after again against all also and any are aren because been before being below between both
		but can cannot could did didn does doesn doing don down during each few for from further had hadn has hasn
		have haven having her here hers herself him himself his how into its itself just let more most must
		mustn nor not now off once only other ought our ours ourselves out over own same shall she should
		shouldn some such than that the their theirs them themselves then there these they this those through
		too under until very was wasn were weren what when where which while who whom why will with won would
		wouldn you your yours yourself yourselves`) {
		m[w] = true
	}
	return m
}()
