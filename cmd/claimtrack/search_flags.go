package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web"
)

// searchFlags registers the serve flags that bound the cost of searches,
// each with its CLAIMTRACK_* environment fallback. The function it returns
// checks the values once the flags are parsed: an environment value that is
// not a number or a duration, or a value below 1, is an error rather than a
// silent default.
func searchFlags(fs *flag.FlagSet, cfg *Config) func() error {
	errs := []error{
		intFlag(fs, &cfg.SearchMinPrefix, "search-min-prefix", "CLAIMTRACK_SEARCH_MIN_PREFIX", claimtrack.DefaultMinPrefix,
			"fewest letters before a * for a search to look for words starting with them; a shorter x* is searched as the word x"),
		intFlag(fs, &cfg.SearchMaxPrefixes, "search-max-prefixes", "CLAIMTRACK_SEARCH_MAX_PREFIXES", claimtrack.DefaultMaxPrefixes,
			"most terms ending in * that one search looks up as prefixes; later ones are searched as whole words"),
		intFlag(fs, &cfg.SearchMaxOr, "search-max-or", "CLAIMTRACK_SEARCH_MAX_OR", claimtrack.DefaultMaxOr,
			"most alternatives OR may add to one search; later ones are left out"),
		intFlag(fs, &cfg.SearchMaxTerms, "search-max-terms", "CLAIMTRACK_SEARCH_MAX_TERMS", claimtrack.QueryMaxTerms,
			"most terms (words or phrases) one search uses; the rest is left out"),
		intFlag(fs, &cfg.SearchesPerClient, "searches-per-client", "CLAIMTRACK_SEARCHES_PER_CLIENT", web.DefaultSearchesPerClient,
			"most searches one client address runs at once; one more is answered 429 with Retry-After"),
		durationFlag(fs, &cfg.SearchBudget, "search-budget", "CLAIMTRACK_SEARCH_BUDGET", web.DefaultSearchBudget,
			"longest the database may work on one search; past it the search is stopped and the page says it was too broad"),
	}
	return func() error {
		for _, v := range []struct {
			name string
			n    int
		}{{"search-min-prefix", cfg.SearchMinPrefix}, {"search-max-prefixes", cfg.SearchMaxPrefixes}, {"search-max-or", cfg.SearchMaxOr},
			{"search-max-terms", cfg.SearchMaxTerms}, {"searches-per-client", cfg.SearchesPerClient}} {
			if v.n < 1 {
				errs = append(errs, fmt.Errorf("serve: --%s must be at least 1, not %d", v.name, v.n))
			}
		}
		if cfg.SearchBudget <= 0 {
			errs = append(errs, fmt.Errorf("serve: --search-budget must be more than 0, not %s", cfg.SearchBudget))
		}
		return errors.Join(errs...)
	}
}

// searchConfig is the part of the web server's settings the search flags set.
func (c Config) searchConfig(cfg web.Config) web.Config {
	cfg.SearchMinPrefix, cfg.SearchMaxPrefixes, cfg.SearchMaxOr, cfg.SearchMaxTerms =
		c.SearchMinPrefix, c.SearchMaxPrefixes, c.SearchMaxOr, c.SearchMaxTerms
	cfg.SearchBudget, cfg.SearchesPerClient = c.SearchBudget, c.SearchesPerClient
	return cfg
}
