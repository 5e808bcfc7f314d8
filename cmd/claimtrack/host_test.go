package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/seeds"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refutedDB is a seeded database whose first claim has a verdict, so its
// page carries ClaimReview markup with absolute URLs.
func refutedDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hosts.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	_, err = seeds.Load(ctx, db)
	require.NoError(t, err)
	c, err := db.FindClaimByID(ctx, 1)
	require.NoError(t, err)
	_, err = db.SetClaimStatus(ctx, 1, claimtrack.StatusChange{Status: claimtrack.StatusRefuted, Note: "Denied.", Version: c.Version}, "tester")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	return path
}

// getWithHost fetches path from the server at addr with the Host header host
// ("" for the address itself) and returns the response's headers and body.
func getWithHost(t *testing.T, addr, path, host string, header ...string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	require.NoError(t, err)
	if host != "" {
		req.Host = host
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, path)
	var all strings.Builder
	require.NoError(t, res.Header.Write(&all))
	all.Write(body)
	return all.String()
}

// The real binary on port 0, without --public-url: a forged Host, sent
// twice so that the second is answered from the page cache, appears in no
// response; the site is named by the real listen address, and a visitor who
// comes next gets that too.
func TestForgedHost_RealBinary(t *testing.T) {
	t.Parallel()
	_, addr, _ := startServer(t, refutedDB(t))
	own := `"url":"http://` + addr + `/claims/1"`
	for range 2 {
		for _, path := range []string{"/claims/1", "/claims/1.atom", "/changes.atom", "/claims.csv", "/api/v1/claims?per_page=1"} {
			got := getWithHost(t, addr, path, "attacker.example", "X-Forwarded-Host", "attacker.example")
			assert.NotContains(t, got, "attacker.example", path)
			assert.Contains(t, got, "http://"+addr+"/", path)
		}
	}
	assert.Contains(t, getWithHost(t, addr, "/claims/1", ""), own)
	assert.Contains(t, getWithHost(t, addr, "/claims/1", "localhost:"+strings.Split(addr, ":")[1]),
		`"url":"http://localhost:`+strings.Split(addr, ":")[1]+`/claims/1"`, "the loopback names with the listen port are allowed")
	assert.Contains(t, getWithHost(t, addr, "/claims/1", ""), own, "each address has its own kept page")
}

// --allowed-hosts (or CLAIMTRACK_ALLOWED_HOSTS) names the hosts a request may
// name the site by; any other Host gets the listen address.
func TestAllowedHosts_RealBinary(t *testing.T) {
	t.Parallel()
	db := refutedDB(t)
	_, addr, _ := startServerWith(t, db, []string{"CLAIMTRACK_ALLOWED_HOSTS=claims.example.org, news.example.org:8080"})
	assert.Contains(t, getWithHost(t, addr, "/claims/1", "claims.example.org"), `"url":"http://claims.example.org/claims/1"`)
	assert.Contains(t, getWithHost(t, addr, "/claims/1", "news.example.org:8080"), `"url":"http://news.example.org:8080/claims/1"`)
	got := getWithHost(t, addr, "/claims/1", "attacker.example")
	assert.NotContains(t, got, "attacker.example")
	assert.Contains(t, got, `"url":"http://`+addr+`/claims/1"`)
}

func TestParseFlags_AllowedHosts(t *testing.T) {
	m := NewMain(io.Discard, io.Discard)
	require.NoError(t, m.ParseFlags(nil))
	assert.Nil(t, m.Config.AllowedHosts, "the default list")
	t.Setenv("CLAIMTRACK_ALLOWED_HOSTS", "Claims.Example.org, 192.0.2.7:8080")
	require.NoError(t, m.ParseFlags(nil))
	assert.Equal(t, []string{"claims.example.org", "192.0.2.7:8080"}, m.Config.AllowedHosts)
	require.NoError(t, m.ParseFlags([]string{"--allowed-hosts", "[::1]:9000"}))
	assert.Equal(t, []string{"[::1]:9000"}, m.Config.AllowedHosts, "the flag wins over the environment")
	for _, bad := range []string{"http://claims.example.org", "claims.example.org/x", "a b", "host:99999", "*.example.org"} {
		err := m.ParseFlags([]string{"--allowed-hosts", bad})
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "--allowed-hosts", bad)
	}
}
