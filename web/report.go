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
	return s.render(c, http.StatusOK, views.ReportPage(s.page(c, r.Title, "reports"), views.ReportData{Report: r, Claims: claims}))
}

// ReportsPerPage is how many reports the reports list shows at a time.
const ReportsPerPage = 50

// handleReportList lists the reports, the latest published first, 50 a
// page, each with the number of its claims in each status.
func (s *Server) handleReportList(c echo.Context) error {
	pageNum := pageParam(c)
	reports, total, err := s.store.FindReports(c.Request().Context(), (pageNum-1)*ReportsPerPage, ReportsPerPage)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.ReportListPage(s.page(c, "Reports", "reports"), views.ReportListData{Reports: reports,
		Pager: views.Pager{Page: pageNum, PerPage: ReportsPerPage, Total: total, URL: views.ReportsURL}}))
}
