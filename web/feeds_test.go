package web_test

import (
	"context"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// asHTML is what a reader that renders a piece of HTML shows: its text, and
// the elements it would make live.
func asHTML(t *testing.T, s string) (text string, elements []string) {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(s))
	require.NoError(t, err)
	doc.Find("*").Each(func(_ int, e *goquery.Selection) {
		if n := goquery.NodeName(e); n != "html" && n != "head" && n != "body" {
			elements = append(elements, n)
		}
	})
	return doc.Text(), elements
}

// atomTextConstructs reads every Atom text construct of a feed (titles,
// subtitles, summaries, content, rights) with its type, as RFC 4287 defines
// them: a reader takes "text" (or no type) as literal text, and renders
// "html" after the XML layer is decoded.
func atomTextConstructs(t *testing.T, feed string) []struct{ name, typ, value string } {
	t.Helper()
	var out []struct{ name, typ, value string }
	dec := xml.NewDecoder(strings.NewReader(feed))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch start.Name.Local {
		case "title", "subtitle", "summary", "content", "rights":
			var el struct {
				Type  string `xml:"type,attr"`
				Inner string `xml:",innerxml"`
				Text  string `xml:",chardata"`
			}
			require.NoError(t, dec.DecodeElement(&el, &start))
			require.NotContains(t, el.Inner, "<", "a %s holds child elements (xhtml): %s", start.Name.Local, el.Inner)
			out = append(out, struct{ name, typ, value string }{start.Name.Local, el.Type, el.Text})
		}
	}
}

// Text people wrote reaches feed readers as the literal text: a note such as
// <script>alert(1)</script> is shown as those characters, never run or
// rendered, in every feed, whether the reader renders the summary as HTML
// (what parsers such as gofeed hand their users) or reads the feed by its
// types.
func TestFeeds_UserTextReachesReadersAsText(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ctx := context.Background()
	const (
		name  = `<b>x</b> Desk <script>alert(1)</script>`
		text  = `Claim with <b>x</b> & <script>alert(1)</script> &amp; "quotes"`
		note  = `<script>alert(1)</script> <b>x</b> &lt;i&gt; & done`
		quote = `<img src=x onerror=alert(1)> <b>x</b>`
	)
	src, err := a.db.CreateSource(ctx, claimtrack.SourceInput{Name: name, Kind: claimtrack.SourceOutlet}, "admin")
	require.NoError(t, err)
	cl, err := a.db.CreateClaim(ctx, claimtrack.ClaimInput{Text: text, Kind: claimtrack.KindStatement}, "admin")
	require.NoError(t, err)
	_, err = a.db.AddEvidence(ctx, cl.ID, claimtrack.EvidenceInput{SourceID: src.ID, Stance: claimtrack.StanceAsserts,
		Quote: quote, Note: note}, "admin")
	require.NoError(t, err)
	cl, err = a.db.FindClaimByID(ctx, cl.ID)
	require.NoError(t, err)
	_, err = a.db.SetClaimStatus(ctx, cl.ID, claimtrack.StatusChange{Status: claimtrack.StatusRefuted, Note: note, Version: cl.Version}, "admin")
	require.NoError(t, err)

	claimID, sourceID := strconv.FormatInt(cl.ID, 10), strconv.FormatInt(src.ID, 10)
	for _, path := range []string{"/claims/" + claimID + ".atom", "/changes.atom", "/verdicts.atom", "/sources/" + sourceID + ".atom"} {
		feed := parseFeed(t, a, path)
		require.NotEmpty(t, feed.Items, path)
		var titles, summaries []string
		for _, it := range feed.Items {
			// Titles are text: the parser hands over the literal characters.
			titles = append(titles, it.Title)
			// Summaries are HTML: rendered, they are the literal text and
			// nothing else.
			shown, elements := asHTML(t, it.Description)
			assert.Empty(t, elements, "%s: live markup in a summary: %q", path, it.Description)
			summaries = append(summaries, shown)
		}
		all := strings.Join(summaries, "\n")
		assert.Contains(t, all, "Note: "+note, "%s: the note as written", path)
		assert.Contains(t, strings.Join(titles, "\n"), text, "%s: the claim as written", path)
		if strings.HasPrefix(path, "/sources/") {
			assert.Equal(t, name+" · Claimtrack", feed.Title, "the source's name as written")
		}
		if path != "/verdicts.atom" {
			assert.Contains(t, all, quote, "%s: the quote as written", path)
		}

		// By the Atom types themselves: text constructs are literal, and
		// HTML ones render to the text alone.
		raw := a.get(path).body
		for _, tc := range atomTextConstructs(t, raw) {
			switch tc.typ {
			case "", "text":
			case "html":
				_, elements := asHTML(t, tc.value)
				assert.Empty(t, elements, "%s: live markup in a %s: %q", path, tc.name, tc.value)
			default:
				t.Errorf("%s: a %s of type %q", path, tc.name, tc.typ)
			}
		}
	}
}
