package sqlite

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A word's one-letter edits: each once, never the word itself, 52n + 25 at
// most for n letters, which bounds a suggestion's lookups.
func TestEdits(t *testing.T) {
	w := "abcdefghijklmnopqrstuvwx"
	got := edits(w)
	assert.Equal(t, 52*len(w)+25, len(got))
	seen := map[string]bool{}
	for _, e := range got {
		assert.False(t, seen[e], "%q twice", e)
		seen[e] = true
	}
	assert.False(t, seen[w])
	for _, e := range []string{"bcdefghijklmnopqrstuvwx", "bacdefghijklmnopqrstuvwx", "zbcdefghijklmnopqrstuvwx", "abcdefghijklmnopqrstuvwxy"} {
		assert.True(t, seen[e], e)
	}
	assert.Contains(t, edits("moscw"), "moscow")
	assert.Contains(t, edits("peskof"), "peskov")
	assert.Contains(t, edits("ukrane"), "ukraine")
	assert.Contains(t, edits("teh"), "the")
}
