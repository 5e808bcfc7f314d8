package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/dump"
	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upload posts a file to the import form, with its CSRF token.
func (a *testApp) upload(name string, content []byte, dryRun bool) page {
	a.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	require.NoError(a.t, mw.WriteField("_csrf", a.csrf()))
	if dryRun {
		require.NoError(a.t, mw.WriteField("dry_run", "1"))
	}
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		require.NoError(a.t, err)
		_, err = fw.Write(content)
		require.NoError(a.t, err)
	}
	require.NoError(a.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+"/admin/import", &body)
	require.NoError(a.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return a.do(req)
}

func TestImportPage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	claims := func() int { return a.count(`SELECT count(*) FROM claims`) }
	start := claims()

	form := a.get("/admin/import")
	require.Equal(t, http.StatusOK, form.status)
	assert.Equal(t, 1, form.doc.Find(`label[for="import-file"]`).Length())
	_, checked := form.doc.Find("#import-dry-run").Attr("checked")
	assert.True(t, checked, "it checks first by default")
	assert.Equal(t, 1, a.get("/claims").doc.Find(`a[href="/admin/import"]`).Length(), "admins find it from the claims list")

	sheet := []byte("text,status,verdict_note,source,source_kind,stance,url\n" +
		"The parade will be shortened this year.,refuted,It lasted as long as ever.,Izvestia,outlet,asserts,https://iz.ru/parade\n" +
		",,,Le Point,,disputes,\n")
	res := a.upload("desk.csv", sheet, true)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.doc.Find(`[data-testid="import-result"]`).Text(), "would add 1 claim, 1 new source, 2 evidence links")
	assert.Equal(t, start, claims(), "a check writes nothing")

	res = a.upload("desk.csv", sheet, false)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/changes?type=data_imported", res.header.Get("Location"))
	assert.Equal(t, start+1, claims())
	changes := a.get("/changes?type=data_imported")
	assert.Contains(t, changes.body, "Import done")
	assert.Contains(t, changes.body, "desk.csv")
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM events WHERE type = 'data_imported' AND actor = 'admin'`))
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM events WHERE type = 'claim_created' AND actor = 'admin'
		AND claim_id = (SELECT id FROM claims WHERE text = 'The parade will be shortened this year.')`))

	// Bad rows: 422, every problem named, nothing written.
	res = a.upload("bad.csv", []byte("text,status,verdict_note\nA claim with a bad status.,maybe,x\nShort,,\n"), false)
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	problems := res.doc.Find(`[data-testid="import-problems"] li`)
	require.Equal(t, 2, problems.Length())
	assert.Contains(t, problems.Eq(0).Text(), "sheet row 1 (line 2), field status")
	assert.Contains(t, problems.Eq(1).Text(), "sheet row 2 (line 3), field text")
	assert.Equal(t, start+1, claims())

	// No file, a file that is neither, a JSON that is not a dump.
	res = a.upload("", nil, false)
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.doc.Find(`[data-testid="error-file"]`).Text(), "Choose a file")
	res = a.upload("photo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00"), false)
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.doc.Find(`[data-testid="error-file"]`).Text(), "cannot be imported")
	res = a.upload("x.json", []byte(`{"format": "something-else", "version": 1}`), false)
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.doc.Find(`[data-testid="error-file"]`).Text(), "not a Claimtrack dump")
	assert.Equal(t, start+1, claims())

	// An export of another tracker is merged in.
	ctx := context.Background()
	other, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "other.db"))
	require.NoError(t, err)
	defer other.Close()
	fromOther, err := other.CreateClaim(ctx, claimtrack.ClaimInput{Text: "A claim from the other desk.", Kind: claimtrack.KindStatement}, "desk-b")
	require.NoError(t, err)
	_, err = other.CreateUser(ctx, claimtrack.NewUser{Username: "bea", Role: claimtrack.RoleEditor, Password: testPassword}, testPasswordHash(t), "", false)
	require.NoError(t, err)
	_, err = other.AssignClaim(ctx, fromOther.ID, "bea", "desk-b")
	require.NoError(t, err)
	var exported bytes.Buffer
	w, err := dump.NewJSONWriter(&exported, time.Now())
	require.NoError(t, err)
	require.NoError(t, other.Export(ctx, w, nil))
	res = a.upload("desk-b.json", exported.Bytes(), false)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, start+2, claims())
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM events WHERE actor = 'desk-b' AND type = 'claim_created'`),
		"the other desk's history comes along")
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM claims WHERE text = 'A claim from the other desk.' AND assignee = 'bea'`),
		"its assignee comes along")
	assert.Equal(t, 1, a.count(`SELECT count(*) FROM events WHERE actor = 'desk-b' AND type = 'claim_assigned'
		AND claim_id = (SELECT id FROM claims WHERE text = 'A claim from the other desk.')`), "with the assignment's history")

	// Admins only.
	a.signInAs("editor", claimtrack.RoleEditor)
	assert.Equal(t, http.StatusForbidden, a.get("/admin/import").status)
	assert.Equal(t, http.StatusForbidden, a.upload("desk.csv", sheet, false).status)
	assert.Equal(t, start+2, claims())
}

// Issue 16, item 6: the import form takes a claims sheet with or without a
// byte-order mark, and reads the cells an export neutralised as they were.
func TestImport_SheetWithBOMAndNeutralisedCells(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	sheet := "\"text\",\"status\",\"verdict_note\"\r\n" +
		"\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"Click\"\") was posted by the ministry.\",refuted,'-5% is not what it said.\r\n" +
		"\"'Tis the season, the minister said on the radio.\",,\r\n"
	for name, file := range map[string]string{"with BOM": "\ufeff" + sheet, "without BOM": sheet} {
		t.Run(name, func(t *testing.T) {
			before := a.count(`SELECT count(*) FROM claims`)
			res := a.upload("sheet.csv", []byte(file), false)
			require.Equal(t, http.StatusSeeOther, res.status, res.body)
			assert.Equal(t, before+2, a.count(`SELECT count(*) FROM claims`))
			assert.Equal(t, 1, a.count(`SELECT count(*) FROM claims WHERE id > ? AND text = ? AND verdict_note = ?`, before,
				`=HYPERLINK("https://evil.example","Click") was posted by the ministry.`, "-5% is not what it said."))
			assert.Equal(t, 1, a.count(`SELECT count(*) FROM claims WHERE id > ? AND text = ?`, before,
				"'Tis the season, the minister said on the radio."), "a quote before anything else is kept")
		})
	}
}
