package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// The lists' filters, read from the query.

// claimFilter reads the claims list's filters from the query: status, tag,
// words, source and report (an unknown source or report is a 404; other
// values that mean nothing are ignored), and its order (sort=changed: by last
// change). It also gives the source and the report filtered by.
func (s *Server) claimFilter(c echo.Context) (claimtrack.ClaimFilter, listFilters, error) {
	var f claimtrack.ClaimFilter
	var by listFilters
	if st := claimtrack.Status(c.QueryParam("status")); st.Valid() {
		f.Status = st
	}
	f.Tag = claimtrack.NormalizeTag(c.QueryParam("tag"))
	f.Query = strings.TrimSpace(c.QueryParam("q"))
	f.QueryLimits = s.queryLimits()
	f.Order, _ = claimtrack.ParseClaimOrder(c.QueryParam("sort"))
	switch due := claimtrack.DueState(c.QueryParam("due")); due {
	case claimtrack.DueOverdue, claimtrack.DueSoon:
		f.Due = due
	}
	f.Today = s.Now().UTC().Format(time.DateOnly)
	// assignee=me is the signed-in person.
	f.Assignee = strings.TrimSpace(c.QueryParam("assignee"))
	if u := user(c); f.Assignee == "me" && u != nil {
		f.Assignee = u.Username
	}
	ctx := c.Request().Context()
	if id, err := strconv.ParseInt(c.QueryParam("source"), 10, 64); err == nil && id > 0 {
		if by.Source, err = s.store.FindSourceByID(ctx, id); err != nil {
			return f, by, err
		}
		f.SourceID = id
	}
	if id, err := strconv.ParseInt(c.QueryParam("report"), 10, 64); err == nil && id > 0 {
		if by.Report, err = s.store.FindReportByID(ctx, id); err != nil {
			return f, by, err
		}
		f.ReportID = id
	}
	return f, by, nil
}

// listFilters are the records a claims list is filtered by, for its page.
type listFilters struct {
	Source *claimtrack.Source
	Report *claimtrack.Report
}

// changesFilter reads the recent-changes filters from the query. Values that
// cannot be used are reported in the form's errors and left out of the
// filter, so the page still answers.
func changesFilter(c echo.Context) (claimtrack.EventFilter, views.ChangesForm) {
	q := c.QueryParams()
	form := views.ChangesForm{Type: q.Get("type"), Actor: strings.TrimSpace(q.Get("actor")), Source: q.Get("source"),
		From: q.Get("from"), To: q.Get("to"), Errors: views.FormErrors{}}
	f := claimtrack.EventFilter{Limit: ChangesPerPage, Actor: form.Actor}
	if t := claimtrack.EventType(form.Type); t.Valid() {
		f.Types = []claimtrack.EventType{t}
	} else if form.Type != "" {
		form.Errors["type"] = "Choose a kind of change from the list."
		form.Type = ""
	}
	if form.Source != "" {
		if id, err := strconv.ParseInt(form.Source, 10, 64); err == nil && id > 0 {
			f.SourceID = id
		} else {
			form.Errors["source"] = "Not a source number."
		}
	}
	day := func(field, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil || t.Year() < 1900 || t.Year() > 9999 {
			form.Errors[field] = "Use a date like 2025-05-09."
			return time.Time{}
		}
		return t
	}
	f.From = day("from", form.From)
	if to := day("to", form.To); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the whole of the last day
	}
	if b, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil && b > 0 {
		f.Before = b
	}
	return f, form
}
