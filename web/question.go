package web

import (
	"context"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// QuestionStore is what the questions need: claims grouped as rival outcomes.
type QuestionStore interface {
	CreateQuestion(ctx context.Context, in claimtrack.QuestionInput, outcomes []int64, actor string) (*claimtrack.Question, error)
	UpdateQuestion(ctx context.Context, id int64, in claimtrack.QuestionInput, actor string) (*claimtrack.Question, error)
	FindQuestionByID(ctx context.Context, id int64) (*claimtrack.Question, error)
	FindQuestion(ctx context.Context, id int64) (*claimtrack.QuestionView, error)
	FindQuestions(ctx context.Context, offset, limit int) ([]*claimtrack.Question, int, error)
	FindQuestionEvents(ctx context.Context, id int64, limit int) ([]*claimtrack.Event, error)
	FindRivals(ctx context.Context, c *claimtrack.Claim) (*claimtrack.Question, []*claimtrack.Claim, error)
	AddOutcome(ctx context.Context, questionID, claimID int64, actor string) (*claimtrack.Question, error)
	RemoveOutcome(ctx context.Context, questionID, claimID int64, actor string) (*claimtrack.Question, error)
}

// QuestionsPerPage is how many questions a page of the list shows.
const QuestionsPerPage = 50

// handleQuestionList lists the questions, the latest changed first.
func (s *Server) handleQuestionList(c echo.Context) error {
	pageNum := pageParam(c)
	qs, total, err := s.store.FindQuestions(c.Request().Context(), (pageNum-1)*QuestionsPerPage, QuestionsPerPage)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.QuestionListPage(s.page(c, "Questions", "questions"), views.QuestionListData{Questions: qs,
		Pager: views.Pager{Page: pageNum, PerPage: QuestionsPerPage, Total: total, URL: views.QuestionsURL}}))
}

// handleQuestionView shows a question: its outcomes, who backed which, the
// editors' forms and its history.
func (s *Server) handleQuestionView(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.showQuestion(c, http.StatusOK, id, views.QuestionOutcomeForm{}, views.ResolveForm{})
}

func (s *Server) showQuestion(c echo.Context, code int, id int64, add views.QuestionOutcomeForm, resolve views.ResolveForm) error {
	d := views.QuestionData{Add: add, Resolve: resolve}
	err := s.store.ReadSnapshot(c.Request().Context(), func(ctx context.Context) (err error) {
		if d.View, err = s.store.FindQuestion(ctx, id); err != nil {
			return err
		}
		d.Events, err = s.store.FindQuestionEvents(ctx, id, EventsPerPage)
		return err
	})
	if err != nil {
		return err
	}
	return s.render(c, code, views.QuestionPage(s.page(c, d.View.Question.Title, "questions"), d))
}

// questionFeed is the changes about one question (/questions/{id}.atom).
func (s *Server) questionFeed(c echo.Context, id int64) error {
	q, err := s.store.FindQuestionByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	events, err := s.store.FindQuestionEvents(c.Request().Context(), id, ChangesPerPage)
	if err != nil {
		return err
	}
	return s.writeFeed(c, q.Title, views.QuestionURL(id), events)
}

// handleQuestionNew shows the new-question form; ?claim=N puts claim N in
// as its first outcome.
func (s *Server) handleQuestionNew(c echo.Context) error {
	f := views.QuestionForm{}
	if n, err := strconv.ParseInt(c.QueryParam("claim"), 10, 64); err == nil && n > 0 {
		f.Outcomes = strconv.FormatInt(n, 10)
	}
	return s.render(c, http.StatusOK, views.QuestionFormPage(s.page(c, "New question", "questions"), nil, f))
}

// handleQuestionCreate stores a new question with its first outcomes, or
// shows the form again with messages.
func (s *Server) handleQuestionCreate(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	f := views.QuestionForm{Title: c.FormValue("title"), Description: c.FormValue("description"), Outcomes: c.FormValue("outcomes")}
	in := claimtrack.QuestionInput{Title: f.Title, Description: f.Description}
	outcomes, msg := parseClaimNumbers(f.Outcomes)
	var q *claimtrack.Question
	var err error
	if msg != "" {
		// The numbers are refused; the other fields are checked too, so
		// that every message shows at once.
		in.Normalize()
		fields := map[string]string{"outcomes": msg}
		maps.Copy(fields, claimtrack.FieldErrors(in.Validate()))
		err = &claimtrack.Error{Code: claimtrack.EINVALID, Fields: fields}
	} else {
		q, err = s.store.CreateQuestion(c.Request().Context(), in, outcomes, s.actor(c))
	}
	if claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		f.Errors = errorsOf(err)
		return s.render(c, http.StatusUnprocessableEntity, views.QuestionFormPage(s.page(c, "New question", "questions"), nil, f))
	} else if err != nil {
		return err
	}
	return redirectWithFlash(c, views.QuestionURL(q.ID), flashQuestionCreated)
}

// parseClaimNumbers reads claim numbers separated by commas or spaces ("#"
// allowed); a message when one is not a number, or when one is repeated.
func parseClaimNumbers(s string) ([]int64, string) {
	var out []int64
	seen := map[int64]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\t' }) {
		n, err := strconv.ParseInt(strings.TrimPrefix(f, "#"), 10, 64)
		if err != nil || n <= 0 {
			return nil, "“" + f + "” is not a claim number."
		}
		if seen[n] {
			return nil, "Claim #" + strconv.FormatInt(n, 10) + " is named twice."
		}
		if len(out) == claimtrack.OutcomesMax {
			return nil, "A question has at most " + strconv.Itoa(claimtrack.OutcomesMax) + " outcomes."
		}
		seen[n] = true
		out = append(out, n)
	}
	return out, ""
}

// handleQuestionEdit shows a question's edit form.
func (s *Server) handleQuestionEdit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	q, err := s.store.FindQuestionByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	f := views.QuestionForm{Title: q.Title, Description: q.Description, Version: strconv.FormatInt(q.Version, 10)}
	return s.render(c, http.StatusOK, views.QuestionFormPage(s.page(c, "Edit the question", "questions"), q, f))
}

// handleQuestionUpdate saves a question's new title and description, or
// shows the form again: 422 with messages, 409 when it changed meanwhile.
func (s *Server) handleQuestionUpdate(c echo.Context) error {
	id, err := formPathID(c)
	if err != nil {
		return err
	}
	f := views.QuestionForm{Title: c.FormValue("title"), Description: c.FormValue("description"), Version: c.FormValue("version")}
	q, err := s.store.UpdateQuestion(c.Request().Context(), id,
		claimtrack.QuestionInput{Title: f.Title, Description: f.Description, Version: formInt(f.Version)}, s.actor(c))
	switch claimtrack.ErrorCode(err) {
	case "":
		return redirectWithFlash(c, views.QuestionURL(id), flashQuestionUpdated)
	case claimtrack.EINVALID, claimtrack.ECONFLICT:
		code := http.StatusUnprocessableEntity
		if q == nil {
			if q, err = s.store.FindQuestionByID(c.Request().Context(), id); err != nil {
				return err
			}
		} else {
			// Changed meanwhile: the form keeps what was typed, and saving
			// it again replaces the version now shown.
			code = http.StatusConflict
			f.Errors = views.FormErrors{"version": claimtrack.ErrorMessage(err) + " Check the question below; saving again replaces it with what you typed."}
			f.Version = strconv.FormatInt(q.Version, 10)
			return s.render(c, code, views.QuestionFormPage(s.page(c, "Edit the question", "questions"), q, f))
		}
		f.Errors = errorsOf(err)
		return s.render(c, code, views.QuestionFormPage(s.page(c, "Edit the question", "questions"), q, f))
	}
	return err
}

// handleOutcomeAdd makes a claim an outcome of the question.
func (s *Server) handleOutcomeAdd(c echo.Context) error {
	id, err := formPathID(c)
	if err != nil {
		return err
	}
	f := views.QuestionOutcomeForm{Claim: c.FormValue("claim")}
	claimID, perr := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(f.Claim), "#"), 10, 64)
	if perr != nil || claimID <= 0 {
		if _, err := s.store.FindQuestionByID(c.Request().Context(), id); err != nil {
			return err
		}
		f.Errors = views.FormErrors{"claim": "Type the number of a claim, such as 12."}
		return s.showQuestion(c, http.StatusUnprocessableEntity, id, f, views.ResolveForm{})
	}
	if _, err := s.store.AddOutcome(c.Request().Context(), id, claimID, s.actor(c)); claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		f.Errors = errorsOf(err)
		return s.showQuestion(c, http.StatusUnprocessableEntity, id, f, views.ResolveForm{})
	} else if err != nil {
		return err
	}
	return redirectWithFlash(c, views.QuestionURL(id)+"#outcomes-h", flashOutcomeAdded)
}

// handleOutcomeRemove takes a claim off the question.
func (s *Server) handleOutcomeRemove(c echo.Context) error {
	id, err := formPathID(c)
	if err != nil {
		return err
	}
	claimID, err := strconv.ParseInt(c.Param("cid"), 10, 64)
	if err != nil || claimID <= 0 {
		return echo.ErrNotFound
	}
	if _, err := s.store.RemoveOutcome(c.Request().Context(), id, claimID, s.actor(c)); err != nil {
		return err
	}
	return redirectWithFlash(c, views.QuestionURL(id)+"#outcomes-h", flashOutcomeRemoved)
}

// handleQuestionResolve confirms the outcome that came true and refutes the
// other open outcomes with the same note, in one transaction.
func (s *Server) handleQuestionResolve(c echo.Context) error {
	id, err := formPathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := views.ResolveForm{Outcome: c.FormValue("outcome"), Note: c.FormValue("note")}
	view, err := s.store.FindQuestion(ctx, id)
	if err != nil {
		return err
	}
	chosen, ok := claimtrack.ParseRival(f.Outcome)
	if !ok || !isOutcome(view, chosen.ID) {
		f.Errors = views.FormErrors{"outcome": "Choose the outcome that came true."}
		if strings.TrimSpace(f.Note) == "" {
			f.Errors["note"] = "The note is required."
		}
		return s.showQuestion(c, http.StatusUnprocessableEntity, id, views.QuestionOutcomeForm{}, f)
	}
	ch := claimtrack.StatusChange{Status: claimtrack.StatusConfirmed, Note: f.Note, Version: chosen.Version}
	// The other outcomes, at the versions the page showed.
	for _, raw := range c.Request().Form["version"] {
		if r, ok := claimtrack.ParseRival(raw); ok && r.ID != chosen.ID && isOutcome(view, r.ID) {
			ch.Refute = append(ch.Refute, r)
		}
	}
	_, err = s.store.SetClaimStatus(ctx, chosen.ID, ch, s.actor(c))
	switch claimtrack.ErrorCode(err) {
	case "":
		return redirectWithFlash(c, views.QuestionURL(id)+"#main", flashQuestionResolved)
	case claimtrack.EINVALID:
		f.Errors = errorsOf(err)
		return s.showQuestion(c, http.StatusUnprocessableEntity, id, views.QuestionOutcomeForm{}, f)
	case claimtrack.ECONFLICT:
		f.Errors = views.FormErrors{"outcome": claimtrack.ErrorMessage(err) + " The outcomes are shown as they are now; nothing was saved. Check them and resolve again."}
		f.Outcome = ""
		return s.showQuestion(c, http.StatusConflict, id, views.QuestionOutcomeForm{}, f)
	}
	return err
}

func isOutcome(v *claimtrack.QuestionView, claimID int64) bool {
	for _, c := range v.Outcomes {
		if c.ID == claimID {
			return true
		}
	}
	return false
}
