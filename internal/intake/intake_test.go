package intake_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claimtrack/claimtrack/internal/intake"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// suggestFile reads one of the test reports (written for these tests:
// invented places, people and outlets) and suggests its claims.
func suggestFile(t *testing.T, name string, known intake.Known) intake.Result {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	head, body := intake.ParseHeader(string(raw))
	pub, err := time.Parse(intake.DateLayout, head.Published)
	require.NoError(t, err)
	res, err := intake.Suggest(context.Background(), intake.Input{Text: body, Published: pub, Outlet: head.Outlet, Title: head.Title}, known)
	require.NoError(t, err)
	for _, c := range res.Claims {
		require.Equal(t, c.Sentence, body[c.Start:c.End], "the offsets of %q", c.Sentence)
	}
	return res
}

// claimOn returns the claim whose sentence starts with prefix and whose
// text holds want, failing when there is none.
func claimOn(t *testing.T, res intake.Result, prefix, want string) intake.Claim {
	t.Helper()
	for _, c := range res.Claims {
		if strings.HasPrefix(c.Sentence, prefix) && strings.Contains(c.Text, want) {
			return c
		}
	}
	var got []string
	for _, c := range res.Claims {
		got = append(got, c.Sentence+" => "+c.Text)
	}
	t.Fatalf("no claim on %q with %q among:\n%s", prefix, want, strings.Join(got, "\n"))
	return intake.Claim{}
}

type attr struct{ source, stance, via string }

func attrsOf(c intake.Claim) []attr {
	var out []attr
	for _, a := range c.Attributions {
		out = append(out, attr{a.Source, a.Stance, a.Via})
	}
	return out
}

func noClaimOn(t *testing.T, res intake.Result, prefix string) {
	t.Helper()
	for _, c := range res.Claims {
		assert.False(t, strings.HasPrefix(c.Sentence, prefix), "a claim on %q: %q", prefix, c.Text)
	}
}

func TestSuggest_MaternityWard(t *testing.T) {
	res := suggestFile(t, "maternity-ward.txt", intake.Known{})

	c := claimOn(t, res, "St Brannoc's Hospital will shut", "maternity ward")
	assert.Equal(t, "forecast", c.Kind)
	assert.Equal(t, "2026-06-01", c.DueDate)
	assert.Equal(t, []attr{{"Tressilian Health Trust", "asserts", ""}}, attrsOf(c))
	assert.NotContains(t, c.Text, "said")
	assert.Contains(t, c.Cues, intake.Cue{For: "attribution", Text: "said"})
	assert.Contains(t, c.Cues, intake.Cue{For: "kind", Text: "will"})
	assert.Contains(t, c.Cues, intake.Cue{For: "due_date", Text: "1 June"})

	// A source's role before its name; her account disputed by a union.
	c = claimOn(t, res, "The trust's medical director", "shortage of midwives")
	assert.Equal(t, "statement", c.Kind)
	assert.Equal(t, []attr{{"Wen Okafor", "asserts", ""}, {"Royal College of Midwives", "disputes", ""}}, attrsOf(c))

	// A direct quote, then "she said".
	c = claimOn(t, res, `"We have lost eleven midwives`, "eleven midwives")
	assert.Equal(t, []attr{{"Wen Okafor", "asserts", ""}}, attrsOf(c))
	assert.Contains(t, c.Cues, intake.Cue{For: "attribution", Text: "quotation marks"})

	// A document seen by the report's own outlet: the outlet, via the document.
	c = claimOn(t, res, "Expectant mothers will be sent", "Penmorrow General")
	assert.Equal(t, []attr{{"The Seaward Echo", "asserts", "A letter"}}, attrsOf(c))
	assert.NotContains(t, c.Text, "according to")

	// The dispute's own alternative is a claim of its own.
	c = claimOn(t, res, "The Royal College of Midwives disputed", "four posts")
	assert.Equal(t, []attr{{"Royal College of Midwives", "asserts", ""}}, attrsOf(c))

	// An evaluation: a quote claim naming the speaker.
	c = claimOn(t, res, "Its regional officer", "betrayal")
	assert.Equal(t, "quote", c.Kind)
	assert.True(t, strings.HasPrefix(c.Text, "Rhodri Liddell"), c.Text)
	assert.Equal(t, []attr{{"Rhodri Liddell", "asserts", ""}}, attrsOf(c))

	// Told to another outlet: that outlet reports it.
	c = claimOn(t, res, "Health minister Aled Price", "review the decision")
	assert.Equal(t, "2026-05-14", c.DueDate)
	assert.Equal(t, []attr{{"Aled Price", "asserts", ""}, {"Radio Kernow", "reports", ""}}, attrsOf(c))
	assert.Contains(t, c.Text, "will review")

	// The reporter's own statement: the outlet.
	c = claimOn(t, res, "The ward delivered", "1,240")
	assert.Equal(t, []attr{{"The Seaward Echo", "asserts", ""}}, attrsOf(c))

	// Captions, subheadings and "declined to say" are no claims.
	noClaimOn(t, res, "Photo:")
	noClaimOn(t, res, "Midwives push back")
	noClaimOn(t, res, "A trust spokesman declined")
	assert.Len(t, res.Claims, 8)
}

func TestSuggest_DroneLawsuit(t *testing.T) {
	res := suggestFile(t, "drone-lawsuit.txt", intake.Known{})

	c := claimOn(t, res, "Skyloft Robotics failed", "300 survey drones")
	assert.Equal(t, "statement", c.Kind)
	assert.Equal(t, []attr{{"Court filings", "asserts", ""}}, attrsOf(c))

	// "its lawyers": the organisation the sentence is about.
	c = claimOn(t, res, "The port authority is seeking", "2.4 million")
	assert.Equal(t, []attr{{"Orla Port Authority", "asserts", ""}}, attrsOf(c))

	// A short name for a body named in full before.
	c = claimOn(t, res, "Skyloft, which is based", "cancelled")
	assert.Equal(t, []attr{{"Skyloft Robotics", "asserts", ""}}, attrsOf(c))

	// A quote followed by "said" and the speaker.
	c = claimOn(t, res, `"We delivered every drone`, "every drone")
	assert.Equal(t, []attr{{"Lena Voss", "asserts", ""}}, attrsOf(c))

	c = claimOn(t, res, "A hearing is scheduled", "hearing")
	assert.Equal(t, "forecast", c.Kind)
	assert.Equal(t, "2027-01-19", c.DueDate)

	// One unnamed person on record: the outlet, via them.
	c = claimOn(t, res, "The court will rule", "rule on the case")
	assert.Equal(t, "2027-01-31", c.DueDate)
	assert.Equal(t, []attr{{"Northern Ledger", "asserts", "Unnamed court clerk cited by Northern Ledger"}}, attrsOf(c))

	// Two claims in one sentence, the second with a source of its own.
	c = claimOn(t, res, "The company is expected to report", "third quarter")
	assert.Equal(t, "2027-09-30", c.DueDate)
	c = claimOn(t, res, "The company is expected to report", "15 percent")
	assert.Equal(t, "2027-06-30", c.DueDate)

	// "reportedly" with no source named anywhere: the outlet reports it.
	c = claimOn(t, res, "The port reportedly plans", "rival supplier")
	assert.Equal(t, []attr{{"Northern Ledger", "reports", ""}}, attrsOf(c))
}

func TestSuggest_Steelworks(t *testing.T) {
	res := suggestFile(t, "steelworks.txt", intake.Known{})

	c := claimOn(t, res, "Dunhelm Steel will cut", "800 jobs")
	assert.Equal(t, "2027-12-31", c.DueDate)
	assert.Equal(t, []attr{{"Dunhelm Steel", "asserts", ""}}, attrsOf(c))

	// "said X, the plant's general manager"; a range takes its end.
	c = claimOn(t, res, "The cuts will be made", "between January and April")
	assert.Equal(t, "2027-04-30", c.DueDate)
	assert.Equal(t, []attr{{"Tomasz Wren", "asserts", ""}}, attrsOf(c))

	// "He" is the last person who spoke.
	c = claimOn(t, res, "He said the company", "three major contracts")
	assert.Equal(t, []attr{{"Tomasz Wren", "asserts", ""}}, attrsOf(c))

	c = claimOn(t, res, "In a statement, the Steelworkers", "ballot")
	assert.Equal(t, "2026-10-21", c.DueDate)

	// A conditional threat is a forecast.
	c = claimOn(t, res, `"We will strike`, "strike")
	assert.Equal(t, "forecast", c.Kind)
	assert.Equal(t, []attr{{"Amira Bello", "asserts", ""}}, attrsOf(c))

	c = claimOn(t, res, "Figures released by", "7.2 percent")
	assert.Equal(t, []attr{{"Regional Employment Office", "asserts", ""}}, attrsOf(c))

	// Officials who told the report's outlet; then a denial.
	c = claimOn(t, res, "Officials told the Courier", "support package")
	assert.Equal(t, []attr{{"Dale Courier", "asserts", "Unnamed officials cited by Dale Courier"}, {"Economy ministry", "disputes", ""}}, attrsOf(c))

	c = claimOn(t, res, "Dunhelm's chief financial officer", "return to profit")
	assert.Equal(t, "forecast", c.Kind)
	assert.Equal(t, "2027-12-31", c.DueDate)

	noClaimOn(t, res, "Mr Wren did not respond")
	noClaimOn(t, res, "Local shops fear")
	noClaimOn(t, res, "The economy ministry denied")
}

func TestSuggest_FerryFares(t *testing.T) {
	res := suggestFile(t, "ferry-fares.txt", intake.Known{})

	// A related link whose text is an attributed claim.
	c := claimOn(t, res, "Tarrin ferry cancelled", "40 sailings")
	assert.Equal(t, []attr{{"Island Radio", "asserts", ""}}, attrsOf(c))

	c = claimOn(t, res, "According to the island council's transport plan", "second vessel")
	assert.Equal(t, "2028-12-31", c.DueDate)
	assert.NotContains(t, strings.ToLower(c.Text), "according to")

	c = claimOn(t, res, "Saltwind's managing director", "a fifth")
	assert.Equal(t, []attr{{"Ivor Quinn", "asserts", ""}, {"Island Radio", "reports", ""}, {"Island council", "disputes", ""}}, attrsOf(c))

	c = claimOn(t, res, "Two crew members", "safety inspection")
	assert.Equal(t, []attr{{"Skerry Times", "asserts", "Unnamed crew members cited by Skerry Times"}, {"Saltwind Lines", "disputes", ""}}, attrsOf(c))

	c = claimOn(t, res, "A consultant's report, seen by", "2 million pounds")
	assert.Equal(t, []attr{{"Skerry Times", "asserts", "A consultant's report"}}, attrsOf(c))

	// A surname alone is the person named in full before.
	c = claimOn(t, res, "The ferry will stop calling", "Port Ennis")
	assert.Equal(t, "2026-03-09", c.DueDate)
	assert.Equal(t, []attr{{"Ivor Quinn", "asserts", ""}}, attrsOf(c))

	var kinds = map[string]string{}
	for _, s := range res.Sources {
		kinds[s.Name] = s.Kind
	}
	assert.Equal(t, map[string]string{"Skerry Times": "outlet", "Saltwind Lines": "organisation", "Island Radio": "outlet",
		"Island council": "organisation", "Morag Finlay": "person", "Ivor Quinn": "person",
		"Unnamed crew members cited by Skerry Times": "anonymous", "A consultant's report": "document"}, kinds)
}

// TestDueDates resolves each wording of the guideline's table against a
// publication date, Wednesday 2026-04-15.
func TestDueDates(t *testing.T) {
	pub := time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ when, due string }{
		{"on 9 May", "2026-05-09"},
		{"on May 9", "2026-05-09"},
		{"on 2 March", "2027-03-02"}, // the first one on or after publication
		{"on Friday", "2026-04-17"},
		{"next Tuesday", "2026-04-21"},
		{"on Wednesday", "2026-04-22"}, // after the publication date
		{"tomorrow", "2026-04-16"},
		{"within 48 hours", "2026-04-17"},
		{"within two weeks", "2026-04-29"},
		{"in ten days", "2026-04-25"},
		{"later this month", "2026-04-30"},
		{"next month", "2026-05-31"},
		{"in March", "2027-03-31"},
		{"by the end of March", "2027-03-31"},
		{"by the end of June", "2026-06-30"},
		{"in September 2027", "2027-09-30"},
		{"in the third quarter", "2026-09-30"},
		{"in the first quarter", "2027-03-31"},
		{"by mid-2030", "2030-06-30"},
		{"this year", "2026-12-31"},
		{"by the end of the year", "2026-12-31"},
		{"next year", "2027-12-31"},
		{"in 2030", "2030-12-31"},
		{"by 2032", "2032-12-31"},
		{"between May and July", "2026-07-31"},
		{"not before 2030", "2029-12-31"},
		{"soon", ""},
		{"within days", ""},
		{"eventually", ""},
		{"in the spring", ""},
	} {
		t.Run(tc.when, func(t *testing.T) {
			text := "The Lowbridge ferry terminal will reopen " + tc.when + ", the pier trust said."
			res, err := intake.Suggest(context.Background(), intake.Input{Text: text, Published: pub, Outlet: "Quayside News"}, intake.Known{})
			require.NoError(t, err)
			require.Len(t, res.Claims, 1)
			assert.Equal(t, "forecast", res.Claims[0].Kind)
			assert.Equal(t, tc.due, res.Claims[0].DueDate)
			assert.Equal(t, "The Lowbridge ferry terminal will reopen "+tc.when+".", res.Claims[0].Text)
		})
	}
}

// TestDueDates_Inherited: a forecast with no time of its own about a thing
// dated before takes that date.
func TestDueDates_Inherited(t *testing.T) {
	text := "Marlow Foods plans to open a bottling plant in Kessock by the end of 2028, its founder said.\n\n" +
		"The plant will employ 250 people, she said.\n\n" +
		"The regional water board will publish its drought figures later, a board spokesman said."
	res, err := intake.Suggest(context.Background(), intake.Input{Text: text, Published: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), Outlet: "Firth Herald"}, intake.Known{})
	require.NoError(t, err)
	require.Len(t, res.Claims, 3)
	assert.Equal(t, "2028-12-31", res.Claims[0].DueDate)
	assert.Equal(t, "2028-12-31", res.Claims[1].DueDate)
	assert.Equal(t, "", res.Claims[2].DueDate)
}

func TestSuggest_Statement(t *testing.T) {
	res, err := intake.Suggest(context.Background(), intake.Input{
		Text:      "The orchard was planted in 1911, the Ashcombe Heritage Society said.",
		Published: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), Outlet: "Firth Herald"}, intake.Known{})
	require.NoError(t, err)
	require.Len(t, res.Claims, 1)
	assert.Equal(t, "statement", res.Claims[0].Kind)
	assert.Equal(t, "", res.Claims[0].DueDate)
	assert.Equal(t, "The orchard was planted in 1911.", res.Claims[0].Text)
}

// TestSuggest_Known links sources to the tracker's by name or alias and
// proposes the others with a kind.
func TestSuggest_Known(t *testing.T) {
	known := intake.Known{Sources: []intake.KnownSource{
		{ID: 7, Name: "Tressilian Health Trust", Kind: "organisation"},
		{ID: 9, Name: "Dr W. Okafor", Kind: "person", Aliases: []string{"Wen Okafor"}},
	}, Claims: fakeSimilar{}}
	res := suggestFile(t, "maternity-ward.txt", known)
	c := claimOn(t, res, "St Brannoc's Hospital will shut", "maternity ward")
	require.Len(t, c.Attributions, 1)
	assert.Equal(t, int64(7), c.Attributions[0].SourceID)
	assert.Nil(t, c.Attributions[0].NewSource)
	assert.Equal(t, []intake.Match{{ClaimID: 42, Text: "A ward will shut.", Score: 0.9}}, c.Duplicates)

	c = claimOn(t, res, "The trust's medical director", "shortage of midwives")
	assert.Equal(t, int64(9), c.Attributions[0].SourceID)
	assert.Equal(t, "Dr W. Okafor", c.Attributions[0].Source)

	c = claimOn(t, res, "Health minister Aled Price", "review the decision")
	assert.Equal(t, &intake.NewSource{Name: "Aled Price", Kind: "person"}, c.Attributions[0].NewSource)
	assert.Equal(t, &intake.NewSource{Name: "Radio Kernow", Kind: "outlet"}, c.Attributions[1].NewSource)
	assert.Empty(t, c.Duplicates)

	c = claimOn(t, res, "Expectant mothers", "Penmorrow")
	assert.Equal(t, &intake.NewSource{Name: "A letter", Kind: "document"}, c.Attributions[0].ViaNewSource)
}

type fakeSimilar struct{}

func (fakeSimilar) SimilarClaims(_ context.Context, text string, limit int) ([]intake.Match, error) {
	if strings.Contains(text, "maternity ward") {
		return []intake.Match{{ClaimID: 42, Text: "A ward will shut.", Score: 0.9}}, nil
	}
	return nil, nil
}

type failingSimilar struct{}

func (failingSimilar) SimilarClaims(context.Context, string, int) ([]intake.Match, error) {
	return nil, errors.New("index gone")
}

func TestSuggest_SimilarFails(t *testing.T) {
	_, err := intake.Suggest(context.Background(), intake.Input{Text: "The Kessock bridge will close on Friday, the council said."}, intake.Known{Claims: failingSimilar{}})
	require.ErrorContains(t, err, "index gone")
}

// TestSuggest_Deterministic: the same input gives the same result.
func TestSuggest_Deterministic(t *testing.T) {
	a := suggestFile(t, "steelworks.txt", intake.Known{})
	for range 3 {
		assert.Equal(t, a, suggestFile(t, "steelworks.txt", intake.Known{}))
	}
}

func TestSuggest_BadInput(t *testing.T) {
	for name, tc := range map[string]struct {
		text string
		err  error
	}{
		"empty":        {"", intake.ErrEmpty},
		"blank":        {" \n\t\n", intake.ErrEmpty},
		"too large":    {strings.Repeat("The dam will open. ", intake.MaxText/19+1), intake.ErrTooLarge},
		"NUL byte":     {"The dam will open.\x00", intake.ErrBinary},
		"invalid UTF8": {"The dam \xff\xfe will open.", intake.ErrBinary},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := intake.Suggest(context.Background(), intake.Input{Text: tc.text}, intake.Known{})
			assert.ErrorIs(t, err, tc.err)
		})
	}
	// At the bound it is fine.
	text := strings.Repeat("x", intake.MaxText)
	_, err := intake.Suggest(context.Background(), intake.Input{Text: text}, intake.Known{})
	assert.NoError(t, err)
}

func TestParseHeader(t *testing.T) {
	h, body := intake.ParseHeader("A title\nOutlet: The Quay\nPublished: 2026-01-02\n\nBody line.\n")
	assert.Equal(t, intake.Header{Title: "A title", Outlet: "The Quay", Published: "2026-01-02"}, h)
	assert.Equal(t, "Body line.\n", body)

	h, body = intake.ParseHeader("Just a report. It has no header.\nSecond line.")
	assert.Equal(t, intake.Header{}, h)
	assert.Equal(t, "Just a report. It has no header.\nSecond line.", body)
}

// TestSuggest_NoOutlet: without an outlet, the reporter's statements are
// still claims, with no source.
func TestSuggest_NoOutlet(t *testing.T) {
	res, err := intake.Suggest(context.Background(), intake.Input{Text: "The Kessock bridge carried 9,000 cars a day in 2025."}, intake.Known{})
	require.NoError(t, err)
	require.Len(t, res.Claims, 1)
	assert.Empty(t, res.Claims[0].Attributions)
	assert.NotNil(t, res.Sources)
}

func TestSuggest_OldTownCars(t *testing.T) {
	res := suggestFile(t, "old-town-cars.txt", intake.Known{})

	// "told X:" and a quote.
	c := claimOn(t, res, "Its chairman, Piet Olsen", "Half of our members")
	assert.Equal(t, "Half of our members will not survive another year like this.", c.Text)
	assert.Equal(t, []attr{{"Piet Olsen", "asserts", ""}}, attrsOf(c))

	// "rejected the figure": the latest claim with a figure.
	c = claimOn(t, res, "The Old Town Traders' Association wrote", "12 percent")
	assert.Equal(t, []attr{{"Old Town Traders' Association", "asserts", ""}, {"The council's deputy leader", "disputes", ""}}, attrsOf(c))
	noClaimOn(t, res, "The council's deputy leader rejected")

	// Data from a body is the body's.
	c = claimOn(t, res, "According to data from", "14,000")
	assert.Equal(t, []attr{{"Regional statistics office", "asserts", ""}}, attrsOf(c))

	// Agentless wording goes to the agent the sentence names.
	c = claimOn(t, res, "It was announced in the council's weekly newsletter", "park-and-ride")
	assert.Equal(t, "A new park-and-ride service will open next spring.", c.Text)
	assert.Equal(t, "", c.DueDate) // a season the report does not date
	assert.Equal(t, []attr{{"Council", "asserts", ""}}, attrsOf(c))

	// A confirmation of what no earlier claim says is a claim of its own.
	c = claimOn(t, res, "Buses will be free", "Saturdays")
	assert.Equal(t, "2026-12-31", c.DueDate)
	assert.Equal(t, []attr{{"Council", "asserts", ""}}, attrsOf(c))

	// Feelings said to be had are no claims.
	noClaimOn(t, res, "Shopkeepers are said to be worried")
}

func TestSuggest_PortStrike(t *testing.T) {
	res := suggestFile(t, "port-strike.txt", intake.Known{})

	// A joint statement: each side asserts.
	c := claimOn(t, res, "Dockworkers at Orvik", "return to work")
	assert.Equal(t, "2026-09-21", c.DueDate)
	assert.Equal(t, []attr{{"Nordkyst Port Company", "asserts", ""}, {"Harbour Workers' Federation", "asserts", ""}}, attrsOf(c))

	// "was quoted by Y as saying": the speaker, and Y reports.
	c = claimOn(t, res, "The company's chief executive, Arne Vik", "6 percent")
	assert.Equal(t, "2027-12-31", c.DueDate)
	assert.Equal(t, []attr{{"Arne Vik", "asserts", ""}, {"Kapital", "reports", ""}}, attrsOf(c))

	// A hedge does not stop a claim; a date ahead makes it a forecast.
	c = claimOn(t, res, "A source close to the negotiations", "final deal")
	assert.Equal(t, "forecast", c.Kind)
	assert.Equal(t, "2026-09-27", c.DueDate)
	assert.Equal(t, []attr{{"Nordkyst Daily", "asserts", "Unnamed source cited by Nordkyst Daily"}}, attrsOf(c))

	noClaimOn(t, res, "Update:")
	noClaimOn(t, res, "Photo:")
}

func TestSuggest_LeisureCentre(t *testing.T) {
	res := suggestFile(t, "leisure-centre.txt", intake.Known{})

	// A pledge is the body's own forecast.
	c := claimOn(t, res, "Tarnby Borough Council pledged", "swimming pool")
	assert.Equal(t, "Tarnby Borough Council will open a new swimming pool by the end of 2028.", c.Text)
	assert.Equal(t, "2028-12-31", c.DueDate)
	assert.Equal(t, []attr{{"Tarnby Borough Council", "asserts", ""}}, attrsOf(c))

	// "according to X" in the middle of the sentence.
	c = claimOn(t, res, "The old leisure centre, according to", "£400,000")
	assert.Equal(t, "The old leisure centre loses £400,000 a year.", c.Text)
	assert.Equal(t, []attr{{"Tarnby Borough Council", "asserts", ""}}, attrsOf(c))

	// Quotations in single quotes, over two sentences.
	c = claimOn(t, res, "‘We cannot keep pouring", "pouring money")
	assert.Equal(t, []attr{{"Edwin Marlowe", "asserts", ""}}, attrsOf(c))
	c = claimOn(t, res, "‘The new pool will be cheaper", "cheaper to run")
	assert.Equal(t, []attr{{"Edwin Marlowe", "asserts", ""}}, attrsOf(c))

	// ", adding that …": a second claim of the same speaker.
	claimOn(t, res, "Marlowe and his deputy", "housing association")
	claimOn(t, res, "Marlowe and his deputy", "£3m")

	c = claimOn(t, res, "The centre's users' group called", "disgrace")
	assert.Equal(t, "quote", c.Kind)

	// A description in apposition says what a name is; a wire agency reports.
	c = claimOn(t, res, "Swim Tarnby, a local club", "300 members")
	assert.Equal(t, "Swim Tarnby's 300 members will have to travel to Holm for training.", c.Text)
	assert.Equal(t, []attr{{"Swim Tarnby", "asserts", ""}, {"AFP", "reports", ""}}, attrsOf(c))
	kinds := map[string]string{}
	for _, s := range res.Sources {
		kinds[s.Name] = s.Kind
	}
	assert.Equal(t, "organisation", kinds["Swim Tarnby"])
	assert.Equal(t, "agency", kinds["AFP"])
	assert.Equal(t, "person", kinds["Edwin Marlowe"])
}

func TestSuggest_ClubFunds(t *testing.T) {
	res := suggestFile(t, "club-funds.txt", intake.Known{})

	// An allegation by unnamed prosecutors, denied in the next sentence:
	// the denied proposition is the allegation.
	c := claimOn(t, res, "A former treasurer", "£84,000")
	assert.Equal(t, []attr{{"Brookfield Advertiser", "asserts", "Unnamed prosecutors cited by Brookfield Advertiser"}, {"Martin Pell", "disputes", ""}}, attrsOf(c))
	noClaimOn(t, res, "Martin Pell, 58, denied")

	// "told the court" with no "that".
	c = claimOn(t, res, "Mr Pell's lawyer, Nadia Kerr", "repaid")
	assert.Equal(t, []attr{{"Nadia Kerr", "asserts", ""}}, attrsOf(c))

	// A statement from a body's unnamed officer is the body's.
	c = claimOn(t, res, "A statement from the club's chairman", "training ground")
	assert.Equal(t, []attr{{"Club", "asserts", ""}}, attrsOf(c))

	// Feelings are no claims.
	noClaimOn(t, res, "The club's supporters' trust said")

	for _, s := range res.Sources {
		assert.NotContains(t, s.Aliases, "58", "an age is no alias")
		if s.Name == "Nadia Kerr" {
			assert.Equal(t, []string{"Mr Pell's lawyer"}, s.Aliases)
		}
	}
}

// TestSuggest_RoleAtABody: a person described by a role at a body stays a
// person, and "he" after is that person.
func TestSuggest_RoleAtABody(t *testing.T) {
	text := "Kai Lund, treasurer of the Ashdown Cricket Club, said the pavilion would close in May.\n\n" +
		"\"Members will have to change at the school until the autumn,\" he said."
	res, err := intake.Suggest(context.Background(), intake.Input{Text: text, Published: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), Outlet: "Firth Herald"}, intake.Known{})
	require.NoError(t, err)
	require.Len(t, res.Claims, 2)
	assert.Equal(t, []attr{{"Kai Lund", "asserts", ""}}, attrsOf(res.Claims[0]))
	assert.Equal(t, "2026-05-31", res.Claims[0].DueDate)
	assert.Equal(t, []attr{{"Kai Lund", "asserts", ""}}, attrsOf(res.Claims[1]))
	assert.Equal(t, "person", res.Sources[len(res.Sources)-1].Kind)
}

// BenchmarkSuggest_200KB reads a report of the largest size intake takes,
// made of the test reports one after another: `go test -bench Suggest
// -benchtime 5x ./internal/intake`.
func BenchmarkSuggest_200KB(b *testing.B) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(files) == 0 {
		b.Fatal("no test reports", err)
	}
	var text strings.Builder
	for text.Len() < intake.MaxText-4<<10 {
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			_, body := intake.ParseHeader(string(raw))
			if text.Len()+len(body)+2 > intake.MaxText {
				break
			}
			text.WriteString(body + "\n\n")
		}
	}
	in := intake.Input{Text: text.String(), Published: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)}
	b.ReportMetric(float64(len(in.Text))/1024, "KB")
	for b.Loop() {
		res, err := intake.Suggest(context.Background(), in, intake.Known{})
		if err != nil || len(res.Claims) == 0 {
			b.Fatal(err, len(res.Claims))
		}
	}
}
