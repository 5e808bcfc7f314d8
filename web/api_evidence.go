package web

import (
	"net/http"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/labstack/echo/v4"
)

// The API's evidence: a claim's evidence, new evidence for a claim and
// corrections of it.

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
	cl, f, err := s.apiFreshClaim(c)
	if err != nil {
		return err
	}
	if done, err := s.answerVersioned(c, versionETag(cl.Version, s.sharedCacheKey(c, f)), f); done {
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

// apiEvidencePatch is the body that corrects a link: the fields of the
// create call, each optional (a field left out keeps its value), and the
// claim version seen.
type apiEvidencePatch struct {
	SourceID    *int64  `json:"source_id"`
	SourceName  *string `json:"source_name"`
	SourceKind  *string `json:"source_kind"`
	Stance      *string `json:"stance"`
	Quote       *string `json:"quote"`
	URL         *string `json:"url"`
	PublishedAt *string `json:"published_at"`
	ViaSourceID *int64  `json:"via_source_id"`
	Note        *string `json:"note"`
	Version     int64   `json:"version"`
}

// PATCH /claims/:id/evidence/:eid: the version seen comes as If-Match (or
// in the body); without either the change is refused (428), as the fields
// left out are those of the link at that version.
func (s *Server) apiEvidenceEdit(c echo.Context) error {
	cl, e, err := s.findClaimLink(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var p apiEvidencePatch
	if err := decodeJSON(c, &p); err != nil {
		return err
	}
	if version == 0 {
		version = p.Version
	}
	if version == 0 {
		return apiFail(http.StatusPreconditionRequired, "Send the claim's ETag as If-Match (or its version in the body): the fields you leave out keep the values of that version.")
	}
	in := claimtrack.EvidenceInput{SourceID: e.SourceID, Stance: e.Stance, Quote: e.Quote, URL: e.URL, PublishedAt: e.PublishedAt,
		ViaSourceID: e.ViaSourceID, Note: e.Note, Version: version}
	if p.SourceName != nil {
		in.SourceID, in.SourceName = 0, *p.SourceName
	}
	if p.SourceID != nil {
		in.SourceID = *p.SourceID
	}
	if p.SourceKind != nil {
		in.SourceKind = claimtrack.SourceKind(*p.SourceKind)
	}
	if p.Stance != nil {
		in.Stance = claimtrack.Stance(*p.Stance)
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.Quote, p.Quote)
	set(&in.URL, p.URL)
	set(&in.PublishedAt, p.PublishedAt)
	set(&in.Note, p.Note)
	if p.ViaSourceID != nil {
		in.ViaSourceID = *p.ViaSourceID
	}
	edited, err := s.store.EditEvidence(c.Request().Context(), cl.ID, e.ID, in, user(c).Username)
	if err != nil {
		return stale(err)
	}
	if now, err := s.store.FindClaimByID(c.Request().Context(), cl.ID); err == nil {
		c.Response().Header().Set("ETag", etag(now.Version))
	}
	return c.JSON(http.StatusOK, apiEvidenceOf(edited))
}
