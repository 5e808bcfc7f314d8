// Sources whose names are close to a name typed ("Did you mean …?").

package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// Bounds of the work of FindSimilarSources.
const (
	// similarWords is the most words of a typed name looked at.
	similarWords = 4
	// similarNeighbours is the most words of the vocabulary one letter away
	// that stand in for a word typed.
	similarNeighbours = 4
	// similarCandidates is the most sources each lookup reads.
	similarCandidates = 100
)

// FindSimilarSources returns up to limit sources with a name or alias close
// to name (claimtrack.NameDistance, against each of claimtrack.Source.Names),
// closest first, leaving out a source with that very name or alias. The
// sources are found through the source index: those whose name or an alias
// holds every word typed, or all but one, each word as typed or as a
// word of the index's vocabulary one letter away. At most similarWords
// words are looked at, each with at most similarNeighbours such words, in
// at most similarWords + 1 lookups of at most similarCandidates sources.
func (db *DB) FindSimilarSources(ctx context.Context, name string, limit int) ([]claimtrack.SimilarSource, error) {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	words = words[:min(len(words), similarWords)]
	if len(words) == 0 || limit <= 0 {
		return nil, nil
	}
	key := claimtrack.SourceNameKey(name)
	var out []claimtrack.SimilarSource
	err := db.readTx(ctx, func(tx *Tx) error {
		alts := make([]string, len(words))
		for i, w := range words {
			forms := []string{w}
			if plainWord(w) {
				near, err := vocabNeighbours(ctx, tx, sourceNames, w, similarNeighbours)
				if err != nil {
					return err
				}
				forms = append(forms, near...)
			}
			quoted := make([]string, len(forms))
			for j, f := range forms {
				quoted[j] = sourceTerm(claimtrack.Term{Words: []string{f}})
			}
			alts[i] = "(" + strings.Join(quoted, " OR ") + ")"
		}
		exprs := []string{sourceNames.columns + " : (" + strings.Join(alts, " AND ") + ")"}
		if len(alts) > 1 {
			for i := range alts {
				rest := slices.Delete(slices.Clone(alts), i, i+1)
				exprs = append(exprs, sourceNames.columns+" : ("+strings.Join(rest, " AND ")+")")
			}
		}
		seen := map[int64]bool{}
		for _, expr := range exprs {
			found, err := querySources(ctx, tx, `SELECT `+sourceColumns+` FROM source_search
				JOIN sources s ON s.id = source_search.rowid WHERE source_search MATCH ? LIMIT ?`, expr, similarCandidates)
			if err != nil {
				return fmt.Errorf("sqlite: similar sources: %w", err)
			}
			if err := loadAliases(ctx, tx, found); err != nil {
				return err
			}
			for _, s := range found {
				if seen[s.ID] || slices.ContainsFunc(s.Names(), func(n string) bool { return claimtrack.SourceNameKey(n) == key }) {
					continue
				}
				seen[s.ID] = true
				best := claimtrack.SimilarSource{Distance: -1}
				for _, n := range s.Names() {
					if d, ok := claimtrack.NameDistance(name, n); ok && (best.Distance < 0 || d < best.Distance) {
						best = claimtrack.SimilarSource{Source: s, Name: n, Distance: d}
					}
				}
				if best.Source != nil {
					out = append(out, best)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b claimtrack.SimilarSource) int {
		if a.Distance != b.Distance {
			return a.Distance - b.Distance
		}
		return strings.Compare(claimtrack.SourceNameKey(a.Name), claimtrack.SourceNameKey(b.Name))
	})
	return out[:min(len(out), limit)], nil
}
