package sqlite

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The direct reader of event values gives what encoding/json gives, for what
// json.Marshal writes and for anything else.
func FuzzDecodeFields(f *testing.F) {
	for _, m := range []map[string]string{{}, {"text": "Trump will travel to Moscow"},
		{"a": `quote " and \ back`, "b": "<script>&</script>", "c": "line\nbreak\ttab\u2028", "d": "é “curly” 😀"},
		{"note": "\x00\x1f", "bad": "\xff"}} {
		b, err := json.Marshal(m)
		require.NoError(f, err)
		f.Add(string(b))
	}
	for _, s := range []string{"", "{", "}", "null", `{"a":1}`, `{"a":"b",}`, `{ "a" : "b" }`, `{"a":"\ud83d\ude00"}`, `{"a":"\ud83d"}`,
		`{"a":"\ude00x"}`, `{"a":"\u00e9\/"}`, `{"a":"\x"}`, `{"a":"b"}x`, `{"a":"b","a":"c"}`, "{\"a\":\"\xff\"}", `{"a":"\u12"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want map[string]string
		wantErr := json.Unmarshal([]byte(s), &want)
		got, err := decodeFields(s)
		if wantErr != nil {
			assert.Error(t, err, "%q", s)
			return
		}
		require.NoError(t, err, "%q", s)
		assert.Equal(t, want, got, "%q", s)
	})
}

func TestParseStamp(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"2025-05-09T14:30:00.123456Z", "2000-02-29T00:00:00.000000Z", "1999-12-31T23:59:59.999999Z",
		"2026-12-03T12:01:51.529Z", "2026-12-03T12:01:51.5Z", "2026-12-03T12:01:51.123456789Z"} {
		want, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err)
		got, ok := parseStamp(s)
		assert.True(t, ok, s)
		assert.True(t, want.Equal(got), s)
		assert.Equal(t, time.UTC, got.Location())
	}
	for _, s := range []string{"", "2025-05-09T14:30:00Z", "2025-02-30T14:30:00.000000Z", "2025-13-09T14:30:00.000000Z",
		"2025-05-09 14:30:00.000000Z", "2025-05-09T24:30:00.000000Z", "20x5-05-09T14:30:00.000000Z",
		"2025-05-09T14:30:00.Z", "2025-05-09T14:30:00.1234567890Z", "2025-05-09T14:30:00.12a456Z"} {
		_, ok := parseStamp(s)
		assert.False(t, ok, s)
	}
	// Times in another layout still parse, through the general parser.
	assert.Equal(t, time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC), parseTime("2025-05-09T14:30:00Z"))
}
