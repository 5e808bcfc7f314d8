package web

import (
	"net/http"
	"strconv"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// The API's events: every change and a claim's history, read by cursor.

type apiEventBody struct {
	ID           int64             `json:"id"`
	Type         string            `json:"type"`
	Summary      string            `json:"summary"`
	Actor        string            `json:"actor"`
	At           string            `json:"at"`
	ClaimID      int64             `json:"claim_id"`
	ClaimVersion int64             `json:"claim_version"`
	SourceID     int64             `json:"source_id"`
	EvidenceID   int64             `json:"evidence_id"`
	ReportID     int64             `json:"report_id"`
	QuestionID   int64             `json:"question_id"`
	Before       map[string]string `json:"before"`
	After        map[string]string `json:"after"`
	Note         string            `json:"note"`
}

func apiEventOf(e *claimtrack.Event) apiEventBody {
	nonNil := func(m map[string]string) map[string]string {
		if m == nil {
			return map[string]string{}
		}
		return m
	}
	return apiEventBody{ID: e.ID, Type: string(e.Type), Summary: views.ChangeSummary(e), Actor: e.Actor, At: apiTime(e.At),
		ClaimID: e.ClaimID, ClaimVersion: e.ClaimVersion, SourceID: e.SourceID, EvidenceID: e.EvidenceID, ReportID: e.ReportID,
		QuestionID: e.QuestionID, Before: nonNil(e.Before), After: nonNil(e.After), Note: e.Note}
}

// GET /claims/:id/events: the claim's history, newest first, by cursor.
func (s *Server) apiClaimEvents(c echo.Context) error {
	cl, err := s.apiClaimID(c)
	if err != nil {
		return err
	}
	limit, before, err := apiCursor(c)
	if err != nil {
		return err
	}
	events, more, _, err := s.store.FindClaimTimeline(c.Request().Context(), cl.ID, before, limit)
	if err != nil {
		return err
	}
	return s.cursorList(c, events, more, limit)
}

// apiCursor reads limit and before (an event id) for lists of events.
func apiCursor(c echo.Context) (limit int, before int64, err error) {
	limit = 50
	if v := c.QueryParam("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > apiMaxPerPage {
			return 0, 0, apiInvalid("limit", "Ask for 1 to "+strconv.Itoa(apiMaxPerPage)+" events.")
		}
	}
	if v := c.QueryParam("before"); v != "" {
		if before, err = strconv.ParseInt(v, 10, 64); err != nil || before < 1 {
			return 0, 0, apiInvalid("before", "before is an event id.")
		}
	}
	return limit, before, nil
}

// cursorList answers a page of events with a link to the older ones.
func (s *Server) cursorList(c echo.Context, events []*claimtrack.Event, more bool, limit int) error {
	out := make([]apiEventBody, 0, len(events))
	for _, e := range events {
		out = append(out, apiEventOf(e))
	}
	self := s.baseURL(c) + c.Request().URL.RequestURI()
	links := map[string]string{"self": self}
	if more && len(events) > 0 {
		links["next"] = s.apiURL(c, map[string]string{"before": strconv.FormatInt(events[len(events)-1].ID, 10), "limit": strconv.Itoa(limit)})
	}
	s.linkHeader(c, links)
	return c.JSON(http.StatusOK, apiList{Data: out, Meta: map[string]any{"limit": limit, "more": more}, Links: links})
}

// GET /events: every change, newest first, with the recent-changes filters.
func (s *Server) apiEvents(c echo.Context) error {
	limit, before, err := apiCursor(c)
	if err != nil {
		return err
	}
	f, form := changesFilter(c)
	for field, msg := range form.Errors {
		return apiInvalid(field, msg)
	}
	f.Limit, f.Before = limit, before
	events, more, err := s.store.FindEvents(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return s.cursorList(c, events, more, limit)
}
