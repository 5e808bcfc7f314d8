package dump

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// TableSheet names the rows of a claims sheet in problems.
const TableSheet Table = "sheet"

// SheetColumns are the columns a claims sheet may have, in any order; only
// text is required. A row with a text starts a claim (and may link its first
// source); a row without one links one more source to the claim above it.
var SheetColumns = []string{"text", "kind", "context", "tags", "due_date", "status", "verdict_note",
	"source", "source_kind", "stance", "quote", "url", "published_at", "via", "note"}

// claimColumns are the sheet columns that describe the claim itself.
var claimColumns = []string{"kind", "context", "tags", "due_date", "status", "verdict_note"}

// SheetClaim is one claim of a claims sheet, with its links.
type SheetClaim struct {
	Row         int // the row that starts it (1 for the first after the header)
	Claim       claimtrack.ClaimInput
	Status      claimtrack.Status
	VerdictNote string
	Links       []SheetLink
}

// SheetLink is one source of a sheet claim. A source is named: an existing
// one (ignoring case) is linked, a new one is created with SourceKind.
type SheetLink struct {
	Row        int
	Source     string
	SourceKind claimtrack.SourceKind
	Via        string
	Evidence   claimtrack.EvidenceInput // stance, quote, url, date and note
}

// ReadClaimsSheet reads a claims sheet (CSV with a header row, with or
// without a byte-order mark) and checks every row with the rules of the
// forms; problems name the row, its line and the field. A cell neutralised
// against formulas by an export ("'=…") is read as it was (UnescapeCell).
func ReadClaimsSheet(r io.Reader) ([]SheetClaim, error) {
	cr := csv.NewReader(SkipBOM(r))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fileErrorf("the sheet is empty: its first line must name the columns (%s)", strings.Join(SheetColumns, ", "))
	}
	if err != nil {
		return nil, fileErrorf("not a CSV file: %v", err)
	}
	index := map[string]int{}
	known := map[string]bool{}
	for _, c := range SheetColumns {
		known[c] = true
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !known[h] {
			return nil, fileErrorf("the sheet has a column %q; the columns are %s", h, strings.Join(SheetColumns, ", "))
		}
		if _, dup := index[h]; dup {
			return nil, fileErrorf("the sheet has two columns %q", h)
		}
		index[h] = i
	}
	if _, ok := index["text"]; !ok {
		return nil, fileErrorf("the sheet has no text column; the columns are %s", strings.Join(SheetColumns, ", "))
	}
	p := &problems{csv: true}
	var claims []SheetClaim
	for row := 1; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fileErrorf("line %d: not valid CSV: %v", row+1, err)
		}
		for i := range rec {
			rec[i] = UnescapeCell(rec[i])
		}
		get := func(col string) string {
			if i, ok := index[col]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		blank := true
		for _, f := range rec {
			if strings.TrimSpace(f) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		fieldErrs := func(err error) {
			msgs := claimtrack.FieldErrors(err)
			keys := make([]string, 0, len(msgs))
			for k := range msgs {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				name := k
				switch k {
				case "source_name", "source_id":
					name = "source"
				case "via_source_id":
					name = "via"
				}
				p.add(TableSheet, row, 0, name, msgs[k])
			}
		}
		if text := get("text"); text != "" {
			c := SheetClaim{Row: row, Claim: claimtrack.ClaimInput{Text: text, Context: get("context"),
				Kind: claimtrack.ClaimKind(strings.ToLower(get("kind"))), DueDate: get("due_date"),
				Tags: claimtrack.NormalizeTags(claimtrack.ParseTags(get("tags")))},
				Status: claimtrack.Status(strings.ToLower(get("status"))), VerdictNote: get("verdict_note")}
			if c.Claim.Kind == "" {
				c.Claim.Kind = claimtrack.KindStatement
			}
			c.Claim.Normalize()
			fieldErrs(c.Claim.Validate())
			if c.Status == "" {
				c.Status = claimtrack.StatusUnverified
			}
			switch {
			case !c.Status.Valid():
				p.add(TableSheet, row, 0, "status", fmt.Sprintf("%q is not a status; use one of unverified, disputed, confirmed, partly-true, refuted, retracted.", get("status")))
			case c.Status != claimtrack.StatusUnverified:
				ch := claimtrack.StatusChange{Status: c.Status, Note: c.VerdictNote, Version: 1}
				ch.Normalize()
				c.VerdictNote = ch.Note
				if err := ch.Validate(); err != nil {
					p.add(TableSheet, row, 0, "verdict_note", "A status other than unverified needs its note: say why.")
				}
			case c.VerdictNote != "":
				p.add(TableSheet, row, 0, "verdict_note", "An unverified claim has no verdict note.")
			}
			claims = append(claims, c)
		} else {
			for _, col := range claimColumns {
				if get(col) != "" {
					p.add(TableSheet, row, 0, "text", "A row without a claim text adds a source to the claim above it, so its "+col+" must be empty.")
					break
				}
			}
			if len(claims) == 0 {
				p.add(TableSheet, row, 0, "text", "The first claim needs its text.")
			}
		}
		if get("source") == "" {
			for _, col := range []string{"source_kind", "stance", "quote", "url", "published_at", "via", "note"} {
				if get(col) != "" {
					p.add(TableSheet, row, 0, "source", "Name the source that "+col+" belongs to.")
					break
				}
			}
		} else {
			l := SheetLink{Row: row, Source: get("source"), SourceKind: claimtrack.SourceKind(strings.ToLower(get("source_kind"))), Via: get("via"),
				Evidence: claimtrack.EvidenceInput{SourceName: get("source"), SourceKind: claimtrack.SourceKind(strings.ToLower(get("source_kind"))),
					Stance: claimtrack.Stance(strings.ToLower(get("stance"))), Quote: get("quote"), URL: get("url"),
					PublishedAt: get("published_at"), Note: get("note")}}
			l.Evidence.Normalize()
			fieldErrs(l.Evidence.Validate())
			if l.Via != "" && claimtrack.SourceNameKey(l.Via) == claimtrack.SourceNameKey(l.Source) {
				p.add(TableSheet, row, 0, "via", "A source cannot relay itself; leave “via” empty.")
			}
			if len(claims) > 0 {
				last := &claims[len(claims)-1]
				last.Links = append(last.Links, l)
			}
		}
		if p.full() {
			break
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if len(claims) == 0 {
		return nil, fileErrorf("the sheet has no claims")
	}
	return claims, nil
}

// SheetProblem is a problem found while writing a sheet's row (a new source
// without a kind, a "via" source that does not exist).
func SheetProblem(row int, field, msg string) error {
	return Problems{{Table: TableSheet, Row: row, Field: field, Message: msg, Line: row + 1}}
}
