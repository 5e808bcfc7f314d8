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
		{`source:"Le Po"*`, `source:"Le Po"*`, false},
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
