package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// apiResult is an API response, its body decoded.
type apiResult struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// errCode is the error code of an error response.
func (r apiResult) errCode() string {
	e, _ := r.body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func (r apiResult) fields() map[string]any {
	e, _ := r.body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	return f
}

func (r apiResult) data() []any {
	d, _ := r.body["data"].([]any)
	return d
}

// api calls the API with an optional token, body and headers.
func (a *testApp) api(method, path, token string, body any, header ...string) apiResult {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(a.t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.srv.URL+"/api/v1"+path, rd)
	require.NoError(a.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req) // no cookies: the API alone
	require.NoError(a.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(a.t, err)
	r := apiResult{status: res.StatusCode, header: res.Header, raw: string(raw)}
	if len(raw) > 0 && res.StatusCode != http.StatusNotModified {
		require.NoError(a.t, json.Unmarshal(raw, &r.body), "%s %s: %s", method, path, raw)
	}
	return r
}

// apiToken makes an account (unless it exists) and a token for it.
func (a *testApp) apiToken(username string, role claimtrack.Role) string {
	a.t.Helper()
	client := a.client
	u := a.signInAs(username, role)
	a.client = client
	token := "ctk_test_" + username + "_" + strconv.FormatInt(sessionCounter.Add(1), 10)
	_, err := a.db.CreateAPIToken(context.Background(), u.ID, "tests", token)
	require.NoError(a.t, err)
	return token
}

func TestAPI_Reads(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.setStatus("1", claimtrack.StatusRefuted, "He stayed home.")

	// Claims: pages with links, filters, one claim with its ETag.
	r := a.api("GET", "/claims?per_page=3", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	require.Len(t, r.data(), 3)
	meta := r.body["meta"].(map[string]any)
	assert.EqualValues(t, 8, meta["total"])
	links := r.body["links"].(map[string]any)
	assert.Contains(t, links["next"], "page=2")
	assert.Contains(t, links["last"], "page=3")
	assert.NotContains(t, links, "prev")
	assert.Contains(t, r.header.Get("Link"), `rel="next"`)
	next := strings.TrimPrefix(links["next"].(string), a.srv.URL+"/api/v1")
	r2 := a.api("GET", next, "", nil)
	require.Equal(t, http.StatusOK, r2.status)
	assert.NotEqual(t, r.data()[0].(map[string]any)["id"], r2.data()[0].(map[string]any)["id"], "the next page is another page")
	last := a.api("GET", "/claims?per_page=3&page=3", "", nil)
	assert.Len(t, last.data(), 2)
	assert.NotContains(t, last.body["links"], "next")

	r = a.api("GET", "/claims?status=refuted", "", nil)
	require.Len(t, r.data(), 1)
	c := r.data()[0].(map[string]any)
	assert.EqualValues(t, 1, c["id"])
	assert.Equal(t, "He stayed home.", c["verdict_note"])
	assert.Equal(t, "Le Point", c["main_source"].(map[string]any)["name"])
	assert.Equal(t, a.srv.URL+"/claims/1", c["url"])
	r = a.api("GET", "/claims?q=Peskov", "", nil)
	assert.NotEmpty(t, r.data())
	r = a.api("GET", "/claims?status=nonsense", "", nil)
	assert.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Contains(t, r.fields(), "status")
	assert.Equal(t, http.StatusUnprocessableEntity, a.api("GET", "/claims?per_page=1000", "", nil).status)

	r = a.api("GET", "/claims/1", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Regexp(t, `^"`+strconv.Itoa(int(r.body["version"].(float64)))+`\.[A-Za-z0-9_-]+"$`, r.header.Get("ETag"), "the version, then what else the answer shows")
	assert.Equal(t, "refuted", r.body["status"])
	assert.Equal(t, "Le Point", r.body["main_source"].(map[string]any)["name"], "the asserting source, as the lists show it")
	assert.Equal(t, http.StatusNotModified, a.api("GET", "/claims/1", "", nil, "If-None-Match", r.header.Get("ETag")).status)

	// 404s: no such claim, source, address; a malformed id.
	for _, path := range []string{"/claims/999", "/claims/abc", "/claims/999/evidence", "/claims/999/events", "/sources/999", "/nothing"} {
		r := a.api("GET", path, "", nil)
		assert.Equal(t, http.StatusNotFound, r.status, path)
		assert.Equal(t, "not_found", r.errCode(), path)
	}

	// Evidence, history, sources, events, search.
	r = a.api("GET", "/claims/1/evidence", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	require.NotEmpty(t, r.data())
	assert.Equal(t, "Le Point", r.data()[0].(map[string]any)["source"].(map[string]any)["name"])
	r = a.api("GET", "/claims/1/events?limit=1", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	require.Len(t, r.data(), 1)
	assert.Equal(t, "status_changed", r.data()[0].(map[string]any)["type"], "newest first")
	older := strings.TrimPrefix(r.body["links"].(map[string]any)["next"].(string), a.srv.URL+"/api/v1")
	r = a.api("GET", older, "", nil)
	require.Len(t, r.data(), 1)
	assert.NotEqual(t, "status_changed", r.data()[0].(map[string]any)["type"])

	r = a.api("GET", "/sources?sort=reliability&per_page=2", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	require.Len(t, r.data(), 2)
	assert.Contains(t, r.data()[0].(map[string]any), "reliability")
	assert.Equal(t, http.StatusUnprocessableEntity, a.api("GET", "/sources?sort=colour", "", nil).status)
	r = a.api("GET", "/sources/"+a.sourceIDByName("Le Point"), "", nil)
	require.Equal(t, http.StatusOK, r.status)
	rel := r.body["reliability"].(map[string]any)
	assert.EqualValues(t, 1, rel["disagree"], "Le Point asserted the refuted claim")

	r = a.api("GET", "/events?type=status_changed", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	require.Len(t, r.data(), 1)
	assert.Equal(t, "admin", r.data()[0].(map[string]any)["actor"])
	assert.Equal(t, http.StatusUnprocessableEntity, a.api("GET", "/events?from=yesterday", "", nil).status)

	r = a.api("GET", "/search?q=Moscow", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.NotEmpty(t, r.data())
	r = a.api("GET", "/search?q=", "", nil)
	assert.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Contains(t, r.fields(), "q")

	// A private tracker wants a token for reading too.
	a.web.Configure(web.Config{Private: true})
	r = a.api("GET", "/claims", "", nil)
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.Equal(t, "unauthorized", r.errCode())
	assert.Contains(t, r.header.Get("WWW-Authenticate"), "Bearer")
	assert.Equal(t, http.StatusOK, a.api("GET", "/claims", a.apiToken("reader", claimtrack.RoleViewer), nil).status)
}

func TestAPI_Writes(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	editor := a.apiToken("desk-editor", claimtrack.RoleEditor)
	viewer := a.apiToken("desk-viewer", claimtrack.RoleViewer)
	newClaim := map[string]any{"text": "The parade will be shorter this year.", "kind": "forecast", "tags": []string{"Victory Day"}}

	// Auth: no token, a token that is not one, a revoked one, a viewer's.
	r := a.api("POST", "/claims", "", newClaim)
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.Equal(t, http.StatusUnauthorized, a.api("POST", "/claims", "ctk_made_up", newClaim).status)
	revoked := a.apiToken("desk-editor", claimtrack.RoleEditor)
	u, _, err := a.db.FindUserByUsername(context.Background(), "desk-editor")
	require.NoError(t, err)
	tokens, err := a.db.FindAPITokens(context.Background(), u.ID)
	require.NoError(t, err)
	require.NoError(t, a.db.RevokeAPIToken(context.Background(), u.ID, tokens[0].ID))
	r = a.api("POST", "/claims", revoked, newClaim)
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.Equal(t, http.StatusUnauthorized, a.api("GET", "/claims", revoked, nil).status, "a revoked token opens nothing")
	r = a.api("POST", "/claims", viewer, newClaim)
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Equal(t, "forbidden", r.errCode())
	// A signed-in browser's cookie is no token: the API ignores it for changes.
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+"/api/v1/claims", strings.NewReader(`{"text": "Sent with a cookie only, never saved."}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	res, err := a.client.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	before := a.count(`SELECT count(*) FROM claims`)

	// 422 with the forms' messages; 400 for a body that is not the JSON expected.
	r = a.api("POST", "/claims", editor, map[string]any{"text": "Short", "kind": "guess"})
	require.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Equal(t, "invalid", r.errCode())
	assert.Contains(t, r.fields(), "text")
	assert.Contains(t, r.fields(), "kind")
	assert.Equal(t, http.StatusBadRequest, a.api("POST", "/claims", editor, map[string]any{"text": "A claim long enough.", "colour": "red"}).status)
	assert.Equal(t, before, a.count(`SELECT count(*) FROM claims`))

	// Create.
	r = a.api("POST", "/claims", editor, newClaim)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	id := strconv.Itoa(int(r.body["id"].(float64)))
	assert.Equal(t, a.srv.URL+"/api/v1/claims/"+id, r.header.Get("Location"))
	assert.Equal(t, `"1"`, r.header.Get("ETag"))
	assert.Equal(t, []any{"victory-day"}, r.body["tags"])

	// Evidence: with a fresh If-Match, then a stale one (412, nothing written).
	r = a.api("POST", "/claims/"+id+"/evidence", editor, map[string]any{"source_name": "Izvestia", "source_kind": "outlet",
		"stance": "asserts", "url": "https://iz.ru/parade"}, "If-Match", `"1"`)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	assert.Equal(t, `"2"`, r.header.Get("ETag"))
	r = a.api("POST", "/claims/"+id+"/evidence", editor, map[string]any{"source_name": "Izvestia", "stance": "reports"}, "If-Match", `"1"`)
	assert.Equal(t, http.StatusPreconditionFailed, r.status)
	assert.Equal(t, "precondition_failed", r.errCode())
	r = a.api("POST", "/claims/"+id+"/evidence", editor, map[string]any{"source_name": "Brand New", "stance": "agrees"})
	assert.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Contains(t, r.fields(), "stance")
	assert.Contains(t, r.fields(), "source_kind")
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM evidence WHERE claim_id = ?`, id))

	// Status: no precondition is refused (428); a stale one is 412; the
	// fresh one is saved and is in the history under the token's user.
	r = a.api("POST", "/claims/"+id+"/status", editor, map[string]any{"status": "refuted", "note": "It was as long as ever."})
	assert.Equal(t, http.StatusPreconditionRequired, r.status)
	r = a.api("POST", "/claims/"+id+"/status", editor, map[string]any{"status": "refuted", "note": "It was as long as ever."}, "If-Match", `"1"`)
	assert.Equal(t, http.StatusPreconditionFailed, r.status)
	r = a.api("POST", "/claims/"+id+"/status", editor, map[string]any{"status": "refuted", "note": ""}, "If-Match", `"2"`)
	assert.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Contains(t, r.fields(), "note")
	r = a.api("POST", "/claims/"+id+"/status", editor, map[string]any{"status": "refuted", "note": "It was as long as ever."}, "If-Match", `"2"`)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	assert.Equal(t, `"3"`, r.header.Get("ETag"))
	assert.Equal(t, "refuted", r.body["status"])
	r = a.api("POST", "/claims/"+id+"/status", editor, map[string]any{"status": "confirmed", "note": "Corrected.", "version": 3})
	require.Equal(t, http.StatusOK, r.status, "the version may come in the body")

	hist := a.api("GET", "/claims/"+id+"/events", "", nil)
	require.Equal(t, http.StatusOK, hist.status)
	var actors, types []string
	for _, e := range hist.data() {
		actors = append(actors, e.(map[string]any)["actor"].(string))
		types = append(types, e.(map[string]any)["type"].(string))
	}
	assert.Equal(t, []string{"status_changed", "status_changed", "evidence_added", "claim_created"}, types)
	for _, who := range actors {
		assert.Equal(t, "desk-editor", who, "every API change is in the history under the token's user")
	}
	page := a.get("/claims/" + id)
	assert.Contains(t, page.doc.Find(`[data-testid="timeline"]`).Text(), "desk-editor")

	// Writes to a claim that does not exist; methods that do not exist.
	assert.Equal(t, http.StatusNotFound, a.api("POST", "/claims/999/status", editor, map[string]any{"status": "refuted", "note": "x"}, "If-Match", `"1"`).status)
	assert.Equal(t, http.StatusMethodNotAllowed, a.api("DELETE", "/claims/"+id, editor, nil).status)
}

// The OpenAPI description and the routes agree, both ways.
func TestAPI_OpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	r := a.api("GET", "/openapi.json", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "3.0.3", r.body["openapi"])
	documented := map[string]bool{}
	for path, ops := range r.body["paths"].(map[string]any) {
		for method := range ops.(map[string]any) {
			documented[strings.ToUpper(method)+" /api/v1"+path] = true
		}
	}
	param := regexp.MustCompile(`:(\w+)`)
	routed := map[string]bool{}
	for _, rt := range a.web.Routes() {
		if !strings.HasPrefix(rt.Path, "/api/v1/") || rt.Method == http.MethodHead {
			continue
		}
		routed[rt.Method+" "+param.ReplaceAllString(rt.Path, "{$1}")] = true
	}
	keys := func(m map[string]bool) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	require.NotEmpty(t, routed)
	assert.Equal(t, keys(routed), keys(documented))
	t.Logf("%d operations documented and routed", len(routed))
}

// Tokens are made and revoked on the account page; a new one is shown once
// and works at once; a revoked one stops working.
func TestAPI_TokensOnAccountPage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.signInAs("nina", claimtrack.RoleEditor)
	res := a.post("/account/tokens", map[string][]string{"name": {""}, "password": {testPassword}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, res.doc.Find(`[data-testid="error-name"]`).Text())

	res = a.post("/account/tokens", map[string][]string{"name": {"newsroom sheet"}, "password": {testPassword}})
	require.Equal(t, http.StatusOK, res.status)
	token := strings.TrimSpace(res.doc.Find(`[data-testid="new-token"] code`).Text())
	require.True(t, strings.HasPrefix(token, "ctk_"), token)
	assert.Equal(t, "no-store", res.header.Get("Cache-Control"))
	r := a.api("POST", "/claims", token, map[string]any{"text": "Made through the API with a fresh token."})
	require.Equal(t, http.StatusCreated, r.status, r.raw)

	page := a.get("/account")
	assert.Empty(t, page.doc.Find(`[data-testid="new-token"]`).Nodes, "shown once")
	assert.NotContains(t, page.body, token)
	rows := page.doc.Find(`[data-testid="token-row"]`)
	require.Equal(t, 1, rows.Length())
	assert.Contains(t, rows.Text(), "newsroom sheet")
	assert.Contains(t, rows.Text(), token[:8])
	assert.Contains(t, rows.Text(), "last used")
	revoke := rows.Find("form").AttrOr("action", "")
	require.NotEmpty(t, revoke)

	// Someone else cannot revoke it; its owner can.
	a.signInAs("other", claimtrack.RoleEditor)
	assert.Equal(t, http.StatusNotFound, a.post(revoke, nil).status)
	a.signInAs("nina", claimtrack.RoleEditor)
	res = a.post(revoke, nil)
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Contains(t, a.get("/account").doc.Find(`[data-testid="token-row"]`).Text(), "revoked")
	assert.Equal(t, http.StatusUnauthorized, a.api("GET", "/claims", token, nil).status)
}
