package claimtrack_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
)

func render(ops []claimtrack.DiffOp) string {
	var b strings.Builder
	for _, op := range ops {
		switch op.Kind {
		case claimtrack.DiffRemoved:
			b.WriteString("[-" + op.Text + "-]")
		case claimtrack.DiffAdded:
			b.WriteString("{+" + op.Text + "+}")
		default:
			b.WriteString(op.Text)
		}
	}
	return b.String()
}

func TestWordDiff(t *testing.T) {
	tests := []struct{ before, after, want string }{
		{"Trump will travel to Moscow on May 9.", "Trump will travel to Moscow on May 9.", "Trump will travel to Moscow on May 9."},
		{"Trump will travel to Moscow on May 9.", "Trump will not travel to Moscow on May 9.", "Trump will {+not +}travel to Moscow on May 9."},
		{"The talks were constructive.", "The talks were very constructive.", "The talks were {+very +}constructive."},
		{"Lavrov met Rubio in Riyadh.", "Lavrov met Waltz in Riyadh.", "Lavrov met [-Rubio -]{+Waltz +}in Riyadh."},
		{"", "New text.", "{+New text.+}"},
		{"Old text.", "", "[-Old text.-]"},
		{"a b c", "c b a", "[-a b -]c {+b a+}"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, render(claimtrack.WordDiff(tt.before, tt.after)), "%q → %q", tt.before, tt.after)
	}
	// Whatever the texts, the kept and added pieces give the new text, and the
	// kept and removed ones the old text's words (kept words carry the new
	// spacing).
	for _, p := range [][2]string{{"one two three four", "two four five"}, {"x  y\tz", "x y z"}, {"é à ü", "à é"}} {
		ops := claimtrack.WordDiff(p[0], p[1])
		var old, nu strings.Builder
		for _, op := range ops {
			if op.Kind != claimtrack.DiffAdded {
				old.WriteString(op.Text)
			}
			if op.Kind != claimtrack.DiffRemoved {
				nu.WriteString(op.Text)
			}
		}
		assert.Equal(t, strings.Fields(p[0]), strings.Fields(old.String()))
		assert.Equal(t, p[1], nu.String())
	}
	// A long text with a small edit is compared exactly: the shared start and
	// end are set aside before the word-by-word comparison.
	big := strings.Repeat("word ", 1000)
	assert.Equal(t, big+"{+more+}", render(claimtrack.WordDiff(big, big+"more")))
	assert.Equal(t, "x "+big+"[-y -]{+z +}"+big+"end", render(claimtrack.WordDiff("x "+big+"y "+big+"end", "x "+big+"z "+big+"end")))
	// Huge texts that differ throughout are shown as replaced rather than
	// compared word by word.
	other := strings.Repeat("other ", 1000)
	ops := claimtrack.WordDiff("start "+big+"end", "start "+other+"end")
	assert.Equal(t, "start [-"+big+"-]{+"+other+"+}end", render(ops))
}

// Whatever the texts, the kept and added pieces give the new text exactly,
// and the kept and removed pieces hold the old text's words in order.
func FuzzWordDiff(f *testing.F) {
	for _, p := range [][2]string{{"Trump will travel to Moscow on May 9.", "Trump will not travel to Moscow on May 9."},
		{"a a", "a"}, {"x y", "x"}, {"", "new"}, {"old", ""}, {"  lead", "lead  "}, {"é\u00a0à ü", "à é"}, {"one\ttwo\nthree", "one two three"},
		{"The context. (Updated.)", "The context."}, {"The context.", "The context. (Updated.)"}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, before, after string) {
		if !utf8.ValidString(before) || !utf8.ValidString(after) {
			return
		}
		var old []string
		var nu strings.Builder
		for _, op := range claimtrack.WordDiff(before, after) {
			if op.Kind != claimtrack.DiffAdded {
				old = append(old, op.Text)
			}
			if op.Kind != claimtrack.DiffRemoved {
				nu.WriteString(op.Text)
			}
		}
		assert.Equal(t, after, nu.String())
		assert.Equal(t, strings.Fields(before), strings.Fields(strings.Join(old, " ")))
	})
}
