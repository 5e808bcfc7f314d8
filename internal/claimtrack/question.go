package claimtrack

import (
	"strconv"
	"strings"
	"time"
)

// A Question groups claims that exclude one another ("Will the president
// attend the parade?"): each claim is one outcome ("he attends", "he does
// not", "the vice-president goes instead"). At most one outcome can come
// true, so confirming one is the moment to refute its rivals.
type Question struct {
	ID          int64
	Title       string
	Description string
	Version     int64 // starts at 1 and grows by one with every edit of title or description
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Read-side extras, filled by lists.
	Outcomes  int    // how many claims are its outcomes
	Confirmed int64  // the id of a confirmed outcome, 0 for none
	Answer    string // that outcome's text
}

// Limits of a question's fields.
const (
	QuestionTitleMin = 10
	QuestionTitleMax = 300
	// OutcomesMax is the most outcomes one question can have: a question
	// with more is a topic, not a set of rival outcomes (and the page shows
	// a source-by-outcome table).
	OutcomesMax = 12
)

// QuestionInput is what an editor writes for a question.
type QuestionInput struct {
	Title       string
	Description string
	Version     int64 // for an edit: the version the editor saw
}

// Normalize tidies the input as every text field is tidied.
func (in *QuestionInput) Normalize() {
	in.Title = NormalizeLine(strings.ReplaceAll(strings.ReplaceAll(in.Title, "\r\n", " "), "\n", " "))
	in.Description = NormalizeText(in.Description)
}

// Validate checks the input against the rules for questions.
func (in *QuestionInput) Validate() error {
	f := fieldErrors{}
	checkLength(f, "title", "The question", in.Title, QuestionTitleMin, QuestionTitleMax, false)
	checkLength(f, "description", "The description", in.Description, 0, DescriptionMax, true)
	return f.err()
}

// QuestionValues are a question's own fields as the history records them.
type QuestionValues struct{ Title, Description string }

// QuestionValuesOf are the recorded fields of q.
func QuestionValuesOf(q *Question) QuestionValues {
	return QuestionValues{Title: q.Title, Description: q.Description}
}

// Input returns the editable part of the question, for an edit form.
func (q *Question) Input() QuestionInput {
	return QuestionInput{Title: q.Title, Description: q.Description, Version: q.Version}
}

// Backing is one source's part in a question: how it stands on each
// outcome it is linked to.
type Backing struct {
	Source *Source
	// Stances holds, by outcome claim id, the source's stances on it (a
	// source may have several links to one claim), in the order added.
	Stances map[int64][]Stance
}

// QuestionView is what a question's page shows: the question, its outcomes
// (oldest first) and which sources backed which outcome.
type QuestionView struct {
	Question *Question
	Outcomes []*Claim
	Backing  []*Backing // by source name
}

// Confirmed is the confirmed outcome, nil when none is.
func (v *QuestionView) Confirmed() *Claim {
	for _, c := range v.Outcomes {
		if c.Status == StatusConfirmed {
			return c
		}
	}
	return nil
}

// Rival is a rival outcome to refute along with a confirmed one, at the
// version the editor saw.
type Rival struct {
	ID      int64
	Version int64
}

// ParseRival reads a rival as a form sends it: "ID:VERSION".
func ParseRival(s string) (Rival, bool) {
	id, version, ok := strings.Cut(strings.TrimSpace(s), ":")
	r := Rival{}
	var err1, err2 error
	r.ID, err1 = strconv.ParseInt(id, 10, 64)
	r.Version, err2 = strconv.ParseInt(version, 10, 64)
	return r, ok && err1 == nil && err2 == nil && r.ID > 0 && r.Version > 0
}

// String is the rival as a form sends it.
func (r Rival) String() string {
	return strconv.FormatInt(r.ID, 10) + ":" + strconv.FormatInt(r.Version, 10)
}
