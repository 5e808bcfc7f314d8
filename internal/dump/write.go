package dump

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Writer receives a dump table by table, in the order of Tables, each
// announced with its number of rows.
type Writer interface {
	Begin(t Table, total int) error
	Row(row any) error
	Close() error
}

// JSONWriter writes a dump as one JSON document, row by row, so that a dump
// of any size needs little memory:
//
//	{"format": "claimtrack-dump", "version": 1, "exported_at": "…",
//	 "reports": […], "sources": […], "claims": […], "evidence": […], "events": […]}
type JSONWriter struct {
	w     *bufio.Writer
	enc   *json.Encoder
	open  bool // inside a table's array
	first bool // no row yet in the array
}

// NewJSONWriter starts a JSON dump made at the given time.
func NewJSONWriter(w io.Writer, at time.Time) (*JSONWriter, error) {
	j := &JSONWriter{w: bufio.NewWriterSize(w, 64<<10)}
	j.enc = json.NewEncoder(j.w)
	_, err := fmt.Fprintf(j.w, "{\n\"format\": %q,\n\"version\": %d,\n\"exported_at\": %q", Format, Version, FormatTime(at))
	return j, err
}

func (j *JSONWriter) Begin(t Table, _ int) error {
	if err := j.end(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(j.w, ",\n%q: [", string(t))
	j.open, j.first = true, true
	return err
}

func (j *JSONWriter) Row(row any) error {
	sep := ",\n"
	if j.first {
		sep = "\n"
	}
	j.first = false
	if _, err := j.w.WriteString(sep); err != nil {
		return err
	}
	return j.enc.Encode(row) // ends with a newline, which JSON allows
}

func (j *JSONWriter) end() error {
	if !j.open {
		return nil
	}
	j.open = false
	_, err := j.w.WriteString("]")
	return err
}

// Close ends the document and flushes it.
func (j *JSONWriter) Close() error {
	if err := j.end(); err != nil {
		return err
	}
	if _, err := j.w.WriteString("\n}\n"); err != nil {
		return err
	}
	return j.w.Flush()
}

// CSVWriter writes one table as CSV (RFC 4180: CRLF line ends, quotes where
// needed) with a header row. The file starts with a UTF-8 byte-order mark and
// every cell is neutralised against formulas (see EscapeCell), so that a
// spreadsheet program shows the text as it is and runs none of it.
type CSVWriter struct {
	out     io.Writer
	w       *csv.Writer
	started bool // the byte-order mark is written
	cells   []string
}

// NewCSVWriter writes CSV to w.
func NewCSVWriter(w io.Writer) *CSVWriter {
	c := csv.NewWriter(w)
	c.UseCRLF = true
	return &CSVWriter{out: w, w: c}
}

// Header writes the header row.
func (c *CSVWriter) Header(fields []string) error { return c.Fields(fields) }

// Fields writes one row, each cell neutralised with EscapeCell.
func (c *CSVWriter) Fields(fields []string) error {
	if !c.started {
		c.started = true
		if _, err := io.WriteString(c.out, BOM); err != nil {
			return err
		}
	}
	c.cells = c.cells[:0]
	for _, f := range fields {
		c.cells = append(c.cells, EscapeCell(f))
	}
	return c.w.Write(c.cells)
}

// Flush writes what is buffered and reports any error so far.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// CSVDirWriter writes a dump as one CSV file per table (reports.csv,
// sources.csv, claims.csv, evidence.csv, events.csv) in a directory.
type CSVDirWriter struct {
	dir  string
	file *os.File
	buf  *bufio.Writer
	csv  *CSVWriter
}

// NewCSVDirWriter writes into dir, creating it; files of the same names in
// it are replaced.
func NewCSVDirWriter(dir string) (*CSVDirWriter, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &CSVDirWriter{dir: dir}, nil
}

func (d *CSVDirWriter) Begin(t Table, _ int) error {
	if err := d.end(); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(d.dir, string(t)+".csv"))
	if err != nil {
		return err
	}
	d.file, d.buf = f, bufio.NewWriterSize(f, 64<<10)
	d.csv = NewCSVWriter(d.buf)
	return d.csv.Header(Header(t))
}

func (d *CSVDirWriter) Row(row any) error { return d.csv.Fields(Record(row)) }

func (d *CSVDirWriter) end() error {
	if d.file == nil {
		return nil
	}
	err := errors.Join(d.csv.Flush(), d.buf.Flush(), d.file.Sync(), d.file.Close())
	d.file = nil
	return err
}

// Close finishes the last file.
func (d *CSVDirWriter) Close() error { return d.end() }
