package views

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDoc(t *testing.T) {
	served := func(name string) bool { return name == "api" || name == "data" }
	render := func(src string) string {
		_, body := Doc(src, DocLinks(served))
		return strings.TrimSpace(body)
	}
	tests := []struct{ name, src, want string }{
		{"heading with the GitHub anchor", "## The past: as-of views", `<h2 id="the-past-as-of-views">The past: as-of views</h2>`},
		{"repeated headings numbered", "## Notes\n## Notes", `<h2 id="notes">Notes</h2>` + "\n" + `<h2 id="notes-1">Notes</h2>`},
		{"paragraph lines joined", "one\ntwo", "<p>one two</p>"},
		{"everything escaped", `a <script>alert("x")</script> & b`, `<p>a &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; b</p>`},
		{"kbd kept", "<kbd>/</kbd> jumps", "<p><kbd>/</kbd> jumps</p>"},
		{"code escaped, markers inside kept", "`<b>**x**</b>`", "<p><code>&lt;b&gt;**x**&lt;/b&gt;</code></p>"},
		{"strong and emphasis", "**Ranking.** only *open* ones, not 2 * 3", "<p><strong>Ranking.</strong> only <em>open</em> ones, not 2 * 3</p>"},
		{"link to a served document", "see [api.md](api.md#json-api)", `<p>see <a href="/docs/api#json-api">api.md</a></p>`},
		{"link within the page", "[up](#top)", `<p><a href="#top">up</a></p>`},
		{"link to the web", "[w](https://example.org/a?b=1&c=2)", `<p><a href="https://example.org/a?b=1&amp;c=2">w</a></p>`},
		{"link to a file not served: text only", "[the README](../README.md#configuration)", "<p>the README</p>"},
		{"no script links", "[x](javascript:alert(1))", "<p>x)</p>"},
		{"bullets with continuation lines", "- one\n  more\n- two", "<ul>\n<li>one more</li>\n<li>two</li>\n</ul>"},
		{"numbered list", "1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"},
		{"a number inside a paragraph is no list", "results, 25 a page, and\n25. more", "<p>results, 25 a page, and 25. more</p>"},
		{"table, pipes in code kept", "| a | b |\n| --- | --- |\n| `x|y` | 2 |",
			`<div class="table-wrap"><table>` + "\n<thead><tr>" + `<th scope="col">a</th><th scope="col">b</th></tr></thead>` +
				"\n<tbody>\n<tr><td><code>x|y</code></td><td>2</td></tr>\n</tbody>\n</table></div>"},
		{"fenced code", "```sh\nmake run <x>\n```", "<pre><code>make run &lt;x&gt;\n</code></pre>"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, render(tt.src), tt.name)
	}
	title, _ := Doc("intro\n# The `claimtrack` [tool](x.md)\n## Next", DocLinks(served))
	assert.Equal(t, "The claimtrack tool", title)
}
