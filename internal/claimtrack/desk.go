package claimtrack

import "time"

// DeskRows is the most rows one section of the desk shows.
const DeskRows = 25

// DeskSection is one list of the desk: its first rows and how many there
// are in all (counted up to DeskCountMax; Capped when there are more).
type DeskSection struct {
	Claims []*Claim
	Total  int
	Capped bool
}

// DeskCountMax bounds what counting a desk section costs.
const DeskCountMax = 1000

// Desk is what needs checking now, for one person on one day.
type Desk struct {
	Today      string      // YYYY-MM-DD, UTC
	Overdue    DeskSection // open forecasts past their due date, the longest overdue first
	DueSoon    DeskSection // open forecasts due within DueSoonDays, the soonest first
	Unverified DeskSection // unverified claims, oldest first
	ReReview   DeskSection // claims with a verdict and new evidence since, the longest waiting first
	Assigned   DeskSection // open claims assigned to the person, oldest first
	Followed   []*Event    // changes to what the person follows since Since, newest first
	Since      time.Time   // when the person last opened the desk (zero: never)
	FollowedN  int         // how many such changes (up to DeskCountMax)
}

// Attention is what the header counts for a signed-in person: overdue
// forecasts plus the open claims assigned to them.
func (d *Desk) Attention() int { return d.Overdue.Total + d.Assigned.Total }
