package web_test

import (
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
)

// A revised verdict note is shown as a word diff against the note before.
func TestTimeline_NoteDiff(t *testing.T) {
	a := newTestApp(t)
	a.setStatus("3", claimtrack.StatusConfirmed, "Checked with the Kremlin.")
	a.setStatus("3", claimtrack.StatusConfirmed, "Checked with the Kremlin and the White House.")
	top := a.get("/claims/3").doc.Find(`[data-testid="event"]`).First()
	diff := top.Find(`[data-testid="note-diff"]`)
	assert.Equal(t, "Kremlin.", diff.Find("del").Text())
	assert.Equal(t, "Kremlin and the White House.", strings.TrimSpace(diff.Find("ins").Text()))
	assert.Contains(t, diff.Text(), "Checked with the")
	// The first verdict has no note before it: the note is shown whole.
	first := a.get("/claims/3").doc.Find(`[data-testid="event"][data-event-type="status_changed"]`).Last()
	assert.Zero(t, first.Find(`[data-testid="note-diff"]`).Length())
	assert.Contains(t, first.Find(".event-note").Text(), "Checked with the Kremlin.")
	// The earlier verdict stays, marked superseded; the latest is not.
	assert.Equal(t, 1, first.Find(`[data-testid="superseded-verdict"]`).Length())
	assert.Zero(t, top.Find(`[data-testid="superseded-verdict"]`).Length())
}
