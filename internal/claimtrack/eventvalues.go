package claimtrack

import (
	"strconv"
	"strings"
)

// eventRequired lists, per kind of change, the values its "after" must hold:
// those the history, the as-of pages and the source records read back.
var eventRequired = map[EventType][]string{
	EventClaimCreated:    {"text", "kind"},
	EventStatusChanged:   {"status"},
	EventEvidenceAdded:   {"source", "stance"},
	EventSourceCreated:   {"name", "kind"},
	EventReportImported:  {"title"},
	EventUserCreated:     {"username", "role"},
	EventUserRoleChanged: {"role"},
	EventClaimAssigned:   {"assignee"},
	EventQuestionCreated: {"title"},
	EventOutcomeAdded:    {"question_id"},
}

// EventValueMax bounds a value no form writes (a data import's file name,
// say).
const EventValueMax = DescriptionMax

// CheckEventValues checks what an event of kind t records, as an import
// brings it, with the rules the forms apply to the same fields: a link is an
// http or https address, a status, stance, kind or role one of the known
// ones, a date YYYY-MM-DD, texts within their lengths and free of control
// characters; and the values the kind of change needs are there. Errors are
// keyed "before.url", "after.status", "note".
func CheckEventValues(t EventType, before, after map[string]string, note string) error {
	f := fieldErrors{}
	for _, side := range []struct {
		name   string
		values map[string]string
	}{{"before", before}, {"after", after}} {
		for k, v := range side.values {
			checkEventValue(f, t, side.name+"."+k, k, v)
		}
	}
	for _, k := range eventRequired[t] {
		if _, ok := after[k]; !ok {
			f.add("after."+k, "A “"+t.Label()+"” change records the "+strings.ToLower(FieldLabel(k))+"; this one has none.")
		}
	}
	checkLength(f, "note", "The note", note, 0, NoteMax, true)
	return f.err()
}

// isSourceEvent says whether t is about a source's own fields (its kind and
// role are a source's, not a claim's or an account's).
func isSourceEvent(t EventType) bool { return t == EventSourceCreated || t == EventSourceEdited }

// isUserEvent says whether t is about an account.
func isUserEvent(t EventType) bool {
	switch t {
	case EventUserCreated, EventUserRoleChanged, EventUserDisabled, EventUserEnabled, EventPasswordChanged:
		return true
	}
	return false
}

func checkEventValue(f fieldErrors, t EventType, field, key, v string) {
	label := FieldLabel(key)
	switch key {
	case "text":
		checkLength(f, field, "The claim", v, ClaimTextMin, ClaimTextMax, false)
	case "context":
		checkLength(f, field, "The context", v, 0, ContextMax, true)
	case "kind":
		if isSourceEvent(t) {
			if !SourceKind(v).Valid() {
				f.add(field, strconv.Quote(v)+" is not a kind of source.")
			}
		} else if !ClaimKind(v).Valid() {
			f.add(field, strconv.Quote(v)+" is not a kind of claim.")
		}
	case "due_date":
		checkDate(f, field, "The due date", v)
	case "tags":
		tags := NormalizeTags(ParseTags(v))
		if len(tags) > TagsMax {
			f.add(field, "Use at most "+strconv.Itoa(TagsMax)+" tags.")
		}
		for _, tag := range tags {
			if msg := checkTag(tag); msg != "" {
				f.add(field, msg)
				break
			}
		}
	case "status":
		if !Status(v).Valid() {
			f.add(field, strconv.Quote(v)+" is not a status.")
		}
	case "stance":
		if !Stance(v).Valid() {
			f.add(field, strconv.Quote(v)+" is not a stance.")
		}
	case "note":
		checkLength(f, field, "The note", v, 0, NoteMax, true)
	case "source", "name":
		validateSourceName(f, field, v)
	case "aliases":
		validateAliases(f, field, ParseAliases(v))
	case "via":
		if v != "" {
			validateSourceName(f, field, v)
		}
	case "question":
		checkLength(f, field, "The question", v, 0, QuestionTitleMax, false)
	case "question_id":
		if n, err := strconv.ParseInt(v, 10, 64); v != "" && (err != nil || n <= 0) {
			f.add(field, strconv.Quote(v)+" is not a question id.")
		}
	case "source_id", "via_source_id":
		if n, err := strconv.ParseInt(v, 10, 64); v != "" && (err != nil || n <= 0) {
			f.add(field, strconv.Quote(v)+" is not a source id.")
		}
	case "quote":
		checkLength(f, field, "The quote", v, 0, QuoteMax, true)
	case "url":
		checkURL(f, field, v)
	case "published_at":
		checkDate(f, field, "The date published", v)
	case "role":
		if isUserEvent(t) {
			if !Role(v).Valid() {
				f.add(field, strconv.Quote(v)+" is not a role.")
			}
		} else {
			checkLength(f, field, "The role", v, 0, SourceRoleMax, false)
		}
	case "description", "summary":
		checkLength(f, field, "The "+strings.ToLower(label), v, 0, DescriptionMax, true)
	case "title":
		checkLength(f, field, "The title", v, 1, 300, false)
	case "outlet":
		checkLength(f, field, "The outlet", v, 0, SourceNameMax, false)
	case "username":
		if msg := CheckUsername(v); msg != "" {
			f.add(field, msg)
		}
	case "assignee":
		if msg := CheckUsername(v); v != "" && msg != "" {
			f.add(field, msg)
		}
	default:
		checkLength(f, field, "The value", v, 0, EventValueMax, true)
	}
}
