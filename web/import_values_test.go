package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/dump"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileExport is another desk's export whose history was edited by hand:
// the "evidence added" event of its link carries a javascript: URL, and
// its "status changed" event has no status. It returns the file and the
// 1-based rows of the two events in it.
func hostileExport(t *testing.T) (file []byte, linkRow, statusRow int) {
	t.Helper()
	ctx := context.Background()
	other, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "other.db"))
	require.NoError(t, err)
	defer other.Close()
	c, err := other.CreateClaim(ctx, claimtrack.ClaimInput{Text: "A claim from the other desk.", Kind: claimtrack.KindStatement}, "desk-b")
	require.NoError(t, err)
	_, err = other.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceName: "Desk B source", SourceKind: claimtrack.SourcePerson,
		Stance: claimtrack.StanceAsserts, URL: "https://example.org/said"}, "desk-b")
	require.NoError(t, err)
	c, err = other.FindClaimByID(ctx, c.ID)
	require.NoError(t, err)
	_, err = other.SetClaimStatus(ctx, c.ID, claimtrack.StatusChange{Status: claimtrack.StatusRefuted, Note: "Checked.", Version: c.Version}, "desk-b")
	require.NoError(t, err)
	var buf bytes.Buffer
	w, err := dump.NewJSONWriter(&buf, time.Now())
	require.NoError(t, err)
	require.NoError(t, other.Export(ctx, w, nil))

	var d map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &d))
	events := d["events"].([]any)
	for i, e := range events {
		ev := e.(map[string]any)
		switch ev["type"] {
		case string(claimtrack.EventEvidenceAdded):
			ev["after"].(map[string]any)["url"] = "javascript:alert(document.cookie)"
			linkRow = i + 1
		case string(claimtrack.EventStatusChanged):
			delete(ev["after"].(map[string]any), "status")
			statusRow = i + 1
		}
	}
	require.NotZero(t, linkRow)
	require.NotZero(t, statusRow)
	file, err = json.Marshal(d)
	require.NoError(t, err)
	return file, linkRow, statusRow
}

// Imported history is held to the forms' rules: a merge with a javascript:
// link in an event and a status change without a status is refused with a
// 422 that names both rows, and nothing is written.
func TestImport_EventValuesValidated(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	file, linkRow, statusRow := hostileExport(t)
	before := a.snapshot()
	events := a.count(`SELECT count(*) FROM events`)

	for _, dryRun := range []bool{true, false} {
		res := a.upload("desk-b.json", file, dryRun)
		require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
		problems := res.doc.Find(`[data-testid="import-problems"] li`)
		require.Equal(t, 2, problems.Length(), res.body)
		text := problems.Text()
		assert.Contains(t, text, "events row "+strconv.Itoa(linkRow))
		assert.Contains(t, text, "field after.url: The link must be a full http:// or https:// address.")
		assert.Contains(t, text, "events row "+strconv.Itoa(statusRow))
		assert.Contains(t, text, "field after.status")
		assert.Equal(t, before, a.snapshot(), "nothing is written")
		assert.Equal(t, events, a.count(`SELECT count(*) FROM events`))
	}
	assert.Zero(t, a.count(`SELECT count(*) FROM events WHERE after_json LIKE '%javascript:%'`))
}
