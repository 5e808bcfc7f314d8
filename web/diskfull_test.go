package web_test

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smallDisk mounts a filesystem of the given size (tmpfs) for the test, or
// skips the test where mounting is not allowed.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "disk")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small filesystem here (%v: %s); the disk-full test needs root", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes a file until the disk has no space left.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			require.True(t, errors.Is(err, syscall.ENOSPC), "filled up: %v", err)
			return
		}
	}
}

// With the disk full, a change is refused with a clear 503 page (and a JSON
// 503 from the API), nothing of it is stored, and every page still reads;
// once space is freed, changes work again without a restart.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	dir := smallDisk(t, "16m")
	a := newBareAppIn(t, dir)
	a.signInAs("admin", claimtrack.RoleAdmin)
	token := a.apiToken("api-editor", claimtrack.RoleEditor)
	// The log starts empty, so the next change has to grow it.
	require.NoError(t, a.db.Checkpoint(t.Context()))
	before := a.snapshot()
	events := a.count(`SELECT count(*) FROM events`)

	filler := filepath.Join(dir, "filler")
	fill(t, filler)
	res := a.post("/claims", url.Values{"text": {"Saved while the disk was full?"}, "kind": {"statement"}})
	require.Equal(t, http.StatusServiceUnavailable, res.status, res.body)
	assert.Contains(t, res.doc.Find("h1").Text(), "cannot be saved right now")
	assert.Contains(t, res.body, "disk is full")
	assert.Equal(t, "60", res.header.Get("Retry-After"))
	v := fieldValue(a.get("/claims/1").doc, "#status-form", "version")
	res = a.post("/claims/1/status", url.Values{"status": {"refuted"}, "note": {"Not saved."}, "version": {v}})
	assert.Equal(t, http.StatusServiceUnavailable, res.status)
	r := a.api("POST", "/claims", token, map[string]any{"text": "Sent to the API while the disk was full."})
	assert.Equal(t, http.StatusServiceUnavailable, r.status)
	assert.Equal(t, "unavailable", r.errCode())
	assert.Equal(t, before, a.snapshot(), "nothing partial is stored")
	assert.Equal(t, events, a.count(`SELECT count(*) FROM events`))
	for _, path := range []string{"/claims", "/claims/1", "/sources", "/search?q=Moscow", "/changes"} {
		assert.Equal(t, http.StatusOK, a.get(path).status, "%s still reads", path)
	}

	require.NoError(t, os.Remove(filler))
	res = a.post("/claims", url.Values{"text": {"Saved once space was freed."}, "kind": {"statement"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = a.post("/claims/1/status", url.Values{"status": {"refuted"}, "note": {"Saved now."}, "version": {v}})
	assert.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, events+2, a.count(`SELECT count(*) FROM events`))
	require.NoError(t, a.db.IntegrityCheck(t.Context()))
}
