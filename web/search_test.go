package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/gen"
	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// searchIDs runs a search and returns the claim ids in the order shown.
func (a *testApp) searchIDs(q string) ([]string, page) {
	a.t.Helper()
	p := a.get("/search?q=" + url.QueryEscape(q))
	require.Equal(a.t, http.StatusOK, p.status, "search %q", q)
	var ids []string
	p.doc.Find(`[data-testid="search-hit"]`).Each(func(_ int, s *goquery.Selection) {
		ids = append(ids, s.AttrOr("data-claim-id", ""))
	})
	return ids, p
}

func TestSearch_SeedQueries(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	tests := []struct {
		q     string
		top   string   // the claim that must come first
		all   []string // every claim expected, in any order
		total string
	}{
		// Peskov is the source of 3 and 7; 7's context names him too, so it ranks first.
		{"peskov", "7", []string{"7", "3"}, "2"},
		{"Peskov", "7", []string{"7", "3"}, "2"},
		{"Pesk*", "7", []string{"7", "3"}, "2"},
		{`"very constructive"`, "5", []string{"5"}, "1"},
		{"constructive", "5", []string{"5"}, "1"},
		// Stemming: "attending" finds the context of claim 1 ("set to attend").
		{"attending", "1", []string{"1"}, "1"},
		// Both claims that name Riyadh in their text; the shorter text ranks first.
		{"Riyadh", "5", []string{"5", "8"}, "2"},
		// Claim 1 names Moscow in its text and its tags.
		{"status:unverified moscow", "1", []string{"2", "1"}, "2"},
		// Every claim is linked to the report, whose name holds "Victory Day";
		// the two that say it in their own words come first.
		{"victory day", "1", nil, "8"},
		{"source:rubio", "4", []string{"4"}, "1"},
		{"tag:ukraine-war", "4", []string{"4"}, "1"},
		{"kind:forecast", "2", []string{"2", "1"}, "2"},
		{"nato OR lavrov", "6", []string{"6", "8"}, "2"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			ids, p := a.searchIDs(tt.q)
			require.NotEmpty(t, ids, "search %q", tt.q)
			assert.Equal(t, tt.top, ids[0], "top result for %q", tt.q)
			if tt.all != nil {
				assert.ElementsMatch(t, tt.all, ids)
			}
			assert.Equal(t, tt.total, strings.TrimSpace(p.doc.Find(`[data-testid="total"]`).Text()))
			assert.Equal(t, tt.q, p.doc.Find("#search-q").AttrOr("value", ""), "the query stays in the box")
		})
	}

	t.Run("OwnWordsBeforeSourceNames", func(t *testing.T) {
		ids, _ := a.searchIDs("victory day")
		require.Len(t, ids, 8)
		assert.ElementsMatch(t, []string{"1", "2"}, ids[:2])
	})
	t.Run("ExclusionLeavesNothing", func(t *testing.T) {
		// NATO appears only in claim 6, which names Russia.
		ids, p := a.searchIDs("nato -russia")
		assert.Empty(t, ids)
		assert.Equal(t, 1, p.doc.Find(`[data-testid="empty"]`).Length())
		assert.Equal(t, 1, p.doc.Find(`[data-testid="search-tips"]`).Length())
		ids, _ = a.searchIDs("nato -moscow")
		assert.Equal(t, []string{"6"}, ids)
	})
	t.Run("FilterWordsAreNotText", func(t *testing.T) {
		// Filters match a hidden column; typed as words they match text only.
		for _, q := range []string{"unverified", "status", "kind forecast", "statement"} {
			ids, _ := a.searchIDs(q)
			assert.Empty(t, ids, "search %q", q)
		}
		ids, _ := a.searchIDs("kind:statement status:unverified riyadh")
		assert.Equal(t, []string{"8"}, ids)
		ids, _ = a.searchIDs("kind:quote riyadh")
		assert.Equal(t, []string{"5"}, ids)
		ids, _ = a.searchIDs("kind:forecast riyadh")
		assert.Empty(t, ids)
	})
	t.Run("Highlight", func(t *testing.T) {
		_, p := a.searchIDs("constructive")
		hit := p.doc.Find(`[data-testid="search-hit"]`).First()
		assert.Equal(t, "constructive", hit.Find("a.claim-row-text mark").First().Text())
		assert.Contains(t, hit.Find(".main-source").Text(), "Steve Witkoff")
	})
	t.Run("Sources", func(t *testing.T) {
		_, p := a.searchIDs("peskov")
		assert.Contains(t, p.doc.Find(`[data-testid="search-sources"]`).Text(), "Dmitry Peskov")
		_, p = a.searchIDs("kremlin spokesman")
		assert.Contains(t, p.doc.Find(`[data-testid="search-sources"]`).Text(), "Dmitry Peskov", "roles are searched")
	})
	t.Run("FilterLinksKeepQuery", func(t *testing.T) {
		_, p := a.searchIDs("moscow")
		href, ok := p.doc.Find(`[data-testid="search-filters"] a:contains("Forecast")`).Attr("href")
		require.True(t, ok)
		u, err := url.Parse(href)
		require.NoError(t, err)
		assert.Equal(t, "moscow kind:forecast", u.Query().Get("q"))
	})
}

func TestSearch_ClaimsListUsesTheEngine(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	p := a.get("/claims?q=" + url.QueryEscape("attending"))
	require.Equal(t, http.StatusOK, p.status)
	rows := p.doc.Find(`[data-testid="claim-row"]`)
	require.Equal(t, 1, rows.Length())
	assert.Equal(t, "1", rows.AttrOr("data-claim-id", ""))
	p = a.get("/claims?q=" + url.QueryEscape("peskov -technology"))
	rows = p.doc.Find(`[data-testid="claim-row"]`)
	require.Equal(t, 1, rows.Length())
	assert.Equal(t, "3", rows.AttrOr("data-claim-id", ""))
}

// Acceptance 3: changes show in search results at once.
func TestSearch_FollowsChanges(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ids, _ := a.searchIDs("parade")
	require.Empty(t, ids)

	// Editing a claim.
	res := a.post("/claims/8", url.Values{"text": {"Lavrov and Rubio met in Riyadh before the parade was announced."},
		"kind": {"statement"}, "version": {fieldValue(a.get("/claims/8/edit").doc, `[data-testid="claim-form"]`, "version")}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	ids, _ = a.searchIDs("parade")
	assert.Equal(t, []string{"8"}, ids)
	ids, _ = a.searchIDs("waltz")
	assert.Empty(t, ids, "the old wording is gone from the index")

	// Adding evidence: a new source's name and the quote become searchable.
	res = a.post("/claims/6/evidence", url.Values{"source_name": {"Izvestia"}, "source_kind": {"outlet"}, "stance": {"disputes"},
		"quote": {"Moscow made no such demand about the alliance."}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	ids, _ = a.searchIDs("izvestia")
	assert.Equal(t, []string{"6"}, ids)
	ids, _ = a.searchIDs("alliance")
	assert.Equal(t, []string{"6"}, ids)

	// A verdict note.
	v := fieldValue(a.get("/claims/3").doc, "#status-form", "version")
	res = a.post("/claims/3/status", url.Values{"status": {"confirmed"}, "note": {"Ushakov repeated it the next day."}, "version": {v}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	ids, _ = a.searchIDs("ushakov")
	assert.Equal(t, []string{"3"}, ids)
	ids, _ = a.searchIDs("status:confirmed")
	assert.Equal(t, []string{"3"}, ids)
	ids, _ = a.searchIDs("status:confirmed peskov")
	assert.Equal(t, []string{"3"}, ids, "the status filter with words follows the change")
	ids, _ = a.searchIDs("status:unverified peskov")
	assert.Equal(t, []string{"7"}, ids)
	_, p := a.searchIDs("ushakov")
	assert.Equal(t, "Confirmed", strings.TrimSpace(p.doc.Find(`[data-testid="search-hit"] .badge`).First().Text()),
		"the hit shows the new status")

	// Renaming a source.
	peskov := a.get("/search?q=peskov").doc.Find(`[data-testid="search-sources"] a`).First().AttrOr("href", "")
	require.NotEmpty(t, peskov)
	res = a.post(peskov, url.Values{"name": {"Dmitri Peskov"}, "kind": {"person"}, "role": {"Press secretary of the Kremlin"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	ids, _ = a.searchIDs("dmitri")
	assert.ElementsMatch(t, []string{"3", "7"}, ids)
	_, p = a.searchIDs("dmitri")
	p.doc.Find(`[data-testid="search-hit"]`).Each(func(_ int, hit *goquery.Selection) {
		assert.Equal(t, "Source: Dmitri Peskov", strings.TrimSpace(hit.Find(".main-source").Text()), "hits show the new name")
	})
	ids, _ = a.searchIDs("source:spokesman")
	assert.Empty(t, ids, "the old role is gone from the index")
	_, p = a.searchIDs("press secretary")
	assert.Contains(t, p.doc.Find(`[data-testid="search-sources"]`).Text(), "Dmitri Peskov")
}

// A word in more claims than can be ranked cheaply lists them newest first,
// says so, and still pages through them. The database ranks at most 200
// matches (sqlite.RankLimit is 1,000), so that fewer generated claims are
// enough to pass the limit.
func TestSearch_TooManyToRank(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	const limit = 200
	a.db.SetRankLimit(limit)
	_, err := gen.Generate(t.Context(), a.db, gen.Options{Claims: 600, Seed: 3})
	require.NoError(t, err)
	require.Greater(t, a.count(`SELECT count(*) FROM claim_search WHERE claim_search MATCH 'the'`), limit)

	ids, p := a.searchIDs("the")
	require.Len(t, ids, web.ClaimsPerPage)
	assert.Equal(t, "more than "+strconv.Itoa(limit), strings.TrimSpace(p.doc.Find(`[data-testid="total"]`).Text()))
	assert.Equal(t, 1, p.doc.Find(`[data-testid="unranked"]`).Length())
	nums := make([]int, len(ids))
	for i, id := range ids {
		nums[i], err = strconv.Atoi(id)
		require.NoError(t, err)
	}
	assert.True(t, slices.IsSortedFunc(nums, func(x, y int) int { return y - x }), "newest first: %v", nums)

	next := a.get("/search?q=the&page=2")
	require.Equal(t, http.StatusOK, next.status)
	first, err := strconv.Atoi(next.doc.Find(`[data-testid="search-hit"]`).First().AttrOr("data-claim-id", ""))
	require.NoError(t, err)
	assert.Less(t, first, nums[len(nums)-1], "page 2 goes on where page 1 stopped")

	// A rarer word among the same claims is ranked as usual.
	ids, p = a.searchIDs("witkoff constructive")
	require.NotEmpty(t, ids)
	assert.Equal(t, "5", ids[0])
	assert.Zero(t, p.doc.Find(`[data-testid="unranked"]`).Length())
}

// Sources too are ranked only while few match; past the limit the newest are
// listed.
func TestSearch_TooManySourcesToRank(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	_, err := gen.Generate(t.Context(), a.db, gen.Options{Claims: 1000, Seed: 5})
	require.NoError(t, err)
	var newest []int
	rows, err := a.raw.Query(`SELECT id FROM sources WHERE name LIKE 'The % Gazette' ORDER BY id DESC LIMIT 8`)
	require.NoError(t, err)
	for rows.Next() {
		var id int
		require.NoError(t, rows.Scan(&id))
		newest = append(newest, id)
	}
	require.NoError(t, rows.Err())
	require.Len(t, newest, 8)

	sourceIDs := func() []int {
		var ids []int
		a.get("/search?q=gazette").doc.Find(`[data-testid="search-sources"] li > a:first-child`).Each(func(_ int, s *goquery.Selection) {
			id, err := strconv.Atoi(strings.TrimPrefix(s.AttrOr("href", ""), "/sources/"))
			require.NoError(t, err)
			ids = append(ids, id)
		})
		return ids
	}
	ranked := sourceIDs()
	require.Len(t, ranked, 8)
	assert.NotEqual(t, newest, ranked, "ranked by relevance, not by age")

	a.db.SetRankLimit(5)
	assert.Equal(t, newest, sourceIDs())
}
