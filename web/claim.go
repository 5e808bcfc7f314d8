package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// handleClaimList shows the claims list, filtered by the query parameters
// status, source, report, tag and q, newest first or by last change
// (sort=changed), a page of 25 at a time. Filter values that cannot match
// anything (an unknown status, a malformed source id) are ignored.
func (s *Server) handleClaimList(c echo.Context) error {
	if raw := c.QueryParam("as_of"); raw != "" {
		if until, ok := s.asOf(c, raw, "these are the claims as they are now"); ok {
			return s.renderClaimListAsOf(c, strings.TrimSpace(raw), until)
		}
	}
	f, by, err := s.claimFilter(c)
	if err != nil {
		return err
	}
	f.Limit = ClaimsPerPage
	pageNum := pageParam(c)
	f.Offset = (pageNum - 1) * ClaimsPerPage

	result, tooBroad, err := s.findClaims(c, f)
	if err != nil {
		return err
	}
	d := views.ClaimListData{Result: result, Filter: f, Source: by.Source, Report: by.Report, TooBroad: tooBroad,
		QueryNotes: claimtrack.ParseQueryWith(f.Query, f.QueryLimits).Notes, Pager: views.Pager{
			Page: pageNum, PerPage: ClaimsPerPage, Total: result.Total,
			URL: func(n int) string { return views.ClaimListURL(f, n) },
		}}
	p := s.page(c, "Claims", "claims")
	p.Query = f.Query
	return s.render(c, http.StatusOK, views.ClaimListPage(p, d))
}

// findClaims reads one page of the claims list. With words to search for
// (q) it is a search: one of the client's searches at once, within the
// search budget; tooBroad then says the budget ran out, and the page is
// empty.
func (s *Server) findClaims(c echo.Context, f claimtrack.ClaimFilter) (page *claimtrack.ClaimPage, tooBroad bool, err error) {
	if f.Query == "" || claimtrack.ParseQueryWith(f.Query, f.QueryLimits).Empty() {
		page, err = s.store.FindClaims(c.Request().Context(), f)
		return page, false, err
	}
	page, tooBroad, err = runSearch(s, c, func(ctx context.Context) (*claimtrack.ClaimPage, error) {
		return s.store.FindClaims(ctx, f)
	})
	if tooBroad {
		page = &claimtrack.ClaimPage{StatusCounts: map[claimtrack.Status]int{}}
	}
	return page, tooBroad, err
}

// asOf reads an as_of value for a past view. A value that is not a moment,
// or one still to come, gives false and a notice for the page shown instead,
// which ends with what (the present view) is.
func (s *Server) asOf(c echo.Context, raw, what string) (time.Time, bool) {
	until, ok := claimtrack.ParseAsOf(raw)
	switch {
	case !ok:
		c.Set(noticeKey, "“"+raw+"” is not a date (use 2025-05-09, or 2025-05-09T14:30:00Z); "+what+".")
		return time.Time{}, false
	case until.After(s.Now().UTC().Add(24 * time.Hour)):
		c.Set(noticeKey, "That moment is still to come; "+what+".")
		return time.Time{}, false
	}
	return until, true
}

// renderClaimListAsOf lists the claims that existed at a moment, newest
// first, each as it stood then, 25 a page; read only.
func (s *Server) renderClaimListAsOf(c echo.Context, label string, until time.Time) error {
	pageNum := pageParam(c)
	states, total, err := s.store.FindClaimsAsOf(c.Request().Context(), until, (pageNum-1)*ClaimsPerPage, ClaimsPerPage)
	if err != nil {
		return err
	}
	d := views.ClaimListAsOfData{Label: label, Claims: states, Day: until.UTC().Format(time.DateOnly), Pager: views.Pager{Page: pageNum, PerPage: ClaimsPerPage, Total: total,
		URL: func(n int) string { return views.ClaimsAsOfURL(label, n) }}}
	p := s.page(c, "Claims as of "+label, "claims")
	p.User = nil // a past state is read only
	return s.render(c, http.StatusOK, views.ClaimListAsOfPage(p, d))
}

// handleClaimView shows one claim with its evidence, forms and history.
func (s *Server) handleClaimView(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if raw := c.QueryParam("as_of"); raw != "" {
		if done, err := s.freshClaim(c, id); done {
			return err
		}
		claim, err := s.store.FindClaimByID(c.Request().Context(), id)
		if err != nil {
			return err
		}
		return s.renderClaimAsOf(c, claim, raw)
	}
	if sharedView(c) {
		return s.showSharedClaim(c, id)
	}
	return s.showClaim(c, http.StatusOK, id, nil, views.StatusForm{}, views.EvidenceForm{})
}

// showSharedClaim answers a view of a claim that every visitor gets alike
// (see sharedView): with 304 when the visitor holds it already, from the page
// cache when it is kept there, else by reading and rendering it. The plain
// view (no query) is kept in the page cache, gzipped (see gzip.go). The
// generation is taken before anything is read, and the claim's freshness in
// the snapshot the page is read from, so a page is never kept as current
// after a change it may have missed.
func (s *Server) showSharedClaim(c echo.Context, id int64) error {
	ctx := c.Request().Context()
	gen, err := s.store.Generation(ctx)
	keep := err == nil && c.Request().URL.RawQuery == ""
	base, day := s.baseURL(c), s.Now().UTC().Format(time.DateOnly)
	if keep {
		if v, gz, ok := s.pages.get(id, base, gen, day); ok {
			s.pages.hits.Add(1)
			return s.sendKept(c, v, gz)
		}
	}
	// The freshness and, when the page must be made, what it shows are read
	// in one snapshot: one transaction, and the rows they share read once.
	var (
		v      validators
		kept   []byte
		d      views.ClaimData
		review *ClaimReview
	)
	err = s.store.ReadSnapshot(ctx, func(ctx context.Context) error {
		var (
			claim    *claimtrack.Claim
			evidence []*claimtrack.Evidence
			f        claimtrack.Freshness
			err      error
		)
		if keep && s.pages.has(id, base) || c.Request().Header.Get("If-None-Match") != "" ||
			c.Request().Header.Get("If-Modified-Since") != "" {
			// A page may be current already: its freshness alone tells.
			if f, err = s.store.ClaimFreshness(ctx, id); err != nil {
				return err
			}
		} else {
			// A page to make: the claim, then its evidence, whose sources give
			// the rest of its freshness.
			if claim, err = s.store.FindClaimForPage(ctx, id); err != nil {
				return err
			}
			if evidence, f, err = s.store.FindClaimEvidenceFresh(ctx, claim); err != nil {
				return err
			}
		}
		v = s.validatorsOf(c, f)
		if keep {
			if gz, ok := s.pages.current(id, base, gen, day, v.etag); ok {
				kept = gz
				return nil
			}
		}
		if s.holdsShared(c, v) {
			return nil // answered 304 below, without reading the page
		}
		d, review, err = s.claimPageData(ctx, c, id, claim, evidence, views.StatusForm{}, views.EvidenceForm{})
		return err
	})
	zipped := acceptsGzip(c.Request())
	switch {
	case err != nil:
		return err
	case kept != nil:
		s.pages.hits.Add(1)
		return s.sendKept(c, v, kept)
	case s.holdsShared(c, v):
		_, err := s.answerSharedPage(c, v, zipped)
		return err
	}
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	page, err := renderInto(c, buf, s.claimPage(c, d, review))
	if err != nil {
		return err
	}
	var gz []byte
	if keep {
		s.pages.misses.Add(1)
		token, _ := c.Get(csrfKey).(string)
		if token == "" && s.pages.admits(id, base, gen, len(page)/keptShare) {
			gz = gzipPage(page)
			s.pages.keep(id, base, gen, day, v, gz)
		}
	}
	if zipped && gz == nil {
		// Not kept, but sent gzipped all the same: compressing costs the
		// server less than sending four times the bytes costs both ends.
		out := templ.GetBuffer()
		defer templ.ReleaseBuffer(out)
		gz = gzipSent(out, page)
	}
	if _, err := s.answerSharedPage(c, v, zipped); err != nil {
		return err
	}
	if zipped {
		return writeGzipPage(c, http.StatusOK, gz)
	}
	return writePage(c, http.StatusOK, page)
}

// sendKept answers a shared view with a kept page, which has validators v:
// gzipped as kept to a client that takes gzip, inflated to one that does not.
func (s *Server) sendKept(c echo.Context, v validators, gz []byte) error {
	zipped := acceptsGzip(c.Request())
	if done, err := s.answerSharedPage(c, v, zipped); done {
		return err
	}
	if zipped {
		return writeGzipPage(c, http.StatusOK, gz)
	}
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	page, err := gunzipPage(buf, gz)
	if err != nil {
		return err
	}
	return writePage(c, http.StatusOK, page)
}

// renderClaimAsOf shows a claim as it stood at a past moment, rebuilt from
// its history, with its sources' scores of that moment. A value that is not
// a moment, or one in the future, shows the claim as it is now with a note
// saying why.
func (s *Server) renderClaimAsOf(c echo.Context, claim *claimtrack.Claim, raw string) error {
	until, ok := s.asOf(c, raw, "this is the claim as it is now")
	if !ok {
		return s.renderClaim(c, http.StatusOK, claim, views.StatusForm{}, views.EvidenceForm{})
	}
	ctx := c.Request().Context()
	events, err := s.store.FindClaimEventsUntil(ctx, claim.ID, until)
	if err != nil {
		return err
	}
	d := views.ClaimAsOfData{ID: claim.ID, Label: strings.TrimSpace(raw), Until: until.Format(time.RFC3339Nano), Now: claim,
		State: claimtrack.ReplayClaim(claim.ID, events), Day: until.UTC().Format(time.DateOnly)}
	if d.Verdict, err = s.store.FindVerdictUntil(ctx, claim.ID, until); err != nil {
		return err
	}
	if d.Events, err = s.store.FindClaimTimelineUntil(ctx, claim.ID, until, EventsPerPage); err != nil {
		return err
	}
	if d.State != nil {
		var ids []int64
		for _, e := range d.State.Evidence {
			ids = append(ids, e.SourceID)
		}
		records, err := s.store.FindRecordsAsOf(ctx, ids, until)
		if err != nil {
			return err
		}
		for _, e := range d.State.Evidence {
			e.Source.Record = records[e.SourceID]
		}
	}
	p := s.page(c, "Claim #"+strconv.FormatInt(claim.ID, 10)+" as of "+d.Label, "claims")
	p.User = nil // a past state is read only: no edit controls
	return s.render(c, http.StatusOK, views.ClaimAsOfPage(p, d))
}

// renderClaim renders a claim page. The status and evidence forms are shown
// as given, so a rejected submission comes back with its input and messages.
func (s *Server) renderClaim(c echo.Context, status int, claim *claimtrack.Claim, sf views.StatusForm, ef views.EvidenceForm) error {
	return s.showClaim(c, status, claim.ID, claim, sf, ef)
}

// showClaim reads what the page of claim id shows in one read transaction
// (the claim too, unless given), then renders it.
func (s *Server) showClaim(c echo.Context, status int, id int64, claim *claimtrack.Claim, sf views.StatusForm, ef views.EvidenceForm) error {
	d, review, err := s.claimPageData(c.Request().Context(), c, id, claim, nil, sf, ef)
	if err != nil {
		return err
	}
	return s.renderClaimPage(c, status, d, review)
}

// claimPageData reads, in one read transaction, what the page of claim id
// shows (claim itself, and its evidence, when not nil). Inside a snapshot
// already begun (see ReadSnapshot) it reads in that one.
func (s *Server) claimPageData(ctx context.Context, c echo.Context, id int64, claim *claimtrack.Claim, evidence []*claimtrack.Evidence,
	sf views.StatusForm, ef views.EvidenceForm) (
	views.ClaimData, *ClaimReview, error) {
	var d views.ClaimData
	var review *ClaimReview
	err := s.store.ReadSnapshot(ctx, func(ctx context.Context) (err error) {
		if claim == nil {
			if claim, err = s.store.FindClaimByID(ctx, id); err != nil {
				return err
			}
		}
		d, review, err = s.claimData(ctx, c, claim, evidence, sf, ef)
		return err
	})
	return d, review, err
}

// claimData reads what a claim page shows besides the claim: its evidence
// (unless given, not nil), a page of its history, its report, the source
// choices of the editors' forms, and its ClaimReview when it has a verdict.
func (s *Server) claimData(ctx context.Context, c echo.Context, claim *claimtrack.Claim, evidence []*claimtrack.Evidence,
	sf views.StatusForm, ef views.EvidenceForm) (views.ClaimData, *ClaimReview, error) {
	d := views.ClaimData{Claim: claim, Evidence: evidence, Status: sf, Add: ef}
	var err error
	if d.Evidence == nil {
		if d.Evidence, err = s.store.FindClaimEvidence(ctx, claim.ID); err != nil {
			return d, nil, err
		}
	}
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	d.EventsBefore = max(before, 0)
	if d.Events, d.MoreEvents, d.CurrentVerdict, err = s.store.FindClaimTimeline(ctx, claim.ID, d.EventsBefore, EventsPerPage); err != nil {
		return d, nil, err
	}
	if d.Verdict, err = s.verdictOf(ctx, claim.ID, d); err != nil {
		return d, nil, err
	}
	if user(c).CanEdit() { // the pickers are in the editors' forms only
		if d.Sources, err = s.store.FindSourceChoices(ctx); err != nil {
			return d, nil, err
		}
		if d.Assignable, err = s.assignable(ctx); err != nil {
			return d, nil, err
		}
	}
	if claim.QuestionID != 0 {
		if d.Question, d.Rivals, err = s.store.FindRivals(ctx, claim); err != nil {
			return d, nil, err
		}
	}
	if u := user(c); u != nil {
		if d.Following, err = s.store.IsFollowing(ctx, u.ID, claimtrack.FollowTarget{Kind: claimtrack.FollowClaim, ID: claim.ID}); err != nil {
			return d, nil, err
		}
	}
	if claim.ReportID != 0 {
		if d.Report, err = s.store.FindReportByID(ctx, claim.ReportID); err != nil {
			return d, nil, err
		}
	}
	// A rejected status form keeps the version it was sent with, so fixing the
	// note still reveals any change made meanwhile; a fresh or unusable one
	// carries the version on screen.
	if formInt(d.Status.Version) < 1 {
		d.Status.Version = strconv.FormatInt(claim.Version, 10)
	}
	if d.Status.Status == "" {
		d.Status.Status = string(claim.Status)
	}
	if !claim.Status.Resolved() {
		return d, nil, nil
	}
	first, ok := firstVerdictAt(d)
	if !ok {
		var err error
		if first, ok, err = s.store.FindFirstVerdictAt(ctx, claim.ID); err != nil {
			return d, nil, err
		}
	}
	if !ok { // a verdict always has its event; this is only a guard
		first = claim.UpdatedAt
	}
	return d, s.claimReview(c, claim, d.Evidence, first), nil
}

// firstVerdictAt finds when the claim first got a verdict from the history
// on the page, when the page holds all of it (newest first); false means
// the store must be asked.
func firstVerdictAt(d views.ClaimData) (time.Time, bool) {
	if d.MoreEvents || d.EventsBefore != 0 {
		return time.Time{}, false
	}
	for i := len(d.Events) - 1; i >= 0; i-- {
		if v, ok := d.Events[i].Payload.(claimtrack.StatusChanged); ok && v.To.Resolved() {
			return d.Events[i].At, true
		}
	}
	return time.Time{}, false
}

// verdictOf finds who gave the claim its status and when: from the history
// on the page when it holds all of it, else from the store.
func (s *Server) verdictOf(ctx context.Context, id int64, d views.ClaimData) (claimtrack.Verdict, error) {
	if d.MoreEvents || d.EventsBefore != 0 {
		return s.store.FindVerdict(ctx, id)
	}
	oldestFirst := slices.Clone(d.Events)
	slices.Reverse(oldestFirst)
	return claimtrack.VerdictOf(oldestFirst), nil
}

// renderClaimPage renders a claim page from what claimData read.
func (s *Server) renderClaimPage(c echo.Context, status int, d views.ClaimData, review *ClaimReview) error {
	return s.render(c, status, s.claimPage(c, d, review))
}

// claimPage is the page of a claim, with its feed and its ClaimReview.
func (s *Server) claimPage(c echo.Context, d views.ClaimData, review *ClaimReview) templ.Component {
	id := strconv.FormatInt(d.Claim.ID, 10)
	p := s.page(c, "Claim #"+id, "claims")
	p.Feeds = []views.Feed{{Title: "Changes to claim #" + id, URL: views.ClaimURL(d.Claim.ID) + ".atom"}}
	if review != nil {
		p.JSONLD = review
	}
	return views.ClaimPage(p, d)
}

// handleClaimNew shows the empty new-claim form.
func (s *Server) handleClaimNew(c echo.Context) error {
	f := views.ClaimForm{Kind: string(claimtrack.KindStatement)}
	return s.render(c, http.StatusOK, views.ClaimFormPage(s.page(c, "New claim", "claims"), views.ClaimFormData{Form: f}))
}

// handleClaimCreate stores a new claim, or shows the form again with messages.
func (s *Server) handleClaimCreate(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	f := newClaimForm(c)
	f.Version = ""
	if c.FormValue("similar_seen") != "1" {
		similar, err := s.similarClaims(c.Request().Context(), f)
		if err != nil {
			return err
		}
		if len(similar) > 0 {
			f.Similar = similar
			return s.render(c, http.StatusOK, views.ClaimFormPage(s.page(c, "New claim", "claims"), views.ClaimFormData{Form: f}))
		}
	}
	claim, err := s.store.CreateClaim(c.Request().Context(), claimInput(f), s.actor(c))
	if claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		f.Errors = errorsOf(err)
		return s.render(c, http.StatusUnprocessableEntity, views.ClaimFormPage(s.page(c, "New claim", "claims"), views.ClaimFormData{Form: f}))
	} else if err != nil {
		return err
	}
	return redirectWithFlash(c, views.ClaimURL(claim.ID), flashClaimCreated)
}

// SimilarClaimsListed is how many similar claims the new-claim form lists.
const SimilarClaimsListed = 5

// similarClaims returns the existing claims close to the text of a new
// claim (see FindSimilarClaims), for the form to list before it saves.
// Input that is not valid gets none: its messages come first. The lookup
// has the search budget; past it, there are none.
func (s *Server) similarClaims(ctx context.Context, f views.ClaimForm) ([]claimtrack.SimilarClaim, error) {
	in := claimInput(f)
	in.Normalize()
	if in.Validate() != nil {
		return nil, nil
	}
	lookup, cancel := context.WithTimeout(ctx, s.Config().SearchBudget)
	defer cancel()
	similar, err := s.store.FindSimilarClaims(lookup, in.Text, SimilarClaimsListed)
	if lookup.Err() != nil && ctx.Err() == nil {
		return nil, nil
	}
	return similar, err
}

// handleSimilarClaims answers the new-claim form's script, as the text is
// typed, with the list of claims similar to the text parameter
// (views.SimilarClaims), empty when there are none, when the text is too
// short or too long for a claim, or when the lookup runs out of the search
// budget. Each lookup is one of the client's searches (see runSearch).
func (s *Server) handleSimilarClaims(c echo.Context) error {
	text := claimtrack.NormalizeText(c.QueryParam("text"))
	var similar []claimtrack.SimilarClaim
	if n := utf8.RuneCountInString(text); n >= claimtrack.ClaimTextMin && n <= claimtrack.ClaimTextMax {
		found, tooBroad, err := runSearch(s, c, func(ctx context.Context) ([]claimtrack.SimilarClaim, error) {
			return s.store.FindSimilarClaims(ctx, text, SimilarClaimsListed)
		})
		if err != nil {
			return err
		}
		if !tooBroad {
			similar = found
		}
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return s.render(c, http.StatusOK, views.SimilarClaims(similar))
}

// handleClaimEdit shows the edit form filled with the claim as it is now.
func (s *Server) handleClaimEdit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	claim, err := s.store.FindClaimByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	d := views.ClaimFormData{Claim: claim, Form: claimFormOf(claim)}
	return s.render(c, http.StatusOK, views.ClaimFormPage(s.page(c, "Edit claim #"+strconv.FormatInt(id, 10), "claims"), d))
}

// handleClaimUpdate applies an edit made on the version the form carries. A
// stale version answers 409 with what changed and the edit ready to re-apply.
// A new text for a claim whose status was given on the old one is saved only
// once confirmed (see confirmTextEdit).
func (s *Server) handleClaimUpdate(c echo.Context) error {
	id, err := formPathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := newClaimForm(c)
	version := formInt(f.Version)
	if asked, err := s.confirmTextEdit(c, id, version, f); asked || err != nil {
		return err
	}
	if version < 1 {
		err = &claimtrack.Error{Code: claimtrack.EINVALID, Message: "The form is missing the claim's version.",
			Fields: map[string]string{"version": "The form is missing the claim's version; reload the page and try again."}}
	} else {
		var claim *claimtrack.Claim
		claim, err = s.store.UpdateClaim(ctx, id, version, claimInput(f), s.actor(c))
		if err == nil {
			done := flashClaimUpdated
			if claim.Version == version {
				done = flashUnchanged
			}
			return redirectWithFlash(c, views.ClaimURL(id), done)
		}
		if claimtrack.ErrorCode(err) == claimtrack.ECONFLICT && claim != nil {
			f.Version = strconv.FormatInt(claim.Version, 10)
			return s.renderConflict(c, claim, version, views.ConflictData{Edit: &f})
		}
	}
	if claimtrack.ErrorCode(err) != claimtrack.EINVALID {
		return err
	}
	claim, ferr := s.store.FindClaimByID(ctx, id)
	if ferr != nil {
		return ferr
	}
	f.Errors = errorsOf(err)
	if version < 1 {
		f.Version = strconv.FormatInt(claim.Version, 10)
	}
	d := views.ClaimFormData{Claim: claim, Form: f}
	return s.render(c, http.StatusUnprocessableEntity, views.ClaimFormPage(s.page(c, "Edit claim #"+strconv.FormatInt(id, 10), "claims"), d))
}

// confirmTextEdit asks, before an edit changes the text of a claim with a
// status other than unverified, for confirmation that the status may no
// longer fit the new text: it shows both texts word by word, the edit
// carried in the page's form, and returns true. The form sends the edit
// again with confirm_text=yes (then it is saved) or confirm_text=edit (then
// the edit form comes back with it). An edit that is invalid, stale or leaves
// the text as it is goes on as usual, and so does a confirmed one.
func (s *Server) confirmTextEdit(c echo.Context, id, version int64, f views.ClaimForm) (bool, error) {
	confirm := c.FormValue("confirm_text")
	if confirm == "yes" || version < 1 {
		return false, nil
	}
	ctx := c.Request().Context()
	claim, err := s.store.FindClaimByID(ctx, id)
	if err != nil {
		return true, err
	}
	title := "Edit claim #" + strconv.FormatInt(id, 10)
	if confirm == "edit" {
		return true, s.render(c, http.StatusOK, views.ClaimFormPage(s.page(c, title, "claims"), views.ClaimFormData{Claim: claim, Form: f}))
	}
	in := claimInput(f)
	in.Normalize()
	if claim.Version != version || claim.Status == claimtrack.StatusUnverified || in.Validate() != nil || in.Text == claim.Text {
		return false, nil
	}
	verdict, err := s.store.FindVerdict(ctx, id)
	if err != nil {
		return true, err
	}
	d := views.ClaimTextConfirmData{Claim: claim, Verdict: verdict, Form: f, NewText: in.Text}
	return true, s.render(c, http.StatusOK, views.ClaimTextConfirmPage(s.page(c, "Confirm the new text of claim #"+strconv.FormatInt(id, 10), "claims"), d))
}

// conflictMessage is what a person is told of a change made on a claim
// changed meanwhile (the API's message names the versions; pages do not).
const conflictMessage = "This claim was changed by someone else after you opened it."

// renderConflict answers 409 with the claim as it is, the changes made since
// the version the person had, and their input ready to re-apply.
func (s *Server) renderConflict(c echo.Context, claim *claimtrack.Claim, had int64, d views.ConflictData) error {
	since, err := s.store.FindClaimEventsSince(c.Request().Context(), claim.ID, had)
	if err != nil {
		return err
	}
	d.Claim, d.Since, d.Message = claim, since, conflictMessage
	p := s.page(c, "Edit conflict", "claims")
	p.Status = http.StatusConflict
	return s.render(c, http.StatusConflict, views.ConflictPage(p, d))
}

// handleClaimStatusUpdate records a new status with its note.
func (s *Server) handleClaimStatusUpdate(c echo.Context) error {
	id, err := formPathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := newStatusForm(c)
	ch, ok := statusChange(f)
	var claim *claimtrack.Claim
	if ok {
		claim, err = s.store.SetClaimStatus(ctx, id, ch, s.actor(c))
	} else {
		f.Refute = nil
		err = &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"refute": "Tick the rivals among those offered here."}}
	}
	switch claimtrack.ErrorCode(err) {
	case "":
		// The form's address ends in #status-form so that a rejected form scrolls
		// to its messages; a redirect without a fragment would inherit it, so
		// name the top of the page, where the confirmation shows.
		done := flashStatusChanged
		if claim.Version == ch.Version {
			done = flashUnchanged
		}
		return redirectWithFlash(c, views.ClaimURL(id)+"#main", done)
	case claimtrack.ECONFLICT:
		if claim == nil {
			return err
		}
		if claim.Version == ch.Version {
			// This claim is as the editor saw it: a rival changed. The page
			// shows the rivals as they are now, the note kept.
			f.Refute = nil
			f.Errors = views.FormErrors{"refute": claimtrack.ErrorMessage(err) + " Nothing was saved; the rivals are shown as they are now: tick them again."}
			return s.renderClaim(c, http.StatusConflict, claim, f, views.EvidenceForm{})
		}
		f.Version = strconv.FormatInt(claim.Version, 10)
		return s.renderConflict(c, claim, ch.Version, views.ConflictData{Status: &f})
	case claimtrack.EINVALID:
		claim, ferr := s.store.FindClaimByID(ctx, id)
		if ferr != nil {
			return ferr
		}
		f.Errors = errorsOf(err)
		return s.renderClaim(c, http.StatusUnprocessableEntity, claim, f, views.EvidenceForm{})
	}
	return err
}
