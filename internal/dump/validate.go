package dump

import (
	"fmt"
	"sort"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// ParseTime reads a time as dumps write it (or any RFC 3339 time).
func ParseTime(s string) (time.Time, bool) {
	if t, err := time.Parse(TimeLayout, s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// Validate checks every row of the dump with the rules the forms apply, and
// every reference between rows (a link's claim and sources, an event's claim,
// source and report), and returns all the problems found (up to
// MaxProblems), each naming its table, row and field.
func (d *Dump) Validate() error {
	p := &problems{csv: d.csv}
	fields := func(t Table, row int, id int64, err error, prefix string) {
		keys := []string{}
		msgs := claimtrack.FieldErrors(err)
		for k := range msgs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			name := k
			if len(name) > len(prefix) && name[:len(prefix)] == prefix {
				name = name[len(prefix):]
			}
			p.add(t, row, id, name, msgs[k])
		}
	}
	when := func(t Table, row int, id int64, field, s string, optional bool) {
		if s == "" && optional {
			return
		}
		if _, ok := ParseTime(s); !ok {
			p.add(t, row, id, field, fmt.Sprintf("%q is not a time like 2025-05-09T14:30:00.000000Z", s))
		}
	}
	unique := func(t Table, row int, id int64, seen map[int64]bool) {
		if id <= 0 {
			p.add(t, row, id, "id", "An id must be a whole number above 0.")
		} else if seen[id] {
			p.add(t, row, id, "id", "Another row has the same id.")
		}
		seen[id] = true
	}

	reports, keys := map[int64]bool{}, map[string]bool{}
	for i, r := range d.Reports {
		unique(TableReports, i+1, r.ID, reports)
		imp := claimtrack.ReportImport{Report: claimtrack.Report{Key: r.Key, Title: r.Title, Outlet: r.Outlet, URL: r.URL,
			PublishedAt: r.PublishedAt, Summary: r.Summary}}
		fields(TableReports, i+1, r.ID, imp.Validate(), "report.")
		if keys[r.Key] {
			p.add(TableReports, i+1, r.ID, "key", "Another report has the same key.")
		}
		keys[r.Key] = true
		when(TableReports, i+1, r.ID, "created_at", r.CreatedAt, false)
	}
	sources, names := map[int64]bool{}, map[string]bool{}
	for i, s := range d.Sources {
		unique(TableSources, i+1, s.ID, sources)
		in := claimtrack.SourceInput{Name: s.Name, Kind: claimtrack.SourceKind(s.Kind), Role: s.Role, URL: s.URL, Description: s.Description,
			Aliases: s.Aliases}
		fields(TableSources, i+1, s.ID, in.Validate(), "")
		if got := claimtrack.NormalizeAliases(s.Name, s.Aliases); len(got) != len(s.Aliases) {
			p.add(TableSources, i+1, s.ID, "aliases", "An alias is empty, given twice, or the source's own name.")
		}
		key := claimtrack.SourceNameKey(s.Name)
		if names[key] {
			p.add(TableSources, i+1, s.ID, "name", "Another source has the same name or alias.")
		}
		names[key] = true
		own := map[string]bool{key: true}
		for _, a := range s.Aliases {
			k := claimtrack.SourceNameKey(a)
			if own[k] {
				continue
			}
			own[k] = true
			if names[k] {
				p.add(TableSources, i+1, s.ID, "aliases", "“"+a+"” is another source's name or alias.")
			} else {
				names[k] = true
			}
		}
		when(TableSources, i+1, s.ID, "created_at", s.CreatedAt, false)
		when(TableSources, i+1, s.ID, "updated_at", s.UpdatedAt, true)
	}
	questions := map[int64]bool{}
	for i, q := range d.Questions {
		unique(TableQuestions, i+1, q.ID, questions)
		in := claimtrack.QuestionInput{Title: q.Title, Description: q.Description}
		fields(TableQuestions, i+1, q.ID, in.Validate(), "")
		if q.Version < 1 {
			p.add(TableQuestions, i+1, q.ID, "version", "A version starts at 1.")
		}
		when(TableQuestions, i+1, q.ID, "created_at", q.CreatedAt, false)
		when(TableQuestions, i+1, q.ID, "updated_at", q.UpdatedAt, false)
	}
	outcomes := map[int64]int{}
	claims := map[int64]bool{}
	for i, c := range d.Claims {
		unique(TableClaims, i+1, c.ID, claims)
		in := claimtrack.ClaimInput{Text: c.Text, Context: c.Context, Kind: claimtrack.ClaimKind(c.Kind), DueDate: c.DueDate, Tags: c.Tags}
		fields(TableClaims, i+1, c.ID, in.Validate(), "")
		if !claimtrack.Status(c.Status).Valid() {
			p.add(TableClaims, i+1, c.ID, "status", fmt.Sprintf("%q is not a status.", c.Status))
		}
		if len([]rune(c.VerdictNote)) > claimtrack.NoteMax {
			p.add(TableClaims, i+1, c.ID, "verdict_note", "The verdict note is too long.")
		}
		if c.ReportID != 0 && !reports[c.ReportID] {
			p.add(TableClaims, i+1, c.ID, "report_id", "No report has this id.")
		}
		if c.Version < 1 {
			p.add(TableClaims, i+1, c.ID, "version", "A version starts at 1.")
		}
		if c.Assignee != "" {
			if msg := claimtrack.CheckUsername(c.Assignee); msg != "" {
				p.add(TableClaims, i+1, c.ID, "assignee", "The assignee is a username: "+msg)
			}
		}
		if c.QuestionID != 0 {
			if !questions[c.QuestionID] {
				p.add(TableClaims, i+1, c.ID, "question_id", "No question has this id.")
			} else if outcomes[c.QuestionID]++; outcomes[c.QuestionID] > claimtrack.OutcomesMax {
				p.add(TableClaims, i+1, c.ID, "question_id", fmt.Sprintf("A question has at most %d outcomes.", claimtrack.OutcomesMax))
			}
		}
		when(TableClaims, i+1, c.ID, "created_at", c.CreatedAt, false)
		when(TableClaims, i+1, c.ID, "updated_at", c.UpdatedAt, false)
	}
	links := map[int64]bool{}
	for i, e := range d.Evidence {
		unique(TableEvidence, i+1, e.ID, links)
		if !claims[e.ClaimID] {
			p.add(TableEvidence, i+1, e.ID, "claim_id", "No claim has this id.")
		}
		if !sources[e.SourceID] {
			p.add(TableEvidence, i+1, e.ID, "source_id", "No source has this id.")
		}
		if e.ViaSourceID != 0 && !sources[e.ViaSourceID] {
			p.add(TableEvidence, i+1, e.ID, "via_source_id", "No source has this id.")
		}
		in := claimtrack.EvidenceInput{SourceID: max(e.SourceID, 1), Stance: claimtrack.Stance(e.Stance), Quote: e.Quote, URL: e.URL,
			PublishedAt: e.PublishedAt, ViaSourceID: e.ViaSourceID, Note: e.Note}
		if e.SourceID <= 0 {
			in.SourceID = 1 // reported above
		}
		fields(TableEvidence, i+1, e.ID, in.Validate(), "")
		when(TableEvidence, i+1, e.ID, "created_at", e.CreatedAt, false)
	}
	events := map[int64]bool{}
	for i, e := range d.Events {
		unique(TableEvents, i+1, e.ID, events)
		if !claimtrack.EventType(e.Type).Valid() {
			p.add(TableEvents, i+1, e.ID, "type", fmt.Sprintf("%q is not a kind of change.", e.Type))
		}
		if e.Actor == "" {
			p.add(TableEvents, i+1, e.ID, "actor", "Every change has an actor.")
		}
		// What the change records is shown by the history and the as-of
		// pages and read back by the source records: the forms' rules apply.
		fields(TableEvents, i+1, e.ID, claimtrack.CheckEventValues(claimtrack.EventType(e.Type), e.Before, e.After, e.Note), "")
		when(TableEvents, i+1, e.ID, "at", e.At, false)
		if e.ClaimID != 0 && !claims[e.ClaimID] {
			p.add(TableEvents, i+1, e.ID, "claim_id", "No claim has this id.")
		}
		if e.SourceID != 0 && !sources[e.SourceID] {
			p.add(TableEvents, i+1, e.ID, "source_id", "No source has this id.")
		}
		if e.ReportID != 0 && !reports[e.ReportID] {
			p.add(TableEvents, i+1, e.ID, "report_id", "No report has this id.")
		}
		if e.QuestionID != 0 && !questions[e.QuestionID] {
			p.add(TableEvents, i+1, e.ID, "question_id", "No question has this id.")
		}
		if p.full() {
			break
		}
	}
	return p.err()
}
