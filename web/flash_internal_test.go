package web

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every flash has its own entry, in the order of the constants, with a key
// and words of its own; the cookie key finds it again. (That there is one
// entry per constant the compiler checks.)
func TestFlashes_EachConstantHasItsMessage(t *testing.T) {
	t.Parallel()
	keys, texts := map[string]bool{}, map[string]bool{}
	for f := flashNone + 1; f < numFlashes; f++ {
		assert.Equal(t, f, flashes[f].flash, "entry %d is in the order of the constants", f)
		assert.NotEmpty(t, f.key(), "flash %d has a key", f)
		assert.NotEmpty(t, f.text(), "flash %d has words", f)
		assert.False(t, keys[f.key()], "key %q is used once", f.key())
		assert.False(t, texts[f.text()], "message %q is used once", f.text())
		keys[f.key()], texts[f.text()] = true, true
		assert.Equal(t, f, flashByKey[f.key()])
	}
	assert.Empty(t, flashNone.text())
	assert.Equal(t, flashNone, flashByKey["no-such-message"], "an unknown key shows nothing")
}
