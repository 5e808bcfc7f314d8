package claimtrack

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits shared by the validation rules.
const (
	ClaimTextMin   = 10
	ClaimTextMax   = 500
	ContextMax     = 10000
	NoteMax        = 2000
	QuoteMax       = 2000
	URLMax         = 2048
	SourceNameMin  = 2
	SourceNameMax  = 200
	SourceRoleMax  = 200
	DescriptionMax = 5000
	TagMax         = 40
	TagsMax        = 12
)

// DateLayout is the only accepted layout for calendar dates.
const DateLayout = "2006-01-02"

// NormalizeLine trims surrounding space from a one-line value.
func NormalizeLine(s string) string { return strings.TrimSpace(s) }

// NormalizeText trims a multi-line value and turns CRLF into LF, so that what a
// browser sends and what is stored compare equal.
func NormalizeText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// checkText returns a message if s is not acceptable text: invalid UTF-8, or
// control characters (multi-line text may hold newlines and tabs).
func checkText(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return "contains bytes that are not valid UTF-8 text"
	}
	for _, r := range s {
		if r == '\n' || r == '\t' || r == '\r' {
			if multiline {
				continue
			}
			return "must be a single line"
		}
		if unicode.IsControl(r) {
			return "contains control characters"
		}
	}
	return ""
}

// checkLength validates the length in characters of an already-trimmed value.
func checkLength(f fieldErrors, field, label, s string, min, max int, multiline bool) {
	if msg := checkText(s, multiline); msg != "" {
		f.add(field, label+" "+msg+".")
		return
	}
	n := utf8.RuneCountInString(s)
	switch {
	case min > 0 && n == 0:
		f.add(field, label+" is required.")
	case n < min:
		f.add(field, label+" must be at least "+strconv.Itoa(min)+" characters.")
	case n > max:
		f.add(field, label+" must be at most "+strconv.Itoa(max)+" characters (it has "+strconv.Itoa(n)+").")
	}
}

// checkURL validates an optional link: http or https, with a host, at most URLMax bytes.
func checkURL(f fieldErrors, field, s string) {
	if s == "" {
		return
	}
	if msg := checkText(s, false); msg != "" {
		f.add(field, "The link "+msg+".")
		return
	}
	if len(s) > URLMax {
		f.add(field, "The link must be at most "+strconv.Itoa(URLMax)+" characters.")
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		f.add(field, "The link must be a full http:// or https:// address.")
		return
	}
	if strings.ContainsAny(s, " <>\"") {
		f.add(field, "The link must not contain spaces, quotes or angle brackets.")
	}
}

// checkDate validates an optional YYYY-MM-DD date.
func checkDate(f fieldErrors, field, label, s string) {
	if s == "" {
		return
	}
	if _, err := ParseDate(s); err != nil {
		f.add(field, label+" must be a date written YYYY-MM-DD, for example 2025-05-09.")
	}
}

// ParseDate parses a YYYY-MM-DD date between the years 1000 and 9999.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, err
	}
	if t.Year() < 1000 {
		return time.Time{}, &time.ParseError{Layout: DateLayout, Value: s, Message: ": year out of range"}
	}
	return t, nil
}
