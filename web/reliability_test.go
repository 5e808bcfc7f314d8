package web_test

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sourceIDByName finds a source's id on the sources list.
func (a *testApp) sourceIDByName(name string) string {
	a.t.Helper()
	id := ""
	a.get("/sources").doc.Find(`[data-testid="source-row"]`).Each(func(_ int, row *goquery.Selection) {
		if strings.TrimSpace(row.Find("th a").First().Text()) == name {
			id = row.AttrOr("data-source-id", "")
		}
	})
	require.NotEmpty(a.t, id, "source %q", name)
	return id
}

func (a *testApp) setStatus(claim string, status claimtrack.Status, note string) {
	a.t.Helper()
	v := fieldValue(a.get("/claims/"+claim).doc, "#status-form", "version")
	res := a.post("/claims/"+claim+"/status", url.Values{"status": {string(status)}, "note": {note}, "version": {v}})
	require.Equal(a.t, http.StatusSeeOther, res.status, res.body)
}

// reliabilityOrder is the order of the named sources on the list sorted by
// reliability.
func (a *testApp) reliabilityOrder(names ...string) []string {
	a.t.Helper()
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var got []string
	a.get("/sources?sort=reliability").doc.Find(`[data-testid="source-row"] th a`).Each(func(_ int, s *goquery.Selection) {
		if n := strings.TrimSpace(s.Text()); want[n] {
			got = append(got, n)
		}
	})
	return got
}

// The acceptance scenario on the seed data, through the forms: claims 1 and
// 2 (Le Point via unnamed sources) refuted, claim 3 (Peskov) confirmed, and a
// new claim asserted by Le Point confirmed.
func TestReliability_SeedScenario(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	lePoint, unnamed, peskov := a.sourceIDByName("Le Point"), "", a.sourceIDByName("Dmitry Peskov")
	a.get("/sources").doc.Find(`[data-testid="source-row"] th a`).Each(func(_ int, s *goquery.Selection) {
		if strings.HasPrefix(strings.ToLower(s.Text()), "unnamed") {
			unnamed = strings.TrimPrefix(s.AttrOr("href", ""), "/sources/")
		}
	})
	require.NotEmpty(t, unnamed)
	names := []string{"Le Point", "Dmitry Peskov", unnamedName(a, unnamed)}
	before := a.reliabilityOrder(names...)

	a.setStatus("1", claimtrack.StatusRefuted, "The White House said he would not travel.")
	a.setStatus("2", claimtrack.StatusRefuted, "No meeting took place in Moscow.")
	a.setStatus("3", claimtrack.StatusConfirmed, "The Kremlin repeated that nothing was settled.")
	res := a.post("/claims", url.Values{"text": {"Macron will visit Kyiv before the end of the month."}, "kind": {"forecast"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	newClaim := strings.TrimPrefix(res.header.Get("Location"), "/claims/")
	res = a.post("/claims/"+newClaim+"/evidence", url.Values{"source_id": {lePoint}, "stance": {"asserts"},
		"quote": {"the president will travel to Kyiv"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	a.setStatus(newClaim, claimtrack.StatusConfirmed, "He arrived in Kyiv on the 28th.")

	record := func(id string) *goquery.Selection {
		p := a.get("/sources/" + id)
		require.Equal(t, http.StatusOK, p.status)
		return p.doc.Find(`[data-testid="track-record"]`)
	}
	text := func(s *goquery.Selection, testid string) string {
		return strings.TrimSpace(s.Find(`[data-testid="` + testid + `"]`).Text())
	}

	// Le Point: 1 agree, 2 disagree; Beta(2, 3): mean 0.400, 90% interval
	// 0.098 to 0.751 (see TestScoreOf for where the reference values come from).
	lp := record(lePoint)
	assert.Equal(t, "1", text(lp, "record-agree"))
	assert.Equal(t, "2", text(lp, "record-disagree"))
	assert.Equal(t, "0.400", lp.AttrOr("data-mean", ""))
	assert.Equal(t, "0.098", lp.AttrOr("data-low", ""))
	assert.Equal(t, "0.751", lp.AttrOr("data-high", ""))
	assert.Equal(t, "40%", text(lp, "record-mean"))
	assert.Equal(t, "90% interval 10% to 75%", text(lp, "record-interval"))
	assert.Zero(t, lp.Find(`[data-testid="too-few"]`).Length(), "three resolved claims are enough")
	assert.Equal(t, "Of the 3 checked claims this source took a side on, 1 went its way. "+
		"With so few, the true rate could be anywhere from 10% to 75%.", text(lp, "record-sentence"))

	// The unnamed sources, relayed by Le Point on claims 1 and 2: 0 / 2, too
	// few: the counts, no percentage.
	un := record(unnamed)
	assert.Equal(t, "0", text(un, "record-agree"))
	assert.Equal(t, "2", text(un, "record-disagree"))
	assert.Equal(t, 1, un.Find(`[data-testid="too-few"]`).Length())
	assert.Equal(t, "0 of 2", text(un, "record-headline"))
	assert.Zero(t, un.Find(`[data-testid="record-mean"], [data-testid="interval-bar"]`).Length())
	assert.NotContains(t, un.Text(), "%")

	// Peskov: 1 / 0 (claim 3), too few; claim 7 is still open.
	pk := record(peskov)
	assert.Equal(t, "1", text(pk, "record-agree"))
	assert.Equal(t, "0", text(pk, "record-disagree"))
	assert.Equal(t, "1", text(pk, "record-open"))
	assert.Equal(t, 1, pk.Find(`[data-testid="too-few"]`).Length())
	assert.Equal(t, "1 of 1", text(pk, "record-headline"))
	assert.Equal(t, "The one checked claim this source took a side on went its way. That is too few for a score: it takes 3. "+
		"1 more claim it took a side on awaits a verdict.", text(pk, "record-sentence"))
	assert.NotContains(t, pk.Text(), "%")

	// The list by reliability: Le Point, with enough resolved claims, first;
	// among the rest Peskov's interval starts highest and the unnamed
	// sources' lowest.
	after := a.reliabilityOrder(names...)
	assert.Equal(t, []string{"Le Point", "Dmitry Peskov", names[2]}, after)
	assert.NotEqual(t, before, after)
	rows := a.get("/sources?sort=reliability").doc.Find(`[data-testid="source-row"]`)
	assert.Equal(t, lePoint, rows.First().AttrOr("data-source-id", ""), "Le Point tops the list")
	assert.Equal(t, unnamed, rows.Last().AttrOr("data-source-id", ""), "the unnamed sources end it")
	assert.Equal(t, "1", strings.TrimSpace(rows.First().Find(`[data-testid="agree"]`).Text()))
	assert.Equal(t, "2", strings.TrimSpace(rows.First().Find(`[data-testid="disagree"]`).Text()))

	// The list shows the ranked source, then the others unranked, with
	// their counts and no percentage.
	list := a.get("/sources?sort=reliability").doc
	assert.Zero(t, list.Find(`[data-testid="unranked"]`).Length(), "Le Point has a score: this is a ranking")
	assert.Equal(t, 1, list.Find(`[data-testid="rank-break"]`).Length())
	assert.Equal(t, lePoint, list.Find(`[data-testid="rank-break"]`).Prev().AttrOr("data-source-id", ""), "the ranking ends after Le Point")
	assert.Equal(t, "40% 10–75%", strings.Join(strings.Fields(rows.First().Find(`[data-testid="score"]`).Text()), " "))
	list.Find(`[data-testid="source-row"]`).Slice(1, goquery.ToEnd).Each(func(_ int, row *goquery.Selection) {
		assert.NotContains(t, row.Text(), "%", "row %s has no score", row.AttrOr("data-source-id", ""))
	})
	assert.Equal(t, "1 of 1 went its way", strings.TrimSpace(list.Find(`[data-source-id="`+peskov+`"] [data-testid="score"]`).Text()))

	// The claim page shows each source's current record in short.
	claim := a.get("/claims/1").doc
	assert.Equal(t, "40% 10–75%", strings.Join(strings.Fields(claim.Find(`[data-testid="evidence-item"]`).First().Find(`[data-testid="score"]`).Text()), " "))
	claim3 := a.get("/claims/3").doc
	assert.Equal(t, "1 of 1 went its way", strings.TrimSpace(claim3.Find(`[data-testid="evidence-item"]`).First().Find(`[data-testid="score"]`).Text()))

	// The verdicts behind Le Point's score, newest first, each linked.
	var changed []string
	a.get("/sources/" + lePoint).doc.Find(`[data-testid="score-change"] > a`).Each(func(_ int, s *goquery.Selection) {
		changed = append(changed, s.AttrOr("href", ""))
	})
	assert.Equal(t, []string{"/claims/" + newClaim, "/claims/2", "/claims/1"}, changed)
}

func unnamedName(a *testApp, id string) string {
	return strings.TrimSpace(a.get("/sources/" + id).doc.Find("h1").Text())
}

// assertedBy makes a new claim asserted by a source and returns its id.
func (a *testApp) assertedBy(sourceID, text string) string {
	a.t.Helper()
	res := a.post("/claims", url.Values{"text": {text}, "kind": {"statement"}, "similar_seen": {"1"}}) // alike on purpose
	require.Equal(a.t, http.StatusSeeOther, res.status, res.body)
	id := strings.TrimPrefix(res.header.Get("Location"), "/claims/")
	res = a.post("/claims/"+id+"/evidence", url.Values{"source_id": {sourceID}, "stance": {"asserts"}})
	require.Equal(a.t, http.StatusSeeOther, res.status, res.body)
	return id
}

// The chart has one point per change of the source's record that came with
// a score, placed by date, and each point is the score the history of
// events gives at that moment; the table lists every change.
func TestReliability_ChartFollowsHistory(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	lePoint := a.sourceIDByName("Le Point")
	a.setStatus("1", claimtrack.StatusRefuted, "Denied by the White House.")
	a.setStatus("2", claimtrack.StatusPartlyTrue, "A call took place, not a visit.")
	a.setStatus("1", claimtrack.StatusConfirmed, "Corrected: he did travel.")
	a.setStatus("2", claimtrack.StatusDisputed, "Accounts conflict again.")
	for i, status := range []claimtrack.Status{claimtrack.StatusConfirmed, claimtrack.StatusRefuted, claimtrack.StatusConfirmed,
		claimtrack.StatusConfirmed, claimtrack.StatusPartlyTrue, claimtrack.StatusConfirmed} {
		id := a.assertedBy(lePoint, "Le Point's claim number "+strconv.Itoa(i+1)+" about the talks.")
		a.setStatus(id, status, "Checked against the record.")
	}

	// Replay the status changes of the claims Le Point is linked to, from the
	// event log, with the domain's rules.
	links := map[int64]claimtrack.Stance{}
	rows, err := a.raw.Query(`SELECT claim_id, stance FROM evidence WHERE source_id = ? OR via_source_id = ?`, lePoint, lePoint)
	require.NoError(t, err)
	for rows.Next() {
		var claim int64
		var stance claimtrack.Stance
		require.NoError(t, rows.Scan(&claim, &stance))
		links[claim] = stance
	}
	require.NoError(t, rows.Err())
	status := map[int64]claimtrack.Status{}
	var credit claimtrack.Credit
	var want []claimtrack.Score
	var whens []time.Time
	rows, err = a.raw.Query(`SELECT claim_id, json_extract(after_json, '$.status'), at FROM events WHERE type = 'status_changed' ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var claim int64
		var st claimtrack.Status
		var at string
		require.NoError(t, rows.Scan(&claim, &st, &at))
		stance, linked := links[claim]
		old, ok := status[claim]
		if !ok {
			old = claimtrack.StatusUnverified
		}
		status[claim] = st
		if !linked {
			continue
		}
		delta := claimtrack.LinkCredit(stance, st).Sub(claimtrack.LinkCredit(stance, old))
		if delta.AgreeHalves == 0 && delta.DisagreeHalves == 0 {
			continue
		}
		credit = credit.Add(delta)
		want = append(want, claimtrack.ScoreOf(credit))
		when, err := time.Parse(time.RFC3339Nano, at)
		require.NoError(t, err)
		whens = append(whens, when)
	}
	require.NoError(t, rows.Err())
	require.Len(t, want, 10, "ten verdict changes moved Le Point's record")
	var scored []int // the changes that came with a score
	for i, w := range want {
		if w.Enough {
			scored = append(scored, i)
		}
	}
	require.Len(t, scored, 5, "the last five came with a score")

	page := a.get("/sources/" + lePoint).doc
	for _, width := range []string{"wide", "narrow"} {
		points := page.Find(`[data-testid="score-chart"] svg.chart-` + width + ` circle`)
		require.Equal(t, len(scored), points.Length(), "%s: one point per change with a score", width)
		var xs []float64
		points.Each(func(k int, p *goquery.Selection) {
			i := scored[k]
			assert.Equal(t, strconv.Itoa(i+1), p.AttrOr("data-n", ""))
			assert.Equal(t, strconv.FormatFloat(want[i].Mean, 'f', 3, 64), p.AttrOr("data-mean", ""), "point %d", i+1)
			assert.Equal(t, strconv.FormatFloat(want[i].Low, 'f', 3, 64), p.AttrOr("data-low", ""), "point %d", i+1)
			assert.Equal(t, strconv.FormatFloat(want[i].High, 'f', 3, 64), p.AttrOr("data-high", ""), "point %d", i+1)
			x, err := strconv.ParseFloat(p.AttrOr("cx", ""), 64)
			require.NoError(t, err)
			xs = append(xs, x)
		})
		// Placed by date: the gaps between points are in proportion to the
		// time between the changes.
		first, last := whens[scored[0]], whens[scored[len(scored)-1]]
		for k, i := range scored {
			frac := float64(whens[i].Sub(first)) / float64(last.Sub(first))
			assert.InDelta(t, xs[0]+frac*(xs[len(xs)-1]-xs[0]), xs[k], 0.11, "%s: point %d sits at its date", width, i+1)
		}
		var dates []string
		page.Find(`svg.chart-` + width + ` [data-testid="chart-date"]`).Each(func(_ int, d *goquery.Selection) { dates = append(dates, d.Text()) })
		assert.GreaterOrEqual(t, len(dates), 2, "%s: the time axis has dates", width)
		for k := 1; k < len(dates); k++ {
			assert.NotEqual(t, dates[k-1], dates[k], "%s: the dates differ", width)
		}
	}
	chart := page.Find(`[data-testid="score-chart"]`)
	assert.Contains(t, chart.Find("svg.chart-wide desc").Text(), "5 points", "the chart says what it shows")
	table := chart.Find(`table [data-testid="score-row"]`)
	require.Equal(t, 10, table.Length(), "and every change as a table")
	assert.Equal(t, "—", table.Eq(0).Find("td").Eq(4).Text(), "no score before there were enough verdicts")
	assert.Equal(t, strconv.Itoa(int(math.Round(want[9].Mean*100)))+"%", table.Eq(9).Find("td").Eq(4).Text())
	superseded := a.get("/sources/" + lePoint).doc.Find(`[data-testid="superseded"]`)
	assert.Equal(t, 2, superseded.Length(), "the first verdicts on claims 1 and 2 were superseded")

	// The verdicts list pages backwards from any change.
	var ns []string
	older := a.get("/sources/" + lePoint + "?before=3")
	older.doc.Find(`[data-testid="score-change"]`).Each(func(_ int, s *goquery.Selection) { ns = append(ns, s.AttrOr("data-n", "")) })
	assert.Equal(t, []string{"2", "1"}, ns)
	assert.Equal(t, 1, older.doc.Find(`[data-testid="newer-changes"]`).Length())
	assert.Zero(t, older.doc.Find(`[data-testid="older-changes"]`).Length(), "change 1 is the first")
	assert.Equal(t, http.StatusOK, a.get("/sources/"+lePoint+"?before=nonsense").status)
}
