package claimtrack

import "strconv"

// Status is a claim's place on the verdict scale.
type Status string

// The verdict scale. Confirmed, partly-true and refuted are resolved; the others are open.
const (
	StatusUnverified Status = "unverified"
	StatusConfirmed  Status = "confirmed"
	StatusPartlyTrue Status = "partly-true"
	StatusDisputed   Status = "disputed"
	StatusRefuted    Status = "refuted"
	StatusRetracted  Status = "retracted"
)

// Statuses lists every status in the order pages show them.
var Statuses = []Status{
	StatusUnverified, StatusDisputed, StatusConfirmed, StatusPartlyTrue, StatusRefuted, StatusRetracted,
}

// Valid reports whether s is on the scale.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Resolved reports whether s is a verdict (confirmed, partly-true or refuted).
func (s Status) Resolved() bool {
	return s == StatusConfirmed || s == StatusPartlyTrue || s == StatusRefuted
}

// Label is the status in words for people.
func (s Status) Label() string {
	switch s {
	case StatusUnverified:
		return "Unverified"
	case StatusConfirmed:
		return "Confirmed"
	case StatusPartlyTrue:
		return "Partly true"
	case StatusDisputed:
		return "Disputed"
	case StatusRefuted:
		return "Refuted"
	case StatusRetracted:
		return "Retracted"
	}
	return string(s)
}

// Description explains what the status means, for help text and tooltips.
func (s Status) Description() string {
	switch s {
	case StatusUnverified:
		return "Not yet checked."
	case StatusConfirmed:
		return "Checked and found true."
	case StatusPartlyTrue:
		return "Checked: true in part, or true with important caveats."
	case StatusDisputed:
		return "Credible sources conflict; no verdict yet."
	case StatusRefuted:
		return "Checked and found false."
	case StatusRetracted:
		return "The original source withdrew it."
	}
	return ""
}

// StatusChange is a request to move a claim on the verdict scale.
type StatusChange struct {
	Status  Status
	Note    string
	Version int64 // the version the editor saw; a stale one is a conflict
	// Refute lists rival outcomes of the claim's question to refute with
	// the same note, in the same transaction: only with a confirmation.
	Refute []Rival
}

// Normalize trims the note.
func (c *StatusChange) Normalize() { c.Note = NormalizeText(c.Note) }

// Validate checks the change. Any status may follow any other: a verdict can be
// corrected, and re-stating the same status records a revised note.
func (c *StatusChange) Validate() error {
	f := fieldErrors{}
	if !c.Status.Valid() {
		f.add("status", "Choose a status from the list.")
	}
	checkLength(f, "note", "The note", c.Note, 1, NoteMax, true)
	if c.Version < 1 {
		f.add("version", "The form is missing the claim's version; reload the page and try again.")
	}
	if len(c.Refute) > 0 && c.Status != StatusConfirmed {
		f.add("refute", "Rivals are refuted only when this outcome is confirmed: choose Confirmed, or untick the rivals.")
	}
	if len(c.Refute) > OutcomesMax {
		f.add("refute", "A question has at most "+strconv.Itoa(OutcomesMax)+" outcomes.")
	}
	return f.err()
}
