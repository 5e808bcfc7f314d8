package claimtrack_test

import (
	"slices"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
)

func TestLinkCredit(t *testing.T) {
	agree, disagree, half, open, none :=
		claimtrack.Credit{AgreeHalves: 2}, claimtrack.Credit{DisagreeHalves: 2},
		claimtrack.Credit{AgreeHalves: 1, DisagreeHalves: 1}, claimtrack.Credit{Open: 1}, claimtrack.Credit{}
	tests := []struct {
		stance claimtrack.Stance
		status claimtrack.Status
		want   claimtrack.Credit
	}{
		{claimtrack.StanceAsserts, claimtrack.StatusConfirmed, agree},
		{claimtrack.StanceSupports, claimtrack.StatusConfirmed, agree},
		{claimtrack.StanceDisputes, claimtrack.StatusConfirmed, disagree},
		{claimtrack.StanceAsserts, claimtrack.StatusRefuted, disagree},
		{claimtrack.StanceSupports, claimtrack.StatusRefuted, disagree},
		{claimtrack.StanceDisputes, claimtrack.StatusRefuted, agree},
		// Partly true: half each way, whatever side the source took.
		{claimtrack.StanceAsserts, claimtrack.StatusPartlyTrue, half},
		{claimtrack.StanceDisputes, claimtrack.StatusPartlyTrue, half},
		// Open claims only count as open.
		{claimtrack.StanceAsserts, claimtrack.StatusUnverified, open},
		{claimtrack.StanceDisputes, claimtrack.StatusDisputed, open},
		{claimtrack.StanceSupports, claimtrack.StatusRetracted, open},
		// Reporting a claim takes no side and never counts.
		{claimtrack.StanceReports, claimtrack.StatusConfirmed, none},
		{claimtrack.StanceReports, claimtrack.StatusRefuted, none},
		{claimtrack.StanceReports, claimtrack.StatusPartlyTrue, none},
		{claimtrack.StanceReports, claimtrack.StatusUnverified, none},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, claimtrack.LinkCredit(tt.stance, tt.status), "%s on a %s claim", tt.stance, tt.status)
	}
}

// A source's record is the sum of its links' credits; a link relayed "via"
// another source credits both (the storage adds the same credit to each).
func TestCredit_Sum(t *testing.T) {
	links := []struct {
		stance claimtrack.Stance
		status claimtrack.Status
	}{
		{claimtrack.StanceAsserts, claimtrack.StatusConfirmed},
		{claimtrack.StanceAsserts, claimtrack.StatusRefuted},
		{claimtrack.StanceAsserts, claimtrack.StatusRefuted},
		{claimtrack.StanceSupports, claimtrack.StatusPartlyTrue},
		{claimtrack.StanceReports, claimtrack.StatusConfirmed},
		{claimtrack.StanceDisputes, claimtrack.StatusUnverified},
	}
	var outlet, relayed claimtrack.Credit
	for _, l := range links {
		c := claimtrack.LinkCredit(l.stance, l.status)
		outlet, relayed = outlet.Add(c), relayed.Add(c)
	}
	assert.Equal(t, outlet, relayed)
	assert.Equal(t, 1.5, outlet.Agree())
	assert.Equal(t, 2.5, outlet.Disagree())
	assert.Equal(t, 4.0, outlet.Resolved())
	assert.Equal(t, 1, outlet.Open)

	// Taking back a credit (a verdict that changed) restores the record.
	c := claimtrack.LinkCredit(claimtrack.StanceAsserts, claimtrack.StatusRefuted)
	assert.Equal(t, outlet, outlet.Add(c).Sub(c))
}

// The reference values are the quantiles of Beta(1+agree, 1+disagree)
// computed independently of gonum: for integer parameters the Beta CDF is a
// binomial tail, I_x(a, b) = P(Binomial(a+b-1, x) >= a), which was solved for
// 0.05 and 0.95 by bisection to 1e-12 (Python, math.comb). Beta(1,1) is the
// uniform distribution and Beta(11,1) has the closed form x^11, which check
// the method.
func TestScoreOf(t *testing.T) {
	tests := []struct {
		agree, disagree int
		mean, low, high float64
		enough          bool
	}{
		{0, 0, 0.500, 0.050, 0.950, false},
		{3, 1, 0.667, 0.343, 0.924, true},
		{10, 0, 0.917, 0.762, 0.995, true},
		{50, 50, 0.500, 0.419, 0.581, true},
		{1, 2, 0.400, 0.098, 0.751, true},
		{0, 2, 0.250, 0.017, 0.632, false},
		{1, 0, 0.667, 0.224, 0.975, false},
	}
	for _, tt := range tests {
		s := claimtrack.ScoreOf(claimtrack.Credit{AgreeHalves: 2 * tt.agree, DisagreeHalves: 2 * tt.disagree})
		assert.InDelta(t, tt.mean, s.Mean, 0.0005, "mean of (%d, %d)", tt.agree, tt.disagree)
		assert.InDelta(t, tt.low, s.Low, 0.0005, "low of (%d, %d)", tt.agree, tt.disagree)
		assert.InDelta(t, tt.high, s.High, 0.0005, "high of (%d, %d)", tt.agree, tt.disagree)
		assert.Equal(t, tt.enough, s.Enough, "enough for (%d, %d)", tt.agree, tt.disagree)
	}
	// Halves: one partly-true verdict is Beta(1.5, 1.5), symmetric.
	s := claimtrack.ScoreOf(claimtrack.Credit{AgreeHalves: 1, DisagreeHalves: 1})
	assert.InDelta(t, 0.5, s.Mean, 1e-9)
	assert.InDelta(t, 1, s.Low+s.High, 1e-9)
	assert.False(t, s.Enough)
	// Three resolved links in halves are enough.
	assert.True(t, claimtrack.ScoreOf(claimtrack.Credit{AgreeHalves: 3, DisagreeHalves: 3}).Enough)
}

func TestCompareScores(t *testing.T) {
	score := func(a, d int) claimtrack.Score {
		return claimtrack.ScoreOf(claimtrack.Credit{AgreeHalves: 2 * a, DisagreeHalves: 2 * d})
	}
	fifty := score(50, 5)  // a long good record
	lucky := score(2, 0)   // a perfect ratio on too few claims
	three := score(3, 0)   // just enough
	mixed := score(10, 10) // enough, middling
	bad := score(0, 20)    // enough, poor
	unknown := score(0, 0) // nothing resolved
	poorFew := score(0, 2) // too few, poor
	got := []claimtrack.Score{unknown, bad, lucky, mixed, poorFew, three, fifty}
	slices.SortStableFunc(got, claimtrack.CompareScores)
	assert.Equal(t, []claimtrack.Score{fifty, three, mixed, bad, lucky, unknown, poorFew}, got)
}

// A claim whose kind changes moves each link's credit, and each source's
// count of the claim, from one part of the record to the other; the whole
// record does not move. A damaged record below zero still scores.
func TestKindChanged(t *testing.T) {
	links := []claimtrack.Link{
		{Source: 1, Via: 2, Stance: claimtrack.StanceAsserts, Kind: claimtrack.RecordForecasts},
		{Source: 1, Stance: claimtrack.StanceDisputes, Kind: claimtrack.RecordForecasts},
		{Source: 3, Stance: claimtrack.StanceReports, Kind: claimtrack.RecordForecasts},
	}
	var rec claimtrack.SourceRecord
	for _, l := range links {
		for _, m := range claimtrack.LinkAdded(l, claimtrack.StatusRefuted) {
			if m.SourceID == 1 {
				rec.Apply(m, 0)
			}
		}
	}
	rec.Forecasts.Claims, rec.Claims = 1, 1
	whole := rec
	moves := claimtrack.KindChanged(links, claimtrack.RecordForecasts, claimtrack.RecordStatements, claimtrack.StatusRefuted)
	for _, m := range moves {
		if m.SourceID == 1 {
			assert.False(t, rec.Apply(m, 0), "no change of the whole record")
		}
	}
	assert.Equal(t, whole.Credit, rec.Credit)
	assert.Equal(t, whole.Changes, rec.Changes)
	assert.Equal(t, claimtrack.KindRecord{}, rec.Forecasts)
	assert.Equal(t, whole.Forecasts.Credit, rec.Statements.Credit)
	assert.Equal(t, 1, rec.Statements.Claims, "the claim counted once, though two links name the source")
	assert.Empty(t, claimtrack.KindChanged(links, claimtrack.RecordForecasts, claimtrack.RecordForecasts, claimtrack.StatusRefuted))
	assert.Equal(t, claimtrack.RecordStatements, claimtrack.RecordKindOf(claimtrack.KindQuote))
	assert.Equal(t, claimtrack.RecordForecasts, claimtrack.RecordKindOf(claimtrack.KindForecast))

	s := claimtrack.ScoreOf(claimtrack.Credit{AgreeHalves: -2})
	assert.Equal(t, claimtrack.ScoreOf(claimtrack.Credit{}), s)
}

// A record has verdicts as soon as one link is on a claim with a verdict,
// a partly-true one included; open links and reports do not count.
func TestCredit_HasVerdicts(t *testing.T) {
	assert.False(t, claimtrack.Credit{}.HasVerdicts())
	assert.False(t, claimtrack.Credit{Open: 4}.HasVerdicts())
	assert.False(t, claimtrack.LinkCredit(claimtrack.StanceReports, claimtrack.StatusConfirmed).HasVerdicts())
	assert.True(t, claimtrack.LinkCredit(claimtrack.StanceAsserts, claimtrack.StatusRefuted).HasVerdicts())
	assert.True(t, claimtrack.LinkCredit(claimtrack.StanceDisputes, claimtrack.StatusRefuted).HasVerdicts())
	assert.True(t, claimtrack.LinkCredit(claimtrack.StanceSupports, claimtrack.StatusPartlyTrue).HasVerdicts())
	// A verdict taken back leaves no record.
	c := claimtrack.LinkCredit(claimtrack.StanceAsserts, claimtrack.StatusConfirmed)
	assert.False(t, c.Sub(c).HasVerdicts())
}
