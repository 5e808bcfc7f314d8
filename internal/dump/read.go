package dump

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// Dump is a whole dump in memory, as an import reads it.
type Dump struct {
	Format     string     `json:"format"`
	Version    int        `json:"version"`
	ExportedAt string     `json:"exported_at"`
	Reports    []Report   `json:"reports"`
	Sources    []Source   `json:"sources"`
	Questions  []Question `json:"questions"`
	Claims     []Claim    `json:"claims"`
	Evidence   []Evidence `json:"evidence"`
	Events     []Event    `json:"events"`

	csv bool // read from CSV files: rows are also named by their line
}

// Rows counts the rows of every table.
func (d *Dump) Rows() int {
	return len(d.Reports) + len(d.Sources) + len(d.Questions) + len(d.Claims) + len(d.Evidence) + len(d.Events)
}

// RowError is a problem with one field of one row of an import.
type RowError struct {
	Table   Table
	Row     int    // 1 for the first row of the table (after a CSV header)
	ID      int64  // the row's id, when it has one
	Field   string // "" for the row as a whole
	Message string
	Line    int // the CSV line (the header is line 1), 0 for JSON
}

func (e RowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s row %d", e.Table, e.Row)
	if e.Line > 0 {
		fmt.Fprintf(&b, " (line %d)", e.Line)
	}
	if e.ID != 0 {
		fmt.Fprintf(&b, ", id %d", e.ID)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ", field %s", e.Field)
	}
	return b.String() + ": " + e.Message
}

// Problems is every problem an import found; nothing is written when there
// is one.
type Problems []RowError

// MaxProblems is how many problems an import reports before it stops
// looking.
const MaxProblems = 100

func (p Problems) Error() string {
	lines := make([]string, 0, len(p)+1)
	lines = append(lines, fmt.Sprintf("the import has %d problem(s); nothing was written:", len(p)))
	for _, e := range p {
		lines = append(lines, "  "+e.Error())
	}
	return strings.Join(lines, "\n")
}

// problems collects row errors up to MaxProblems.
type problems struct {
	list Problems
	csv  bool
}

func (p *problems) add(t Table, row int, id int64, field, msg string) {
	if len(p.list) >= MaxProblems {
		return
	}
	e := RowError{Table: t, Row: row, ID: id, Field: field, Message: msg}
	if p.csv {
		e.Line = row + 1
	}
	p.list = append(p.list, e)
}

func (p *problems) full() bool { return len(p.list) >= MaxProblems }

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return p.list
}

// FileError says a file cannot be read as what it should be (not JSON, not
// a dump, a CSV header that is wrong); row problems are Problems.
type FileError struct{ Msg string }

func (e *FileError) Error() string { return e.Msg }

func fileErrorf(format string, args ...any) error {
	return &FileError{Msg: fmt.Sprintf(format, args...)}
}

// ReadJSON reads a JSON dump. It checks the format and version, not the rows
// (Validate does).
func ReadJSON(r io.Reader) (*Dump, error) {
	var d Dump
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return nil, fileErrorf("not valid JSON at byte %d: %v", syn.Offset, err)
		case errors.As(err, &typ):
			return nil, fileErrorf("the field %s has the wrong type (at byte %d): a %s is needed", typ.Field, typ.Offset, typ.Type)
		}
		return nil, fileErrorf("not a Claimtrack dump: %v", err)
	}
	if d.Format != Format {
		return nil, fileErrorf("not a Claimtrack dump: its format is %q, not %q", d.Format, Format)
	}
	if d.Version != Version {
		return nil, fileErrorf("a dump of version %d, which this version of Claimtrack cannot read (it reads version %d)", d.Version, Version)
	}
	return &d, nil
}

// ReadCSVDir reads a dump written as CSV files into dir (a missing file is an
// empty table). A file may start with a byte-order mark, and cells
// neutralised against formulas are read back as they were (UnescapeCell). Values that are not numbers where numbers belong, or not
// JSON objects where events keep them, are reported row by row.
func ReadCSVDir(dir string) (*Dump, error) {
	d := &Dump{Format: Format, Version: Version, csv: true}
	p := &problems{csv: true}
	found := 0
	for _, t := range Tables {
		f, err := os.Open(filepath.Join(dir, string(t)+".csv"))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		found++
		err = readCSVTable(f, t, d, p)
		f.Close()
		if err != nil {
			return nil, fileErrorf("%s.csv: %v", t, err)
		}
	}
	if found == 0 {
		return nil, fileErrorf("%s holds none of reports.csv, sources.csv, questions.csv, claims.csv, evidence.csv, events.csv", dir)
	}
	return d, p.err()
}

// readCSVTable reads one table's file into d.
func readCSVTable(r io.Reader, t Table, d *Dump, p *problems) error {
	cr := csv.NewReader(SkipBOM(r))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	want, ok := Header(t), false
	// A dump made before an optional column existed lacks it and those
	// added after it.
	for drop := 0; drop <= len(OptionalColumns(t)) && !ok; drop++ {
		if older := want[:len(want)-drop]; strings.Join(header, ",") == strings.Join(older, ",") {
			want, ok = older, true
		}
	}
	if !ok {
		return fmt.Errorf("the header must be %s", strings.Join(want, ","))
	}
	for row := 1; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(rec) != len(want) {
			p.add(t, row, 0, "", fmt.Sprintf("has %d fields, not %d", len(rec), len(want)))
			continue
		}
		v := map[string]string{}
		for i, k := range want {
			v[k] = UnescapeCell(rec[i])
		}
		num := func(field string) int64 {
			if _, there := v[field]; !there {
				return 0 // an optional column the file does not have
			}
			n, err := strconv.ParseInt(strings.TrimSpace(v[field]), 10, 64)
			if err != nil || n < 0 {
				p.add(t, row, 0, field, fmt.Sprintf("%q is not a number (0 or more)", v[field]))
			}
			return n
		}
		obj := func(field string) map[string]string {
			m := map[string]string{}
			if err := json.Unmarshal([]byte(v[field]), &m); err != nil {
				p.add(t, row, 0, field, "not a JSON object of texts")
			}
			return m
		}
		switch t {
		case TableReports:
			d.Reports = append(d.Reports, Report{ID: num("id"), Key: v["key"], Title: v["title"], Outlet: v["outlet"], URL: v["url"],
				PublishedAt: v["published_at"], Summary: v["summary"], CreatedAt: v["created_at"]})
		case TableSources:
			d.Sources = append(d.Sources, Source{ID: num("id"), Name: v["name"], Kind: v["kind"], Role: v["role"], URL: v["url"],
				Description: v["description"], CreatedAt: v["created_at"], UpdatedAt: v["updated_at"], Aliases: claimtrack.ParseAliases(v["aliases"])})
		case TableQuestions:
			d.Questions = append(d.Questions, Question{ID: num("id"), Title: v["title"], Description: v["description"], Version: num("version"),
				CreatedAt: v["created_at"], UpdatedAt: v["updated_at"]})
		case TableClaims:
			d.Claims = append(d.Claims, Claim{ID: num("id"), Text: v["text"], Context: v["context"], Kind: v["kind"], DueDate: v["due_date"],
				Tags: claimtrack.NormalizeTags(claimtrack.ParseTags(v["tags"])), Status: v["status"], VerdictNote: v["verdict_note"], ReportID: num("report_id"),
				Version: num("version"), CreatedAt: v["created_at"], UpdatedAt: v["updated_at"], Assignee: v["assignee"],
				QuestionID: num("question_id")})
		case TableEvidence:
			d.Evidence = append(d.Evidence, Evidence{ID: num("id"), ClaimID: num("claim_id"), SourceID: num("source_id"), Stance: v["stance"],
				Quote: v["quote"], URL: v["url"], PublishedAt: v["published_at"], ViaSourceID: num("via_source_id"), Note: v["note"],
				CreatedAt: v["created_at"]})
		case TableEvents:
			d.Events = append(d.Events, Event{ID: num("id"), Type: v["type"], Actor: v["actor"], At: v["at"], ClaimID: num("claim_id"),
				ClaimVersion: num("claim_version"), SourceID: num("source_id"), EvidenceID: num("evidence_id"), ReportID: num("report_id"),
				Before: obj("before"), After: obj("after"), Note: v["note"], QuestionID: num("question_id")})
		}
		if p.full() {
			return nil
		}
	}
}
