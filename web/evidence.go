package web

import (
	"net/http"

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
	return redirectWithFlash(c, views.ClaimURL(id)+"#main", "evidence-added")
}
