package web

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// SourcesPerSearch is how many matching sources the search page lists.
const SourcesPerSearch = 8

// DefaultSearchBudget is how long the database may work on one search by
// default. An ordinary search takes a few milliseconds at a million claims;
// one that needs this long gathers far more of the index than a page shows.
// It leaves room, within the 250 ms a search may cost the handler, for the
// interruption to land and the page to be rendered on a busy machine.
const DefaultSearchBudget = 150 * time.Millisecond

// DefaultSearchesPerClient is how many searches one client address may run
// at once by default.
const DefaultSearchesPerClient = 2

// handleSearch ranks the claims matching q and lists the sources it names.
// Every input gives a results page: the query language has no syntax errors,
// and a search the limits cut, or one too broad to finish within the search
// budget, says so on the page.
func (s *Server) handleSearch(c echo.Context) error {
	raw := c.QueryParam("q")
	q := claimtrack.ParseQueryWith(raw, s.queryLimits())
	pageNum := pageParam(c)
	d := views.SearchData{Raw: raw, Query: q, Results: &claimtrack.SearchResults{}, Hints: q.FilterHints()}
	if !q.Empty() {
		start := time.Now()
		res, tooBroad, err := runSearch(s, c, func(ctx context.Context) (*claimtrack.SearchResults, error) {
			return s.store.Search(ctx, q, (pageNum-1)*ClaimsPerPage, ClaimsPerPage, SourcesPerSearch)
		})
		if err != nil {
			return err
		}
		if d.TooBroad = tooBroad; !tooBroad {
			d.Results = res
			if res.Total == 0 && q.HasTerms() {
				if d.Spelling, err = s.suggestSpelling(c, q, s.Config().SearchBudget-time.Since(start)); err != nil {
					return err
				}
			}
		}
	}
	d.Pager = views.Pager{Page: pageNum, PerPage: ClaimsPerPage, Total: d.Results.Total,
		URL: func(n int) string { return views.SearchURL(q.String(), n) }}
	p := s.page(c, "Search", "")
	p.Query = views.QueryText(raw)
	return s.render(c, http.StatusOK, views.SearchPage(p, d))
}

// minSpellTime is the least time worth giving a spelling suggestion.
const minSpellTime = 5 * time.Millisecond

// suggestSpelling looks for a spelling of q's words that the index holds,
// within what is left of the search budget (left): a search and its
// suggestion together take no longer than one search may. It counts as one
// of the client's searches; when the client has none to spare, or the time
// runs out, there is no suggestion.
func (s *Server) suggestSpelling(c echo.Context, q claimtrack.SearchQuery, left time.Duration) (*claimtrack.Spelling, error) {
	if left < minSpellTime {
		return nil, nil
	}
	fixes, tooBroad, err := runSearchWithin(s, c, "spelling suggestion", left, func(ctx context.Context) ([]claimtrack.Correction, error) {
		return s.store.SuggestSpelling(ctx, q)
	})
	if errors.Is(err, errTooManySearches) || tooBroad {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return q.Respelt(fixes), nil
}

// queryLimits are the limits searches are parsed with.
func (s *Server) queryLimits() claimtrack.QueryLimits {
	cfg := s.Config()
	return claimtrack.QueryLimits{MinPrefix: cfg.SearchMinPrefix, MaxPrefixes: cfg.SearchMaxPrefixes,
		MaxOr: cfg.SearchMaxOr, MaxTerms: cfg.SearchMaxTerms}
}

// errTooManySearches answers a client address that has SearchesPerClient
// searches under way already.
var errTooManySearches = echo.NewHTTPError(http.StatusTooManyRequests,
	"Your address is running several searches at once already. Wait for one to finish, then try again.")

// runSearch runs fn, the database work of one search, as one of the client
// address's searches (see Config.SearchesPerClient) and within the search
// budget: fn's context ends when the budget runs out, which interrupts the
// statement under way. tooBroad reports that the budget ran out before fn
// was done; the error fn returned then is not one. A client with all its
// searches under way gets errTooManySearches, with Retry-After.
func runSearch[T any](s *Server, c echo.Context, fn func(ctx context.Context) (T, error)) (res T, tooBroad bool, err error) {
	res, tooBroad, err = runSearchWithin(s, c, "search", s.Config().SearchBudget, fn)
	if tooBroad {
		unshare(c) // another moment may have the time the search needs
	}
	if errors.Is(err, errTooManySearches) {
		c.Response().Header().Set("Retry-After", "1")
	}
	return res, tooBroad, err
}

// runSearchWithin is runSearch with the given budget; what names the work
// in the log.
//
// The answer does not wait for the interruption to land: SQLite notices it
// between steps of its work, which on a busy machine has taken up to 150 ms
// more. fn runs on, with the client's search still counted, until it
// returns, and what it returns then is dropped.
func runSearchWithin[T any](s *Server, c echo.Context, what string, budget time.Duration, fn func(ctx context.Context) (T, error)) (res T, tooBroad bool, err error) {
	cfg := s.Config()
	client := c.RealIP()
	if !s.searching.take(client, cfg.SearchesPerClient) {
		return res, false, errTooManySearches
	}
	parent := c.Request().Context()
	ctx, cancel := context.WithTimeout(parent, budget)
	type outcome struct {
		res T
		err error
	}
	done := make(chan outcome, 1)
	path := c.Request().URL.Path
	go func() {
		defer cancel()
		res, err := fn(ctx)
		// Given back before the answer, so that the handler may go on to the
		// search's spelling suggestion, which counts as a search too.
		s.searching.give(client)
		done <- outcome{res, err}
		if deadline, _ := ctx.Deadline(); errors.Is(ctx.Err(), context.DeadlineExceeded) {
			// How long the database went on after the budget: how quickly
			// interruptions land.
			s.logger.Info(what+" ended after its time budget", "path", path, "overran", time.Since(deadline), "remote", client)
		}
	}()
	var out outcome
	select {
	case out = <-done:
	case <-ctx.Done():
		select {
		case out = <-done: // it finished as the budget ran out
		default:
			out.err = ctx.Err()
		}
	}
	if out.err != nil && parent.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		s.logger.Info(what+" too broad: stopped at its time budget", "path", path,
			"budget", budget.String(), "remote", client)
		var zero T
		return zero, true, nil
	}
	return out.res, false, out.err
}

// clientCounts counts what each client address has under way. An address
// is forgotten when its count falls back to zero, so the map holds no more
// addresses than there are requests at once.
type clientCounts struct {
	mu sync.Mutex
	n  map[string]int
}

// take counts one more for key, unless it has limit under way already.
func (cc *clientCounts) take(key string, limit int) bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.n[key] >= limit {
		return false
	}
	if cc.n == nil {
		cc.n = map[string]int{}
	}
	cc.n[key]++
	return true
}

// give counts one fewer for key.
func (cc *clientCounts) give(key string) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.n[key] <= 1 {
		delete(cc.n, key)
		return
	}
	cc.n[key]--
}
