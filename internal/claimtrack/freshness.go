package claimtrack

import "time"

// Freshness stands for the state of what a page shows: Key changes whenever
// anything the page shows changes, and At is when the newest of those
// changes was made. Reading it costs a few index lookups, never the page.
type Freshness struct {
	Key string
	At  time.Time
}
