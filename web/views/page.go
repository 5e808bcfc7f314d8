// Package views holds the templ components that render every page. Views take
// plain data: they never touch the database or the HTTP framework.
package views

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/dump"
)

// Page is what the shared layout needs from every page.
type Page struct {
	Title  string
	Nav    string // "claims", "sources" or "" for the active navigation item
	CSRF   string // the token every state-changing form carries as _csrf
	Flash  string // a one-time confirmation message, shown once
	Query  string // the text in the header's search box
	Now    time.Time
	Status int              // the HTTP status the page is served with
	User   *claimtrack.User // the signed-in account, nil for a visitor
	Feeds  []Feed           // Atom feeds of what the page shows, advertised in its head
	// JSONLD is structured data about the page (a claim's ClaimReview),
	// written into its head as application/ld+json; nil for none.
	JSONLD any
	// Attention is, for a signed-in person, the overdue forecasts plus the
	// open claims assigned to them: the number by the desk's link.
	Attention int
}

// Feed is an Atom feed a page links to.
type Feed struct {
	Title, URL string
}

// ChangesForm is the recent-changes filter as given.
type ChangesForm struct {
	Type, Actor, Source, From, To string
	Errors                        FormErrors
}

// ChangesData is what the recent-changes page shows.
type ChangesData struct {
	Events []*claimtrack.Event
	More   bool  // older events match too
	Before int64 // the page starts below this event id (0: the newest)
	Form   ChangesForm
	// Count is how many changes match the filters, up to a cap; Capped says
	// that more than Count match.
	Count  int
	Capped bool
}

// countWords says how many changes match, and in what order they come.
func (d ChangesData) countWords() string {
	switch {
	case d.Capped:
		return "More than " + groupDigits(d.Count) + " changes match, newest first."
	case d.Count == 0:
		return "No change matches."
	case d.Count == 1:
		return "1 change matches, newest first."
	}
	return groupDigits(d.Count) + " changes match, newest first."
}

// groupDigits writes n with commas between groups of three digits.
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// CanEdit reports whether the person viewing the page may change the record:
// edit controls are shown only then (the server checks again regardless).
func (p Page) CanEdit() bool { return p.User.CanEdit() }

// Today is the page's day (YYYY-MM-DD, UTC): what due dates are measured
// against.
func (p Page) Today() string { return p.Now.UTC().Format(time.DateOnly) }

// LoginForm is the sign-in form as typed (never the password).
type LoginForm struct {
	Username string
	Next     string
	Errors   FormErrors
}

// AccountForm is the form that creates an account (first run or admin).
type AccountForm struct {
	Token    string
	Username string
	Role     string
	Errors   FormErrors
}

// RemovalForm is the remove-evidence form as typed.
type RemovalForm struct {
	Note    string
	Version string
	Errors  FormErrors
}

// PasswordForm is the change-password form's messages.
type PasswordForm struct {
	Errors FormErrors
}

// FormErrors maps a field name to its message.
type FormErrors map[string]string

// Has reports whether field has a message.
func (e FormErrors) Has(field string) bool { _, ok := e[field]; return ok }

// ClaimForm is a claim form as typed, kept verbatim so it can be shown again.
type ClaimForm struct {
	Text    string
	Context string
	Kind    string
	DueDate string
	Tags    string
	Version string
	Errors  FormErrors
	// Similar are the existing claims close to Text, listed when a new
	// claim's first save was stopped for them.
	Similar []claimtrack.SimilarClaim
}

// StatusForm is the change-status form as typed.
type StatusForm struct {
	Status  string
	Note    string
	Version string
	Refute  []string // the rival outcomes ticked, as "ID:VERSION"
	Errors  FormErrors
}

// Refutes says whether the rival v ("ID:VERSION") is ticked.
func (f StatusForm) Refutes(v string) bool { return slices.Contains(f.Refute, v) }

// EvidenceForm is the add-evidence or edit-evidence form as typed.
type EvidenceForm struct {
	SourceID    string
	SourceName  string
	SourceKind  string
	Stance      string
	Quote       string
	URL         string
	PublishedAt string
	ViaSourceID string
	Note        string
	Version     string // the claim version the edit form was opened on (edits only)
	Errors      FormErrors
	// SourceAsked is the new name the form asked about ("Did you mean …?"),
	// Similar the sources it offered; SourcePick is the answer: "new" for
	// the name as typed, or SourcePickPrefix and an offered source's name.
	SourceAsked string
	Similar     []claimtrack.SimilarSource
	SourcePick  string
}

// SourcePickPrefix starts the answer to "Did you mean …?" that picks an
// offered source; SourcePickNew is the answer that keeps the name typed as
// a new source.
const (
	SourcePickPrefix = "source:"
	SourcePickNew    = "new"
)

// NewSourceConfirmed reports whether the form says that the name it holds
// is a new source, not one of those it offered.
func (f EvidenceForm) NewSourceConfirmed() bool {
	return f.SourcePick == SourcePickNew && f.SourceAsked != "" &&
		claimtrack.SourceNameKey(f.SourceAsked) == claimtrack.SourceNameKey(f.SourceName)
}

// SourceForm is the new-source form as typed.
type SourceForm struct {
	Name        string
	Kind        string
	Role        string
	URL         string
	Description string
	// Aliases are the other names as typed, one per line.
	Aliases string
	Errors  FormErrors
	// Taken is the source that already has the name typed (as its name or
	// an alias), when that is what is wrong with it: the message links to it.
	Taken *claimtrack.Source
	// AliasTaken is the source that already has one of the aliases typed,
	// when that is what is wrong with them; TakenAlias is that alias.
	AliasTaken *claimtrack.Source
	TakenAlias string
}

// ClaimURL is the address of a claim page.
func ClaimURL(id int64) string { return "/claims/" + strconv.FormatInt(id, 10) }

// EvidenceURL is the address of a claim's link, under which its edit and
// removal forms are.
func EvidenceURL(claimID, evidenceID int64) string {
	return ClaimURL(claimID) + "/evidence/" + strconv.FormatInt(evidenceID, 10)
}

// SourceURL is the address of a source page.
func SourceURL(id int64) string { return "/sources/" + strconv.FormatInt(id, 10) }

// ReportURL is the address of a report page.
func ReportURL(id int64) string { return "/reports/" + strconv.FormatInt(id, 10) }

// ReportsURL is a page of the reports list.
func ReportsURL(page int) string {
	if page > 1 {
		return "/reports?page=" + strconv.Itoa(page)
	}
	return "/reports"
}

// ClaimsURL is the claims list with the given filter; zero values are left out.
func ClaimsURL(status claimtrack.Status, sourceID int64, tag, q string, page int) string {
	return ClaimListURL(claimtrack.ClaimFilter{Status: status, SourceID: sourceID, Tag: tag, Query: q}, page)
}

// ClaimListURL is the claims list with the filters and order of f (its
// offset and limit aside) at a page; zero values are left out.
func ClaimListURL(f claimtrack.ClaimFilter, page int) string {
	v := claimListQuery(f)
	if f.Order == claimtrack.OrderChanged {
		v.Set("sort", string(f.Order))
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/claims"
	}
	return "/claims?" + v.Encode()
}

// claimListQuery is the query of a claims list's filters.
func claimListQuery(f claimtrack.ClaimFilter) url.Values {
	v := url.Values{}
	if f.Status != "" {
		v.Set("status", string(f.Status))
	}
	if f.SourceID != 0 {
		v.Set("source", strconv.FormatInt(f.SourceID, 10))
	}
	if f.ReportID != 0 {
		v.Set("report", strconv.FormatInt(f.ReportID, 10))
	}
	if f.Tag != "" {
		v.Set("tag", f.Tag)
	}
	if f.Query != "" {
		v.Set("q", f.Query)
	}
	if f.Due != "" {
		v.Set("due", string(f.Due))
	}
	if f.Assignee != "" {
		v.Set("assignee", f.Assignee)
	}
	return v
}

// ClaimsExportURL is the address of a claims list's export in a format
// ("csv" or "json"), with the list's filters (an export is always newest
// first).
func ClaimsExportURL(format string, f claimtrack.ClaimFilter) string {
	if v := claimListQuery(f); len(v) > 0 {
		return "/claims." + format + "?" + v.Encode()
	}
	return "/claims." + format
}

// absTime is a time as people read it in UTC.
func absTime(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04 UTC") }

// isoTime is a time for the datetime attribute.
func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// evidenceValue is a link's field as the history shows it: a stance or a
// date in words, "none" for an empty one.
func evidenceValue(k, v string) string {
	switch {
	case v == "":
		return "none"
	case k == "stance":
		return claimtrack.Stance(v).Label()
	case k == "published_at":
		return formatDate(v)
	}
	return v
}

// formatDate turns YYYY-MM-DD into "9 May 2025"; other text is returned as is.
func formatDate(s string) string {
	t, err := claimtrack.ParseDate(s)
	if err != nil {
		return s
	}
	return t.Format("2 Jan 2006")
}

func itoa(n int) string     { return strconv.Itoa(n) }
func i64toa(n int64) string { return strconv.FormatInt(n, 10) }

// statusClass is the CSS class of a status badge.
func statusClass(s claimtrack.Status) string { return "badge status-" + string(s) }

// stanceClass is the CSS class of a stance label.
func stanceClass(s claimtrack.Stance) string { return "stance stance-" + string(s) }

// Pager describes pagination for a list.
type Pager struct {
	Page    int
	PerPage int
	Total   int
	URL     func(page int) string
}

// Pages is the number of pages, at least 1.
func (p Pager) Pages() int {
	if p.Total <= 0 || p.PerPage <= 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// First is the 1-based number of the first item shown.
func (p Pager) First() int { return min((p.Page-1)*p.PerPage+1, p.Total) }

// Last is the 1-based number of the last item shown.
func (p Pager) Last() int { return min(p.Page*p.PerPage, p.Total) }

// SearchURL is the search page for query text q.
func SearchURL(q string, page int) string {
	v := url.Values{"q": {q}}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "/search?" + v.Encode()
}

// WithStatus is q with its status filter replaced.
func WithStatus(q claimtrack.SearchQuery, s claimtrack.Status) string {
	q.Status = s
	return q.String()
}

// WithKind is q with its kind filter replaced.
func WithKind(q claimtrack.SearchQuery, k claimtrack.ClaimKind) string {
	q.Kind = k
	return q.String()
}

// WithSource is q limited to claims linked to the named source, in place of
// any other source: term.
func WithSource(q claimtrack.SearchQuery, name string) string {
	var groups [][]claimtrack.Term
	for _, g := range q.Groups {
		if len(g) == 1 && g[0].Field == claimtrack.FieldSource {
			continue
		}
		groups = append(groups, g)
	}
	q.Groups = append(groups, claimtrack.ParseQuery(`source:"`+strings.ReplaceAll(name, `"`, " ")+`"`).Groups...)
	return q.String()
}

// QueryText is what the search box shows of raw input: valid UTF-8, cut
// where the search stopped reading.
func QueryText(raw string) string {
	if len(raw) > claimtrack.QueryMaxBytes*2 {
		raw = raw[:claimtrack.QueryMaxBytes*2]
	}
	return strings.ToValidUTF8(raw, "")
}

// ClaimsAsOfURL is the claims list as of a moment, at a page.
func ClaimsAsOfURL(asOf string, page int) string {
	v := url.Values{"as_of": {asOf}}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "/claims?" + v.Encode()
}

func queryEscape(s string) string { return url.QueryEscape(s) }

// sheetColumns lists the columns of a claims sheet.
func sheetColumns() string { return strings.Join(dump.SheetColumns, ", ") }

// problemsLimit notes that a list of problems stopped at its limit.
func problemsLimit(n int) string {
	if n >= dump.MaxProblems {
		return " (the first " + strconv.Itoa(dump.MaxProblems) + "; there may be more)"
	}
	return ""
}

// tokenDates says when a token was made and last used.
func tokenDates(t *claimtrack.APIToken) string {
	s := "made " + t.CreatedAt.UTC().Format("2 Jan 2006")
	if !t.LastUsed.IsZero() {
		s += ", last used " + t.LastUsed.UTC().Format("2 Jan 2006, 15:04 UTC")
	}
	return s
}

// ariaInvalid is the aria-invalid value of a field: "true" when the form
// came back with a message for it. (An empty aria-invalid counts as false.)
func ariaInvalid(invalid bool) string {
	if invalid {
		return "true"
	}
	return "false"
}

// hookState is a hook's state in words.
func hookState(h *claimtrack.Webhook) string {
	if h.Active {
		return "On"
	}
	return "Off"
}

// deliveryState is a delivery's state in words.
func deliveryState(d *claimtrack.Delivery) string {
	switch d.State {
	case claimtrack.DeliveryDelivered:
		return "Delivered"
	case claimtrack.DeliveryFailed:
		return "Given up"
	}
	return "Pending"
}

// lastAnswer is what the receiver last answered, in words.
func lastAnswer(d *claimtrack.Delivery) string {
	switch {
	case d.Attempts == 0:
		return "not tried yet"
	case d.LastError != "" && d.LastStatus == 0:
		return d.LastError
	}
	return "HTTP " + strconv.Itoa(d.LastStatus)
}

// countText is a count as a section heading shows it: "1,000+" when capped.
func countText(n int, capped bool) string {
	s := strconv.Itoa(n)
	if capped {
		s += "+"
	}
	return s
}

// reportStatuses are the statuses a report's claims are in, in the order of
// claimtrack.Statuses.
func reportStatuses(r *claimtrack.ReportListing) []claimtrack.Status {
	var out []claimtrack.Status
	for _, s := range claimtrack.Statuses {
		if r.StatusCounts[s] > 0 {
			out = append(out, s)
		}
	}
	return out
}

// followAction is the path, after a claim's or source's own, of the form
// that follows it or stops following it.
func followAction(following bool) string {
	if following {
		return "/unfollow"
	}
	return "/follow"
}

// SimilarNames lists the names of sources offered by "Did you mean …?":
// "A", "A or B", "A, B or C".
func SimilarNames(similar []claimtrack.SimilarSource) string {
	names := make([]string, len(similar))
	for i, s := range similar {
		names[i] = s.Source.Name
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// between is h with text before and after it.
func between(before string, h claimtrack.Highlight, after string) claimtrack.Highlight {
	out := append(claimtrack.Highlight{{Text: before}}, h...)
	return append(out, claimtrack.Fragment{Text: after})
}
