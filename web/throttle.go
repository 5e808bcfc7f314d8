package web

import (
	"math"
	"sync"
	"time"
)

// throttle slows down repeated failed sign-ins for one key (an account, or a
// client address): from the free-th failure in a row on, each failure makes
// the key wait, one second at first and twice as long each time, up to max. Waiting is never
// forever, so the real owner is never locked out for good, and a success
// clears the key. It lives in memory: a restart forgives everyone.
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
}

// throttleForget is how long a key's failures are remembered without new ones.
const throttleForget = 24 * time.Hour

// throttleMaxKeys bounds the memory a flood of made-up usernames can take.
const throttleMaxKeys = 100_000

func newThrottle(free int, max time.Duration) *throttle {
	return &throttle{free: free, max: max, keys: map[string]*throttleState{}}
}

// wait returns how long key must still wait before its next attempt.
func (t *throttle) wait(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.keys[key]
	if st == nil || !now.Before(st.until) {
		return 0
	}
	return st.until.Sub(now)
}

// fail records a failed attempt for key.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.keys[key]
	if st == nil || now.Sub(st.last) > throttleForget {
		if len(t.keys) >= throttleMaxKeys {
			t.prune(now)
		}
		st = &throttleState{}
		t.keys[key] = st
	}
	st.failures++
	st.last = now
	if over := st.failures - t.free + 1; over > 0 {
		delay := time.Duration(math.Min(float64(time.Second)*math.Pow(2, float64(over-1)), float64(t.max)))
		st.until = now.Add(delay)
	}
}

// succeed clears key.
func (t *throttle) succeed(key string) {
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
