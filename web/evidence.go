package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// handleEvidenceCreate links a source, existing or new, to a claim. A new
// name close to the names of existing sources is not created at once: the
// form comes back asking "Did you mean …?" (see askAboutSimilar).
func (s *Server) handleEvidenceCreate(c echo.Context) error {
	id, err := formPathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := newEvidenceForm(c)
	applySourcePick(&f)
	asked, err := s.askAboutSimilar(ctx, &f)
	if err == nil && !asked {
		_, err = s.store.AddEvidence(ctx, id, evidenceInput(f), s.actor(c))
		if claimtrack.ErrorCode(err) == claimtrack.EINVALID {
			f.Errors = errorsOf(err)
		}
	}
	if asked || claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		claim, ferr := s.store.FindClaimByID(ctx, id)
		if ferr != nil {
			return ferr
		}
		if err := s.nameChosenSource(ctx, &f); err != nil {
			return err
		}
		return s.renderClaim(c, http.StatusUnprocessableEntity, claim, views.StatusForm{}, f)
	} else if err != nil {
		return err
	}
	// See handleClaimStatusUpdate on the fragment.
	return redirectWithFlash(c, views.ClaimURL(id)+"#main", flashEvidenceAdded)
}

// SimilarSourcesOffered is how many existing sources "Did you mean …?"
// offers at most.
const SimilarSourcesOffered = 3

// applySourcePick applies the answer to "Did you mean …?": an offered
// source picked takes the place of the name typed. An answer about a name
// since changed in the form no longer holds and is dropped.
func applySourcePick(f *views.EvidenceForm) {
	if f.SourceAsked == "" || claimtrack.SourceNameKey(f.SourceAsked) != claimtrack.SourceNameKey(f.SourceName) {
		f.SourceAsked, f.SourcePick = "", ""
		return
	}
	if name, ok := strings.CutPrefix(f.SourcePick, views.SourcePickPrefix); ok {
		f.SourceName, f.SourceAsked, f.SourcePick = name, "", ""
	}
}

// askAboutSimilar checks the source a link names. When it is a new name,
// not yet confirmed as new, and existing sources have names close to it
// (ignoring case, a letter or two, or a word left out: "Dmitri Peskov" for
// "Dmitry Peskov", "Peskov" for either), it fills f with the question, the
// sources offered and the form's other messages, and returns true: nothing
// is written, and the form is shown again. The lookup has the search budget
// to find them; past it, the name is taken as new.
func (s *Server) askAboutSimilar(ctx context.Context, f *views.EvidenceForm) (bool, error) {
	in := evidenceInput(*f)
	in.Normalize()
	if f.NewSourceConfirmed() || in.SourceID != 0 || in.SourceName == "" {
		return false, nil
	}
	if _, err := s.store.FindSourceByName(ctx, in.SourceName); err == nil {
		return false, nil
	} else if claimtrack.ErrorCode(err) != claimtrack.ENOTFOUND {
		return false, err
	}
	lookup, cancel := context.WithTimeout(ctx, s.Config().SearchBudget)
	defer cancel()
	similar, err := s.store.FindSimilarSources(lookup, in.SourceName, SimilarSourcesOffered)
	if lookup.Err() != nil && ctx.Err() == nil {
		return false, nil
	} else if err != nil || len(similar) == 0 {
		return false, err
	}
	f.Similar, f.SourceAsked, f.SourcePick = similar, in.SourceName, ""
	f.Errors = views.FormErrors{}
	for field, msg := range claimtrack.FieldErrors(in.Validate()) {
		f.Errors[field] = msg
	}
	close := "one has a close name"
	if len(similar) > 1 {
		close = "some have close names"
	}
	f.Errors["source_name"] = "No source is named “" + in.SourceName + "”, but " + close + ": choose below, or change the name."
	return true, nil
}

// nameChosenSource puts the name of the source a form chose by id (as the
// API and older forms do) into its name field, so that the form shown again
// names it.
func (s *Server) nameChosenSource(ctx context.Context, f *views.EvidenceForm) error {
	id := formInt(f.SourceID)
	if id <= 0 || f.SourceName != "" {
		return nil
	}
	src, err := s.store.FindSourceByID(ctx, id)
	if claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	f.SourceID, f.SourceName = "", src.Name
	return nil
}

// findClaimLink returns a claim and one of its links, or a 404.
func (s *Server) findClaimLink(c echo.Context) (*claimtrack.Claim, *claimtrack.Evidence, error) {
	claim, e, _, err := s.findClaimLinks(c)
	return claim, e, err
}

// findClaimLinks returns a claim, one of its links and all of them, or a 404.
func (s *Server) findClaimLinks(c echo.Context) (*claimtrack.Claim, *claimtrack.Evidence, []*claimtrack.Evidence, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, nil, nil, err
	}
	eid, err := strconv.ParseInt(c.Param("eid"), 10, 64)
	if err != nil || eid <= 0 {
		return nil, nil, nil, echo.ErrNotFound
	}
	ctx := c.Request().Context()
	claim, err := s.store.FindClaimByID(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	links, err := s.store.FindClaimEvidence(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, e := range links {
		if e.ID == eid {
			return claim, e, links, nil
		}
	}
	return nil, nil, nil, claimtrack.Errorf(claimtrack.ENOTFOUND, "This claim has no such evidence (any more).")
}

// handleEvidenceRemoveForm asks for the reason before a link is taken off,
// and says which source becomes the main one when the link names it.
func (s *Server) handleEvidenceRemoveForm(c echo.Context) error {
	claim, e, links, err := s.findClaimLinks(c)
	if err != nil {
		return err
	}
	f := views.RemovalForm{Version: strconv.FormatInt(claim.Version, 10)}
	return s.render(c, http.StatusOK, views.EvidenceRemovePage(s.page(c, "Remove evidence", "claims"), views.EvidenceRemoveDataOf(claim, links, e, f)))
}

// handleEvidenceRemove takes a link off a claim, with the reason.
func (s *Server) handleEvidenceRemove(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	claim, e, links, err := s.findClaimLinks(c)
	if err != nil {
		return err
	}
	f := views.RemovalForm{Note: c.FormValue("note"), Version: c.FormValue("version")}
	_, err = s.store.RemoveEvidence(c.Request().Context(), claim.ID, e.ID,
		claimtrack.EvidenceRemoval{Note: f.Note, Version: formInt(f.Version)}, s.actor(c))
	if claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		f.Errors = errorsOf(err)
		return s.render(c, http.StatusUnprocessableEntity, views.EvidenceRemovePage(s.page(c, "Remove evidence", "claims"), views.EvidenceRemoveDataOf(claim, links, e, f)))
	} else if claimtrack.ErrorCode(err) == claimtrack.ECONFLICT {
		return claimtrack.Errorf(claimtrack.ECONFLICT, conflictMessage+" Nothing was removed: open the claim to see what changed, and remove the evidence again if it should still go.")
	} else if err != nil {
		return err
	}
	return redirectWithFlash(c, views.ClaimURL(claim.ID)+"#main", flashEvidenceRemoved)
}

// handleEvidenceEditForm shows the form that corrects a link, filled with
// the link as it is and the claim's version.
func (s *Server) handleEvidenceEditForm(c echo.Context) error {
	claim, e, err := s.findClaimLink(c)
	if err != nil {
		return err
	}
	d, err := s.evidenceEditData(c, claim, e, evidenceFormOf(e, claim.Version))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.EvidenceEditPage(s.page(c, "Edit evidence", "claims"), d))
}

// handleEvidenceUpdate applies a correction of a link made on the version
// the form carries. Bad fields come back with their messages (422); a stale
// version answers 409 with what changed and the edit ready to re-apply.
func (s *Server) handleEvidenceUpdate(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	claim, e, err := s.findClaimLink(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := newEvidenceForm(c)
	applySourcePick(&f)
	asked, err := s.askAboutSimilar(ctx, &f)
	if err != nil {
		return err
	}
	in := evidenceInput(f)
	if asked {
		err = &claimtrack.Error{Code: claimtrack.EINVALID, Fields: f.Errors}
	} else {
		var edited *claimtrack.Evidence
		edited, err = s.store.EditEvidence(ctx, claim.ID, e.ID, in, s.actor(c))
		if err == nil {
			done := flashEvidenceUpdated
			if edited.Same(e) {
				done = flashUnchanged
			}
			return redirectWithFlash(c, views.ClaimURL(claim.ID)+"#main", done)
		}
	}
	switch claimtrack.ErrorCode(err) {
	case claimtrack.EINVALID:
		f.Errors = errorsOf(err)
		if in.Version < 1 {
			f.Version = strconv.FormatInt(claim.Version, 10)
		}
		d, err := s.evidenceEditData(c, claim, e, f)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, views.EvidenceEditPage(s.page(c, "Edit evidence", "claims"), d))
	case claimtrack.ECONFLICT:
		now, ferr := s.store.FindClaimByID(ctx, claim.ID)
		if ferr != nil {
			return ferr
		}
		f.Version = strconv.FormatInt(now.Version, 10)
		d, derr := s.evidenceEditData(c, now, e, f)
		if derr != nil {
			return derr
		}
		return s.renderConflict(c, now, in.Version, views.ConflictData{Evidence: &d})
	}
	return err
}

// evidenceEditData is what the edit form of link e shows: f, and the
// sources "via" offers, the link's own via among them.
func (s *Server) evidenceEditData(c echo.Context, claim *claimtrack.Claim, e *claimtrack.Evidence, f views.EvidenceForm) (views.EvidenceEditData, error) {
	d := views.EvidenceEditData{Claim: claim, Evidence: e, Form: f}
	var err error
	if d.Sources, err = s.store.FindSourceChoices(c.Request().Context()); err != nil {
		return d, err
	}
	if e.Via != nil && !slices.ContainsFunc(d.Sources, func(s *claimtrack.Source) bool { return s.ID == e.ViaSourceID }) {
		d.Sources = append([]*claimtrack.Source{e.Via}, d.Sources...)
	}
	return d, nil
}
