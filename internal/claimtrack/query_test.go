package claimtrack_test

import (
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in, want string
		trunc    bool
	}{
		{"peskov", "peskov", false},
		{"  Peskov   moscow ", "Peskov moscow", false},
		{`"very constructive"`, `"very constructive"`, false},
		{`"very constructive`, `"very constructive"`, false},
		{`"Le Point"*`, `"Le Point"*`, false},
		{`"abc*"`, `abc`, false},
		{"Pesk*", "Pesk*", false},
		{"nato -russia", "nato -russia", false},
		{"nato OR otan moscow", "nato OR otan moscow", false},
		{"OR nato OR", "nato", false},
		{"status:unverified moscow", "moscow status:unverified", false},
		{"status:bogus moscow", `"status bogus" moscow`, false},
		{"kind:forecast", "kind:forecast", false},
		{`source:peskov tag:ukraine-war`, `source:peskov tag:"ukraine war"`, false},
		{`source:"Le Point" visit`, `source:"Le Point" visit`, false},
		{`source:"0 00*`, `source:"0 00"`, false},
		{`source:"Le Poi"*`, `source:"Le Poi"*`, false},
		{`source:"Le Po"*`, `source:"Le Po"`, false}, // a prefix needs DefaultMinPrefix letters
		{"source: peskov", "source peskov", false},
		{"U.S. talks", `"U S" talks`, false},
		{"- * ** NEAR( AND AND", "NEAR AND AND", false},
		{`"`, "", false},
		{"-", "", false},
		{"\x00\x1b[31m\x07peskov", "31m peskov", false},
		{"\xff\xfepeskov", "peskov", false},
		{"Françoise d'Arc", "Françoise \"d Arc\"", false},
		{strings.Repeat("word ", 40), strings.TrimSpace(strings.Repeat("word ", 32)), true},
		{strings.Repeat("x", 10_000), strings.Repeat("x", 512), true},
	}
	for _, tt := range tests {
		q := claimtrack.ParseQuery(tt.in)
		assert.Equal(t, tt.want, q.String(), "input %q", tt.in)
		assert.Equal(t, tt.trunc, q.Truncated, "input %q", tt.in)
	}
}

func TestParseQuery_Fields(t *testing.T) {
	q := claimtrack.ParseQuery(`status:REFUTED kind:Forecast -"Le Point" source:rubio`)
	assert.Equal(t, claimtrack.StatusRefuted, q.Status)
	assert.Equal(t, claimtrack.KindForecast, q.Kind)
	assert.Equal(t, []claimtrack.Term{{Words: []string{"Le", "Point"}}}, q.Excluded)
	assert.Equal(t, [][]claimtrack.Term{{{Words: []string{"rubio"}, Field: "source"}}}, q.Groups)
	assert.True(t, q.HasTerms())
	assert.False(t, claimtrack.ParseQuery("status:confirmed").HasTerms())
	assert.True(t, claimtrack.ParseQuery("  ").Empty())
}

func TestParseQueryWith_Limits(t *testing.T) {
	def := claimtrack.DefaultQueryLimits()
	tests := []struct {
		in     string
		limits claimtrack.QueryLimits
		want   string
		notes  []string
	}{
		{"a* pe* pes* pesk*", def, "a pe pes* pesk*",
			[]string{"A * needs at least 3 letters before it: “a*”, “pe*” were searched as whole words."}},
		{`"le po"* source:ab*`, def, `"le po" source:ab`,
			[]string{"A * needs at least 3 letters before it: “\"le po\"*”, “source:ab*” were searched as whole words."}},
		{"a*", claimtrack.QueryLimits{MinPrefix: 1}, "a*", nil},
		{"abc* def* -ghi* jkl* mno* pqr*", def, "abc* def* jkl* mno pqr -ghi*",
			[]string{"Only 4 terms ending in * are searched as prefixes: “mno*”, “pqr*” were searched as whole words."}},
		{"abc* def* ghi*", claimtrack.QueryLimits{MaxPrefixes: 2}, "abc* def* ghi",
			[]string{"Only 2 terms ending in * are searched as prefixes: “ghi*” was searched as a whole word."}},
		{"w0 OR w1 OR w2 OR w3 OR w4 OR w5 OR w6 OR w7 OR w8 OR w9 OR w10 moscow", def,
			"w0 OR w1 OR w2 OR w3 OR w4 OR w5 OR w6 OR w7 OR w8 moscow",
			[]string{"Only 8 alternatives joined by OR are used: “w9”, “w10” were left out."}},
		{"a OR b c OR d OR e", claimtrack.QueryLimits{MaxOr: 2}, "a OR b c OR d",
			[]string{"Only 2 alternatives joined by OR are used: “e” was left out."}},
		{"a b c d", claimtrack.QueryLimits{MaxTerms: 3}, "a b c",
			[]string{"Your search was long: only its first 512 bytes and 3 terms were used."}},
		{"x1* x2* x3* x4* x5* x6* x7* x8*", claimtrack.QueryLimits{MinPrefix: 2, MaxPrefixes: 1}, "x1* x2 x3 x4 x5 x6 x7 x8",
			[]string{"Only 1 term ending in * is searched as a prefix: “x2*”, “x3*”, “x4*”, “x5*”, “x6*” and 2 more were searched as whole words."}},
	}
	for _, tt := range tests {
		q := claimtrack.ParseQueryWith(tt.in, tt.limits)
		assert.Equal(t, tt.want, q.String(), "input %q", tt.in)
		assert.Equal(t, tt.notes, q.Notes, "input %q", tt.in)
		// What was searched is a query within the limits: read again, it is
		// the same and needs no note.
		again := claimtrack.ParseQueryWith(q.String(), tt.limits)
		assert.Equal(t, q.String(), again.String(), "input %q", tt.in)
		if !q.Truncated {
			assert.Empty(t, again.Notes, "input %q", tt.in)
		}
	}
	assert.Equal(t, def, claimtrack.QueryLimits{}.WithDefaults())
	assert.Equal(t, claimtrack.ParseQuery("a* b*"), claimtrack.ParseQueryWith("a* b*", claimtrack.QueryLimits{}))
}
