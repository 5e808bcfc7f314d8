package claimtrack

import "time"

// EventType names the kind of change an event records.
type EventType string

// The kinds of change the history records.
const (
	EventClaimCreated    EventType = "claim_created"
	EventClaimEdited     EventType = "claim_edited"
	EventStatusChanged   EventType = "status_changed"
	EventEvidenceAdded   EventType = "evidence_added"
	EventEvidenceEdited  EventType = "evidence_edited"
	EventEvidenceRemoved EventType = "evidence_removed"
	EventSourceCreated   EventType = "source_created"
	EventSourceEdited    EventType = "source_edited"
	EventReportImported  EventType = "report_imported"
	EventDataImported    EventType = "data_imported"
	EventUserCreated     EventType = "user_created"
	EventUserRoleChanged EventType = "user_role_changed"
	EventUserDisabled    EventType = "user_disabled"
	EventUserEnabled     EventType = "user_enabled"
	EventPasswordChanged EventType = "password_changed"
	EventClaimAssigned   EventType = "claim_assigned"
	EventQuestionCreated EventType = "question_created"
	EventQuestionEdited  EventType = "question_edited"
	EventOutcomeAdded    EventType = "outcome_added"
	EventOutcomeRemoved  EventType = "outcome_removed"
)

// Label is the kind of change in words for people.
func (t EventType) Label() string {
	switch t {
	case EventClaimCreated:
		return "Claim created"
	case EventClaimEdited:
		return "Claim edited"
	case EventStatusChanged:
		return "Status changed"
	case EventEvidenceAdded:
		return "Evidence added"
	case EventEvidenceEdited:
		return "Evidence edited"
	case EventEvidenceRemoved:
		return "Evidence removed"
	case EventSourceCreated:
		return "Source created"
	case EventSourceEdited:
		return "Source edited"
	case EventReportImported:
		return "Report imported"
	case EventDataImported:
		return "Data imported"
	case EventUserCreated:
		return "Account created"
	case EventUserRoleChanged:
		return "Role changed"
	case EventUserDisabled:
		return "Account disabled"
	case EventUserEnabled:
		return "Account enabled"
	case EventPasswordChanged:
		return "Password changed"
	case EventClaimAssigned:
		return "Assigned"
	case EventQuestionCreated:
		return "Question created"
	case EventQuestionEdited:
		return "Question edited"
	case EventOutcomeAdded:
		return "Made an outcome"
	case EventOutcomeRemoved:
		return "No longer an outcome"
	}
	return string(t)
}

// Actors used before accounts exist, and by the seed.
const (
	ActorLocal = "local"
	ActorSeed  = "seed"
)

// Event is one recorded change. Events are append-only: nothing updates or deletes
// them, and each is written in the same transaction as the change it records.
type Event struct {
	ID           int64
	Type         EventType
	Actor        string
	At           time.Time // UTC
	ClaimID      int64     // 0 when the change is not about one claim
	ClaimVersion int64     // the claim's version after the change, when ClaimID is set
	SourceID     int64     // 0 when no source is involved
	EvidenceID   int64     // 0 when no evidence is involved
	ReportID     int64     // 0 when no report is involved
	// QuestionID is the question the change is about: a question's own
	// changes, a claim made or unmade one of its outcomes, and a verdict on
	// one of its outcomes; 0 otherwise.
	QuestionID int64
	// Payload is what the change records, typed by its kind. Writers set
	// it (the type follows from it); readers find it decoded.
	Payload Payload
	// Before and After are the payload as stored: its values before and
	// after the change (for the API and exports).
	Before, After map[string]string
	Note          string

	// ClaimText is the claim's text now, filled where lists of changes show it.
	ClaimText string
}

// EventFilter narrows the list of recent changes. Zero values match all.
type EventFilter struct {
	Types    []EventType
	Actor    string
	SourceID int64
	From, To time.Time // at or after From, before To
	Before   int64     // only events with a smaller id (the next page)
	Limit    int
}

// EventTypes lists every kind of change, in the order filters offer them.
var EventTypes = []EventType{EventClaimCreated, EventClaimEdited, EventStatusChanged, EventEvidenceAdded,
	EventEvidenceEdited, EventEvidenceRemoved, EventSourceCreated, EventSourceEdited, EventReportImported, EventDataImported, EventUserCreated,
	EventUserRoleChanged, EventUserDisabled, EventUserEnabled, EventPasswordChanged, EventClaimAssigned,
	EventQuestionCreated, EventQuestionEdited, EventOutcomeAdded, EventOutcomeRemoved}

// Valid reports whether t is a known kind of change.
func (t EventType) Valid() bool {
	for _, k := range EventTypes {
		if k == t {
			return true
		}
	}
	return false
}

// eventFieldOrder lists the fields a change shows people, in order (ids
// and counts are for the code).
var eventFieldOrder = []string{
	"text", "context", "kind", "due_date", "tags", "status",
	"source", "stance", "quote", "url", "published_at", "via", "note",
	"name", "role", "aliases", "description", "title", "outlet", "summary", "assignee", "question",
}

// FieldLabel names an event field for people.
func FieldLabel(k string) string {
	switch k {
	case "text":
		return "Text"
	case "context":
		return "Context"
	case "kind":
		return "Kind"
	case "due_date":
		return "Due date"
	case "tags":
		return "Tags"
	case "status":
		return "Status"
	case "note":
		return "Note"
	case "source":
		return "Source"
	case "stance":
		return "Stance"
	case "quote":
		return "Quote"
	case "url":
		return "Link"
	case "published_at":
		return "Published"
	case "via":
		return "Via"
	case "name":
		return "Name"
	case "role":
		return "Role"
	case "aliases":
		return "Other names"
	case "description":
		return "Description"
	case "title":
		return "Title"
	case "outlet":
		return "Outlet"
	case "summary":
		return "Summary"
	case "assignee":
		return "Assignee"
	case "question":
		return "Question"
	}
	return k
}

// Label is the change in words for people: the kind of change, except that
// a status change that kept the status and only revised its note is a
// "Verdict note revised".
func (ev *Event) Label() string {
	if v, ok := ev.Payload.(StatusChanged); ok && v.NoteRevised() {
		return LabelNoteRevised
	}
	return ev.Type.Label()
}

// LabelNoteRevised names a status change that kept the status and revised
// only the verdict note.
const LabelNoteRevised = "Verdict note revised"

// Verdict is who gave a claim its status and when: the status change that
// set the status in force and, when its note was revised since, the latest
// revision. Set is nil when the claim's status was never changed (a new,
// unverified claim).
type Verdict struct {
	Set     *Event
	Revised *Event
}

// VerdictOf finds the verdict in force after a claim's history (events
// oldest first; those that are not status changes are skipped).
func VerdictOf(events []*Event) Verdict {
	var v Verdict
	for _, ev := range events {
		sc, ok := ev.Payload.(StatusChanged)
		switch {
		case !ok:
		case sc.NoteRevised() && v.Set != nil:
			v.Revised = ev
		default:
			v.Set, v.Revised = ev, nil
		}
	}
	return v
}
