package views

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// ChangeSummary says in one line what an event changed, for lists and feeds.
func ChangeSummary(ev *claimtrack.Event) string {
	s := ev.Type.Label()
	switch ev.Type {
	case claimtrack.EventStatusChanged:
		s += ": " + claimtrack.Status(ev.Before["status"]).Label() + " → " + claimtrack.Status(ev.After["status"]).Label()
	case claimtrack.EventEvidenceAdded:
		s += ": " + ev.After["source"] + " " + claimtrack.Stance(ev.After["stance"]).Description()
	case claimtrack.EventEvidenceEdited:
		s += ": " + ev.LinkSource()
		if old, ok := ev.Before["source"]; ok {
			s += " (was " + old + ")"
		}
		var fields []string
		for _, k := range ev.Changed() {
			fields = append(fields, strings.ToLower(claimtrack.FieldLabel(k)))
		}
		if len(fields) > 0 {
			s += "; changed " + strings.Join(fields, ", ")
		}
	case claimtrack.EventEvidenceRemoved:
		s += ": " + ev.Before["source"] + " no longer " + claimtrack.Stance(ev.Before["stance"]).Description()
	case claimtrack.EventSourceCreated, claimtrack.EventSourceEdited:
		s += ": " + ev.After["name"]
	case claimtrack.EventDataImported:
		s += ": " + ev.After["file"] + " (" + ev.After["claims"] + " claims, " + ev.After["sources"] + " new sources)"
	case claimtrack.EventUserCreated, claimtrack.EventUserRoleChanged, claimtrack.EventUserDisabled,
		claimtrack.EventUserEnabled, claimtrack.EventPasswordChanged:
		s += ": " + ev.After["username"]
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
	if ev.Note != "" {
		s += " Note: " + ev.Note
	}
	for _, k := range ev.Changed() {
		if ev.Type == claimtrack.EventStatusChanged {
			break
		}
		s += " " + claimtrack.FieldLabel(k) + ": “" + ev.Before[k] + "” → “" + ev.After[k] + "”."
	}
	return s
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
