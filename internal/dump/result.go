package dump

import (
	"strconv"
	"strings"
)

// Result says what an import wrote or, in a dry run, would write.
type Result struct {
	// Restore is true when the tracker held no data: the rows kept their
	// ids. Otherwise they were added with new ids (a merge).
	Restore bool
	DryRun  bool

	Reports, Sources, Questions, Claims, Evidence, Events int // rows added
	// SourcesMatched counts sources of the file that exist here under the
	// same name or alias (ignoring case): their links point to the existing
	// source, which keeps its own aliases.
	SourcesMatched int
	// AliasesDropped counts aliases of new sources that were already a name
	// or alias of a source here: the source here keeps them.
	AliasesDropped int
	// ReportsSkipped counts reports already here (by key); ClaimsSkipped
	// their claims, which are left out with their links and history.
	ReportsSkipped, ClaimsSkipped int
	// EventsSkipped counts history left out of a merge: the other tracker's
	// accounts, and the creation and edits of sources that exist here.
	EventsSkipped int
}

// Summary says in one line what the import did.
func (r *Result) Summary() string {
	verb := "added"
	if r.DryRun {
		verb = "would add"
	}
	parts := []string{count(r.Claims, "claim"), count(r.Sources, "new source"), count(r.Evidence, "evidence link")}
	if r.Events > 0 {
		parts = append(parts, count(r.Events, "history event"))
	}
	if r.Reports > 0 {
		parts = append(parts, count(r.Reports, "report"))
	}
	if r.Questions > 0 {
		parts = append(parts, count(r.Questions, "question"))
	}
	s := verb + " " + strings.Join(parts, ", ")
	if r.Restore {
		s += " (restored into an empty tracker, ids kept)"
	}
	var also []string
	if r.SourcesMatched > 0 {
		also = append(also, count(r.SourcesMatched, "source")+" matched existing ones by name")
	}
	if r.AliasesDropped > 0 {
		also = append(also, count(r.AliasesDropped, "other name")+" left out, already naming a source here")
	}
	if r.ReportsSkipped > 0 {
		also = append(also, count(r.ReportsSkipped, "report")+" here already, left out with "+count(r.ClaimsSkipped, "claim"))
	}
	if r.EventsSkipped > 0 {
		also = append(also, count(r.EventsSkipped, "history event")+" of what was left out, of existing sources or of accounts not imported")
	}
	if len(also) > 0 {
		s += "; " + strings.Join(also, "; ")
	}
	return s
}

// count is n things in words: "1 claim", "2 claims".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
