package dump_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/dump"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A claim's assignee and question are the last columns of claims.csv, in
// that order; a dump made before claims had them (its header without the
// question, or without both) is read with nobody assigned and no question,
// and any other header is refused.
func TestReadCSVDir_Assignee(t *testing.T) {
	header := strings.Join(dump.Header(dump.TableClaims), ",")
	require.True(t, strings.HasSuffix(header, ",assignee,question_id"))
	noQuestion := strings.TrimSuffix(header, ",question_id")
	older := strings.TrimSuffix(noQuestion, ",assignee")
	const row = "\r\n7,A claim with an assignee.,,statement,,,unverified,,0,2,2025-05-01T00:00:00.000000Z,2025-05-01T00:00:00.000000Z"
	for _, tc := range []struct {
		name, file, want string
	}{
		{"with", header + row + ",ana,0\r\n", "ana"},
		{"nobody", header + row + ",,0\r\n", ""},
		{"no question column", noQuestion + row + ",ana\r\n", "ana"},
		{"older", older + "\r\n7,A claim from an older dump.,,statement,,,unverified,,0,1,2025-05-01T00:00:00.000000Z,2025-05-01T00:00:00.000000Z\r\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "claims.csv"), []byte(tc.file), 0o644))
			d, err := dump.ReadCSVDir(dir)
			require.NoError(t, err)
			require.Len(t, d.Claims, 1)
			assert.Equal(t, tc.want, d.Claims[0].Assignee)
			assert.Zero(t, d.Claims[0].QuestionID)
			assert.NoError(t, d.Validate())
		})
	}
	t.Run("question", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "claims.csv"), []byte(header+row+",,3\r\n"), 0o644))
		d, err := dump.ReadCSVDir(dir)
		require.NoError(t, err)
		assert.EqualValues(t, 3, d.Claims[0].QuestionID)
		assert.ErrorContains(t, d.Validate(), "question_id: No question has this id.")
		require.NoError(t, os.WriteFile(filepath.Join(dir, "questions.csv"),
			[]byte(strings.Join(dump.Header(dump.TableQuestions), ",")+"\r\n3,Will the ferry run in winter?,,1,2025-05-01T00:00:00.000000Z,2025-05-01T00:00:00.000000Z\r\n"), 0o644))
		d, err = dump.ReadCSVDir(dir)
		require.NoError(t, err)
		require.Len(t, d.Questions, 1)
		assert.Equal(t, "Will the ferry run in winter?", d.Questions[0].Title)
		assert.NoError(t, d.Validate())
	})
	t.Run("other header", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "claims.csv"), []byte(older+",owner\r\n"), 0o644))
		_, err := dump.ReadCSVDir(dir)
		var fe *dump.FileError
		require.ErrorAs(t, err, &fe)
		assert.Contains(t, fe.Msg, "the header must be "+header)
	})
}

// A JSON dump without assignees (made before claims had one) reads as
// nobody assigned; an assignee, in a claim or in the history, must be a
// username.
func TestValidate_Assignee(t *testing.T) {
	const at = "2025-05-01T00:00:00.000000Z"
	doc := `{"format": "claimtrack-dump", "version": 1, "exported_at": "",
		"claims": [{"id": 1, "text": "A claim from an older dump.", "context": "", "kind": "statement", "due_date": "",
			"tags": [], "status": "unverified", "verdict_note": "", "report_id": 0, "version": 1,
			"created_at": "` + at + `", "updated_at": "` + at + `"}]}`
	d, err := dump.ReadJSON(strings.NewReader(doc))
	require.NoError(t, err)
	require.Len(t, d.Claims, 1)
	assert.Empty(t, d.Claims[0].Assignee)
	require.NoError(t, d.Validate())

	d.Claims[0].Assignee = "<b>ana</b>"
	d.Events = []dump.Event{
		{ID: 1, Type: "claim_assigned", Actor: "chief", At: at, ClaimID: 1, Before: map[string]string{"assignee": ""},
			After: map[string]string{"assignee": "ana editor"}},
		{ID: 2, Type: "claim_assigned", Actor: "chief", At: at, ClaimID: 1, Before: map[string]string{"assignee": "ana"},
			After: map[string]string{}},
		{ID: 3, Type: "claim_assigned", Actor: "chief", At: at, ClaimID: 1, Before: map[string]string{"assignee": "ana"},
			After: map[string]string{"assignee": ""}},
	}
	var problems dump.Problems
	require.ErrorAs(t, d.Validate(), &problems)
	var got []string
	for _, p := range problems {
		got = append(got, string(p.Table)+" "+p.Field)
	}
	assert.Equal(t, []string{"claims assignee", "events after.assignee", "events after.assignee"}, got)
	assert.Contains(t, problems[0].Message, "username")
	assert.Equal(t, int64(1), problems[1].ID)
	assert.Equal(t, int64(2), problems[2].ID, "an assignment records who it is to")
}

// A source's aliases are the last column of sources.csv, one per line in
// the cell; a dump made before sources had them reads as none. Aliases are
// checked as names, and may not name another source of the file.
func TestReadCSVDir_Aliases(t *testing.T) {
	header := strings.Join(dump.Header(dump.TableSources), ",")
	require.True(t, strings.HasSuffix(header, ",aliases"))
	older := strings.TrimSuffix(header, ",aliases")
	const row = "\r\n4,Anatoly Krasnov,person,,,,2025-05-01T00:00:00.000000Z,2025-05-01T00:00:00.000000Z"
	for _, tc := range []struct {
		name, file string
		want       []string
	}{
		{"with", header + row + ",\"Krasnov\nthe ministry spokesman\"\r\n", []string{"Krasnov", "the ministry spokesman"}},
		{"none", header + row + ",\r\n", nil},
		{"older", older + row + "\r\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "sources.csv"), []byte(tc.file), 0o644))
			d, err := dump.ReadCSVDir(dir)
			require.NoError(t, err)
			require.Len(t, d.Sources, 1)
			assert.Equal(t, tc.want, d.Sources[0].Aliases)
			assert.NoError(t, d.Validate())
		})
	}
	t.Run("taken", func(t *testing.T) {
		dir := t.TempDir()
		file := header + row + ",\"Krasnov\nKRASNOV\"" + "\r\n5,Krasnov,person,,,,2025-05-01T00:00:00.000000Z,,\r\n" +
			"6,Irina Belova,person,,,,2025-05-01T00:00:00.000000Z,,anatoly krasnov\r\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, "sources.csv"), []byte(file), 0o644))
		d, err := dump.ReadCSVDir(dir)
		require.NoError(t, err)
		err = d.Validate()
		require.Error(t, err)
		assert.ErrorContains(t, err, "An alias is empty, given twice, or the source's own name.")
		assert.ErrorContains(t, err, "Another source has the same name or alias.")
		assert.ErrorContains(t, err, "“anatoly krasnov” is another source's name or alias.")
	})
}
