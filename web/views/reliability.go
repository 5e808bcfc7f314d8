package views

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// SourcesURL is the sources list in the given order at the given page.
func SourcesURL(sort string, page int) string {
	v := url.Values{}
	if sort != "" && sort != claimtrack.SortByName {
		v.Set("sort", sort)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/sources"
	}
	return "/sources?" + v.Encode()
}

// SourcesAsOfURL is the sources list as of a moment, at a page.
func SourcesAsOfURL(asOf string, page int) string {
	v := url.Values{"as_of": {asOf}}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "/sources?" + v.Encode()
}

// pct writes a share as a whole percentage.
func pct(f float64) string { return strconv.Itoa(int(math.Round(f*100))) + "%" }

// halves writes a count that may end in a half: "2", "1½", "½".
func halves(n int) string {
	whole, half := n/2, n%2 == 1
	switch {
	case !half:
		return strconv.Itoa(whole)
	case whole == 0:
		return "½"
	}
	return strconv.Itoa(whole) + "½"
}

// scoreClass is the badge colour of a record: grey while there are too few
// resolved claims, then by the interval's lower bound.
func scoreClass(r *claimtrack.SourceRecord) string {
	switch {
	case r == nil || !r.Score.Enough:
		return "score score-few"
	case r.Score.Low >= 0.6:
		return "score score-good"
	case r.Score.Low >= 0.3:
		return "score score-mid"
	}
	return "score score-poor"
}

// intervalText is a score's interval in words.
func intervalText(s claimtrack.Score) string {
	return "90% interval " + pct(s.Low) + " to " + pct(s.High)
}

// scoreTitle is a badge's tooltip.
func scoreTitle(r *claimtrack.SourceRecord) string {
	t := "Reliability " + pct(r.Score.Mean) + ", " + intervalText(r.Score) + ", from " +
		halves(r.Credit.AgreeHalves) + " agreeing and " + halves(r.Credit.DisagreeHalves) + " disagreeing resolved claims"
	if !r.Score.Enough {
		t += ": too few resolved claims to judge"
	}
	return t
}

// ReliabilitySentence explains a source's record in plain words.
func ReliabilitySentence(r claimtrack.SourceRecord) string {
	resolved := r.Credit.AgreeHalves + r.Credit.DisagreeHalves
	var b strings.Builder
	if resolved == 0 {
		b.WriteString("None of the claims this source took a side on has a verdict yet")
	} else {
		b.WriteString(halves(r.Credit.AgreeHalves) + " of " + halves(resolved) + " resolved " + noun(resolved, "claim") +
			" this source took a side on went its way: it asserted or supported what was confirmed, or disputed what was refuted")
	}
	switch {
	case r.Credit.Open == 1:
		b.WriteString("; 1 more awaits a verdict")
	case r.Credit.Open > 1:
		b.WriteString("; " + strconv.Itoa(r.Credit.Open) + " more await a verdict")
	}
	b.WriteString(".")
	if r.Credit.AgreeHalves%2 == 1 || r.Credit.DisagreeHalves%2 == 1 {
		b.WriteString(" A claim found partly true counts half each way.")
	}
	return b.String()
}

// noun is word in the plural unless halves is exactly one claim.
func noun(halves int, word string) string {
	if halves == 2 {
		return word
	}
	return word + "s"
}

// Chart is the geometry of a score chart, in the SVG's own units.
type Chart struct {
	Width, Height int
	Points        []ChartPoint
	Line          string // the mean, as polyline points
	Band          string // the interval, as polygon points
	First, Last   time.Time
	Total         int // changes in all; more than len(Points) when sampled
}

// ChartPoint is one drawn point with what it stands for.
type ChartPoint struct {
	X, Y, YLow, YHigh string
	claimtrack.ScorePoint
}

// Chart margins: room for the percent labels on the left and the dates below.
const (
	chartWidth, chartHeight         = 640, 220
	chartLeft, chartRight           = 44, 12
	chartTop, chartBottom           = 12, 28
	chartPlotWidth, chartPlotHeight = chartWidth - chartLeft - chartRight, chartHeight - chartTop - chartBottom
	chartPlotBottom                 = chartTop + chartPlotHeight
)

// NewChart lays out points, spaced evenly in the order of the changes.
func NewChart(points []claimtrack.ScorePoint, total int) Chart {
	c := Chart{Width: chartWidth, Height: chartHeight, Total: total}
	if len(points) == 0 {
		return c
	}
	c.First, c.Last = points[0].At, points[len(points)-1].At
	y := func(v float64) float64 { return chartTop + (1-v)*chartPlotHeight }
	var line, upper, lower []string
	for i, p := range points {
		x := float64(chartLeft + chartPlotWidth/2)
		if len(points) > 1 {
			x = chartLeft + float64(i)*chartPlotWidth/float64(len(points)-1)
		}
		cp := ChartPoint{X: coord(x), Y: coord(y(p.Score.Mean)), YLow: coord(y(p.Score.Low)), YHigh: coord(y(p.Score.High)), ScorePoint: p}
		c.Points = append(c.Points, cp)
		line = append(line, cp.X+","+cp.Y)
		upper = append(upper, cp.X+","+cp.YHigh)
		lower = append(lower, cp.X+","+cp.YLow)
	}
	for i, j := 0, len(lower)-1; i < j; i, j = i+1, j-1 {
		lower[i], lower[j] = lower[j], lower[i]
	}
	c.Line = strings.Join(line, " ")
	c.Band = strings.Join(append(upper, lower...), " ")
	return c
}

func coord(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// gridY is where a share sits on the chart's vertical axis.
func gridY(v float64) string { return coord(chartTop + (1-v)*chartPlotHeight) }

func chartLeftX() string  { return strconv.Itoa(chartLeft) }
func chartRightX() string { return strconv.Itoa(chartWidth - chartRight) }
func chartDateY() string  { return strconv.Itoa(chartPlotBottom + 20) }

// share3 writes a share with three decimals, for data attributes.
func share3(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }

// barX is where a share sits on an interval bar 100 units wide.
func barX(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) }

// barWidth is the width of an interval on the bar.
func barWidth(s claimtrack.Score) string { return strconv.FormatFloat((s.High-s.Low)*100, 'f', 1, 64) }

func shortDate(t time.Time) string { return t.UTC().Format("2 Jan 2006") }

// changeKind names what made a change of a source's record, for the page's
// data attributes: "removed" for a link taken off (or edited off the
// source), "edited" for another edit of a link, "counted" otherwise.
func changeKind(ch *claimtrack.ScoreChange) string {
	switch {
	case ch.Removed:
		return "removed"
	case ch.Edited:
		return "edited"
	}
	return "counted"
}
