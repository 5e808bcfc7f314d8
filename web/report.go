package web

import (
	"net/http"

	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// handleReportView shows a report and the claims taken from it.
func (s *Server) handleReportView(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	r, err := s.store.FindReportByID(ctx, id)
	if err != nil {
		return err
	}
	claims, err := s.store.FindReportClaims(ctx, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.ReportPage(s.page(c, r.Title, ""), views.ReportData{Report: r, Claims: claims}))
}
