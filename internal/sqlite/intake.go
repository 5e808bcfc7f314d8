// What report intake reads from the tracker: the sources, and the claims
// similar to a suggested one.

package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"unicode"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/intake"
)

// ReadOnly is a database file opened only to read: mode=ro and query_only,
// with no migration, no index filling, nothing written. Commands that must
// leave the file as it is (intake suggest) use it.
type ReadOnly struct {
	conn *sql.DB
}

// OpenReadOnly opens the database file at path read-only. The file must
// exist.
func OpenReadOnly(ctx context.Context, path string) (*ReadOnly, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("sqlite: open read-only: %w", err)
	}
	q := url.Values{}
	q.Add("mode", "ro")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "query_only(1)")
	conn, err := sql.Open("sqlite", "file:"+pathEscape(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open read-only: %w", err)
	}
	conn.SetMaxOpenConns(1)
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("sqlite: open read-only %s: %w", path, err)
	}
	return &ReadOnly{conn: conn}, nil
}

// Close closes the connection.
func (ro *ReadOnly) Close() error { return ro.conn.Close() }

// Sources returns every source, by name.
func (ro *ReadOnly) Sources(ctx context.Context) ([]*claimtrack.Source, error) {
	return querySources(ctx, ro.conn, `SELECT `+sourceColumns+` FROM sources s ORDER BY s.name_key`)
}

// IntakeSources returns every source as intake knows them.
func (ro *ReadOnly) IntakeSources(ctx context.Context) ([]intake.KnownSource, error) {
	srcs, err := ro.Sources(ctx)
	if err != nil {
		return nil, err
	}
	return knownSources(srcs), nil
}

// SimilarClaims implements intake.Similar over the claims index.
func (ro *ReadOnly) SimilarClaims(ctx context.Context, text string, limit int) ([]intake.Match, error) {
	return similarClaims(ctx, ro.conn, text, limit)
}

// IntakeSources returns every source as intake knows them, from the live
// database.
func (db *DB) IntakeSources(ctx context.Context) ([]intake.KnownSource, error) {
	var out []intake.KnownSource
	err := db.readTx(ctx, func(tx *Tx) error {
		srcs, err := querySources(ctx, tx, `SELECT `+sourceColumns+` FROM sources s ORDER BY s.name_key`)
		out = knownSources(srcs)
		return err
	})
	return out, err
}

func knownSources(srcs []*claimtrack.Source) []intake.KnownSource {
	out := make([]intake.KnownSource, 0, len(srcs))
	for _, s := range srcs {
		names := s.Names()
		out = append(out, intake.KnownSource{ID: s.ID, Name: s.Name, Kind: string(s.Kind), Aliases: names[1:]})
	}
	return out
}

// SimilarClaims returns up to limit claims close to text: intake.Similar
// over the live database.
func (db *DB) SimilarClaims(ctx context.Context, text string, limit int) ([]intake.Match, error) {
	var out []intake.Match
	err := db.readTx(ctx, func(tx *Tx) error {
		var err error
		out, err = similarClaims(ctx, tx, text, limit)
		return err
	})
	return out, err
}

// Bounds of a similarity lookup.
const (
	similarClaimTerms      = 12  // the most words of the text looked up
	similarClaimCandidates = 30  // the claims the index ranks
	similarClaimMin        = 0.5 // the least share of the text's words a claim must hold
)

// similarStop are words too common to tell claims apart.
var similarStop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an and are as at be been but by for from had has have he her his in into is it
		its not of on or said says she than that the their there they this to was were which who will with would`) {
		similarStop[w] = true
	}
}

// similarClaims ranks the claims sharing words with text (any of them, by
// the index's bm25), then keeps those holding at least half of the text's
// words, by that share.
func similarClaims(ctx context.Context, q Queryer, text string, limit int) ([]intake.Match, error) {
	if limit <= 0 {
		return nil, nil
	}
	var terms []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if similarStop[w] || len(w) < 2 || seen[w] {
			continue
		}
		seen[w] = true
		terms = append(terms, w)
	}
	if len(terms) == 0 {
		return nil, nil
	}
	look := terms[:min(len(terms), similarClaimTerms)]
	quoted := make([]string, len(look))
	for i, t := range look {
		quoted[i] = `"` + t + `"`
	}
	rows, err := q.QueryContext(ctx, `SELECT rowid, text FROM claim_search WHERE claim_search MATCH ? ORDER BY rank LIMIT ?`,
		"text : ("+strings.Join(quoted, " OR ")+")", similarClaimCandidates)
	if err != nil {
		return nil, fmt.Errorf("sqlite: similar claims: %w", err)
	}
	defer rows.Close()
	var out []intake.Match
	for rows.Next() {
		var m intake.Match
		if err := rows.Scan(&m.ClaimID, &m.Text); err != nil {
			return nil, err
		}
		m.Score = shareOfWords(terms, m.Text)
		if m.Score >= similarClaimMin {
			out = append(out, m)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Best first; the index's order breaks ties.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Score > out[j-1].Score; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out[:min(len(out), limit)], nil
}

// shareOfWords is the share of terms that the claim text holds, words
// compared by their stems.
func shareOfWords(terms []string, claim string) float64 {
	have := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(claim), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		have[stemASCII(w)] = true
	}
	n := 0
	for _, t := range terms {
		if have[stemASCII(t)] {
			n++
		}
	}
	return float64(int(float64(n)/float64(len(terms))*100+0.5)) / 100
}

// stemASCII stems a lowercase ASCII word and leaves any other as it is.
func stemASCII(w string) string {
	for i := range len(w) {
		if w[i] < 'a' || w[i] > 'z' {
			return w
		}
	}
	return stem(w)
}
