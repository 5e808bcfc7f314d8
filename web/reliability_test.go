package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

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
	assert.Contains(t, text(lp, "record-sentence"), "1 of 3 resolved claims this source took a side on went its way")

	// The unnamed sources, relayed by Le Point on claims 1 and 2: 0 / 2, too few.
	un := record(unnamed)
	assert.Equal(t, "0", text(un, "record-agree"))
	assert.Equal(t, "2", text(un, "record-disagree"))
	assert.Equal(t, 1, un.Find(`[data-testid="too-few"]`).Length())

	// Peskov: 1 / 0 (claim 3), too few; claim 7 is still open.
	pk := record(peskov)
	assert.Equal(t, "1", text(pk, "record-agree"))
	assert.Equal(t, "0", text(pk, "record-disagree"))
	assert.Equal(t, "1", text(pk, "record-open"))
	assert.Equal(t, 1, pk.Find(`[data-testid="too-few"]`).Length())

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

	// The claim page shows each source's current score.
	claim := a.get("/claims/1").doc
	assert.Contains(t, claim.Find(`[data-testid="evidence-item"]`).First().Find(`[data-testid="score"]`).Text(), "40%")

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

// The chart has one point per change of the source's record, and each point
// is the score the history of events gives at that moment.
func TestReliability_ChartFollowsHistory(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	lePoint := a.sourceIDByName("Le Point")
	a.setStatus("1", claimtrack.StatusRefuted, "Denied by the White House.")
	a.setStatus("2", claimtrack.StatusPartlyTrue, "A call took place, not a visit.")
	a.setStatus("1", claimtrack.StatusConfirmed, "Corrected: he did travel.")
	a.setStatus("2", claimtrack.StatusDisputed, "Accounts conflict again.")

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
	rows, err = a.raw.Query(`SELECT claim_id, json_extract(after_json, '$.status') FROM events WHERE type = 'status_changed' ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var claim int64
		var st claimtrack.Status
		require.NoError(t, rows.Scan(&claim, &st))
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
	}
	require.NoError(t, rows.Err())
	require.Len(t, want, 4, "four verdict changes moved Le Point's record")

	points := a.get("/sources/" + lePoint).doc.Find(`[data-testid="score-chart"] svg circle`)
	require.Equal(t, len(want), points.Length(), "one point per change")
	points.Each(func(i int, p *goquery.Selection) {
		assert.Equal(t, strconv.Itoa(i+1), p.AttrOr("data-n", ""))
		assert.Equal(t, strconv.FormatFloat(want[i].Mean, 'f', 3, 64), p.AttrOr("data-mean", ""), "point %d", i+1)
		assert.Equal(t, strconv.FormatFloat(want[i].Low, 'f', 3, 64), p.AttrOr("data-low", ""), "point %d", i+1)
		assert.Equal(t, strconv.FormatFloat(want[i].High, 'f', 3, 64), p.AttrOr("data-high", ""), "point %d", i+1)
	})
	chart := a.get("/sources/" + lePoint).doc.Find(`[data-testid="score-chart"]`)
	assert.Contains(t, chart.Find("desc").Text(), "4 changes", "the chart says what it shows")
	assert.Equal(t, 4, chart.Find("table tbody tr").Length(), "and the same as a table")
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
