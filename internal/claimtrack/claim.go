package claimtrack

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ClaimKind says what sort of statement a claim is.
type ClaimKind string

// The kinds of claim.
const (
	KindStatement ClaimKind = "statement" // asserted about the present or past
	KindForecast  ClaimKind = "forecast"  // said to be going to happen
	KindQuote     ClaimKind = "quote"     // that a person said something
)

// ClaimKinds lists the kinds in the order forms offer them.
var ClaimKinds = []ClaimKind{KindStatement, KindForecast, KindQuote}

// Valid reports whether k is a known kind.
func (k ClaimKind) Valid() bool {
	return k == KindStatement || k == KindForecast || k == KindQuote
}

// Label is the kind in words for people.
func (k ClaimKind) Label() string {
	switch k {
	case KindStatement:
		return "Statement"
	case KindForecast:
		return "Forecast"
	case KindQuote:
		return "Quote"
	}
	return string(k)
}

// Claim is a single checkable statement, in neutral words.
type Claim struct {
	ID          int64
	Text        string
	Context     string
	Kind        ClaimKind
	DueDate     string // YYYY-MM-DD, forecasts only; "" when none
	Tags        []string
	Status      Status
	VerdictNote string
	ReportID    int64  // 0 when the claim was not taken from a report
	Assignee    string // the username of the editor it is assigned to, "" for nobody
	QuestionID  int64  // the question it is an outcome of, 0 for none
	Version     int64  // starts at 1 and grows by one with every change
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Read-side extras, filled by list queries.
	MainSource *Source // the first source asserting it, else the first linked
	// VerdictBy and VerdictAt are who set the claim's status and when (its
	// latest status change), filled by exports; "" and zero for a claim
	// whose status was never changed.
	VerdictBy string
	VerdictAt time.Time
}

// ClaimInput is what a person writes when creating or editing a claim.
type ClaimInput struct {
	Text    string
	Context string
	Kind    ClaimKind
	DueDate string
	Tags    []string
}

// Normalize trims every field and tidies the tags.
func (in *ClaimInput) Normalize() {
	in.Text = NormalizeLine(strings.ReplaceAll(strings.ReplaceAll(in.Text, "\r\n", " "), "\n", " "))
	in.Context = NormalizeText(in.Context)
	in.Kind = ClaimKind(strings.TrimSpace(string(in.Kind)))
	in.DueDate = NormalizeLine(in.DueDate)
	in.Tags = NormalizeTags(in.Tags)
}

// Validate checks the input against the rules for claims.
func (in *ClaimInput) Validate() error {
	f := fieldErrors{}
	checkLength(f, "text", "The claim", in.Text, ClaimTextMin, ClaimTextMax, false)
	checkLength(f, "context", "The context", in.Context, 0, ContextMax, true)
	if !in.Kind.Valid() {
		f.add("kind", "Choose statement, forecast or quote.")
	}
	checkDate(f, "due_date", "The due date", in.DueDate)
	if in.DueDate != "" && in.Kind.Valid() && in.Kind != KindForecast {
		f.add("due_date", "Only forecasts have a due date.")
	}
	if len(in.Tags) > TagsMax {
		f.add("tags", "Use at most "+strconv.Itoa(TagsMax)+" tags.")
	}
	for _, t := range in.Tags {
		if msg := checkTag(t); msg != "" {
			f.add("tags", msg)
		}
	}
	return f.err()
}

// Input returns the editable part of the claim, for pre-filling an edit form.
func (c *Claim) Input() ClaimInput {
	return ClaimInput{Text: c.Text, Context: c.Context, Kind: c.Kind, DueDate: c.DueDate, Tags: c.Tags}
}

// ParseTags splits a comma-separated list typed by a person.
func ParseTags(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// NormalizeTag lower-cases a tag and joins its words with hyphens: "Victory Day"
// becomes "victory-day".
func NormalizeTag(t string) string {
	return strings.Join(strings.Fields(strings.ToLower(t)), "-")
}

// NormalizeTags normalizes each tag, drops empty ones and duplicates, and keeps
// the order in which they were written.
func NormalizeTags(tags []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		t = NormalizeTag(t)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

func checkTag(t string) string {
	if !utf8.ValidString(t) {
		return "Tags must be valid UTF-8 text."
	}
	if utf8.RuneCountInString(t) > TagMax {
		return "Each tag must be at most " + strconv.Itoa(TagMax) + " characters."
	}
	for _, r := range t {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' {
			return "Tags may hold only letters, digits and hyphens; separate tags with commas."
		}
	}
	return ""
}

// ClaimFilter narrows a claims list. Zero values mean "any".
type ClaimFilter struct {
	Status   Status
	SourceID int64
	ReportID int64
	Tag      string
	Query    string
	// Assignee keeps the claims assigned to this username.
	Assignee string
	// Due keeps the open forecasts overdue or due soon on day Today
	// (YYYY-MM-DD; storage fills it with its own day when empty).
	Due   DueState
	Today string
	// Order is the list's order: newest first (the zero value) or by last
	// change.
	Order ClaimOrder
	// QueryLimits are the limits Query is parsed with (zero: the defaults).
	QueryLimits QueryLimits
	Offset      int
	Limit       int
}

// ClaimOrder is the order of a claims list.
type ClaimOrder string

// The orders of a claims list: newest first, or most recently changed first.
const (
	OrderCreated ClaimOrder = ""
	OrderChanged ClaimOrder = "changed"
)

// ParseClaimOrder reads the sort parameter of a claims list: "changed" is
// the order by last change, "" and "created" the default, newest first;
// anything else is not an order.
func ParseClaimOrder(s string) (ClaimOrder, bool) {
	switch strings.TrimSpace(s) {
	case "", "created":
		return OrderCreated, true
	case "changed":
		return OrderChanged, true
	}
	return OrderCreated, false
}

// ClaimPage is one page of a filtered claims list.
type ClaimPage struct {
	Claims []*Claim
	Total  int // claims matching the filter, status included
	// StatusCounts counts the claims matching every filter but the status, per
	// status, so a status menu can show what each choice would give.
	StatusCounts map[Status]int
}

// AllCount is the number of claims matching every filter but the status.
func (p *ClaimPage) AllCount() int {
	n := 0
	for _, c := range p.StatusCounts {
		n += c
	}
	return n
}

// Open says whether a status leaves the claim open: no verdict yet, and not
// withdrawn.
func (s Status) Open() bool { return s == StatusUnverified || s == StatusDisputed }

// Due says where an open forecast stands on day today (YYYY-MM-DD, UTC):
// DueOverdue when its due date has passed, DueSoon when it falls within
// DueSoonDays from today, "" otherwise (or for any other claim).
func (c *Claim) Due(today string) DueState {
	if c.Kind != KindForecast || c.DueDate == "" || !c.Status.Open() {
		return ""
	}
	if c.DueDate < today {
		return DueOverdue
	}
	if c.DueDate <= AddDays(today, DueSoonDays) {
		return DueSoon
	}
	return ""
}

// DueState says whether an open forecast is past or near its due date.
type DueState string

// The due states, also the values of the claims list's due filter.
const (
	DueOverdue DueState = "overdue"
	DueSoon    DueState = "soon"
	// DueAny, as a filter only, keeps every open forecast with a due date.
	DueAny DueState = "any"
)

// DueSoonDays is how many days ahead a due date counts as soon.
const DueSoonDays = 7

// AddDays is day (YYYY-MM-DD) plus n days; day itself when it is not a date.
func AddDays(day string, n int) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}
