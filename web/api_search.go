package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/labstack/echo/v4"
)

// The API's search: claims ranked by relevance, and the sources that match.

// apiHit is one claim found by a search: Snippet is the passage of the
// first of Matched, the places besides its text where it matched.
type apiHit struct {
	apiClaimBody
	Snippet string     `json:"snippet"`
	Matched []apiMatch `json:"matched"`
}

// apiMatch is one place a hit matched besides its text.
type apiMatch struct {
	Place   string `json:"place"`
	Source  string `json:"source,omitempty"`
	Passage string `json:"passage"`
}

// GET /search: claims ranked by relevance, with the sources whose names match.
func (s *Server) apiSearch(c echo.Context) error {
	page, perPage, err := apiPage(c)
	if err != nil {
		return err
	}
	q := claimtrack.ParseQueryWith(c.QueryParam("q"), s.queryLimits())
	if q.Empty() {
		return apiInvalid("q", "Say what to search for.")
	}
	res, tooBroad, err := runSearch(s, c, func(ctx context.Context) (*claimtrack.SearchResults, error) {
		return s.store.Search(ctx, q, (page-1)*perPage, perPage, SourcesPerSearch)
	})
	if err != nil {
		return err
	}
	if tooBroad {
		return s.apiTooBroad(c, page, perPage)
	}
	hits := make([]apiHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		matched := make([]apiMatch, 0, len(h.Matches))
		for _, m := range h.Matches {
			matched = append(matched, apiMatch{Place: string(m.Place), Source: m.Source, Passage: m.Passage.Plain()})
		}
		hits = append(hits, apiHit{apiClaimBody: s.apiClaimOf(c, h.Claim), Snippet: h.Snippet.Plain(), Matched: matched})
	}
	sources := make([]apiSourceBody, 0, len(res.Sources))
	for _, src := range res.Sources {
		sources = append(sources, s.apiSourceOf(c, src, nil))
	}
	questions := make([]apiQuestionBody, 0, len(res.Questions))
	for _, q := range res.Questions {
		questions = append(questions, s.apiQuestionOf(c, q))
	}
	last := max(1, (res.Total+perPage-1)/perPage)
	links := map[string]string{}
	mk := func(n int) string {
		return s.apiURL(c, map[string]string{"page": strconv.Itoa(n), "per_page": strconv.Itoa(perPage)})
	}
	links["self"] = mk(page)
	if page > 1 {
		links["prev"] = mk(min(page-1, last))
	}
	if page < last {
		links["next"] = mk(page + 1)
	}
	s.linkHeader(c, links)
	return c.JSON(http.StatusOK, map[string]any{"data": hits, "sources": sources, "questions": questions,
		"meta": map[string]any{"page": page, "per_page": perPage, "total": res.Total, "at_least": res.AtLeast, "ranked": res.Ranked,
			"notes": append([]string{}, q.Notes...)},
		"links": links})
}
