package claimtrack_test

import (
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every kind of change has one payload type, and what the encoder stores
// the decoder reads back as the same payload.
func TestPayload_RoundTrip(t *testing.T) {
	link := claimtrack.LinkValues{Source: "Le Point", SourceID: 4, Stance: claimtrack.StanceAsserts, Quote: "He will attend.",
		URL: "https://example.org/a", PublishedAt: "2025-04-30", Via: "Unnamed sources", ViaSourceID: 9, Note: "checked"}
	claim := claimtrack.ClaimValues{Text: "Trump will attend the parade.", Context: "Moscow", Kind: claimtrack.KindForecast,
		DueDate: "2025-05-09", Tags: []string{"moscow", "parade"}}
	edited := claim
	edited.Text, edited.Tags = "Trump will attend the Victory Day parade.", []string{"moscow"}
	moved := link
	moved.Stance, moved.Via, moved.ViaSourceID, moved.Quote = claimtrack.StanceDisputes, "", 0, "He will not attend."
	source := claimtrack.SourceValues{Name: "Dmitry Peskov", Kind: claimtrack.SourcePerson, Role: "Kremlin spokesman"}
	renamed := source
	renamed.Name = "Dmitri Peskov"
	aliased := source
	aliased.Aliases = []string{"Peskov", "the Kremlin spokesman"}
	payloads := []claimtrack.Payload{
		claimtrack.ClaimCreated{Claim: claim},
		claimtrack.ClaimEdit(claim, edited),
		claimtrack.StatusChanged{From: claimtrack.StatusUnverified, To: claimtrack.StatusRefuted, ToNote: "He stayed home."},
		claimtrack.EvidenceAdded{Link: claimtrack.LinkValues{Source: "Le Point", SourceID: 4, Stance: claimtrack.StanceAsserts,
			Via: "Unnamed sources", ViaSourceID: 9}},
		claimtrack.EvidenceEdit(link, moved),
		claimtrack.EvidenceRemoved{Link: link},
		claimtrack.SourceCreated{Source: source},
		claimtrack.SourceCreated{Source: aliased},
		claimtrack.SourceEdit(source, renamed),
		claimtrack.SourceEdit(renamed, aliased),
		claimtrack.ReportImported{Title: "Victory Day", Outlet: "Wire", URL: "https://example.org/r", Summary: "Who goes."},
		claimtrack.DataImported{File: "dump.json", Claims: 3, Sources: 2, Evidence: 5, Events: 11, Reports: 1},
		claimtrack.UserCreated{Username: "ana", Role: claimtrack.RoleEditor},
		claimtrack.UserRoleChanged{Username: "ana", From: claimtrack.RoleEditor, To: claimtrack.RoleAdmin},
		claimtrack.UserDisabled{Username: "ana"},
		claimtrack.UserEnabled{Username: "ana"},
		claimtrack.PasswordChanged{Username: "ana"},
		claimtrack.ClaimAssigned{From: "", To: "ana"},
		claimtrack.ClaimAssigned{From: "ana", To: "bo"},
		claimtrack.QuestionCreated{Question: claimtrack.QuestionValues{Title: "Will he attend the parade?", Description: "May 9"}},
		claimtrack.QuestionEdit(claimtrack.QuestionValues{Title: "Will he attend?"}, claimtrack.QuestionValues{Title: "Will he attend the parade?"}),
		claimtrack.OutcomeAdded{QuestionID: 3, Question: "Will he attend the parade?"},
		claimtrack.OutcomeRemoved{QuestionID: 3, Question: "Will he attend?"},
	}
	seen := map[claimtrack.EventType]bool{}
	for _, p := range payloads {
		before, after := claimtrack.EncodePayload(p)
		got := claimtrack.DecodePayload(p.EventType(), before, after)
		assert.Equal(t, p, got, "%s", p.EventType())
		seen[p.EventType()] = true
	}
	for _, k := range claimtrack.EventTypes {
		assert.True(t, seen[k], "%s has a payload in this test", k)
	}
	assert.Nil(t, claimtrack.DecodePayload("nothing_known", nil, nil))

	// Aliases are one field, one per line, and only when there are some.
	_, after := claimtrack.EncodePayload(claimtrack.SourceCreated{Source: aliased})
	assert.Equal(t, "Peskov\nthe Kremlin spokesman", after["aliases"])
	_, after = claimtrack.EncodePayload(claimtrack.SourceCreated{Source: source})
	assert.NotContains(t, after, "aliases")
	assert.Equal(t, claimtrack.Changes{{Field: "name", Before: "Dmitri Peskov", After: "Dmitry Peskov"},
		{Field: "aliases", Before: "", After: "Peskov\nthe Kremlin spokesman"}}, claimtrack.SourceEdit(renamed, aliased).Changes)
	// An import's aliases are checked as names.
	assert.NoError(t, claimtrack.CheckEventValues(claimtrack.EventSourceCreated, nil,
		map[string]string{"name": "Dmitry Peskov", "kind": "person", "aliases": "Peskov\nthe Kremlin spokesman"}, ""))
	err := claimtrack.CheckEventValues(claimtrack.EventSourceEdited, map[string]string{"aliases": "P"},
		map[string]string{"aliases": "Peskov\nthe \x07Kremlin"}, "")
	assert.Equal(t, map[string]string{"before.aliases": "The other name “P” must be at least 2 characters.",
		"after.aliases": "The other name “the \x07Kremlin” contains control characters."}, claimtrack.FieldErrors(err))
}

// An edit records only what changed; a new source or via records its id with
// its name; applying an edit gives the values after it.
func TestPayload_Edits(t *testing.T) {
	before := claimtrack.LinkValues{Source: "Le Point", SourceID: 4, Stance: claimtrack.StanceAsserts, Quote: "He will attend."}
	after := before
	after.Source, after.SourceID, after.Via, after.ViaSourceID = "TASS", 7, "Kremlin", 2
	edit := claimtrack.EvidenceEdit(before, after)
	var fields []string
	for _, c := range edit.Changes {
		fields = append(fields, c.Field)
	}
	assert.Equal(t, []string{"source", "via", "source_id", "via_source_id"}, fields)
	got := before
	edit.ApplyTo(&got)
	assert.Equal(t, after, got)
	assert.Equal(t, after.Link(), got.Link())

	none := claimtrack.EvidenceEdit(before, before)
	assert.Empty(t, none.Changes, "nothing changed, nothing recorded")

	c := &claimtrack.Claim{Text: "The talks were constructive.", Kind: claimtrack.KindStatement}
	e := claimtrack.ClaimEdit(claimtrack.ClaimValuesOf(c), claimtrack.ClaimValues{Text: "The talks were very constructive.",
		Kind: claimtrack.KindStatement})
	require.Len(t, e.Changes, 1)
	e.ApplyTo(c)
	assert.Equal(t, "The talks were very constructive.", c.Text)

	// People see names, not ids.
	ev := &claimtrack.Event{}
	ev.Before, ev.After = claimtrack.EncodePayload(edit)
	for _, ch := range ev.Changes() {
		assert.NotContains(t, ch.Field, "_id")
	}
}

// Changes come in the order of the fields on the page (text, context, kind,
// due date, tags, status, …) whatever order the maps hold them in, and
// fields no page shows are left out.
func TestEvent_ChangesInFieldOrder(t *testing.T) {
	t.Parallel()
	e := &claimtrack.Event{
		Before: map[string]string{"status": "unverified", "zz_internal": "1", "tags": "a", "text": "Old", "note": ""},
		After:  map[string]string{"note": "Checked.", "text": "New", "status": "confirmed", "zz_internal": "2", "tags": "a"},
	}
	var fields []string
	for _, c := range e.Changes() {
		fields = append(fields, c.Field)
	}
	assert.Equal(t, []string{"text", "status", "note"}, fields)
}
