package main

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFlags_Exports(t *testing.T) {
	m := NewMain(io.Discard, io.Discard)
	require.NoError(t, m.ParseFlags(nil))
	assert.Equal(t, web.DefaultMaxExports(), m.Config.MaxExports, "the web server's default")
	assert.Equal(t, web.DefaultExportMinRate, m.Config.ExportMinRate)
	assert.Empty(t, m.Config.ExportDir)

	t.Setenv("CLAIMTRACK_MAX_EXPORTS", "3")
	t.Setenv("CLAIMTRACK_EXPORT_MIN_RATE", "4096")
	t.Setenv("CLAIMTRACK_EXPORT_DIR", "/var/tmp")
	require.NoError(t, m.ParseFlags(nil))
	assert.Equal(t, 3, m.Config.MaxExports)
	assert.Equal(t, 4096, m.Config.ExportMinRate)
	assert.Equal(t, "/var/tmp", m.Config.ExportDir)
	require.NoError(t, m.ParseFlags([]string{"--max-exports", "1", "--export-min-rate", "100000", "--export-dir", "spool"}))
	assert.Equal(t, 1, m.Config.MaxExports, "flags win over the environment")
	assert.Equal(t, 100000, m.Config.ExportMinRate)
	assert.Equal(t, "spool", m.Config.ExportDir)
	for _, bad := range [][]string{{"--max-exports", "0"}, {"--max-exports", "many"}, {"--export-min-rate", "-1"}} {
		assert.Error(t, m.ParseFlags(bad), "%v", bad)
	}
}

// exportResult is one download of the claims list.
type exportResult struct {
	status   int
	took     time.Duration
	bytes    int64
	rows     int
	complete bool // as long as announced, and valid CSV to the end
}

// download fetches /claims.csv and checks that what arrived is whole.
func download(base string) (exportResult, error) {
	start := time.Now()
	res, err := http.Get(base + "/claims.csv")
	if err != nil {
		return exportResult{}, err
	}
	defer res.Body.Close()
	body, rerr := io.ReadAll(res.Body)
	r := exportResult{status: res.StatusCode, took: time.Since(start), bytes: int64(len(body))}
	if res.StatusCode != http.StatusOK {
		return r, nil
	}
	r.complete = rerr == nil && res.ContentLength == int64(len(body))
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		r.complete = false
	}
	r.rows = max(len(records)-1, 0)
	return r, nil
}

// The bounded check of issue 16, item 4 against the real binary, on a copy
// of a generated database (go run . gen): twelve concurrent /claims.csv
// while a reader loads claim pages. Every download is whole or a 503 with
// Retry-After; the claim pages stay fast. By default the database is small
// and generated (the check then runs in make test); set
// CLAIMTRACK_EXPORT_LOAD_DB to a large one to copy (100k claims: about a
// minute);
// CLAIMTRACK_EXPORT_LOAD_N sets the number of downloads (12) and
// CLAIMTRACK_EXPORT_LOAD_MAX the server's --max-exports.
//
//	CLAIMTRACK_EXPORT_LOAD_DB=bench-100k.db go test ./cmd/claimtrack -run TestExportLoad -v
//
// Not parallel with other tests: it times the claim pages.
func TestExportLoad(t *testing.T) {
	db := filepath.Join(t.TempDir(), "load.db")
	if src := os.Getenv("CLAIMTRACK_EXPORT_LOAD_DB"); src != "" {
		copyFile(t, src, db)
	} else {
		genDB(t, db, 3000)
	}
	args := []string{}
	if n := os.Getenv("CLAIMTRACK_EXPORT_LOAD_MAX"); n != "" {
		args = append(args, "--max-exports", n)
	}
	cmd, addr, _ := startServerWith(t, db, nil, args...)
	base := "http://" + addr
	var claims int
	func() {
		raw, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
		require.NoError(t, err)
		defer raw.Close()
		require.NoError(t, raw.QueryRow(`SELECT max(id) FROM claims`).Scan(&claims))
	}()

	// The claim pages, loaded one after another while the downloads run.
	stop := make(chan struct{})
	var pages []time.Duration
	var pageErrs []string
	pagesDone := make(chan struct{})
	go func() {
		defer close(pagesDone)
		rng := rand.New(rand.NewPCG(1, 2))
		for i := 0; i < 100000; i++ {
			select {
			case <-stop:
				return
			default:
			}
			start := time.Now()
			res, err := http.Get(base + "/claims/" + strconv.Itoa(1+rng.IntN(claims)))
			if err != nil {
				pageErrs = append(pageErrs, err.Error())
				continue
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			pages = append(pages, time.Since(start))
			if res.StatusCode != http.StatusOK {
				pageErrs = append(pageErrs, res.Status)
			}
		}
	}()

	n := 12
	if v := os.Getenv("CLAIMTRACK_EXPORT_LOAD_N"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err)
	}
	start := time.Now()
	results := make([]exportResult, n)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := download(base)
			assert.NoError(t, err)
			results[i] = r
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	close(stop)
	<-pagesDone

	ok := 0
	for i, r := range results {
		t.Logf("download %2d: %d in %v, %.1f MB, %d rows, whole: %v", i, r.status, r.took.Round(time.Millisecond), float64(r.bytes)/1e6, r.rows, r.complete)
		switch r.status {
		case http.StatusOK:
			ok++
			assert.True(t, r.complete, "download %d is whole", i)
			assert.Equal(t, claims, r.rows, "download %d has every claim", i)
		case http.StatusServiceUnavailable:
		default:
			t.Errorf("download %d: status %d", i, r.status)
		}
	}
	assert.Positive(t, ok)
	slices.Sort(pages)
	require.NotEmpty(t, pages)
	pct := func(p float64) time.Duration { return pages[min(len(pages)-1, int(p*float64(len(pages))))] }
	t.Logf("%d downloads in %v: %d whole, %d turned away (503); claim pages meanwhile: %d, p50 %v, p99 %v, max %v; page errors: %v",
		n, wall.Round(time.Millisecond), ok, n-ok, len(pages), pct(0.5).Round(time.Millisecond), pct(0.99).Round(time.Millisecond),
		pages[len(pages)-1].Round(time.Millisecond), pageErrs)
	assert.Empty(t, pageErrs)
	assert.Less(t, pct(0.99), time.Second, "claim pages stay fast while exports run")
	t.Logf("server resident memory after: %.0f MB", float64(residentBytes(t, cmd.Process.Pid))/1e6)
}
