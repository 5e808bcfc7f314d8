package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A handler's own 404 message reaches the person on the central error page;
// only the framework's bare "Not Found" is replaced by the general words.
func TestErrorPage_KeepsHandlerNotFoundMessage(t *testing.T) {
	t.Parallel()
	b := newBareApp(t)
	link, err := b.web.SetupLink(t.Context())
	require.NoError(t, err)
	require.NotEmpty(t, link)

	for name, res := range map[string]page{
		"a wrong setup link":         b.get("/setup?token=guess"),
		"a wrong setup link, posted": b.post("/setup", url.Values{"token": {"guess"}, "username": {"chief"}, "password": {"a long enough secret"}}),
	} {
		assert.Equal(t, http.StatusNotFound, res.status, name)
		errPage := res.doc.Find(`[data-testid="error-page"]`)
		require.Equal(t, 1, errPage.Length(), "%s: the central error page", name)
		assert.Contains(t, errPage.Text(), "This setup link is not valid (any more). Ask whoever runs the tracker for an account.", name)
		assert.NotContains(t, errPage.Text(), "It may have been mistyped.", name)
	}

	// An address that does not exist still gets the general words.
	res := b.get("/no/such/page")
	assert.Equal(t, http.StatusNotFound, res.status)
	assert.Contains(t, res.doc.Find(`[data-testid="error-page"]`).Text(), "There is nothing at this address. It may have been mistyped.")
	res = b.get("/claims/abc")
	assert.Equal(t, http.StatusNotFound, res.status)
	assert.Contains(t, res.doc.Find(`[data-testid="error-page"]`).Text(), "There is nothing at this address.")
	assert.NotContains(t, res.body, ">Not Found<", "the framework's bare status text never shows as the message")
}

// Removing evidence says so on the claim page it returns to, once.
func TestEvidence_RemoveShowsConfirmation(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	removeURL := a.get("/claims/5").doc.Find(`[data-testid="remove-evidence"]`).First().AttrOr("href", "")
	require.NotEmpty(t, removeURL)
	version := fieldValue(a.get(removeURL).doc, `[data-testid="remove-form"]`, "version")
	res := a.post(removeURL, url.Values{"note": {"Not about this claim."}, "version": {version}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	target, _, _ := strings.Cut(res.header.Get("Location"), "#")
	assert.Equal(t, "/claims/5", target)

	flash := strings.TrimSpace(a.get(target).doc.Find(`[data-testid="flash"]`).Text())
	assert.Equal(t, "Evidence removed and recorded in the history.", flash)
	assert.Empty(t, a.get(target).doc.Find(`[data-testid="flash"]`).Text(), "the message shows once")
}
