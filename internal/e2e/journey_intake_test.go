package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// eachWayEmpty is eachWay on a tracker started without the seed.
func eachWayEmpty(t *testing.T, name string, journey func(t *testing.T, b *browser)) {
	needBrowser(t)
	for _, js := range []bool{true, false} {
		mode := map[bool]string{true: "js", false: "nojs"}[js]
		t.Run(mode, func(t *testing.T) {
			a := startServer(t, true, "--no-seed")
			b := newBrowser(t, a, name+" ("+mode+")", js)
			journey(t, b)
			b.screenshot(name + "-" + mode)
			b.clean()
		})
	}
}

// pasteReport fills the intake form and sends it (the review page comes,
// or the form again when something is wrong).
func (b *browser) pasteReport(title, outlet, published, text string) {
	b.t.Helper()
	b.open("/intake")
	b.fill("#intake-title", title)
	b.fill("#intake-outlet", outlet)
	b.fill("#intake-published", published)
	b.fill("#intake-text", text)
	b.follow(`[data-testid="intake-form"] button[type="submit"]`)
}

// savedClaim is a claim as the API gives it, with its links.
type savedClaim struct {
	ID      int64  `json:"id"`
	Text    string `json:"text"`
	Context string `json:"context"`
	Kind    string `json:"kind"`
	DueDate string `json:"due_date"`
	Links   []struct {
		Stance string `json:"stance"`
		Source struct {
			Name string `json:"name"`
		} `json:"source"`
		Via *struct {
			Name string `json:"name"`
		} `json:"via"`
	}
}

// savedClaims reads every claim and its evidence through the API.
func savedClaims(t *testing.T, a *app) []savedClaim {
	t.Helper()
	c := a.httpClient(t, "")
	status, body := fetch(t, c, a.base+"/api/v1/claims?per_page=100")
	require.Equal(t, http.StatusOK, status, body)
	var list struct{ Data []savedClaim }
	require.NoError(t, json.Unmarshal([]byte(body), &list))
	for i := range list.Data {
		status, body := fetch(t, c, fmt.Sprintf("%s/api/v1/claims/%d/evidence", a.base, list.Data[i].ID))
		require.Equal(t, http.StatusOK, status, body)
		var links struct {
			Data json.RawMessage
		}
		require.NoError(t, json.Unmarshal([]byte(body), &links))
		require.NoError(t, json.Unmarshal(links.Data, &list.Data[i].Links), body)
	}
	return list.Data
}

// A report of our own, pasted into an empty tracker: the editor unticks a
// suggestion that is not wanted and saves; the claims, their sources and
// stances, and the history are there.
func TestJourney_Intake(t *testing.T) {
	const report = "The Carrow river bridge will close for repairs on 3 June, the county roads office announced on Monday.\n\n" +
		"The mayor, Elsa Brandt, said the work would take eleven weeks. Local traders disputed that, saying the last repair took five months.\n\n" +
		"It is the second closure in three years."
	eachWayEmpty(t, "intake", func(t *testing.T, b *browser) {
		b.signIn(editorName)
		b.pasteReport("Carrow bridge to close", "Valley Post", "2026-05-18", report)
		require.Equal(t, 1, b.count(`[data-testid="intake-review"]`), "the review page: %s", b.text("main"))
		rows := b.count(`[data-testid="intake-row"]`)
		require.GreaterOrEqual(t, rows, 3, b.text("main"))
		assert.Equal(t, rows, b.count(`[data-testid="suggested-sentence"]`))
		// The last suggestion (the reporter's own aside) is left out.
		b.click(fmt.Sprintf(`#row-%d input[data-testid="row-use"]`, rows-1))
		b.follow(`[data-testid="intake-save"]`)
		assert.Regexp(t, `^/reports/\d+$`, b.location())
		assert.Contains(t, b.text(`[data-testid="flash"]`), "Report saved")

		claims := savedClaims(t, b.app)
		require.Len(t, claims, rows-1)
		var closure *savedClaim
		for i := range claims {
			if strings.Contains(claims[i].Text, "bridge will close") {
				closure = &claims[i]
			}
		}
		require.NotNil(t, closure, "%+v", claims)
		assert.Equal(t, "forecast", closure.Kind)
		assert.Equal(t, "2026-06-03", closure.DueDate)
		require.NotEmpty(t, closure.Links)
		assert.Equal(t, "asserts", closure.Links[0].Stance)
		assert.Contains(t, strings.ToLower(closure.Links[0].Source.Name), "roads office")

		b.open(fmt.Sprintf("/claims/%d", closure.ID))
		assert.Contains(t, b.text(`[data-testid="timeline"]`), editorName)
		assert.Contains(t, b.text(`[data-testid="evidence"]`), "Asserts")
	})
}

// Acceptance: in an empty tracker, an editor pastes the seed report, reviews
// the suggestions and saves; the claims then match the seed's claims, with
// the right sources, stances and via, each in the history. The report and
// its annotation are read from ../shared when they are there (they are not
// copied into the repository).
func TestJourney_IntakeSeedReport(t *testing.T) {
	shared := filepath.Join(repoRoot, "..", "shared")
	reportFile := filepath.Join(shared, "seed", "victory-day-report.txt")
	goldFile := filepath.Join(shared, "intake", "dev", "00-victory-day.json")
	raw, err := os.ReadFile(reportFile)
	gold, gerr := os.ReadFile(goldFile)
	if err != nil || gerr != nil {
		t.Skipf("the seed report and its annotation are not beside the repository (%s, %s): nothing to paste", reportFile, goldFile)
	}
	var want struct {
		PublishedAt string `json:"published_at"`
		Outlet      string `json:"outlet"`
		Claims      []struct {
			Sentence     string
			Text         string
			Kind         string
			DueDate      string `json:"due_date"`
			Attributions []struct{ Source, Stance, Via string }
		}
		Sources []struct {
			Name    string
			Aliases []string
		}
	}
	require.NoError(t, json.Unmarshal(gold, &want))
	title, body, _ := strings.Cut(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n")
	names := map[string][]string{} // a canonical name and the other forms that resolve to it
	for _, s := range want.Sources {
		names[s.Name] = append([]string{s.Name}, s.Aliases...)
	}
	resolves := func(got, canonical string) bool {
		for _, n := range append(names[canonical], canonical) {
			if strings.EqualFold(strings.TrimSpace(got), n) {
				return true
			}
		}
		return false
	}

	eachWayEmpty(t, "intake-seed", func(t *testing.T, b *browser) {
		b.signIn(editorName)
		b.pasteReport(title, want.Outlet, want.PublishedAt, body)
		require.Equal(t, 1, b.count(`[data-testid="intake-review"]`), "the review page: %s", b.text("main"))
		b.screenshot("intake-seed-review-" + map[bool]string{true: "js", false: "nojs"}[strings.HasSuffix(b.name, "(js)")])
		b.follow(`[data-testid="intake-save"]`)
		require.Regexp(t, `^/reports/\d+$`, b.location(), b.text("main"))

		claims := savedClaims(t, b.app)
		space := regexp.MustCompile(`\s+`)
		for _, g := range want.Claims {
			// The claim from the sentence (of those from the same
			// sentence, the one whose words are closest).
			var got *savedClaim
			best := -1.0
			for i := range claims {
				if strings.Contains(space.ReplaceAllString(claims[i].Context, " "), space.ReplaceAllString(g.Sentence, " ")) {
					if j := jaccard(claims[i].Text, g.Text); j > best {
						got, best = &claims[i], j
					}
				}
			}
			if !assert.NotNil(t, got, "a claim from %q", g.Sentence) {
				continue
			}
			assert.Equal(t, g.Kind, got.Kind, got.Text)
			assert.Equal(t, g.DueDate, got.DueDate, got.Text)
			for _, ga := range g.Attributions {
				found := false
				for _, l := range got.Links {
					via := ""
					if l.Via != nil {
						via = l.Via.Name
					}
					if resolves(l.Source.Name, ga.Source) && l.Stance == ga.Stance && (ga.Via == "" && via == "" || resolves(via, ga.Via)) {
						found = true
					}
				}
				assert.True(t, found, "%s %s (via %q) on %q: %+v", ga.Source, ga.Stance, ga.Via, got.Text, got.Links)
			}
			b.open(fmt.Sprintf("/claims/%d", got.ID))
			assert.Contains(t, b.text(`[data-testid="timeline"]`), editorName, "its history names the editor")
		}
	})
}

// jaccard is the share of words two texts have in common.
func jaccard(a, b string) float64 {
	words := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
		}) {
			m[w] = true
		}
		return m
	}
	x, y := words(a), words(b)
	both := 0
	for w := range x {
		if y[w] {
			both++
		}
	}
	if len(x)+len(y)-both == 0 {
		return 0
	}
	return float64(both) / float64(len(x)+len(y)-both)
}
