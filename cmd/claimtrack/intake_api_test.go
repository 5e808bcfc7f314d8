package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/intake"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The command and the API give the same suggestions for the same report,
// date and outlet, against the same database (served while the command
// reads it).
func TestIntake_CommandEqualsAPI(t *testing.T) {
	path, _, _ := intakeDB(t)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	u, err := db.CreateUser(ctx, claimtrack.NewUser{Username: "ana", Role: claimtrack.RoleEditor, Password: "a long enough password"}, "x", "test", false)
	require.NoError(t, err)
	const token = "ctk_intake_test_token_0123456789"
	_, err = db.CreateAPIToken(ctx, u.ID, "tests", token)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	_, body := intake.ParseHeader(intakeReport)
	_, addr, _ := startServer(t, path)

	var cli, errOut bytes.Buffer
	require.NoError(t, runIntake(ctx, []string{"suggest", "--db", path, "--published", "2026-08-03", "--outlet", "Moorland Post"},
		strings.NewReader(body), &cli, &errOut), errOut.String())

	req, err := json.Marshal(map[string]string{"text": body, "published": "2026-08-03", "outlet": "Moorland Post"})
	require.NoError(t, err)
	r, err := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/intake/suggest", bytes.NewReader(req))
	require.NoError(t, err)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+token)
	client := &http.Client{Timeout: 30 * time.Second}
	res, err := client.Do(r)
	require.NoError(t, err)
	defer res.Body.Close()
	api, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, string(api))

	var fromCLI, fromAPI intake.Result
	require.NoError(t, json.Unmarshal(cli.Bytes(), &fromCLI))
	require.NoError(t, json.Unmarshal(api, &fromAPI))
	require.NotEmpty(t, fromCLI.Claims)
	assert.Equal(t, fromCLI, fromAPI)
	assert.JSONEq(t, cli.String(), string(api))
}
