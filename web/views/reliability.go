package views

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
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

// Standing is how much a source's record can say: nothing yet, counts
// only, or a score with its interval.
type Standing int

const (
	// NoRecord: no claim the source took a side on has a verdict.
	NoRecord Standing = iota
	// FewVerdicts: fewer than claimtrack.ReliabilityMin checked claims; the
	// counts are shown, no percentage.
	FewVerdicts
	// Scored: enough checked claims for a score and its interval.
	Scored
)

// StandingOf is the standing of a record.
func StandingOf(r claimtrack.SourceRecord) Standing {
	switch {
	case !r.Credit.HasVerdicts():
		return NoRecord
	case !r.Score.Enough:
		return FewVerdicts
	}
	return Scored
}

// standingName names a standing for the pages' data attributes.
func standingName(s Standing) string {
	return [...]string{"none", "few", "scored"}[s]
}

// scoreClass is the badge colour of a record: grey without a score, then by
// the interval's lower bound.
func scoreClass(r *claimtrack.SourceRecord) string {
	switch {
	case StandingOf(*r) == NoRecord:
		return "score score-none"
	case !r.Score.Enough:
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

// intervalShort is a score's interval in short: "52–88%".
func intervalShort(s claimtrack.Score) string {
	return strconv.Itoa(int(math.Round(s.Low*100))) + "–" + pct(s.High)
}

// wentItsWay says how many of a record's checked claims went the source's
// way: "1 of 2 went its way".
func wentItsWay(c claimtrack.Credit) string {
	return halves(c.AgreeHalves) + " of " + halves(c.AgreeHalves+c.DisagreeHalves) + " went its way"
}

// scoreTitle is a badge's tooltip.
func scoreTitle(r *claimtrack.SourceRecord) string {
	switch StandingOf(*r) {
	case NoRecord:
		return "No claim this source took a side on has a verdict yet"
	case FewVerdicts:
		return "Of the " + checked(r.Credit) + " this source took a side on, " + halves(r.Credit.AgreeHalves) +
			" went its way: too few for a score"
	}
	return "Reliability " + pct(r.Score.Mean) + ", " + intervalText(r.Score) + ", from " + checked(r.Credit)
}

// checked is the number of checked claims behind a record: "1 checked
// claim", "7 checked claims".
func checked(c claimtrack.Credit) string {
	n := c.AgreeHalves + c.DisagreeHalves
	return halves(n) + " checked " + noun(n, "claim")
}

// ReliabilitySentence explains a source's record in plain words: what the
// counts say, how far the score can be trusted, and what awaits a verdict.
// A record as of a past moment knows nothing of open claims.
func ReliabilitySentence(r claimtrack.SourceRecord, asOf bool) string {
	var b strings.Builder
	c := r.Credit
	if asOf {
		c.Open = 0
	}
	switch StandingOf(r) {
	case NoRecord:
		switch {
		case asOf:
			b.WriteString("By then no claim this source took a side on had a verdict, so there was nothing to judge it by.")
		case c.Open == 0:
			b.WriteString("This source has not taken a side on any claim yet, so there is nothing to judge it by.")
		case c.Open == 1:
			b.WriteString("The one claim this source took a side on has no verdict yet, so there is nothing to judge it by.")
		default:
			b.WriteString("None of the " + strconv.Itoa(c.Open) + " claims this source took a side on has a verdict yet, " +
				"so there is nothing to judge it by.")
		}
		return b.String()
	case FewVerdicts:
		if c.AgreeHalves+c.DisagreeHalves == 2 {
			switch c.AgreeHalves {
			case 2:
				b.WriteString("The one checked claim this source took a side on went its way.")
			case 0:
				b.WriteString("The one checked claim this source took a side on did not go its way.")
			default:
				b.WriteString("The one checked claim this source took a side on was found partly true.")
			}
		} else {
			b.WriteString("Of the " + checked(c) + " this source took a side on, " + halves(c.AgreeHalves) + " went its way.")
		}
		b.WriteString(" That is too few for a score: it takes " + strconv.Itoa(claimtrack.ReliabilityMin) + ".")
	case Scored:
		b.WriteString("Of the " + checked(c) + " this source took a side on, " + halves(c.AgreeHalves) + " went its way.")
		if r.Score.High-r.Score.Low > 0.3 {
			b.WriteString(" With so few, the true rate could be anywhere from " + pct(r.Score.Low) + " to " + pct(r.Score.High) + ".")
		} else {
			b.WriteString(" The true rate is most likely between " + pct(r.Score.Low) + " and " + pct(r.Score.High) + ".")
		}
	}
	switch {
	case c.Open == 1:
		b.WriteString(" 1 more claim it took a side on awaits a verdict.")
	case c.Open > 1:
		b.WriteString(" " + strconv.Itoa(c.Open) + " more claims it took a side on await a verdict.")
	}
	if c.AgreeHalves%2 == 1 || c.DisagreeHalves%2 == 1 {
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

// ChartMinPoints is how many scored points a chart needs: below it the
// record's changes are shown as a table alone.
const ChartMinPoints = 5

// Chart is the geometry of a score chart, in the SVG's own units, at one of
// two widths (the narrow one for phones).
type Chart struct {
	Name          string // "wide" or "narrow": the class and the ids of its title and description
	Width, Height int
	Points        []ChartPoint
	Line          string // the mean, as polyline points
	Band          string // the interval, as polygon points
	Ticks         []ChartTick
	Grid          []ChartTick // the horizontal grid lines, labelled 0%, 50%, 100%
	First, Last   time.Time
	Total         int // changes in all
	Sampled       int // points read, fewer than Total when they were spread
	LabelX        string
	TickY         string // the baseline of the dates
	TickEnd       string // the lower end of the tick marks
	Left, Right   string
}

// ChartPoint is one drawn point with what it stands for.
type ChartPoint struct {
	X, Y, YLow, YHigh string
	claimtrack.ScorePoint
}

// ChartTick is one label of an axis, where it sits and how it is anchored.
type ChartTick struct {
	X, Y   string
	Label  string
	Anchor string
}

// chartLayout is the frame of a chart at one width.
type chartLayout struct {
	name                     string
	width, height            int
	left, right, top, bottom int
	ticks                    int // labels on the time axis
}

var (
	wideChart   = chartLayout{name: "wide", width: 640, height: 230, left: 44, right: 16, top: 12, bottom: 34, ticks: 5}
	narrowChart = chartLayout{name: "narrow", width: 360, height: 240, left: 48, right: 14, top: 12, bottom: 34, ticks: 3}
)

// ScoreCharts are the charts of a record's changes: none when fewer than
// ChartMinPoints of them came with a score, or when they all fall at one
// moment (a time axis would have no length); else the wide chart and the
// narrow one. Only the points with a score are drawn.
func ScoreCharts(points []claimtrack.ScorePoint, total int) []Chart {
	var scored []claimtrack.ScorePoint
	for _, p := range points {
		if p.Score.Enough {
			scored = append(scored, p)
		}
	}
	if len(scored) < ChartMinPoints || !scored[len(scored)-1].At.After(scored[0].At) {
		return nil
	}
	return []Chart{newChart(wideChart, scored, total, len(points)), newChart(narrowChart, scored, total, len(points))}
}

// newChart lays out points on a time axis.
func newChart(l chartLayout, points []claimtrack.ScorePoint, total, sampled int) Chart {
	plotW, plotH := float64(l.width-l.left-l.right), float64(l.height-l.top-l.bottom)
	bottom := float64(l.top) + plotH
	c := Chart{Name: l.name, Width: l.width, Height: l.height, Total: total, Sampled: sampled,
		First: points[0].At, Last: points[len(points)-1].At,
		Left: strconv.Itoa(l.left), Right: strconv.Itoa(l.width - l.right), LabelX: strconv.Itoa(l.left - 8),
		TickY: coord(bottom + 20), TickEnd: coord(bottom + 5)}
	span := c.Last.Sub(c.First)
	x := func(t time.Time) float64 { return float64(l.left) + float64(t.Sub(c.First))/float64(span)*plotW }
	y := func(v float64) float64 { return float64(l.top) + (1-v)*plotH }
	var line, upper, lower []string
	for _, p := range points {
		cp := ChartPoint{X: coord(x(p.At)), Y: coord(y(p.Score.Mean)), YLow: coord(y(p.Score.Low)), YHigh: coord(y(p.Score.High)), ScorePoint: p}
		c.Points = append(c.Points, cp)
		line = append(line, cp.X+","+cp.Y)
		upper = append(upper, cp.X+","+cp.YHigh)
		lower = append(lower, cp.X+","+cp.YLow)
	}
	slices.Reverse(lower)
	c.Line = strings.Join(line, " ")
	c.Band = strings.Join(append(upper, lower...), " ")
	for _, v := range []float64{0, 0.5, 1} {
		c.Grid = append(c.Grid, ChartTick{Y: coord(y(v)), Label: pct(v)})
	}
	for i, t := range timeTicks(c.First, c.Last, l.ticks) {
		anchor := "middle"
		switch i {
		case 0:
			anchor = "start"
		case l.ticks - 1:
			anchor = "end"
		}
		if t.label != "" {
			c.Ticks = append(c.Ticks, ChartTick{X: coord(x(t.at)), Y: c.TickY, Label: t.label, Anchor: anchor})
		}
	}
	return c
}

type timeTick struct {
	at    time.Time
	label string
}

// The formats of the time axis, coarsest first: the axis uses the first
// that tells its ticks apart. Changes that all fall on one day are told
// apart by their times alone, and the day is said once, under the chart.
var (
	tickFormats      = []string{"2 Jan 2006", "2 Jan 15:04", "2 Jan 15:04:05"}
	tickFormatsOfDay = []string{"15:04", "15:04:05", "15:04:05.000"}
)

// timeTicks are n moments evenly spread from first to last, labelled with
// the coarsest format that gives them different labels. When even that does
// not tell them apart, a label equal to the one before it is left empty.
func timeTicks(first, last time.Time, n int) []timeTick {
	ticks := make([]timeTick, n)
	for i := range ticks {
		ticks[i].at = first.Add(time.Duration(float64(last.Sub(first)) * float64(i) / float64(n-1)))
	}
	formats := tickFormats
	if oneDay(first, last) {
		formats = tickFormatsOfDay
	}
	for _, f := range formats {
		seen, distinct := map[string]bool{}, true
		for i := range ticks {
			ticks[i].label = ticks[i].at.UTC().Format(f)
			distinct = distinct && !seen[ticks[i].label]
			seen[ticks[i].label] = true
		}
		if distinct {
			return ticks
		}
	}
	for i := len(ticks) - 1; i > 0; i-- {
		if ticks[i].label == ticks[i-1].label {
			ticks[i].label = ""
		}
	}
	return ticks
}

func oneDay(first, last time.Time) bool { return shortDate(first) == shortDate(last) }

// chartNote says how to read the time axis of charts of points from first
// to last.
func chartNote(charts []Chart) string {
	if oneDay(charts[0].First, charts[0].Last) {
		return "Times of day on " + shortDate(charts[0].First) + ", UTC."
	}
	return "Dates in UTC."
}

func coord(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// chartCaption says what a chart draws, for its description.
func chartCaption(c Chart) string {
	s := "The score after each change of this source's record once it had " + strconv.Itoa(claimtrack.ReliabilityMin) +
		" checked claims: " + plural(len(c.Points), "point") + dateSpan(c.First, c.Last) +
		", placed by date, with the 90% interval as a band."
	if c.Sampled < c.Total {
		s += " " + strconv.Itoa(c.Sampled) + " of the " + strconv.Itoa(c.Total) + " changes were read, evenly spread."
	}
	return s
}

// labelledByAttr names the element that labels a table, if any.
func labelledByAttr(id string) templ.Attributes {
	if id == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-labelledby": id}
}

// anyUnscored reports whether some point came without a score.
func anyUnscored(points []claimtrack.ScorePoint) bool {
	return slices.ContainsFunc(points, func(p claimtrack.ScorePoint) bool { return !p.Score.Enough })
}

// anyScored reports whether some point came with a score.
func anyScored(points []claimtrack.ScorePoint) bool {
	return slices.ContainsFunc(points, func(p claimtrack.ScorePoint) bool { return p.Score.Enough })
}

// dateSpan is " from 9 May 2025 to 12 May 2025", or " on 9 May 2025".
func dateSpan(first, last time.Time) string {
	if oneDay(first, last) {
		return " on " + shortDate(first)
	}
	return " from " + shortDate(first) + " to " + shortDate(last)
}

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
