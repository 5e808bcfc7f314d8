package intake

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A dateExpr is a time expression found in a text and the day it stands
// for as a due date: the last day it allows (the end of a month, a
// quarter, a year, a range), resolved against the publication date.
type dateExpr struct {
	start, end int
	text       string
	date       time.Time // zero when the expression names no day (vague)
	vague      bool
}

var monthNames = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
	"september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
	"december": 12, "dec": 12,
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
	"thirty": 30, "forty-eight": 48, "seventy-two": 72,
}

var ordinals = map[string]int{
	"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
	"q1": 1, "q2": 2, "q3": 3, "q4": 4,
}

const (
	reMonth = `(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?`
	reYear  = `((?:19|20)\d\d)`
	reNum   = `(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty-eight|seventy-two)`
	reDay   = `(\d{1,2})(?:st|nd|rd|th)?`
	reWDay  = `(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`
)

// The patterns, most specific first: a span taken by one is not looked at
// again by a later one.
var datePatterns = []struct {
	re      *regexp.Regexp
	resolve func(m []string, pub time.Time) (time.Time, bool)
}{
	{regexp.MustCompile(`(?i)\bbetween ` + reMonth + ` and ` + reMonth + `(?: ` + reYear + `)?`), func(m []string, pub time.Time) (time.Time, bool) {
		return monthEnd(m[2], m[3], pub), true
	}},
	{regexp.MustCompile(`(?i)\bbetween ` + reYear + ` and ` + reYear), func(m []string, pub time.Time) (time.Time, bool) {
		return yearEnd(m[2]), true
	}},
	{regexp.MustCompile(`(?i)\bnot (?:before|until) ` + reYear + `\b`), func(m []string, pub time.Time) (time.Time, bool) {
		y, _ := strconv.Atoi(m[1])
		return time.Date(y-1, 12, 31, 0, 0, 0, 0, time.UTC), true
	}},
	{regexp.MustCompile(`\b` + reDay + ` ` + reMonth + `,? ` + reYear + `\b`), func(m []string, pub time.Time) (time.Time, bool) {
		return exactDay(m[3], m[2], m[1], pub)
	}},
	{regexp.MustCompile(`\b` + reMonth + ` ` + reDay + `,? ` + reYear + `\b`), func(m []string, pub time.Time) (time.Time, bool) {
		return exactDay(m[3], m[1], m[2], pub)
	}},
	{regexp.MustCompile(`\b` + reDay + ` ` + reMonth + `\b`), func(m []string, pub time.Time) (time.Time, bool) {
		return exactDay("", m[2], m[1], pub)
	}},
	{regexp.MustCompile(`\b` + reMonth + ` ` + reDay + `\b`), func(m []string, pub time.Time) (time.Time, bool) {
		return exactDay("", m[1], m[2], pub)
	}},
	{regexp.MustCompile(`(?i)\bmid-? ?` + reYear + `\b`), func(m []string, pub time.Time) (time.Time, bool) {
		y, _ := strconv.Atoi(m[1])
		return time.Date(y, 6, 30, 0, 0, 0, 0, time.UTC), true
	}},
	{regexp.MustCompile(`(?i)\b(?:the )?middle of ` + reYear + `\b`), func(m []string, pub time.Time) (time.Time, bool) {
		y, _ := strconv.Atoi(m[1])
		return time.Date(y, 6, 30, 0, 0, 0, 0, time.UTC), true
	}},
	{regexp.MustCompile(`(?i)\b(first|second|third|fourth|1st|2nd|3rd|4th) quarter(?: of (?:the year|` + reYear + `))?|\b(Q[1-4])(?: ` + reYear + `)?\b`), func(m []string, pub time.Time) (time.Time, bool) {
		q, year := ordinals[strings.ToLower(m[1])], m[2]
		if m[3] != "" {
			q, year = ordinals[strings.ToLower(m[3])], m[4]
		}
		return quarterEnd(q, year, pub), true
	}},
	{regexp.MustCompile(`(?i)\b(first|second) half of (?:the year|` + reYear + `)`), func(m []string, pub time.Time) (time.Time, bool) {
		y := pub.Year()
		if m[2] != "" {
			y, _ = strconv.Atoi(m[2])
		}
		if strings.EqualFold(m[1], "first") {
			return time.Date(y, 6, 30, 0, 0, 0, 0, time.UTC), true
		}
		return time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), true
	}},
	{regexp.MustCompile(`(?i)\b(?:the )?end of (?:the |this )?(month|year|quarter)\b`), func(m []string, pub time.Time) (time.Time, bool) {
		switch strings.ToLower(m[1]) {
		case "month":
			return lastOfMonth(pub.Year(), pub.Month()), true
		case "quarter":
			return quarterEnd((int(pub.Month())+2)/3, "", pub), true
		}
		return time.Date(pub.Year(), 12, 31, 0, 0, 0, 0, time.UTC), true
	}},
	{regexp.MustCompile(`(?i)\b(?:the )?end of next (month|year)\b`), func(m []string, pub time.Time) (time.Time, bool) {
		if strings.EqualFold(m[1], "month") {
			return nextMonthEnd(pub), true
		}
		return time.Date(pub.Year()+1, 12, 31, 0, 0, 0, 0, time.UTC), true
	}},
	{regexp.MustCompile(reMonth + ` ` + reYear + `\b`), func(m []string, pub time.Time) (time.Time, bool) {
		return monthEnd(m[1], m[2], pub), true
	}},
	{regexp.MustCompile(`(?i)\b(?:later |earlier )?this (month|year|week)\b`), func(m []string, pub time.Time) (time.Time, bool) {
		switch strings.ToLower(m[1]) {
		case "month":
			return lastOfMonth(pub.Year(), pub.Month()), true
		case "week":
			return pub.AddDate(0, 0, int(time.Saturday-pub.Weekday())+1), true
		}
		return time.Date(pub.Year(), 12, 31, 0, 0, 0, 0, time.UTC), true
	}},
	{regexp.MustCompile(`(?i)\bnext (month|year)\b`), func(m []string, pub time.Time) (time.Time, bool) {
		if strings.EqualFold(m[1], "month") {
			return nextMonthEnd(pub), true
		}
		return time.Date(pub.Year()+1, 12, 31, 0, 0, 0, 0, time.UTC), true
	}},
	{regexp.MustCompile(`(?i)\btomorrow\b`), func(m []string, pub time.Time) (time.Time, bool) {
		return pub.AddDate(0, 0, 1), true
	}},
	{regexp.MustCompile(`(?i)\b(?:within|in|over) (?:the next )?(a|one|two|three) fortnights?\b`), func(m []string, pub time.Time) (time.Time, bool) {
		return pub.AddDate(0, 0, 14*numberWords[strings.ToLower(m[1])]), true
	}},
	{regexp.MustCompile(`(?i)\bfrom ` + reYear + ` (?:to|until|through) ` + reYear + `\b`), func(m []string, pub time.Time) (time.Time, bool) {
		return yearEnd(m[2]), true
	}},
	{regexp.MustCompile(`(?i)\b(?:within|in|over) (?:the next )?` + reNum + ` (hour|day|week|month|year)s?\b`), func(m []string, pub time.Time) (time.Time, bool) {
		n, ok := numberWords[strings.ToLower(m[1])]
		if !ok {
			n, _ = strconv.Atoi(m[1])
		}
		switch strings.ToLower(m[2]) {
		case "hour":
			return pub.AddDate(0, 0, (n+23)/24), true
		case "day":
			return pub.AddDate(0, 0, n), true
		case "week":
			return pub.AddDate(0, 0, 7*n), true
		case "month":
			return pub.AddDate(0, n, 0), true
		}
		return pub.AddDate(n, 0, 0), true
	}},
	{regexp.MustCompile(`(?i)\b(?:on |next |this |coming )?` + reWDay + `\b`), func(m []string, pub time.Time) (time.Time, bool) {
		wd := weekdays[strings.ToLower(m[1])]
		d := int(wd-pub.Weekday()+7) % 7
		if d == 0 {
			d = 7
		}
		return pub.AddDate(0, 0, d), true
	}},
	{regexp.MustCompile(`\b` + reMonth + `\b`), func(m []string, pub time.Time) (time.Time, bool) {
		if m[1] == "May" || m[1] == "Mar" || m[1] == "Jan" || m[1] == "Dec" {
			// Words too: only with a preposition before them (see findDates).
			return monthEnd(m[1], "", pub), true
		}
		return monthEnd(m[1], "", pub), true
	}},
	{regexp.MustCompile(`(?i)\b(?:in|by|for|until|from|before|after|since|of|to|during) (?:the end of )?` + reYear + `\b`), func(m []string, pub time.Time) (time.Time, bool) {
		return yearEnd(m[1]), true
	}},
	{regexp.MustCompile(`(?i)\b(soon|shortly|eventually|within days|within weeks|in the coming (?:days|weeks|months)|in due course|at some point)\b`), nil},
}

// findDates returns the time expressions of s, in the order they appear.
func findDates(s string, pub time.Time) []dateExpr {
	taken := make([]bool, len(s))
	var out []dateExpr
	for _, p := range datePatterns {
		for _, loc := range p.re.FindAllStringSubmatchIndex(s, -1) {
			start, end := loc[0], loc[1]
			free := true
			for i := start; i < end; i++ {
				if taken[i] {
					free = false
					break
				}
			}
			if !free {
				continue
			}
			m := make([]string, len(loc)/2)
			for i := range m {
				if loc[2*i] >= 0 {
					m[i] = s[loc[2*i]:loc[2*i+1]]
				}
			}
			text := strings.TrimSpace(m[0])
			if p.resolve != nil && isAmbiguousMonth(m[0]) && !afterPreposition(s[:start]) {
				continue
			}
			e := dateExpr{start: start, end: end, text: text}
			if p.resolve == nil {
				e.vague = true
			} else if pub.IsZero() {
				e.vague = !hasYear(text)
				if !e.vague {
					e.date, _ = p.resolve(m, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
				}
			} else if d, ok := p.resolve(m, pub); ok {
				e.date = d
			}
			for i := start; i < end; i++ {
				taken[i] = true
			}
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

var yearRe = regexp.MustCompile(`(?:19|20)\d\d`)

func hasYear(s string) bool { return yearRe.MatchString(s) }

// isAmbiguousMonth says whether m is a month name that is also a common word
// ("may", "march") standing alone.
func isAmbiguousMonth(m string) bool {
	switch strings.TrimSuffix(strings.TrimSpace(m), ".") {
	case "May", "March", "Mar", "Jan", "Dec", "Sept":
		return true
	}
	return false
}

var prepBefore = regexp.MustCompile(`(?i)\b(?:in|by|until|from|before|after|since|of|to|during|on|early|late|mid|next|last|this|end of|between|and|get|promised)\s*$`)

func afterPreposition(before string) bool { return prepBefore.MatchString(before) }

func exactDay(year, month, day string, pub time.Time) (time.Time, bool) {
	mo, ok := monthNames[strings.ToLower(strings.TrimSuffix(month, "."))]
	d, err := strconv.Atoi(day)
	if !ok || err != nil || d < 1 || d > 31 {
		return time.Time{}, false
	}
	if year != "" {
		y, _ := strconv.Atoi(year)
		return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC), true
	}
	t := time.Date(pub.Year(), mo, d, 0, 0, 0, 0, time.UTC)
	if t.Before(pub) {
		t = time.Date(pub.Year()+1, mo, d, 0, 0, 0, 0, time.UTC)
	}
	return t, true
}

func lastOfMonth(y int, m time.Month) time.Time {
	return time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
}

func nextMonthEnd(pub time.Time) time.Time {
	first := time.Date(pub.Year(), pub.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
	return lastOfMonth(first.Year(), first.Month())
}

// monthEnd is the last day of the month named: of the year given, else of
// the first such month that has not ended by the publication date.
func monthEnd(month, year string, pub time.Time) time.Time {
	mo := monthNames[strings.ToLower(strings.TrimSuffix(month, "."))]
	if year != "" {
		y, _ := strconv.Atoi(year)
		return lastOfMonth(y, mo)
	}
	t := lastOfMonth(pub.Year(), mo)
	if t.Before(pub) {
		t = lastOfMonth(pub.Year()+1, mo)
	}
	return t
}

func yearEnd(year string) time.Time {
	y, _ := strconv.Atoi(year)
	return time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
}

func quarterEnd(q int, year string, pub time.Time) time.Time {
	if q < 1 || q > 4 {
		q = 4
	}
	if year != "" {
		y, _ := strconv.Atoi(year)
		return lastOfMonth(y, time.Month(3*q))
	}
	t := lastOfMonth(pub.Year(), time.Month(3*q))
	if t.Before(pub) {
		t = lastOfMonth(pub.Year()+1, time.Month(3*q))
	}
	return t
}
