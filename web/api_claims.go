package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// The API's claims: the list, one claim, a new claim and a status change.

type apiClaimBody struct {
	ID          int64    `json:"id"`
	URL         string   `json:"url"`
	Text        string   `json:"text"`
	Context     string   `json:"context"`
	Kind        string   `json:"kind"`
	DueDate     string   `json:"due_date"`
	Tags        []string `json:"tags"`
	Status      string   `json:"status"`
	VerdictNote string   `json:"verdict_note"`
	ReportID    int64    `json:"report_id"`
	Version     int64    `json:"version"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
	MainSource  *apiRef  `json:"main_source"`
	Assignee    string   `json:"assignee"`    // the editor it is assigned to, "" for nobody
	Due         string   `json:"due"`         // "overdue" or "soon" for an open forecast near or past its due date, else ""
	QuestionID  int64    `json:"question_id"` // the question it is an outcome of, 0 for none
}

func (s *Server) apiClaimOf(c echo.Context, cl *claimtrack.Claim) apiClaimBody {
	tags := cl.Tags
	if tags == nil {
		tags = []string{}
	}
	b := apiClaimBody{ID: cl.ID, URL: s.baseURL(c) + views.ClaimURL(cl.ID), Text: cl.Text, Context: cl.Context, Kind: string(cl.Kind),
		DueDate: cl.DueDate, Tags: tags, Status: string(cl.Status), VerdictNote: cl.VerdictNote, ReportID: cl.ReportID,
		Version: cl.Version, CreatedAt: apiTime(cl.CreatedAt), UpdatedAt: apiTime(cl.UpdatedAt),
		Assignee: cl.Assignee, Due: string(cl.Due(s.Now().UTC().Format(time.DateOnly))), QuestionID: cl.QuestionID}
	if cl.MainSource != nil {
		b.MainSource = &apiRef{cl.MainSource.ID, cl.MainSource.Name}
	}
	return b
}

// apiFreshClaim reads the claim at :id and, first, its freshness.
func (s *Server) apiFreshClaim(c echo.Context) (*claimtrack.Claim, claimtrack.Freshness, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, claimtrack.Freshness{}, err
	}
	f, err := s.store.ClaimFreshness(c.Request().Context(), id)
	if err != nil {
		return nil, f, err
	}
	cl, err := s.store.FindClaimByID(c.Request().Context(), id)
	return cl, f, err
}

// apiClaimID reads the :id of a claim that exists.
func (s *Server) apiClaimID(c echo.Context) (*claimtrack.Claim, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return s.store.FindClaimByID(c.Request().Context(), id)
}

// GET /claims: the claims list with its filters.
func (s *Server) apiClaims(c echo.Context) error {
	page, perPage, err := apiPage(c)
	if err != nil {
		return err
	}
	if st := c.QueryParam("status"); st != "" && !claimtrack.Status(st).Valid() {
		return apiInvalid("status", fmt.Sprintf("%q is not a status.", st))
	}
	if src := c.QueryParam("source"); src != "" {
		if id, err := strconv.ParseInt(src, 10, 64); err != nil || id < 1 {
			return apiInvalid("source", "A source is its number.")
		}
	}
	if r := c.QueryParam("report"); r != "" {
		if id, err := strconv.ParseInt(r, 10, 64); err != nil || id < 1 {
			return apiInvalid("report", "A report is its number.")
		}
	}
	if due := c.QueryParam("due"); due != "" && due != string(claimtrack.DueOverdue) && due != string(claimtrack.DueSoon) {
		return apiInvalid("due", "Due is overdue or soon.")
	}
	if _, ok := claimtrack.ParseClaimOrder(c.QueryParam("sort")); !ok {
		return apiInvalid("sort", "Sort by created (newest first) or changed (last change first).")
	}
	f, _, err := s.claimFilter(c)
	if err != nil {
		return err
	}
	f.Offset, f.Limit = (page-1)*perPage, perPage
	res, tooBroad, err := s.findClaims(c, f)
	if err != nil {
		return err
	}
	if tooBroad {
		return s.apiTooBroad(c, page, perPage)
	}
	out := make([]apiClaimBody, 0, len(res.Claims))
	for _, cl := range res.Claims {
		out = append(out, s.apiClaimOf(c, cl))
	}
	return s.pagedList(c, out, page, perPage, res.Total)
}

// GET /claims/:id, with an ETag that starts with its version (versionETag).
func (s *Server) apiClaim(c echo.Context) error {
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
	if main := claimtrack.MainLink(ev); main != nil { // the main source, as the lists show it
		cl.MainSource = main.Source
	}
	return c.JSON(http.StatusOK, s.apiClaimOf(c, cl))
}

// apiClaimInput is the body that creates a claim.
type apiClaimInput struct {
	Text    string   `json:"text"`
	Context string   `json:"context"`
	Kind    string   `json:"kind"`
	DueDate string   `json:"due_date"`
	Tags    []string `json:"tags"`
}

// POST /claims.
func (s *Server) apiClaimCreate(c echo.Context) error {
	var in apiClaimInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ci := claimtrack.ClaimInput{Text: in.Text, Context: in.Context, Kind: claimtrack.ClaimKind(in.Kind), DueDate: in.DueDate,
		Tags: claimtrack.NormalizeTags(in.Tags)}
	if ci.Kind == "" {
		ci.Kind = claimtrack.KindStatement
	}
	cl, err := s.store.CreateClaim(c.Request().Context(), ci, user(c).Username)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(cl.Version))
	c.Response().Header().Set(echo.HeaderLocation, s.baseURL(c)+apiPrefix+"/claims/"+strconv.FormatInt(cl.ID, 10))
	return c.JSON(http.StatusCreated, s.apiClaimOf(c, cl))
}

// apiStatusInput is the body that changes a claim's status.
type apiStatusInput struct {
	Status  string `json:"status"`
	Note    string `json:"note"`
	Version int64  `json:"version"`
	// Refute lists rival outcomes to refute with the same note, with a
	// confirmation, each at the version last seen.
	Refute []apiRivalInput `json:"refute"`
}

// apiRivalInput is a rival outcome at the version last seen.
type apiRivalInput struct {
	ID      int64 `json:"id"`
	Version int64 `json:"version"`
}

// POST /claims/:id/status: the version seen comes as If-Match (or in the
// body); without either the change is refused (428), so that no verdict
// overwrites one its sender never saw.
func (s *Server) apiStatusChange(c echo.Context) error {
	cl, err := s.apiClaimID(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var in apiStatusInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if version == 0 {
		version = in.Version
	}
	if version == 0 {
		return apiFail(http.StatusPreconditionRequired, "Send the claim's ETag as If-Match (or its version in the body), so a verdict never overwrites one you did not see.")
	}
	ch := claimtrack.StatusChange{Status: claimtrack.Status(in.Status), Note: in.Note, Version: version}
	for _, r := range in.Refute {
		if r.ID <= 0 || r.Version <= 0 {
			return apiInvalid("refute", "Each rival is its id and the version last seen.")
		}
		ch.Refute = append(ch.Refute, claimtrack.Rival{ID: r.ID, Version: r.Version})
	}
	updated, err := s.store.SetClaimStatus(c.Request().Context(), cl.ID, ch, user(c).Username)
	if err != nil {
		return stale(err)
	}
	c.Response().Header().Set("ETag", etag(updated.Version))
	return c.JSON(http.StatusOK, s.apiClaimOf(c, updated))
}

// apiAssignInput is the body of an assignment: the editor's username, or ""
// for nobody.
type apiAssignInput struct {
	Assignee *string `json:"assignee"`
}

// POST /claims/:id/assignee: assign the claim to an editor, or to nobody.
func (s *Server) apiAssign(c echo.Context) error {
	cl, err := s.apiClaimID(c)
	if err != nil {
		return err
	}
	var in apiAssignInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Assignee == nil {
		return apiInvalid("assignee", "Send the editor's username, or \"\" for nobody.")
	}
	updated, err := s.store.AssignClaim(c.Request().Context(), cl.ID, *in.Assignee, user(c).Username)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(updated.Version))
	return c.JSON(http.StatusOK, s.apiClaimOf(c, updated))
}
