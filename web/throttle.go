package web

import (
	"math"
	"sync"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// throttle slows down repeated failed password checks for one key (an
// account, or a client address): from the free-th failure in a row on, each
// failure makes the key wait, one second at first and twice as long each
// time, up to max. Waiting is never forever, so the real owner is never
// locked out for good. Only time forgives failures: one at a time, one every
// throttleForget/free (so the free attempts come back over throttleForget),
// and all of them throttleForget after the last one. A newsroom behind one
// address, where someone mistypes a password now and then, is therefore never
// slowed down by the typos of days before, while a guesser who keeps going
// stays at the longest wait. It lives in memory: a restart forgives everyone.
//
// An attempt is charged as a failure when it is let through, before its
// password is hashed (see reserveGuess), so parallel attempts cannot all pass
// the check before any of them is counted.
type throttle struct {
	free int
	max  time.Duration

	mu   sync.Mutex
	keys map[string]*throttleState
}

type throttleState struct {
	failures int
	until    time.Time // no attempt before this
	last     time.Time // last failure
	forgiven time.Time // failures are forgiven one per step from here
}

// throttleForget is how long a key's failures are remembered without new ones.
const throttleForget = 24 * time.Hour

// throttleMaxKeys bounds the memory a flood of made-up usernames can take.
const throttleMaxKeys = 100_000

func newThrottle(free int, max time.Duration) *throttle {
	return &throttle{free: free, max: max, keys: map[string]*throttleState{}}
}

// waitLocked returns how long key must still wait before its next attempt.
// Called with mu held.
func (t *throttle) waitLocked(key string, now time.Time) time.Duration {
	st := t.keys[key]
	if st == nil || !now.Before(st.until) {
		return 0
	}
	return st.until.Sub(now)
}

// chargeLocked records an attempt of key as a failure and returns what undoes it.
// Called with mu held, after waitLocked said the key may try.
func (t *throttle) chargeLocked(key string, now time.Time) *charge {
	st := t.keys[key]
	if st == nil || now.Sub(st.last) > throttleForget {
		if len(t.keys) >= throttleMaxKeys {
			t.prune(now)
		}
		st = &throttleState{forgiven: now}
		t.keys[key] = st
	}
	if step := throttleForget / time.Duration(max(t.free, 1)); now.Sub(st.forgiven) >= step {
		n := int(now.Sub(st.forgiven) / step)
		st.failures = max(0, st.failures-n)
		st.forgiven = st.forgiven.Add(time.Duration(n) * step)
	}
	ch := &charge{t: t, key: key, st: st, until: st.until}
	st.failures++
	st.last = now
	if over := st.failures - t.free + 1; over > 0 {
		delay := time.Duration(math.Min(float64(time.Second)*math.Pow(2, float64(over-1)), float64(t.max)))
		st.until = now.Add(delay)
	}
	ch.charged = st.until
	return ch
}

// charge is one attempt counted as a failure in advance.
type charge struct {
	t       *throttle
	key     string
	st      *throttleState
	until   time.Time // the key's wait before the charge
	charged time.Time // and after it
}

// refund takes back the charge: the attempt did not fail. The wait it set
// is lifted unless a later failure has set another since.
func (ch *charge) refund() {
	t := ch.t
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.keys[ch.key]
	if st != ch.st || st.failures == 0 { // cleared or forgotten meanwhile
		return
	}
	st.failures--
	if st.until.Equal(ch.charged) {
		st.until = ch.until
	}
	if st.failures == 0 {
		delete(t.keys, ch.key)
	}
}

// clear forgets key's failures.
func (t *throttle) clear(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

// prune drops the keys no longer waiting; if that is not enough, the oldest
// half. Called with mu held.
func (t *throttle) prune(now time.Time) {
	for k, st := range t.keys {
		if !now.Before(st.until) {
			delete(t.keys, k)
		}
	}
	if len(t.keys) < throttleMaxKeys {
		return
	}
	cut := now.Add(-throttleForget / 2)
	for k, st := range t.keys {
		if st.last.Before(cut) || len(t.keys) >= throttleMaxKeys/2 {
			delete(t.keys, k)
		}
	}
}

// guess is one password check let through the throttles, charged in
// advance to the account and to the client address.
type guess struct {
	account, client *charge
}

// reserveGuess lets one password check of username from client address ip
// through, or returns how long they must wait first. Both keys are checked
// and charged under both locks at once, before any hashing: of many parallel
// attempts, no more pass than the throttles have free.
func (s *Server) reserveGuess(username, ip string, now time.Time) (*guess, time.Duration) {
	account, client := "account:"+claimtrack.UsernameKey(username), "client:"+ip
	// Always accounts before clients, so that two reservations never wait
	// for each other's lock.
	s.accounts.mu.Lock()
	defer s.accounts.mu.Unlock()
	s.clients.mu.Lock()
	defer s.clients.mu.Unlock()
	if wait := max(s.accounts.waitLocked(account, now), s.clients.waitLocked(client, now)); wait > 0 {
		return nil, wait
	}
	return &guess{account: s.accounts.chargeLocked(account, now), client: s.clients.chargeLocked(client, now)}, 0
}

// succeeded records that the password was right. The account's failures are
// forgotten: its owner has proved they know the password, and an attacker's
// guesses on it must not keep them waiting at their next sign-in. The client
// address keeps its failures, which only time clears: a success on one
// account (say, the attacker's own) says nothing about the guesses made on
// others from the same address. Only this attempt's charge is taken back.
func (g *guess) succeeded() {
	g.account.t.clear(g.account.key)
	g.client.refund()
}
