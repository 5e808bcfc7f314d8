package claimtrack

import (
	"strings"
	"time"
)

// Evidence links one source to one claim: how the source relates to it.
type Evidence struct {
	ID          int64
	ClaimID     int64
	SourceID    int64
	Stance      Stance
	Quote       string
	URL         string
	PublishedAt string // YYYY-MM-DD, "" when unknown
	ViaSourceID int64  // 0 when the source spoke for itself
	Note        string
	CreatedAt   time.Time

	Source *Source // filled by reads
	Via    *Source // filled by reads when ViaSourceID is set
}

// EvidenceFilter narrows an export of links: a claim's (ClaimID), or a
// source's, as the source or as the one relayed (SourceID). Zero: every link.
type EvidenceFilter struct {
	ClaimID  int64
	SourceID int64
}

// Same reports whether two versions of a link say the same: the same source,
// via, stance, quote, link, date and note.
func (e *Evidence) Same(o *Evidence) bool {
	return e.SourceID == o.SourceID && e.ViaSourceID == o.ViaSourceID && e.Stance == o.Stance && e.Quote == o.Quote &&
		e.URL == o.URL && e.PublishedAt == o.PublishedAt && e.Note == o.Note
}

// EvidenceInput is what a person writes when adding evidence to a claim. The
// source is either an existing one (SourceID) or named (SourceName): a name that
// matches an existing source, ignoring case, links to it; a new name creates a
// source of kind SourceKind.
type EvidenceInput struct {
	SourceID    int64
	SourceName  string
	SourceKind  SourceKind
	Stance      Stance
	Quote       string
	URL         string
	PublishedAt string
	ViaSourceID int64
	Note        string
	// Version, when set, is the claim version the change was made from: a
	// claim changed since is a conflict (the API's If-Match). 0 skips it.
	Version int64
}

// Normalize trims every field.
func (in *EvidenceInput) Normalize() {
	in.SourceName = NormalizeSourceName(in.SourceName)
	in.SourceKind = SourceKind(strings.TrimSpace(string(in.SourceKind)))
	in.Stance = Stance(strings.TrimSpace(string(in.Stance)))
	in.Quote = NormalizeText(in.Quote)
	in.URL = NormalizeLine(in.URL)
	in.PublishedAt = NormalizeLine(in.PublishedAt)
	in.Note = NormalizeText(in.Note)
}

// Validate checks the input. Whether SourceID exists, and whether a new name
// needs a kind, is decided by storage, which knows the sources.
func (in *EvidenceInput) Validate() error {
	f := fieldErrors{}
	switch {
	case in.SourceID < 0:
		f.add("source_id", "Choose a source from the list.")
	case in.SourceID == 0 && in.SourceName == "":
		f.add("source_id", "Choose a source, or type the name of a new one.")
	case in.SourceID > 0 && in.SourceName != "":
		f.add("source_name", "Either choose an existing source or type a new one's name, not both.")
	case in.SourceID == 0:
		validateSourceName(f, "source_name", in.SourceName)
		if in.SourceKind != "" && !in.SourceKind.Valid() {
			f.add("source_kind", "Choose a kind of source from the list.")
		}
	}
	if !in.Stance.Valid() {
		f.add("stance", "Choose asserts, supports, disputes or reports.")
	}
	checkLength(f, "quote", "The quote", in.Quote, 0, QuoteMax, true)
	checkURL(f, "url", in.URL)
	checkDate(f, "published_at", "The date published", in.PublishedAt)
	if in.ViaSourceID < 0 {
		f.add("via_source_id", "Choose a source from the list.")
	} else if in.ViaSourceID != 0 && in.ViaSourceID == in.SourceID {
		f.add("via_source_id", "A source cannot relay itself; leave “via” empty.")
	}
	checkLength(f, "note", "The note", in.Note, 0, NoteMax, true)
	return f.err()
}

// EvidenceRemoval is taking a link off a claim: why, and the claim version
// the editor saw.
type EvidenceRemoval struct {
	Note    string
	Version int64
}

// Normalize trims the note.
func (r *EvidenceRemoval) Normalize() { r.Note = NormalizeText(r.Note) }

// Validate checks the removal: a link is never taken off without a reason.
func (r *EvidenceRemoval) Validate() error {
	f := fieldErrors{}
	checkLength(f, "note", "The reason", r.Note, 1, NoteMax, true)
	if r.Version < 1 {
		f.add("version", "The form is missing the claim's version; reload the page and try again.")
	}
	return f.err()
}
