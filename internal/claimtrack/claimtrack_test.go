package claimtrack_test

import (
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func validClaim() claimtrack.ClaimInput {
	return claimtrack.ClaimInput{Text: "The talks in Riyadh were very constructive.", Kind: claimtrack.KindStatement}
}

// fieldOf returns the message validation gives for field, or "".
func fieldOf(t *testing.T, err error, field string) string {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
	return claimtrack.FieldErrors(err)[field]
}

func TestClaimInput_Validate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		in := validClaim()
		in.Kind, in.DueDate, in.Tags = claimtrack.KindForecast, "2025-05-09", []string{"Victory Day", "trump"}
		in.Normalize()
		require.NoError(t, in.Validate())
		assert.Equal(t, []string{"victory-day", "trump"}, in.Tags)
	})
	tests := []struct {
		name, field string
		mutate      func(*claimtrack.ClaimInput)
	}{
		{"ErrTextRequired", "text", func(in *claimtrack.ClaimInput) { in.Text = "   " }},
		{"ErrTextTooShort", "text", func(in *claimtrack.ClaimInput) { in.Text = "too short" }},
		{"ErrTextTooLong", "text", func(in *claimtrack.ClaimInput) { in.Text = strings.Repeat("a", 501) }},
		{"ErrTextInvalidUTF8", "text", func(in *claimtrack.ClaimInput) { in.Text = "valid start \xff\xfe then junk" }},
		{"ErrTextControl", "text", func(in *claimtrack.ClaimInput) { in.Text = "a claim with a \x00 byte inside" }},
		{"ErrContextTooLong", "context", func(in *claimtrack.ClaimInput) { in.Context = strings.Repeat("x", claimtrack.ContextMax+1) }},
		{"ErrKind", "kind", func(in *claimtrack.ClaimInput) { in.Kind = "rumour" }},
		{"ErrDueDateFormat", "due_date", func(in *claimtrack.ClaimInput) { in.Kind, in.DueDate = claimtrack.KindForecast, "09/05/2025" }},
		{"ErrDueDateImpossible", "due_date", func(in *claimtrack.ClaimInput) { in.Kind, in.DueDate = claimtrack.KindForecast, "2025-02-30" }},
		{"ErrDueDateNotForecast", "due_date", func(in *claimtrack.ClaimInput) { in.DueDate = "2025-05-09" }},
		{"ErrTagChars", "tags", func(in *claimtrack.ClaimInput) { in.Tags = []string{"<script>"} }},
		{"ErrTagTooLong", "tags", func(in *claimtrack.ClaimInput) { in.Tags = []string{strings.Repeat("t", 41)} }},
		{"ErrTooManyTags", "tags", func(in *claimtrack.ClaimInput) {
			in.Tags = strings.Split("a,b,c,d,e,f,g,h,i,j,k,l,m", ",")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validClaim()
			tt.mutate(&in)
			in.Normalize()
			assert.NotEmpty(t, fieldOf(t, in.Validate(), tt.field))
		})
	}
	t.Run("LengthCountsCharactersNotBytes", func(t *testing.T) {
		in := validClaim()
		in.Text = strings.Repeat("é", 500)
		require.NoError(t, in.Validate())
	})
	t.Run("NewlinesInTextBecomeSpaces", func(t *testing.T) {
		in := validClaim()
		in.Text = "  A claim\r\nover two lines  "
		in.Normalize()
		assert.Equal(t, "A claim over two lines", in.Text)
	})
}

func TestStatusChange_Validate(t *testing.T) {
	ok := claimtrack.StatusChange{Status: claimtrack.StatusRefuted, Note: "The visit did not happen.", Version: 3}
	require.NoError(t, ok.Validate())

	for name, tt := range map[string]struct {
		field string
		ch    claimtrack.StatusChange
	}{
		"ErrStatusUnknown": {"status", claimtrack.StatusChange{Status: "false", Note: "n", Version: 1}},
		"ErrStatusEmpty":   {"status", claimtrack.StatusChange{Note: "n", Version: 1}},
		"ErrNoteRequired":  {"note", claimtrack.StatusChange{Status: claimtrack.StatusConfirmed, Note: " \n ", Version: 1}},
		"ErrNoteTooLong":   {"note", claimtrack.StatusChange{Status: claimtrack.StatusConfirmed, Note: strings.Repeat("n", 2001), Version: 1}},
		"ErrVersion":       {"version", claimtrack.StatusChange{Status: claimtrack.StatusConfirmed, Note: "n"}},
	} {
		t.Run(name, func(t *testing.T) {
			tt.ch.Normalize()
			assert.NotEmpty(t, fieldOf(t, tt.ch.Validate(), tt.field))
		})
	}
}

func TestStatus(t *testing.T) {
	resolved := map[claimtrack.Status]bool{
		claimtrack.StatusUnverified: false, claimtrack.StatusConfirmed: true, claimtrack.StatusPartlyTrue: true,
		claimtrack.StatusDisputed: false, claimtrack.StatusRefuted: true, claimtrack.StatusRetracted: false,
	}
	require.Len(t, claimtrack.Statuses, len(resolved))
	for _, s := range claimtrack.Statuses {
		assert.True(t, s.Valid(), s)
		assert.Equal(t, resolved[s], s.Resolved(), s)
		assert.NotEqual(t, string(s), s.Label(), "status %s needs a label", s)
	}
	assert.False(t, claimtrack.Status("true").Valid())
}

func TestEvidenceInput_Validate(t *testing.T) {
	valid := func() claimtrack.EvidenceInput {
		return claimtrack.EvidenceInput{SourceID: 1, Stance: claimtrack.StanceDisputes, URL: "https://example.org/a?b=1", PublishedAt: "2025-02-19"}
	}
	ok := valid()
	require.NoError(t, ok.Validate())
	ok = claimtrack.EvidenceInput{SourceName: "Kremlin", SourceKind: claimtrack.SourceOrganisation, Stance: claimtrack.StanceReports}
	require.NoError(t, ok.Validate())

	for name, tt := range map[string]struct {
		field  string
		mutate func(*claimtrack.EvidenceInput)
	}{
		"ErrNoSource":        {"source_id", func(in *claimtrack.EvidenceInput) { in.SourceID = 0 }},
		"ErrBadSourceID":     {"source_id", func(in *claimtrack.EvidenceInput) { in.SourceID = -1 }},
		"ErrBothSources":     {"source_name", func(in *claimtrack.EvidenceInput) { in.SourceName = "Also a name" }},
		"ErrNameTooShort":    {"source_name", func(in *claimtrack.EvidenceInput) { in.SourceID, in.SourceName = 0, "X" }},
		"ErrNewSourceKind":   {"source_kind", func(in *claimtrack.EvidenceInput) { in.SourceID, in.SourceName, in.SourceKind = 0, "New one", "blog" }},
		"ErrStance":          {"stance", func(in *claimtrack.EvidenceInput) { in.Stance = "agrees" }},
		"ErrURLScheme":       {"url", func(in *claimtrack.EvidenceInput) { in.URL = "javascript:alert(1)" }},
		"ErrURLNoHost":       {"url", func(in *claimtrack.EvidenceInput) { in.URL = "https://" }},
		"ErrURLRelative":     {"url", func(in *claimtrack.EvidenceInput) { in.URL = "/claims/1" }},
		"ErrURLTooLong":      {"url", func(in *claimtrack.EvidenceInput) { in.URL = "https://example.org/" + strings.Repeat("a", 2048) }},
		"ErrURLData":         {"url", func(in *claimtrack.EvidenceInput) { in.URL = "data:text/html,<b>x</b>" }},
		"ErrDate":            {"published_at", func(in *claimtrack.EvidenceInput) { in.PublishedAt = "yesterday" }},
		"ErrQuoteTooLong":    {"quote", func(in *claimtrack.EvidenceInput) { in.Quote = strings.Repeat("q", 2001) }},
		"ErrQuoteInvalidUTF": {"quote", func(in *claimtrack.EvidenceInput) { in.Quote = "\xc3\x28" }},
		"ErrViaSelf":         {"via_source_id", func(in *claimtrack.EvidenceInput) { in.ViaSourceID = 1 }},
		"ErrNoteControl":     {"note", func(in *claimtrack.EvidenceInput) { in.Note = "bell \a" }},
	} {
		t.Run(name, func(t *testing.T) {
			in := valid()
			tt.mutate(&in)
			in.Normalize()
			assert.NotEmpty(t, fieldOf(t, in.Validate(), tt.field))
		})
	}
}

func TestSourceInput_Validate(t *testing.T) {
	in := claimtrack.SourceInput{Name: "  Dmitry   Peskov ", Kind: claimtrack.SourcePerson, Role: "Kremlin spokesman"}
	in.Normalize()
	require.NoError(t, in.Validate())
	assert.Equal(t, "Dmitry Peskov", in.Name)
	assert.Equal(t, claimtrack.SourceNameKey("dmitry PESKOV"), claimtrack.SourceNameKey(in.Name))

	bad := claimtrack.SourceInput{Name: "", Kind: "blogger", URL: "ftp://example.org", Role: strings.Repeat("r", 201)}
	bad.Normalize()
	err := bad.Validate()
	for _, field := range []string{"name", "kind", "url", "role"} {
		assert.NotEmpty(t, fieldOf(t, err, field), field)
	}
}

func TestErrorHelpers(t *testing.T) {
	assert.Equal(t, "", claimtrack.ErrorCode(nil))
	assert.Equal(t, claimtrack.EINTERNAL, claimtrack.ErrorCode(assert.AnError))
	assert.Equal(t, "Internal error.", claimtrack.ErrorMessage(assert.AnError), "driver text must never reach users")
	err := claimtrack.Errorf(claimtrack.ENOTFOUND, "Claim %d not found.", 7)
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))
	assert.Equal(t, "Claim 7 not found.", claimtrack.ErrorMessage(err))
}
