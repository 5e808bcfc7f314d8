package claimtrack_test

import (
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Highlighted writes a query back exactly as String does.
func TestSearchQuery_HighlightedIsString(t *testing.T) {
	for _, in := range []string{"peskov", `"very constructive" pesk*`, `nato OR otan -russia -"le point"*`, "source:peskov tag:ukraine",
		`status:refuted kind:forecast moscow`, "status:refuted", `source:"dmitry peskov" OR tag:kremlin`, ""} {
		q := claimtrack.ParseQuery(in)
		assert.Equal(t, q.String(), q.Highlighted(nil).Plain(), in)
		assert.False(t, q.Highlighted(nil).Marked(), in)
	}
}

// Respelt replaces the corrected words, ignoring case, wherever they are,
// and marks them; the last word of a prefix stays as typed.
func TestSearchQuery_Respelt(t *testing.T) {
	q := claimtrack.ParseQuery(`Peskof "moscw talks" OR tag:moscw status:refuted peskof* -nato`)
	s := q.Respelt([]claimtrack.Correction{{Word: "peskof", With: "peskov"}, {Word: "moscw", With: "moscow"}})
	require.NotNil(t, s)
	assert.Equal(t, `peskov "moscow talks" OR tag:moscow peskof* -nato status:refuted`, s.Query.String())
	assert.Equal(t, s.Query.String(), s.Text.Plain())
	var marked []string
	for _, f := range s.Text {
		if f.Mark {
			marked = append(marked, f.Text)
		}
	}
	assert.Equal(t, []string{"peskov", "moscow", "moscow"}, marked)
	assert.Nil(t, q.Respelt(nil))
	assert.Equal(t, `Peskof "moscw talks" OR tag:moscw peskof* -nato status:refuted`, q.String(), "q itself is unchanged")
}

// A word of its own that names a status or a kind suggests the filter, with
// the search that uses it instead of the word.
func TestSearchQuery_FilterHints(t *testing.T) {
	hints := claimtrack.ParseQuery("Refuted peskov forecast").FilterHints()
	require.Len(t, hints, 2)
	assert.Equal(t, "status:refuted", hints[0].Filter())
	assert.Equal(t, "Refuted", hints[0].Word)
	assert.Equal(t, "peskov forecast status:refuted", hints[0].Query.String())
	assert.Equal(t, "kind:forecast", hints[1].Filter())
	assert.Equal(t, "Refuted peskov kind:forecast", hints[1].Query.String())

	hints = claimtrack.ParseQuery(`"partly true"`).FilterHints()
	require.Len(t, hints, 1)
	assert.Equal(t, claimtrack.StatusPartlyTrue, hints[0].Status)
	assert.Equal(t, "status:partly-true", hints[0].Query.String())

	for _, in := range []string{"refuted status:confirmed", "refuted OR disputed", "refut*", "tag:refuted", "-refuted", "forecast kind:quote",
		"refutation", "peskov"} {
		for _, h := range claimtrack.ParseQuery(in).FilterHints() {
			assert.Fail(t, "no hint expected", "%q: %+v", in, h)
		}
	}
	assert.Len(t, claimtrack.ParseQuery("refuted disputed").FilterHints(), 1, "one status at most")
}

// Names are close when the words of the shorter each match a word of the
// longer, a letter or two apart at most, and make up half its words.
func TestNameDistance(t *testing.T) {
	tests := []struct {
		typed, name string
		close       bool
		distance    int
	}{
		{"Dmitri Peskov", "Dmitry Peskov", true, 1},
		{"dmitry  PESKOV", "Dmitry Peskov", true, 0},
		{"Peskov", "Dmitry Peskov", true, 1},
		{"Peskof", "Dmitry Peskov", true, 2},
		{"Dmitry Peskov, Kremlin", "Dmitry Peskov", true, 1},
		{"Le-Point", "Le Point", true, 0},
		{"LePoint", "Le Point", true, 1},
		{"Marco Rubbio", "Marco Rubio", true, 1},
		{"Vladimir Putin", "Vladimri Putin", true, 1},
		{"Constantinople Times", "Konstantinopel Times", true, 2},
		{"The", "The Kremlin", false, 0},
		{"Le Monde", "Le Point", false, 0},
		{"Moscow", "Mayor of Moscow", false, 0},
		{"John Smith", "Jane Smith", false, 0},
		{"Ria", "Rio", false, 0},
		{"", "Rio", false, 0},
	}
	for _, tt := range tests {
		d, ok := claimtrack.NameDistance(tt.typed, tt.name)
		assert.Equal(t, tt.close, ok, "%q ~ %q", tt.typed, tt.name)
		if tt.close {
			assert.Equal(t, tt.distance, d, "%q ~ %q", tt.typed, tt.name)
		}
	}
	assert.Equal(t, []string{"Dmitry Peskov"}, (&claimtrack.Source{Name: "Dmitry Peskov"}).Names())
}
