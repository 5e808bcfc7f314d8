package claimtrack

import (
	"strconv"
	"strings"
	"time"
)

// SourceKind says what sort of thing a source is.
type SourceKind string

// The kinds of source.
const (
	SourcePerson       SourceKind = "person"
	SourceOrganisation SourceKind = "organisation"
	SourceOutlet       SourceKind = "outlet"
	SourceAgency       SourceKind = "agency"
	SourceAnonymous    SourceKind = "anonymous"
	SourceDocument     SourceKind = "document"
)

// SourceKinds lists the kinds in the order forms offer them.
var SourceKinds = []SourceKind{
	SourcePerson, SourceOrganisation, SourceOutlet, SourceAgency, SourceAnonymous, SourceDocument,
}

// Valid reports whether k is a known kind.
func (k SourceKind) Valid() bool {
	for _, v := range SourceKinds {
		if k == v {
			return true
		}
	}
	return false
}

// Label is the kind in words for people.
func (k SourceKind) Label() string {
	switch k {
	case SourcePerson:
		return "Person"
	case SourceOrganisation:
		return "Organisation"
	case SourceOutlet:
		return "Outlet"
	case SourceAgency:
		return "Agency"
	case SourceAnonymous:
		return "Anonymous source"
	case SourceDocument:
		return "Document"
	}
	return string(k)
}

// Source is who or what a claim comes from. Names are unique, ignoring case.
type Source struct {
	ID          int64
	Name        string
	Kind        SourceKind
	Role        string // role or affiliation, e.g. "Kremlin spokesman"
	URL         string
	Description string
	// Aliases are the other names it goes by ("Peskov", "the Kremlin
	// spokesman"), in the order given; filled where a page or a match needs
	// them (FindSourceByID, the pickers, exports), nil elsewhere.
	Aliases   []string
	CreatedAt time.Time
	UpdatedAt time.Time
	// Record is its track record, where a page shows it (nil elsewhere).
	Record *SourceRecord
}

// SourceInput is what a person writes when creating a source.
type SourceInput struct {
	Name        string
	Kind        SourceKind
	Role        string
	URL         string
	Description string
	// Aliases are the source's other names (see Source.Aliases).
	Aliases []string
}

// SourceAliasesMax is the most aliases a source has.
const SourceAliasesMax = 20

// Normalize trims every field and collapses runs of space in the name and
// the aliases; it drops empty aliases, an alias given twice (ignoring case)
// and one that is the source's own name.
func (in *SourceInput) Normalize() {
	in.Name = NormalizeSourceName(in.Name)
	in.Kind = SourceKind(strings.TrimSpace(string(in.Kind)))
	in.Role = NormalizeLine(in.Role)
	in.URL = NormalizeLine(in.URL)
	in.Description = NormalizeText(in.Description)
	in.Aliases = NormalizeAliases(in.Name, in.Aliases)
}

// NormalizeAliases trims and collapses the space of each alias of the
// source named name, and drops the empty ones, those given before (ignoring
// case) and the name itself. It returns nil for none.
func NormalizeAliases(name string, aliases []string) []string {
	var out []string
	seen := map[string]bool{SourceNameKey(name): true}
	for _, a := range aliases {
		a = NormalizeSourceName(a)
		if a == "" || seen[SourceNameKey(a)] {
			continue
		}
		seen[SourceNameKey(a)] = true
		out = append(out, a)
	}
	return out
}

// ParseAliases reads aliases written one per line, as the source form's
// "Other names" and the history's "aliases" value hold them.
func ParseAliases(s string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// JoinAliases writes aliases one per line, as ParseAliases reads them.
func JoinAliases(aliases []string) string { return strings.Join(aliases, "\n") }

// Validate checks the input against the rules for sources.
func (in *SourceInput) Validate() error {
	f := fieldErrors{}
	validateSourceName(f, "name", in.Name)
	if !in.Kind.Valid() {
		f.add("kind", "Choose a kind of source from the list.")
	}
	checkLength(f, "role", "The role", in.Role, 0, SourceRoleMax, false)
	checkURL(f, "url", in.URL)
	checkLength(f, "description", "The description", in.Description, 0, DescriptionMax, true)
	validateAliases(f, "aliases", in.Aliases)
	return f.err()
}

// validateAliases checks aliases as names, and their number.
func validateAliases(f fieldErrors, field string, aliases []string) {
	if len(aliases) > SourceAliasesMax {
		f.add(field, "Give at most "+strconv.Itoa(SourceAliasesMax)+" other names (there are "+strconv.Itoa(len(aliases))+").")
		return
	}
	for _, a := range aliases {
		checkLength(f, field, "The other name “"+a+"”", a, SourceNameMin, SourceNameMax, false)
	}
}

func validateSourceName(f fieldErrors, field, name string) {
	checkLength(f, field, "The source name", name, SourceNameMin, SourceNameMax, false)
}

// NormalizeSourceName trims a name and collapses inner runs of white space.
func NormalizeSourceName(s string) string { return strings.Join(strings.Fields(s), " ") }

// SourceNameKey is the form under which names are unique: case folded, so
// "Le Point" and "le point" are one source.
func SourceNameKey(name string) string { return strings.ToLower(NormalizeSourceName(name)) }

// SourceSummary is a source with its track record, for the sources list.
type SourceSummary struct {
	Source
	Record SourceRecord
}

// Orders of the sources list.
const (
	SortByName        = "name"
	SortByReliability = "reliability"
	SortByClaims      = "claims"
	// SortByForecasts orders by the forecasts' part of the record, as
	// SortByReliability by the whole.
	SortByForecasts = "forecasts"
)

// SourceFilter narrows and orders the sources list.
type SourceFilter struct {
	Sort   string // SortByName (the default), SortByReliability, SortByForecasts or SortByClaims
	Offset int
	Limit  int
}

// SourceClaim is one claim a source is linked to, with how.
type SourceClaim struct {
	Claim    *Claim
	Evidence *Evidence // the link; Evidence.Via set when the source was relayed
	Relayed  bool      // true when the source is the link's "via", not its source
}
