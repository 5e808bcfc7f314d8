package claimtrack

import (
	"slices"
	"strconv"
	"strings"
)

// A Payload is what one event records, typed by its kind: one Go type per
// kind of change. The history stores a payload as two JSON objects of
// strings, the values before and after the change; encodePayload and
// DecodePayload are the only code that knows their keys.
type Payload interface {
	// EventType is the kind of change the payload records.
	EventType() EventType
}

// ClaimValues are a claim's own fields as the history records them.
type ClaimValues struct {
	Text, Context string
	Kind          ClaimKind
	DueDate       string
	Tags          []string
}

// ClaimValuesOf are the recorded fields of c.
func ClaimValuesOf(c *Claim) ClaimValues {
	return ClaimValues{Text: c.Text, Context: c.Context, Kind: c.Kind, DueDate: c.DueDate, Tags: c.Tags}
}

// LinkValues are an evidence link as the history records it: the names and
// ids of its source and of the source it was relayed via.
type LinkValues struct {
	Source      string
	SourceID    int64
	Stance      Stance
	Quote, URL  string
	PublishedAt string
	Via         string // empty when the link was not relayed
	ViaSourceID int64
	Note        string
}

// LinkValuesOf are the recorded fields of e, whose Source (and Via, when
// relayed) are filled.
func LinkValuesOf(e *Evidence) LinkValues {
	v := LinkValues{SourceID: e.SourceID, Stance: e.Stance, Quote: e.Quote, URL: e.URL, PublishedAt: e.PublishedAt, Note: e.Note}
	if e.Source != nil {
		v.Source = e.Source.Name
	}
	if e.Via != nil {
		v.Via, v.ViaSourceID = e.Via.Name, e.ViaSourceID
	}
	return v
}

// Link is what the reliability rules need of the link.
func (v LinkValues) Link() Link {
	return Link{Source: v.SourceID, Via: v.ViaSourceID, Stance: v.Stance}
}

// SourceValues are a source's own fields as the history records them.
type SourceValues struct {
	Name        string
	Kind        SourceKind
	Role, URL   string
	Description string
	Aliases     []string
}

// SourceValuesOf are the recorded fields of s.
func SourceValuesOf(s *Source) SourceValues {
	return SourceValues{Name: s.Name, Kind: s.Kind, Role: s.Role, URL: s.URL, Description: s.Description, Aliases: s.Aliases}
}

// FieldChange is one field an edit changed, with its value before and after
// (as recorded: tags as "a, b", ids as decimal).
type FieldChange struct {
	Field, Before, After string
}

// Changes are the fields an edit changed, in the order they are shown.
type Changes []FieldChange

// Has says whether the edit changed field.
func (cs Changes) Has(field string) bool {
	for _, c := range cs {
		if c.Field == field {
			return true
		}
	}
	return false
}

// diffChanges compares two encodings field by field.
func diffChanges(before, after map[string]string) Changes {
	var out Changes
	for _, k := range orderedKeys(before, after) {
		b, inB := before[k]
		a, inA := after[k]
		if (inB || inA) && a != b {
			out = append(out, FieldChange{Field: k, Before: b, After: a})
		}
	}
	return out
}

// orderedKeys are the keys of both maps: those of eventFieldOrder in its
// order, then any others sorted. The maps hold a few keys each, so their
// keys are gathered and sorted rather than every known field looked up.
func orderedKeys(maps ...map[string]string) []string {
	var keys []string
	for _, m := range maps {
		for k := range m {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		ia, ib := fieldRank(a), fieldRank(b)
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	return keys
}

// fieldRank is a field's place in eventFieldOrder; fields not in it come
// after all of those.
func fieldRank(k string) int {
	if i := slices.Index(eventFieldOrder, k); i >= 0 {
		return i
	}
	return len(eventFieldOrder)
}

// The payloads, one per kind of change.
type (
	// ClaimCreated records a new claim.
	ClaimCreated struct{ Claim ClaimValues }
	// ClaimEdited records the fields of a claim an edit changed.
	ClaimEdited struct{ Changes Changes }
	// StatusChanged records a verdict: the status and note before and after.
	StatusChanged struct {
		From, To         Status
		FromNote, ToNote string
	}
	// EvidenceAdded records a new link; its note is the event's note.
	EvidenceAdded struct{ Link LinkValues }
	// EvidenceEdited records the fields of a link an edit changed, and the
	// name of its source after the edit.
	EvidenceEdited struct {
		Source  string
		Changes Changes
	}
	// EvidenceRemoved records the link taken off, note included; the reason
	// is the event's note.
	EvidenceRemoved struct{ Link LinkValues }
	// SourceCreated records a new source.
	SourceCreated struct{ Source SourceValues }
	// SourceEdited records the fields of a source an edit changed.
	SourceEdited struct{ Changes Changes }
	// ReportImported records a report entered with its claims.
	ReportImported struct{ Title, Outlet, URL, Summary string }
	// DataImported records an import of exported data: the file and what it added.
	DataImported struct {
		File                                       string
		Claims, Sources, Evidence, Events, Reports int
	}
	// UserCreated records a new account.
	UserCreated struct {
		Username string
		Role     Role
	}
	// UserRoleChanged records an account's new role.
	UserRoleChanged struct {
		Username string
		From, To Role
	}
	// UserDisabled records an account switched off.
	UserDisabled struct{ Username string }
	// UserEnabled records an account switched on again.
	UserEnabled struct{ Username string }
	// PasswordChanged records an account's new password (never the password).
	PasswordChanged struct{ Username string }
	// ClaimAssigned records who a claim is assigned to: a username, or ""
	// for nobody.
	ClaimAssigned struct{ From, To string }
	// QuestionCreated records a new question.
	QuestionCreated struct{ Question QuestionValues }
	// QuestionEdited records the fields of a question an edit changed.
	QuestionEdited struct{ Changes Changes }
	// OutcomeAdded records a claim made an outcome of a question (the
	// question's title as it was then).
	OutcomeAdded struct {
		QuestionID int64
		Question   string
	}
	// OutcomeRemoved records a claim that is no longer an outcome of a question.
	OutcomeRemoved struct {
		QuestionID int64
		Question   string
	}
)

// NoteRevised says whether the change kept the status and revised only its
// note.
func (v StatusChanged) NoteRevised() bool { return v.From == v.To }

func (ClaimCreated) EventType() EventType    { return EventClaimCreated }
func (ClaimEdited) EventType() EventType     { return EventClaimEdited }
func (StatusChanged) EventType() EventType   { return EventStatusChanged }
func (EvidenceAdded) EventType() EventType   { return EventEvidenceAdded }
func (EvidenceEdited) EventType() EventType  { return EventEvidenceEdited }
func (EvidenceRemoved) EventType() EventType { return EventEvidenceRemoved }
func (SourceCreated) EventType() EventType   { return EventSourceCreated }
func (SourceEdited) EventType() EventType    { return EventSourceEdited }
func (ReportImported) EventType() EventType  { return EventReportImported }
func (DataImported) EventType() EventType    { return EventDataImported }
func (UserCreated) EventType() EventType     { return EventUserCreated }
func (UserRoleChanged) EventType() EventType { return EventUserRoleChanged }
func (UserDisabled) EventType() EventType    { return EventUserDisabled }
func (UserEnabled) EventType() EventType     { return EventUserEnabled }
func (PasswordChanged) EventType() EventType { return EventPasswordChanged }
func (ClaimAssigned) EventType() EventType   { return EventClaimAssigned }
func (QuestionCreated) EventType() EventType { return EventQuestionCreated }
func (QuestionEdited) EventType() EventType  { return EventQuestionEdited }
func (OutcomeAdded) EventType() EventType    { return EventOutcomeAdded }
func (OutcomeRemoved) EventType() EventType  { return EventOutcomeRemoved }

// ClaimEdit is the edit from one claim's values to another's: only the
// fields that differ (none when nothing changed).
func ClaimEdit(before, after ClaimValues) ClaimEdited {
	return ClaimEdited{Changes: diffChanges(claimFields(before), claimFields(after))}
}

// EvidenceEdit is the edit from one link's values to another's. A new source
// or via records its id with its name.
func EvidenceEdit(before, after LinkValues) EvidenceEdited {
	return EvidenceEdited{Source: after.Source, Changes: diffChanges(linkFields(before, true), linkFields(after, true))}
}

// SourceEdit is the edit from one source's values to another's.
func SourceEdit(before, after SourceValues) SourceEdited {
	return SourceEdited{Changes: diffChanges(sourceFields(before), sourceFields(after))}
}

// QuestionEdit is the edit from one question's values to another's.
func QuestionEdit(before, after QuestionValues) QuestionEdited {
	return QuestionEdited{Changes: diffChanges(questionFields(before), questionFields(after))}
}

// ApplyTo sets the fields the edit changed on c.
func (e ClaimEdited) ApplyTo(c *Claim) {
	after := map[string]string{}
	for _, ch := range e.Changes {
		after[ch.Field] = ch.After
	}
	applyClaimFields(c, after)
}

// KindBefore is the claim's kind before the edit; ok is false when the edit
// left the kind as it was.
func (e ClaimEdited) KindBefore() (kind ClaimKind, ok bool) {
	for _, ch := range e.Changes {
		if ch.Field == "kind" {
			return ClaimKind(ch.Before), true
		}
	}
	return "", false
}

// ApplyTo sets the fields the edit changed on v.
func (e EvidenceEdited) ApplyTo(v *LinkValues) {
	for _, ch := range e.Changes {
		switch ch.Field {
		case "source":
			v.Source = ch.After
		case "source_id":
			v.SourceID = parseID(ch.After)
		case "stance":
			v.Stance = Stance(ch.After)
		case "quote":
			v.Quote = ch.After
		case "url":
			v.URL = ch.After
		case "published_at":
			v.PublishedAt = ch.After
		case "via":
			v.Via = ch.After
		case "via_source_id":
			v.ViaSourceID = parseID(ch.After)
		case "note":
			v.Note = ch.After
		}
	}
}

// TakesOff says whether the edit took source id off the link: it was the
// link's source or via before, and is neither after. (A place the edit did
// not change cannot have held id: a link's source and via differ.)
func (e EvidenceEdited) TakesOff(id int64) bool {
	var before, after LinkValues
	for _, ch := range e.Changes {
		switch ch.Field {
		case "source_id":
			before.SourceID, after.SourceID = parseID(ch.Before), parseID(ch.After)
		case "via_source_id":
			before.ViaSourceID, after.ViaSourceID = parseID(ch.Before), parseID(ch.After)
		}
	}
	names := func(v LinkValues) bool { return v.SourceID == id || v.ViaSourceID == id }
	return id != 0 && names(before) && !names(after)
}

// EncodePayload is the one encoder: the values before and after that the
// history stores for p.
func EncodePayload(p Payload) (before, after map[string]string) {
	before, after = map[string]string{}, map[string]string{}
	switch p := p.(type) {
	case ClaimCreated:
		after = claimFields(p.Claim)
	case ClaimEdited:
		encodeChanges(p.Changes, before, after)
	case EvidenceEdited:
		encodeChanges(p.Changes, before, after)
		if !p.Changes.Has("source") {
			// The source's name on both sides: the edit kept it.
			before["source"], after["source"] = p.Source, p.Source
		}
	case SourceEdited:
		encodeChanges(p.Changes, before, after)
	case StatusChanged:
		before = map[string]string{"status": string(p.From), "note": p.FromNote}
		after = map[string]string{"status": string(p.To), "note": p.ToNote}
	case EvidenceAdded:
		after = linkFields(p.Link, false)
	case EvidenceRemoved:
		before = linkFields(p.Link, true)
	case SourceCreated:
		after = sourceFields(p.Source)
	case ReportImported:
		after = map[string]string{"title": p.Title, "outlet": p.Outlet, "url": p.URL, "summary": p.Summary}
	case DataImported:
		after = map[string]string{"file": p.File, "claims": strconv.Itoa(p.Claims), "sources": strconv.Itoa(p.Sources),
			"evidence": strconv.Itoa(p.Evidence), "events": strconv.Itoa(p.Events), "reports": strconv.Itoa(p.Reports)}
	case UserCreated:
		after = map[string]string{"username": p.Username, "role": string(p.Role)}
	case UserRoleChanged:
		before = map[string]string{"username": p.Username, "role": string(p.From)}
		after = map[string]string{"username": p.Username, "role": string(p.To)}
	case UserDisabled:
		after = map[string]string{"username": p.Username}
	case UserEnabled:
		after = map[string]string{"username": p.Username}
	case PasswordChanged:
		after = map[string]string{"username": p.Username}
	case ClaimAssigned:
		before = map[string]string{"assignee": p.From}
		after = map[string]string{"assignee": p.To}
	case QuestionCreated:
		after = questionFields(p.Question)
	case QuestionEdited:
		encodeChanges(p.Changes, before, after)
	case OutcomeAdded:
		after = map[string]string{"question": p.Question, "question_id": strconv.FormatInt(p.QuestionID, 10)}
	case OutcomeRemoved:
		before = map[string]string{"question": p.Question, "question_id": strconv.FormatInt(p.QuestionID, 10)}
	}
	return before, after
}

// DecodePayload is the one decoder: the payload of an event of kind t from
// the values it stores. Missing values read as empty; nil for an unknown kind.
func DecodePayload(t EventType, before, after map[string]string) Payload {
	switch t {
	case EventClaimCreated:
		var c Claim
		applyClaimFields(&c, after)
		return ClaimCreated{Claim: ClaimValuesOf(&c)}
	case EventClaimEdited:
		return ClaimEdited{Changes: diffChanges(before, after)}
	case EventEvidenceEdited:
		return EvidenceEdited{Source: after["source"], Changes: diffChanges(before, after)}
	case EventSourceEdited:
		return SourceEdited{Changes: diffChanges(before, after)}
	case EventStatusChanged:
		return StatusChanged{From: Status(before["status"]), To: Status(after["status"]), FromNote: before["note"], ToNote: after["note"]}
	case EventEvidenceAdded:
		return EvidenceAdded{Link: decodeLink(after)}
	case EventEvidenceRemoved:
		return EvidenceRemoved{Link: decodeLink(before)}
	case EventSourceCreated:
		return SourceCreated{Source: SourceValues{Name: after["name"], Kind: SourceKind(after["kind"]), Role: after["role"],
			URL: after["url"], Description: after["description"], Aliases: ParseAliases(after["aliases"])}}
	case EventReportImported:
		return ReportImported{Title: after["title"], Outlet: after["outlet"], URL: after["url"], Summary: after["summary"]}
	case EventDataImported:
		return DataImported{File: after["file"], Claims: atoi(after["claims"]), Sources: atoi(after["sources"]),
			Evidence: atoi(after["evidence"]), Events: atoi(after["events"]), Reports: atoi(after["reports"])}
	case EventUserCreated:
		return UserCreated{Username: after["username"], Role: Role(after["role"])}
	case EventUserRoleChanged:
		return UserRoleChanged{Username: after["username"], From: Role(before["role"]), To: Role(after["role"])}
	case EventUserDisabled:
		return UserDisabled{Username: after["username"]}
	case EventUserEnabled:
		return UserEnabled{Username: after["username"]}
	case EventPasswordChanged:
		return PasswordChanged{Username: after["username"]}
	case EventClaimAssigned:
		return ClaimAssigned{From: before["assignee"], To: after["assignee"]}
	case EventQuestionCreated:
		return QuestionCreated{Question: QuestionValues{Title: after["title"], Description: after["description"]}}
	case EventQuestionEdited:
		return QuestionEdited{Changes: diffChanges(before, after)}
	case EventOutcomeAdded:
		return OutcomeAdded{QuestionID: parseID(after["question_id"]), Question: after["question"]}
	case EventOutcomeRemoved:
		return OutcomeRemoved{QuestionID: parseID(before["question_id"]), Question: before["question"]}
	}
	return nil
}

// Changes lists what the event changed that people read, field by field: an
// edit's changed fields, or the values another kind of change records.
func (e *Event) Changes() Changes {
	var out Changes
	for _, c := range diffChanges(e.Before, e.After) {
		if slices.Contains(eventFieldOrder, c.Field) {
			out = append(out, c)
		}
	}
	return out
}

func encodeChanges(cs Changes, before, after map[string]string) {
	for _, c := range cs {
		before[c.Field], after[c.Field] = c.Before, c.After
	}
}

func claimFields(v ClaimValues) map[string]string {
	return map[string]string{"text": v.Text, "context": v.Context, "kind": string(v.Kind), "due_date": v.DueDate,
		"tags": strings.Join(v.Tags, ", ")}
}

// applyClaimFields sets the claim fields the values hold.
func applyClaimFields(c *Claim, v map[string]string) {
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
		c.Tags = NormalizeTags(ParseTags(s))
	}
}

// linkFields encodes a link; the note only when asked (a new link's note is
// its event's note).
func linkFields(v LinkValues, withNote bool) map[string]string {
	m := map[string]string{"source": v.Source, "source_id": strconv.FormatInt(v.SourceID, 10), "stance": string(v.Stance),
		"quote": v.Quote, "url": v.URL, "published_at": v.PublishedAt}
	if v.Via != "" {
		m["via"] = v.Via
		m["via_source_id"] = strconv.FormatInt(v.ViaSourceID, 10)
	}
	if withNote {
		m["note"] = v.Note
	}
	return m
}

func decodeLink(m map[string]string) LinkValues {
	return LinkValues{Source: m["source"], SourceID: parseID(m["source_id"]), Stance: Stance(m["stance"]), Quote: m["quote"],
		URL: m["url"], PublishedAt: m["published_at"], Via: m["via"], ViaSourceID: parseID(m["via_source_id"]), Note: m["note"]}
}

func questionFields(v QuestionValues) map[string]string {
	return map[string]string{"title": v.Title, "description": v.Description}
}

// sourceFields encodes a source; its aliases, one per line, only when it
// has some.
func sourceFields(v SourceValues) map[string]string {
	m := map[string]string{"name": v.Name, "kind": string(v.Kind), "role": v.Role, "url": v.URL, "description": v.Description}
	if len(v.Aliases) > 0 {
		m["aliases"] = JoinAliases(v.Aliases)
	}
	return m
}

func parseID(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
