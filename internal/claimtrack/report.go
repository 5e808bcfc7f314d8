package claimtrack

import (
	"strconv"
	"time"
)

// Report is the article or document claims were taken from.
type Report struct {
	ID          int64
	Key         string // a stable identifier, so importing the same report twice is a no-op
	Title       string
	Outlet      string // "" when the text does not name it
	URL         string
	PublishedAt string // YYYY-MM-DD, "" when unknown
	Summary     string // in the tracker's own words
	CreatedAt   time.Time
}

// ReportListing is a report as the reports list shows it: with the number of
// claims taken from it in each status.
type ReportListing struct {
	Report       *Report
	StatusCounts map[Status]int
}

// Claims is the number of claims taken from the report.
func (r *ReportListing) Claims() int {
	n := 0
	for _, c := range r.StatusCounts {
		n += c
	}
	return n
}

// ReportImport is a report with the sources, claims and evidence taken from it,
// imported as one unit: all of it or none.
type ReportImport struct {
	Report  Report
	Sources []SourceInput
	Claims  []ClaimImport
}

// ClaimImport is one claim of an import with its evidence.
type ClaimImport struct {
	Claim    ClaimInput
	Evidence []EvidenceImport
	// SameAs, when set, names a claim already here that this one is: its
	// evidence is added to that claim and no claim is created.
	SameAs int64
}

// EvidenceImport is one piece of evidence of an import; sources are named, and
// must be listed in the import's Sources or exist already.
type EvidenceImport struct {
	Source      string
	Via         string
	Stance      Stance
	Quote       string
	URL         string
	PublishedAt string
	Note        string
}

// Validate checks the whole import, so that a bad dataset is refused before
// anything is written.
func (imp *ReportImport) Validate() error {
	f := fieldErrors{}
	if imp.Report.Key == "" {
		f.add("report.key", "The report needs a key.")
	}
	checkLength(f, "report.title", "The report title", imp.Report.Title, 1, 300, false)
	checkURL(f, "report.url", imp.Report.URL)
	checkDate(f, "report.published_at", "The report date", imp.Report.PublishedAt)
	checkLength(f, "report.summary", "The report summary", imp.Report.Summary, 0, DescriptionMax, true)
	for i := range imp.Sources {
		if err := imp.Sources[i].Validate(); err != nil {
			for k, v := range FieldErrors(err) {
				f.add("sources."+strconv.Itoa(i)+"."+k, v)
			}
		}
	}
	for i := range imp.Claims {
		c := &imp.Claims[i]
		if c.SameAs > 0 {
			// The claim exists; only its new evidence is checked.
		} else if err := c.Claim.Validate(); err != nil {
			for k, v := range FieldErrors(err) {
				f.add("claims."+strconv.Itoa(i)+"."+k, v)
			}
		}
		for j, e := range c.Evidence {
			in := EvidenceInput{SourceName: e.Source, Stance: e.Stance, Quote: e.Quote, URL: e.URL, PublishedAt: e.PublishedAt, Note: e.Note}
			if err := in.Validate(); err != nil {
				for k, v := range FieldErrors(err) {
					f.add("claims."+strconv.Itoa(i)+".evidence."+strconv.Itoa(j)+"."+k, v)
				}
			}
		}
	}
	return f.err()
}
