package intake

import (
	"regexp"
	"strings"
	"unicode"
)

// An entity is a source the report names or describes: a person, an
// organisation, an outlet, an agency, unnamed people or a document.
type entity struct {
	name    string
	kind    string
	aliases []string
	// citedBy is the public source that unnamed people spoke to.
	citedBy *entity
	// members are the entities a group stands for ("the two companies").
	members []*entity
	// owner is whose a document is.
	owner *entity
	seen  int // the sentence it was last mentioned in
	used  bool
	// The folded name and aliases (nameKey), kept with them.
	key, keyOf string
	akeys      []string
}

// nameKey is the folded name, computed again only when the name changed.
func (e *entity) nameKey() string {
	if e.keyOf != e.name || e.key == "" && e.name != "" {
		e.key, e.keyOf = nameKey(e.name), e.name
	}
	return e.key
}

// aliasKeys are the folded aliases.
func (e *entity) aliasKeys() []string {
	if len(e.akeys) != len(e.aliases) {
		e.akeys = e.akeys[:0]
		for _, a := range e.aliases {
			e.akeys = append(e.akeys, nameKey(a))
		}
	}
	return e.akeys
}

func (e *entity) addAlias(a string) {
	a = strings.TrimSpace(a)
	if a == "" || strings.EqualFold(a, e.name) {
		return
	}
	for _, x := range e.aliases {
		if strings.EqualFold(x, a) {
			return
		}
	}
	e.aliases = append(e.aliases, a)
	if len(e.akeys) == len(e.aliases)-1 {
		e.akeys = append(e.akeys, nameKey(a))
	}
}

// registry keeps the entities of one report and what pronouns and
// descriptions refer to.
type registry struct {
	ents    []*entity
	outlet  *entity
	sent    int
	person  *entity // the last person speaking (he, she)
	org     *entity // the last organisation named or speaking (it, its)
	plural  *entity // the last group or unnamed people (they, their)
	group   *entity // the last pair or list of organisations named together
	doc     *entity // the last document cited (the report, the statement)
	pending *entity // a role named before the person ("its chief executive said")
	title   string  // the report's headline
	text    string  // the sentences read so far, for the full names of surnames
}

// Word lists deciding the kind of a name.
var (
	outletWords = wordSet("times post herald gazette chronicle journal news tribune courier quarterly magazine " +
		"ledger sentinel observer guardian mail express telegraph review weekly daily radio tv press bulletin " +
		"dispatch examiner inquirer record star sun mirror standard monitor digest report independent")
	agencyWords = wordSet("agency wire newswire")
	orgWords    = wordSet("ministry department council board authority association union institute university college " +
		"school museum police rail railway railways homes energy media commission company co ltd inc plc llc group bank " +
		"securities associates gallery guild party court office service services trust foundation fund society " +
		"club league federation corporation partners holdings government parliament committee organisation " +
		"organization network airlines airways motors industries systems technologies labs hospital clinic church army " +
		"navy forces assembly senate congress centre center operator chamber cooperative alliance coalition movement " +
		"consulting consultancy pharma health water power airport port transport transit foods bakery studios agency " +
		"channel television broadcasting broadcaster council's institute's union's nhs cabinet treasury bureau " +
		"directorate inspectorate tribunal regulator executive administration municipality prefecture mayoralty " +
		"observatory laboratory academy unions clubs robotics tech technology software solutions logistics pharmaceuticals " +
		"mining oil gas steel construction builders developments properties estates insurance capital ventures retail " +
		"stores brewery brewing farms dairy hotels resorts shipping telecom communications electric utilities " +
		"semiconductors aerospace automotive chemicals textiles partnership enterprises international global " +
		"sciences analytics airline motors cooperative co-op hospital hospitals trust nhs police constabulary fire " +
		"rescue coastguard library libraries archive archives zoo garden gardens stadium theatre orchestra")
	outletDescriptors = wordSet("magazine newspaper paper broadcaster channel station website site daily weekly journal tabloid outlet")
	agencyDescriptors = wordSet("agency wire")
	orgDescriptors    = wordSet("consultancy company firm operator chain group bank regulator charity developer insurer " +
		"union association club party ministry council board authority broadcaster retailer manufacturer maker lender " +
		"carrier airline supplier contractor university institute")
	titleWords = wordSet("mr mrs ms miss dr prof professor sir dame lord lady judge justice president minister secretary " +
		"commissioner councillor cllr chief executive director spokesman spokeswoman spokesperson chair chairman " +
		"chairwoman leader head mayor governor senator general captain inspector officer ranger editor envoy adviser " +
		"advisor deputy acting former vice prime state foreign king queen prince princess " +
		"sheikh rev father sister brother superintendent sergeant constable detective chancellor ambassador analyst " +
		"economist scientist researcher professor founder owner manager coach premier")
	anonHeads = wordSet("sources source people person officials official managers manager executives insiders " +
		"insider aides aide diplomats diplomat employees employee staff individuals individual figures residents " +
		"witnesses witness workers engineers investigators members prosecutors detectives")
	docHeads = wordSet("report survey study statement figures records accounts minutes memo memorandum filing filings " +
		"data analysis review audit document documents letter plan plans paper research results poll census budget " +
		"assessment estimates projections forecast forecasts findings release notice newsletter website accounts " +
		"submission dossier audit")
	memberHeads = wordSet("researchers scientists officials experts inspectors analysts engineers doctors members " +
		"workers lawyers officers economists staff spokespeople representatives investigators auditors")
	particles   = wordSet("van von de del della da di le la bin al ter den du")
	determiners = wordSet("the a an its their his her this that these those our my your both each every some any no")
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// wireAgencies are well-known news agencies whose names say nothing of it.
var wireAgencies = map[string]bool{"reuters": true, "afp": true, "agence france-presse": true, "ap": true,
	"associated press": true, "dpa": true, "efe": true, "ansa": true, "xinhua": true, "tass": true, "ria novosti": true,
	"interfax": true, "kyodo": true, "yonhap": true, "pa media": true, "press association": true, "anadolu": true,
	"bernama": true, "pti": true, "ani": true, "apa": true, "belga": true, "anp": true, "tt": true, "ntb": true, "ritzau": true}

// descriptionSynonyms: a description's head noun and the words of names it
// stands for.
var descriptionSynonyms = map[string][]string{
	"force":       {"police", "constabulary"},
	"company":     {"co", "company", "inc", "ltd", "plc", "llc", "corporation", "group", "holdings"},
	"firm":        {"co", "company", "inc", "ltd", "plc", "llc", "corporation", "group", "associates", "partners"},
	"chain":       {"co", "company", "inc", "ltd", "plc", "group"},
	"government":  {"government", "ministry", "cabinet"},
	"broadcaster": {"television", "channel", "broadcasting", "radio", "tv"},
	"city":        {"city", "council"},
}

func isCap(w string) bool {
	for _, r := range w {
		return unicode.IsUpper(r) || unicode.IsDigit(r)
	}
	return false
}

var tokenRe = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{N}'’&.\-]*|&`)

func tokens(s string) []string { return tokenRe.FindAllString(s, -1) }

func lower(w string) string {
	w = strings.ToLower(w)
	w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
	return strings.TrimRight(w, ".")
}

// nameKey folds a name for comparison: lower case, words only, no leading
// "the".
func nameKey(s string) string {
	var ws []string
	for _, w := range tokens(s) {
		ws = append(ws, strings.Trim(strings.ToLower(w), ".'’"))
	}
	if len(ws) > 0 && ws[0] == "the" {
		ws = ws[1:]
	}
	return strings.Join(ws, " ")
}

// kindOfName guesses the kind of a proper name from its words and the
// description before it.
func kindOfName(name, descriptor string) string {
	ws := tokens(name)
	dl := strings.ToLower(descriptor)
	// The word next to the name says what it is: "the magazine X", "council leader X".
	if f := strings.Fields(dl); len(f) > 1 {
		dl = strings.Join(f[len(f)-2:], " ")
		if !(f[len(f)-2] == "news" || f[len(f)-2] == "wire") {
			dl = f[len(f)-1]
		}
	}
	for _, w := range strings.Fields(dl) {
		switch {
		case w == "news" && strings.Contains(dl, "agency"), agencyDescriptors[w] && strings.Contains(dl, "news"):
			return "agency"
		case outletDescriptors[w]:
			return "outlet"
		}
	}
	lowerName := strings.ToLower(name)
	if wireAgencies[nameKey(name)] {
		return "agency"
	}
	if strings.Contains(lowerName, "press agency") || strings.Contains(lowerName, "news agency") || strings.HasSuffix(lowerName, "wire") {
		return "agency"
	}
	for _, w := range strings.Fields(dl) {
		if orgDescriptors[w] {
			return "organisation"
		}
		if titleWords[w] {
			return "person"
		}
	}
	hasOrg, hasOutlet := false, false
	for _, w := range ws {
		l := lower(w)
		if orgWords[l] {
			hasOrg = true
		}
		if outletWords[l] {
			hasOutlet = true
		}
	}
	switch {
	case hasOutlet && !hasOrg:
		return "outlet"
	case hasOrg:
		return "organisation"
	case len(ws) >= 2 && len(ws) <= 4:
		return "person"
	}
	return "organisation"
}

// find returns the entity a proper name stands for, if the report named it
// already: the same name or alias, a name that contains it ("Ostrava" for
// "Ostrava Mining"), or a person's surname.
func (r *registry) find(name string) *entity {
	key := nameKey(name)
	if key == "" {
		return nil
	}
	for _, e := range r.ents {
		if e.nameKey() == key {
			return e
		}
		for _, a := range e.aliasKeys() {
			if a == key {
				return e
			}
		}
	}
	var best *entity
	for _, e := range r.ents {
		ek := e.nameKey()
		if e.kind == "anonymous" || e.kind == "document" {
			continue
		}
		if containsWords(ek, key) || (e.kind != "person" && containsWords(key, ek)) {
			if best == nil || e.seen > best.seen {
				best = e
			}
		}
	}
	return best
}

// exact returns the entity of that very name or alias.
func (r *registry) exact(name string) *entity {
	key := nameKey(name)
	for _, e := range r.ents {
		if e.kind == "alias" {
			continue
		}
		if e.nameKey() == key {
			return e
		}
		for _, a := range e.aliasKeys() {
			if a == key {
				return e
			}
		}
	}
	return nil
}

func containsWords(outer, inner string) bool {
	return inner != "" && strings.Contains(" "+outer+" ", " "+inner+" ")
}

// add records a named entity, or the longer name of one already there.
func (r *registry) add(name, kind string) *entity {
	name = cleanName(name)
	if name == "" {
		return nil
	}
	if e := r.find(name); e != nil {
		if exact := r.exact(name); exact != nil {
			exact.seen = r.sent
			return exact
		}
		if e.kind == kind || kind == "" || e.kind == "organisation" && kind != "person" && kind != "anonymous" {
			if len(tokens(name)) > len(tokens(e.name)) && e.kind != "person" {
				e.addAlias(e.name)
				e.name = name
			} else {
				e.addAlias(name)
			}
			if kind != "" && kind != "organisation" && e.kind == "organisation" {
				e.kind = kind
			}
			e.seen = r.sent
			return e
		}
	}
	e := &entity{name: name, kind: kind, seen: r.sent}
	r.ents = append(r.ents, e)
	return e
}

// cleanName strips a leading article and trailing punctuation.
func cleanName(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, ",.;:\"“”'‘’()")
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "the ") || strings.HasPrefix(s, "The ") {
		rest := s[4:]
		// Keep "The" in the names of outlets that carry it ("The Times").
		if kindOfName(rest, "") != "outlet" {
			s = rest
		}
	}
	return s
}

// properRun returns the last run of capitalised words in s (with the small
// words that join them: "of", "and", "&", "de") and the text before it.
func properRun(s string) (run, before string) {
	ws := strings.Fields(s)
	end := len(ws)
	for end > 0 && !isCap(strings.Trim(ws[end-1], ",.;:\"“”()")) {
		end--
	}
	if end == 0 {
		return "", s
	}
	start := end - 1
	for start > 0 {
		w := strings.Trim(ws[start-1], "\"“”()")
		if strings.HasSuffix(w, ",") {
			break
		}
		if isCap(w) || ((w == "of" || w == "and" || w == "&" || w == "for" || w == "de" || w == "del" || w == "the") && start > 1 && isCap(strings.Trim(ws[start-2], ",\"“”()"))) {
			start--
			continue
		}
		break
	}
	// Joining words and capitalised determiners do not start a name.
	for start < end && (!isCap(ws[start]) || determiners[strings.ToLower(strings.Trim(ws[start], "\"“”("))]) {
		start++
	}
	if start >= end {
		return "", s
	}
	return strings.Join(ws[start:end], " "), strings.Join(ws[:start], " ")
}

// personName takes the name of a person from a run of capitalised words
// that may start with titles ("Transport Minister Ana Ruiz").
func personName(run string) string {
	ws := strings.Fields(run)
	end := len(ws)
	start := end
	for start > 0 && end-start < 2 {
		w := ws[start-1]
		if titleWords[lower(w)] || !isCap(w) {
			break
		}
		start--
	}
	if start > 0 && particles[strings.ToLower(ws[start-1])] && start > 1 && isCap(ws[start-2]) && !titleWords[lower(ws[start-2])] {
		start -= 2
	}
	return strings.Join(ws[start:end], " ")
}

// hasOrgWord says whether a name holds a word of organisations or outlets.
func hasOrgWord(name string) bool {
	for _, w := range tokens(name) {
		l := lower(w)
		if orgWords[l] || outletWords[l] || agencyWords[l] {
			return true
		}
	}
	return false
}

// registerNames records the organisations a sentence names, so that later
// descriptions ("the library", "the agency") find them.
func (r *registry) registerNames(s string) {
	var names []string
	for _, m := range orgNameRe.FindAllString(s, -1) {
		m = strings.TrimSpace(m)
		if a, b, ok := strings.Cut(m, " and "); ok && len(strings.Fields(a)) >= 2 && len(strings.Fields(b)) >= 2 && hasOrgWord(a) && hasOrgWord(b) {
			names = append(names, a, b)
			continue
		}
		names = append(names, m)
	}
	for _, m := range names {
		if p, org, ok := personOfOrg(m); ok {
			// "Detective Inspector Jane Roe of Tarnby Police": both.
			r.add(personName(p), "person")
			m = org
		}
		if titledPerson(m) {
			// "Special Envoy Jane Roe": later "Roe" alone is her.
			if p := personName(m); len(strings.Fields(p)) == 2 {
				r.add(p, "person")
			}
			continue
		}
		if !hasOrgWord(m) {
			continue
		}
		ws := strings.Fields(m)
		// Function words capitalised at the start of a sentence, and "the".
		for len(ws) > 1 && (leadWords[strings.ToLower(ws[0])] || ws[0] == "the") {
			ws = ws[1:]
		}
		m = strings.Join(ws, " ")
		if strings.HasSuffix(m, "'s") || strings.HasSuffix(m, "’s") {
			m = m[:len(m)-2]
		}
		if len(tokens(m)) < 2 && !agencyWords[lower(m)] {
			continue
		}
		r.add(m, kindOfName(m, ""))
	}
	// Two bodies named together anywhere: "after the port and the union agreed".
	for _, m := range pairRe.FindAllStringSubmatch(s, -1) {
		a, b := r.exact(cleanName(m[1])), r.exact(cleanName(m[2]))
		if a != nil && b != nil && a != b && a.kind != "person" && b.kind != "person" {
			r.group = &entity{name: a.name + " and " + b.name, kind: "group", members: []*entity{a, b}, seen: r.sent}
		}
	}
	for _, m := range groupRe.FindAllStringSubmatch(s, -1) {
		a, b := r.find(m[1]), r.find(m[2])
		if a == nil && len(strings.Fields(m[1])) <= 4 {
			a = r.add(m[1], kindOfName(m[1], ""))
		}
		if b == nil && len(strings.Fields(m[2])) <= 4 {
			b = r.add(m[2], kindOfName(m[2], ""))
		}
		if a != nil && b != nil && a != b {
			r.group = &entity{name: a.name + " and " + b.name, kind: "group", members: []*entity{a, b}, seen: r.sent}
		}
	}
}

// personOfOrg splits "Chief Inspector Jane Roe of Tarnby Police" into the
// person and the body.
func personOfOrg(run string) (person, org string, ok bool) {
	p, o, found := strings.Cut(run, " of ")
	if !found || !titledPerson(p) || !hasOrgWord(o) {
		return "", "", false
	}
	return p, cleanName(o), true
}

// titledPerson says whether a run of capitalised words is a person with
// a title before the name ("Police Commissioner Jane Roe").
func titledPerson(run string) bool {
	ws := strings.Fields(run)
	for i, w := range ws {
		if titleWords[lower(w)] && i < len(ws)-1 {
			rest := ws[i+1:]
			if len(rest) >= 1 && len(rest) <= 3 && !hasOrgWord(strings.Join(rest, " ")) && !titleWords[lower(rest[0])] {
				return true
			}
		}
	}
	return false
}

var (
	orgNameRe = regexp.MustCompile(`(?:[A-Z][\p{L}\p{N}'’&\-]*\.?)(?:\s+(?:(?:of|for|and|de|del|the|&)\s+)?[A-Z][\p{L}\p{N}'’&\-]*\.?|\s+&\s+[A-Z][\p{L}]*)*`)
	pairRe    = regexp.MustCompile(`(?:the |The )?([A-Z][\p{L}'’&\-]*(?:\s+(?:of\s+|for\s+)?[A-Z][\p{L}'’&\-]*)*) and (?:the )?([A-Z][\p{L}'’&\-]*(?:\s+(?:of\s+|for\s+)?[A-Z][\p{L}'’&\-]*)*)(?:[,.;]| (?:have|has|had|said|say|agreed|agree|are|were|will|would|signed|announced|reached|both|jointly|together))`)
	groupRe   = regexp.MustCompile(`^(?:The |the )?([A-Z][\p{L}'’&\- ]+?) and ([A-Z][\p{L}'’&\- ]+?)(?:,| have| has| said| are| were| will| agreed)`)
)

// resolvePronoun finds who a pronoun stands for.
func (r *registry) resolvePronoun(p string) *entity {
	switch strings.ToLower(p) {
	case "he", "she", "him", "her", "his":
		if r.person != nil {
			return r.person
		}
	case "it", "its":
		if r.org != nil {
			return r.org
		}
	case "they", "their", "them":
		if r.plural != nil {
			return r.plural
		}
		if r.org != nil {
			return r.org
		}
	}
	return nil
}

var (
	publishedInRe = regexp.MustCompile(`\s+(?:published|released|issued|printed)\s+(?:on|in|last|this|earlier|online)\b.*$`)
	ownerOfficeRe = regexp.MustCompile(`^(.+?)['’]s\s+(?:press\s+)?(?:office|campaign|team|aides)$`)
	spokesForRe   = regexp.MustCompile(`(?i)^(?:a|an|the|one)\s+(?:\w+\s+)?spokes(?:man|woman|person|people)\s+(?:for|of|at|from)\s+(.+)$`)
	spokesDescRe  = regexp.MustCompile(`(?i)^(?:a|an|the|one|its|their)\s+(.*?)\s*spokes(?:man|woman|person|people)$`)
	membersAtRe   = regexp.MustCompile(`(?i)^(?:the\s+|some\s+|two\s+|three\s+|several\s+)?(\w+)\s+(?:at|from|of|with|for)\s+(.+)$`)
	possRoleRe    = regexp.MustCompile(`^(?i:its|their|his|her|the\s+(?:\w+\s+){0,3}\w+['’]s?|[A-Z][\p{L}&'’ ]+['’]s)\s+([\p{L} \-]+)$`)
	seenByRe      = regexp.MustCompile(`^(.+?),?\s+(?:seen|obtained|reviewed)\s+by\s+(.+)$`)
	byOwnerRe     = regexp.MustCompile(`(?i)^(.*?)\b(?:published|issued|released|produced|compiled|commissioned)?\s*by\s+(.+?)(?:,.*)?$`)
	leadDetRe     = regexp.MustCompile(`(?i)^(?:the|a|an|its|their|his|her|this|that|these|those|both)\s+`)
	relClauseRe   = regexp.MustCompile(`,\s+(?:who|which|whose|where)\s+[^,]*(?:,|$)`)
)

// mention is what a source mention resolved to.
type mention struct {
	ent    *entity
	words  string // the words of the mention
	person bool   // a person, or one person speaking for a body
	plural bool
	anon   bool
}

// resolve finds or creates the entity a mention of a source stands for.
func (r *registry) resolve(np string) mention {
	np = strings.TrimSpace(relClauseRe.ReplaceAllString(np+",", ","))
	// "a study by X published on Monday in the journal Y": X's.
	if loc := publishedInRe.FindStringIndex(np); loc != nil && loc[0] > 0 {
		np = np[:loc[0]]
	}
	np = strings.Trim(np, ", \"“”")
	words := np
	if np == "" {
		return mention{}
	}
	fields := strings.Fields(np)
	if len(fields) == 1 {
		if e := r.resolvePronoun(np); e != nil {
			return mention{ent: e, words: words, person: e.kind == "person" || e == r.person, plural: e == r.plural}
		}
		switch strings.ToLower(np) {
		case "he", "she", "it", "they", "we", "i", "you":
			return mention{}
		}
	}
	// "Jane Roe's office", "the union's press office": its owner.
	if m := ownerOfficeRe.FindStringSubmatch(np); m != nil {
		if sub := r.resolve(m[1]); sub.ent != nil {
			sub.ent.addAlias(np)
			return mention{ent: sub.ent, words: words, person: sub.person}
		}
	}
	// A spokesperson for a body, unnamed members of it.
	if m := spokesForRe.FindStringSubmatch(np); m != nil {
		sub := r.resolve(m[1])
		if sub.ent != nil {
			sub.ent.addAlias(np)
			return mention{ent: sub.ent, words: words, person: true}
		}
	}
	if m := spokesDescRe.FindStringSubmatch(np); m != nil && m[1] != "" {
		if e := r.describe(m[1]); e != nil {
			e.addAlias(np)
			return mention{ent: e, words: words, person: true}
		}
	}
	// "X, seen by the Post": the Post, via the document.
	if m := seenByRe.FindStringSubmatch(np); m != nil {
		owner := r.resolve(m[2])
		doc := &entity{name: capitalise(cleanName(m[1])), kind: "document", seen: r.sent}
		r.ents = append(r.ents, doc)
		if owner.ent != nil {
			doc.citedBy = owner.ent
			return mention{ent: doc, words: words, anon: true}
		}
	}
	// "Ana Ruiz and Kai Lund", "the union and the employer": each of them.
	if a, b, ok := strings.Cut(np, " and "); ok && !strings.Contains(np, ",") {
		ma, mb := r.lookupMention(a), r.lookupMention(b)
		if ma != nil && mb != nil && ma != mb {
			return mention{ent: &entity{name: ma.name + " and " + mb.name, kind: "group", members: []*entity{ma, mb}, seen: r.sent}, words: words, plural: true}
		}
	}
	// A document: "a report by X, commissioned by Y", "the council's plan, published on Tuesday".
	if docHeads[headNoun(np)] {
		first, _, _ := strings.Cut(np, ",")
		if e := r.document(first); e != nil {
			return mention{ent: e, words: words}
		}
	}
	// Appositions: "Its chair, Ines Moro", "Kai Lund, treasurer of the club".
	if parts := strings.Split(np, ","); len(parts) > 1 {
		var named, other []string
		for _, p := range parts {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			run, _ := properRun(p)
			switch {
			case run != "" && !hasOrgWord(run) && isCap(strings.Fields(p)[len(strings.Fields(p))-1]) && len(strings.Fields(run)) >= 2:
				named = append(named, p)
			case strings.IndexFunc(p, unicode.IsLetter) < 0:
				// An age: "Jane Roe, 58,".
			default:
				other = append(other, p)
			}
		}
		// "Swim Tarnby, a local club": the description says what the name is.
		descKind := ""
		for _, o := range other {
			switch w := lower(headNoun(o)); {
			case titleWords[w] || personNouns[w]:
				// "Its chief executive, Jane Roe": a role, so a person.
			case outletDescriptors[w]:
				descKind = "outlet"
			case orgDescriptors[w] || orgWords[w]:
				descKind = "organisation"
			}
		}
		if len(named) > 0 && descKind != "" {
			run, _ := properRun(named[0])
			if e := r.add(run, descKind); e != nil {
				for _, o := range other {
					e.addAlias(o)
				}
				return mention{ent: e, words: words}
			}
		}
		if len(named) > 0 {
			m := r.resolve(named[0])
			if m.ent != nil {
				for _, o := range other {
					if len(strings.Fields(o)) <= 6 && !strings.Contains(strings.ToLower(o), " of ") && !strings.Contains(strings.ToLower(o), " at ") {
						m.ent.addAlias(o)
					}
				}
				return m
			}
		}
		for i := len(parts) - 1; i >= 0; i-- {
			p := strings.TrimSpace(parts[i])
			if p == "" {
				continue
			}
			if run, _ := properRun(p); run != "" && hasOrgWord(run) || (run == p && run != "") {
				m := r.resolve(p)
				if m.ent != nil {
					for j, o := range parts {
						if j != i && len(strings.Fields(o)) <= 5 {
							m.ent.addAlias(strings.TrimSpace(o))
						}
					}
					return m
				}
			}
		}
		return r.resolve(parts[0])
	}
	lowerNP := strings.ToLower(np)
	// Unnamed members of a body: "engineers at the X Institute".
	if m := membersAtRe.FindStringSubmatch(np); m != nil && memberHeads[strings.ToLower(m[1])] {
		if run, _ := properRun(m[2]); run != "" {
			sub := r.resolve(m[2])
			if sub.ent != nil && sub.ent.kind != "person" {
				r.plural = sub.ent
				return mention{ent: sub.ent, words: words, plural: true}
			}
		}
	}
	head := lower(fields[len(fields)-1])
	run, before := properRun(np)
	// Unnamed people.
	if isAnonymous(np) {
		return r.anonymous(np)
	}
	// Documents, counted as their owner's.
	if docHeads[head] || docHeadIn(lowerNP) && !isCap(fields[0]) && run == "" || strings.Contains(lowerNP, "'s ") && docHeadIn(lowerNP) {
		if e := r.document(np); e != nil {
			return mention{ent: e, words: words}
		}
	}
	// Unnamed members of a body by its possessive: "its lawyers", "the council's officers".
	if m := possRoleRe.FindStringSubmatch(np); m != nil && run == "" {
		rw := strings.Fields(m[1])
		if memberHeads[lower(rw[len(rw)-1])] || lower(rw[len(rw)-1]) == "lawyers" {
			owner := strings.Fields(np)[0]
			var e *entity
			if isPronoun(owner) {
				e = r.resolvePronoun(owner)
			} else if i := strings.LastIndexAny(np, "'’"); i > 0 {
				e = r.resolve(np[:i]).ent
			}
			if e != nil {
				e.addAlias(np)
				return mention{ent: e, words: words, plural: true}
			}
		}
	}
	// A role of an organisation: "its chief executive", "the library's director".
	if m := possRoleRe.FindStringSubmatch(np); m != nil && run == "" || m != nil && titleWords[lower(strings.Fields(m[1])[len(strings.Fields(m[1]))-1])] && !strings.Contains(run, " ") {
		p := &entity{name: np, kind: "person", seen: r.sent}
		p.addAlias(np)
		r.ents = append(r.ents, p)
		r.pending = p
		return mention{ent: p, words: words, person: true}
	}
	if p, org, ok := personOfOrg(run); ok && !isAnonymous(np) {
		r.add(org, kindOfName(org, ""))
		run, before = p, ""
	}
	if run != "" {
		kind := kindOfName(run, before)
		if titledPerson(run) {
			kind = "person"
		} else if kind == "person" && (strings.EqualFold(lastWord(before), "the") || strings.HasPrefix(np, "The ")) {
			// People are not "the": "the Casa Lupo said".
			kind = "organisation"
		}
		name := run
		if kind == "person" {
			name = personName(run)
			if name == "" {
				name = run
			}
		}
		if len(strings.Fields(name)) == 1 && r.find(name) == nil {
			// A surname alone whose full name came earlier in a list or an
			// apposition ("the panel included surgeon Jane Roe and …").
			if full := r.fullName(name); full != "" {
				e := r.add(full, "person")
				e.addAlias(strings.TrimSpace(strings.TrimPrefix(np, "the ")))
				return mention{ent: e, words: words, person: true}
			}
		}
		if len(strings.Fields(name)) == 1 {
			if e := r.find(name); e != nil {
				e.seen = r.sent
				e.addAlias(strings.TrimSpace(strings.TrimPrefix(np, "the ")))
				return mention{ent: e, words: words, person: e.kind == "person"}
			}
			if before == "" || titleWords[lower(strings.Fields(before)[len(strings.Fields(before))-1])] {
				// A surname alone, or a title and a surname ("Ms Moro").
				if titleWords[lower(name)] {
					return mention{}
				}
			}
		}
		e := r.add(name, kind)
		if e == nil {
			return mention{}
		}
		if e.kind == "person" && r.pending != nil && r.pending != e && r.sent-r.pending.seen <= 3 {
			// The role named before the person: its attributions are the person's.
			r.merge(r.pending, e)
			r.pending = nil
		}
		if before != "" && e.kind == "person" && len(strings.Fields(np)) <= 6 {
			e.addAlias(np)
		}
		return mention{ent: e, words: words, person: e.kind == "person"}
	}
	if e := r.describe(np); e != nil {
		return mention{ent: e, words: words, plural: e.kind == "group" || e == r.plural}
	}
	// "the minister": the person given that role before.
	if e := r.personByRole(np); e != nil {
		return mention{ent: e, words: words, person: true}
	}
	// "a court clerk": one unnamed person.
	if personNouns[head] || titleWords[head] {
		m := r.anonymous(np)
		m.plural = false
		return m
	}
	return mention{}
}

// fullNameWindow is how far back, in bytes, a surname's full name is looked for.
const fullNameWindow = 12000

// fullName finds, in the text read so far, a person's name of two or three
// words ending in the surname given ("Jane Roe" for "Roe"), titles left out.
func (r *registry) fullName(surname string) string {
	if !isCap(surname) || titleWords[lower(surname)] || orgWords[lower(surname)] || outletWords[lower(surname)] {
		return ""
	}
	re, err := regexp.Compile(`((?:[A-Z][\p{L}'’\-]*\s+){1,3})` + regexp.QuoteMeta(surname) + `\b`)
	if err != nil {
		return ""
	}
	// The last stretch of text read only, which keeps a long text linear.
	text := r.text
	if len(text) > fullNameWindow {
		text = text[len(text)-fullNameWindow:]
	}
	found := ""
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		ws := strings.Fields(m[1])
		// Function words that start a sentence are not a first name.
		for len(ws) > 0 && (leadWords[strings.ToLower(ws[0])] || determiners[strings.ToLower(ws[0])]) {
			ws = ws[1:]
		}
		run := strings.Join(append(ws, surname), " ")
		if len(ws) == 0 || hasOrgWord(run) {
			continue
		}
		if n := personName(run); len(strings.Fields(n)) >= 2 && !titleWords[lower(strings.Fields(n)[0])] {
			found = n
		}
	}
	return found
}

// personNouns are nouns for one person, named or not.
var personNouns = wordSet("clerk official spokesperson spokesman spokeswoman source lawyer officer worker resident " +
	"witness engineer nurse doctor teacher employee insider aide diplomat executive manager member analyst " +
	"researcher scientist expert inspector adviser advisor consultant activist campaigner farmer owner")

// personByRole finds the person a role stands for: "the minister" after
// "Health minister Aled Price".
func (r *registry) personByRole(np string) *entity {
	d := leadDetRe.ReplaceAllString(strings.ToLower(strings.TrimSpace(np)), "")
	ws := strings.Fields(d)
	if len(ws) == 0 || len(ws) > 3 {
		return nil
	}
	head := ws[len(ws)-1]
	if !titleWords[head] && !personNouns[head] {
		return nil
	}
	var best *entity
	for _, e := range r.ents {
		if e.kind != "person" {
			continue
		}
		for _, a := range e.aliases {
			if containsWords(strings.ToLower(a), head) && (best == nil || e.seen > best.seen) {
				best = e
			}
		}
	}
	if best != nil {
		best.addAlias(strings.TrimSpace(np))
	}
	return best
}

// lookupMention finds an entity already known for a name or description,
// or a new person's full name, for one side of "A and B".
func (r *registry) lookupMention(s string) *entity {
	s = strings.TrimSpace(s)
	if run, before := properRun(s); run != "" && run == strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "the "), "The ")) {
		if e := r.exact(run); e != nil {
			return e
		}
		if kindOfName(run, before) == "person" && len(strings.Fields(run)) >= 2 {
			return r.add(personName(run), "person")
		}
		if e := r.find(run); e != nil && len(strings.Fields(run)) >= 2 {
			return e
		}
		return nil
	}
	if strings.HasPrefix(strings.ToLower(s), "the ") {
		return r.lookupDescription(s)
	}
	return nil
}

// lookupDescription is describe without recording an alias.
func (r *registry) lookupDescription(np string) *entity {
	saved := map[*entity]int{}
	for _, e := range r.ents {
		saved[e] = len(e.aliases)
	}
	e := r.describe(np)
	for x, n := range saved {
		x.aliases = x.aliases[:n]
		x.akeys = x.akeys[:min(n, len(x.akeys))]
	}
	return e
}

// headNoun is the last word before the first preposition or comma.
func headNoun(np string) string {
	var last string
	for i, w := range strings.Fields(strings.ToLower(np)) {
		if prepositions[w] && last != "" || i > 0 && participle(w) && last != "" {
			break
		}
		last = strings.TrimSuffix(strings.TrimSuffix(strings.Trim(w, "\"“”"), "'s"), "’s")
		if strings.HasSuffix(w, ",") {
			last = strings.TrimRight(last, ",")
			break
		}
	}
	return last
}

// participle says whether a word looks like a past participle ("released").
func participle(w string) bool {
	return len(w) > 4 && (strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "en")) && !strings.HasSuffix(w, "een")
}

// isAnonymous says whether a mention is of unnamed people: "two people
// close to the talks", "unnamed sources", "four engineers at
// the company" (not "its chief executive", not "researchers at X").
func isAnonymous(np string) bool {
	ws := strings.Fields(strings.ToLower(np))
	if len(ws) == 0 {
		return false
	}
	switch ws[0] {
	case "its", "their", "his", "her", "our":
		return false
	}
	var before []string
	orig := strings.Fields(np)
	for i, w := range ws {
		if prepositions[w] {
			break
		}
		if strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "’s") {
			return false
		}
		if i > 0 && isCap(orig[i]) {
			return false
		}
		before = append(before, strings.Trim(w, ","))
	}
	if len(before) == 0 {
		return false
	}
	return anonHeads[before[len(before)-1]]
}

var leadWords = wordSet("but and however the a an so yet also meanwhile while when after before in on at for from with " +
	"according per its their this that these those if as since although though under until during despite")

var prepositions = wordSet("by to at in from with of familiar involved close who on for briefed speaking knowledgeable within inside")

func lastWord(s string) string {
	ws := strings.Fields(s)
	if len(ws) == 0 {
		return ""
	}
	return ws[len(ws)-1]
}

func anonHeadIn(s string) bool {
	for _, w := range strings.Fields(s) {
		if anonHeads[w] {
			return true
		}
	}
	return false
}

func docHeadIn(s string) bool {
	for _, w := range strings.Fields(s) {
		if docHeads[strings.Trim(w, ",.")] {
			return true
		}
	}
	return false
}

// merge moves what was recorded for from onto into.
func (r *registry) merge(from, into *entity) {
	for _, a := range append([]string{from.name}, from.aliases...) {
		into.addAlias(a)
	}
	from.members = []*entity{into}
	from.kind = "alias"
}

// target follows merges to the entity that stands.
func (e *entity) target() *entity {
	for e != nil && e.kind == "alias" && len(e.members) == 1 {
		e = e.members[0]
	}
	return e
}

// anonymous records unnamed people: "Unnamed officials".
func (r *registry) anonymous(np string) mention {
	l := strings.ToLower(np)
	if strings.HasPrefix(l, "the ") || strings.HasPrefix(l, "they") {
		// "The officials": the unnamed people named before.
		for i := len(r.ents) - 1; i >= 0; i-- {
			if e := r.ents[i]; e.kind == "anonymous" {
				head := lower(strings.Fields(l)[len(strings.Fields(l))-1])
				if strings.Contains(strings.ToLower(e.name), head) {
					e.addAlias(np)
					r.plural = e
					return mention{ent: e, words: np, plural: true, anon: true}
				}
			}
		}
	}
	// The noun as written, without number, "unnamed" and what follows it.
	ws := strings.Fields(l)
	var keep []string
	for _, w := range ws {
		w = strings.Trim(w, ",")
		if _, isNum := numberWords[w]; isNum || w == "unnamed" || w == "anonymous" || w == "several" || w == "some" || w == "the" || w == "a" || w == "an" || w == "other" {
			if len(keep) == 0 {
				continue
			}
		}
		if w == "familiar" || w == "involved" || w == "close" || w == "at" || w == "in" || w == "with" || w == "from" || w == "who" || w == "of" || w == "on" || w == "briefed" || w == "speaking" || w == "knowledgeable" {
			break
		}
		keep = append(keep, w)
	}
	if len(keep) == 0 {
		keep = []string{"sources"}
	}
	e := &entity{name: "Unnamed " + strings.Join(keep, " "), kind: "anonymous", seen: r.sent}
	e.addAlias(np)
	r.ents = append(r.ents, e)
	r.plural = e
	return mention{ent: e, words: np, plural: true, anon: true}
}

// document resolves a document to its owner, or records it as a source of
// its own.
func (r *registry) document(np string) *entity {
	l := strings.ToLower(np)
	if strings.HasPrefix(l, "the same ") || strings.HasPrefix(l, "the report") || strings.HasPrefix(l, "the statement") ||
		strings.HasPrefix(l, "the joint statement") || strings.HasPrefix(l, "this report") || strings.HasPrefix(l, "the study") && r.doc != nil {
		if r.doc != nil {
			return r.doc
		}
	}
	if strings.HasPrefix(l, "their ") || strings.HasPrefix(l, "its ") {
		if e := r.resolvePronoun(strings.Fields(l)[0]); e != nil {
			r.doc = e
			return e
		}
	}
	// "A study by the firm X", "figures published by X on Monday",
	// "data from the statistics office".
	i := strings.Index(l, " by ")
	skip := 4
	if i < 0 {
		i, skip = strings.Index(l, " from "), 6
	}
	if i > 0 {
		by := np[i+skip:]
		if n := leadingName(by); n != "" {
			by = n
		}
		pending := r.pending
		m := r.resolve(by)
		if m.ent != nil && m.ent == r.pending && r.pending != pending {
			// "a statement from the club's chairman": the club's, below.
			r.pending = pending
		}
		if m.ent != nil && m.ent.kind != "document" && m.ent.kind != "person" {
			r.doc = m.ent
			return m.ent
		}
	}
	// "X's annual report", "the council's figures".
	if i := strings.LastIndexAny(np, "'’"); i > 0 && (strings.HasPrefix(np[i:], "'s ") || strings.HasPrefix(np[i:], "’s ") || strings.HasPrefix(np[i:], "' ") || strings.HasPrefix(np[i:], "’ ")) {
		owner := strings.TrimSpace(np[:i])
		if m := r.resolve(owner); m.ent != nil {
			r.doc = m.ent
			return m.ent
		}
	}
	if strings.HasPrefix(l, "the ") && r.doc != nil && !strings.Contains(l, " of ") {
		return r.doc
	}
	e := &entity{name: capitalise(cleanName(np)), kind: "document", seen: r.sent}
	r.ents = append(r.ents, e)
	r.doc = e
	return e
}

func capitalise(s string) string {
	for i, c := range s {
		return string(unicode.ToUpper(c)) + s[i+len(string(c)):]
	}
	return s
}

// describe finds the entity a description stands for: "the library", "the
// water authority", "the companies".
func (r *registry) describe(np string) *entity {
	d := strings.ToLower(strings.TrimSpace(np))
	d = leadDetRe.ReplaceAllString(d, "")
	ws := strings.Fields(d)
	if len(ws) == 0 {
		return nil
	}
	head := lower(ws[len(ws)-1])
	plural := strings.HasSuffix(head, "s") && !strings.HasSuffix(head, "ss") && len(head) > 3
	if plural && r.group != nil && (len(ws) == 1 || ws[0] == "two" || ws[0] == "both" || ws[0] == "three") {
		return r.group
	}
	if plural && (head == "companies" || head == "firms" || head == "broadcasters" || head == "groups" || head == "sides" || head == "parties" || head == "organisations") && r.group != nil {
		return r.group
	}
	want := []string{head}
	if syn, ok := descriptionSynonyms[head]; ok {
		want = syn
	}
	var best *entity
	for _, e := range r.ents {
		if e.kind == "anonymous" || e.kind == "document" || e.kind == "alias" || e.kind == "person" {
			continue
		}
		nk := " " + e.nameKey() + " "
		ok := false
		for _, w := range want {
			if strings.Contains(nk, " "+w+" ") {
				ok = true
			}
		}
		if !ok {
			continue
		}
		// The other words of the description, where they are in the name,
		// prefer that entity.
		if best == nil || e.seen > best.seen || matchCount(nk, ws) > matchCount(" "+best.nameKey()+" ", ws) {
			best = e
		}
	}
	if best != nil {
		best.addAlias(strings.TrimSpace(np))
		return best
	}
	if genericOrgHeads[head] && r.org != nil && !strings.ContainsAny(np, "'’") {
		r.org.addAlias(strings.TrimSpace(np))
		return r.org
	}
	if orgDescriptors[head] || orgWords[head] {
		// A body the report names only by description: "the economy ministry".
		name := capitalise(strings.TrimSpace(leadDetRe.ReplaceAllString(strings.TrimSpace(np), "")))
		e := r.add(name, "organisation")
		if e != nil {
			e.addAlias(strings.TrimSpace(np))
		}
		return e
	}
	return nil
}

// genericOrgHeads stand for the organisation last spoken of.
var genericOrgHeads = wordSet("company firm chain group business operator organisation organization")

// leadingName is the name at the start of s: "the Regional Office" of
// "the Regional Office on Monday".
func leadingName(s string) string {
	ws := strings.Fields(s)
	var out []string
	for i, w := range ws {
		cw := strings.TrimRight(w, ",.;:")
		if i == 0 && (strings.EqualFold(cw, "the") || strings.EqualFold(cw, "a")) {
			out = append(out, cw)
			continue
		}
		if isCap(cw) && !weekdayOrMonth(cw) || len(out) > 0 && (cw == "of" || cw == "and" || cw == "&" || cw == "for" || cw == "de") {
			out = append(out, cw)
			if cw != w {
				break
			}
			continue
		}
		break
	}
	for len(out) > 0 && !isCap(out[len(out)-1]) {
		out = out[:len(out)-1]
	}
	return strings.Join(out, " ")
}

func weekdayOrMonth(w string) bool {
	l := strings.ToLower(w)
	_, wd := weekdays[l]
	_, mo := monthNames[l]
	return wd || mo
}

func matchCount(name string, ws []string) int {
	n := 0
	for _, w := range ws {
		if strings.Contains(name, " "+w+" ") {
			n++
		}
	}
	return n
}
