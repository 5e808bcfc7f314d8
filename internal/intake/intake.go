// Package intake reads a news report and suggests the checkable claims in
// it: each claim's sentence, a neutral text, its kind and due date, and who
// the report says made it (source, stance and via), with the cue words that
// led to each suggestion.
//
// Suggesting is pure and deterministic: the same input gives the same
// result, with no network, no model and no storage. What the engine needs
// from the tracker (the known sources and a way to find similar claims)
// comes in through Known, so that the web pages, the API and the command
// line can all call Suggest.
package intake

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxText is the largest report text Suggest accepts, in bytes.
const MaxText = 200 << 10

// DateLayout is the layout of publication and due dates.
const DateLayout = "2006-01-02"

// Errors of the input.
var (
	ErrEmpty    = errors.New("intake: the report text is empty")
	ErrTooLarge = fmt.Errorf("intake: the report text is over %d KB", MaxText>>10)
	ErrBinary   = errors.New("intake: the report text is not plain UTF-8 text")
)

// Input is a report to read.
type Input struct {
	// Text is the body of the report (title and header lines excluded;
	// see ParseHeader). Offsets in the result are byte offsets into it.
	Text string
	// Published is the publication date, against which due dates are
	// resolved. Zero leaves relative dates ("next month") unresolved.
	Published time.Time
	// Outlet is the report's outlet: the source of what the reporter
	// states without attribution.
	Outlet string
	// Title is the report's headline (optional): a denial in its words
	// is about the claim it is about.
	Title string
}

// KnownSource is a source the tracker already has.
type KnownSource struct {
	ID      int64
	Name    string
	Kind    string
	Aliases []string
}

// Match is an existing claim similar to a suggested one.
type Match struct {
	ClaimID int64   `json:"claim_id"`
	Text    string  `json:"text"`
	Score   float64 `json:"score"`
}

// Similar finds existing claims close to a text, best first. Storage
// implements it (full-text similarity over the claims index).
type Similar interface {
	SimilarClaims(ctx context.Context, text string, limit int) ([]Match, error)
}

// Known is what the tracker already holds.
type Known struct {
	Sources []KnownSource
	// Claims finds possible duplicates; nil finds none.
	Claims Similar
}

// Result is the set of suggestions for one report.
type Result struct {
	PublishedAt string   `json:"published_at,omitempty"`
	Outlet      string   `json:"outlet,omitempty"`
	Claims      []Claim  `json:"claims"`
	Sources     []Source `json:"sources"`
}

// Claim is one suggested claim.
type Claim struct {
	// Sentence is the exact text of the report the claim comes from;
	// Start and End are its byte offsets in Input.Text.
	Sentence string `json:"sentence"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	// Text is the claim in neutral words, without the attribution.
	Text    string `json:"text"`
	Kind    string `json:"kind"`
	DueDate string `json:"due_date"`
	// Cues say why the claim, its kind and its due date were suggested.
	Cues         []Cue         `json:"cues"`
	Attributions []Attribution `json:"attributions"`
	Duplicates   []Match       `json:"duplicates,omitempty"`
}

// Cue is a word or sign in the text that a suggestion rests on.
type Cue struct {
	// What the cue decided: "claim", "attribution", "kind", "due_date",
	// "stance", "via".
	For  string `json:"for"`
	Text string `json:"text"`
}

// Attribution is a source behind a claim.
type Attribution struct {
	Source string `json:"source"`
	Stance string `json:"stance"`
	Via    string `json:"via"`
	// SourceID is the known source the name matched; NewSource proposes
	// one when none did.
	SourceID     int64      `json:"source_id,omitempty"`
	NewSource    *NewSource `json:"new_source,omitempty"`
	ViaSourceID  int64      `json:"via_source_id,omitempty"`
	ViaNewSource *NewSource `json:"via_new_source,omitempty"`
	Cues         []Cue      `json:"cues,omitempty"`
}

// NewSource is a source to create.
type NewSource struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// Source is a source the report names, with the other forms it uses for it.
type Source struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Aliases  []string `json:"aliases"`
	SourceID int64    `json:"source_id,omitempty"`
}

// Validate checks the text's bounds: not empty, at most MaxText bytes, and
// text (valid UTF-8 without NUL bytes).
func Validate(text string) error {
	if len(text) > MaxText {
		return ErrTooLarge
	}
	if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
		return ErrBinary
	}
	if strings.TrimSpace(text) == "" {
		return ErrEmpty
	}
	return nil
}

// Suggest reads the report and returns its suggestions.
func Suggest(ctx context.Context, in Input, known Known) (Result, error) {
	if err := Validate(in.Text); err != nil {
		return Result{}, err
	}
	res := analyse(in)
	matchKnown(&res, known.Sources)
	if known.Claims != nil {
		for i := range res.Claims {
			if err := ctx.Err(); err != nil {
				return Result{}, err
			}
			found, err := known.Claims.SimilarClaims(ctx, res.Claims[i].Text, 5)
			if err != nil {
				return Result{}, fmt.Errorf("intake: similar claims: %w", err)
			}
			res.Claims[i].Duplicates = found
		}
	}
	if !in.Published.IsZero() {
		res.PublishedAt = in.Published.Format(DateLayout)
	}
	res.Outlet = strings.TrimSpace(in.Outlet)
	if res.Claims == nil {
		res.Claims = []Claim{}
	}
	if res.Sources == nil {
		res.Sources = []Source{}
	}
	return res, nil
}

// Header is what the first lines of a report file may say about it.
type Header struct {
	Title     string
	Outlet    string
	Published string
}

// ParseHeader splits a report file into its header and body when it starts
// with a title line followed by "Outlet:" and "Published:" lines (in either
// order, each optional but at least one there); otherwise the whole text is
// the body. The body keeps its own bytes, so offsets are into it.
func ParseHeader(text string) (Header, string) {
	var h Header
	rest := text
	line, after, _ := strings.Cut(rest, "\n")
	title := strings.TrimSpace(line)
	rest = after
	found := false
	for range 2 {
		line, after, ok := strings.Cut(rest, "\n")
		if !ok && line == "" {
			break
		}
		key, value, isField := strings.Cut(strings.TrimSpace(line), ":")
		switch {
		case isField && strings.EqualFold(key, "Outlet"):
			h.Outlet = strings.TrimSpace(value)
		case isField && strings.EqualFold(key, "Published"):
			h.Published = strings.TrimSpace(value)
		default:
			goto done
		}
		found = true
		rest = after
	}
done:
	if !found {
		return Header{}, text
	}
	h.Title = title
	// The blank lines between the header and the body.
	for {
		line, after, ok := strings.Cut(rest, "\n")
		if !ok || strings.TrimSpace(line) != "" {
			break
		}
		rest = after
	}
	return h, rest
}
