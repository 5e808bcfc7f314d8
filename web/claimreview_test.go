package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// claimReviewOf returns the JSON-LD a claim page embeds, decoded, and how
// many such elements it has.
func (a *testApp) claimReviewOf(claim string) (map[string]any, int) {
	a.t.Helper()
	p := a.get("/claims/" + claim)
	require.Equal(a.t, http.StatusOK, p.status)
	scripts := p.doc.Find(`script[type="application/ld+json"]`)
	if scripts.Length() == 0 {
		return nil, 0
	}
	var v map[string]any
	require.NoError(a.t, json.Unmarshal([]byte(scripts.First().Text()), &v), scripts.First().Text())
	return v, scripts.Length()
}

func TestClaimReview(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	_, n := a.claimReviewOf("1")
	assert.Zero(t, n, "an unverified claim embeds no ClaimReview")

	lePoint := a.sourceIDByName("Le Point")
	for _, f := range []url.Values{
		{"source_id": {lePoint}, "stance": {"asserts"}, "url": {"https://www.lepoint.fr/monde/trump-a-moscou.php"}, "published_at": {"2025-02-19"}},
		{"source_name": {"Izvestia"}, "source_kind": {"outlet"}, "stance": {"reports"}, "url": {"https://iz.ru/trump-moscow"}, "published_at": {"2025-02-20"}},
		{"source_name": {"Kremlin press office"}, "source_kind": {"organisation"}, "stance": {"disputes"}, "url": {"https://kremlin.example/denial"}, "published_at": {"2025-02-18"}},
	} {
		require.Equal(t, http.StatusSeeOther, a.post("/claims/1/evidence", f).status)
	}
	a.setStatus("1", claimtrack.StatusDisputed, "Sources conflict.")
	_, n = a.claimReviewOf("1")
	assert.Zero(t, n, "a disputed claim has no verdict, so no ClaimReview")

	a.setStatus("1", claimtrack.StatusRefuted, "He spent May 9 in Washington.")
	r, n := a.claimReviewOf("1")
	require.Equal(t, 1, n)
	assert.Equal(t, "https://schema.org", r["@context"])
	assert.Equal(t, "ClaimReview", r["@type"])
	assert.Equal(t, a.srv.URL+"/claims/1", r["url"])
	assert.Equal(t, "Donald Trump will travel to Moscow for Russia's Victory Day celebrations on May 9.", r["claimReviewed"])
	published, err := time.Parse(time.RFC3339, r["datePublished"].(string))
	require.NoError(t, err)
	modified, err := time.Parse(time.RFC3339, r["dateModified"].(string))
	require.NoError(t, err)
	assert.False(t, modified.Before(published))
	assert.Equal(t, map[string]any{"@type": "Organization", "name": "Claimtrack", "url": a.srv.URL + "/"}, r["author"])
	assert.Equal(t, map[string]any{"@type": "Rating", "ratingValue": 1.0, "bestRating": 5.0, "worstRating": 1.0,
		"alternateName": "Refuted", "ratingExplanation": "He spent May 9 in Washington."}, r["reviewRating"])
	item := r["itemReviewed"].(map[string]any)
	assert.Equal(t, "Claim", item["@type"])
	assert.Equal(t, "Le Point", item["author"].(map[string]any)["name"], "the asserting source")
	assert.Equal(t, "Organization", item["author"].(map[string]any)["@type"])
	assert.Equal(t, "2025-02-19", item["datePublished"])
	var urls []string
	for _, w := range item["appearance"].([]any) {
		urls = append(urls, w.(map[string]any)["url"].(string))
	}
	assert.Equal(t, []string{"https://www.lepoint.fr/monde/trump-a-moscou.php", "https://iz.ru/trump-moscow"}, urls,
		"where the claim appeared; not the denial")
	first := item["firstAppearance"].(map[string]any)
	assert.Equal(t, "https://www.lepoint.fr/monde/trump-a-moscou.php", first["url"])
	assert.Equal(t, "2025-02-19", first["datePublished"])

	// A corrected verdict: the review keeps its first publication date.
	a.setStatus("1", claimtrack.StatusPartlyTrue, "He went, but later.")
	r, _ = a.claimReviewOf("1")
	assert.Equal(t, published.Format(time.RFC3339), r["datePublished"])
	assert.Equal(t, 3.0, r["reviewRating"].(map[string]any)["ratingValue"])
	assert.Equal(t, "Partly true", r["reviewRating"].(map[string]any)["alternateName"])

	// The organisation and the address come from the configuration.
	a.web.Configure(web.Config{OrgName: "The Check Desk", PublicURL: "https://claims.example.org"})
	r, _ = a.claimReviewOf("1")
	assert.Equal(t, "https://claims.example.org/claims/1", r["url"])
	assert.Equal(t, map[string]any{"@type": "Organization", "name": "The Check Desk", "url": "https://claims.example.org/"}, r["author"])
}

// A claim text that closes the script element stays inside the JSON.
func TestClaimReview_CannotBreakOut(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	text := `He said </script><script>alert(1)</script> and <!-- then & left.`
	version := fieldValue(a.get("/claims/2").doc, "#status-form", "version")
	res := a.post("/claims/2", url.Values{"text": {text}, "kind": {"statement"}, "version": {version}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	a.setStatus("2", claimtrack.StatusRefuted, "No </script> here either.")
	p := a.get("/claims/2")
	assert.Equal(t, 2, p.doc.Find("script").Length(), "the page's own script and the JSON-LD, nothing injected")
	assert.NotContains(t, p.doc.Find(`script[type="application/ld+json"]`).Text(), "</script")
	r, n := a.claimReviewOf("2")
	require.Equal(t, 1, n)
	assert.Equal(t, text, r["claimReviewed"])
	assert.Equal(t, "No </script> here either.", r["reviewRating"].(map[string]any)["ratingExplanation"])
}
