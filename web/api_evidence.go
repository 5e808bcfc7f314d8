package web

import (
	"net/http"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/labstack/echo/v4"
)

// The API's evidence: a claim's evidence and new evidence for a claim.

type apiEvidenceBody struct {
	ID          int64   `json:"id"`
	ClaimID     int64   `json:"claim_id"`
	Source      apiRef  `json:"source"`
	Via         *apiRef `json:"via"`
	Stance      string  `json:"stance"`
	Quote       string  `json:"quote"`
	URL         string  `json:"url"`
	PublishedAt string  `json:"published_at"`
	Note        string  `json:"note"`
	CreatedAt   string  `json:"created_at"`
}

func apiEvidenceOf(e *claimtrack.Evidence) apiEvidenceBody {
	b := apiEvidenceBody{ID: e.ID, ClaimID: e.ClaimID, Source: apiRef{ID: e.SourceID}, Stance: string(e.Stance), Quote: e.Quote,
		URL: e.URL, PublishedAt: e.PublishedAt, Note: e.Note, CreatedAt: apiTime(e.CreatedAt)}
	if e.Source != nil {
		b.Source.Name = e.Source.Name
	}
	if e.ViaSourceID != 0 {
		b.Via = &apiRef{ID: e.ViaSourceID}
		if e.Via != nil {
			b.Via.Name = e.Via.Name
		}
	}
	return b
}

// GET /claims/:id/evidence.
func (s *Server) apiClaimEvidence(c echo.Context) error {
	cl, err := s.apiClaimID(c)
	if err != nil {
		return err
	}
	ev, err := s.store.FindClaimEvidence(c.Request().Context(), cl.ID)
	if err != nil {
		return err
	}
	out := make([]apiEvidenceBody, 0, len(ev))
	for _, e := range ev {
		out = append(out, apiEvidenceOf(e))
	}
	c.Response().Header().Set("ETag", etag(cl.Version))
	return c.JSON(http.StatusOK, map[string]any{"data": out})
}

// apiEvidenceInput is the body that links a source to a claim.
type apiEvidenceInput struct {
	SourceID    int64  `json:"source_id"`
	SourceName  string `json:"source_name"`
	SourceKind  string `json:"source_kind"`
	Stance      string `json:"stance"`
	Quote       string `json:"quote"`
	URL         string `json:"url"`
	PublishedAt string `json:"published_at"`
	ViaSourceID int64  `json:"via_source_id"`
	Note        string `json:"note"`
}

// POST /claims/:id/evidence (If-Match optional).
func (s *Server) apiEvidenceCreate(c echo.Context) error {
	cl, err := s.apiClaimID(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var in apiEvidenceInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	e, err := s.store.AddEvidence(c.Request().Context(), cl.ID, claimtrack.EvidenceInput{SourceID: in.SourceID, SourceName: in.SourceName,
		SourceKind: claimtrack.SourceKind(in.SourceKind), Stance: claimtrack.Stance(in.Stance), Quote: in.Quote, URL: in.URL,
		PublishedAt: in.PublishedAt, ViaSourceID: in.ViaSourceID, Note: in.Note, Version: version}, user(c).Username)
	if err != nil {
		return stale(err)
	}
	if now, err := s.store.FindClaimByID(c.Request().Context(), cl.ID); err == nil {
		c.Response().Header().Set("ETag", etag(now.Version))
	}
	return c.JSON(http.StatusCreated, apiEvidenceOf(e))
}
