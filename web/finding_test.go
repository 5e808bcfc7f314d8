package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// matchLines are the "Matched …" lines of a hit, as read.
func matchLines(hit *goquery.Selection) []string {
	var out []string
	hit.Find(`[data-testid="match"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.Join(strings.Fields(s.Text()), " "))
	})
	return out
}

// hitByID is the hit of claim id on a results page.
func hitByID(p page, id string) *goquery.Selection {
	return p.doc.Find(`[data-testid="search-hit"][data-claim-id="` + id + `"]`)
}

// Each hit says where it matched when that is not its text, with the
// passage; the API gives the same.
func TestSearch_HitsExplainThemselves(t *testing.T) {
	a := newTestApp(t)
	_, p := a.searchIDs("outlet")
	hit := hitByID(p, "3")
	require.Equal(t, 1, hit.Length())
	assert.Equal(t, []string{"Matched the source Victory Day report (outlet not named)"}, matchLines(hit))
	assert.Equal(t, "outlet", hit.Find(`[data-testid="match"] mark`).Text())

	_, p = a.searchIDs("imagined")
	assert.Equal(t, []string{"Matched a quote: “very constructive … The US side could not have imagined a better result.”"},
		matchLines(hitByID(p, "5")))

	_, p = a.searchIDs("spokesman")
	assert.Equal(t, []string{"Matched the role of Dmitry Peskov: Kremlin spokesman",
		"Matched the context: According to the report, the Kremlin spokesman said there is an understanding that a meeting is needed, but that its specific details are not yet settled."},
		matchLines(hitByID(p, "3")))

	_, p = a.searchIDs("technology")
	hit = hitByID(p, "7")
	assert.Equal(t, []string{"Also matched the tag #technology",
		"Also matched the context: …between the two countries is one thing and technology cooperation another matter."}, matchLines(hit))
	assert.Equal(t, "technology", hit.Find("a.claim-row-text mark").Text(), "the text is marked")

	_, p = a.searchIDs("finalized")
	assert.Empty(t, matchLines(hitByID(p, "3")), "the text alone matched")

	r := a.api("GET", "/search?q=imagined", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	require.Len(t, r.data(), 1)
	h := r.data()[0].(map[string]any)
	assert.Equal(t, "very constructive … The US side could not have imagined a better result.", h["snippet"])
	assert.Equal(t, []any{map[string]any{"place": "quote", "passage": h["snippet"]}}, h["matched"])
}

// A misspelt word gets "Did you mean …?" drawn from the index, with a link
// that runs the corrected search; a search that finds something, or whose
// words the index holds, gets none.
func TestSearch_DidYouMean(t *testing.T) {
	a := newTestApp(t)
	ids, p := a.searchIDs("peskof")
	assert.Empty(t, ids)
	dym := p.doc.Find(`[data-testid="did-you-mean"]`)
	require.Equal(t, 1, dym.Length())
	assert.Equal(t, "Did you mean peskov?", strings.Join(strings.Fields(dym.Text()), " "))
	assert.Equal(t, "peskov", dym.Find("strong").Text())
	href := dym.Find("a").AttrOr("href", "")
	assert.Equal(t, "/search?q=peskov", href)
	ids, p = a.searchIDs("peskov")
	assert.ElementsMatch(t, []string{"7", "3"}, ids, "the link finds Peskov's claims")
	assert.Zero(t, p.doc.Find(`[data-testid="did-you-mean"]`).Length())

	// Several words, each respelt, the rest kept.
	_, p = a.searchIDs(`moscw trump status:unverified`)
	dym = p.doc.Find(`[data-testid="did-you-mean"]`)
	assert.Equal(t, "Did you mean moscow trump status:unverified?", strings.Join(strings.Fields(dym.Text()), " "))
	u, err := url.Parse(dym.Find("a").AttrOr("href", ""))
	require.NoError(t, err)
	assert.Equal(t, "moscow trump status:unverified", u.Query().Get("q"))
	ids, _ = a.searchIDs(u.Query().Get("q"))
	assert.ElementsMatch(t, []string{"1", "2"}, ids)

	for _, q := range []string{"xylophone", "peskov", "moscow zebra", `"very constructive"`} {
		_, p := a.searchIDs(q)
		assert.Zero(t, p.doc.Find(`[data-testid="did-you-mean"]`).Length(), q)
	}
}

// A bare status or kind word suggests the filter it may have meant, with a
// link to the search that uses it.
func TestSearch_FilterHints(t *testing.T) {
	a := newTestApp(t)
	a.setStatus("4", claimtrack.StatusRefuted, "No such condition was set.")
	_, p := a.searchIDs("refuted")
	hint := p.doc.Find(`[data-testid="filter-hint"]`)
	require.Equal(t, 1, hint.Length())
	assert.Contains(t, hint.Text(), "status:refuted")
	href := hint.Find("a").AttrOr("href", "")
	assert.Equal(t, "/search?q=status%3Arefuted", href)
	ids, _ := a.searchIDs("status:refuted")
	assert.Equal(t, []string{"4"}, ids)

	_, p = a.searchIDs("forecast trump")
	hint = p.doc.Find(`[data-testid="filter-hint"]`)
	require.Equal(t, 1, hint.Length())
	assert.Contains(t, hint.Text(), "kind:forecast")
	u, err := url.Parse(hint.Find("a").AttrOr("href", ""))
	require.NoError(t, err)
	ids, _ = a.searchIDs(u.Query().Get("q"))
	assert.ElementsMatch(t, []string{"1", "2"}, ids, "trump kind:forecast")

	for _, q := range []string{"status:refuted", "tag:forecast", "peskov"} {
		_, p := a.searchIDs(q)
		assert.Zero(t, p.doc.Find(`[data-testid="filter-hint"]`).Length(), q)
	}
}

// evidenceFormValues are a valid add-evidence form naming a source.
func evidenceFormValues(name string, kv ...string) url.Values {
	v := url.Values{"source_name": {name}, "stance": {"disputes"}, "quote": {"Nothing of the kind."}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// The evidence form names the source in one field, which suggests the
// existing sources as one types.
func TestEvidenceForm_OneSourceField(t *testing.T) {
	a := newTestApp(t)
	p := a.get("/claims/1")
	form := p.doc.Find(`[data-testid="evidence-form"]`)
	assert.Zero(t, form.Find(`select[name="source_id"]`).Length(), "no separate list of sources")
	require.Equal(t, 1, form.Find(`input[name="source_name"]`).Length())
	list := form.Find(`input[name="source_name"]`).AttrOr("list", "")
	require.NotEmpty(t, list)
	var names []string
	form.Find("datalist#" + list + " option").Each(func(_ int, o *goquery.Selection) { names = append(names, o.AttrOr("value", "")) })
	assert.Contains(t, names, "Dmitry Peskov")
	assert.Len(t, names, 7)

	// An existing name, in any case, links that source.
	sources := a.count(`SELECT count(*) FROM sources`)
	res := a.post("/claims/1/evidence", evidenceFormValues("marco rubio"))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, sources, a.count(`SELECT count(*) FROM sources`))
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM evidence e JOIN sources s ON s.id = e.source_id WHERE e.claim_id = 1 AND s.name = 'Marco Rubio'`))

	p = a.get("/claims/1/evidence/1/edit")
	form = p.doc.Find(`[data-testid="evidence-edit-form"]`)
	list = form.Find(`input[name="source_name"]`).AttrOr("list", "")
	require.NotEmpty(t, list)
	assert.Equal(t, 7, form.Find("datalist#"+list+" option").Length())
}

// A new name close to an existing source's asks "Did you mean …?" and
// writes nothing; the answer either links the source offered or creates the
// new one; a name changed since the question is judged afresh.
func TestEvidenceForm_DidYouMean(t *testing.T) {
	a := newTestApp(t)
	before := a.snapshot()
	res := a.post("/claims/1/evidence", evidenceFormValues("Dmitri Peskov", "source_kind", "person"))
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, before, a.snapshot(), "nothing is written while the question is open")
	form := res.doc.Find(`[data-testid="evidence-form"]`)
	assert.Equal(t, "No source is named “Dmitri Peskov”, but one has a close name: choose below, or change the name.",
		form.Find(`[data-testid="error-source_name"]`).Text())
	box := form.Find(`[data-testid="source-suggestions"]`)
	require.Equal(t, 1, box.Length())
	assert.Equal(t, "Did you mean Dmitry Peskov?", box.Find("legend").Text())
	assert.Equal(t, "/sources/"+a.sourceIDByName("Dmitry Peskov"), box.Find("a").AttrOr("href", ""), "the source offered links to its page")
	assert.Equal(t, "Dmitri Peskov", fieldValue(res.doc, `[data-testid="evidence-form"]`, "source_name"), "the name is kept")
	assert.Equal(t, "Nothing of the kind.", fieldValue(res.doc, `[data-testid="evidence-form"]`, "quote"))
	pick := box.Find(`[data-testid="pick-source"]`).AttrOr("value", "")
	asked := box.Find(`input[name="source_asked"]`).AttrOr("value", "")
	assert.Equal(t, "Dmitri Peskov", asked)

	// Yes: the link goes to Dmitry Peskov.
	res = a.post("/claims/1/evidence", evidenceFormValues("Dmitri Peskov", "source_kind", "person", "source_asked", asked, "source_pick", pick))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, before[1], a.snapshot()[1], "no source created")
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM evidence e JOIN sources s ON s.id = e.source_id WHERE e.claim_id = 1 AND s.name = 'Dmitry Peskov'`))

	// No: a new source, which needs its kind.
	res = a.post("/claims/2/evidence", evidenceFormValues("Peskov"))
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.doc.Find(`[data-testid="source-suggestions"]`).Text(), "No, “Peskov” is a new source (choose its kind above)")
	assert.Zero(t, res.doc.Find(`[data-testid="error-source_kind"]`).Length(), "no kind is needed to pick an existing source")
	res = a.post("/claims/2/evidence", evidenceFormValues("Peskov", "source_asked", "Peskov", "source_pick", "new", "stance", ""))
	require.Equal(t, http.StatusUnprocessableEntity, res.status, "the stance is missing")
	assert.Contains(t, res.doc.Find(`[data-testid="error-source_kind"]`).Text(), "say what kind of source it is")
	assert.Zero(t, res.doc.Find(`[data-testid="source-suggestions"]`).Length(), "the answer holds")
	assert.Equal(t, "new", fieldValue(res.doc, `[data-testid="evidence-form"]`, "source_pick"), "and is kept in the form")
	res = a.post("/claims/2/evidence", evidenceFormValues("Peskov", "source_asked", "Peskov", "source_pick", "new", "source_kind", "person"))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM sources WHERE name = 'Peskov'`))

	// An answer about another name does not hold.
	res = a.post("/claims/3/evidence", evidenceFormValues("Marco Rubbio", "source_kind", "person", "source_asked", "Dmitri Peskov", "source_pick", "new"))
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, "Did you mean Marco Rubio?", res.doc.Find(`[data-testid="source-suggestions"] legend`).Text())
	assert.Zero(t, a.count(`SELECT count(*) FROM sources WHERE name = 'Marco Rubbio'`))

	// A name far from every other is created at once.
	res = a.post("/claims/3/evidence", evidenceFormValues("The Evening Courier", "source_kind", "outlet"))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
}

// The edit-evidence form asks the same question.
func TestEvidenceEditForm_DidYouMean(t *testing.T) {
	a := newTestApp(t)
	p := a.get("/claims/1/evidence/1/edit")
	version := fieldValue(p.doc, `[data-testid="evidence-edit-form"]`, "version")
	form := url.Values{"source_name": {"Le Pointe"}, "source_kind": {"outlet"}, "stance": {"asserts"}, "version": {version}}
	before := a.snapshot()
	res := a.post("/claims/1/evidence/1/edit", form)
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, before, a.snapshot())
	box := res.doc.Find(`[data-testid="evidence-edit-form"] [data-testid="source-suggestions"]`)
	assert.Equal(t, "Did you mean Le Point?", box.Find("legend").Text())
	assert.Equal(t, version, fieldValue(res.doc, `[data-testid="evidence-edit-form"]`, "version"))

	form.Set("source_asked", box.Find(`input[name="source_asked"]`).AttrOr("value", ""))
	form.Set("source_pick", box.Find(`[data-testid="pick-source"]`).AttrOr("value", ""))
	form.Set("quote", "Corrected.")
	res = a.post("/claims/1/evidence/1/edit", form)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "Le Point", a.sourceNameOfLink(1))
	assert.Zero(t, a.count(`SELECT count(*) FROM sources WHERE name = 'Le Pointe'`))
}

func (a *testApp) sourceNameOfLink(id int64) string {
	a.t.Helper()
	var name string
	require.NoError(a.t, a.raw.QueryRow(`SELECT s.name FROM evidence e JOIN sources s ON s.id = e.source_id WHERE e.id = ?`, id).Scan(&name))
	return name
}

// A name already taken links, in its message, to the source that has it.
func TestSourceForm_TakenNameLinksToTheSource(t *testing.T) {
	a := newTestApp(t)
	// Reported with the form's other problems, here a kind left out.
	res := a.post("/sources", url.Values{"name": {"le point"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, res.doc.Find(`[data-testid="source-form"] [data-testid="error-kind"]`).Text())
	msg := res.doc.Find(`[data-testid="source-form"] [data-testid="error-name"]`)
	assert.Contains(t, msg.Text(), "A source named Le Point already exists.")
	assert.Equal(t, "/sources/"+a.sourceIDByName("Le Point"), msg.Find("a").AttrOr("href", ""))
	assert.Equal(t, "err-name", msg.AttrOr("id", ""))

	peskov := a.sourceIDByName("Dmitry Peskov")
	res = a.post("/sources/"+peskov, url.Values{"name": {"MARCO RUBIO"}, "kind": {"person"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	msg = res.doc.Find(`[data-testid="source-form"] [data-testid="error-name"]`)
	assert.Equal(t, "/sources/"+a.sourceIDByName("Marco Rubio"), msg.Find("a").AttrOr("href", ""))

	// Its own name, or a name refused for another reason, links nowhere.
	res = a.post("/sources/"+peskov, url.Values{"name": {"D"}, "kind": {"person"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Zero(t, res.doc.Find(`[data-testid="error-name"] a`).Length())
	assert.NotEmpty(t, res.doc.Find(`[data-testid="error-name"]`).Text())
}
