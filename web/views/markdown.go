package views

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// The documentation is written in the small part of Markdown its files use:
// ATX headings, paragraphs, bullet and numbered lists (one level), pipe
// tables, fenced code, and inline code, links, **strong**, *emphasis* and
// <kbd>. Doc renders it to HTML for the pages under /docs/, escaping every
// character of the source but those markers.

var (
	headingLine = regexp.MustCompile(`^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	bulletLine  = regexp.MustCompile(`^[-*]\s+(.*)$`)
	orderedLine = regexp.MustCompile(`^(\d{1,3})\.\s+(.*)$`)
	tableRule   = regexp.MustCompile(`^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$`)
	linkMarkup  = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
)

// DocLink turns a link of the documentation into one of the app: another
// document ("api.md#feeds") becomes its page ("/docs/api#feeds"), a link
// within the page stays, a web address stays. ok is false for a file of the
// repository that the app does not serve (the README, source files): its
// text is shown without a link.
type DocLink func(target string) (href string, ok bool)

// Doc renders a document; its title is the text of its first heading.
func Doc(src string, link DocLink) (title, body string) {
	r := docRenderer{link: link, ids: map[string]int{}}
	r.blocks(strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n"))
	return r.title, r.out.String()
}

type docRenderer struct {
	out   strings.Builder
	link  DocLink
	title string
	ids   map[string]int
}

func (r *docRenderer) blocks(lines []string) {
	for i := 0; i < len(lines); {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			i++
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			i = r.fence(lines, i)
		case headingLine.MatchString(line):
			m := headingLine.FindStringSubmatch(line)
			r.heading(len(m[1]), m[2])
			i++
		case isTableStart(lines, i):
			i = r.table(lines, i)
		case bulletLine.MatchString(trimmed) && !strings.HasPrefix(line, "  "):
			i = r.list(lines, i, "ul")
		case orderedLine.MatchString(trimmed) && !strings.HasPrefix(line, "  "):
			i = r.list(lines, i, "ol")
		default:
			i = r.paragraph(lines, i)
		}
	}
}

// startsBlock reports whether a line begins a block that ends a paragraph.
func startsBlock(lines []string, i int) bool {
	line, trimmed := lines[i], strings.TrimSpace(lines[i])
	if m := orderedLine.FindStringSubmatch(trimmed); m != nil && m[1] == "1" {
		return true // only a list that starts at 1 interrupts a paragraph
	}
	return trimmed == "" || strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") ||
		headingLine.MatchString(line) || isTableStart(lines, i) || bulletLine.MatchString(trimmed)
}

func isTableStart(lines []string, i int) bool {
	return strings.HasPrefix(strings.TrimSpace(lines[i]), "|") && i+1 < len(lines) && tableRule.MatchString(strings.TrimSpace(lines[i+1]))
}

func (r *docRenderer) fence(lines []string, i int) int {
	marker := strings.TrimSpace(lines[i])[:3]
	r.out.WriteString("<pre><code>")
	for i++; i < len(lines); i++ {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), marker) {
			i++
			break
		}
		r.out.WriteString(html.EscapeString(lines[i]) + "\n")
	}
	r.out.WriteString("</code></pre>\n")
	return i
}

func (r *docRenderer) heading(level int, text string) {
	id := docSlug(text)
	if n := r.ids[id]; n > 0 {
		r.ids[id]++
		id += "-" + itoa(n)
	} else {
		r.ids[id] = 1
	}
	if r.title == "" {
		r.title = plainText(text)
	}
	tag := "h" + itoa(level)
	r.out.WriteString("<" + tag + ` id="` + html.EscapeString(id) + `">` + r.inline(text) + "</" + tag + ">\n")
}

func (r *docRenderer) paragraph(lines []string, i int) int {
	var text []string
	for ; i < len(lines) && (len(text) == 0 || !startsBlock(lines, i)); i++ {
		text = append(text, strings.TrimSpace(lines[i]))
	}
	r.out.WriteString("<p>" + r.inline(strings.Join(text, " ")) + "</p>\n")
	return i
}

// list renders a bullet or numbered list: an item runs on over indented and
// lazy lines until the next item, a blank line or another block.
func (r *docRenderer) list(lines []string, i int, tag string) int {
	marker := bulletLine
	if tag == "ol" {
		marker = orderedLine
	}
	start := ""
	if m := orderedLine.FindStringSubmatch(strings.TrimSpace(lines[i])); tag == "ol" && m != nil && m[1] != "1" {
		start = ` start="` + m[1] + `"`
	}
	r.out.WriteString("<" + tag + start + ">\n")
	var item []string
	flush := func() {
		if item != nil {
			r.out.WriteString("<li>" + r.inline(strings.Join(item, " ")) + "</li>\n")
		}
		item = nil
	}
	for i < len(lines) {
		line, trimmed := lines[i], strings.TrimSpace(lines[i])
		if m := marker.FindStringSubmatch(trimmed); m != nil && !strings.HasPrefix(line, "  ") {
			flush()
			item = []string{m[len(m)-1]}
			i++
			continue
		}
		if trimmed == "" {
			// A blank line ends the list unless an indented line or another
			// item follows it.
			if i+1 < len(lines) && (strings.HasPrefix(lines[i+1], "  ") || marker.MatchString(strings.TrimSpace(lines[i+1]))) &&
				strings.TrimSpace(lines[i+1]) != "" {
				i++
				continue
			}
			break
		}
		if !strings.HasPrefix(line, "  ") && startsBlock(lines, i) {
			break
		}
		item = append(item, trimmed)
		i++
	}
	flush()
	r.out.WriteString("</" + tag + ">\n")
	return i
}

func (r *docRenderer) table(lines []string, i int) int {
	r.out.WriteString(`<div class="table-wrap"><table>` + "\n<thead><tr>")
	for _, c := range tableCells(lines[i]) {
		r.out.WriteString(`<th scope="col">` + r.inline(c) + "</th>")
	}
	r.out.WriteString("</tr></thead>\n<tbody>\n")
	for i += 2; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
		r.out.WriteString("<tr>")
		for _, c := range tableCells(lines[i]) {
			r.out.WriteString("<td>" + r.inline(c) + "</td>")
		}
		r.out.WriteString("</tr>\n")
	}
	r.out.WriteString("</tbody>\n</table></div>\n")
	return i
}

// tableCells splits a table row at the pipes outside code spans; "\|" is a
// pipe in a cell.
func tableCells(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, `\|`) {
		line = line[:len(line)-1]
	}
	var cells []string
	var cell strings.Builder
	code := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\' && i+1 < len(line) && line[i+1] == '|':
			cell.WriteByte('|')
			i++
		case c == '`':
			code = !code
			cell.WriteByte(c)
		case c == '|' && !code:
			cells = append(cells, strings.TrimSpace(cell.String()))
			cell.Reset()
		default:
			cell.WriteByte(c)
		}
	}
	return append(cells, strings.TrimSpace(cell.String()))
}

// inline renders the text of one block.
func (r *docRenderer) inline(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		switch {
		case s[0] == '`':
			n := len(s) - len(strings.TrimLeft(s, "`"))
			fence := s[:n]
			if end := strings.Index(s[n:], fence); end >= 0 {
				code := s[n : n+end]
				if len(code) > 1 && code[0] == ' ' && code[len(code)-1] == ' ' {
					code = code[1 : len(code)-1]
				}
				b.WriteString("<code>" + html.EscapeString(code) + "</code>")
				s = s[n+end+n:]
				continue
			}
			b.WriteString(fence)
			s = s[n:]
			continue
		case s[0] == '[':
			if text, target, rest, ok := splitLink(s); ok {
				if href, ok := r.link(target); ok {
					b.WriteString(`<a href="` + html.EscapeString(href) + `">` + r.inline(text) + "</a>")
				} else {
					b.WriteString(r.inline(text))
				}
				s = rest
				continue
			}
		case strings.HasPrefix(s, "**"):
			if end := strings.Index(s[2:], "**"); end > 0 {
				b.WriteString("<strong>" + r.inline(s[2:2+end]) + "</strong>")
				s = s[2+end+2:]
				continue
			}
		case s[0] == '*' && len(s) > 1 && s[1] != ' ' && s[1] != '*':
			if end := strings.IndexByte(s[1:], '*'); end > 0 && s[end] != ' ' {
				b.WriteString("<em>" + r.inline(s[1:1+end]) + "</em>")
				s = s[1+end+1:]
				continue
			}
		case strings.HasPrefix(s, "<kbd>"), strings.HasPrefix(s, "</kbd>"):
			tag := s[:strings.IndexByte(s, '>')+1]
			b.WriteString(tag)
			s = s[len(tag):]
			continue
		case s[0] == '\\' && len(s) > 1 && unicode.IsPunct(rune(s[1])):
			b.WriteString(html.EscapeString(s[1:2]))
			s = s[2:]
			continue
		}
		_, size := firstRune(s)
		b.WriteString(html.EscapeString(s[:size]))
		s = s[size:]
	}
	return b.String()
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		if i > 0 {
			return r, i
		}
	}
	return 0, len(s)
}

// splitLink reads "[text](target)" at the start of s, with brackets nested
// one level deep in the text.
func splitLink(s string) (text, target, rest string, ok bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				if i+1 >= len(s) || s[i+1] != '(' {
					return "", "", "", false
				}
				end := strings.IndexByte(s[i+2:], ')')
				if end < 0 {
					return "", "", "", false
				}
				target = strings.TrimSpace(s[i+2 : i+2+end])
				target, _, _ = strings.Cut(target, ` "`)
				return s[1:i], strings.Trim(target, "<>"), s[i+2+end+1:], true
			}
		case '`':
			if end := strings.IndexByte(s[i+1:], '`'); end >= 0 {
				i += end + 1
			}
		}
	}
	return "", "", "", false
}

// plainText is a heading's text without its markers, for the page title.
func plainText(s string) string {
	s = linkMarkup.ReplaceAllString(s, "$1")
	return strings.NewReplacer("`", "", "**", "", "*", "").Replace(s)
}

// docSlug is the anchor GitHub gives a heading, so that the links between
// the documents work in the repository and in the app alike: link markup
// dropped, lower case, every character but letters, digits, spaces, hyphens
// and underscores removed, spaces turned into hyphens.
func docSlug(text string) string {
	text = linkMarkup.ReplaceAllString(text, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// DocLinks is the DocLink of the documents the app serves, named without
// ".md" (see DocURL): a link to one of them leads to its page.
func DocLinks(served func(name string) bool) DocLink {
	return func(target string) (string, bool) {
		u, err := url.Parse(target)
		switch {
		case err != nil:
			return "", false
		case u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "mailto":
			return target, true
		case u.Scheme != "" || u.Host != "":
			return "", false
		case u.Path == "":
			return target, true
		}
		name, isDoc := strings.CutSuffix(u.Path, ".md")
		if !isDoc || strings.Contains(name, "/") || !served(name) {
			return "", false
		}
		href := DocURL(name)
		if u.Fragment != "" {
			href += "#" + u.Fragment
		}
		return href, true
	}
}

// DocURL is the page of a document.
func DocURL(name string) string { return "/docs/" + name }
