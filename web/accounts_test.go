package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statusForm is a valid status change of claim 1 as a's forms would send it,
// without its CSRF token.
func statusForm(a *testApp) url.Values {
	a.t.Helper()
	v := fieldValue(a.get("/claims/1").doc, "#status-form", "version")
	require.NotEmpty(a.t, v)
	return url.Values{"status": {"refuted"}, "note": {"Checked."}, "version": {v}}
}

// A cookie and form value planted together (the old double-submit check
// accepted any matching pair) do not pass for a signed-in session: only the
// session's own token does, and it changes with the session.
func TestCSRF_PlantedPairRefusedForSession(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	base, err := url.Parse(a.srv.URL)
	require.NoError(t, err)
	before := a.snapshot()

	// An attacker who can set cookies for the site (a sibling subdomain, a
	// plain-HTTP answer on the way) plants its own pair in the victim's browser.
	a.client.Jar.SetCookies(base, []*http.Cookie{{Name: "_csrf", Value: "planted-by-the-attacker-0123456789abcdef", Path: "/"}})
	form := statusForm(a)
	form.Set("_csrf", "planted-by-the-attacker-0123456789abcdef")
	res := a.postRaw("/claims/1/status", form.Encode(), nil)
	assert.Equal(t, http.StatusForbidden, res.status, "a planted pair acts on nobody's session")

	// A pair the attacker got from the site as a visitor does not pass either.
	visitor := newClientOf(a)
	visitorToken := visitor.csrf()
	a.client.Jar.SetCookies(base, []*http.Cookie{{Name: "_csrf", Value: visitorToken, Path: "/"}})
	form.Set("_csrf", visitorToken)
	assert.Equal(t, http.StatusForbidden, a.postRaw("/claims/1/status", form.Encode(), nil).status)
	assert.Equal(t, before, a.snapshot(), "nothing was written")

	// The token the session's own pages carry passes.
	page := a.get("/claims/1")
	token := page.doc.Find(`#status-form input[name="_csrf"]`).AttrOr("value", "")
	require.NotEmpty(t, token)
	assert.NotEqual(t, visitorToken, token)
	assert.Equal(t, a.csrf(), token, "the test helper knows the token the page carries")
	form.Set("_csrf", token)
	require.Equal(t, http.StatusSeeOther, a.postRaw("/claims/1/status", form.Encode(), nil).status)

	// Signing in again gives another session and another token: the old one is dead.
	a.signInAs("admin", claimtrack.RoleAdmin)
	form = statusForm(a)
	form.Set("_csrf", token)
	assert.Equal(t, http.StatusForbidden, a.postRaw("/claims/1/status", form.Encode(), nil).status)
}

// The token is read from the form body or the X-CSRF-Token header, never from
// the query string.
func TestCSRF_NotFromQuery(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	token := a.csrf()
	before := a.snapshot()
	form := statusForm(a)
	res := a.postRaw("/claims/1/status?_csrf="+url.QueryEscape(token), form.Encode(), nil)
	assert.Equal(t, http.StatusForbidden, res.status, "a token in the address is refused")
	assert.Equal(t, before, a.snapshot())

	res = a.postRaw("/claims/1/status", form.Encode(), http.Header{"X-Csrf-Token": {token}})
	assert.Equal(t, http.StatusSeeOther, res.status, "a script may send it as a header")
	form = statusForm(a)
	form.Set("_csrf", token)
	assert.Equal(t, http.StatusSeeOther, a.postRaw("/claims/1/status", form.Encode(), nil).status)
}

// Under an https public address every cookie the site sets is Secure: the
// session, the visitor's CSRF token, the one-time message and their removals.
func TestSecurity_CookiesSecureUnderHTTPS(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.signInAs("nina", claimtrack.RoleEditor)
	a.web.Configure(web.Config{HTTPS: true})
	serve := func(method, path, body string, cookies ...*http.Cookie) *http.Response {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		a.web.ServeHTTP(rec, req)
		return rec.Result()
	}
	seen := map[string]bool{}
	check := func(what string, res *http.Response) {
		t.Helper()
		require.NotEmpty(t, res.Cookies(), what)
		for _, c := range res.Cookies() {
			assert.True(t, c.Secure, "%s: cookie %s is not Secure", what, c.Name)
			seen[c.Name] = true
		}
	}

	// A visitor gets a CSRF cookie with the sign-in form, and signs in.
	res := serve(http.MethodGet, "/login", "")
	check("sign-in form", res)
	var visitor *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "_csrf" {
			visitor = c
		}
	}
	require.NotNil(t, visitor)
	res = serve(http.MethodPost, "/login", url.Values{"_csrf": {visitor.Value}, "username": {"nina"},
		"password": {testPassword}}.Encode(), visitor)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	check("sign-in", res)
	var session *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "claimtrack_session" {
			session = c
		}
	}
	require.NotNil(t, session)

	// Signing out sets a one-time message and clears the session.
	res = serve(http.MethodPost, "/logout", url.Values{"_csrf": {web.SessionCSRF(session.Value)}}.Encode(), session)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	check("sign-out", res)
	var flash *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "flash" {
			flash = c
		}
	}
	require.NotNil(t, flash)
	// The page that shows the message clears it.
	check("the message shown", serve(http.MethodGet, "/claims", "", flash, visitor))
	// A session cookie that names no session is cleared.
	check("a dead session", serve(http.MethodGet, "/claims", "", session, visitor))
	assert.Equal(t, map[string]bool{"_csrf": true, "claimtrack_session": true, "flash": true}, seen)
}

// Making an API token asks for the account's password, and wrong guesses
// there are throttled like sign-ins: a stolen session alone cannot make one.
func TestAccounts_TokenNeedsPassword(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	a.web.Now = func() time.Time { return now }
	u := a.signInAs("nina", claimtrack.RoleEditor)
	tokens := func() int { return a.count(`SELECT count(*) FROM api_tokens WHERE user_id = ?`, u.ID) }

	page := a.get("/account")
	assert.Equal(t, 1, page.doc.Find(`[data-testid="token-form"] input[name="password"][type="password"]`).Length(),
		"the form asks for the password")
	for _, pw := range []string{"", "not her password at all"} {
		res := a.post("/account/tokens", url.Values{"name": {"stolen"}, "password": {pw}})
		assert.Equal(t, http.StatusUnprocessableEntity, res.status, "password %q", pw)
		assert.NotEmpty(t, res.doc.Find(`[data-testid="token-form"] [data-testid="error-password"]`).Text())
		assert.Empty(t, res.doc.Find(`[data-testid="new-token"]`).Nodes)
	}
	assert.Zero(t, tokens(), "no token was made")

	res := a.post("/account/tokens", url.Values{"name": {"newsroom sheet"}, "password": {testPassword}})
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.NotEmpty(t, res.doc.Find(`[data-testid="new-token"] code`).Text())
	assert.Equal(t, 1, tokens())

	// Guessing through this form is slowed down as signing in is.
	for i := range 5 {
		assert.Equal(t, http.StatusUnprocessableEntity, a.post("/account/tokens",
			url.Values{"name": {"x"}, "password": {"guess " + strconv.Itoa(i)}}).status, "free guess %d", i+1)
	}
	res = a.post("/account/tokens", url.Values{"name": {"x"}, "password": {testPassword}})
	assert.Equal(t, http.StatusTooManyRequests, res.status, "even the right password waits")
	assert.Equal(t, "1", res.header.Get("Retry-After"))
	assert.Contains(t, res.doc.Find(`[data-testid="token-form"]`).Text(), "Too many wrong passwords")
	assert.Equal(t, 1, tokens())
}

// Changing the password ends the account's API tokens with its other
// sessions, and the account page says so.
func TestAccounts_PasswordChangeRevokesTokens(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.signInAs("nina", claimtrack.RoleEditor)
	assert.Contains(t, a.get("/account").doc.Find(`[data-testid="password-change-note"]`).Text(), "revokes all your API tokens")
	res := a.post("/account/tokens", url.Values{"name": {"newsroom sheet"}, "password": {testPassword}})
	require.Equal(t, http.StatusOK, res.status, res.body)
	token := strings.TrimSpace(res.doc.Find(`[data-testid="new-token"] code`).Text())
	require.Equal(t, http.StatusOK, a.api("GET", "/claims", token, nil).status)

	res = a.post("/account/password", url.Values{"current": {testPassword}, "password": {"a brand new secret"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	account := a.get("/account")
	assert.Contains(t, account.doc.Find(`[data-testid="flash"]`).Text(), "API tokens revoked")
	assert.Contains(t, account.doc.Find(`[data-testid="token-row"]`).Text(), "revoked")
	assert.Equal(t, http.StatusUnauthorized, a.api("GET", "/claims", token, nil).status, "the token died with the password")
	assert.Equal(t, http.StatusUnauthorized, a.api("POST", "/claims", token, map[string]any{"text": "Made with a token that should be dead."}).status)
}

// Only time clears a client address's failures: signing in to an account of
// one's own between guesses at others does not. Old code: 60 guesses, each
// checked, none refused.
func TestAuth_AddressCountSurvivesOwnSuccess(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	a.web.Now = func() time.Time { return now }
	ctx := context.Background()
	for i := range 60 {
		_, err := a.db.CreateUser(ctx, claimtrack.NewUser{Username: "victim" + strconv.Itoa(i), Role: claimtrack.RoleEditor,
			Password: testPassword}, testPasswordHash(t), "", false)
		require.NoError(t, err)
	}
	a.signInAs("mallory", claimtrack.RoleViewer)
	attacker := newClientOf(a)
	statuses := map[int]int{}
	own := map[int]int{}
	for i := range 60 {
		if i > 0 && i%15 == 0 {
			// The attacker signs in to their own account now and then.
			s := attacker.post("/login", url.Values{"username": {"mallory"}, "password": {testPassword}}).status
			own[s]++
			attacker.signInAs("", "")
		}
		statuses[attacker.post("/login", url.Values{"username": {"victim" + strconv.Itoa(i)}, "password": {"guess " + strconv.Itoa(i)}}).status]++
	}
	assert.Equal(t, 1, own[http.StatusSeeOther], "the first own sign-in, before the address is throttled, works")
	assert.Equal(t, 20, statuses[http.StatusUnprocessableEntity], "20 guesses from one address are checked, and no more")
	assert.Equal(t, 40, statuses[http.StatusTooManyRequests], "the rest wait, own sign-ins or not")

	// Time does clear it.
	now = now.Add(25 * time.Hour)
	assert.Equal(t, http.StatusUnprocessableEntity, attacker.post("/login", url.Values{"username": {"victim0"}, "password": {"again"}}).status)
}

// Attempts are charged before their password is hashed: of 100 parallel
// wrong attempts no more are checked than the throttles let through for
// free (5 for one account, 20 for one address), and once they are spent
// and the wait is over, one. Old code: every attempt that found the throttle
// clear was hashed.
func TestAuth_ParallelGuessesReserved(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	a.web.Now = func() time.Time { return now }
	// Every attempt may be in flight at once, so that only the throttle limits them.
	a.web.Configure(web.Config{MaxInFlight: 200})
	var hashing, hashed atomic.Int64
	release := make(chan struct{})
	a.web.SetVerify(func(ctx context.Context, pw, hash string) (bool, error) {
		hashing.Add(1)
		defer hashed.Add(1)
		select { // hold every check until all attempts have arrived
		case <-release:
		case <-ctx.Done():
		}
		return false, nil
	})
	ctx := context.Background()
	for i := range 100 {
		_, err := a.db.CreateUser(ctx, claimtrack.NewUser{Username: "victim" + strconv.Itoa(i), Role: claimtrack.RoleEditor,
			Password: testPassword}, testPasswordHash(t), "", false)
		require.NoError(t, err)
	}
	token := newClientOf(a).csrf()

	flood := func(username func(i int) string) map[int]int {
		t.Helper()
		hashing.Store(0)
		hashed.Store(0)
		release = make(chan struct{})
		var done atomic.Int64
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for i := range 100 {
			wg.Go(func() {
				defer done.Add(1)
				form := url.Values{"_csrf": {token}, "username": {username(i)}, "password": {"wrong " + strconv.Itoa(i)}}
				req, err := http.NewRequest(http.MethodPost, a.srv.URL+"/login", strings.NewReader(form.Encode()))
				if !assert.NoError(t, err) {
					return
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.AddCookie(&http.Cookie{Name: "_csrf", Value: token})
				res, err := http.DefaultClient.Do(req)
				if !assert.NoError(t, err) {
					return
				}
				res.Body.Close()
				mu.Lock()
				statuses[res.StatusCode]++
				mu.Unlock()
			})
		}
		// Every attempt has been answered or is being hashed: let the hashes end.
		require.Eventually(t, func() bool { return done.Load()+hashing.Load() == 100 }, 20*time.Second, 5*time.Millisecond)
		close(release)
		wg.Wait()
		return statuses
	}

	statuses := flood(func(int) string { return "victim0" })
	assert.LessOrEqual(t, hashing.Load(), int64(5), "one account: at most its 5 free attempts are checked")
	assert.Equal(t, int(hashing.Load()), statuses[http.StatusUnprocessableEntity])
	assert.Equal(t, 100-int(hashing.Load()), statuses[http.StatusTooManyRequests])

	// Once the free attempts are spent and the wait is over, one attempt
	// passes, not one per request that arrives at that moment.
	now = now.Add(time.Minute)
	statuses = flood(func(int) string { return "victim0" })
	assert.Equal(t, int64(1), hashing.Load(), "after the wait, one attempt is checked")
	assert.Equal(t, 99, statuses[http.StatusTooManyRequests])

	now = now.Add(25 * time.Hour) // forgotten
	statuses = flood(func(i int) string { return "victim" + strconv.Itoa(i) })
	assert.LessOrEqual(t, hashing.Load(), int64(20), "one address: at most its 20 free attempts are checked")
	assert.Equal(t, int(hashing.Load()), statuses[http.StatusUnprocessableEntity])
	assert.Equal(t, 100-int(hashing.Load()), statuses[http.StatusTooManyRequests])
}

// Guesses at the current password on /account/password (with a stolen
// session, say) are throttled like sign-ins, per account and per address,
// and count against signing in to that account. Old code: 30 guesses, all
// checked.
func TestAuth_PasswordChangeThrottled(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	a.web.Now = func() time.Time { return now }
	var hashes atomic.Int64
	a.web.SetVerify(func(ctx context.Context, pw, hash string) (bool, error) {
		hashes.Add(1)
		return pw == testPassword, nil
	})
	a.signInAs("nina", claimtrack.RoleEditor)
	var statuses []int
	for i := range 30 {
		res := a.post("/account/password", url.Values{"current": {"guess " + strconv.Itoa(i)}, "password": {"a brand new secret"}})
		statuses = append(statuses, res.status)
		if res.status == http.StatusTooManyRequests {
			assert.Equal(t, "1", res.header.Get("Retry-After"))
			assert.Contains(t, res.doc.Find(`[data-testid="password-form"]`).Text(), "Too many wrong passwords")
		}
	}
	assert.Equal(t, []int{422, 422, 422, 422, 422}, statuses[:5], "5 free guesses")
	for i, s := range statuses[5:] {
		assert.Equal(t, http.StatusTooManyRequests, s, "guess %d", i+6)
	}
	assert.Equal(t, int64(5), hashes.Load(), "only the free guesses were checked")
	assert.Contains(t, a.logText(), "password check throttled")

	// The account waits at the sign-in form too; the right password then works.
	b := newClientOf(a)
	assert.Equal(t, http.StatusTooManyRequests, b.post("/login", url.Values{"username": {"nina"}, "password": {testPassword}}).status)
	res := a.post("/account/password", url.Values{"current": {testPassword}, "password": {"a brand new secret"}})
	assert.Equal(t, http.StatusTooManyRequests, res.status)
	now = now.Add(2 * time.Second)
	res = a.post("/account/password", url.Values{"current": {testPassword}, "password": {"a brand new secret"}})
	assert.Equal(t, http.StatusSeeOther, res.status, res.body)

	// Per address: guesses at several accounts from one address add up.
	now = now.Add(25 * time.Hour)
	for i := range 20 {
		a.signInAs("user"+strconv.Itoa(i), claimtrack.RoleViewer)
		assert.Equal(t, http.StatusUnprocessableEntity, a.post("/account/password",
			url.Values{"current": {"a guess"}, "password": {"a brand new secret"}}).status)
	}
	a.signInAs("user20", claimtrack.RoleViewer)
	assert.Equal(t, http.StatusTooManyRequests, a.post("/account/password",
		url.Values{"current": {"a guess"}, "password": {"a brand new secret"}}).status)
}

// Time forgives an address's failures one at a time, so that a newsroom
// behind one address, where someone mistypes a password every hour and then
// gets it right, is never made to wait, now that successes no longer clear
// the address.
func TestAuth_SharedAddressTyposForgiven(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	a.web.Now = func() time.Time { return now }
	ctx := context.Background()
	for i := range 10 {
		_, err := a.db.CreateUser(ctx, claimtrack.NewUser{Username: "reporter" + strconv.Itoa(i), Role: claimtrack.RoleEditor,
			Password: testPassword}, testPasswordHash(t), "", false)
		require.NoError(t, err)
	}
	for hour := range 72 {
		now = now.Add(time.Hour)
		b := newClientOf(a)
		name := "reporter" + strconv.Itoa(hour%10)
		require.Equal(t, http.StatusUnprocessableEntity, b.post("/login", url.Values{"username": {name}, "password": {"a typo"}}).status, "hour %d", hour)
		require.Equal(t, http.StatusSeeOther, b.post("/login", url.Values{"username": {name}, "password": {testPassword}}).status, "hour %d", hour)
	}
}
