package claimtrack

import (
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
		switch p := ev.Payload.(type) {
		case ClaimCreated:
			c := &Claim{ID: id, Status: StatusUnverified, CreatedAt: ev.At}
			c.Text, c.Context, c.Kind, c.DueDate, c.Tags = p.Claim.Text, p.Claim.Context, p.Claim.Kind, p.Claim.DueDate, p.Claim.Tags
			st = &ClaimState{Claim: c}
		case ClaimEdited:
			if st != nil {
				p.ApplyTo(st.Claim)
			}
		case ClaimAssigned:
			if st != nil {
				st.Claim.Assignee = p.To
			}
		case OutcomeAdded:
			if st != nil {
				st.Claim.QuestionID = p.QuestionID
			}
		case OutcomeRemoved:
			if st != nil {
				st.Claim.QuestionID = 0
			}
		case StatusChanged:
			if st != nil {
				st.Claim.Status, st.Claim.VerdictNote = p.To, p.ToNote
			}
		case EvidenceAdded:
			if st != nil {
				v := p.Link
				v.SourceID, v.Note = ev.SourceID, ev.Note
				e := &Evidence{ID: ev.EvidenceID, ClaimID: id, CreatedAt: ev.At}
				setLink(e, v)
				st.Evidence = append(st.Evidence, e)
			}
		case EvidenceEdited:
			if st != nil {
				for _, e := range st.Evidence {
					if e.ID == ev.EvidenceID {
						v := LinkValuesOf(e)
						p.ApplyTo(&v)
						setLink(e, v)
						break
					}
				}
			}
		case EvidenceRemoved:
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

// setLink sets a link's fields from its recorded values.
func setLink(e *Evidence, v LinkValues) {
	e.SourceID, e.Stance, e.Quote, e.URL, e.PublishedAt, e.Note = v.SourceID, v.Stance, v.Quote, v.URL, v.PublishedAt, v.Note
	e.Source = &Source{ID: v.SourceID, Name: v.Source}
	e.ViaSourceID, e.Via = 0, nil
	if v.Via != "" {
		e.ViaSourceID = v.ViaSourceID
		e.Via = &Source{ID: v.ViaSourceID, Name: v.Via}
	}
}
