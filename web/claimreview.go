package web

import (
	"cmp"
	"slices"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// The schema.org ClaimReview a claim page with a verdict embeds as JSON-LD,
// for search engines and fact-check aggregators. docs/api.md documents the
// mapping; encoding/json escapes <, > and & in every string, so no value can
// close the script element it is written into.

// ClaimReview is a schema.org ClaimReview.
type ClaimReview struct {
	Context       string      `json:"@context"`
	Type          string      `json:"@type"`
	URL           string      `json:"url"`
	ClaimReviewed string      `json:"claimReviewed"`
	DatePublished string      `json:"datePublished"`
	DateModified  string      `json:"dateModified"`
	Author        LDAgent     `json:"author"`
	ReviewRating  LDRating    `json:"reviewRating"`
	ItemReviewed  LDClaimItem `json:"itemReviewed"`
}

// LDAgent is a schema.org Person or Organization.
type LDAgent struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// LDRating is the verdict as a schema.org Rating.
type LDRating struct {
	Type              string `json:"@type"`
	RatingValue       int    `json:"ratingValue"`
	BestRating        int    `json:"bestRating"`
	WorstRating       int    `json:"worstRating"`
	AlternateName     string `json:"alternateName"`
	RatingExplanation string `json:"ratingExplanation,omitempty"`
}

// LDClaimItem is the claim reviewed, a schema.org Claim.
type LDClaimItem struct {
	Type            string   `json:"@type"`
	Author          *LDAgent `json:"author,omitempty"`
	DatePublished   string   `json:"datePublished,omitempty"`
	Appearance      []LDWork `json:"appearance,omitempty"`
	FirstAppearance *LDWork  `json:"firstAppearance,omitempty"`
}

// LDWork is a place the claim appeared, a schema.org CreativeWork.
type LDWork struct {
	Type          string   `json:"@type"`
	URL           string   `json:"url"`
	DatePublished string   `json:"datePublished,omitempty"`
	Author        *LDAgent `json:"author,omitempty"`
}

// Rating values on the documented 1–5 scale: only verdicts have one.
var reviewRatings = map[claimtrack.Status]int{
	claimtrack.StatusRefuted:    1,
	claimtrack.StatusPartlyTrue: 3,
	claimtrack.StatusConfirmed:  5,
}

// claimReview builds the ClaimReview of a claim, or returns nil when the claim
// has no verdict. firstVerdict is when it first got one.
func (s *Server) claimReview(c echo.Context, claim *claimtrack.Claim, evidence []*claimtrack.Evidence, firstVerdict time.Time) *ClaimReview {
	rating, ok := reviewRatings[claim.Status]
	if !ok {
		return nil
	}
	base := s.baseURL(c)
	org := s.Config().OrgName
	if org == "" {
		org = "Claimtrack"
	}
	r := &ClaimReview{
		Context:       "https://schema.org",
		Type:          "ClaimReview",
		URL:           base + views.ClaimURL(claim.ID),
		ClaimReviewed: claim.Text,
		DatePublished: firstVerdict.UTC().Format(time.RFC3339),
		DateModified:  claim.UpdatedAt.UTC().Format(time.RFC3339),
		Author:        LDAgent{Type: "Organization", Name: org, URL: base + "/"},
		ReviewRating: LDRating{Type: "Rating", RatingValue: rating, BestRating: 5, WorstRating: 1,
			AlternateName: claim.Status.Label(), RatingExplanation: claim.VerdictNote},
		ItemReviewed: LDClaimItem{Type: "Claim"},
	}
	// The author is the first source asserting the claim, else the first linked.
	main := claimtrack.MainLink(evidence)
	if main != nil && main.Source != nil {
		r.ItemReviewed.Author = ldAgent(main.Source)
	}
	// Where the claim appeared: the addresses of the evidence that does not
	// dispute it, each once; the first is the earliest dated (undated last).
	seen := map[string]bool{}
	for _, e := range evidence {
		if e.URL == "" || e.Stance == claimtrack.StanceDisputes || seen[e.URL] {
			continue
		}
		seen[e.URL] = true
		w := LDWork{Type: "CreativeWork", URL: e.URL, DatePublished: e.PublishedAt}
		if e.Source != nil {
			w.Author = ldAgent(e.Source)
		}
		r.ItemReviewed.Appearance = append(r.ItemReviewed.Appearance, w)
	}
	if len(r.ItemReviewed.Appearance) > 0 {
		first := slices.MinFunc(r.ItemReviewed.Appearance, func(a, b LDWork) int {
			switch {
			case a.DatePublished == b.DatePublished:
				return 0
			case a.DatePublished == "":
				return 1
			case b.DatePublished == "":
				return -1
			}
			return cmp.Compare(a.DatePublished, b.DatePublished)
		})
		r.ItemReviewed.FirstAppearance = &first
		r.ItemReviewed.DatePublished = first.DatePublished
	}
	// Without an address, the asserting link's date still dates the claim.
	if r.ItemReviewed.DatePublished == "" && main != nil {
		r.ItemReviewed.DatePublished = main.PublishedAt
	}
	return r
}

// ldAgent is a source as a schema.org Person (people, and unnamed sources,
// who are people too) or Organization (outlets, agencies, organisations,
// documents' publishers).
func ldAgent(src *claimtrack.Source) *LDAgent {
	a := &LDAgent{Type: "Organization", Name: src.Name, URL: src.URL}
	if src.Kind == claimtrack.SourcePerson || src.Kind == claimtrack.SourceAnonymous {
		a.Type = "Person"
	}
	return a
}
