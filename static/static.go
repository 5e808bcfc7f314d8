// Package static holds the stylesheet, icons and other files served under
// /static/, embedded in the binary.
package static

import (
	"embed"
	"net/http"
	"strings"
)

//go:embed *.css *.js *.svg *.ico
var files embed.FS

// Handler serves the embedded files at /static/NAME, and the icon at
// /favicon.ico, where browsers look for it by default. The files change only
// with the binary, so browsers may keep them for a day.
func Handler() http.Handler {
	fs := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static")
		if name == "/" || strings.HasSuffix(name, "/") || strings.HasSuffix(name, ".go") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		r2 := r.Clone(r.Context())
		r2.URL.Path = name
		fs.ServeHTTP(w, r2)
	})
}
