package web

import (
	"net/http"
	"strconv"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// The API's questions: claims grouped as rival outcomes.

type apiQuestionBody struct {
	ID          int64  `json:"id"`
	URL         string `json:"url"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Version     int64  `json:"version"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
	Outcomes    int    `json:"outcomes"`  // how many claims are its outcomes
	Confirmed   int64  `json:"confirmed"` // the confirmed outcome's claim id, 0 for none
}

// apiBackingBody is one source's stances on the outcomes, by claim id.
type apiBackingBody struct {
	Source  apiRef              `json:"source"`
	Stances map[string][]string `json:"stances"`
}

type apiQuestionView struct {
	apiQuestionBody
	OutcomeClaims []apiClaimBody   `json:"outcome_claims"`
	Backing       []apiBackingBody `json:"backing"`
}

func (s *Server) apiQuestionOf(c echo.Context, q *claimtrack.Question) apiQuestionBody {
	return apiQuestionBody{ID: q.ID, URL: s.baseURL(c) + views.QuestionURL(q.ID), Title: q.Title, Description: q.Description,
		Version: q.Version, CreatedAt: apiTime(q.CreatedAt), UpdatedAt: apiTime(q.UpdatedAt), Outcomes: q.Outcomes, Confirmed: q.Confirmed}
}

// GET /questions: the questions, the latest changed first.
func (s *Server) apiQuestions(c echo.Context) error {
	page, perPage, err := apiPage(c)
	if err != nil {
		return err
	}
	qs, total, err := s.store.FindQuestions(c.Request().Context(), (page-1)*perPage, perPage)
	if err != nil {
		return err
	}
	out := make([]apiQuestionBody, 0, len(qs))
	for _, q := range qs {
		out = append(out, s.apiQuestionOf(c, q))
	}
	return s.pagedList(c, out, page, perPage, total)
}

// GET /questions/:id: the question, its outcomes and who backed which.
func (s *Server) apiQuestion(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// Its outcomes' changes are not the question's: the whole history's
	// freshness stands for them.
	f, err := s.store.HistoryFreshness(c.Request().Context())
	if err != nil {
		return err
	}
	v, err := s.store.FindQuestion(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if done, err := s.answerVersioned(c, versionETag(v.Question.Version, s.sharedCacheKey(c, f)), f); done {
		return err
	}
	return c.JSON(http.StatusOK, s.apiQuestionViewOf(c, v))
}

func (s *Server) apiQuestionViewOf(c echo.Context, v *claimtrack.QuestionView) apiQuestionView {
	out := apiQuestionView{apiQuestionBody: s.apiQuestionOf(c, v.Question), OutcomeClaims: []apiClaimBody{}, Backing: []apiBackingBody{}}
	out.Outcomes = len(v.Outcomes)
	if cl := v.Confirmed(); cl != nil {
		out.Confirmed = cl.ID
	}
	for _, cl := range v.Outcomes {
		out.OutcomeClaims = append(out.OutcomeClaims, s.apiClaimOf(c, cl))
	}
	for _, b := range v.Backing {
		stances := map[string][]string{}
		for claimID, sts := range b.Stances {
			for _, st := range sts {
				stances[strconv.FormatInt(claimID, 10)] = append(stances[strconv.FormatInt(claimID, 10)], string(st))
			}
		}
		out.Backing = append(out.Backing, apiBackingBody{Source: apiRef{b.Source.ID, b.Source.Name}, Stances: stances})
	}
	return out
}

// apiQuestionInput is the body that creates or edits a question.
type apiQuestionInput struct {
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Outcomes    []int64 `json:"outcomes"` // creation only: the claim ids of its first outcomes
	Version     int64   `json:"version"`  // edits: the version last seen (or If-Match)
}

// POST /questions.
func (s *Server) apiQuestionCreate(c echo.Context) error {
	var in apiQuestionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	q, err := s.store.CreateQuestion(c.Request().Context(), claimtrack.QuestionInput{Title: in.Title, Description: in.Description},
		in.Outcomes, user(c).Username)
	if err != nil {
		return err
	}
	return s.apiQuestionAnswer(c, http.StatusCreated, q.ID)
}

// PATCH /questions/:id: a new title or description, at the version last seen.
func (s *Server) apiQuestionEdit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var in apiQuestionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if version == 0 {
		version = in.Version
	}
	if version == 0 {
		return apiFail(http.StatusPreconditionRequired, "Send the question's ETag as If-Match (or its version in the body), so an edit never overwrites one you did not see.")
	}
	if len(in.Outcomes) > 0 {
		return apiInvalid("outcomes", "Add and remove outcomes with POST and DELETE on /questions/{id}/outcomes.")
	}
	if _, err := s.store.UpdateQuestion(c.Request().Context(), id,
		claimtrack.QuestionInput{Title: in.Title, Description: in.Description, Version: version}, user(c).Username); err != nil {
		if claimtrack.ErrorCode(err) == claimtrack.ECONFLICT {
			return apiFail(http.StatusPreconditionFailed, claimtrack.ErrorMessage(err)+" Get the question again, then retry.")
		}
		return err
	}
	return s.apiQuestionAnswer(c, http.StatusOK, id)
}

// apiOutcomeInput names the claim to make an outcome.
type apiOutcomeInput struct {
	ClaimID int64 `json:"claim_id"`
}

// POST /questions/:id/outcomes: make a claim an outcome.
func (s *Server) apiOutcomeAdd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiOutcomeInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.ClaimID <= 0 {
		return apiInvalid("claim_id", "Give the id of the claim to make an outcome.")
	}
	if _, err := s.store.AddOutcome(c.Request().Context(), id, in.ClaimID, user(c).Username); err != nil {
		if f := claimtrack.FieldErrors(err); f["claim"] != "" {
			return apiInvalid("claim_id", f["claim"])
		}
		return err
	}
	return s.apiQuestionAnswer(c, http.StatusOK, id)
}

// DELETE /questions/:id/outcomes/:cid: the claim is no longer an outcome.
func (s *Server) apiOutcomeRemove(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	claimID, err := strconv.ParseInt(c.Param("cid"), 10, 64)
	if err != nil || claimID <= 0 {
		return echo.ErrNotFound
	}
	if _, err := s.store.RemoveOutcome(c.Request().Context(), id, claimID, user(c).Username); err != nil {
		return err
	}
	return s.apiQuestionAnswer(c, http.StatusOK, id)
}

// apiQuestionAnswer answers a change with the question as it is now.
func (s *Server) apiQuestionAnswer(c echo.Context, code int, id int64) error {
	v, err := s.store.FindQuestion(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(v.Question.Version))
	if code == http.StatusCreated {
		c.Response().Header().Set(echo.HeaderLocation, s.baseURL(c)+apiPrefix+"/questions/"+strconv.FormatInt(id, 10))
	}
	return c.JSON(code, s.apiQuestionViewOf(c, v))
}
