package claimtrack_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sources maps every non-test Go and templ file of the repository (generated
// templ code left out: it mirrors its .templ) to its text, by path from the
// repository's root.
func sources(t *testing.T) map[string]string {
	t.Helper()
	root := filepath.Join("..", "..")
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "data" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_templ.go") ||
			!(strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".templ")) {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		out[filepath.ToSlash(rel)] = string(src)
		return nil
	})
	require.NoError(t, err)
	require.Contains(t, out, "internal/sqlite/event.go", "the walk must see the storage code")
	return out
}

// matches lists the files whose text matches re, with the number of matches.
func matches(files map[string]string, re *regexp.Regexp) map[string]int {
	out := map[string]int{}
	for path, src := range files {
		if n := len(re.FindAllStringIndex(src, -1)); n > 0 {
			out[path] = n
		}
	}
	return out
}

// One path for every change: the history has one writer, the reliability
// rules one definition, and an event's stored values one encoder and one
// decoder. A second copy of any of them makes this test fail.
func TestOnePath(t *testing.T) {
	files := sources(t)

	t.Run("OneEventWriter", func(t *testing.T) {
		insert := regexp.MustCompile(`(?i)INSERT\s+(OR\s+\w+\s+)?INTO\s+events\b`)
		assert.Equal(t, map[string]int{"internal/sqlite/event.go": 1}, matches(files, insert),
			"events are inserted in one place: insertEvents")
	})

	t.Run("OneDefinitionOfCredit", func(t *testing.T) {
		// LinkCredit says how a verdict credits a source; only the domain's
		// rules (the moves, and the words for a change) call it.
		assert.Equal(t, []string{"internal/claimtrack/reliability.go"},
			paths(matches(files, regexp.MustCompile(`\bLinkCredit\(`))), "the credit of a verdict is defined and used in the domain only")
		// A record moves in one way, SourceRecord.Apply, and the score
		// history has one writer.
		assert.Equal(t, []string{"internal/claimtrack/reliability.go"},
			paths(matches(files, regexp.MustCompile(`\.Credit\.Add\(`))), "a record's credit moves in one place")
		assert.Equal(t, map[string]int{"internal/sqlite/reliability.go": 1},
			matches(files, regexp.MustCompile(`(?i)INSERT\s+INTO\s+source_score_history\b`)), "score history rows have one writer")
	})

	t.Run("TypedPayloads", func(t *testing.T) {
		// Only the payload codec reads or writes an event's stored values by key.
		read := regexp.MustCompile(`\.(Before|After)\[`)
		assert.Empty(t, without(matches(files, read), "internal/claimtrack/payload.go"),
			"event values are read through the typed payloads")
		write := regexp.MustCompile(`\b(Before|After):\s*map\[string\]string\{`)
		assert.Empty(t, matches(files, write), "event values are written through the typed payloads")
	})
}

func paths(m map[string]int) []string {
	var out []string
	for p := range m {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func without(m map[string]int, path string) map[string]int {
	delete(m, path)
	return m
}
