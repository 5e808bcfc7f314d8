package intake_test

import (
	"testing"

	"github.com/claimtrack/claimtrack/internal/intake"
	"github.com/stretchr/testify/assert"
)

// The reports below are written in styles of attribution the other test
// reports use little: "per X", "a statement from X read", "told reporters",
// interviews, passive attributions, denials of reports, people named in a
// list and later by surname.

func sourceKind(res intake.Result, name string) string {
	for _, s := range res.Sources {
		if s.Name == name {
			return s.Kind
		}
	}
	return ""
}

func TestSuggest_IncineratorRuling(t *testing.T) {
	res := suggestFile(t, "incinerator-ruling.txt", intake.Known{})

	// A judge's ruling is the judge's.
	c := claimOn(t, res, "Judge Miriam Castellane ruled", "failed to assess")
	assert.Equal(t, []attr{{"Miriam Castellane", "asserts", ""}}, attrsOf(c))

	// A chief executive in apposition is a person; "she" is her.
	assert.Equal(t, "person", sourceKind(res, "Lorna Fiske"))
	c = claimOn(t, res, "She said 180 workers", "laid off")
	assert.Equal(t, []attr{{"Lorna Fiske", "asserts", ""}}, attrsOf(c))
	assert.Equal(t, "forecast", c.Kind)
	assert.Equal(t, "2026-05-14", c.DueDate)

	c = claimOn(t, res, "A statement from the Environment Regulation Office read", "fresh decision")
	assert.Equal(t, []attr{{"Environment Regulation Office", "asserts", ""}}, attrsOf(c))
	assert.Equal(t, "forecast", c.Kind)
	assert.Empty(t, c.DueDate)

	c = claimOn(t, res, "Per Calderbrook District Council's planning records", "250,000")
	assert.Equal(t, []attr{{"Calderbrook District Council", "asserts", ""}}, attrsOf(c))

	// The denial of a report in another outlet: the outlet's claim, disputed.
	c = claimOn(t, res, "Ardent denied a report", "sell the site")
	assert.ElementsMatch(t, []attr{{"Wexmoor Clarion", "asserts", ""}, {"Ardent Energy Recovery", "disputes", ""}}, attrsOf(c))
	assert.Equal(t, "outlet", sourceKind(res, "Wexmoor Clarion"))
	noClaimOn(t, res, "A company spokesperson called the report")
}

func TestSuggest_SurgeryWaits(t *testing.T) {
	res := suggestFile(t, "surgery-waits.txt", intake.Known{})

	// Named in a list with their roles, then by surname alone.
	c := claimOn(t, res, "Marchetti told the Post", "anaesthetist")
	assert.Equal(t, []attr{{"Greta Marchetti", "asserts", ""}}, attrsOf(c))
	assert.Equal(t, "person", sourceKind(res, "Greta Marchetti"))
	assert.Empty(t, sourceKind(res, "Marchetti"))
	c = claimOn(t, res, "Marchetti added", "findings")
	assert.Equal(t, "2025-11-20", c.DueDate)

	// An interview with a broadcaster: it reports the claim.
	c = claimOn(t, res, "In an interview with Radio Dunsmere", "postponed")
	assert.ElementsMatch(t, []attr{{"Joseph Brannigan", "asserts", ""}, {"Radio Dunsmere", "reports", ""}}, attrsOf(c))

	// "X's office said" is X.
	c = claimOn(t, res, "Health Minister Rosalind Achebe's office", "£12m")
	assert.Equal(t, []attr{{"Rosalind Achebe", "asserts", ""}}, attrsOf(c))
	assert.Equal(t, "2025-12-31", c.DueDate)

	c = claimOn(t, res, "Officials said", "recovery plan")
	assert.Equal(t, []attr{{"The Dunsmere Post", "asserts", "Unnamed officials cited by The Dunsmere Post"}}, attrsOf(c))

	// A quote running into the next paragraph: the second sentence is his.
	c = claimOn(t, res, "\"By the end of March", "shorter")
	assert.Equal(t, []attr{{"Caspar Wendt", "asserts", ""}}, attrsOf(c))
	assert.Equal(t, "2026-03-31", c.DueDate)
	noClaimOn(t, res, "Related:")
	noClaimOn(t, res, "Image:")
}

func TestSuggest_ClubDebt(t *testing.T) {
	res := suggestFile(t, "club-debt.txt", intake.Known{})

	// "…, its advisers, X, said on Wednesday": X, not the weekday.
	c := claimOn(t, res, "Ellingham Rovers will face", "winding-up")
	assert.Equal(t, []attr{{"Grantley Recovery Partners", "asserts", ""}}, attrsOf(c))
	assert.Equal(t, "2026-01-23", c.DueDate)

	// A passive attribution, then a denial naming the report.
	c = claimOn(t, res, "It was reported by the Midland Football Journal", "pulled out")
	assert.ElementsMatch(t, []attr{{"Midland Football Journal", "asserts", ""}, {"Carl Hemsworth", "disputes", ""}}, attrsOf(c))
	c = claimOn(t, res, "Hemsworth called the report false", "continuing")
	assert.Equal(t, []attr{{"Carl Hemsworth", "asserts", ""}}, attrsOf(c))
	assert.Equal(t, "person", sourceKind(res, "Carl Hemsworth"))
	noClaimOn(t, res, "\"We remain committed")

	c = claimOn(t, res, "A league spokesperson added", "licence")
	assert.Equal(t, []attr{{"Northern Counties League", "asserts", ""}}, attrsOf(c))
	assert.Equal(t, "2026-02-15", c.DueDate)
}

func TestSuggest_MayorElection(t *testing.T) {
	res := suggestFile(t, "mayor-election.txt", intake.Known{})

	c := claimOn(t, res, "Addo told reporters", "legal challenge")
	assert.Equal(t, []attr{{"Kwame Addo", "asserts", ""}}, attrsOf(c))
	assert.Equal(t, "2025-10-02", c.DueDate)

	// Called false and answered with a figure of its own.
	c = claimOn(t, res, "Addo's office said", "at least double")
	assert.ElementsMatch(t, []attr{{"Kwame Addo", "asserts", ""}, {"Beatrix Olufemi", "disputes", ""}}, attrsOf(c))
	c = claimOn(t, res, "Olufemi called the claim false", "2.1%")
	assert.Equal(t, []attr{{"Beatrix Olufemi", "asserts", ""}}, attrsOf(c))

	c = claimOn(t, res, "She added that a review", "housing budget")
	assert.Equal(t, []attr{{"Ines Vandermeer", "asserts", ""}}, attrsOf(c))
	noClaimOn(t, res, "\"Every vote must")
	noClaimOn(t, res, "The outgoing mayor")
}

func TestSuggest_PaymentsBreach(t *testing.T) {
	res := suggestFile(t, "payments-breach.txt", intake.Known{})

	c := claimOn(t, res, "In an interview with Channel 9 Orrin", "supplier")
	assert.ElementsMatch(t, []attr{{"Anneliese Grunwald", "asserts", ""}, {"Channel 9 Orrin", "reports", ""}}, attrsOf(c))
	c = claimOn(t, res, "Grunwald added", "contacted")
	assert.Equal(t, "2026-06-05", c.DueDate)

	c = claimOn(t, res, "Quillpay's shares fell", "14%")
	assert.Equal(t, []attr{{"Orrin Stock Exchange", "asserts", ""}}, attrsOf(c))

	// Written on social media, denied as speculation.
	c = claimOn(t, res, "Security researcher Tomasz Wierzbicki wrote", "$50,000")
	assert.ElementsMatch(t, []attr{{"Tomasz Wierzbicki", "asserts", ""}, {"Quillpay", "disputes", ""}}, attrsOf(c))
	noClaimOn(t, res, "Quillpay denied")
}

func TestSuggest_ValleyFloods(t *testing.T) {
	res := suggestFile(t, "valley-floods.txt", intake.Known{})

	c := claimOn(t, res, "The National Weather Service forecast", "rain")
	assert.Equal(t, "forecast", c.Kind)
	assert.Equal(t, "2025-07-19", c.DueDate)

	c = claimOn(t, res, "Per the Regional Rivers Board", "flood warnings")
	assert.Equal(t, []attr{{"Regional Rivers Board", "asserts", ""}}, attrsOf(c))

	// Reported by a broadcaster, confirmed by the police, who add a claim.
	c = claimOn(t, res, "It was reported by the broadcaster Valley One", "rescued")
	assert.ElementsMatch(t, []attr{{"Valley One", "asserts", ""}, {"Kestrel Valley Police", "supports", ""}}, attrsOf(c))
	c = claimOn(t, res, "Kestrel Valley Police later confirmed", "unhurt")
	assert.Equal(t, []attr{{"Kestrel Valley Police", "asserts", ""}}, attrsOf(c))

	// A denial of what the report never states.
	c = claimOn(t, res, "A spokesperson for the water company", "culvert")
	assert.Equal(t, []attr{{"Essla Water", "disputes", ""}}, attrsOf(c))
}

func TestSuggest_MalariaVaccine(t *testing.T) {
	res := suggestFile(t, "malaria-vaccine.txt", intake.Known{})

	// A study by a university's researchers, published in a journal: the university's.
	c := claimOn(t, res, "A new malaria vaccine cut", "52%")
	assert.Equal(t, []attr{{"University of Ketterholm", "asserts", ""}}, attrsOf(c))

	c = claimOn(t, res, "Albuquerque added", "30%")
	assert.Equal(t, []attr{{"Rui Albuquerque", "asserts", ""}}, attrsOf(c))
	assert.Equal(t, "person", sourceKind(res, "Rui Albuquerque"))

	c = claimOn(t, res, "Khumalo said in an interview with Radio Tavish", "approval")
	assert.ElementsMatch(t, []attr{{"Naledi Khumalo", "asserts", ""}, {"Radio Tavish", "reports", ""}}, attrsOf(c))
	assert.Equal(t, "2026-12-31", c.DueDate)

	c = claimOn(t, res, "Okafor denied", "public money")
	assert.Equal(t, []attr{{"Emeka Okafor", "disputes", ""}}, attrsOf(c))
	c = claimOn(t, res, "Helix's chief executive, Emeka Okafor", "20 million")
	assert.Equal(t, []attr{{"Emeka Okafor", "asserts", ""}}, attrsOf(c))
	assert.Equal(t, "2028-12-31", c.DueDate)
}

func TestSuggest_BurglaryGang(t *testing.T) {
	res := suggestFile(t, "burglary-gang.txt", intake.Known{})

	// "Detective Inspector X of Y Police": the person, and the body named apart.
	c := claimOn(t, res, "Three men aged between 19 and 27", "arrested")
	assert.Equal(t, []attr{{"Sandra Whitlock", "asserts", ""}}, attrsOf(c))
	assert.Equal(t, "person", sourceKind(res, "Sandra Whitlock"))

	c = claimOn(t, res, "Local councillor Imran Siddiqui", "40%")
	// Residents who reported the burglaries are where his figure comes from.
	assert.ElementsMatch(t, []attr{{"Imran Siddiqui", "asserts", "Unnamed residents cited by Imran Siddiqui"}, {"Pellworth Police", "disputes", ""}}, attrsOf(c))
	c = claimOn(t, res, "A police spokesperson called", "12%")
	assert.Equal(t, []attr{{"Pellworth Police", "asserts", ""}}, attrsOf(c))

	c = claimOn(t, res, "Per court records", "Magistrates")
	assert.Equal(t, "2025-12-04", c.DueDate)

	c = claimOn(t, res, "\"We expect to charge", "fourth")
	assert.Equal(t, []attr{{"Sandra Whitlock", "asserts", ""}}, attrsOf(c))
	assert.Equal(t, "2025-12-05", c.DueDate)
	noClaimOn(t, res, "Caption:")
}
