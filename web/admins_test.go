package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/require"
)

// Two admins demoting (or disabling) each other at the same moment: at least
// one admin remains every time, and the one who lost the race is refused
// with a page that says why (409), or finds it is no admin any more (403).
func TestAdmins_DemoteEachOther(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	ctx := context.Background()
	type admin struct {
		user   *claimtrack.User
		client *http.Client
		csrf   string
	}
	signIn := func(name string) admin {
		u := a.signInAs(name, claimtrack.RoleAdmin)
		return admin{user: u, client: a.client, csrf: a.csrf()}
	}
	ann, bob := signIn("ann"), signIn("bob")
	post := func(by admin, path string, form url.Values) (int, string, error) {
		form.Set("_csrf", by.csrf)
		req, err := http.NewRequest(http.MethodPost, a.srv.URL+path, strings.NewReader(form.Encode()))
		if err != nil {
			return 0, "", err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := by.client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		return res.StatusCode, string(body), err
	}
	active := func() int {
		return a.count(`SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0`)
	}

	for round := range 24 {
		disable := round%3 == 2
		type result struct {
			status int
			body   string
			err    error
		}
		results := make([]result, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, pair := range [][2]admin{{ann, bob}, {bob, ann}} {
			by, target := pair[0], pair[1]
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				path, form := "/admin/users/"+strconv.FormatInt(target.user.ID, 10)+"/role", url.Values{"role": {"editor"}}
				if disable {
					path, form = "/admin/users/"+strconv.FormatInt(target.user.ID, 10)+"/disabled", url.Values{"disabled": {"1"}}
				}
				var r result
				r.status, r.body, r.err = post(by, path, form)
				results[i] = r
			}()
		}
		close(start)
		wg.Wait()
		require.GreaterOrEqual(t, active(), 1, "round %d: no admin is left", round)
		won := 0
		for _, r := range results {
			require.NoError(t, r.err)
			switch r.status {
			case http.StatusSeeOther:
				won++
			case http.StatusConflict:
				require.Contains(t, r.body, "without an active admin", "round %d", round)
			case http.StatusForbidden:
			default:
				t.Fatalf("round %d: status %d", round, r.status)
			}
		}
		require.Equal(t, 1, won, "round %d", round)

		// Both admins again, signed in again if disabling ended a session.
		for _, who := range []*admin{&ann, &bob} {
			require.NoError(t, a.db.SetDisabled(ctx, who.user.ID, false, "test"))
			require.NoError(t, a.db.SetRole(ctx, who.user.ID, claimtrack.RoleAdmin, "test"))
			if disable {
				*who = signIn(who.user.Username)
			}
		}
	}
}
