package claimtrack_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
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
	// The synthetic generator is its own package beside storage: it writes
	// through storage's batch writer and imports nothing of the web.
	for _, path := range imports(t, "../gen") {
		first := strings.Split(path, "/")[0]
		switch path {
		case "github.com/claimtrack/claimtrack/internal/claimtrack", "github.com/claimtrack/claimtrack/internal/sqlite":
			continue
		}
		assert.NotContains(t, first, ".", "internal/gen imports only the domain, storage and the standard library, not %s", path)
	}
	for _, path := range imports(t, "../sqlite") {
		assert.NotContains(t, path, "internal/gen", "storage never imports the generator")
	}
	// The intake engine is pure: the standard library, Unicode segmentation
	// and the HTML parser; no storage, no web, not even the domain.
	for _, path := range imports(t, "../intake") {
		switch path {
		case "github.com/rivo/uniseg", "golang.org/x/net/html", "golang.org/x/net/html/atom":
			continue
		}
		first := strings.Split(path, "/")[0]
		assert.NotContains(t, first, ".", "internal/intake imports only the standard library, uniseg and the HTML parser, not %s", path)
	}
	for _, path := range imports(t, "../../web/views") {
		assert.NotContains(t, path, "internal/sqlite", "views never touch the database")
		assert.NotContains(t, path, "labstack/echo", "views never touch the HTTP framework")
	}
}

// declaredIn maps each top-level function and constant of the non-test Go
// files of dir to the file that declares it.
func declaredIn(t *testing.T, dir string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	out := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range parsed.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				out[d.Name.Name] = filepath.Base(f)
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					if v, ok := spec.(*ast.ValueSpec); ok {
						for _, n := range v.Names {
							out[n.Name] = filepath.Base(f)
						}
					}
				}
			}
		}
	}
	return out
}

// Rooms that say what they hold: in storage, keeping the search index up to
// date, merging it in the background and compiling queries are separate files, and no generator code is
// left; in the web layer, every route is registered in routes.go.
func TestLayout_Rooms(t *testing.T) {
	storage := declaredIn(t, "../sqlite")
	for _, name := range []string{"claimSearchRow", "reindexClaim", "reindexSource", "reindexSourceClaims",
		"claimSearchValues", "RebuildSearchIndex", "OptimizeSearchIndex", "CheckSearchIndex"} {
		assert.Equal(t, "search_index.go", storage[name], "%s keeps the search index up to date", name)
	}
	for _, name := range []string{"configureSearchIndexes", "runSearchMerger", "mergeStep", "searchSegments"} {
		assert.Equal(t, "search_merge.go", storage[name], "%s merges the search index in the background", name)
	}
	for _, name := range []string{"ftsExpr", "ftsTerm", "ftsGroup", "sourceExpr", "claimFilters", "facetTerm"} {
		assert.Equal(t, "search_query.go", storage[name], "%s compiles queries", name)
	}
	for name, file := range storage {
		assert.False(t, file == "gen.go" || strings.HasPrefix(file, "gen_"), "%s: the generator lives in internal/gen", file)
		assert.False(t, strings.Contains(name, "Generate") || strings.Contains(strings.ToLower(name), "generator"),
			"%s (%s): the generator lives in internal/gen", name, file)
	}
	routes := regexp.MustCompile(`\b(e|g|api|group)\.(GET|POST|PUT|PATCH|DELETE|Any|Match|Group)\(`)
	files, err := filepath.Glob("../../web/*.go")
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || filepath.Base(f) == "routes.go" {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.Empty(t, routes.FindAllString(string(src), -1), "%s registers routes: they all belong in routes.go", f)
	}
}
