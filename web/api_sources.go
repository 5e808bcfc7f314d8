package web

import (
	"math"
	"net/http"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// The API's sources: the list and one source, with their records.

type apiReliability struct {
	Agree    float64 `json:"agree"`
	Disagree float64 `json:"disagree"`
	Open     int     `json:"open"`
	Claims   int     `json:"claims"`
	Score    float64 `json:"score"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
	Enough   bool    `json:"enough"`
	// Statements and Forecasts are the record's two parts, under the same
	// rules (absent inside a part).
	Statements *apiReliability `json:"statements,omitempty"`
	Forecasts  *apiReliability `json:"forecasts,omitempty"`
}

// apiRecordOf is a record (or a part of one) as the API shows it.
func apiRecordOf(rec claimtrack.SourceRecord) *apiReliability {
	return &apiReliability{Agree: float64(rec.Credit.AgreeHalves) / 2, Disagree: float64(rec.Credit.DisagreeHalves) / 2,
		Open: rec.Credit.Open, Claims: rec.Claims, Score: round3(rec.Score.Mean), Low: round3(rec.Score.Low),
		High: round3(rec.Score.High), Enough: rec.Score.Enough}
}

type apiSourceBody struct {
	ID          int64           `json:"id"`
	URL         string          `json:"url"`
	Name        string          `json:"name"`
	Kind        string          `json:"kind"`
	Role        string          `json:"role"`
	Website     string          `json:"website"`
	Description string          `json:"description"`
	CreatedAt   string          `json:"created_at"`
	UpdatedAt   string          `json:"updated_at"`
	Aliases     []string        `json:"aliases"`
	Reliability *apiReliability `json:"reliability,omitempty"`
}

func (s *Server) apiSourceOf(c echo.Context, src *claimtrack.Source, rec *claimtrack.SourceRecord) apiSourceBody {
	b := apiSourceBody{ID: src.ID, URL: s.baseURL(c) + views.SourceURL(src.ID), Name: src.Name, Kind: string(src.Kind), Role: src.Role,
		Website: src.URL, Description: src.Description, CreatedAt: apiTime(src.CreatedAt), UpdatedAt: apiTime(src.UpdatedAt),
		Aliases: src.Aliases}
	if b.Aliases == nil {
		b.Aliases = []string{}
	}
	if rec != nil {
		b.Reliability = apiRecordOf(*rec)
		b.Reliability.Statements = apiRecordOf(rec.Statements.AsRecord())
		b.Reliability.Forecasts = apiRecordOf(rec.Forecasts.AsRecord())
	}
	return b
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// GET /sources: sorted by name, reliability, the forecasts' record or claims, with their records.
func (s *Server) apiSources(c echo.Context) error {
	page, perPage, err := apiPage(c)
	if err != nil {
		return err
	}
	sort := c.QueryParam("sort")
	switch sort {
	case "":
		sort = claimtrack.SortByName
	case claimtrack.SortByName, claimtrack.SortByReliability, claimtrack.SortByForecasts, claimtrack.SortByClaims:
	default:
		return apiInvalid("sort", "Sort by name, reliability, forecasts or claims.")
	}
	list, total, err := s.store.FindSources(c.Request().Context(), claimtrack.SourceFilter{Sort: sort, Offset: (page - 1) * perPage, Limit: perPage})
	if err != nil {
		return err
	}
	out := make([]apiSourceBody, 0, len(list))
	for _, sum := range list {
		out = append(out, s.apiSourceOf(c, &sum.Source, &sum.Record))
	}
	return s.pagedList(c, out, page, perPage, total)
}

// GET /sources/:id, with its record.
func (s *Server) apiSource(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	src, err := s.store.FindSourceByID(ctx, id)
	if err != nil {
		return err
	}
	rec, err := s.store.FindSourceRecord(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.apiSourceOf(c, src, &rec))
}
