package claimtrack

// Stance is how a source relates to a claim.
type Stance string

// The stances a piece of evidence can take.
const (
	StanceAsserts  Stance = "asserts"  // makes the claim
	StanceSupports Stance = "supports" // corroborates it
	StanceDisputes Stance = "disputes" // contradicts or denies it
	StanceReports  Stance = "reports"  // relays it without taking a side
)

// Stances lists every stance in the order pages group evidence.
var Stances = []Stance{StanceAsserts, StanceSupports, StanceDisputes, StanceReports}

// Valid reports whether s is a known stance.
func (s Stance) Valid() bool {
	for _, v := range Stances {
		if s == v {
			return true
		}
	}
	return false
}

// Label is the stance as a heading for people.
func (s Stance) Label() string {
	switch s {
	case StanceAsserts:
		return "Asserts"
	case StanceSupports:
		return "Supports"
	case StanceDisputes:
		return "Disputes"
	case StanceReports:
		return "Reports"
	}
	return string(s)
}

// Description explains the stance in a few words.
func (s Stance) Description() string {
	switch s {
	case StanceAsserts:
		return "makes the claim"
	case StanceSupports:
		return "corroborates it"
	case StanceDisputes:
		return "contradicts or denies it"
	case StanceReports:
		return "relays it without taking a side"
	}
	return ""
}
