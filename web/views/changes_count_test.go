package views

import "testing"

// The recent changes say how many match, with "more than" past the cap.
func TestChangesCountWords(t *testing.T) {
	for _, c := range []struct {
		d    ChangesData
		want string
	}{
		{ChangesData{Count: 0}, "No change matches."},
		{ChangesData{Count: 1}, "1 change matches, newest first."},
		{ChangesData{Count: 1234}, "1,234 changes match, newest first."},
		{ChangesData{Count: 10_000, Capped: true}, "More than 10,000 changes match, newest first."},
	} {
		if got := c.d.countWords(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.d, got, c.want)
		}
	}
}
