package gen

import (
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"math/rand/v2"
	"strconv"
	"strings"
)

// generator makes the synthetic claims of Generate. Words are drawn with
// Zipf-like frequencies, so a few are in most claims, some in about one claim
// in ten, and most are rare, as in real text.
type generator struct {
	rng     *rand.Rand
	nouns   *rand.Zipf
	verbs   *rand.Zipf
	places  *rand.Zipf
	people  *rand.Zipf
	towns   *rand.Zipf
	sources *rand.Zipf
	// srcs are the sources generated, in id order.
	srcs []*claimtrack.Source
}

func newGenerator(seed uint64) *generator {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &generator{
		rng:    rng,
		nouns:  rand.NewZipf(rng, 1.1, 2, uint64(len(genNouns)-1)),
		verbs:  rand.NewZipf(rng, 1.1, 2, uint64(len(genVerbs)-1)),
		places: rand.NewZipf(rng, 1.05, 3, uint64(len(genPlaces)-1)),
		people: rand.NewZipf(rng, 1.05, 3, uint64(len(genFirst)*len(genLast)-1)),
		towns:  rand.NewZipf(rng, 1.02, 10, uint64(len(genSyllables)*len(genSyllables)*len(genSyllables)-1)),
	}
}

// pickSource chooses a source among n: most links go to sources chosen
// evenly, one in ten to a Zipf-favoured few, so the busiest source holds about
// 2% of all links.
func (g *generator) pickSource(n int) int {
	if g.sources == nil {
		g.sources = rand.NewZipf(g.rng, 1.2, 1, uint64(n-1))
	}
	// One link in 25 goes to a few very busy sources: at a million claims
	// the busiest has about 20,000 links.
	if g.rng.IntN(25) == 0 {
		return int(g.sources.Uint64())
	}
	return g.rng.IntN(n)
}

var genKinds = []string{"person", "person", "person", "person", "person", "outlet", "organisation", "agency", "anonymous", "document"}

// personName is a unique name for every n below len(genFirst)*26*len(genLast);
// past that a generation numeral keeps names unique.
func personName(n int64) string {
	f, l := int64(len(genFirst)), int64(len(genLast))
	name := genFirst[n%f] + " " + string(rune('A'+(n/f)%26)) + ". " + genLast[(n/(f*26))%l]
	if gen := n / (f * 26 * l); gen > 0 {
		name += " " + strconv.FormatInt(gen+1, 10)
	}
	return name
}

// sourceName is the name of generated source id: a function of the id alone,
// so events can name a source without looking it up.
func (g *generator) sourceName(id int64) string {
	name, _, _ := g.source(id)
	return name
}

// source returns the name, kind and role of generated source id.
func (g *generator) source(id int64) (name, kind, role string) {
	kind = genKinds[id%int64(len(genKinds))]
	person := personName(id)
	place := genPlaces[id%int64(len(genPlaces))]
	switch kind {
	case "person":
		return person, kind, genRoles[id%int64(len(genRoles))] + " of " + place
	case "outlet":
		return "The " + person + " Gazette", kind, "newspaper in " + place
	case "organisation":
		return "Office of " + person, kind, "government office in " + place
	case "agency":
		return person + " News Agency", kind, "news agency in " + place
	case "anonymous":
		return "Unnamed sources close to " + person, kind, "anonymous sources"
	}
	return "Memo by " + person, kind, "leaked document"
}

type genLink struct {
	stance, quote, url, published string
	via                           bool
}

type genClaim struct {
	text, context, kind, due, status, note string
	tags                                   []string
	links                                  []genLink
}

func (g *generator) person() string {
	n := g.people.Uint64()
	return genFirst[n%uint64(len(genFirst))] + " " + genLast[n/uint64(len(genFirst))%uint64(len(genLast))]
}

func (g *generator) noun() string { return genNouns[g.nouns.Uint64()] }
func (g *generator) verb() string { return genVerbs[g.verbs.Uint64()] }

// place is usually a capital, and one time in four a small town from a long
// tail of made-up names: most of those names are rare, as real place names are.
func (g *generator) place() string {
	if g.rng.IntN(4) == 0 {
		n, k := g.towns.Uint64(), uint64(len(genSyllables))
		town := genSyllables[n%k] + genSyllables[n/k%k] + genSyllables[n/(k*k)%k]
		return strings.ToUpper(town[:1]) + town[1:]
	}
	return genPlaces[g.places.Uint64()]
}

var genSyllables = strings.Fields(`ka lo mi ra zen tor vel nik sha dor bel gra ost vin lek mar tas rud pol sen
	yar kov lin bra tel dun fer gol hav jor kel mun nor pev ril sov tur ulm vad zor`)

func (g *generator) date() string {
	return strconv.Itoa(2024+g.rng.IntN(3)) + "-" + pad2(1+g.rng.IntN(12)) + "-" + pad2(1+g.rng.IntN(28))
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// sentence writes one claim-like sentence from a template.
func (g *generator) sentence(kind string) string {
	var b strings.Builder
	switch kind {
	case "forecast":
		b.WriteString(g.person() + " will " + g.verb() + " the " + g.noun() + " in " + g.place())
		if g.rng.IntN(2) == 0 {
			b.WriteString(" before the " + g.noun() + " on " + g.date())
		}
	case "quote":
		b.WriteString(g.person() + " said that the " + g.noun() + " of " + g.place() + " was " + genAdjectives[g.rng.IntN(len(genAdjectives))])
	default:
		switch g.rng.IntN(4) {
		case 0:
			b.WriteString("The " + g.noun() + " in " + g.place() + " " + past(g.verb()) + " the " + g.noun() + " of " + g.person())
		case 1:
			b.WriteString(g.person() + " and " + g.person() + " met in " + g.place() + " to discuss the " + g.noun())
		case 2:
			b.WriteString("Officials in " + g.place() + " " + past(g.verb()) + " a " + g.noun() + " with " + g.place() + " on " + g.date())
		default:
			b.WriteString("The " + g.noun() + " " + g.noun() + " has not been " + past(g.verb()) + " by the " + g.noun() + " yet")
		}
	}
	for b.Len() < 40 {
		b.WriteString(", according to the " + g.noun())
	}
	s := b.String()
	if len(s) > 199 {
		s = s[:199]
	}
	return s + "."
}

var genStances = []string{"asserts", "asserts", "asserts", "asserts", "reports", "reports", "reports", "supports", "supports", "disputes"}
var genStatuses = []string{"confirmed", "confirmed", "refuted", "refuted", "partly-true", "disputed", "retracted"}

func (g *generator) claim() genClaim {
	c := genClaim{kind: "statement", status: "unverified"}
	switch g.rng.IntN(10) {
	case 0, 1, 2:
		c.kind = "forecast"
		if g.rng.IntN(2) == 0 {
			c.due = g.date()
		}
	case 3:
		c.kind = "quote"
	}
	c.text = g.sentence(c.kind)
	if g.rng.IntN(3) == 0 {
		c.context = g.sentence("statement") + " " + g.sentence("statement")
	}
	seen := map[string]bool{}
	for range g.rng.IntN(4) {
		t := genTags[g.rng.IntN(len(genTags))]
		if !seen[t] {
			seen[t] = true
			c.tags = append(c.tags, t)
		}
	}
	for range 1 + g.rng.IntN(4) {
		l := genLink{stance: genStances[g.rng.IntN(len(genStances))]}
		if g.rng.IntN(3) == 0 {
			l.quote = "the " + g.noun() + " is " + genAdjectives[g.rng.IntN(len(genAdjectives))]
		}
		if g.rng.IntN(2) == 0 {
			l.url = "https://example.org/" + g.noun() + "/" + strconv.Itoa(g.rng.IntN(1_000_000))
		}
		if g.rng.IntN(3) == 0 {
			l.published = g.date()
		}
		l.via = g.rng.IntN(8) == 0
		c.links = append(c.links, l)
	}
	if g.rng.IntN(100) < 35 {
		c.status = genStatuses[g.rng.IntN(len(genStatuses))]
		c.note = "Checked against the " + g.noun() + " from " + g.place() + "."
	}
	return c
}

var genFirst = strings.Fields(`Anna Boris Carla Dmitri Elena Farid Greta Hassan Irina Jonas Kamala Lars Maria Nikolai Olga Pavel
	Qasim Rosa Sergei Tamar Umar Vera Wang Xenia Yusuf Zofia Ahmed Beatrice Chen Daria Emil Fatima Gustav Hana Igor Julia
	Kenji Leila Marco Nadia Oskar Petra Rami Sofia Tomas Ursula Viktor Wiktor Yasmin Zeynep Adil Bianca Cyril Dina Erik
	Freya Goran Helga Ilya Jana`)

var genLast = strings.Fields(`Abramov Bauer Castillo Dubois Eriksen Fischer Garcia Haddad Ivanova Jensen Kowalski Lindqvist
	Morozov Novak Okafor Petrov Quintero Rossi Schmidt Tanaka Ueda Volkov Weber Xu Yilmaz Zhukov Almeida Becker Costa Demir
	Esposito Fontaine Greco Horvat Ibrahim Jovanovic Kuznetsov Lambert Moreau Nielsen Orlov Popescu Ramos Sokolov Tkachenko
	Usmanov Varga Wagner Yamamoto Zaitsev Aksoy Brandt Conti Dvorak Egorov Faure Gallo Hoffmann Ilic Janssen Kaya Lopez
	Marchetti Nowak Olsen Pavlov Richter Santos Toth Ulrich Vasquez Wolff Yusupov Zeller Arslan Berg Cruz Diaz Engel Frey`)

var genRoles = strings.Fields(`spokesman minister ambassador adviser governor senator envoy analyst official diplomat general mayor
	commissioner secretary director`)

var genPlaces = strings.Fields(`Moscow Washington Kyiv Riyadh Beijing Paris Berlin London Ankara Tehran Brussels Warsaw Geneva
	Istanbul Doha Cairo Minsk Tbilisi Vienna Rome Madrid Tokyo Delhi Ottawa Oslo Helsinki Tallinn Riga Vilnius Prague Budapest
	Bucharest Sofia Belgrade Baku Yerevan Astana Tashkent Jeddah Dubai Abuja Nairobi Pretoria Brasilia Caracas Havana Lima
	Santiago Canberra Seoul Manila Jakarta Hanoi Bangkok Kabul Islamabad Beirut Damascus Baghdad Amman Tunis Algiers Rabat`)

var genNouns = strings.Fields(`talks summit ceasefire agreement sanctions meeting visit delegation parade election treaty pipeline
	deal border army offensive embargo tariffs negotiations proposal statement report investigation referendum alliance
	exports gas oil grain loan aid package framework memorandum accord cooperation dialogue conference ministry parliament
	budget reform protest strike vote campaign inquiry leak document interview briefing announcement decision plan
	deadline schedule timetable corridor convoy shipment blockade drills exercise missile drone satellite cable port airport
	railway bridge plant reactor mine harbour refinery terminal bank currency inflation debt bond fund market contract tender
	licence permit visa passport embassy consulate mission observer monitor inspector court ruling verdict appeal trial
	charge indictment warrant arrest exchange prisoner hostage release withdrawal deployment mobilisation reinforcement`)

var genVerbs = strings.Fields(`sign announce approve reject block delay postpone confirm deny discuss launch extend suspend resume
	review propose endorse finalize ratify expand reduce restore complete start halt renew negotiate secure`)

// past is the simple past of the regular verbs above.
func past(v string) string {
	switch {
	case strings.HasSuffix(v, "e"):
		return v + "d"
	case strings.HasSuffix(v, "y") && !strings.HasSuffix(v, "ay"):
		return v[:len(v)-1] + "ied"
	}
	return v + "ed"
}

var genAdjectives = strings.Fields(`constructive productive difficult unacceptable premature encouraging historic unlikely
	imminent decisive uncertain frank useful positive negative tense cordial`)

var genTags = strings.Fields(`ukraine-war us-russia victory-day sanctions energy nato elections diplomacy trade security
	middle-east europe asia africa americas economy migration climate technology cyber military nuclear humanitarian
	human-rights media disinformation health food-security arms-control summit ceasefire prisoners borders refugees
	oil gas grain finance banking corruption courts protests parliament kremlin white-house eu un g20 brics opec
	arctic black-sea baltic caucasus central-asia balkans gulf levant maghreb sahel horn-of-africa`)
