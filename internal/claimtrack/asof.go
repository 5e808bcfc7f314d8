package claimtrack

import (
	"strconv"
	"strings"
	"time"
)

// ParseAsOf reads an "as of" moment: a date (YYYY-MM-DD, meaning the end of
// that day, UTC) or a date-time (RFC 3339, or without a zone for UTC). It
// returns the last instant shown: what happened at or before it is in the
// view. The history keeps times to the microsecond.
func ParseAsOf(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.AddDate(0, 0, 1).Add(-time.Microsecond), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// ClaimState is a claim and its evidence as they stood at some moment,
// rebuilt from its history.
type ClaimState struct {
	Claim    *Claim
	Evidence []*Evidence // in the order they were added
}

// MainSource is the first source asserting the claim then, else the first
// linked, else nil.
func (st *ClaimState) MainSource() *Source {
	if e := MainLink(st.Evidence); e != nil {
		return e.Source
	}
	return nil
}

// MainLink is the link that names a claim's main source: the first that
// asserts it, else the first of all (evidence in the order it was added);
// nil for none.
func MainLink(evidence []*Evidence) *Evidence {
	for _, e := range evidence {
		if e.Stance == StanceAsserts {
			return e
		}
	}
	if len(evidence) > 0 {
		return evidence[0]
	}
	return nil
}

// ReplayClaim rebuilds a claim as it stood after the given events (oldest
// first, all about the claim). It returns nil when the events hold no
// "claim created".
func ReplayClaim(id int64, events []*Event) *ClaimState {
	var st *ClaimState
	for _, ev := range events {
		switch ev.Type {
		case EventClaimCreated:
			c := &Claim{ID: id, Status: StatusUnverified, CreatedAt: ev.At}
			applyClaimValues(c, ev.After)
			st = &ClaimState{Claim: c}
		case EventClaimEdited:
			if st != nil {
				applyClaimValues(st.Claim, ev.After)
			}
		case EventStatusChanged:
			if st != nil {
				st.Claim.Status, st.Claim.VerdictNote = Status(ev.After["status"]), ev.After["note"]
			}
		case EventEvidenceAdded:
			if st != nil {
				e := &Evidence{ID: ev.EvidenceID, ClaimID: id, SourceID: ev.SourceID, Stance: Stance(ev.After["stance"]),
					Quote: ev.After["quote"], URL: ev.After["url"], PublishedAt: ev.After["published_at"], Note: ev.Note,
					CreatedAt: ev.At, Source: &Source{ID: ev.SourceID, Name: ev.After["source"]}}
				if via := ev.After["via"]; via != "" {
					e.ViaSourceID, _ = strconv.ParseInt(ev.After["via_source_id"], 10, 64)
					e.Via = &Source{ID: e.ViaSourceID, Name: via}
				}
				st.Evidence = append(st.Evidence, e)
			}
		case EventEvidenceEdited:
			if st != nil {
				for _, e := range st.Evidence {
					if e.ID == ev.EvidenceID {
						applyEvidenceValues(e, ev.After)
						break
					}
				}
			}
		case EventEvidenceRemoved:
			if st != nil {
				for i, e := range st.Evidence {
					if e.ID == ev.EvidenceID {
						st.Evidence = append(st.Evidence[:i:i], st.Evidence[i+1:]...)
						break
					}
				}
			}
		}
		if st != nil {
			st.Claim.UpdatedAt = ev.At
			if ev.ClaimVersion > 0 {
				st.Claim.Version = ev.ClaimVersion
			}
		}
	}
	return st
}

// applyClaimValues sets the fields a claim event records.
func applyClaimValues(c *Claim, v map[string]string) {
	if s, ok := v["text"]; ok {
		c.Text = s
	}
	if s, ok := v["context"]; ok {
		c.Context = s
	}
	if s, ok := v["kind"]; ok {
		c.Kind = ClaimKind(s)
	}
	if s, ok := v["due_date"]; ok {
		c.DueDate = s
	}
	if s, ok := v["tags"]; ok {
		c.Tags = ParseTags(s)
	}
}

// applyEvidenceValues sets the fields an "evidence edited" event changed: a
// new source or via comes with its name and id, an empty via is none.
func applyEvidenceValues(e *Evidence, v map[string]string) {
	if name, ok := v["source"]; ok {
		if id, err := strconv.ParseInt(v["source_id"], 10, 64); err == nil {
			e.SourceID = id
		}
		e.Source = &Source{ID: e.SourceID, Name: name}
	}
	if name, ok := v["via"]; ok {
		e.ViaSourceID, e.Via = 0, nil
		if name != "" {
			e.ViaSourceID, _ = strconv.ParseInt(v["via_source_id"], 10, 64)
			e.Via = &Source{ID: e.ViaSourceID, Name: name}
		}
	}
	if s, ok := v["stance"]; ok {
		e.Stance = Stance(s)
	}
	if s, ok := v["quote"]; ok {
		e.Quote = s
	}
	if s, ok := v["url"]; ok {
		e.URL = s
	}
	if s, ok := v["published_at"]; ok {
		e.PublishedAt = s
	}
	if s, ok := v["note"]; ok {
		e.Note = s
	}
}
