package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	goical "github.com/emersion/go-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// /due.ics parses with an independent iCalendar library and holds one
// all-day event for each open forecast with a due date, the seed's included,
// linking to the claim; text is escaped for iCalendar; the claims list's
// filters narrow it.
func TestDueCalendar(t *testing.T) {
	a := newTestApp(t)
	hostile := "The summit will open on Monday; agenda, venue\\and date: TBC."
	res := a.post("/claims", url.Values{"text": {hostile}, "kind": {"forecast"}, "due_date": {"2030-01-02"}, "tags": {"summit"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	closed := a.post("/claims", url.Values{"text": {"The budget will pass before the summer."}, "kind": {"forecast"}, "due_date": {"2030-06-01"}})
	require.Equal(t, http.StatusSeeOther, closed.status)
	a.setStatus(strings.TrimPrefix(closed.header.Get("Location"), "/claims/"), claimtrack.StatusConfirmed, "It passed.")

	cal := a.get("/due.ics")
	require.Equal(t, http.StatusOK, cal.status)
	assert.Contains(t, cal.header.Get("Content-Type"), "text/calendar")
	parsed, err := goical.NewDecoder(strings.NewReader(cal.body)).Decode()
	require.NoError(t, err, cal.body)
	open := a.count(`SELECT count(*) FROM claims WHERE kind = 'forecast' AND due_date <> '' AND status IN ('unverified', 'disputed')`)
	events := parsed.Events()
	require.Len(t, events, open, "one event per open forecast with a due date")
	require.GreaterOrEqual(t, open, 3, "the seed's forecasts and the new one")
	var seen bool
	for _, ev := range events {
		start, err := ev.DateTimeStart(time.UTC)
		require.NoError(t, err)
		assert.Equal(t, goical.ValueDate, ev.Props.Get(goical.PropDateTimeStart).ValueType(), "an all-day event")
		end, err := ev.DateTimeEnd(time.UTC)
		require.NoError(t, err)
		assert.Equal(t, start.AddDate(0, 0, 1), end)
		link := ev.Props.Get(goical.PropURL)
		require.NotNil(t, link)
		assert.Regexp(t, `/claims/\d+$`, link.Value)
		summary, err := ev.Props.Text(goical.PropSummary)
		require.NoError(t, err)
		if summary == "Due: "+hostile {
			seen = true
			assert.Equal(t, "2030-01-02", start.Format(time.DateOnly))
		}
		uid, err := ev.Props.Text(goical.PropUID)
		require.NoError(t, err)
		assert.Contains(t, uid, "-due@")
	}
	assert.True(t, seen, "the text comes back exactly, its ; , and \\ escaped in the file")
	assert.Contains(t, cal.body, `Monday\; agenda\, venue\\and`)
	assert.NotContains(t, cal.body, "budget will pass", "a forecast with a verdict is not due")

	tagged := a.get("/due.ics?tag=summit")
	parsed, err = goical.NewDecoder(strings.NewReader(tagged.body)).Decode()
	require.NoError(t, err)
	assert.Len(t, parsed.Events(), 1, "the tag filter applies")
}
