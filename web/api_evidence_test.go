package web_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// PATCH corrects a link: the fields sent change, those left out keep their
// values; the claim's version is required, a stale one is 412; bad fields
// are 422, an unknown link 404; only an editor's token may.
func TestAPI_EvidenceEdit(t *testing.T) {
	a := newTestApp(t)
	editor := a.apiToken("desk-editor", claimtrack.RoleEditor)
	viewer := a.apiToken("desk-viewer", claimtrack.RoleViewer)
	r := a.api("POST", "/claims", editor, map[string]any{"text": "The parade will be shorter this year.", "kind": "forecast"})
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	id := strconv.Itoa(int(r.body["id"].(float64)))
	r = a.api("POST", "/claims/"+id+"/evidence", editor, map[string]any{"source_name": "Izvestia", "source_kind": "outlet",
		"stance": "asserts", "quote": "a shorter parade", "url": "https://iz.ru/parade", "note": "Front page."})
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	eid := strconv.Itoa(int(r.body["id"].(float64)))
	path := "/claims/" + id + "/evidence/" + eid
	change := map[string]any{"stance": "disputes", "quote": "no shorter parade"}
	before := a.snapshot()

	assert.Equal(t, http.StatusUnauthorized, a.api("PATCH", path, "", change, "If-Match", `"2"`).status)
	assert.Equal(t, http.StatusForbidden, a.api("PATCH", path, viewer, change, "If-Match", `"2"`).status)
	r = a.api("PATCH", path, editor, change)
	assert.Equal(t, http.StatusPreconditionRequired, r.status, "no version")
	r = a.api("PATCH", path, editor, change, "If-Match", `"1"`)
	assert.Equal(t, http.StatusPreconditionFailed, r.status)
	assert.Equal(t, "precondition_failed", r.errCode())
	r = a.api("PATCH", path, editor, map[string]any{"stance": "agrees", "url": "ftp://x", "version": 2})
	require.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Contains(t, r.fields(), "stance")
	assert.Contains(t, r.fields(), "url")
	r = a.api("PATCH", path, editor, map[string]any{"source_name": "Brand New Outlet"}, "If-Match", `"2"`)
	require.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Contains(t, r.fields(), "source_kind")
	assert.Equal(t, http.StatusBadRequest, a.api("PATCH", path, editor, map[string]any{"colour": "red"}, "If-Match", `"2"`).status)
	assert.Equal(t, http.StatusNotFound, a.api("PATCH", "/claims/"+id+"/evidence/999", editor, change, "If-Match", `"2"`).status)
	assert.Equal(t, http.StatusNotFound, a.api("PATCH", "/claims/1/evidence/"+eid, editor, change, "If-Match", `"2"`).status,
		"a link of another claim")
	assert.Equal(t, http.StatusNotFound, a.api("PATCH", "/claims/999/evidence/"+eid, editor, change, "If-Match", `"2"`).status)
	r = a.api("PATCH", path, editor, map[string]any{"quote": "a shorter parade"}, "If-Match", `"2"`)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	assert.Equal(t, `"2"`, r.header.Get("ETag"), "nothing changed: the same version")
	assert.Equal(t, before, a.snapshot(), "nothing written by any of the above")

	r = a.api("PATCH", path, editor, change, "If-Match", `"2"`)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	assert.Equal(t, `"3"`, r.header.Get("ETag"))
	assert.Equal(t, "disputes", r.body["stance"])
	assert.Equal(t, "no shorter parade", r.body["quote"])
	assert.Equal(t, "https://iz.ru/parade", r.body["url"], "a field left out keeps its value")
	assert.Equal(t, "Front page.", r.body["note"])
	assert.Equal(t, "Izvestia", r.body["source"].(map[string]any)["name"])

	// Another source and a via, with the version in the body; then the via
	// taken away.
	peskov, err := strconv.ParseInt(a.sourceIDByName("Dmitry Peskov"), 10, 64)
	require.NoError(t, err)
	r = a.api("PATCH", path, editor, map[string]any{"source_name": "The Evening Courier", "source_kind": "outlet", "via_source_id": peskov, "version": 3})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	assert.Equal(t, "The Evening Courier", r.body["source"].(map[string]any)["name"])
	assert.Equal(t, "Dmitry Peskov", r.body["via"].(map[string]any)["name"])
	assert.Equal(t, "disputes", r.body["stance"])
	r = a.api("PATCH", path, editor, map[string]any{"via_source_id": 0}, "If-Match", `"4"`)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	assert.Nil(t, r.body["via"])
	assert.Equal(t, `"5"`, r.header.Get("ETag"))

	hist := a.api("GET", "/claims/"+id+"/events", "", nil)
	var types []string
	for _, e := range hist.data() {
		types = append(types, e.(map[string]any)["type"].(string))
	}
	assert.Equal(t, []string{"evidence_edited", "evidence_edited", "evidence_edited", "evidence_added", "claim_created"}, types)
	assert.Equal(t, 3, a.count(`SELECT count(*) FROM events WHERE type = 'evidence_edited' AND actor = 'desk-editor'`))
}
