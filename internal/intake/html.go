package intake

import (
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TextOfHTML reduces an HTML page to the text a reader sees, with the HTML
// parser browsers follow (golang.org/x/net/html): scripts, styles,
// templates, forms' controls and the head are dropped; block elements
// (paragraphs, headings, list items, table rows, line breaks) end a line;
// runs of spaces become one. Nothing of the markup survives, so the text
// can be stored and shown as text.
func TextOfHTML(r io.Reader) (string, error) {
	doc, err := html.Parse(r)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head, atom.Iframe, atom.Object,
				atom.Svg, atom.Math, atom.Select, atom.Textarea, atom.Button, atom.Input:
				return
			case atom.Br:
				b.WriteString("\n")
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && blockElement[n.DataAtom] {
			b.WriteString("\n")
		}
	}
	walk(doc)
	return tidyLines(b.String()), nil
}

// blockElement lists the elements that end a line of text.
var blockElement = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Li: true, atom.Tr: true, atom.Blockquote: true, atom.Pre: true, atom.Article: true, atom.Section: true,
	atom.Header: true, atom.Footer: true, atom.Figcaption: true, atom.Figure: true, atom.Dt: true, atom.Dd: true,
	atom.Table: true, atom.Ul: true, atom.Ol: true, atom.Hr: true, atom.Aside: true, atom.Main: true, atom.Nav: true,
	atom.Caption: true, atom.Address: true, atom.Td: true, atom.Th: true,
}

// tidyLines collapses the spaces of each line, drops empty lines and joins
// the rest with one newline.
func tidyLines(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
