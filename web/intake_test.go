package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/intake"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bridgeReport is a report written for these tests.
const bridgeReport = `The Carrow river bridge will close for repairs on 3 June, the county roads office announced on Monday.

According to the county's engineers, the bridge carries 14,000 vehicles a day.

The mayor, Elsa Brandt, said the work would take eleven weeks. Local traders disputed that, saying the last repair took five months.

Two drivers told the Valley Post that cracks had been reported in March.`

// formValues is what a browser sends for a form: its inputs, ticked boxes,
// chosen options and text areas, by name.
func formValues(form *goquery.Selection) url.Values {
	v := url.Values{}
	form.Find("input, textarea, select").Each(func(_ int, s *goquery.Selection) {
		name, ok := s.Attr("name")
		if !ok || name == "" {
			return
		}
		switch goquery.NodeName(s) {
		case "textarea":
			v.Add(name, s.Text())
		case "select":
			opt := s.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = s.Find("option").First()
			}
			v.Add(name, opt.AttrOr("value", ""))
		default:
			switch s.AttrOr("type", "text") {
			case "checkbox", "radio":
				if _, checked := s.Attr("checked"); checked {
					v.Add(name, s.AttrOr("value", "on"))
				}
			case "file", "submit":
			default:
				v.Add(name, s.AttrOr("value", ""))
			}
		}
	})
	return v
}

// An editor pastes a report, gets its claims and attributions as editable
// rows with the sentences marked, unticks one, corrects another and saves:
// the report, the new sources, the claims and every link are in, each
// recorded in the history under the editor's name.
func TestIntake_PasteReviewSave(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	require.Equal(t, http.StatusOK, a.get("/intake").status)

	res := a.post("/intake", url.Values{"title": {"Carrow bridge to close for repairs"}, "outlet": {"Valley Post"},
		"published": {"2026-05-18"}, "url": {"https://example.org/bridge"}, "text": {bridgeReport}})
	require.Equal(t, http.StatusOK, res.status, res.body)
	rows := res.doc.Find(`[data-testid="intake-row"]`)
	require.GreaterOrEqual(t, rows.Length(), 4, res.doc.Find("main").Text())
	assert.Equal(t, rows.Length(), res.doc.Find(`[data-testid="suggested-sentence"]`).Length(), "each suggested sentence is marked")
	assert.NotEmpty(t, res.doc.Find(`[data-testid="row-cues"]`).First().Text(), "each suggestion says why")

	// The review as a browser sends it, with the editor's changes: the
	// first claim's text corrected, the last one left out.
	form := formValues(res.doc.Find(`[data-testid="intake-review"]`))
	first := -1
	for i := range rows.Length() {
		if strings.Contains(form.Get("c"+strconv.Itoa(i)+"-text"), "bridge will close") {
			first = i
		}
	}
	require.NotEqual(t, -1, first, "the closure is suggested")
	assert.Equal(t, "forecast", form.Get("c"+strconv.Itoa(first)+"-kind"))
	assert.Equal(t, "2026-06-03", form.Get("c"+strconv.Itoa(first)+"-due"), "3 June after 18 May 2026")
	form.Set("c"+strconv.Itoa(first)+"-text", "The Carrow river bridge will close for repairs on 3 June 2026.")
	last := rows.Length() - 1
	form.Del("c" + strconv.Itoa(last) + "-use")

	claims, events := a.count(`SELECT count(*) FROM claims`), a.count(`SELECT count(*) FROM events`)
	saved := a.post("/intake/save", form)
	require.Equal(t, http.StatusSeeOther, saved.status, saved.doc.Find("main").Text())
	require.Regexp(t, `^/reports/\d+$`, saved.header.Get("Location"))
	report := a.get(saved.header.Get("Location"))
	assert.Contains(t, report.body, "Report saved")
	assert.Equal(t, claims+rows.Length()-1, a.count(`SELECT count(*) FROM claims`), "every ticked row is a claim")
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM claims WHERE text = 'The Carrow river bridge will close for repairs on 3 June 2026.'
		AND kind = 'forecast' AND due_date = '2026-06-03' AND report_id IS NOT NULL`))
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM reports WHERE title = 'Carrow bridge to close for repairs' AND outlet = 'Valley Post'
		AND published_at = '2026-05-18' AND url = 'https://example.org/bridge'`))
	assert.Positive(t, a.count(`SELECT count(*) FROM sources WHERE name = 'Elsa Brandt' AND kind = 'person'`))
	assert.Positive(t, a.count(`SELECT count(*) FROM evidence e JOIN sources s ON s.id = e.source_id
		WHERE s.name = 'Elsa Brandt' AND e.stance = 'asserts'`))
	assert.Zero(t, a.count(`SELECT count(*) FROM events WHERE id > ? AND actor <> 'ana'`, events), "every change is the editor's")
	assert.Positive(t, a.count(`SELECT count(*) FROM events WHERE id > ? AND type = 'report_imported'`, events))
	assert.Equal(t, rows.Length()-1, a.count(`SELECT count(*) FROM events WHERE id > ? AND type = 'claim_created'`, events))

	// The same report again is refused, and nothing is written.
	before := a.snapshot()
	again := a.post("/intake/save", form)
	assert.Equal(t, http.StatusConflict, again.status)
	assert.Contains(t, again.doc.Find(`[data-testid="form-summary"], .form-summary`).Text()+again.body, "here already")
	assert.Equal(t, before, a.snapshot())
}

// A suggestion that duplicates a claim here offers it; choosing "the same
// as #N" adds the report's evidence to that claim instead of a new one.
func TestIntake_SameAsExistingClaim(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	existing, err := a.db.CreateClaim(context.Background(), claimtrack.ClaimInput{Text: "The Carrow river bridge carries 14,000 vehicles a day.",
		Kind: claimtrack.KindStatement}, "ana")
	require.NoError(t, err)

	res := a.post("/intake", url.Values{"title": {"Carrow bridge to close for repairs"}, "published": {"2026-05-18"}, "text": {bridgeReport}})
	require.Equal(t, http.StatusOK, res.status)
	form := formValues(res.doc.Find(`[data-testid="intake-review"]`))
	row := -1
	res.doc.Find(`[data-testid="intake-row"]`).Each(func(i int, s *goquery.Selection) {
		if s.Find(`[data-testid="row-duplicates"] a[href="/claims/`+strconv.FormatInt(existing.ID, 10)+`"]`).Length() > 0 {
			row = i
		}
	})
	require.NotEqual(t, -1, row, "the existing claim is offered as a duplicate")
	form.Set("c"+strconv.Itoa(row)+"-same", strconv.FormatInt(existing.ID, 10))
	claims := a.count(`SELECT count(*) FROM claims`)
	links := a.count(`SELECT count(*) FROM evidence WHERE claim_id = ?`, existing.ID)
	saved := a.post("/intake/save", form)
	require.Equal(t, http.StatusSeeOther, saved.status, saved.doc.Find("main").Text())
	n := res.doc.Find(`[data-testid="intake-row"]`).Length()
	assert.Equal(t, claims+n-1, a.count(`SELECT count(*) FROM claims`), "no claim made for the duplicate")
	assert.Greater(t, a.count(`SELECT count(*) FROM evidence WHERE claim_id = ?`, existing.ID), links, "its evidence went to #N")
}

// Bad input gets a clear message and writes nothing: an empty text, one
// over 200 KB, binary data, a date in the wrong format; HTML is reduced to
// its text and its scripts are never stored or run.
func TestIntake_BadInput(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	before := a.snapshot()
	for _, tc := range []struct {
		name, field, want string
		form              url.Values
	}{
		{"empty", "text", "Paste the report", url.Values{"title": {"A title"}, "text": {"  \n "}}},
		{"too large", "text", "the most intake reads is 200 KB", url.Values{"title": {"A title"}, "text": {strings.Repeat("The council met. ", 13000)}}},
		{"binary", "text", "not UTF-8 text", url.Values{"title": {"A title"}, "text": {"The council met.\x00\x01\x02 \xff\xfe"}}},
		{"date", "published", "YYYY-MM-DD", url.Values{"title": {"A title"}, "text": {bridgeReport}, "published": {"18/05/2026"}}},
		{"no title", "title", "needs a title", url.Values{"text": {bridgeReport}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := a.post("/intake", tc.form)
			require.Equal(t, http.StatusUnprocessableEntity, res.status)
			assert.Contains(t, res.doc.Find(`[data-testid="error-`+tc.field+`"]`).Text(), tc.want)
			if tc.name == "date" {
				assert.Equal(t, "18/05/2026", fieldValue(res.doc, `[data-testid="intake-form"]`, "published"), "input kept")
			}
		})
	}
	over := a.post("/intake", url.Values{"title": {"A title"}, "text": {strings.Repeat("x", 2<<20)}})
	assert.Equal(t, http.StatusRequestEntityTooLarge, over.status)

	// An HTML upload: its text is read with the HTML parser, its script is
	// neither run nor kept.
	page := `<html><head><title>t</title><script>alert(1)</script></head><body><h1>Carrow bridge</h1>` +
		`<p>The Carrow river bridge will close for repairs on 3 June, the county roads office announced on Monday.</p>` +
		`<script>document.write("<b>x</b>")</script><p onclick="alert(2)">The mayor, Elsa Brandt, said the work would take eleven weeks.</p></body></html>`
	res := a.uploadReport("/intake", map[string]string{"title": "Carrow bridge"}, "report.html", page)
	require.Equal(t, http.StatusOK, res.status, res.body)
	text := res.doc.Find(`[data-testid="intake-review"] textarea[name="text"]`).Text()
	assert.Contains(t, text, "The Carrow river bridge will close")
	assert.NotContains(t, text, "alert")
	assert.NotContains(t, text, "<")
	assert.NotContains(t, res.body, "<script>alert", "no markup of the file reaches the page")
	bin := a.uploadReport("/intake", map[string]string{"title": "Carrow bridge"}, "report.pdf", "%PDF-1.4 \x00\x01")
	assert.Equal(t, http.StatusUnprocessableEntity, bin.status)
	assert.Contains(t, bin.doc.Find(`[data-testid="error-file"]`).Text(), ".txt or .html")
	assert.Equal(t, before, a.snapshot(), "nothing written")

	// A saved row with a bad field comes back with its message, all kept.
	res = a.post("/intake", url.Values{"title": {"Carrow bridge to close for repairs"}, "published": {"2026-05-18"}, "text": {bridgeReport}})
	form := formValues(res.doc.Find(`[data-testid="intake-review"]`))
	form.Set("c0-text", "Short")
	form.Set("c0-kind", "forecast")
	form.Set("c0-due", "soon")
	bad := a.post("/intake/save", form)
	require.Equal(t, http.StatusUnprocessableEntity, bad.status)
	assert.Contains(t, bad.doc.Find(`[data-testid="error-c0-text"]`).Text(), "at least 10")
	assert.NotEmpty(t, bad.doc.Find(`[data-testid="error-c0-due"]`).Text())
	assert.Equal(t, "Short", fieldValue(bad.doc, `[data-testid="intake-review"]`, "c0-text"))
	assert.Equal(t, before, a.snapshot(), "nothing written")

	// Viewers and visitors cannot use it; a visitor's body is not read past
	// the forms' 64 KiB.
	a.signInAs("vic", claimtrack.RoleViewer)
	assert.Equal(t, http.StatusForbidden, a.get("/intake").status)
	before = a.snapshot()
	a.signInAs("", "")
	visitor := a.post("/intake", url.Values{"title": {"A title"}, "text": {strings.Repeat("The council met. ", 6000)}})
	assert.Equal(t, http.StatusRequestEntityTooLarge, visitor.status)
	assert.Equal(t, before, a.snapshot())
}

// uploadReport sends a multipart form with one file, as the intake form does.
func (a *testApp) uploadReport(path string, fields map[string]string, name, content string) page {
	a.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		require.NoError(a.t, w.WriteField(k, v))
	}
	require.NoError(a.t, w.WriteField("_csrf", a.csrf()))
	fw, err := w.CreateFormFile("file", name)
	require.NoError(a.t, err)
	_, err = fw.Write([]byte(content))
	require.NoError(a.t, err)
	require.NoError(a.t, w.Close())
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+path, &body)
	require.NoError(a.t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return a.do(req)
}

// The API suggests what the engine suggests, and writes nothing.
func TestAPI_IntakeSuggest(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	token := a.apiToken("ana", claimtrack.RoleEditor)
	before := a.snapshot()
	r := a.api("POST", "/intake/suggest", token, map[string]any{"text": bridgeReport, "published": "2026-05-18", "outlet": "Valley Post"})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	var got intake.Result
	require.NoError(t, json.Unmarshal([]byte(r.raw), &got))
	sources, _, err := a.db.IntakeSources(context.Background())
	require.NoError(t, err)
	want, err := intake.Suggest(context.Background(), intake.Input{Text: bridgeReport, Outlet: "Valley Post", Published: mustDate(t, "2026-05-18")},
		intake.Known{Sources: sources, Claims: a.db})
	require.NoError(t, err)
	wantJSON, err := json.Marshal(want)
	require.NoError(t, err)
	gotJSON, err := json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, string(wantJSON), string(gotJSON))
	assert.Equal(t, before, a.snapshot())

	assert.Equal(t, http.StatusUnprocessableEntity, a.api("POST", "/intake/suggest", token, map[string]any{"text": ""}).status)
	assert.Equal(t, http.StatusUnprocessableEntity, a.api("POST", "/intake/suggest", token, map[string]any{"text": bridgeReport, "published": "May 18"}).status)
	assert.Equal(t, http.StatusUnauthorized, a.api("POST", "/intake/suggest", "", map[string]any{"text": bridgeReport}).status)
	viewer := a.apiToken("vic", claimtrack.RoleViewer)
	assert.Equal(t, http.StatusForbidden, a.api("POST", "/intake/suggest", viewer, map[string]any{"text": bridgeReport}).status)
}

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	require.NoError(t, err)
	return d
}

// A source here is matched by one of its other names: the review offers it
// as a source here, and saving links it, with no new source made.
func TestIntake_MatchesAliases(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.signInAs("ana", claimtrack.RoleEditor)
	src, err := a.db.CreateSource(context.Background(), claimtrack.SourceInput{Name: "Mayor Elsa Brandt of Carrow", Kind: claimtrack.SourcePerson,
		Aliases: []string{"Elsa Brandt"}}, "ana")
	require.NoError(t, err)
	res := a.post("/intake", url.Values{"title": {"Carrow bridge to close for repairs"}, "published": {"2026-05-18"}, "text": {bridgeReport}})
	require.Equal(t, http.StatusOK, res.status)
	form := formValues(res.doc.Find(`[data-testid="intake-review"]`))
	found := false
	for k, v := range form {
		if strings.HasSuffix(k, "-source") && len(v) > 0 && v[0] == src.Name {
			found = true
		}
	}
	require.True(t, found, "the mayor is offered as the source here: %v", form)
	sources := a.count(`SELECT count(*) FROM sources`)
	saved := a.post("/intake/save", form)
	require.Equal(t, http.StatusSeeOther, saved.status, saved.doc.Find("main").Text())
	assert.Positive(t, a.count(`SELECT count(*) FROM evidence WHERE source_id = ?`, src.ID))
	assert.Zero(t, a.count(`SELECT count(*) FROM sources WHERE name = 'Elsa Brandt'`))
	assert.Greater(t, a.count(`SELECT count(*) FROM sources`), sources, "the report's other sources are new")
}
