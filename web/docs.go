package web

import (
	"net/http"

	"github.com/claimtrack/claimtrack/docs"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// handleDoc shows a document of the documentation (docs/NAME.md) as a page;
// its links to the other documents lead to their pages.
func (s *Server) handleDoc(c echo.Context) error {
	src, ok := docs.Read(c.Param("name"))
	if !ok {
		return echo.ErrNotFound
	}
	title, body := views.Doc(src, views.DocLinks(docs.Has))
	return s.render(c, http.StatusOK, views.DocPage(s.page(c, title, ""), body))
}
