package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hostile inputs through the questions' and intake's forms, into every
// field at once and each alone: a clear answer (never a 500 or a stack
// trace), nothing written when refused, markup never live.
func TestHostileInputs_QuestionsAndIntake(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	q := a.post("/questions", url.Values{"title": {"Will Trump attend the Victory Day parade in Moscow?"}, "outcomes": {"1, 2"}})
	require.Equal(t, http.StatusSeeOther, q.status)
	loc := q.header.Get("Location")
	review := a.post("/intake", url.Values{"title": {"Carrow bridge to close"}, "published": {"2026-05-18"}, "text": {bridgeReport}})
	require.Equal(t, http.StatusOK, review.status)
	saveForm := formValues(review.doc.Find(`[data-testid="intake-review"]`))

	routes := []struct {
		path   string
		valid  url.Values
		fields []string // the fields tried one by one (all of valid's when nil)
	}{
		{"/questions", url.Values{"title": {"Who will chair the harbour board next year?"}}, nil},
		{loc, url.Values{"title": {"Will Trump attend the parade in Moscow on May 9?"}, "version": {"1"}}, nil},
		{loc + "/outcomes", url.Values{"claim": {"3"}}, nil},
		{loc + "/resolve", url.Values{"outcome": {"1:1"}, "note": {"Seen there."}}, nil},
		{"/intake", url.Values{"title": {"Carrow bridge to close"}, "published": {"2026-05-18"}, "text": {bridgeReport}}, nil},
		{"/intake/save", saveForm, []string{"title", "published", "url", "rows", "c0-text", "c0-kind", "c0-due", "c0-same", "c0-start",
			"c0-attrs", "c0-a0-source", "c0-a0-kind", "c0-a0-stance", "c0-a0-via", "c0-a0-via-kind"}},
	}
	allowed := map[int]bool{http.StatusOK: true, http.StatusSeeOther: true, http.StatusUnprocessableEntity: true, http.StatusBadRequest: true,
		http.StatusRequestEntityTooLarge: true, http.StatusNotFound: true, http.StatusConflict: true}
	for _, route := range routes {
		fields := route.fields
		if fields == nil {
			for k := range route.valid {
				fields = append(fields, k)
			}
		}
		for i, input := range hostileInputs {
			for _, field := range append([]string{""}, fields...) {
				form := cloneValues(route.valid)
				for _, f := range fields {
					if field == "" || f == field {
						form.Set(f, input)
					}
				}
				if route.path == "/intake" && field != "text" && field != "" {
					form.Set("text", "The Carrow bridge will close on 3 June, the roads office said.") // a short report: the engine is not what is tried
				}
				before := a.snapshot()
				res := a.post(route.path, form)
				require.True(t, allowed[res.status], "%s %s input #%d %q: status %d\n%s", route.path, field, i, trunc(input), res.status, trunc(res.body))
				if res.status != http.StatusSeeOther {
					assert.Equal(t, before, a.snapshot(), "%s %s input #%d: nothing written", route.path, field, i)
				}
				assert.NotContains(t, res.body, "<script>alert", "markup is escaped")
				assert.NotContains(t, res.body, "<img src=x")
				assert.NotContains(t, res.body, "goroutine ", "no stack trace")
				if strings.ContainsAny(input, "<>\"'") {
					assertInert(t, route.path+" "+field, res.doc)
				}
			}
		}
	}
	assert.NotContains(t, a.logText(), "internal error")
	require.NoError(t, a.db.IntegrityCheck(t.Context()))
}
