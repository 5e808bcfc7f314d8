package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The claims list offers its view for download, every page of it, with its
// filters kept; the CSV and the JSON list the same claims as the list.
func TestClaimListExport(t *testing.T) {
	a := newTestApp(t)
	a.setStatus("1", claimtrack.StatusRefuted, "He stayed in Washington.")
	a.setStatus("3", claimtrack.StatusRefuted, "They were.")

	list := a.get("/claims?status=refuted")
	links := list.doc.Find(`[data-testid="export-view"] a`)
	require.Equal(t, 2, links.Length())
	assert.Equal(t, "/claims.csv?status=refuted", links.Eq(0).AttrOr("href", ""))
	assert.Equal(t, "/claims.json?status=refuted", links.Eq(1).AttrOr("href", ""))

	res := a.get("/claims.csv?status=refuted")
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "text/csv; charset=utf-8", res.header.Get("Content-Type"))
	assert.Contains(t, res.header.Get("Content-Disposition"), `attachment; filename="claims-`)
	records, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"id", "url", "text", "status", "kind", "main_source", "tags", "due_date", "context",
		"verdict_note", "version", "created_at", "updated_at"}, records[0])
	require.Len(t, records, 3)
	assert.Equal(t, []string{"3", "1"}, []string{records[1][0], records[2][0]}, "newest first, as the list")
	assert.Equal(t, a.srv.URL+"/claims/1", records[2][1])
	assert.Equal(t, "refuted", records[2][3])
	assert.Equal(t, "Le Point", records[2][5])
	assert.Equal(t, "He stayed in Washington.", records[2][9])

	res = a.get("/claims.json?status=refuted")
	require.Equal(t, http.StatusOK, res.status)
	var doc struct {
		Filters map[string]any `json:"filters"`
		Claims  []struct {
			ID         int64    `json:"id"`
			URL        string   `json:"url"`
			Text       string   `json:"text"`
			Status     string   `json:"status"`
			MainSource string   `json:"main_source"`
			Tags       []string `json:"tags"`
		} `json:"claims"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.body), &doc), res.body)
	assert.Equal(t, "refuted", doc.Filters["status"])
	require.Len(t, doc.Claims, 2)
	assert.EqualValues(t, 1, doc.Claims[1].ID)
	assert.Equal(t, "Le Point", doc.Claims[1].MainSource)

	// Every page: more claims than a page holds come out whole.
	for i := 0; i < 30; i++ {
		require.Equal(t, http.StatusSeeOther, a.post("/claims", map[string][]string{
			"text": {"Generated claim number " + strconv.Itoa(i) + " about the parade."}, "kind": {"statement"}, "tags": {"bulk"}}).status)
	}
	page, err := a.db.FindClaims(context.Background(), claimtrack.ClaimFilter{Tag: "bulk", Limit: 1000})
	require.NoError(t, err)
	require.Equal(t, 30, page.Total)
	records, err = csv.NewReader(strings.NewReader(a.get("/claims.csv?tag=bulk").body)).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 31)
	for i, c := range page.Claims {
		assert.Equal(t, strconv.FormatInt(c.ID, 10), records[i+1][0])
		assert.Equal(t, "bulk", records[i+1][6])
	}
	records, err = csv.NewReader(strings.NewReader(a.get("/claims.csv?q=parade+-generated").body)).ReadAll()
	require.NoError(t, err)
	for _, r := range records[1:] {
		assert.NotContains(t, r[2], "Generated", "the words filter applies")
	}

	// An empty view is a header alone, or an empty list; an unknown source is a 404.
	records, err = csv.NewReader(strings.NewReader(a.get("/claims.csv?tag=nothing-like-this").body)).ReadAll()
	require.NoError(t, err)
	assert.Len(t, records, 1)
	require.NoError(t, json.Unmarshal([]byte(a.get("/claims.json?tag=nothing-like-this").body), &doc))
	assert.Empty(t, doc.Claims)
	assert.Equal(t, http.StatusNotFound, a.get("/claims.csv?source=9999").status)
}
