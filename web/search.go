package web

import (
	"net/http"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// SourcesPerSearch is how many matching sources the search page lists.
const SourcesPerSearch = 8

// handleSearch ranks the claims matching q and lists the sources it names.
// Every input gives a results page: the query language has no syntax errors.
func (s *Server) handleSearch(c echo.Context) error {
	raw := c.QueryParam("q")
	q := claimtrack.ParseQuery(raw)
	ctx := c.Request().Context()
	pageNum := pageParam(c)
	d := views.SearchData{Raw: raw, Query: q, Results: &claimtrack.SearchResults{}}
	if !q.Empty() {
		var err error
		if d.Results, err = s.store.Search(ctx, q, (pageNum-1)*ClaimsPerPage, ClaimsPerPage, SourcesPerSearch); err != nil {
			return err
		}
	}
	d.Pager = views.Pager{Page: pageNum, PerPage: ClaimsPerPage, Total: d.Results.Total,
		URL: func(n int) string { return views.SearchURL(q.String(), n) }}
	p := s.page(c, "Search", "")
	p.Query = views.QueryText(raw)
	return s.render(c, http.StatusOK, views.SearchPage(p, d))
}
