package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An editor gives a source other names on its form; the source page lists
// them, the history shows the change, and the edit form shows them again.
func TestSourceAliases_Form(t *testing.T) {
	a := newTestApp(t)
	res := a.post("/sources", url.Values{"name": {"Anatoly Krasnov"}, "kind": {"person"},
		"aliases": {"Krasnov\r\n  the ministry  spokesman \r\n\r\nkrasnov\r\nAnatoly Krasnov"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	id := a.sourceIDByName("Anatoly Krasnov")

	p := a.get("/sources/" + id)
	require.Equal(t, http.StatusOK, p.status)
	assert.Equal(t, "Also called Krasnov; the ministry spokesman", strings.TrimSpace(p.doc.Find(`[data-testid="source-aliases"]`).Text()))

	p = a.get("/sources/" + id + "/edit")
	assert.Equal(t, "Krasnov\nthe ministry spokesman", fieldValue(p.doc, `[data-testid="source-form"]`, "aliases"))
	assert.Equal(t, "Other names (one per line)", p.doc.Find(`label[for="source-aliases"]`).Text())
	assert.Equal(t, 1, a.get("/sources/new").doc.Find(`[data-testid="source-form"] textarea[name="aliases"]`).Length())

	res = a.post("/sources/"+id, url.Values{"name": {"Anatoly Krasnov"}, "kind": {"person"}, "aliases": {"the ministry spokesman\nA. Krasnov"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	p = a.get("/changes")
	require.Equal(t, http.StatusOK, p.status)
	changed := p.doc.Find(`dd[data-field="aliases"]`).First()
	require.Equal(t, 1, changed.Length(), "the history shows the change of aliases")
	assert.Equal(t, "Krasnov; the ministry spokesman", changed.Find("del").Text())
	assert.Equal(t, "the ministry spokesman; A. Krasnov", changed.Find("ins").Text())
}

// An alias that names another source is refused on the field, with a link
// to that source, the input kept and nothing written; so is a name that is
// another source's alias, and too many aliases.
func TestSourceAliases_Refused(t *testing.T) {
	a := newTestApp(t)
	peskov := a.sourceIDByName("Dmitry Peskov")
	res := a.post("/sources/"+peskov, url.Values{"name": {"Dmitry Peskov"}, "kind": {"person"}, "aliases": {"Peskov\nthe Kremlin spokesman"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	before := a.snapshot()

	typed := "Rubio\nthe kremlin SPOKESMAN"
	res = a.post("/sources", url.Values{"name": {"Marco A. Rubio"}, "kind": {"person"}, "aliases": {typed}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	msg := res.doc.Find(`[data-testid="source-form"] [data-testid="error-aliases"]`)
	assert.Contains(t, msg.Text(), "“the kremlin SPOKESMAN” is already a name of Dmitry Peskov.")
	assert.Equal(t, "/sources/"+peskov, msg.Find("a").AttrOr("href", ""))
	assert.Equal(t, "err-aliases", msg.AttrOr("id", ""))
	assert.Equal(t, "true", res.doc.Find(`textarea[name="aliases"]`).AttrOr("aria-invalid", ""))
	assert.Equal(t, typed, fieldValue(res.doc, `[data-testid="source-form"]`, "aliases"), "the input is kept")
	assert.Equal(t, "Marco A. Rubio", fieldValue(res.doc, `[data-testid="source-form"]`, "name"))

	// Another source's name, on an edit.
	rubio := a.sourceIDByName("Marco Rubio")
	res = a.post("/sources/"+rubio, url.Values{"name": {"Marco Rubio"}, "kind": {"person"}, "aliases": {"Rubio\nle point"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	msg = res.doc.Find(`[data-testid="error-aliases"]`)
	assert.Contains(t, msg.Text(), "“le point” is already a name of Le Point.")
	assert.Equal(t, "/sources/"+a.sourceIDByName("Le Point"), msg.Find("a").AttrOr("href", ""))

	// A name that is another source's alias.
	res = a.post("/sources", url.Values{"name": {"peskov"}, "kind": {"person"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	msg = res.doc.Find(`[data-testid="error-name"]`)
	assert.Contains(t, msg.Text(), "“peskov” is another name of Dmitry Peskov.")
	assert.Equal(t, "/sources/"+peskov, msg.Find("a").AttrOr("href", ""))

	// Too many, or one too short: a message, and no link.
	res = a.post("/sources", url.Values{"name": {"Anatoly Krasnov"}, "kind": {"person"},
		"aliases": {strings.Repeat("Another name\n", 3) + "A\nPeskov"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	msg = res.doc.Find(`[data-testid="error-aliases"]`)
	assert.Contains(t, msg.Text(), "The other name “A” must be at least 2 characters.")
	assert.Zero(t, msg.Find("a").Length())
	var many []string
	for i := range 21 {
		many = append(many, "Name "+strings.Repeat("x", i+1))
	}
	res = a.post("/sources", url.Values{"name": {"Anatoly Krasnov"}, "kind": {"person"}, "aliases": {strings.Join(many, "\n")}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.doc.Find(`[data-testid="error-aliases"]`).Text(), "Give at most 20 other names (there are 21).")
	assert.Equal(t, before, a.snapshot(), "nothing was written")
}

// Search, the source picker and the API know a source by its aliases.
func TestSourceAliases_Found(t *testing.T) {
	a := newTestApp(t)
	peskov := a.sourceIDByName("Dmitry Peskov")
	res := a.post("/sources/"+peskov, url.Values{"name": {"Dmitry Peskov"}, "kind": {"person"}, "role": {"Kremlin spokesman"},
		"aliases": {"Peskoff\nthe Kremlin's voice"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	// Search: the source, and its claims, with the alias that matched.
	p := a.get("/search?q=" + url.QueryEscape("voice"))
	require.Equal(t, http.StatusOK, p.status)
	var hrefs []string
	p.doc.Find(`a[href^="/sources/"]`).Each(func(_ int, s *goquery.Selection) { hrefs = append(hrefs, s.AttrOr("href", "")) })
	assert.Contains(t, hrefs, "/sources/"+peskov)
	where := p.doc.Find(`.match-where`).First().Text()
	assert.Contains(t, strings.Join(strings.Fields(where), " "), "Matched another name of Dmitry Peskov:")
	assert.Equal(t, "the Kremlin's voice", strings.TrimSpace(p.doc.Find(`.match-name`).First().Text()))

	// The picker offers the aliases, and an alias typed links the source.
	p = a.get("/claims/1")
	var names []string
	p.doc.Find(`[data-testid="evidence-form"] datalist option`).Each(func(_ int, o *goquery.Selection) {
		names = append(names, o.AttrOr("value", ""))
	})
	assert.Contains(t, names, "Peskoff")
	sources := a.count(`SELECT count(*) FROM sources`)
	res = a.post("/claims/1/evidence", evidenceFormValues("PESKOFF"))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, sources, a.count(`SELECT count(*) FROM sources`), "no source made")
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM evidence WHERE claim_id = 1 AND source_id = ? AND quote = 'Nothing of the kind.'`, peskov))

	// A near miss of an alias asks "Did you mean …?", offering the source.
	before := a.snapshot()
	res = a.post("/claims/1/evidence", evidenceFormValues("Peskof", "source_kind", "person"))
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	box := res.doc.Find(`[data-testid="evidence-form"] [data-testid="source-suggestions"]`)
	assert.Equal(t, "Did you mean Dmitry Peskov?", box.Find("legend").Text())
	assert.Equal(t, "(also called Peskoff)", box.Find(`[data-testid="matched-alias"]`).Text())
	assert.Equal(t, "source:Dmitry Peskov", box.Find(`[data-testid="pick-source"]`).AttrOr("value", ""))
	assert.Equal(t, before, a.snapshot())

	// The API's source body.
	r := a.api("GET", "/sources/"+peskov, "", nil)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	assert.Equal(t, []any{"Peskoff", "the Kremlin's voice"}, r.body["aliases"])
	r = a.api("GET", "/sources/"+a.sourceIDByName("Le Point"), "", nil)
	assert.Equal(t, []any{}, r.body["aliases"], "none is an empty list")
	r = a.api("GET", "/sources?per_page=100", "", nil)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	found := false
	for _, s := range r.body["data"].([]any) {
		if m := s.(map[string]any); m["name"] == "Dmitry Peskov" {
			found = true
			assert.Equal(t, []any{"Peskoff", "the Kremlin's voice"}, m["aliases"])
		}
	}
	assert.True(t, found, r.raw)
}
