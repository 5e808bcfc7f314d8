package dump_test

import (
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/dump"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadClaimsSheet(t *testing.T) {
	sheet := "\ufeffText,Status,Verdict_note,Tags,Source,Source_kind,Stance,URL,Published_at,Via\r\n" +
		"Trump will attend the parade on May 9.,refuted,He stayed home.,\"moscow, May 9\",Le Point,outlet,asserts,https://www.lepoint.fr/a,2025-02-19,Unnamed officials\r\n" +
		",,,,Izvestia,outlet,reports,,,\r\n" +
		",,,,,,,,,\r\n" +
		"The talks were constructive.,,,,,,,,,\r\n"
	claims, err := dump.ReadClaimsSheet(strings.NewReader(sheet))
	require.NoError(t, err)
	require.Len(t, claims, 2)
	c := claims[0]
	assert.Equal(t, 1, c.Row)
	assert.Equal(t, claimtrack.KindStatement, c.Claim.Kind, "statement by default")
	assert.Equal(t, []string{"moscow", "may-9"}, c.Claim.Tags)
	assert.Equal(t, claimtrack.StatusRefuted, c.Status)
	require.Len(t, c.Links, 2)
	assert.Equal(t, "Le Point", c.Links[0].Source)
	assert.Equal(t, "Unnamed officials", c.Links[0].Via)
	assert.Equal(t, claimtrack.StanceAsserts, c.Links[0].Evidence.Stance)
	assert.Equal(t, 2, c.Links[1].Row)
	assert.Equal(t, claimtrack.StatusUnverified, claims[1].Status)
	assert.Empty(t, claims[1].Links)

	for _, tc := range []struct{ name, sheet, want string }{
		{"unknown column", "text,colour\nA claim long enough.,red\n", `a column "colour"`},
		{"no text column", "source\nLe Point\n", "no text column"},
		{"bad status", "text,status,verdict_note\nA claim long enough.,maybe,x\n", "sheet row 1 (line 2), field status"},
		{"status without note", "text,status\nA claim long enough.,refuted\n", "field verdict_note"},
		{"bad stance", "text,source,stance\nA claim long enough.,Le Point,agrees\n", "field stance"},
		{"bad url", "text,source,stance,url\nA claim long enough.,Le Point,asserts,javascript:x\n", "field url"},
		{"link fields without source", "text,stance\nA claim long enough.,asserts\n", "field source"},
		{"claim fields on a link row", "text,status,verdict_note,source,stance\nA claim long enough.,,,Le Point,asserts\n,refuted,x,Izvestia,reports\n", "sheet row 2 (line 3), field text"},
		{"first row without text", "text,source,stance\n,Le Point,asserts\n", "field text: The first claim needs its text."},
		{"short text", "text\nShort\n", "field text"},
		{"empty", "", "the sheet is empty"},
		{"header only", "text\n", "no claims"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dump.ReadClaimsSheet(strings.NewReader(tc.sheet))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
