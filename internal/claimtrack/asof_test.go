package claimtrack_test

import (
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A claim replayed from its history shows each link as edited by then: the
// fields an edit changed, a new source and via by name and id, a via taken
// away gone; what an edit did not change stays.
func TestReplayClaim_EvidenceEdited(t *testing.T) {
	at := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	events := []*claimtrack.Event{
		{Type: claimtrack.EventClaimCreated, At: at, ClaimVersion: 1, After: map[string]string{"text": "The parade will be shorter.", "kind": "forecast"}},
		{Type: claimtrack.EventEvidenceAdded, At: at.Add(time.Hour), ClaimVersion: 2, SourceID: 3, EvidenceID: 7, Note: "Front page.",
			After: map[string]string{"source": "Le Point", "source_id": "3", "stance": "asserts", "quote": "A short parade",
				"url": "https://www.lepoint.fr/x", "published_at": "2025-04-30", "via": "Unnamed sources", "via_source_id": "4"}},
		{Type: claimtrack.EventEvidenceEdited, At: at.Add(2 * time.Hour), ClaimVersion: 3, SourceID: 3, EvidenceID: 7,
			Before: map[string]string{"stance": "asserts", "quote": "A short parade", "note": "Front page."},
			After:  map[string]string{"stance": "disputes", "quote": "No shorter parade", "note": ""}},
		{Type: claimtrack.EventEvidenceEdited, At: at.Add(3 * time.Hour), ClaimVersion: 4, SourceID: 5, EvidenceID: 7,
			Before: map[string]string{"source": "Le Point", "source_id": "3", "via": "Unnamed sources", "via_source_id": "4", "published_at": "2025-04-30"},
			After:  map[string]string{"source": "Izvestia", "source_id": "5", "via": "", "via_source_id": "", "published_at": "2025-05-01"}},
	}
	for _, ev := range events { // as storage reads them back
		ev.Payload = claimtrack.DecodePayload(ev.Type, ev.Before, ev.After)
	}

	st := claimtrack.ReplayClaim(1, events[:2])
	require.NotNil(t, st)
	require.Len(t, st.Evidence, 1)
	assert.Equal(t, claimtrack.StanceAsserts, st.Evidence[0].Stance)
	assert.Equal(t, "Front page.", st.Evidence[0].Note)

	st = claimtrack.ReplayClaim(1, events[:3])
	require.Len(t, st.Evidence, 1)
	e := st.Evidence[0]
	assert.Equal(t, claimtrack.StanceDisputes, e.Stance)
	assert.Equal(t, "No shorter parade", e.Quote)
	assert.Empty(t, e.Note)
	assert.Equal(t, "Le Point", e.Source.Name)
	require.NotNil(t, e.Via)
	assert.Equal(t, "Unnamed sources", e.Via.Name)
	assert.Equal(t, "https://www.lepoint.fr/x", e.URL, "not changed")
	assert.Equal(t, int64(3), st.Claim.Version)

	st = claimtrack.ReplayClaim(1, events)
	require.Len(t, st.Evidence, 1)
	e = st.Evidence[0]
	assert.Equal(t, int64(7), e.ID)
	assert.Equal(t, int64(5), e.SourceID)
	assert.Equal(t, claimtrack.Source{ID: 5, Name: "Izvestia"}, *e.Source)
	assert.Zero(t, e.ViaSourceID)
	assert.Nil(t, e.Via)
	assert.Equal(t, "2025-05-01", e.PublishedAt)
	assert.Equal(t, claimtrack.StanceDisputes, e.Stance, "kept from the earlier edit")
	assert.Equal(t, "No shorter parade", e.Quote)
	assert.Equal(t, at.Add(time.Hour), e.CreatedAt, "the link was made when it was added")
	assert.Equal(t, "Izvestia", st.MainSource().Name)
	assert.Equal(t, at.Add(3*time.Hour), st.Claim.UpdatedAt)
}
