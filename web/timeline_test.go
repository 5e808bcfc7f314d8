package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A revised verdict note is shown as a word diff against the note before.
func TestTimeline_NoteDiff(t *testing.T) {
	t.Parallel()
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

// A long history is read a page at a time; the verdict in force is known on
// every page.
func TestTimeline_Pages(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ctx := t.Context()
	for i := range 110 {
		c, err := a.db.FindClaimByID(ctx, 4)
		require.NoError(t, err)
		st := claimtrack.StatusDisputed
		if i%2 == 1 {
			st = claimtrack.StatusConfirmed
		}
		_, err = a.db.SetClaimStatus(ctx, 4, claimtrack.StatusChange{Status: st, Note: "Round " + strconv.Itoa(i), Version: c.Version}, "admin")
		require.NoError(t, err)
	}
	total := a.count(`SELECT count(*) FROM events WHERE claim_id = 4`)
	require.Greater(t, total, 100)

	var seen []string
	path := "/claims/4"
	pages := 0
	for path != "" {
		p := a.get(path)
		require.Equal(t, http.StatusOK, p.status)
		events := p.doc.Find(`[data-testid="event"]`)
		assert.LessOrEqual(t, events.Length(), 50)
		events.Each(func(i int, s *goquery.Selection) {
			seen = append(seen, s.AttrOr("data-event-type", ""))
			isCurrent := pages == 0 && i == 0
			if s.AttrOr("data-event-type", "") == "status_changed" {
				assert.Equal(t, !isCurrent, s.Find(`[data-testid="superseded-verdict"]`).Length() == 1, "page %d event %d", pages, i)
			}
		})
		path = p.doc.Find(`[data-testid="older-events"]`).AttrOr("href", "")
		path = strings.TrimSuffix(path, "#timeline-h")
		pages++
	}
	assert.Equal(t, total, len(seen), "every event once")
	assert.Equal(t, "claim_created", seen[len(seen)-1])
	assert.Equal(t, 3, pages)
	assert.Equal(t, http.StatusOK, a.get("/claims/4?before=nonsense").status)
}
