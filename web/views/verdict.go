package views

import (
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// decided says whether status s is a decision on the claim (a verdict, or
// the source's retraction) rather than a claim still open.
func decided(s claimtrack.Status) bool { return s.Resolved() || s == claimtrack.StatusRetracted }

// verdictBy starts the line that says who gave status s.
func verdictBy(s claimtrack.Status) string {
	if decided(s) {
		return "Decided by"
	}
	return "Set by"
}

// verdictWord is what status s is called in a sentence: a verdict, or a
// status while the claim is still open.
func verdictWord(s claimtrack.Status) string {
	if decided(s) {
		return "verdict"
	}
	return "status"
}

// linkRest is a link in words after its source's name: the stance, the
// source it was relayed via, and the quote after a colon.
func linkRest(l claimtrack.LinkValues) string {
	s := l.Stance.Description()
	if l.Via != "" {
		s += " (via " + l.Via + ")"
	}
	if l.Quote != "" {
		s += ": “" + l.Quote + "”"
	}
	return s
}

// EvidenceRemoveData is what the remove-evidence page shows.
type EvidenceRemoveData struct {
	Claim    *claimtrack.Claim
	Evidence *claimtrack.Evidence // the link to remove
	Form     RemovalForm
	// Main says the link names the claim's main source; Next is the link
	// that names it once this one is gone (nil: the claim has no source
	// left).
	Main bool
	Next *claimtrack.Evidence
}

// EvidenceRemoveDataOf is the remove page of link e among the claim's links.
func EvidenceRemoveDataOf(claim *claimtrack.Claim, links []*claimtrack.Evidence, e *claimtrack.Evidence, f RemovalForm) EvidenceRemoveData {
	d := EvidenceRemoveData{Claim: claim, Evidence: e, Form: f}
	if main := claimtrack.MainLink(links); main != nil && main.ID == e.ID {
		d.Main = true
		var rest []*claimtrack.Evidence
		for _, l := range links {
			if l.ID != e.ID {
				rest = append(rest, l)
			}
		}
		d.Next = claimtrack.MainLink(rest)
	}
	return d
}

// sourceName is the name of a link's source ("" when unknown).
func sourceName(e *claimtrack.Evidence) string {
	if e == nil || e.Source == nil {
		return ""
	}
	return e.Source.Name
}

// ClaimTextConfirmData is what the page that confirms a new text for a
// claim with a verdict shows.
type ClaimTextConfirmData struct {
	Claim   *claimtrack.Claim // as it is now
	Verdict claimtrack.Verdict
	Form    ClaimForm // the edit as sent
	NewText string    // the edit's text, tidied as it would be saved
}

// textWarningText warns, on the edit form of claim c, that its status was
// given on its text.
func textWarningText(c *claimtrack.Claim) string {
	w := verdictWord(c.Status)
	return "This claim's " + w + ", " + c.Status.Label() + ", was given on its text as it is now. If you change what the text says, " +
		"you will be asked to confirm, and the " + w + " may need to change too."
}

// confirmText explains, before a new text is saved, what the status was
// given on and what to do about it.
func confirmText(d ClaimTextConfirmData) string {
	s := "The claim is " + d.Claim.Status.Label()
	if d.Verdict.Set != nil {
		s += " (" + strings.ToLower(verdictBy(d.Claim.Status)) + " " + d.Verdict.Set.Actor + ", " + absTime(d.Verdict.Set.At) + ")"
	}
	w := verdictWord(d.Claim.Status)
	return s + " as its text reads now. If the new text says something else, the " + w +
		" no longer fits it: change the status once the text is saved, or keep the old text."
}
