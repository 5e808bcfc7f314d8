package web_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/dump"
	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullExport writes the whole tracker the way `claimtrack export --format
// csv` does and returns the files by table.
func (a *testApp) fullExport() map[dump.Table]string {
	a.t.Helper()
	dir := a.t.TempDir()
	w, err := dump.NewCSVDirWriter(dir)
	require.NoError(a.t, err)
	require.NoError(a.t, a.db.Export(a.t.Context(), w, nil))
	out := map[dump.Table]string{}
	for _, t := range dump.Tables {
		b, err := os.ReadFile(filepath.Join(dir, string(t)+".csv"))
		require.NoError(a.t, err)
		out[t] = string(b)
	}
	return out
}

// Issue 18, item 12: the sources list offers every source as CSV and JSON,
// in the full export's format: the CSV is byte for byte the full export's
// sources.csv, the JSON a dump document holding the sources table.
func TestSourceExport(t *testing.T) {
	a := newTestApp(t)
	require.Equal(t, http.StatusSeeOther, a.post("/sources", map[string][]string{
		"name": {"=cmd|' /C calc'!A0"}, "kind": {"person"}, "description": {"-a formula-looking description"}}).status)

	links := a.get("/sources").doc.Find(`[data-testid="export-sources"] a`)
	require.Equal(t, 2, links.Length())
	assert.Equal(t, "/sources.csv", links.Eq(0).AttrOr("href", ""))
	assert.Equal(t, "/sources.json", links.Eq(1).AttrOr("href", ""))

	res := a.get("/sources.csv")
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "text/csv; charset=utf-8", res.header.Get("Content-Type"))
	assert.Contains(t, res.header.Get("Content-Disposition"), `attachment; filename="sources-`)
	assert.Equal(t, strconv.Itoa(len(res.body)), res.header.Get("Content-Length"))
	full := a.fullExport()
	assert.Equal(t, full[dump.TableSources], res.body, "the full export's sources.csv")
	records, err := readCSV(res.body)
	require.NoError(t, err)
	assert.Equal(t, dump.Header(dump.TableSources), records[0])
	assert.Len(t, records, 1+a.count("SELECT count(*) FROM sources"))
	assert.Equal(t, "'=cmd|' /C calc'!A0", records[len(records)-1][1], "cells are neutralised as in every CSV")

	res = a.get("/sources.json")
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "application/json; charset=UTF-8", res.header.Get("Content-Type"))
	var doc dump.Dump
	require.NoError(t, json.Unmarshal([]byte(res.body), &doc), res.body)
	assert.Equal(t, dump.Format, doc.Format)
	assert.Equal(t, dump.Version, doc.Version)
	require.Len(t, doc.Sources, len(records)-1)
	assert.Equal(t, "=cmd|' /C calc'!A0", doc.Sources[len(doc.Sources)-1].Name, "JSON keeps the text as it is")
	assert.Empty(t, doc.Claims)
	for i, s := range doc.Sources {
		assert.Equal(t, records[i+1][0], strconv.FormatInt(s.ID, 10), "in id order")
	}
}

// Issue 18, item 12: a claim page and a source page offer their evidence as
// CSV and JSON, in the full export's format; a source's holds the links it
// is the source of and those that relay it.
func TestEvidenceExport(t *testing.T) {
	a := newTestApp(t)
	claim := a.get("/claims/1")
	links := claim.doc.Find(`[data-testid="export-evidence"] a`)
	require.Equal(t, 2, links.Length())
	assert.Equal(t, "/evidence.csv?claim=1", links.Eq(0).AttrOr("href", ""))
	assert.Equal(t, "/evidence.json?claim=1", links.Eq(1).AttrOr("href", ""))

	res := a.get("/evidence.csv?claim=1")
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, res.header.Get("Content-Disposition"), `attachment; filename="claim-1-evidence-`)
	records, err := readCSV(res.body)
	require.NoError(t, err)
	assert.Equal(t, dump.Header(dump.TableEvidence), records[0])
	require.Len(t, records, 1+a.count("SELECT count(*) FROM evidence WHERE claim_id = 1"))
	for _, r := range records[1:] {
		assert.Equal(t, "1", r[1], "claim 1's links only")
	}

	// Every link: byte for byte the full export's evidence.csv (the seed's
	// links were added claim by claim, so id order is claim order).
	res = a.get("/evidence.csv")
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, a.fullExport()[dump.TableEvidence], res.body)

	// A source's links: as the source, and relaying it ("via").
	lePoint := a.sourceIDByName("Le Point")
	var via string
	require.NoError(t, a.raw.QueryRow(`SELECT via_source_id FROM evidence WHERE via_source_id IS NOT NULL LIMIT 1`).Scan(&via))
	src := a.get("/sources/" + via)
	assert.Equal(t, "/evidence.csv?source="+via, src.doc.Find(`[data-testid="export-evidence"] a`).First().AttrOr("href", ""))
	res = a.get("/evidence.json?source=" + via)
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, res.header.Get("Content-Disposition"), `filename="source-`+via+`-evidence-`)
	var doc dump.Dump
	require.NoError(t, json.Unmarshal([]byte(res.body), &doc), res.body)
	assert.Equal(t, dump.Format, doc.Format)
	want := a.count(`SELECT count(*) FROM evidence WHERE source_id = ?1 OR via_source_id = ?1`, via)
	require.Len(t, doc.Evidence, want)
	relayed := 0
	for _, e := range doc.Evidence {
		if strconv.FormatInt(e.ViaSourceID, 10) == via {
			relayed++
		} else {
			assert.Equal(t, via, strconv.FormatInt(e.SourceID, 10))
		}
	}
	assert.Positive(t, relayed, "the links that relay it are in")
	records, err = readCSV(a.get("/evidence.csv?source=" + lePoint).body)
	require.NoError(t, err)
	assert.Len(t, records, 1+a.count(`SELECT count(*) FROM evidence WHERE source_id = ?1 OR via_source_id = ?1`, lePoint))

	// Unknown or unusable ids are a 404, as on the pages.
	for _, path := range []string{"/evidence.csv?claim=999", "/evidence.json?source=999", "/evidence.csv?claim=first", "/evidence.csv?source=-1"} {
		assert.Equal(t, http.StatusNotFound, a.get(path).status, path)
	}
	// HEAD says what a download would be, without making it.
	req, err := http.NewRequest(http.MethodHead, a.srv.URL+"/evidence.csv?claim=1", nil)
	require.NoError(t, err)
	head, err := a.client.Do(req)
	require.NoError(t, err)
	head.Body.Close()
	assert.Equal(t, http.StatusOK, head.StatusCode)
	assert.Equal(t, "text/csv; charset=utf-8", head.Header.Get("Content-Type"))
}

// Issue 18, item 12: the claims export says who set each claim's status and
// when (the latest status change), empty for a claim never checked.
func TestClaimExport_VerdictAuthorAndDate(t *testing.T) {
	a := newTestApp(t)
	a.setStatus("1", claimtrack.StatusDisputed, "Contested.")
	a.signInAs("desk", claimtrack.RoleEditor)
	a.setStatus("1", claimtrack.StatusRefuted, "He stayed in Washington.")
	var at string
	require.NoError(t, a.raw.QueryRow(`SELECT at FROM events WHERE claim_id = 1 AND type = 'status_changed' ORDER BY id DESC LIMIT 1`).Scan(&at))
	when, err := time.Parse(time.RFC3339Nano, at)
	require.NoError(t, err)

	records, err := readCSV(a.get("/claims.csv").body)
	require.NoError(t, err)
	header := records[0]
	require.Equal(t, []string{"verdict_by", "verdict_at"}, header[len(header)-2:])
	byID := map[string][]string{}
	for _, r := range records[1:] {
		byID[r[0]] = r
	}
	assert.Equal(t, []string{"desk", dump.FormatTime(when)}, byID["1"][len(header)-2:], "the latest status change's author and time")
	assert.Equal(t, []string{"", ""}, byID["2"][len(header)-2:], "a claim never checked has none")

	var doc struct {
		Claims []struct {
			ID        int64  `json:"id"`
			VerdictBy string `json:"verdict_by"`
			VerdictAt string `json:"verdict_at"`
		} `json:"claims"`
	}
	require.NoError(t, json.Unmarshal([]byte(a.get("/claims.json?status=refuted").body), &doc))
	require.Len(t, doc.Claims, 1)
	assert.Equal(t, "desk", doc.Claims[0].VerdictBy)
	assert.Equal(t, dump.FormatTime(when), doc.Claims[0].VerdictAt)
}

// Issue 18, item 12: the new downloads take the same turns as the claims
// export: while the only turn is held, they are answered 503 with
// Retry-After.
func TestTableExports_TakeExportTurns(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	store := &exportStore{row: func(n int) error {
		if n == 1 {
			once.Do(func() { close(entered) })
			<-release
		}
		return nil
	}}
	srv, _ := newExportServer(t, store, web.Config{MaxExports: 1, QueueWait: 50 * time.Millisecond}, nil)
	var freeOnce sync.Once
	free := func() { freeOnce.Do(func() { close(release) }) }
	t.Cleanup(free)
	done := make(chan struct{})
	go func() {
		defer close(done)
		res, _, err := fetch(t, srv.URL+"/claims.csv")
		if assert.NoError(t, err) {
			assert.Equal(t, http.StatusOK, res.StatusCode)
		}
	}()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the claims export never started")
	}
	for _, path := range []string{"/sources.csv", "/sources.json", "/evidence.csv?claim=1", "/evidence.json"} {
		res, body, err := fetch(t, srv.URL+path)
		require.NoError(t, err)
		assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode, "%s while another export is made", path)
		assert.Equal(t, "5", res.Header.Get("Retry-After"), path)
		assert.Contains(t, body, "try again in a moment")
	}
	free()
	<-done
	res, body, err := fetch(t, srv.URL+"/sources.csv")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode, "a turn free again")
	assert.True(t, strings.HasPrefix(body, dump.BOM+strings.Join(dump.Header(dump.TableSources), ",")))
}
