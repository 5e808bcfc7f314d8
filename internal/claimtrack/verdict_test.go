package claimtrack_test

import (
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
)

func statusEvent(id int64, from, to claimtrack.Status) *claimtrack.Event {
	return &claimtrack.Event{ID: id, Type: claimtrack.EventStatusChanged,
		Payload: claimtrack.StatusChanged{From: from, To: to, FromNote: "before", ToNote: "after"}}
}

// A status change that keeps the status is a revised note, never "Refuted
// → Refuted"; the verdict in force is the last change that moved the status.
func TestVerdictOf(t *testing.T) {
	created := &claimtrack.Event{ID: 1, Type: claimtrack.EventClaimCreated, Payload: claimtrack.ClaimCreated{}}
	disputed := statusEvent(2, claimtrack.StatusUnverified, claimtrack.StatusDisputed)
	refuted := statusEvent(3, claimtrack.StatusDisputed, claimtrack.StatusRefuted)
	revised := statusEvent(4, claimtrack.StatusRefuted, claimtrack.StatusRefuted)
	again := statusEvent(5, claimtrack.StatusRefuted, claimtrack.StatusRefuted)

	assert.Equal(t, "Verdict note revised", revised.Label())
	assert.Equal(t, "Status changed", refuted.Label())
	assert.Equal(t, "Claim created", created.Label())

	assert.Equal(t, claimtrack.Verdict{}, claimtrack.VerdictOf([]*claimtrack.Event{created}))
	assert.Equal(t, claimtrack.Verdict{Set: disputed}, claimtrack.VerdictOf([]*claimtrack.Event{created, disputed}))
	assert.Equal(t, claimtrack.Verdict{Set: refuted, Revised: again},
		claimtrack.VerdictOf([]*claimtrack.Event{created, disputed, refuted, revised, again}))
	// A first status change that keeps "unverified" with a note sets it.
	first := statusEvent(6, claimtrack.StatusUnverified, claimtrack.StatusUnverified)
	assert.Equal(t, claimtrack.Verdict{Set: first}, claimtrack.VerdictOf([]*claimtrack.Event{created, first}))
}
