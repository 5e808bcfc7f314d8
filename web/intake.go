package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/intake"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// Report intake: paste a report, review the claims and attributions it
// suggests, save them in one step.

// IntakeStore is what intake needs: the sources and similar claims the
// suggestions are matched against, and the report import that saves them.
type IntakeStore interface {
	IntakeSources(ctx context.Context) ([]intake.KnownSource, bool, error)
	FindSourceByName(ctx context.Context, name string) (*claimtrack.Source, error)
	SimilarClaims(ctx context.Context, text string, limit int) ([]intake.Match, error)
	ImportReport(ctx context.Context, imp claimtrack.ReportImport, actor string) (*claimtrack.Report, bool, error)
}

// MaxIntakeBytes bounds the body of an intake request (the report, up to
// intake.MaxText, and the review's rows); MaxBodyBytes bounds the others.
const MaxIntakeBytes = 1 << 20

// isIntake says whether a request carries a report: the intake form, the
// review's save and the API's suggest.
func isIntake(c echo.Context) bool {
	switch c.Path() {
	case "/intake", "/intake/save", apiPrefix + "/intake/suggest":
		return c.Request().Method == http.MethodPost
	}
	return false
}

// handleIntakeForm shows the form a report is pasted or uploaded into.
func (s *Server) handleIntakeForm(c echo.Context) error {
	return s.render(c, http.StatusOK, views.IntakeFormPage(s.page(c, "Report intake", "intake"), views.IntakeForm{}))
}

// handleIntakeSuggest reads the report and shows its suggestions for review;
// a report that cannot be read is the form again with why (422).
func (s *Server) handleIntakeSuggest(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	f := views.IntakeForm{Text: c.FormValue("text"), Title: c.FormValue("title"), Outlet: c.FormValue("outlet"),
		URL: c.FormValue("url"), Published: c.FormValue("published")}
	if r := c.Request(); r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	errs := views.FormErrors{}
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		text, msg := readReportFile(fh.Filename, fh.Header.Get(echo.HeaderContentType), func() (io.ReadCloser, error) { return fh.Open() })
		if msg != "" {
			errs["file"] = msg
		} else {
			f.Text = text
		}
	}
	in, ferrs := intakeInput(&f)
	for k, v := range ferrs {
		errs[k] = v
	}
	if len(errs) > 0 {
		f.Errors = errs
		return s.render(c, http.StatusUnprocessableEntity, views.IntakeFormPage(s.page(c, "Report intake", "intake"), f))
	}
	res, err := s.suggest(c.Request().Context(), in)
	if err != nil {
		return err
	}
	r := views.IntakeReview{Form: f}
	for _, sc := range res.Claims {
		r.Rows = append(r.Rows, reviewRow(sc))
	}
	if len(r.Rows) > views.IntakeMaxRows {
		r.Rows = r.Rows[:views.IntakeMaxRows]
	}
	return s.renderReview(c, http.StatusOK, r)
}

// IntakeDuplicatesBudget bounds the time one report's lookups of similar
// claims take together; the claims after it get none.
const IntakeDuplicatesBudget = 3 * time.Second

// suggest runs the engine against what the tracker holds.
func (s *Server) suggest(ctx context.Context, in intake.Input) (intake.Result, error) {
	sources, complete, err := s.store.IntakeSources(ctx)
	if err != nil {
		return intake.Result{}, err
	}
	similar := &budgetedSimilar{store: s.store, until: time.Now().Add(IntakeDuplicatesBudget)}
	res, err := intake.Suggest(ctx, in, intake.Known{Sources: sources, Claims: similar})
	if err != nil || complete {
		return res, err
	}
	// A tracker with more sources than intake is given: a name proposed as
	// new may be one here all the same.
	return res, s.matchRest(ctx, &res)
}

// matchRest links the attributions proposed as new sources to sources here
// of that name or alias.
func (s *Server) matchRest(ctx context.Context, res *intake.Result) error {
	found := map[string]*claimtrack.Source{}
	lookup := func(name string) (*claimtrack.Source, error) {
		if src, ok := found[name]; ok {
			return src, nil
		}
		src, err := s.store.FindSourceByName(ctx, name)
		if claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND {
			src, err = nil, nil
		}
		found[name] = src
		return src, err
	}
	for i := range res.Claims {
		for j := range res.Claims[i].Attributions {
			a := &res.Claims[i].Attributions[j]
			if a.NewSource != nil {
				src, err := lookup(a.Source)
				if err != nil {
					return err
				}
				if src != nil {
					a.Source, a.SourceID, a.NewSource = src.Name, src.ID, nil
				}
			}
			if a.ViaNewSource != nil {
				src, err := lookup(a.Via)
				if err != nil {
					return err
				}
				if src != nil {
					a.Via, a.ViaSourceID, a.ViaNewSource = src.Name, src.ID, nil
				}
			}
		}
	}
	return nil
}

// budgetedSimilar looks up similar claims until a moment, then finds none:
// a long report on a large tracker costs at most IntakeDuplicatesBudget.
type budgetedSimilar struct {
	store intake.Similar
	until time.Time
}

func (b *budgetedSimilar) SimilarClaims(ctx context.Context, text string, limit int) ([]intake.Match, error) {
	if !time.Now().Before(b.until) {
		return nil, nil
	}
	within, cancel := context.WithDeadline(ctx, b.until)
	defer cancel()
	found, err := b.store.SimilarClaims(within, text, limit)
	if err != nil && within.Err() != nil && ctx.Err() == nil {
		return nil, nil // the budget ran out during this lookup
	}
	return found, err
}

func (s *Server) renderReview(c echo.Context, code int, r views.IntakeReview) error {
	var err error
	if r.Sources, err = s.store.FindSourceChoices(c.Request().Context()); err != nil {
		return err
	}
	return s.render(c, code, views.IntakeReviewPage(s.page(c, "Review: "+r.Form.Title, "intake"), r))
}

// reviewRow is a suggestion as the review form first shows it: ticked, with
// one more, empty, attribution to name another source.
func reviewRow(sc intake.Claim) views.IntakeRow {
	row := views.IntakeRow{Use: true, Sentence: sc.Sentence, Start: sc.Start, End: sc.End, Text: sc.Text, Kind: sc.Kind,
		Due: sc.DueDate, Cues: sc.Cues, Duplicates: sc.Duplicates}
	for _, a := range sc.Attributions {
		if len(row.Attrs) == views.IntakeMaxAttrs-1 {
			break
		}
		at := views.IntakeAttr{Use: true, Source: a.Source, Stance: a.Stance, Via: a.Via, Known: a.SourceID != 0}
		if a.NewSource != nil {
			at.Kind = a.NewSource.Kind
		}
		if a.ViaNewSource != nil {
			at.ViaKind = a.ViaNewSource.Kind
		}
		row.Attrs = append(row.Attrs, at)
	}
	row.Attrs = append(row.Attrs, views.IntakeAttr{Use: true, Stance: string(claimtrack.StanceAsserts)})
	return row
}

// intakeInput checks and tidies the report's fields and makes the engine's
// input; the messages are by field.
func intakeInput(f *views.IntakeForm) (intake.Input, map[string]string) {
	errs := map[string]string{}
	f.Title, f.Outlet = claimtrack.NormalizeLine(f.Title), claimtrack.NormalizeLine(f.Outlet)
	f.URL, f.Published = claimtrack.NormalizeLine(f.URL), claimtrack.NormalizeLine(f.Published)
	f.Text = strings.ReplaceAll(f.Text, "\r\n", "\n")
	// A first line that is the title is the title, not the report's text.
	if first, rest, ok := strings.Cut(f.Text, "\n"); ok && f.Title != "" && strings.TrimSpace(first) == f.Title {
		f.Text = strings.TrimLeft(rest, "\n")
	}
	in := intake.Input{Text: f.Text, Title: f.Title, Outlet: f.Outlet}
	switch err := intake.Validate(f.Text); {
	case errors.Is(err, intake.ErrEmpty):
		errs["text"] = "Paste the report's text, or choose its file."
	case errors.Is(err, intake.ErrTooLarge):
		errs["text"] = "The report is " + strconv.Itoa(len(f.Text)>>10) + " KB; the most intake reads is " + strconv.Itoa(intake.MaxText>>10) + " KB. Paste the part with the claims."
	case errors.Is(err, intake.ErrBinary):
		errs["text"] = "This is not text: it holds bytes that are not UTF-8 text. Paste the report's words, or upload a .txt or .html file."
	}
	if f.Title == "" {
		errs["title"] = "The report needs a title."
	} else if utf8.RuneCountInString(f.Title) > 300 {
		errs["title"] = "The title must be at most 300 characters."
	}
	if utf8.RuneCountInString(f.Outlet) > claimtrack.SourceNameMax {
		errs["outlet"] = "The outlet's name must be at most " + strconv.Itoa(claimtrack.SourceNameMax) + " characters."
	}
	if f.Published != "" {
		t, err := time.Parse(intake.DateLayout, f.Published)
		if err != nil {
			errs["published"] = "Write the date as YYYY-MM-DD, such as 2025-02-21."
		}
		in.Published = t
	}
	imp := claimtrack.ReportImport{Report: claimtrack.Report{Key: "k", Title: "t", URL: f.URL}}
	if msg := claimtrack.FieldErrors(imp.Validate())["report.url"]; msg != "" {
		errs["url"] = msg
	}
	return in, errs
}

// readReportFile reads an uploaded report: a text file as it is, an HTML
// file reduced to its text. The message says why one cannot be read.
func readReportFile(name, contentType string, open func() (io.ReadCloser, error)) (string, string) {
	rc, err := open()
	if err != nil {
		return "", "The file could not be read; choose it again."
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, MaxIntakeBytes+1))
	if err != nil {
		return "", "The file could not be read; choose it again."
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case ext == ".html" || ext == ".htm" || strings.HasPrefix(contentType, "text/html"):
		if !utf8.Valid(raw) || bytes.IndexByte(raw, 0) >= 0 {
			return "", "This HTML file is not UTF-8 text."
		}
		text, err := intake.TextOfHTML(bytes.NewReader(raw))
		if err != nil {
			return "", "This HTML file could not be read."
		}
		return text, ""
	case ext == ".txt" || ext == "" || strings.HasPrefix(contentType, "text/plain"):
		return string(raw), ""
	}
	return "", "Upload a .txt or .html file."
}

// handleIntakeSave saves the report with the ticked claims, their new
// sources and every link, in one transaction; a row with a problem is the
// review again with the message by its field (422) and nothing written.
func (s *Server) handleIntakeSave(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	r := views.IntakeReview{Form: views.IntakeForm{Text: c.FormValue("text"), Title: c.FormValue("title"), Outlet: c.FormValue("outlet"),
		URL: c.FormValue("url"), Published: c.FormValue("published")}}
	_, errs := intakeInput(&r.Form)
	r.Errors = views.FormErrors(errs)
	n, _ := strconv.Atoi(c.FormValue("rows"))
	n = min(max(n, 0), views.IntakeMaxRows)
	for i := range n {
		r.Rows = append(r.Rows, readRow(c, i))
	}
	ctx := c.Request().Context()
	known := map[string]bool{}
	for i := range r.Rows {
		row := &r.Rows[i]
		// The duplicates offered come back as they were: the lookup is cheap.
		if row.Use && row.Text != "" {
			dups, err := s.store.SimilarClaims(ctx, row.Text, 5)
			if err != nil {
				return err
			}
			row.Duplicates = dups
		}
		for j := range row.Attrs {
			a := &row.Attrs[j]
			for _, name := range []string{a.Source, a.Via} {
				key := claimtrack.SourceNameKey(name)
				if _, seen := known[key]; name == "" || seen {
					continue
				}
				src, err := s.store.FindSourceByName(ctx, name)
				switch {
				case claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND:
					known[key] = false
				case err != nil:
					return err
				default:
					known[key] = src != nil
				}
			}
			a.Known = known[claimtrack.SourceNameKey(a.Source)]
		}
	}
	imp, rowOf := intakeImport(r, func(name string) bool { return known[claimtrack.SourceNameKey(name)] })
	if len(imp.Claims) == 0 && len(r.Errors) == 0 {
		r.Errors["form"] = "Tick at least one claim to save."
	}
	if len(r.Errors) > 0 {
		return s.renderReview(c, http.StatusUnprocessableEntity, r)
	}
	report, created, err := s.store.ImportReport(ctx, imp, s.actor(c))
	switch {
	case claimtrack.ErrorCode(err) == claimtrack.EINVALID:
		for k, v := range claimtrack.FieldErrors(err) {
			r.Errors[reviewField(k, rowOf)] = v
		}
		if len(claimtrack.FieldErrors(err)) == 0 {
			r.Errors["form"] = claimtrack.ErrorMessage(err)
		}
		return s.renderReview(c, http.StatusUnprocessableEntity, r)
	case err != nil:
		return err
	case !created:
		r.Errors["form"] = "This report is here already (the same text and link): open it from the reports list. Nothing was saved."
		return s.renderReview(c, http.StatusConflict, r)
	}
	return redirectWithFlash(c, views.ReportURL(report.ID), flashReportSaved)
}

// readRow reads row i of the review form.
func readRow(c echo.Context, i int) views.IntakeRow {
	f := func(name string) string { return c.FormValue("c" + strconv.Itoa(i) + "-" + name) }
	row := views.IntakeRow{Use: f("use") != "", Sentence: f("sentence"), Text: f("text"), Kind: f("kind"), Due: f("due"), SameAs: f("same")}
	row.Start, _ = strconv.Atoi(f("start"))
	row.End, _ = strconv.Atoi(f("end"))
	n, _ := strconv.Atoi(f("attrs"))
	for j := range min(max(n, 0), views.IntakeMaxAttrs) {
		a := func(name string) string { return f("a" + strconv.Itoa(j) + "-" + name) }
		row.Attrs = append(row.Attrs, views.IntakeAttr{Use: a("use") != "", Source: a("source"), Kind: a("kind"), Stance: a("stance"),
			Via: a("via"), ViaKind: a("via-kind")})
	}
	return row
}

// intakeImport turns the ticked rows into the report import, checking each
// field as the forms do; errors go into r.Errors by field. exists says
// whether a source is here already (a new one needs a kind). rowOf maps the
// import's claims to the rows they came from.
func intakeImport(r views.IntakeReview, exists func(name string) bool) (claimtrack.ReportImport, []int) {
	f := r.Form
	sum := sha256.Sum256([]byte(f.URL + "\x00" + f.Text))
	imp := claimtrack.ReportImport{Report: claimtrack.Report{Key: "intake-" + hex.EncodeToString(sum[:12]), Title: f.Title,
		Outlet: f.Outlet, URL: f.URL, PublishedAt: f.Published}}
	var rowOf []int
	newSources := map[string]bool{}
	addSource := func(name, kind string) {
		key := claimtrack.SourceNameKey(name)
		if kind == "" || newSources[key] {
			return
		}
		newSources[key] = true
		imp.Sources = append(imp.Sources, claimtrack.SourceInput{Name: name, Kind: claimtrack.SourceKind(kind)})
	}
	for i, row := range r.Rows {
		if !row.Use {
			continue
		}
		ci := claimtrack.ClaimImport{Claim: claimtrack.ClaimInput{Text: row.Text, Kind: claimtrack.ClaimKind(row.Kind), DueDate: row.Due,
			Context: "From the report: “" + row.Sentence + "”"}}
		if row.Sentence == "" {
			ci.Claim.Context = ""
		}
		ci.Claim.Normalize()
		if ci.Claim.Kind != claimtrack.KindForecast {
			ci.Claim.DueDate = ""
		}
		if row.SameAs != "" {
			id, err := strconv.ParseInt(row.SameAs, 10, 64)
			if err != nil || id <= 0 {
				r.Errors[views.RowField(i, "same")] = "Choose a claim from the list."
			}
			ci.SameAs = id
		} else if err := ci.Claim.Validate(); err != nil {
			for k, v := range claimtrack.FieldErrors(err) {
				field := map[string]string{"text": "text", "kind": "kind", "due_date": "due", "context": "text"}[k]
				if field == "" {
					field = "text"
				}
				r.Errors[views.RowField(i, field)] = v
			}
		}
		for j, a := range row.Attrs {
			a.Source, a.Via = claimtrack.NormalizeLine(a.Source), claimtrack.NormalizeLine(a.Via)
			if !a.Use || a.Source == "" {
				continue
			}
			if !claimtrack.Stance(a.Stance).Valid() {
				r.Errors[views.AttrField(i, j, "stance")] = "Choose a stance from the list."
			}
			if !exists(a.Source) && !claimtrack.SourceKind(a.Kind).Valid() {
				r.Errors[views.AttrField(i, j, "kind")] = "“" + a.Source + "” is a new source: choose what kind of source it is."
			}
			if a.Via != "" && !exists(a.Via) && !claimtrack.SourceKind(a.ViaKind).Valid() {
				r.Errors[views.AttrField(i, j, "via")] = "“" + a.Via + "” is a new source: choose what kind of source it is."
			}
			if !exists(a.Source) {
				addSource(a.Source, a.Kind)
			}
			if a.Via != "" && !exists(a.Via) {
				addSource(a.Via, a.ViaKind)
			}
			ci.Evidence = append(ci.Evidence, claimtrack.EvidenceImport{Source: a.Source, Via: a.Via, Stance: claimtrack.Stance(a.Stance),
				URL: f.URL, PublishedAt: f.Published})
		}
		imp.Claims = append(imp.Claims, ci)
		rowOf = append(rowOf, i)
	}
	return imp, rowOf
}

// reviewField names the review's field of an import's error key
// ("claims.3.text", "claims.3.evidence.1.source_name", "sources.2.kind").
func reviewField(key string, rowOf []int) string {
	parts := strings.Split(key, ".")
	if len(parts) >= 3 && parts[0] == "claims" {
		n, err := strconv.Atoi(parts[1])
		if err == nil && n >= 0 && n < len(rowOf) {
			i := rowOf[n]
			if parts[2] == "evidence" && len(parts) >= 5 {
				j, _ := strconv.Atoi(parts[3])
				if parts[4] == "stance" {
					return views.AttrField(i, j, "stance")
				}
				return views.AttrField(i, j, "source")
			}
			if field, ok := map[string]string{"due_date": "due", "kind": "kind", "same_as": "same"}[parts[2]]; ok {
				return views.RowField(i, field)
			}
			return views.RowField(i, "text")
		}
	}
	return "form"
}

// apiIntakeInput is the body of a suggestion request.
type apiIntakeInput struct {
	Text      string `json:"text"`
	Published string `json:"published"` // YYYY-MM-DD
	Outlet    string `json:"outlet"`
	Title     string `json:"title"`
}

// POST /intake/suggest: the suggestions for a report, as JSON, as the
// command "claimtrack intake suggest" prints them. Nothing is written.
func (s *Server) apiIntakeSuggest(c echo.Context) error {
	var body apiIntakeInput
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	in := intake.Input{Text: body.Text, Outlet: strings.TrimSpace(body.Outlet), Title: strings.TrimSpace(body.Title)}
	switch err := intake.Validate(body.Text); {
	case errors.Is(err, intake.ErrEmpty):
		return apiInvalid("text", "Send the report's text.")
	case errors.Is(err, intake.ErrTooLarge):
		return apiInvalid("text", "The most intake reads is "+strconv.Itoa(intake.MaxText>>10)+" KB.")
	case errors.Is(err, intake.ErrBinary):
		return apiInvalid("text", "The text holds bytes that are not UTF-8 text.")
	}
	if body.Published != "" {
		t, err := time.Parse(intake.DateLayout, strings.TrimSpace(body.Published))
		if err != nil {
			return apiInvalid("published", "Write the date as YYYY-MM-DD, such as 2025-02-21.")
		}
		in.Published = t
	}
	res, err := s.suggest(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}
