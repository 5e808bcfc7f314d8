package dump

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// BOM is the UTF-8 byte-order mark every CSV file written starts with, so
// that spreadsheet programs read the file as UTF-8 (curly quotes, dashes and
// accents come out right). Readers accept files with or without one.
const BOM = "\ufeff"

// formulaStart lists the first characters that make a spreadsheet program
// read a cell as a formula (OWASP's list for CSV injection): =, +, -, @, tab
// and carriage return.
const formulaStart = "=+-@\t\r"

// needsQuote reports whether a cell must be neutralised: it starts, after
// any number of single quotes, with a character of formulaStart. Cells made
// of single quotes and then such a character are included so that the
// neutralisation can always be undone: a cell that is a quote and "=1" is
// written with two quotes in front of "=1".
func needsQuote(s string) bool {
	s = strings.TrimLeft(s, "'")
	return s != "" && strings.IndexByte(formulaStart, s[0]) >= 0
}

// EscapeCell neutralises a cell that a spreadsheet program would run as a
// formula by putting a single quote in front of it, as OWASP recommends:
// "=HYPERLINK(…)" is written "'=HYPERLINK(…)" and "-5%" is written "'-5%".
// A cell that starts with single quotes followed by such a character gets
// one more quote; every other cell, including one that starts with a quote
// followed by anything else ("'tis"), is written as it is. UnescapeCell
// undoes it exactly.
func EscapeCell(s string) string {
	if needsQuote(s) {
		return "'" + s
	}
	return s
}

// UnescapeCell undoes EscapeCell: it removes the single quote in front of a
// cell that EscapeCell would have neutralised, and leaves every other cell
// alone. UnescapeCell(EscapeCell(s)) == s for every s.
func UnescapeCell(s string) string {
	if strings.HasPrefix(s, "'") && needsQuote(s[1:]) {
		return s[1:]
	}
	return s
}

// SkipBOM returns a reader of r without its leading UTF-8 byte-order mark,
// if it has one.
func SkipBOM(r io.Reader) *bufio.Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	if head, err := br.Peek(len(BOM)); err == nil && bytes.Equal(head, []byte(BOM)) {
		br.Discard(len(BOM))
	}
	return br
}
