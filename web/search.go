package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// maxQueryBytes bounds the search text used; longer input is cut.
const maxQueryBytes = 512

// handleSearch finds the sources and claims that contain every word of q.
func (s *Server) handleSearch(c echo.Context) error {
	q := strings.ToValidUTF8(strings.TrimSpace(c.QueryParam("q")), "")
	if len(q) > maxQueryBytes {
		q = strings.ToValidUTF8(q[:maxQueryBytes], "")
	}
	ctx := c.Request().Context()
	pageNum := pageParam(c)
	d := views.SearchData{Query: q, Result: &claimtrack.ClaimPage{}}
	if q != "" {
		var err error
		if d.Sources, err = s.store.SearchSources(ctx, q, 10); err != nil {
			return err
		}
		f := claimtrack.ClaimFilter{Query: q, Limit: ClaimsPerPage, Offset: (pageNum - 1) * ClaimsPerPage}
		if d.Result, err = s.store.FindClaims(ctx, f); err != nil {
			return err
		}
	}
	d.Pager = views.Pager{Page: pageNum, PerPage: ClaimsPerPage, Total: d.Result.Total, URL: func(n int) string {
		return "/search?" + url.Values{"q": {q}, "page": {itoa(n)}}.Encode()
	}}
	p := s.page(c, "Search", "")
	p.Query = q
	return s.render(c, http.StatusOK, views.SearchPage(p, d))
}
