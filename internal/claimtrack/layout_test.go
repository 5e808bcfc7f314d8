package claimtrack_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// imports lists the import paths of the non-test Go files in dir.
func imports(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		parsed, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range parsed.Imports {
			out = append(out, strings.Trim(imp.Path.Value, `"`))
		}
	}
	return out
}

// The arrows of STYLE.md: the domain imports only the standard library, and
// storage never imports the web layer. One exception: the reliability maths
// uses gonum's distributions (pure numerics, no I/O) rather than hand-rolled
// Beta quantiles.
func TestLayout(t *testing.T) {
	for _, path := range imports(t, ".") {
		if path == "gonum.org/v1/gonum/stat/distuv" {
			continue
		}
		first := strings.Split(path, "/")[0]
		assert.NotContains(t, first, ".", "the domain package imports only the standard library, not %s", path)
	}
	for _, dir := range []string{"../sqlite", "../../seeds"} {
		for _, path := range imports(t, dir) {
			assert.NotContains(t, path, "/web", "%s must not import the web layer (%s)", dir, path)
			assert.NotContains(t, path, "/cmd/", "%s must not import cmd (%s)", dir, path)
		}
	}
	// The exchange format sits beside the domain: it imports the domain and
	// the standard library only, so storage, web and cmd can all use it.
	for _, path := range imports(t, "../dump") {
		first := strings.Split(path, "/")[0]
		if path == "github.com/claimtrack/claimtrack/internal/claimtrack" {
			continue
		}
		assert.NotContains(t, first, ".", "internal/dump imports only the domain and the standard library, not %s", path)
	}
	for _, path := range imports(t, "../../web") {
		assert.NotContains(t, path, "internal/sqlite", "the web layer reaches storage through its interfaces")
	}
	for _, path := range imports(t, "../../web/views") {
		assert.NotContains(t, path, "internal/sqlite", "views never touch the database")
		assert.NotContains(t, path, "labstack/echo", "views never touch the HTTP framework")
	}
}
