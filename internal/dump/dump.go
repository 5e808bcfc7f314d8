// Package dump is Claimtrack's exchange format: every report, source, claim,
// evidence link and history event, as JSON (one document) or CSV (one file
// per table, RFC 4180, UTF-8 with a byte-order mark, cells neutralised
// against spreadsheet formulas: see EscapeCell). Exports write it and
// imports read it; the storage code turns it into rows and back.
package dump

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// Format and Version name the JSON document; an import checks both.
const (
	Format  = "claimtrack-dump"
	Version = 1
)

// TimeLayout is how times are written: UTC, to the microsecond.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// Table is one kind of row, in the order a dump holds them: parents first.
type Table string

const (
	TableReports   Table = "reports"
	TableSources   Table = "sources"
	TableQuestions Table = "questions"
	TableClaims    Table = "claims"
	TableEvidence  Table = "evidence"
	TableEvents    Table = "events"
)

// Tables lists every table in dump order.
var Tables = []Table{TableReports, TableSources, TableQuestions, TableClaims, TableEvidence, TableEvents}

// Report is a report claims were taken from.
type Report struct {
	ID          int64  `json:"id"`
	Key         string `json:"key"`
	Title       string `json:"title"`
	Outlet      string `json:"outlet"`
	URL         string `json:"url"`
	PublishedAt string `json:"published_at"`
	Summary     string `json:"summary"`
	CreatedAt   string `json:"created_at"`
}

// Source is a source with its description (its record is derived, not dumped).
type Source struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Role        string `json:"role"`
	URL         string `json:"url"`
	Description string `json:"description"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
	// Aliases are the source's other names, in order (a dump without them
	// reads as none). In CSV they share one cell, one per line.
	Aliases []string `json:"aliases"`
}

// Question groups claims that exclude one another (its outcomes name it).
type Question struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Version     int64  `json:"version"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

// Claim is a claim as it stands.
type Claim struct {
	ID          int64    `json:"id"`
	Text        string   `json:"text"`
	Context     string   `json:"context"`
	Kind        string   `json:"kind"`
	DueDate     string   `json:"due_date"`
	Tags        []string `json:"tags"`
	Status      string   `json:"status"`
	VerdictNote string   `json:"verdict_note"`
	ReportID    int64    `json:"report_id"`
	Version     int64    `json:"version"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
	// Assignee is the username the claim is assigned to, "" for nobody (a
	// dump without it reads as nobody).
	Assignee string `json:"assignee"`
	// QuestionID is the question the claim is an outcome of, 0 for none.
	QuestionID int64 `json:"question_id"`
}

// Evidence is one link between a claim and a source.
type Evidence struct {
	ID          int64  `json:"id"`
	ClaimID     int64  `json:"claim_id"`
	SourceID    int64  `json:"source_id"`
	Stance      string `json:"stance"`
	Quote       string `json:"quote"`
	URL         string `json:"url"`
	PublishedAt string `json:"published_at"`
	ViaSourceID int64  `json:"via_source_id"`
	Note        string `json:"note"`
	CreatedAt   string `json:"created_at"`
}

// Event is one change in the history.
type Event struct {
	ID           int64             `json:"id"`
	Type         string            `json:"type"`
	Actor        string            `json:"actor"`
	At           string            `json:"at"`
	ClaimID      int64             `json:"claim_id"`
	ClaimVersion int64             `json:"claim_version"`
	SourceID     int64             `json:"source_id"`
	EvidenceID   int64             `json:"evidence_id"`
	ReportID     int64             `json:"report_id"`
	Before       map[string]string `json:"before"`
	After        map[string]string `json:"after"`
	Note         string            `json:"note"`
	QuestionID   int64             `json:"question_id"`
}

// FormatTime writes a time the dump's way ("" for the zero time).
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeLayout)
}

// FromReport, FromSource, FromClaim, FromEvidence and FromEvent turn the
// domain's values into rows.
func FromReport(r *claimtrack.Report) *Report {
	return &Report{ID: r.ID, Key: r.Key, Title: r.Title, Outlet: r.Outlet, URL: r.URL, PublishedAt: r.PublishedAt,
		Summary: r.Summary, CreatedAt: FormatTime(r.CreatedAt)}
}

func FromSource(s *claimtrack.Source) *Source {
	aliases := s.Aliases
	if aliases == nil {
		aliases = []string{}
	}
	return &Source{ID: s.ID, Name: s.Name, Kind: string(s.Kind), Role: s.Role, URL: s.URL, Description: s.Description,
		CreatedAt: FormatTime(s.CreatedAt), UpdatedAt: FormatTime(s.UpdatedAt), Aliases: aliases}
}

func FromQuestion(q *claimtrack.Question) *Question {
	return &Question{ID: q.ID, Title: q.Title, Description: q.Description, Version: q.Version,
		CreatedAt: FormatTime(q.CreatedAt), UpdatedAt: FormatTime(q.UpdatedAt)}
}

func FromClaim(c *claimtrack.Claim) *Claim {
	tags := c.Tags
	if tags == nil {
		tags = []string{}
	}
	return &Claim{ID: c.ID, Text: c.Text, Context: c.Context, Kind: string(c.Kind), DueDate: c.DueDate, Tags: tags,
		Status: string(c.Status), VerdictNote: c.VerdictNote, ReportID: c.ReportID, Version: c.Version,
		CreatedAt: FormatTime(c.CreatedAt), UpdatedAt: FormatTime(c.UpdatedAt), Assignee: c.Assignee, QuestionID: c.QuestionID}
}

func FromEvidence(e *claimtrack.Evidence) *Evidence {
	return &Evidence{ID: e.ID, ClaimID: e.ClaimID, SourceID: e.SourceID, Stance: string(e.Stance), Quote: e.Quote,
		URL: e.URL, PublishedAt: e.PublishedAt, ViaSourceID: e.ViaSourceID, Note: e.Note, CreatedAt: FormatTime(e.CreatedAt)}
}

func FromEvent(e *claimtrack.Event) *Event {
	return &Event{ID: e.ID, Type: string(e.Type), Actor: e.Actor, At: FormatTime(e.At), ClaimID: e.ClaimID,
		ClaimVersion: e.ClaimVersion, SourceID: e.SourceID, EvidenceID: e.EvidenceID, ReportID: e.ReportID,
		Before: nonNil(e.Before), After: nonNil(e.After), Note: e.Note, QuestionID: e.QuestionID}
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// Header is the CSV header row of a table.
func Header(t Table) []string {
	switch t {
	case TableReports:
		return []string{"id", "key", "title", "outlet", "url", "published_at", "summary", "created_at"}
	case TableSources:
		return []string{"id", "name", "kind", "role", "url", "description", "created_at", "updated_at", "aliases"}
	case TableQuestions:
		return []string{"id", "title", "description", "version", "created_at", "updated_at"}
	case TableClaims:
		return []string{"id", "text", "context", "kind", "due_date", "tags", "status", "verdict_note", "report_id", "version", "created_at", "updated_at",
			"assignee", "question_id"}
	case TableEvidence:
		return []string{"id", "claim_id", "source_id", "stance", "quote", "url", "published_at", "via_source_id", "note", "created_at"}
	case TableEvents:
		return []string{"id", "type", "actor", "at", "claim_id", "claim_version", "source_id", "evidence_id", "report_id", "before", "after", "note",
			"question_id"}
	}
	return nil
}

// OptionalColumns are the columns of a table's CSV header that dumps made
// before they existed do not have: such a file is read with them empty.
// They come last in Header, in the order they were added, and a header may
// stop after any of them.
func OptionalColumns(t Table) []string {
	switch t {
	case TableSources:
		return []string{"aliases"}
	case TableClaims:
		return []string{"assignee", "question_id"}
	case TableEvents:
		return []string{"question_id"}
	}
	return nil
}

// Record is a row as CSV fields, in the order of Header: numbers in decimal,
// 0 for "none", tags joined by ", ", aliases one per line, before and after
// as JSON objects.
func Record(row any) []string {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	switch r := row.(type) {
	case *Report:
		return []string{id(r.ID), r.Key, r.Title, r.Outlet, r.URL, r.PublishedAt, r.Summary, r.CreatedAt}
	case *Source:
		return []string{id(r.ID), r.Name, r.Kind, r.Role, r.URL, r.Description, r.CreatedAt, r.UpdatedAt, claimtrack.JoinAliases(r.Aliases)}
	case *Question:
		return []string{id(r.ID), r.Title, r.Description, id(r.Version), r.CreatedAt, r.UpdatedAt}
	case *Claim:
		return []string{id(r.ID), r.Text, r.Context, r.Kind, r.DueDate, strings.Join(r.Tags, ", "), r.Status, r.VerdictNote,
			id(r.ReportID), id(r.Version), r.CreatedAt, r.UpdatedAt, r.Assignee, id(r.QuestionID)}
	case *Evidence:
		return []string{id(r.ID), id(r.ClaimID), id(r.SourceID), r.Stance, r.Quote, r.URL, r.PublishedAt, id(r.ViaSourceID), r.Note, r.CreatedAt}
	case *Event:
		before, _ := json.Marshal(nonNil(r.Before))
		after, _ := json.Marshal(nonNil(r.After))
		return []string{id(r.ID), r.Type, r.Actor, r.At, id(r.ClaimID), id(r.ClaimVersion), id(r.SourceID), id(r.EvidenceID),
			id(r.ReportID), string(before), string(after), r.Note, id(r.QuestionID)}
	}
	return nil
}
