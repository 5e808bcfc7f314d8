package web_test

import (
	"context"
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

// changingRoutes are every request that changes the record, with a form that
// an editor could send.
var changingRoutes = []struct {
	path string
	form url.Values
}{
	{"/claims", url.Values{"text": {"Somebody will do something soon."}, "kind": {"forecast"}}},
	{"/claims/1", url.Values{"text": {"Trump will travel to Moscow on May 9."}, "kind": {"forecast"}, "version": {"2"}}},
	{"/claims/1/status", url.Values{"status": {"refuted"}, "note": {"No."}, "version": {"2"}}},
	{"/claims/1/evidence", url.Values{"source_name": {"New Outlet"}, "source_kind": {"outlet"}, "stance": {"supports"}}},
	{"/sources", url.Values{"name": {"Another Outlet"}, "kind": {"outlet"}}},
	{"/sources/1", url.Values{"name": {"Le Point renamed"}, "kind": {"outlet"}}},
	{"/claims/1/evidence/1/edit", url.Values{"source_name": {"Le Point"}, "stance": {"disputes"}, "version": {"3"}}},
	{"/claims/1/evidence/1/remove", url.Values{"note": {"Not needed."}, "version": {"3"}}},
}

// Nobody but an editor changes anything: anonymous visitors and viewers get
// 403 and nothing is written; forms send visitors to sign in.
func TestAuth_OnlyEditorsChange(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	for _, who := range []claimtrack.Role{"", claimtrack.RoleViewer} {
		a.signInAs("vera", who)
		before := a.snapshot()
		for _, r := range changingRoutes {
			res := a.post(r.path, r.form)
			assert.Equal(t, http.StatusForbidden, res.status, "%q POST %s", who, r.path)
			assert.Contains(t, res.doc.Find("main").Text(), "Only editors can change the record")
		}
		for _, path := range []string{"/admin/users", "/admin/users/1/role", "/admin/users/1/disabled"} {
			assert.Equal(t, http.StatusForbidden, a.post(path, url.Values{"role": {"admin"}, "username": {"mallory"}}).status, "%q POST %s", who, path)
		}
		assert.Equal(t, before, a.snapshot(), "%q wrote nothing", who)
		claim := a.get("/claims/1").doc
		assert.Zero(t, claim.Find("#status-form").Length(), "no edit controls for %q", who)
		assert.Zero(t, claim.Find("#evidence-form").Length())
		assert.Zero(t, claim.Find(`[data-testid="edit-evidence"]`).Length())
		assert.Zero(t, a.get("/claims").doc.Find(`a[href="/claims/new"]`).Length())
	}
	a.signInAs("", "")
	for _, path := range []string{"/claims/new", "/claims/1/edit", "/claims/1/evidence/1/edit", "/sources/new", "/sources/1/edit", "/admin/users", "/account"} {
		res := a.get(path)
		assert.Equal(t, http.StatusSeeOther, res.status, path)
		assert.Equal(t, "/login?next="+url.QueryEscape(path), res.header.Get("Location"))
	}
	a.signInAs("vera", claimtrack.RoleViewer)
	assert.Equal(t, http.StatusForbidden, a.get("/claims/new").status)
	assert.Equal(t, http.StatusForbidden, a.get("/admin/users").status)

	// An editor's change is recorded under the editor's name; editors do not
	// manage accounts.
	a.signInAs("eddie", claimtrack.RoleEditor)
	v := fieldValue(a.get("/claims/3").doc, "#status-form", "version")
	res := a.post("/claims/3/status", url.Values{"status": {"confirmed"}, "note": {"Checked."}, "version": {v}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM events WHERE type = 'status_changed' AND actor = 'eddie'`))
	assert.Equal(t, http.StatusForbidden, a.get("/admin/users").status)
}

// An admin manages accounts; disabling one ends its session at its next
// request.
func TestAuth_AdminManagesAccounts(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	res := a.post("/admin/users", url.Values{"username": {"nina"}, "role": {"editor"}, "password": {"a long enough secret"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	var hash string
	require.NoError(t, a.raw.QueryRow(`SELECT password_hash FROM users WHERE username = 'nina'`).Scan(&hash))
	assert.Regexp(t, `^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$`, hash)

	// Bad input keeps what was typed (never the password) and says what is wrong.
	res = a.post("/admin/users", url.Values{"username": {"NINA"}, "role": {"editor"}, "password": {"another long secret"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, "NINA", res.doc.Find("#account-username").AttrOr("value", ""))
	assert.Contains(t, res.doc.Find("#add-user").Text(), "taken")
	res = a.post("/admin/users", url.Values{"username": {"olga"}, "role": {"editor"}, "password": {"password123"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.doc.Find("#add-user").Text(), "most common")

	// Nina signs in with her password in her own browser.
	nina := newClientOf(a)
	login := nina.post("/login", url.Values{"username": {"nina"}, "password": {"a long enough secret"}, "next": {"/claims/2"}})
	require.Equal(t, http.StatusSeeOther, login.status, login.body)
	assert.Equal(t, "/claims/2", login.header.Get("Location"))
	assert.Equal(t, 1, nina.get("/claims/1").doc.Find("#status-form").Length(), "an editor sees the forms")

	id := ""
	a.get("/admin/users").doc.Find(`[data-testid="user-row"][data-username="nina"] form`).First().Each(func(_ int, f *goquery.Selection) {
		id = strings.TrimSuffix(strings.TrimPrefix(f.AttrOr("action", ""), "/admin/users/"), "/role")
	})
	require.NotEmpty(t, id)
	res = a.post("/admin/users/"+id+"/disabled", url.Values{"disabled": {"1"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Zero(t, nina.get("/claims/1").doc.Find("#status-form").Length(), "the session ended at once")
	assert.Equal(t, http.StatusForbidden, nina.post("/claims/1/status", url.Values{"status": {"refuted"}, "note": {"x"}, "version": {"2"}}).status)
	login = nina.post("/login", url.Values{"username": {"nina"}, "password": {"a long enough secret"}})
	assert.Equal(t, http.StatusUnprocessableEntity, login.status, "a disabled account cannot sign in")

	// Roles change; an admin cannot demote or disable themselves.
	res = a.post("/admin/users/"+id+"/role", url.Values{"role": {"viewer"}})
	assert.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM users WHERE username = 'nina' AND role = 'viewer'`))
	me := a.count(`SELECT id FROM users WHERE username = 'admin'`)
	assert.Equal(t, http.StatusConflict, a.post("/admin/users/"+strconv.Itoa(me)+"/role", url.Values{"role": {"editor"}}).status)
	assert.Equal(t, http.StatusConflict, a.post("/admin/users/"+strconv.Itoa(me)+"/disabled", url.Values{"disabled": {"1"}}).status)
	assert.Equal(t, http.StatusNotFound, a.post("/admin/users/999/role", url.Values{"role": {"editor"}}).status)
	assert.Equal(t, 4, a.count(`SELECT count(*) FROM events WHERE type LIKE 'user_%' AND actor = 'admin'`))
}

// newClientOf is another browser on the same app, signed out.
func newClientOf(a *testApp) *testApp {
	b := *a
	b.client = a.newClient()
	return &b
}

// Signing in: one message for any failure, a new session token every time
// (never the one sent before), cookie attributes, and sign-out ends the
// session for good.
func TestAuth_SignInAndOut(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	require.Equal(t, http.StatusSeeOther, a.post("/admin/users", url.Values{"username": {"nina"}, "role": {"editor"},
		"password": {"a long enough secret"}}).status)
	b := newClientOf(a)
	for _, f := range []url.Values{
		{"username": {"nina"}, "password": {"wrong password here"}},
		{"username": {"nobody"}, "password": {"a long enough secret"}},
		{"username": {""}, "password": {""}},
	} {
		res := b.post("/login", f)
		assert.Equal(t, http.StatusUnprocessableEntity, res.status)
		assert.Contains(t, res.doc.Find(`[data-testid="login-form"]`).Text(), "The username or password is wrong.")
		assert.Equal(t, f.Get("username"), res.doc.Find("#login-username").AttrOr("value", ""))
		assert.Empty(t, res.doc.Find("#login-password").AttrOr("value", ""), "the password is never sent back")
	}
	assert.NotContains(t, a.logText(), "wrong password here", "passwords are never logged")
	assert.Contains(t, a.logText(), `sign-in refused`)

	// A session cookie planted before signing in is not the one after.
	base, _ := url.Parse(a.srv.URL)
	b.client.Jar.SetCookies(base, []*http.Cookie{{Name: "claimtrack_session", Value: "planted-by-an-attacker", Path: "/"}})
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+"/login", strings.NewReader(url.Values{"username": {"NINA"},
		"password": {"a long enough secret"}, "_csrf": {b.csrf()}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := b.client.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	var session *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "claimtrack_session" {
			session = c
		}
	}
	require.NotNil(t, session)
	assert.NotEqual(t, "planted-by-an-attacker", session.Value)
	assert.GreaterOrEqual(t, len(session.Value), 43, "256 random bits")
	assert.True(t, session.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, session.SameSite)
	assert.Equal(t, "/", session.Path)
	assert.False(t, session.Secure, "plain HTTP here")
	assert.Equal(t, 30*24*60*60, session.MaxAge)
	assert.Zero(t, a.count(`SELECT count(*) FROM sessions WHERE token_hash = ?`, session.Value), "stored hashed")
	assert.Contains(t, b.get("/claims").doc.Find(`[data-testid="who"]`).Text(), "nina")

	// Signing out ends the session on the server: the old token is dead.
	require.Equal(t, http.StatusSeeOther, b.post("/logout", nil).status)
	c := newClientOf(a)
	c.client.Jar.SetCookies(base, []*http.Cookie{{Name: "claimtrack_session", Value: session.Value, Path: "/"}})
	assert.Contains(t, c.get("/claims").doc.Find(`[data-testid="who"]`).Text(), "Sign in")
	assert.Equal(t, http.StatusForbidden, c.post("/claims", changingRoutes[0].form).status)
}

// After signing in, next only ever leads to a path on this site.
func TestAuth_NextStaysLocal(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	require.Equal(t, http.StatusSeeOther, a.post("/admin/users", url.Values{"username": {"nina"}, "role": {"viewer"},
		"password": {"a long enough secret"}}).status)
	for next, want := range map[string]string{
		"//evil.example":       "/claims",
		"/\\evil.example":      "/claims",
		"https://evil.example": "/claims",
		"javascript:x":         "/claims",
		"%2F%2Fevil.example":   "/claims",
		"/%2F%2Fevil.example":  "/claims",
		"":                     "/claims",
		"/claims/2?x=1":        "/claims/2?x=1",
		"/sources":             "/sources",
	} {
		b := newClientOf(a)
		res := b.post("/login", url.Values{"username": {"nina"}, "password": {"a long enough secret"}, "next": {next}})
		require.Equal(t, http.StatusSeeOther, res.status)
		loc := res.header.Get("Location")
		assert.Equal(t, want, loc, "next=%q", next)
		u, err := url.Parse(loc)
		require.NoError(t, err)
		assert.Empty(t, u.Host)
		assert.True(t, strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//"))
	}
}

// The first run: a one-time link creates the first admin, and works once.
func TestAuth_Setup(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ctx := context.Background()
	link, err := a.web.SetupLink(ctx)
	require.NoError(t, err)
	assert.Empty(t, link, "an account exists, so there is no setup link")

	b := newBareApp(t)
	link, err = b.web.SetupLink(ctx)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(link, "/setup?token="))
	again, _ := b.web.SetupLink(ctx)
	assert.Equal(t, link, again, "one token for the server's life")
	token := strings.TrimPrefix(link, "/setup?token=")
	assert.Equal(t, http.StatusNotFound, b.get("/setup?token=guess").status)
	assert.Equal(t, http.StatusOK, b.get(link).status)

	res := b.post("/setup", url.Values{"token": {token}, "username": {"chief"}, "password": {"short"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, "chief", res.doc.Find("#account-username").AttrOr("value", ""))
	res = b.post("/setup", url.Values{"token": {token}, "username": {"chief"}, "password": {"the first admin's secret"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/admin/users", res.header.Get("Location"))
	assert.Equal(t, http.StatusOK, b.get("/admin/users").status, "the new admin is signed in")
	assert.Equal(t, 1, b.count(`SELECT count(*) FROM users WHERE username = 'chief' AND role = 'admin'`))

	// The link is dead now, for everyone.
	c := newClientOf(b)
	assert.Equal(t, http.StatusNotFound, c.get(link).status)
	assert.Equal(t, http.StatusNotFound, c.post("/setup", url.Values{"token": {token}, "username": {"second"},
		"password": {"another long secret"}}).status)
	assert.Equal(t, 1, b.count(`SELECT count(*) FROM users`))
}

// Repeated failures slow down, per account and per client address, with
// 429 and a clear message; the owner is never locked out for good.
func TestAuth_Backoff(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	require.Equal(t, http.StatusSeeOther, a.post("/admin/users", url.Values{"username": {"nina"}, "role": {"editor"},
		"password": {"a long enough secret"}}).status)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	a.web.Now = func() time.Time { return now }
	b := newClientOf(a)
	wrong := url.Values{"username": {"nina"}, "password": {"not her password"}}
	right := url.Values{"username": {"nina"}, "password": {"a long enough secret"}}
	for i := range 5 {
		assert.Equal(t, http.StatusUnprocessableEntity, b.post("/login", wrong).status, "free attempt %d", i+1)
	}
	// The fifth failure costs a second; even the right password waits.
	res := b.post("/login", right)
	assert.Equal(t, http.StatusTooManyRequests, res.status)
	assert.Equal(t, "1", res.header.Get("Retry-After"))
	assert.Contains(t, res.doc.Find(`[data-testid="login-form"]`).Text(), "Too many failed sign-ins")
	assert.Contains(t, a.logText(), "sign-in throttled")

	// Each further failure doubles the wait.
	for _, want := range []string{"2", "4", "8"} {
		now = now.Add(time.Hour)
		assert.Equal(t, http.StatusUnprocessableEntity, b.post("/login", wrong).status)
		assert.Equal(t, want, b.post("/login", wrong).header.Get("Retry-After"))
	}
	// The wait has a ceiling: the owner gets back in.
	for range 12 {
		now = now.Add(time.Hour)
		b.post("/login", wrong)
	}
	assert.Equal(t, "900", b.post("/login", right).header.Get("Retry-After"), "at most 15 minutes")
	now = now.Add(15 * time.Minute)
	require.Equal(t, http.StatusSeeOther, b.post("/login", right).status, "after the wait the right password works")
	now = now.Add(time.Second)
	assert.Equal(t, http.StatusUnprocessableEntity, newClientOf(a).post("/login", wrong).status, "and the slate is clean")

	// From one address, failures on many accounts add up too.
	c := newClientOf(a)
	for i := range 20 {
		c.post("/login", url.Values{"username": {"guess" + strconv.Itoa(i)}, "password": {"whatever it is"}})
	}
	assert.Equal(t, http.StatusTooManyRequests, c.post("/login", url.Values{"username": {"another"}, "password": {"x"}}).status)
	assert.NotContains(t, a.logText(), "not her password", "passwords never reach the log")
}

// Changing one's own password checks the current one, applies the rules, and
// ends the account's other sessions while keeping this one.
func TestAuth_ChangePassword(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	require.Equal(t, http.StatusSeeOther, a.post("/admin/users", url.Values{"username": {"nina"}, "role": {"viewer"},
		"password": {"a long enough secret"}}).status)
	laptop, phone := newClientOf(a), newClientOf(a)
	for _, b := range []*testApp{laptop, phone} {
		require.Equal(t, http.StatusSeeOther, b.post("/login", url.Values{"username": {"nina"}, "password": {"a long enough secret"}}).status)
	}
	assert.Contains(t, laptop.get("/account").doc.Find(`[data-testid="account-who"]`).Text(), "nina")

	res := laptop.post("/account/password", url.Values{"current": {"not it at all"}, "password": {"a brand new secret"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.doc.Find(`[data-testid="password-form"]`).Text(), "not your current password")
	res = laptop.post("/account/password", url.Values{"current": {"a long enough secret"}, "password": {"short"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.doc.Find(`[data-testid="password-form"]`).Text(), "at least 8 characters")

	res = laptop.post("/account/password", url.Values{"current": {"a long enough secret"}, "password": {"a brand new secret"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Contains(t, laptop.get("/account").doc.Find(`[data-testid="account-who"]`).Text(), "nina", "this session goes on")
	assert.Equal(t, http.StatusSeeOther, phone.get("/account").status, "the other session ended")
	assert.Equal(t, http.StatusUnprocessableEntity, phone.post("/login", url.Values{"username": {"nina"}, "password": {"a long enough secret"}}).status)
	assert.Equal(t, http.StatusSeeOther, phone.post("/login", url.Values{"username": {"nina"}, "password": {"a brand new secret"}}).status)
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM events WHERE type = 'password_changed' AND actor = 'nina'`))
}
