package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/password"
)

// BenchmarkSignIn measures what one sign-in costs in hashing, and what a flood
// of wrong sign-ins (50 at a time, from changing addresses and usernames, so
// the backoff does not stop them) does to the claim page: its p99 under the
// flood against its p99 idle, in the same run.
//
//	go test ./web -run '^$' -bench SignIn -benchtime 1x
func BenchmarkSignIn(b *testing.B) {
	ctx := context.Background()
	hash, err := password.Hash(ctx, "a long enough secret")
	if err != nil {
		b.Fatal(err)
	}
	var verify []time.Duration
	for range 20 {
		start := time.Now()
		if ok, err := password.Verify(ctx, "a long enough secret", hash); err != nil || !ok {
			b.Fatal("verify failed")
		}
		verify = append(verify, time.Since(start))
	}

	a := newTestApp(b)
	claimPage := func(n int) []time.Duration {
		var ds []time.Duration
		for range n {
			start := time.Now()
			rec := httptest.NewRecorder()
			a.web.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/claims/1", nil))
			ds = append(ds, time.Since(start))
			if rec.Code != http.StatusOK {
				b.Fatalf("claim page: %d", rec.Code)
			}
			time.Sleep(2 * time.Millisecond) // a reader's pace, not a second flood
		}
		return ds
	}
	for b.Loop() {
		claimPage(50) // warm up
		idle := claimPage(500)

		token := a.csrf()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var attempts, refused, flooding atomic.Int64
		for w := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				flooding.Add(1)
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					form := url.Values{"username": {fmt.Sprintf("guess%d-%d", w, i)}, "password": {"wrong guess"}, "_csrf": {token}}
					req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.AddCookie(&http.Cookie{Name: "_csrf", Value: token})
					req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:4000", w, i/250%250, i%250)
					rec := httptest.NewRecorder()
					a.web.ServeHTTP(rec, req)
					attempts.Add(1)
					if rec.Code == http.StatusUnprocessableEntity {
						refused.Add(1)
					}
				}
			}()
		}
		// The flood is on once every client is sending and sign-ins are
		// being answered.
		for deadline := time.Now().Add(30 * time.Second); flooding.Load() < 50 || attempts.Load() < 50; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				b.Fatalf("the flood did not build: %d clients, %d attempts", flooding.Load(), attempts.Load())
			}
		}
		flooded := claimPage(500)
		close(stop)
		wg.Wait()

		b.ReportMetric(ms(p95(verify)), "signin-hash-p95-ms")
		b.ReportMetric(ms(p99(idle)), "claim-idle-p99-ms")
		b.ReportMetric(ms(p99(flooded)), "claim-flood-p99-ms")
		b.ReportMetric(float64(p99(flooded))/float64(p99(idle)), "flood/idle")
		b.ReportMetric(float64(refused.Load()), "wrong-signins")
	}
}

func p99(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)*99+99)/100-1]
}
