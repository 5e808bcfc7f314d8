package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/require"
)

// FuzzSearch feeds any text to the query parser: the FTS5 expression it
// produces is always accepted, and the search page always answers 200. The
// committed corpus in testdata/fuzz/FuzzSearch holds the nastiest inputs we
// know of; plain `go test` replays it.
func FuzzSearch(f *testing.F) {
	a := newTestApp(f)
	f.Fuzz(func(t *testing.T, input string) {
		q := claimtrack.ParseQuery(input)
		require.LessOrEqual(t, len(q.Groups)+len(q.Excluded), claimtrack.QueryMaxTerms)
		require.True(t, utf8.ValidString(q.String()))

		_, err := a.db.SearchClaims(t.Context(), q, 0, 5)
		require.NoError(t, err, "FTS5 refused the expression for %q", input)
		_, err = a.db.SearchSources(t.Context(), q, 5)
		require.NoError(t, err, "FTS5 refused the source expression for %q", input)

		// Reparsing the canonical form gives the same query.
		require.Equal(t, q.String(), claimtrack.ParseQuery(q.String()).String(), "input %q", input)

		res, err := a.client.Get(a.srv.URL + "/search?q=" + url.QueryEscape(input))
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, "search page for %q", input)
		res, err = a.client.Get(a.srv.URL + "/claims?q=" + url.QueryEscape(input))
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, "claims list for %q", input)
	})
}
