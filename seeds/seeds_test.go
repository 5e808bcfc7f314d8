package seeds_test

import (
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/seeds"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVictoryDayDataset(t *testing.T) {
	imp, err := seeds.Dataset("victory-day.json")
	require.NoError(t, err)
	require.NoError(t, imp.Validate())
	require.Len(t, imp.Claims, 8)

	listed := map[string]bool{}
	for _, s := range imp.Sources {
		listed[claimtrack.SourceNameKey(s.Name)] = true
	}
	for i, c := range imp.Claims {
		require.NotEmpty(t, c.Evidence, "claim %d has a source", i+1)
		assert.Equal(t, claimtrack.StanceAsserts, c.Evidence[0].Stance, "claim %d: its first link asserts it", i+1)
		for _, e := range c.Evidence {
			assert.True(t, listed[claimtrack.SourceNameKey(e.Source)], "claim %d names unlisted source %q", i+1, e.Source)
			if e.Via != "" {
				assert.True(t, listed[claimtrack.SourceNameKey(e.Via)], "claim %d names unlisted via %q", i+1, e.Via)
			}
			// Quotations stay short: the dataset describes the report in its own words.
			assert.LessOrEqual(t, len(strings.Fields(e.Quote)), 15, "claim %d quotes too much", i+1)
		}
	}
	assert.Equal(t, "Le Point", imp.Claims[0].Evidence[0].Source)
	assert.Equal(t, "Unnamed sources cited by Le Point", imp.Claims[0].Evidence[0].Via)
	assert.Equal(t, claimtrack.KindForecast, imp.Claims[0].Claim.Kind)
	assert.Equal(t, "2025-05-09", imp.Claims[0].Claim.DueDate)
}

func TestDataset_Unknown(t *testing.T) {
	_, err := seeds.Dataset("nope.json")
	assert.Error(t, err)
}
