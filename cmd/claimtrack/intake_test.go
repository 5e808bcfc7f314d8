package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/intake"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// intakeReport is a report written for this test, with the header lines
// of a report file.
const intakeReport = `Quarry extension approved
Outlet: Moorland Post
Published: 2026-08-03

The Brackwater quarry will expand onto 40 hectares of moorland from next year, the Fellside District Council said on Friday.

Hallam Aggregates, which runs the quarry, said the extension would create 60 jobs.

"The dust is already unbearable," said Joan Pettigrew, who chairs the Brackwater residents' group.
`

// intakeDB makes a database holding a source and a claim, closed, and
// returns its path.
func intakeDB(t *testing.T) (string, int64, int64) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "claimtrack.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	src, err := db.CreateSource(ctx, claimtrack.SourceInput{Name: "Hallam Aggregates", Kind: claimtrack.SourceOrganisation}, "test")
	require.NoError(t, err)
	claim, err := db.CreateClaim(ctx, claimtrack.ClaimInput{Text: "The quarry extension will create 60 jobs at Brackwater.", Kind: claimtrack.KindForecast}, "test")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	return path, src.ID, claim.ID
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return sha256.Sum256(b)
}

// TestIntakeSuggest prints the suggestions as JSON in the shared shape,
// matches the known source and the similar claim, and leaves the database
// file byte for byte as it was.
func TestIntakeSuggest(t *testing.T) {
	path, srcID, claimID := intakeDB(t)
	before := fileSum(t, path)
	info, err := os.Stat(path)
	require.NoError(t, err)

	// run knows the command (it reads os.Stdin, so the test goes through runIntake).
	var out, errOut bytes.Buffer
	require.ErrorIs(t, run(context.Background(), []string{"intake"}, &out, &errOut), errUsage)
	assert.Contains(t, errOut.String(), "intake suggest --db PATH")
	errOut.Reset()
	require.NoError(t, runIntake(context.Background(), []string{"suggest", "--db", path}, strings.NewReader(intakeReport), &out, &errOut), errOut.String())

	assert.Equal(t, before, fileSum(t, path), "the database file changed")
	after, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, info.ModTime(), after.ModTime())

	// The shape: claims with sentence, text, kind, due_date and
	// attributions of source, stance and via.
	var raw map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &raw))
	claims, ok := raw["claims"].([]any)
	require.True(t, ok, out.String())
	require.Len(t, claims, 3, out.String())
	for _, c := range claims {
		m := c.(map[string]any)
		for _, key := range []string{"sentence", "text", "kind", "due_date", "attributions", "cues", "start", "end"} {
			assert.Contains(t, m, key)
		}
		for _, a := range m["attributions"].([]any) {
			for _, key := range []string{"source", "stance", "via"} {
				assert.Contains(t, a.(map[string]any), key)
			}
		}
	}
	assert.Equal(t, "2026-08-03", raw["published_at"])
	assert.Equal(t, "Moorland Post", raw["outlet"])

	var res intake.Result
	require.NoError(t, json.Unmarshal(out.Bytes(), &res))
	first := res.Claims[0]
	assert.Equal(t, "forecast", first.Kind)
	assert.Equal(t, "2027-12-31", first.DueDate)
	assert.Equal(t, "Fellside District Council", first.Attributions[0].Source)
	assert.Equal(t, &intake.NewSource{Name: "Fellside District Council", Kind: "organisation"}, first.Attributions[0].NewSource)

	jobs := res.Claims[1]
	assert.Equal(t, "Hallam Aggregates", jobs.Attributions[0].Source)
	assert.Equal(t, srcID, jobs.Attributions[0].SourceID)
	require.NotEmpty(t, jobs.Duplicates, out.String())
	assert.Equal(t, claimID, jobs.Duplicates[0].ClaimID)

	// The same input, the same output.
	var again bytes.Buffer
	require.NoError(t, runIntake(context.Background(), []string{"suggest", "--db", path}, strings.NewReader(intakeReport), &again, &errOut))
	assert.Equal(t, out.String(), again.String())
	assert.Equal(t, before, fileSum(t, path))
}

// TestIntakeSuggest_Flags: the flags win over the header lines.
func TestIntakeSuggest_Flags(t *testing.T) {
	path, _, _ := intakeDB(t)
	var out, errOut bytes.Buffer
	require.NoError(t, runIntake(context.Background(), []string{"suggest", "--db", path, "--published", "2026-12-20", "--outlet", "Dale Weekly"},
		strings.NewReader(intakeReport), &out, &errOut), errOut.String())
	var res intake.Result
	require.NoError(t, json.Unmarshal(out.Bytes(), &res))
	assert.Equal(t, "2026-12-20", res.PublishedAt)
	assert.Equal(t, "Dale Weekly", res.Outlet)

	// A body with no header at all.
	out.Reset()
	require.NoError(t, runIntake(context.Background(), []string{"suggest", "--db", path, "--published", "2026-08-03"},
		strings.NewReader("The Brackwater quarry will close on 9 September, the council said.\n"), &out, &errOut))
	require.NoError(t, json.Unmarshal(out.Bytes(), &res))
	require.Len(t, res.Claims, 1)
	assert.Equal(t, "2026-09-09", res.Claims[0].DueDate)
}

func TestIntakeSuggest_BadInput(t *testing.T) {
	path, _, _ := intakeDB(t)
	before := fileSum(t, path)
	noneDB := filepath.Join(t.TempDir(), "none.db")
	for name, tc := range map[string]struct {
		args  []string
		stdin string
		want  string
	}{
		"empty":       {[]string{"suggest", "--db", path}, "", "empty"},
		"header only": {[]string{"suggest", "--db", path}, "Title\nOutlet: X\nPublished: 2026-01-01\n\n", "empty"},
		"binary":      {[]string{"suggest", "--db", path}, "The dam\x00 will open.", "not plain UTF-8"},
		"too large":   {[]string{"suggest", "--db", path}, strings.Repeat("The dam will open. ", intake.MaxText/19+10), "over 200 KB"},
		"bad date":    {[]string{"suggest", "--db", path, "--published", "03/08/2026"}, "The dam will open on Friday.", "YYYY-MM-DD"},
		"bad header":  {[]string{"suggest", "--db", path}, "T\nPublished: next week\n\nThe dam will open.", "YYYY-MM-DD"},
		"no database": {[]string{"suggest", "--db", noneDB}, "The dam will open on Friday.", "no such file"},
		"no command":  {[]string{"list"}, "", "usage"},
		"extra args":  {[]string{"suggest", "--db", path, "more"}, "The dam will open.", "usage"},
	} {
		t.Run(name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := runIntake(context.Background(), tc.args, strings.NewReader(tc.stdin), &out, &errOut)
			require.Error(t, err)
			assert.Contains(t, strings.ToLower(err.Error()+errOut.String()), strings.ToLower(tc.want))
			assert.Empty(t, out.String())
		})
	}
	assert.Equal(t, before, fileSum(t, path))
	_, err := os.Stat(noneDB)
	assert.True(t, os.IsNotExist(err), "a missing database is not created")
}
