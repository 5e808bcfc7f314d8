// Package docs holds the documentation, embedded in the binary: the app
// serves each file as a page under /docs/ (the score's "How is this
// computed?" leads to reliability.md).
package docs

import (
	"embed"
	"io/fs"
	"strings"
)

//go:embed *.md
var files embed.FS

// Read returns the markdown of the document with the given name (without
// ".md"); ok is false when there is none.
func Read(name string) (string, bool) {
	if name == "" || strings.ContainsAny(name, "/\\.") {
		return "", false
	}
	b, err := fs.ReadFile(files, name+".md")
	if err != nil {
		return "", false
	}
	return string(b), true
}

// Has reports whether there is a document with the given name.
func Has(name string) bool {
	_, ok := Read(name)
	return ok
}
