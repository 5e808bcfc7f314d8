package claimtrack_test

import (
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
)

// What an imported event records is held to the rules the forms apply.
func TestCheckEventValues(t *testing.T) {
	for _, tc := range []struct {
		name   string
		typ    claimtrack.EventType
		before map[string]string
		after  map[string]string
		field  string // "" when the values are fine
	}{
		{"link", claimtrack.EventEvidenceAdded, nil, map[string]string{"source": "Izvestia", "stance": "asserts", "url": "https://iz.ru/a"}, ""},
		{"javascript link", claimtrack.EventEvidenceAdded, nil, map[string]string{"source": "Izvestia", "stance": "asserts", "url": "javascript:alert(1)"}, "after.url"},
		{"data link", claimtrack.EventEvidenceAdded, nil, map[string]string{"source": "Izvestia", "stance": "asserts", "url": "data:text/html,<script>x</script>"}, "after.url"},
		{"removed link's javascript", claimtrack.EventEvidenceRemoved, map[string]string{"url": "JavaScript:alert(1)"}, nil, "before.url"},
		{"unknown stance", claimtrack.EventEvidenceAdded, nil, map[string]string{"source": "Izvestia", "stance": "shouts"}, "after.stance"},
		{"no stance", claimtrack.EventEvidenceAdded, nil, map[string]string{"source": "Izvestia"}, "after.stance"},
		{"status", claimtrack.EventStatusChanged, map[string]string{"status": "unverified"}, map[string]string{"status": "refuted", "note": "Checked."}, ""},
		{"no status", claimtrack.EventStatusChanged, nil, map[string]string{"note": "Checked."}, "after.status"},
		{"empty status", claimtrack.EventStatusChanged, nil, map[string]string{"status": ""}, "after.status"},
		{"claim", claimtrack.EventClaimCreated, nil, map[string]string{"text": "A claim long enough.", "kind": "forecast", "due_date": "2025-05-09", "tags": "a, b-c"}, ""},
		{"claim kind", claimtrack.EventClaimCreated, nil, map[string]string{"text": "A claim long enough.", "kind": "person"}, "after.kind"},
		{"bad date", claimtrack.EventClaimEdited, nil, map[string]string{"due_date": "9 May"}, "after.due_date"},
		{"bad tag", claimtrack.EventClaimEdited, nil, map[string]string{"tags": "<b>"}, "after.tags"},
		{"source kind", claimtrack.EventSourceCreated, nil, map[string]string{"name": "Izvestia", "kind": "outlet", "role": "Daily paper"}, ""},
		{"source kind wrong", claimtrack.EventSourceCreated, nil, map[string]string{"name": "Izvestia", "kind": "statement"}, "after.kind"},
		{"account role", claimtrack.EventUserRoleChanged, nil, map[string]string{"username": "ann", "role": "owner"}, "after.role"},
		{"control characters", claimtrack.EventDataImported, nil, map[string]string{"file": "a\x00b"}, "after.file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := claimtrack.CheckEventValues(tc.typ, tc.before, tc.after, "")
			if tc.field == "" {
				assert.NoError(t, err)
				return
			}
			assert.Contains(t, claimtrack.FieldErrors(err), tc.field)
		})
	}
}
