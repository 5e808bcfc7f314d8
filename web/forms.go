package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// errBadForm answers a body that is not a form at all.
var errBadForm = echo.NewHTTPError(http.StatusBadRequest, "The form could not be read. Reload the page and try again.")

// parseForm reads the request body as a form. A body over the limit is 413;
// a body that cannot be parsed is 400.
func parseForm(c echo.Context) error {
	r := c.Request()
	var err error
	if strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		err = r.ParseMultipartForm(MaxBodyBytes)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		if strings.Contains(err.Error(), "too large") {
			return echo.ErrStatusRequestEntityTooLarge
		}
		return errBadForm
	}
	return nil
}

// formInt parses an optional integer field: "" is 0, anything unusable is -1,
// which validation reports on the field.
func formInt(s string) int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// errorsOf returns the per-field messages of a validation error. An invalid
// error without fields still gets a message on the form.
func errorsOf(err error) views.FormErrors {
	fields := claimtrack.FieldErrors(err)
	if len(fields) == 0 {
		return views.FormErrors{"form": claimtrack.ErrorMessage(err)}
	}
	return views.FormErrors(fields)
}

func newClaimForm(c echo.Context) views.ClaimForm {
	return views.ClaimForm{
		Text: c.FormValue("text"), Context: c.FormValue("context"), Kind: c.FormValue("kind"),
		DueDate: c.FormValue("due_date"), Tags: c.FormValue("tags"), Version: c.FormValue("version"),
	}
}

func claimInput(f views.ClaimForm) claimtrack.ClaimInput {
	return claimtrack.ClaimInput{Text: f.Text, Context: f.Context, Kind: claimtrack.ClaimKind(f.Kind),
		DueDate: f.DueDate, Tags: claimtrack.ParseTags(f.Tags)}
}

func claimFormOf(c *claimtrack.Claim) views.ClaimForm {
	return views.ClaimForm{Text: c.Text, Context: c.Context, Kind: string(c.Kind), DueDate: c.DueDate,
		Tags: strings.Join(c.Tags, ", "), Version: strconv.FormatInt(c.Version, 10)}
}

func newStatusForm(c echo.Context) views.StatusForm {
	f := views.StatusForm{Status: c.FormValue("status"), Note: c.FormValue("note"), Version: c.FormValue("version")}
	if c.Request().Form != nil {
		f.Refute = c.Request().Form["refute"]
	}
	return f
}

// statusChange is the change the status form asks for; ok is false when a
// ticked rival is not one the form offers (the form was tampered with).
func statusChange(f views.StatusForm) (claimtrack.StatusChange, bool) {
	ch := claimtrack.StatusChange{Status: claimtrack.Status(strings.TrimSpace(f.Status)), Note: f.Note, Version: formInt(f.Version)}
	for _, raw := range f.Refute {
		r, ok := claimtrack.ParseRival(raw)
		if !ok {
			return ch, false
		}
		ch.Refute = append(ch.Refute, r)
	}
	return ch, true
}

func newEvidenceForm(c echo.Context) views.EvidenceForm {
	return views.EvidenceForm{
		SourceID: c.FormValue("source_id"), SourceName: c.FormValue("source_name"), SourceKind: c.FormValue("source_kind"),
		Stance: c.FormValue("stance"), Quote: c.FormValue("quote"), URL: c.FormValue("url"),
		PublishedAt: c.FormValue("published_at"), ViaSourceID: c.FormValue("via_source_id"), Note: c.FormValue("note"),
		Version: c.FormValue("version"), SourceAsked: c.FormValue("source_asked"), SourcePick: c.FormValue("source_pick"),
	}
}

func evidenceInput(f views.EvidenceForm) claimtrack.EvidenceInput {
	return claimtrack.EvidenceInput{
		SourceID: formInt(f.SourceID), SourceName: f.SourceName, SourceKind: claimtrack.SourceKind(f.SourceKind),
		Stance: claimtrack.Stance(f.Stance), Quote: f.Quote, URL: f.URL, PublishedAt: f.PublishedAt,
		ViaSourceID: formInt(f.ViaSourceID), Note: f.Note, Version: formInt(f.Version),
	}
}

// evidenceFormOf is the edit form of a link as it is, on claim version
// version.
func evidenceFormOf(e *claimtrack.Evidence, version int64) views.EvidenceForm {
	f := views.EvidenceForm{Stance: string(e.Stance), Quote: e.Quote, URL: e.URL, PublishedAt: e.PublishedAt, Note: e.Note,
		Version: strconv.FormatInt(version, 10)}
	if e.Source != nil {
		f.SourceName = e.Source.Name
	}
	if e.ViaSourceID != 0 {
		f.ViaSourceID = strconv.FormatInt(e.ViaSourceID, 10)
	}
	return f
}

func newSourceForm(c echo.Context) views.SourceForm {
	return views.SourceForm{Name: c.FormValue("name"), Kind: c.FormValue("kind"), Role: c.FormValue("role"),
		URL: c.FormValue("url"), Description: c.FormValue("description"), Aliases: c.FormValue("aliases")}
}

func sourceInput(f views.SourceForm) claimtrack.SourceInput {
	return claimtrack.SourceInput{Name: f.Name, Kind: claimtrack.SourceKind(f.Kind), Role: f.Role, URL: f.URL,
		Description: f.Description, Aliases: claimtrack.ParseAliases(f.Aliases)}
}
