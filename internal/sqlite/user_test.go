package sqlite_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUsers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	n, err := db.CountUsers(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)

	admin, err := db.CreateUser(ctx, claimtrack.NewUser{Username: "Ana", Role: claimtrack.RoleAdmin, Password: "correct horse battery"}, "$argon2id$x", "", true)
	require.NoError(t, err)
	// The first-run path refuses once an account exists.
	_, err = db.CreateUser(ctx, claimtrack.NewUser{Username: "bob", Role: claimtrack.RoleAdmin, Password: "correct horse battery"}, "h", "", true)
	assert.Equal(t, claimtrack.ECONFLICT, claimtrack.ErrorCode(err))
	// Names are unique ignoring case.
	_, err = db.CreateUser(ctx, claimtrack.NewUser{Username: "ANA", Role: claimtrack.RoleEditor, Password: "correct horse battery"}, "h", "Ana", false)
	assert.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
	assert.Contains(t, claimtrack.FieldErrors(err), "username")
	ed, err := db.CreateUser(ctx, claimtrack.NewUser{Username: "eddie", Role: claimtrack.RoleEditor, Password: "correct horse battery"}, "h2", "Ana", false)
	require.NoError(t, err)

	u, hash, err := db.FindUserByUsername(ctx, " ANA ")
	require.NoError(t, err)
	assert.Equal(t, admin.ID, u.ID)
	assert.Equal(t, "$argon2id$x", hash)
	_, _, err = db.FindUserByUsername(ctx, "nobody")
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))

	// Sessions: found by token, never stored in clear.
	require.NoError(t, db.CreateSession(ctx, ed.ID, "token-of-ed"))
	assert.Zero(t, count(t, raw, `SELECT count(*) FROM sessions WHERE token_hash = 'token-of-ed'`))
	got, _, err := db.FindSession(ctx, "token-of-ed")
	require.NoError(t, err)
	assert.Equal(t, "eddie", got.Username)
	_, _, err = db.FindSession(ctx, "token-of-someone")
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))

	// Idle and absolute expiry.
	later := fixedNow.Add(8 * 24 * time.Hour)
	db.Now = func() time.Time { return later }
	_, _, err = db.FindSession(ctx, "token-of-ed")
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err), "a week without use ends a session")
	db.Now = func() time.Time { return fixedNow }
	for day := 1; day <= 31; day += 5 {
		db.Now = func() time.Time { return fixedNow.Add(time.Duration(day) * 24 * time.Hour) }
		_, _, err = db.FindSession(ctx, "token-of-ed")
		if day <= 30 {
			require.NoError(t, err, "day %d", day)
			require.NoError(t, db.TouchSession(ctx, "token-of-ed"))
		} else {
			assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err), "thirty days after sign-in, whatever the use")
		}
	}
	db.Now = func() time.Time { return fixedNow }

	// Disabling ends the sessions at once; a new password too.
	require.NoError(t, db.CreateSession(ctx, ed.ID, "second"))
	require.NoError(t, db.SetDisabled(ctx, ed.ID, true, "Ana"))
	_, _, err = db.FindSession(ctx, "second")
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))
	require.NoError(t, db.SetDisabled(ctx, ed.ID, false, "Ana"))
	require.NoError(t, db.CreateSession(ctx, ed.ID, "third"))
	_, err = db.CreateAPIToken(ctx, ed.ID, "sheet", "ctk_made_with_the_old_password")
	require.NoError(t, err)
	_, err = db.FindUserByAPIToken(ctx, "ctk_made_with_the_old_password")
	require.NoError(t, err)
	require.NoError(t, db.SetPassword(ctx, ed.ID, "h3", "eddie"))
	_, _, err = db.FindSession(ctx, "third")
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))
	_, err = db.FindUserByAPIToken(ctx, "ctk_made_with_the_old_password")
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err), "a new password revokes the tokens too")
	require.NoError(t, db.SetRole(ctx, ed.ID, claimtrack.RoleViewer, "Ana"))
	users, err := db.FindUsers(ctx)
	require.NoError(t, err)
	require.Len(t, users, 2)
	assert.Equal(t, claimtrack.RoleViewer, users[1].Role)
	require.NoError(t, db.DeleteSession(ctx, "nothing"))

	// Every account change is in the history, with its actor.
	assert.Equal(t, 6, count(t, raw, `SELECT count(*) FROM events WHERE type IN ('user_created', 'user_disabled', 'user_enabled', 'password_changed', 'user_role_changed')`))
	assert.Equal(t, 1, count(t, raw, `SELECT count(*) FROM events WHERE type = 'user_role_changed' AND actor = 'Ana'`))
}

// The tracker keeps an active admin: demoting or disabling the last one is
// refused, whoever asks, including two admins at once against each other.
func TestUsers_LastAdminKept(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	ann, err := db.CreateUser(ctx, claimtrack.NewUser{Username: "ann", Role: claimtrack.RoleAdmin, Password: "correct horse battery"}, "h", "", false)
	require.NoError(t, err)
	bob, err := db.CreateUser(ctx, claimtrack.NewUser{Username: "bob", Role: claimtrack.RoleAdmin, Password: "correct horse battery"}, "h", "", false)
	require.NoError(t, err)
	active := func() int {
		return count(t, raw, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0`)
	}

	require.NoError(t, db.SetRole(ctx, bob.ID, claimtrack.RoleEditor, "ann"))
	err = db.SetRole(ctx, ann.ID, claimtrack.RoleEditor, "the command line")
	require.Equal(t, claimtrack.ECONFLICT, claimtrack.ErrorCode(err), "the last admin lost the role")
	assert.Contains(t, claimtrack.ErrorMessage(err), "without an active admin")
	err = db.SetDisabled(ctx, ann.ID, true, "the command line")
	require.Equal(t, claimtrack.ECONFLICT, claimtrack.ErrorCode(err), "the last admin was disabled")
	require.Equal(t, 1, active())
	// A disabled admin does not count as one.
	require.NoError(t, db.SetRole(ctx, bob.ID, claimtrack.RoleAdmin, "ann"))
	require.NoError(t, db.SetDisabled(ctx, bob.ID, true, "ann"))
	require.Equal(t, claimtrack.ECONFLICT, claimtrack.ErrorCode(db.SetRole(ctx, ann.ID, claimtrack.RoleViewer, "ann")))
	require.NoError(t, db.SetDisabled(ctx, bob.ID, false, "ann"))

	// An admin demoted a moment ago, whose request was already let in,
	// changes no account any more.
	carl, err := db.CreateUser(ctx, claimtrack.NewUser{Username: "carl", Role: claimtrack.RoleAdmin, Password: "correct horse battery"}, "h", "", false)
	require.NoError(t, err)
	require.NoError(t, db.SetRole(ctx, bob.ID, claimtrack.RoleEditor, "ann"))
	require.Equal(t, claimtrack.EUNAUTHORIZED, claimtrack.ErrorCode(db.SetRole(ctx, carl.ID, claimtrack.RoleViewer, "bob")))
	require.Equal(t, claimtrack.EUNAUTHORIZED, claimtrack.ErrorCode(db.SetDisabled(ctx, carl.ID, true, "bob")))
	require.NoError(t, db.SetRole(ctx, carl.ID, claimtrack.RoleViewer, "ann"))
	require.NoError(t, db.SetRole(ctx, bob.ID, claimtrack.RoleAdmin, "ann"))

	// Both at once, many times: one of the two wins, the other is refused.
	for round := range 30 {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := make(chan struct{})
		for i, target := range []int64{ann.ID, bob.ID} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if round%3 == 2 {
					errs[i] = db.SetDisabled(ctx, target, true, "other")
				} else {
					errs[i] = db.SetRole(ctx, target, claimtrack.RoleEditor, "other")
				}
			}()
		}
		close(start)
		wg.Wait()
		require.Equal(t, 1, active(), "round %d", round)
		refused := 0
		for _, err := range errs {
			if err != nil {
				require.Equal(t, claimtrack.ECONFLICT, claimtrack.ErrorCode(err))
				refused++
			}
		}
		require.Equal(t, 1, refused, "round %d", round)
		for _, id := range []int64{ann.ID, bob.ID} {
			require.NoError(t, db.SetDisabled(ctx, id, false, "test"))
			require.NoError(t, db.SetRole(ctx, id, claimtrack.RoleAdmin, "test"))
		}
	}
}
