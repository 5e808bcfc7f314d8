package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// export, then import into a new database, by the commands: JSON, CSV, a
// dry run, and a sheet with a bad row.
func TestExportImportCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	require.NoError(t, run(ctx, []string{"seed", "--db", src}, io.Discard, io.Discard))
	// A claim assigned: the assignee and its history go along.
	func() {
		db, err := sqlite.Open(ctx, src)
		require.NoError(t, err)
		defer db.Close()
		_, err = db.CreateUser(ctx, claimtrack.NewUser{Username: "ana", Role: claimtrack.RoleEditor, Password: "a long enough password"}, "x", "admin", false)
		require.NoError(t, err)
		_, err = db.AssignClaim(ctx, 2, "ana", "chief")
		require.NoError(t, err)
	}()
	var out strings.Builder
	require.NoError(t, run(ctx, []string{"export", "--db", src, "--out", filepath.Join(dir, "dump.json")}, &out, io.Discard))
	assert.Contains(t, out.String(), "export: wrote")
	require.NoError(t, run(ctx, []string{"export", "--db", src, "--format", "csv", "--out", filepath.Join(dir, "csv")}, io.Discard, io.Discard))
	info, err := os.Stat(filepath.Join(dir, "dump.json"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())
	assert.ErrorIs(t, run(ctx, []string{"export", "--db", src}, io.Discard, io.Discard), errUsage)

	count := func(path string) int {
		db, err := sqlite.Open(ctx, path)
		require.NoError(t, err)
		defer db.Close()
		page, err := db.FindClaims(ctx, sqliteAll)
		require.NoError(t, err)
		return page.Total
	}
	for _, in := range []string{"dump.json", "csv"} {
		dst := filepath.Join(dir, "from-"+in+".db")
		out.Reset()
		require.NoError(t, run(ctx, []string{"import", filepath.Join(dir, in), "--db", dst, "--dry-run"}, &out, io.Discard))
		assert.Contains(t, out.String(), "would add 8 claims")
		assert.Contains(t, out.String(), "nothing was written")
		assert.Zero(t, count(dst))
		out.Reset()
		require.NoError(t, run(ctx, []string{"import", "--as", "archivist", "--db", dst, filepath.Join(dir, in)}, &out, io.Discard))
		assert.Contains(t, out.String(), "added 8 claims")
		assert.Equal(t, 8, count(dst))
		db, err := sqlite.Open(ctx, dst)
		require.NoError(t, err)
		c, err := db.FindClaimByID(ctx, 2)
		require.NoError(t, err)
		assert.Equal(t, "ana", c.Assignee, "from %s", in)
		events, err := db.FindClaimEvents(ctx, 2)
		require.NoError(t, err)
		require.NoError(t, db.Close())
		assert.Contains(t, eventTypes(events), claimtrack.EventClaimAssigned)
	}

	sheet := filepath.Join(dir, "sheet.csv")
	require.NoError(t, os.WriteFile(sheet, []byte("text,status,verdict_note\nA fine claim for the sheet.,,\nA claim with a bad status.,maybe,x\n"), 0o644))
	err = run(ctx, []string{"import", sheet, "--db", src}, io.Discard, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sheet row 2 (line 3), field status")
	assert.Equal(t, 8, count(src), "nothing written")
}

// eventTypes are the kinds of the events, in their order.
func eventTypes(events []*claimtrack.Event) []claimtrack.EventType {
	var out []claimtrack.EventType
	for _, e := range events {
		out = append(out, e.Type)
	}
	return out
}

// sqliteAll is a filter for every claim.
var sqliteAll = claimtrack.ClaimFilter{Limit: 1}

// The import command holds history to the forms' rules too: an export whose
// "evidence added" event links a javascript: URL and whose "status changed"
// event has no status is refused, both rows named, nothing written.
func TestImportCommand_EventValuesValidated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src.db"), filepath.Join(dir, "dst.db")
	require.NoError(t, run(ctx, []string{"seed", "--db", src}, io.Discard, io.Discard))
	require.NoError(t, run(ctx, []string{"seed", "--db", dst}, io.Discard, io.Discard))
	require.NoError(t, run(ctx, []string{"export", "--db", src, "--out", filepath.Join(dir, "dump.json")}, io.Discard, io.Discard))
	raw, err := os.ReadFile(filepath.Join(dir, "dump.json"))
	require.NoError(t, err)
	var d map[string]any
	require.NoError(t, json.Unmarshal(raw, &d))
	var linkRow, statusRow int
	events := d["events"].([]any)
	var lastID float64
	for i, e := range events {
		ev := e.(map[string]any)
		if ev["type"] == "evidence_added" && linkRow == 0 {
			ev["after"].(map[string]any)["url"] = "javascript:alert(1)"
			linkRow = i + 1
		}
		lastID = max(lastID, ev["id"].(float64))
	}
	// A status change of the first claim, without its status.
	first := events[0].(map[string]any)
	events = append(events, map[string]any{"id": lastID + 1, "type": "status_changed", "actor": "desk-b", "at": first["at"],
		"claim_id": first["claim_id"], "claim_version": 2, "before": map[string]any{"status": "unverified"},
		"after": map[string]any{"note": "Checked."}, "note": "Checked."})
	d["events"] = events
	statusRow = len(events)
	require.NotZero(t, linkRow)
	require.NotZero(t, statusRow)
	// Merged into another tracker: the report key is made new so that its
	// claims and history are not left out as already there.
	d["reports"].([]any)[0].(map[string]any)["key"] = "another-report-key"
	hostile, err := json.Marshal(d)
	require.NoError(t, err)
	path := filepath.Join(dir, "hostile.json")
	require.NoError(t, os.WriteFile(path, hostile, 0o644))

	err = run(ctx, []string{"import", path, "--db", dst}, io.Discard, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("events row %d", linkRow))
	assert.Contains(t, err.Error(), "field after.url: The link must be a full http:// or https:// address.")
	assert.Contains(t, err.Error(), fmt.Sprintf("events row %d", statusRow))
	assert.Contains(t, err.Error(), "field after.status")
	db, err := sqlite.Open(ctx, dst)
	require.NoError(t, err)
	defer db.Close()
	page, err := db.FindClaims(ctx, sqliteAll)
	require.NoError(t, err)
	assert.Equal(t, 8, page.Total, "nothing written")
}
