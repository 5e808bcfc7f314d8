package views

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// ChangeSummary says in one line what an event changed, for lists and feeds.
func ChangeSummary(ev *claimtrack.Event) string {
	s := ev.Label()
	switch p := ev.Payload.(type) {
	case claimtrack.StatusChanged:
		if p.NoteRevised() {
			s += ": still " + p.To.Label()
		} else {
			s += ": " + p.From.Label() + " → " + p.To.Label()
		}
	case claimtrack.EvidenceAdded:
		s += ": " + p.Link.Source + " " + p.Link.Stance.Description()
	case claimtrack.EvidenceEdited:
		s += ": " + p.Source
		var fields []string
		for _, c := range ev.Changes() {
			if c.Field == "source" {
				s += " (was " + c.Before + ")"
			}
			fields = append(fields, strings.ToLower(claimtrack.FieldLabel(c.Field)))
		}
		if len(fields) > 0 {
			s += "; changed " + strings.Join(fields, ", ")
		}
	case claimtrack.EvidenceRemoved:
		s += ": " + p.Link.Source + " no longer " + p.Link.Stance.Description()
	case claimtrack.SourceCreated:
		s += ": " + p.Source.Name
	case claimtrack.SourceEdited:
		for _, c := range p.Changes {
			if c.Field == "name" {
				s += ": " + c.After
			}
		}
	case claimtrack.DataImported:
		s += ": " + p.File + " (" + strconv.Itoa(p.Claims) + " claims, " + strconv.Itoa(p.Sources) + " new sources)"
	case claimtrack.UserCreated:
		s += ": " + p.Username
	case claimtrack.UserRoleChanged:
		s += ": " + p.Username
	case claimtrack.UserDisabled:
		s += ": " + p.Username
	case claimtrack.UserEnabled:
		s += ": " + p.Username
	case claimtrack.PasswordChanged:
		s += ": " + p.Username
	}
	if ev.ClaimText != "" {
		s += " — “" + ev.ClaimText + "”"
	}
	return s
}

// ChangeDetail is the longer account of a change for a feed entry: who, the
// note, and the values that changed.
func ChangeDetail(ev *claimtrack.Event) string {
	s := "By " + ev.Actor + "."
	if p, ok := ev.Payload.(claimtrack.StatusChanged); ok && p.NoteRevised() && p.FromNote != "" {
		return s + " Note: " + p.ToNote + " (revised; it was: “" + p.FromNote + "”)"
	}
	if ev.Note != "" {
		s += " Note: " + ev.Note
	}
	if ev.Type == claimtrack.EventStatusChanged {
		return s
	}
	for _, c := range ev.Changes() {
		s += " " + claimtrack.FieldLabel(c.Field) + ": “" + changeValue(c.Field, c.Before) + "” → “" + changeValue(c.Field, c.After) + "”."
	}
	return s
}

// changesFeedURL is the feed of the recent changes with the form's filters.
func changesFeedURL(f ChangesForm) string {
	return "/changes.atom" + strings.TrimPrefix(changesURL(f, 0), "/changes")
}

// changesURL is the recent-changes page with the form's filters, starting
// below the event id before (0: the newest).
func changesURL(f ChangesForm, before int64) string {
	v := url.Values{}
	for k, val := range map[string]string{"type": f.Type, "actor": f.Actor, "source": f.Source, "from": f.From, "to": f.To} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if before > 0 {
		v.Set("before", strconv.FormatInt(before, 10))
	}
	if len(v) == 0 {
		return "/changes"
	}
	return "/changes?" + v.Encode()
}

// changeValue is a recorded value as people read it: a source's aliases,
// recorded one per line, separated by semicolons.
func changeValue(field, v string) string {
	if field == "aliases" {
		return strings.Join(claimtrack.ParseAliases(v), "; ")
	}
	return v
}
