package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// CalendarStore is what the due-date calendar needs.
type CalendarStore interface {
	FindOpenForecasts(ctx context.Context, f claimtrack.ClaimFilter, limit int) ([]*claimtrack.Claim, error)
}

// CalendarEvents is the most events the calendar holds: the soonest due.
const CalendarEvents = 2000

// handleDueCalendar is /due.ics: an iCalendar feed (RFC 5545) with one
// all-day event on the due date of every open forecast, linking to the
// claim, so that a desk sees the due dates in its calendar. It takes the
// claims list's filters (tag, assignee, source, report, words).
func (s *Server) handleDueCalendar(c echo.Context) error {
	f, _, err := s.claimFilter(c)
	if err != nil {
		return err
	}
	claims, err := s.store.FindOpenForecasts(c.Request().Context(), f, CalendarEvents)
	if err != nil {
		return err
	}
	base := s.baseURL(c)
	host := "claimtrack"
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Claimtrack//Due forecasts//EN")
	cal.SetName("Forecasts coming due · Claimtrack")
	cal.SetXWRCalName("Forecasts coming due · Claimtrack")
	for _, cl := range claims {
		due, err := time.Parse(time.DateOnly, cl.DueDate)
		if err != nil {
			continue // never stored: due dates are checked on the way in
		}
		link := base + views.ClaimURL(cl.ID)
		ev := cal.AddEvent("claim-" + strconv.FormatInt(cl.ID, 10) + "-due@" + host)
		ev.SetDtStampTime(cl.UpdatedAt)
		ev.SetLastModifiedAt(cl.UpdatedAt)
		ev.SetAllDayStartAt(due)
		ev.SetAllDayEndAt(due.AddDate(0, 0, 1))
		ev.SetSummary("Due: " + cl.Text)
		ev.SetURL(link)
		desc := "Forecast, " + cl.Status.Label() + ". " + link
		if cl.Assignee != "" {
			desc = "Forecast, " + cl.Status.Label() + ", assigned to " + cl.Assignee + ". " + link
		}
		ev.SetDescription(desc)
		ev.SetTimeTransparency(ics.TransparencyTransparent)
	}
	c.Response().Header().Set("Content-Disposition", `inline; filename="due.ics"`)
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", []byte(cal.Serialize()))
}
