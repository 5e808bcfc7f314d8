package views

import (
	"strconv"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func record(agreeHalves, disagreeHalves, open int) claimtrack.SourceRecord {
	c := claimtrack.Credit{AgreeHalves: agreeHalves, DisagreeHalves: disagreeHalves, Open: open}
	return claimtrack.SourceRecord{Credit: c, Score: claimtrack.ScoreOf(c)}
}

func TestReliabilitySentence(t *testing.T) {
	tests := []struct {
		rec  claimtrack.SourceRecord
		asOf bool
		want string
	}{
		{record(0, 0, 0), false, "This source has not taken a side on any claim yet, so there is nothing to judge it by."},
		{record(0, 0, 3), false, "None of the 3 claims this source took a side on has a verdict yet, so there is nothing to judge it by."},
		{record(0, 0, 3), true, "By then no claim this source took a side on had a verdict, so there was nothing to judge it by."},
		{record(0, 2, 0), false, "The one checked claim this source took a side on did not go its way. That is too few for a score: it takes 3."},
		{record(1, 1, 0), false, "The one checked claim this source took a side on was found partly true. That is too few for a score: it takes 3. " +
			"A claim found partly true counts half each way."},
		{record(3, 1, 2), false, "Of the 2 checked claims this source took a side on, 1½ went its way. That is too few for a score: it takes 3. " +
			"2 more claims it took a side on await a verdict. A claim found partly true counts half each way."},
		{record(3, 1, 2), true, "Of the 2 checked claims this source took a side on, 1½ went its way. That is too few for a score: it takes 3. " +
			"A claim found partly true counts half each way."},
		// The example: 5 of 7.
		{record(10, 4, 1), false, "Of the 7 checked claims this source took a side on, 5 went its way. " +
			"With so few, the true rate could be anywhere from 40% to 89%. 1 more claim it took a side on awaits a verdict."},
		// Enough verdicts for a narrow interval.
		{record(80, 20, 0), false, "Of the 50 checked claims this source took a side on, 40 went its way. " +
			"The true rate is most likely between 69% and 87%."},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ReliabilitySentence(tt.rec, tt.asOf), "%+v", tt.rec.Credit)
	}
}

func TestStandingOf(t *testing.T) {
	assert.Equal(t, NoRecord, StandingOf(record(0, 0, 5)))
	assert.Equal(t, FewVerdicts, StandingOf(record(0, 2, 0)))
	assert.Equal(t, FewVerdicts, StandingOf(record(1, 3, 0)))
	assert.Equal(t, Scored, StandingOf(record(3, 3, 0)))
	assert.Equal(t, "1½ of 2 went its way", wentItsWay(record(3, 1, 0).Credit))
}

// The time axis: dates when the changes span days, times of day when they
// fall on one, and labels that always differ.
func TestTimeTicks(t *testing.T) {
	day := time.Date(2025, 5, 9, 14, 5, 0, 0, time.UTC)
	labels := func(first, last time.Time, n int) []string {
		var out []string
		for _, tk := range timeTicks(first, last, n) {
			out = append(out, tk.label)
		}
		return out
	}
	assert.Equal(t, []string{"9 May 2025", "10 Jun 2025", "12 Jul 2025"}, labels(day, day.AddDate(0, 0, 64), 3))
	assert.Equal(t, []string{"9 May 14:05", "9 May 20:05", "10 May 02:05"}, labels(day, day.Add(12*time.Hour), 3))
	assert.Equal(t, []string{"14:05", "14:35", "15:05"}, labels(day, day.Add(time.Hour), 3))
	assert.Equal(t, []string{"14:05:00", "14:05:01", "14:05:02", "14:05:03", "14:05:04"}, labels(day, day.Add(4*time.Second), 5))
	assert.Equal(t, []string{"14:05:00.000", "14:05:00.010", "14:05:00.020"}, labels(day, day.Add(20*time.Millisecond), 3))
	// Closer than the finest format: a repeated label is left out.
	assert.Equal(t, []string{"14:05:00.000", "", ""}, labels(day, day.Add(time.Microsecond), 3))
}

// A chart is drawn from 5 scored points on, and only the scored points;
// the ticks sit on the axis in time order.
func TestScoreCharts(t *testing.T) {
	start := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	var points []claimtrack.ScorePoint
	var credit claimtrack.Credit
	for i := range 7 {
		credit = credit.Add(claimtrack.Credit{AgreeHalves: 2})
		points = append(points, claimtrack.ScorePoint{N: i + 1, At: start.AddDate(0, 0, i*i), Credit: credit, Score: claimtrack.ScoreOf(credit)})
	}
	assert.Nil(t, ScoreCharts(points[:6], 6), "4 scored points: the table alone")
	charts := ScoreCharts(points, 7)
	require.Len(t, charts, 2)
	for _, c := range charts {
		require.Len(t, c.Points, 5, c.Name)
		assert.Equal(t, 3, c.Points[0].N, "%s: the first point with a score", c.Name)
		first, _ := strconv.ParseFloat(c.Points[0].X, 64)
		last, _ := strconv.ParseFloat(c.Points[4].X, 64)
		mid, _ := strconv.ParseFloat(c.Points[1].X, 64) // 5 of 32 days in
		assert.InDelta(t, first+(last-first)*5.0/32, mid, 0.1, "%s: placed by date", c.Name)
		assert.Equal(t, c.Left, c.Points[0].X[:len(c.Left)], c.Name)
		var prev float64
		for i, tk := range c.Ticks {
			x, err := strconv.ParseFloat(tk.X, 64)
			require.NoError(t, err)
			assert.Greater(t, x, prev-0.01, "%s: tick %d in order", c.Name, i)
			prev = x
		}
	}
	assert.Len(t, charts[0].Ticks, 5)
	assert.Len(t, charts[1].Ticks, 3, "fewer dates on a phone")
	assert.Equal(t, "Dates in UTC.", chartNote(charts))

	// All at one moment: no time axis, no chart.
	same := append([]claimtrack.ScorePoint(nil), points...)
	for i := range same {
		same[i].At = start
	}
	assert.Nil(t, ScoreCharts(same, 7))
}
