package web

import (
	"net/http"
	"strconv"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// handleEvidenceCreate links a source, existing or new, to a claim.
func (s *Server) handleEvidenceCreate(c echo.Context) error {
	id, err := formPathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := newEvidenceForm(c)
	_, err = s.store.AddEvidence(ctx, id, evidenceInput(f), s.actor(c))
	if claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		claim, ferr := s.store.FindClaimByID(ctx, id)
		if ferr != nil {
			return ferr
		}
		f.Errors = errorsOf(err)
		return s.renderClaim(c, http.StatusUnprocessableEntity, claim, views.StatusForm{}, f)
	} else if err != nil {
		return err
	}
	// See handleClaimStatusUpdate on the fragment.
	return redirectWithFlash(c, views.ClaimURL(id)+"#main", flashEvidenceAdded)
}

// findClaimLink returns a claim and one of its links, or a 404.
func (s *Server) findClaimLink(c echo.Context) (*claimtrack.Claim, *claimtrack.Evidence, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, nil, err
	}
	eid, err := strconv.ParseInt(c.Param("eid"), 10, 64)
	if err != nil || eid <= 0 {
		return nil, nil, echo.ErrNotFound
	}
	ctx := c.Request().Context()
	claim, err := s.store.FindClaimByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	links, err := s.store.FindClaimEvidence(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range links {
		if e.ID == eid {
			return claim, e, nil
		}
	}
	return nil, nil, claimtrack.Errorf(claimtrack.ENOTFOUND, "This claim has no such evidence (any more).")
}

// handleEvidenceRemoveForm asks for the reason before a link is taken off.
func (s *Server) handleEvidenceRemoveForm(c echo.Context) error {
	claim, e, err := s.findClaimLink(c)
	if err != nil {
		return err
	}
	f := views.RemovalForm{Version: strconv.FormatInt(claim.Version, 10)}
	return s.render(c, http.StatusOK, views.EvidenceRemovePage(s.page(c, "Remove evidence", "claims"), claim, e, f))
}

// handleEvidenceRemove takes a link off a claim, with the reason.
func (s *Server) handleEvidenceRemove(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	claim, e, err := s.findClaimLink(c)
	if err != nil {
		return err
	}
	f := views.RemovalForm{Note: c.FormValue("note"), Version: c.FormValue("version")}
	_, err = s.store.RemoveEvidence(c.Request().Context(), claim.ID, e.ID,
		claimtrack.EvidenceRemoval{Note: f.Note, Version: formInt(f.Version)}, s.actor(c))
	if claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		f.Errors = errorsOf(err)
		return s.render(c, http.StatusUnprocessableEntity, views.EvidenceRemovePage(s.page(c, "Remove evidence", "claims"), claim, e, f))
	} else if err != nil {
		return err
	}
	return redirectWithFlash(c, views.ClaimURL(claim.ID)+"#main", flashEvidenceRemoved)
}
