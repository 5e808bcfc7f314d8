package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawTransport sends requests as they are: no Accept-Encoding added, no
// gzipped body inflated.
var rawTransport = &http.Transport{DisableCompression: true}

// visitorGet sends a request as a visitor with no cookie at all, with the
// given headers (name, value, …).
func visitorGet(t *testing.T, a *testApp, method, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, a.srv.URL+path, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := rawTransport.RoundTrip(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(body)
}

// freshnessFixture is three claims: x and y share a source, z has a source
// of its own.
type freshnessFixture struct {
	x, y, z      *claimtrack.Claim
	shared, solo *claimtrack.Source
	link         *claimtrack.Evidence // x's link to shared
}

func newFreshnessFixture(t *testing.T, a *testApp) freshnessFixture {
	t.Helper()
	ctx := context.Background()
	var f freshnessFixture
	var err error
	f.shared, err = a.db.CreateSource(ctx, claimtrack.SourceInput{Name: "Harbour Authority Press Office", Kind: claimtrack.SourceOrganisation}, "tester")
	require.NoError(t, err)
	f.solo, err = a.db.CreateSource(ctx, claimtrack.SourceInput{Name: "Lighthouse Keepers Union", Kind: claimtrack.SourceOrganisation}, "tester")
	require.NoError(t, err)
	claim := func(text string, src *claimtrack.Source) (*claimtrack.Claim, *claimtrack.Evidence) {
		c, err := a.db.CreateClaim(ctx, claimtrack.ClaimInput{Text: text, Kind: claimtrack.KindStatement}, "tester")
		require.NoError(t, err)
		e, err := a.db.AddEvidence(ctx, c.ID, claimtrack.EvidenceInput{SourceID: src.ID, Stance: claimtrack.StanceAsserts,
			Quote: "As said at the briefing."}, "tester")
		require.NoError(t, err)
		c, err = a.db.FindClaimByID(ctx, c.ID)
		require.NoError(t, err)
		return c, e
	}
	f.x, f.link = claim("The harbour will close to cruise ships from next spring.", f.shared)
	f.y, _ = claim("The harbour authority has doubled its docking fees this year.", f.shared)
	f.z, _ = claim("The lighthouse on the north pier is to be automated.", f.solo)
	return f
}

// Each change to something a claim's page shows makes its next view new;
// a change to another claim leaves it kept.
func TestFreshness_ClaimPage(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	ctx := context.Background()
	f := newFreshnessFixture(t, a)
	path := "/claims/" + strconv.FormatInt(f.x.ID, 10)
	version := func(id int64) int64 {
		c, err := a.db.FindClaimByID(ctx, id)
		require.NoError(t, err)
		return c.Version
	}
	// view reads the page twice: the first view must be rendered anew, the
	// second must be kept.
	view := func(what string) string {
		t.Helper()
		_, before := sharedCounts(a)
		first := a.get(path)
		require.Equal(t, http.StatusOK, first.status)
		_, after := sharedCounts(a)
		assert.Equal(t, before+1, after, "%s: the next view is rendered anew", what)
		hits, _ := sharedCounts(a)
		a.get(path)
		hits2, misses := sharedCounts(a)
		assert.Equal(t, hits+1, hits2, "%s: then kept", what)
		assert.Equal(t, after, misses)
		return first.body
	}
	view("first view")

	// Unrelated: another claim edited, given a verdict.
	_, err := a.db.UpdateClaim(ctx, f.z.ID, f.z.Version, claimtrack.ClaimInput{Text: "The lighthouse on the north pier is to be automated next year.",
		Kind: claimtrack.KindStatement}, "tester")
	require.NoError(t, err)
	_, err = a.db.SetClaimStatus(ctx, f.z.ID, claimtrack.StatusChange{Status: claimtrack.StatusConfirmed, Note: "The union confirmed it.",
		Version: version(f.z.ID)}, "tester")
	require.NoError(t, err)
	_, err = a.db.UpdateSource(ctx, f.solo.ID, claimtrack.SourceInput{Name: "Lighthouse Keepers Guild", Kind: claimtrack.SourceOrganisation}, "tester")
	require.NoError(t, err)
	hits, misses := sharedCounts(a)
	a.get(path)
	hits2, misses2 := sharedCounts(a)
	assert.Equal(t, [2]int64{hits + 1, misses}, [2]int64{hits2, misses2}, "changes to another claim and its source leave the page kept")

	// The claim edited.
	_, err = a.db.UpdateClaim(ctx, f.x.ID, version(f.x.ID), claimtrack.ClaimInput{Text: "The harbour will close to cruise ships from next summer.",
		Kind: claimtrack.KindStatement}, "tester")
	require.NoError(t, err)
	assert.Contains(t, view("the claim edited"), "from next summer")

	// Its evidence added, edited, removed.
	added, err := a.db.AddEvidence(ctx, f.x.ID, claimtrack.EvidenceInput{SourceID: f.solo.ID, Stance: claimtrack.StanceDisputes,
		Quote: "No decision has been taken."}, "tester")
	require.NoError(t, err)
	assert.Contains(t, view("evidence added"), "No decision has been taken.")
	_, err = a.db.EditEvidence(ctx, f.x.ID, added.ID, claimtrack.EvidenceInput{SourceID: f.solo.ID, Stance: claimtrack.StanceDisputes,
		Quote: "No decision has been taken yet.", Version: version(f.x.ID)}, "tester")
	require.NoError(t, err)
	assert.Contains(t, view("evidence edited"), "No decision has been taken yet.")
	_, err = a.db.RemoveEvidence(ctx, f.x.ID, added.ID, claimtrack.EvidenceRemoval{Note: "Linked to the wrong claim.", Version: version(f.x.ID)}, "tester")
	require.NoError(t, err)
	assert.Contains(t, view("evidence removed"), "Linked to the wrong claim.")

	// A verdict.
	_, err = a.db.SetClaimStatus(ctx, f.x.ID, claimtrack.StatusChange{Status: claimtrack.StatusRefuted, Note: "The minutes say otherwise.",
		Version: version(f.x.ID)}, "tester")
	require.NoError(t, err)
	assert.Contains(t, view("a verdict"), "The minutes say otherwise.")

	// A source of it renamed.
	_, err = a.db.UpdateSource(ctx, f.shared.ID, claimtrack.SourceInput{Name: "Port Authority Press Office", Kind: claimtrack.SourceOrganisation}, "tester")
	require.NoError(t, err)
	assert.Contains(t, view("a source renamed"), "Port Authority Press Office")

	// A source's record changed by a verdict on another claim.
	before, err := a.db.FindSourceRecord(ctx, f.shared.ID)
	require.NoError(t, err)
	_, err = a.db.SetClaimStatus(ctx, f.y.ID, claimtrack.StatusChange{Status: claimtrack.StatusRefuted, Note: "The fees did not change.",
		Version: version(f.y.ID)}, "tester")
	require.NoError(t, err)
	after, err := a.db.FindSourceRecord(ctx, f.shared.ID)
	require.NoError(t, err)
	require.NotEqual(t, before, after, "the verdict moved the shared source's record")
	view("a source's record changed by another claim's verdict")

	// The site's settings.
	a.web.Configure(web.Config{OrgName: "Harbour Fact Desk"})
	assert.Contains(t, view("the settings changed"), "Harbour Fact Desk")
}

// The freshness itself: it moves with what the page shows, and only with it.
func TestFreshness_ClaimKey(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	ctx := context.Background()
	f := newFreshnessFixture(t, a)
	key := func() claimtrack.Freshness {
		fr, err := a.db.ClaimFreshness(ctx, f.x.ID)
		require.NoError(t, err)
		c, err := a.db.FindClaimByID(ctx, f.x.ID)
		require.NoError(t, err)
		links, of, err := a.db.FindClaimEvidenceFresh(ctx, c)
		require.NoError(t, err)
		require.Equal(t, fr, of, "the freshness read with a claim's evidence is its freshness")
		want, err := a.db.FindClaimEvidence(ctx, f.x.ID)
		require.NoError(t, err)
		require.Len(t, links, len(want))
		for i := range want {
			// The page's evidence has the sources' records without their
			// parts by kind, and of a "via" source its name: what the page
			// shows.
			want[i].Source.Record.Statements, want[i].Source.Record.Forecasts = claimtrack.KindRecord{}, claimtrack.KindRecord{}
			if via := want[i].Via; via != nil {
				want[i].Via = &claimtrack.Source{ID: via.ID, Name: via.Name}
			}
			require.Equal(t, *want[i], *links[i], "the evidence read with the freshness is the claim's evidence")
		}
		return fr
	}
	k0 := key()
	assert.False(t, k0.At.IsZero())
	_, err := a.db.UpdateSource(ctx, f.solo.ID, claimtrack.SourceInput{Name: "Lighthouse Keepers Guild", Kind: claimtrack.SourceOrganisation}, "tester")
	require.NoError(t, err)
	assert.Equal(t, k0.Key, key().Key, "a source x does not cite")
	_, err = a.db.UpdateSource(ctx, f.shared.ID, claimtrack.SourceInput{Name: "Harbour Authority Press Office",
		Kind: claimtrack.SourceOrganisation, Aliases: []string{"the harbour office"}}, "tester")
	require.NoError(t, err)
	k1 := key()
	assert.NotEqual(t, k0.Key, k1.Key, "an alias of its source")
	_, err = a.db.CreateQuestion(ctx, claimtrack.QuestionInput{Title: "Will the harbour close to cruise ships?"}, []int64{f.x.ID, f.y.ID}, "tester")
	require.NoError(t, err)
	k2 := key()
	assert.NotEqual(t, k1.Key, k2.Key, "made an outcome of a question")
	// A source it cites only as the "via" of a link: the freshness read
	// with the evidence notes the via's revision too.
	wire, err := a.db.CreateSource(ctx, claimtrack.SourceInput{Name: "Coastal Wire Service", Kind: claimtrack.SourceOrganisation}, "tester")
	require.NoError(t, err)
	x, err := a.db.FindClaimByID(ctx, f.x.ID)
	require.NoError(t, err)
	_, err = a.db.AddEvidence(ctx, f.x.ID, claimtrack.EvidenceInput{SourceID: f.solo.ID, ViaSourceID: wire.ID,
		Stance: claimtrack.StanceReports, Version: x.Version}, "tester")
	require.NoError(t, err)
	k3 := key()
	assert.NotEqual(t, k2.Key, k3.Key, "evidence added")
	_, err = a.db.UpdateSource(ctx, wire.ID, claimtrack.SourceInput{Name: "Coastal Wire", Kind: claimtrack.SourceOrganisation}, "tester")
	require.NoError(t, err)
	assert.NotEqual(t, k3.Key, key().Key, "its via source renamed")
	_, err = a.db.ClaimFreshness(ctx, 999_999)
	assert.Equal(t, claimtrack.ENOTFOUND, claimtrack.ErrorCode(err))
}

const publicCache = "public, max-age=0, s-maxage=10, stale-while-revalidate=60"

// Every kind of response a visitor gets alike is shared: a strong ETag, a
// Last-Modified, the shared caches' settings, Vary: Cookie, no cookie; and
// both conditions are answered 304.
func TestHTTPCache_SharedResponses(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	f := newFreshnessFixture(t, a)
	ctx := context.Background()
	_, err := a.db.SetClaimStatus(ctx, f.x.ID, claimtrack.StatusChange{Status: claimtrack.StatusRefuted, Note: "The port denied it.",
		Version: f.x.Version}, "tester")
	require.NoError(t, err)
	x, src := strconv.FormatInt(f.x.ID, 10), strconv.FormatInt(f.shared.ID, 10)
	paths := []string{"/", "/claims", "/claims?status=refuted", "/claims/" + x, "/claims/" + x + "?before=999999", "/claims/" + x + ".atom",
		"/sources", "/sources/" + src, "/sources/" + src + ".atom", "/changes", "/changes.atom", "/verdicts.atom", "/reports",
		"/api/v1/claims", "/api/v1/claims/" + x, "/api/v1/claims/" + x + "/evidence", "/api/v1/claims/" + x + "/events",
		"/api/v1/sources", "/api/v1/sources/" + src, "/api/v1/events"}
	if r := a.count("SELECT coalesce(min(id), 0) FROM reports"); r != 0 {
		paths = append(paths, "/reports/"+strconv.Itoa(r))
	}
	strong := regexp.MustCompile(`^"[^"]+"$`)
	for _, path := range paths {
		res, body := visitorGet(t, a, http.MethodGet, path)
		require.Equal(t, http.StatusOK, res.StatusCode, path)
		h := res.Header
		assert.Equal(t, publicCache, h.Get("Cache-Control"), path)
		vary := "Cookie"
		if strings.HasPrefix(path, "/claims/"+x) && !strings.HasSuffix(path, ".atom") {
			vary = "Accept-Encoding, Cookie" // a claim page may be sent gzipped
		}
		assert.Equal(t, vary, h.Get("Vary"), path)
		assert.Empty(t, h.Values("Set-Cookie"), "%s: a shared response sets no cookie", path)
		tag := h.Get("ETag")
		assert.Regexp(t, strong, tag, "%s: a strong ETag", path)
		modified, err := http.ParseTime(h.Get("Last-Modified"))
		require.NoError(t, err, path)
		assert.NotEmpty(t, body)

		res, body = visitorGet(t, a, http.MethodGet, path, "If-None-Match", tag)
		assert.Equal(t, http.StatusNotModified, res.StatusCode, "%s: If-None-Match", path)
		assert.Empty(t, body)
		assert.Equal(t, tag, res.Header.Get("ETag"), path)
		assert.Equal(t, publicCache, res.Header.Get("Cache-Control"), path)
		res, _ = visitorGet(t, a, http.MethodGet, path, "If-None-Match", `"other", `+tag)
		assert.Equal(t, http.StatusNotModified, res.StatusCode, "%s: a list of ETags", path)
		res, _ = visitorGet(t, a, http.MethodGet, path, "If-Modified-Since", modified.Format(http.TimeFormat))
		assert.Equal(t, http.StatusNotModified, res.StatusCode, "%s: If-Modified-Since", path)
		res, _ = visitorGet(t, a, http.MethodGet, path, "If-Modified-Since", modified.Add(-time.Second).Format(http.TimeFormat))
		assert.Equal(t, http.StatusOK, res.StatusCode, "%s: modified since", path)
		res, _ = visitorGet(t, a, http.MethodGet, path, "If-None-Match", `"other"`, "If-Modified-Since", modified.Format(http.TimeFormat))
		assert.Equal(t, http.StatusOK, res.StatusCode, "%s: If-None-Match wins over If-Modified-Since", path)
		res, _ = visitorGet(t, a, http.MethodHead, path, "If-None-Match", tag)
		assert.Equal(t, http.StatusNotModified, res.StatusCode, "%s: HEAD", path)
	}

	// The claim's page carries its ClaimReview; a change gives it a new ETag.
	path := "/claims/" + x
	res, body := visitorGet(t, a, http.MethodGet, path)
	assert.Contains(t, body, `application/ld+json`)
	old := res.Header.Get("ETag")
	_, err = a.db.UpdateSource(ctx, f.shared.ID, claimtrack.SourceInput{Name: "Port Authority Press Office", Kind: claimtrack.SourceOrganisation}, "tester")
	require.NoError(t, err)
	res, body = visitorGet(t, a, http.MethodGet, path, "If-None-Match", old)
	assert.Equal(t, http.StatusOK, res.StatusCode, "its source was renamed")
	assert.Contains(t, body, "Port Authority Press Office")
	assert.NotEqual(t, old, res.Header.Get("ETag"))

	// The shared caches' settings.
	a.web.Configure(web.Config{CacheSMaxAge: 30 * time.Second, CacheStale: 2 * time.Minute})
	res, _ = visitorGet(t, a, http.MethodGet, path)
	assert.Equal(t, "public, max-age=0, s-maxage=30, stale-while-revalidate=120", res.Header.Get("Cache-Control"))
	res, _ = visitorGet(t, a, http.MethodGet, path, "If-None-Match", old)
	assert.Equal(t, http.StatusOK, res.StatusCode, "new settings: a new ETag")
}

// Signed-in responses, pages with a form a visitor may send, one-time
// messages and errors are private.
func TestHTTPCache_PrivateResponses(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	f := newFreshnessFixture(t, a)
	x := strconv.FormatInt(f.x.ID, 10)
	path := "/claims/" + x
	res, _ := visitorGet(t, a, http.MethodGet, path)
	visitorTag := res.Header.Get("ETag")
	require.NotEmpty(t, visitorTag)

	// The sign-in page carries a CSRF token, in its form and its cookie.
	res, body := visitorGet(t, a, http.MethodGet, "/login")
	assert.Equal(t, "private, no-store", res.Header.Get("Cache-Control"))
	assert.Contains(t, body, `name="_csrf"`)
	assert.NotEmpty(t, res.Header.Values("Set-Cookie"))
	assert.Empty(t, res.Header.Get("ETag"))

	// Errors.
	res, _ = visitorGet(t, a, http.MethodGet, "/claims/999999")
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
	assert.Equal(t, "private, no-store", res.Header.Get("Cache-Control"))
	assert.Empty(t, res.Header.Get("ETag"))
	assert.Empty(t, res.Header.Get("Last-Modified"))

	// A one-time message.
	res, body = visitorGet(t, a, http.MethodGet, path, "Cookie", "flash=signed-out", "If-None-Match", visitorTag)
	assert.Equal(t, http.StatusOK, res.StatusCode, "the message must be shown, not a copy without it")
	assert.Contains(t, body, "You are signed out.")
	assert.Equal(t, "private, no-store", res.Header.Get("Cache-Control"))
	assert.Empty(t, res.Header.Get("ETag"))

	// Signed in: every page, the API's answers too.
	a.signInAs("editor", claimtrack.RoleEditor)
	for _, p := range []string{path, "/claims", "/sources", "/changes", "/changes.atom", "/desk", "/account"} {
		pg := a.get(p)
		require.Equal(t, http.StatusOK, pg.status, p)
		assert.Contains(t, pg.header.Get("Cache-Control"), "no-store", p)
		assert.NotContains(t, pg.header.Get("Cache-Control"), "public", p)
		assert.Empty(t, pg.header.Get("Last-Modified"), p)
	}
	req, err := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("If-None-Match", visitorTag)
	pg := a.do(req)
	assert.Equal(t, http.StatusOK, pg.status, "an editor never gets the visitors' copy")
	assert.Equal(t, "private, no-store", pg.header.Get("Cache-Control"))
	assert.NotZero(t, pg.doc.Find(`input[name="_csrf"]`).Length())

	token := a.apiToken("ana", claimtrack.RoleEditor)
	r := a.api("GET", "/claims/"+x, token, nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "private, no-store", r.header.Get("Cache-Control"))
	tag := r.header.Get("ETag")
	assert.Equal(t, http.StatusNotModified, a.api("GET", "/claims/"+x, token, nil, "If-None-Match", tag).status)

	// The ETag of a read is taken by If-Match on a change, as the bare
	// version is.
	r = a.api("POST", "/claims/"+x+"/status", token, map[string]any{"status": "refuted", "note": "The port denied it."}, "If-Match", tag)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	r = a.api("POST", "/claims/"+x+"/status", token, map[string]any{"status": "confirmed", "note": "Confirmed later."}, "If-Match", tag)
	assert.Equal(t, http.StatusPreconditionFailed, r.status, "a stale read's ETag")
}

// A visitor's pages carry no CSRF token and set no cookie, so that they can
// be shared; the pages with a form a visitor may send do.
func TestHTTPCache_VisitorPagesSetNoCookie(t *testing.T) {
	t.Parallel()
	a := newBareApp(t)
	for _, path := range []string{"/", "/sources", "/changes", "/questions", "/search?q=harbour"} {
		res, body := visitorGet(t, a, http.MethodGet, path)
		require.Equal(t, http.StatusOK, res.StatusCode, path)
		assert.Empty(t, res.Header.Values("Set-Cookie"), path)
		assert.NotContains(t, body, `name="_csrf"`, path)
	}
	base, err := url.Parse(a.srv.URL)
	require.NoError(t, err)
	a.get("/login")
	var found bool
	for _, c := range a.client.Jar.Cookies(base) {
		found = found || c.Name == "_csrf"
	}
	assert.True(t, found, "the sign-in page gives the visitor a token")
}
