package intake

import (
	"regexp"
	"strings"
	"time"
	"unicode"
)

// A draft is a claim while the report is read.
type draft struct {
	sent    sentence
	content string
	text    string
	kind    string
	due     string
	dated   bool // the due date comes from the claim's own words
	cues    []Cue
	attrs   []*attr
	quote   bool // the content is a direct quote
	subject string

	// The stems of content and of the sentence, worked out once when
	// later claims are matched against this one (see findTarget); content
	// is not changed after the draft is made.
	contentStems, sentStems map[string]bool
}

type attr struct {
	ent    *entity
	stance string
	via    *entity
	cues   []Cue
}

func (d *draft) add(a *attr) {
	if a == nil || a.ent == nil {
		return
	}
	a.ent = a.ent.target()
	if a.via != nil {
		a.via = a.via.target()
	}
	if a.ent.kind == "group" {
		for _, m := range a.ent.members {
			d.add(&attr{ent: m, stance: a.stance, via: a.via, cues: a.cues})
		}
		return
	}
	for _, x := range d.attrs {
		if x.ent == a.ent && x.stance == a.stance {
			if x.via == nil {
				x.via = a.via
			}
			return
		}
	}
	a.ent.used = true
	if a.via != nil {
		a.via.used = true
	}
	d.attrs = append(d.attrs, a)
}

func (d *draft) hasSource(e *entity) bool {
	for _, a := range d.attrs {
		if a.ent == e.target() {
			return true
		}
	}
	return false
}

// A frame is who a sentence says said what.
type frame struct {
	src       mention
	verb      string
	content   string
	recipient mention
	reportBy  mention // "denied a report in the Post that …": the Post asserts it
	via       *entity
	quote     bool // the content is a direct quote
	quoteKind bool // an evaluation: "called it", "described it as"
	stance    string
	target    string // the words of an earlier claim denied or confirmed
	cues      []Cue
}

const rv = `said|says|say|told|tells|announced|announces|stated|states|added|adds|noted|notes|explained|claimed|claims|` +
	`confirmed|confirms|denied|denies|insisted|insists|argued|argues|warned|warns|estimated|estimates|predicted|` +
	`predicts|forecast|forecasts|reported|reports|wrote|writes|revealed|reveals|disclosed|discloses|acknowledged|` +
	`admitted|admits|maintained|maintains|suggested|suggests|indicated|indicates|clarified|stressed|emphasised|` +
	`emphasized|found|finds|showed|shows|show|expects|believes|disputed|disputes|rejected|rejects|dismissed|` +
	`called|calls|described|describes|characterized|characterised|put|puts|identifies|identified|concluded|` +
	`concludes|projected|projects|calculated|set out|sets out|unveiled|unveils|outlined|outlines|announce|` +
	`cautioned|conceded|contended|countered|recalled|remarked|replied|responded|observed|alleged|alleges|` +
	`asserted|asserts|affirmed|echoed|backed|refuted|contested|allege|pledged|pledges|promised|promises|vowed|vows|` +
	`threatened|threatens|reiterated|repeated|testified|tweeted|posted|hinted|signalled|signaled|argued|ruled|rules`

var (
	rvRe           = regexp.MustCompile(`\b(` + rv + `)\b`)
	frontRe        = regexp.MustCompile(`^(.+?)\s+(?:(?:also|previously|later|earlier|separately|repeatedly|first|has|have|had|then|further|publicly|again|already)\s+)*(` + rv + `)\b[,:]?\s*(.*)$`)
	tailRe         = regexp.MustCompile(`^(.+?)\s+(?:(?:also|has|have|had|then|later)\s+)?(` + rv + `)\b(.*)$`)
	invTailRe      = regexp.MustCompile(`^(` + rv + `)\s+(.+?)(?:\s+(?:on|in|at|last|earlier|this|during)\b.*)?$`)
	accFront       = regexp.MustCompile(`^(?i:according to)\s+(.+?),\s+(.+)$`)
	accMid         = regexp.MustCompile(`^(.+?),\s+(?i:according to)\s+([^,]+),\s+(.+)$`)
	accTail        = regexp.MustCompile(`^(.+?),?\s+(?i:according to)\s+(.+?)$`)
	prefixRe       = regexp.MustCompile(`^(?:(?:But|And|However|Meanwhile|Separately|Still|Yet|Also|Earlier|Later|Instead|Indeed|Moreover|Nonetheless|Nevertheless|Now|Then)\b,?\s+|(?:Speaking|Writing|Asked|Responding|Leading|Following|After|Before|During|In|On|At|Since|With|Despite|While|When|Under|From|Following)\b[^,"“]{0,90},\s+)`)
	publishedByRe  = regexp.MustCompile(`\b(?:under\s+)?(?:plans|figures|proposals|data|a plan|a report|a proposal|a study|documents?|results|estimates)\s+(?:published|released|issued|unveiled|announced|presented|set out|compiled)\s+by\s+((?:the\s+)?[A-Z][\p{L}'’&\-]*(?:\s+(?:of\s+|for\s+|and\s+|&\s+)?[A-Z][\p{L}'’&\-]*)*)`)
	citingRe       = regexp.MustCompile(`,?\s*citing\s+([^,]+?)\s*,`)
	thatRe         = regexp.MustCompile(`^(?:that\s+)`)
	agentlessRe    = regexp.MustCompile(`^It (?:was|has been|had been|is) (announced|confirmed|revealed|disclosed|stated|reported|said) (?:in|on|by|through) (.+?),? that (.+)$`)
	quotedAsRe     = regexp.MustCompile(`^(.+?) (?:was|were|has been|had been) quoted (?:by (.+?) )?as saying,? (.+)$`)
	byParticipleRe = regexp.MustCompile(`\s[a-z]+(?:ed|en|wn)\s+by\s+[^,]*`)
	innerRelRe     = regexp.MustCompile(`\s(?:who|which)\s[^,]*`)
	participleRe   = regexp.MustCompile(`,\s+[a-z]+(?:ed|en|wn)\s+(?:by|on|in|at|alongside|last|this|earlier|for|with)\b[^,]*,`)
	afterQuoteRe   = regexp.MustCompile(`[,"”]*,["”]?\s+(?:noting|adding|saying|before adding|and added|explaining)\b`)
	quoteChars     = "\"“”"
	demandRe       = regexp.MustCompile(`(?i)\b(called for|calls for|call for|urged|urges|appealed|appeals|demanded|demands|asked (?:\w+ ){0,4}to|declined to comment|refused to comment|would not say|would not comment|could not confirm|did not respond|did not return|declined to say|no comment)\b`)
	hypoRe         = regexp.MustCompile(`(?i)\b(would|could|might|should) (?:not )?have\b`)
	specRe         = regexp.MustCompile(`\b(possib\w*|potential\w*|appears?|appeared|seems?|seemed|may|might|could|uncertain\w*|likely|unlikely|perhaps|speculat\w*|reacted|alarm\w*|attention|importance|convinced|all eyes|remains? to be seen|hopes?|fears?|worried|concerned|anxious|angry|upset|frustrated|relieved|delighted|disappointed)\b`)
	futureRe       = regexp.MustCompile(`(?i)\b(will|won't|would|'ll|shall|(?:is|are|was|were)? ?set to|(?:is|are) due to|due to (?:open|start|begin|close|finish|end|launch|arrive)|(?:is|are) expected to|expect(?:s|ed)? (?:\w+ ){0,5}to|plans? to|plans for|planned to|aims? to|aimed to|intends? to|intended to|(?:is|are) to|scheduled (?:to|for)|on track (?:to|for)|(?:is|are) going to|until|(?:pledged|promised|vowed|threatened) to [a-z]+)\b`)
	promisedToRe   = regexp.MustCompile(`\b(pledged|promised|vowed|threatened) to (the|a|an|its|their|his|her|them|him|us|[A-Z])`)
	pastDueRe      = regexp.MustCompile(`(?i)\b(was|were|had been) (?:due|scheduled|set|supposed|planned|expected) to\b`)
	evalRe         = regexp.MustCompile(`(?i)\b(unrealistic|untrue|false|wrong|inaccurate|incorrect|misleading|out of date|outdated|exaggerated|overstated|baseless|unfounded|nonsense|speculation|fabricated|not true|rubbish|flawed|implausible|overly optimistic|too optimistic|fake)\b`)
	disputeVerb    = regexp.MustCompile(`^(denied|denies|rejected|rejects|disputed|disputes|dismissed|refuted|contested)$`)
	supportVerb    = regexp.MustCompile(`^(confirmed|confirms|echoed|backed|corroborated|affirmed)$`)
	sameAccountRe  = regexp.MustCompile(`(?i)\b(?:carried|ran|published|repeated|reported|had) (?:the same|a similar) (?:account|report|story|claim|figure|version)|\bwas (?:later )?(?:picked up|repeated|carried|reported)\b`)
	reportedlyRe   = regexp.MustCompile(`(?i)\b(reportedly|(?:is|are|was|were) said to|according to (?:media )?reports|it is understood|(?:is|are) understood to|(?:is|are) believed to)\b`)
	toldViaRe      = regexp.MustCompile(`^(.+?)\s+had\s+(?:told|informed|assured)\s+(?:him|her|them|us|me)\b(?:\s+that)?\s+(.+)$`)
	relativeRe     = regexp.MustCompile(`,\s+(?:who|which|whose|where)\s+[^,]*,`)
	subClauseRe    = regexp.MustCompile(`(?i)(,\s+with\s+|\s+how\s+|\s+whether\s+|\s+why\s+|\s+because\s+|,\s+(?:signalling|signaling|marking|commemorating|making|bringing|citing|saying)\s+)`)
	lineSkipRe     = regexp.MustCompile(`(?i)^(photo|photos|image|picture|caption|credit|video|watch|listen|graphic|illustration|file photo|pictured|above|below|top|main image)\s*[:(]`)
	readMoreRe     = regexp.MustCompile(`(?i)^(read more|related|see also|also read|read also|more on this|more|recommended|further reading)\s*:\s*`)
	correctionRe   = regexp.MustCompile(`(?i)^(correction|clarification|editor['’]s note|update|updated)\s*:\s*`)
	perFront       = regexp.MustCompile(`^(?:Per|per)\s+(.+?),\s+(.+)$`)
	perTail        = regexp.MustCompile(`^(.+?),\s+per\s+(.+?)$`)
	statementRead  = regexp.MustCompile(`^(?:An?|The)\s+(?:\w+\s+)?(?:statement|post|letter|note|notice)\s+(?:from|by|issued by)\s+(.+?)\s+(?:read|reads)[:,]?\s+(.+)$`)
	interviewRe    = regexp.MustCompile(`(?i)\bin an? (?:\w+\s+)?interview with\s+((?:the\s+)?[A-Z][^,]*?)(?:,|\s+(?:that|on|last|this|earlier)\b|$)`)
	agentTimeRe    = regexp.MustCompile(`\s+(?:on|last|this|earlier|late|early)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|month|year|night|morning|evening)\b.*$`)
	deniedReportRe = regexp.MustCompile(`^(?:a|an|the)\s+(?:\w+\s+)?(?:report|reports|claim|claims|story|article|suggestion|allegation|allegations)\s+(?:in|by|from|on)\s+(.+?)\s+that\s+(.+)$`)
	evalAndSaidRe  = regexp.MustCompile(`^(.+?)\s+and\s+(?:(?:said|added|insisted|maintained|argued)\s+(?:that\s+)?|told\s+[^,]{1,40}?\s+that\s+)(.+)$`)
	timeStartRe    = regexp.MustCompile(`^(?:on|last|this|earlier|late|early|in|at)\b|^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b`)
	mustRe         = regexp.MustCompile(`(?i)\b(?:must|remains? committed|congratulated|thanked|paid tribute)\b`)
	earlierSaidRe  = regexp.MustCompile(`(?i)^an? (?:earlier|previous) version of this (?:article|report|story)\s+(?:said|stated|reported|gave|misstated|wrongly said)(?:\s+that)?\s+(.+)$`)
)

// maxSentence is the longest sentence read, in bytes.
const maxSentence = 2000

// analyse reads the report.
func analyse(in Input) Result {
	r := &registry{title: strings.TrimSpace(in.Title)}
	outletName := strings.TrimSpace(in.Outlet)
	if outletName != "" {
		kind := kindOfName(outletName, "")
		if kind != "agency" {
			kind = "outlet"
		}
		r.outlet = &entity{name: outletName, kind: kind}
		r.ents = append(r.ents, r.outlet)
	}
	pub := in.Published
	lines, offs := paragraphs(in.Text)
	var drafts []*draft
	var deferred []*draft // "reportedly", with no source named
	sentNo := 0
	var lastSpeaker *frame
	for li, line := range lines {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || lineSkipRe.MatchString(trimmed) {
			continue
		}
		lead := strings.Index(line, trimmed)
		base := offs[li] + lead
		if m := readMoreRe.FindStringIndex(trimmed); m != nil {
			if d := r.linkClaim(trimmed, m[1], base); d != nil {
				drafts = append(drafts, d)
			}
			continue
		}
		if !endsLikeSentence(trimmed) {
			continue // a subheading, a caption, a credit
		}
		if m := correctionRe.FindStringIndex(trimmed); m != nil {
			if d := r.correction(trimmed, m[1], base); d != nil {
				drafts = append(drafts, d)
			}
			continue
		}
		sents := sentences(line, offs[li], li)
		inQuote := false
		for si := range sents {
			s := sents[si]
			sentNo++
			r.sent = sentNo
			if len(s.text) > maxSentence {
				continue // no sentence is that long: a run of text without stops
			}
			// Quotation marks as single quotes read as double ones.
			st := normalizeQuotes(s.text)
			r.registerNames(st)
			r.text += st + "\n"
			opensQuote := strings.IndexAny(st, quoteChars) == 0
			startedInQuote := inQuote
			if strings.Count(st, "\"")%2 == 1 || strings.Count(st, "“") != strings.Count(st, "”") {
				inQuote = !inQuote
			}
			r.noteSubject(st)
			fr := r.frame(st)
			if fr == nil && (opensQuote || startedInQuote) {
				// A quote going on over sentences: its speaker is named
				// where it closes, or was named before.
				for sj := si + 1; sj < len(sents) && fr == nil; sj++ {
					if f := r.peekFrame(normalizeQuotes(sents[sj].text)); f != nil {
						fr = &frame{src: f.src, verb: f.verb, quote: true, content: strings.Trim(st, quoteChars+" "), cues: f.cues}
					}
				}
				if fr == nil && lastSpeaker != nil {
					fr = &frame{src: lastSpeaker.src, verb: lastSpeaker.verb, quote: true, content: strings.Trim(st, quoteChars+" "),
						cues: []Cue{{For: "attribution", Text: "quotation marks, continuing the quote of " + lastSpeaker.src.ent.target().name}}}
				}
				if fr != nil && startedInQuote && len(drafts) > 0 && len(words(st)) < 9 && startsWithConnective(st) {
					// A short end of a quote: part of the claim before it.
					prev := drafts[len(drafts)-1]
					if prev.sent.end < s.start && prev.sent.para == s.para {
						prev.sent.text = strings.TrimSpace(in.Text[prev.sent.start:s.end])
						prev.sent.end = s.end
						continue
					}
				}
			}
			if fr != nil && fr.src.ent != nil {
				lastSpeaker = fr
			}
			ds := r.claims(s, fr, pub, drafts)
			for _, d := range ds {
				if reportedlyRe.MatchString(d.content) && (fr == nil || fr.src.ent == nil) {
					deferred = append(deferred, d)
				}
			}
			drafts = append(drafts, ds...)
		}
	}
	r.settleReportedly(deferred)
	drafts = mergeSame(drafts)
	inheritDates(drafts)
	return r.result(drafts, pub)
}

// noteSubject makes an organisation that a sentence starts with what "its"
// in that sentence stands for ("The council is seeking damages, its
// lawyers said").
func (r *registry) noteSubject(s string) {
	subj := subjectOf(stripPrefix(strings.TrimSpace(s)))
	if subj == "" || len(strings.Fields(subj)) > 6 || strings.ContainsAny(subj, quoteChars+",") {
		return
	}
	var e *entity
	if run, _ := properRun(subj); run != "" {
		e = r.exact(run)
		if e == nil {
			e = r.find(run)
		}
	} else if strings.HasPrefix(strings.ToLower(subj), "the ") {
		e = r.lookupDescription(subj)
	}
	if e != nil && e.kind != "person" && e.kind != "anonymous" && e.kind != "document" && e.kind != "alias" {
		r.org = e
	}
}

// normalizeQuotes turns quotations in single quotes (‘…’, or '…' opening
// a sentence) into double quotes, leaving apostrophes alone.
func normalizeQuotes(s string) string {
	rs := []rune(s)
	closing := func(from int, open rune) int {
		for j := from; j < len(rs); j++ {
			c := rs[j]
			if c != '’' && c != '\'' {
				continue
			}
			if c == '\'' && open == '‘' {
				continue
			}
			// A closing quote: after a letter or punctuation, before no letter.
			if j+1 < len(rs) && unicode.IsLetter(rs[j+1]) {
				continue
			}
			if j > 0 && unicode.IsSpace(rs[j-1]) {
				continue
			}
			if c == '\'' || c == '’' {
				// "the workers’ union": an apostrophe after a plural s.
				if j > 0 && rs[j-1] == 's' && j+1 < len(rs) && rs[j+1] == ' ' && !(j > 1 && strings.ContainsRune(",.!?", rs[j-2])) && open != '‘' {
					continue
				}
			}
			return j
		}
		return -1
	}
	changed := false
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		if c != '‘' && !(c == '\'' && i == 0) {
			continue
		}
		if j := closing(i+1, c); j > i+1 {
			rs[i], rs[j] = '"', '"'
			changed = true
			i = j
		} else if c == '‘' {
			// A quotation going on in the next sentence.
			rs[i] = '"'
			changed = true
		}
	}
	// The end of a quotation opened in an earlier sentence: "win,’ she said".
	if !strings.ContainsRune(string(rs), '‘') {
		for i := 1; i < len(rs); i++ {
			if rs[i] == '’' && strings.ContainsRune(",.!?", rs[i-1]) && (i+1 == len(rs) || rs[i+1] == ' ') && !strings.ContainsRune(string(rs[:i]), '"') {
				rs[i] = '"'
				changed = true
				break
			}
		}
	}
	if !changed {
		return s
	}
	return string(rs)
}

func startsWithConnective(s string) bool {
	s = strings.TrimLeft(s, quoteChars+" ")
	for _, w := range []string{"So ", "And ", "But ", "That ", "This ", "Which ", "Or "} {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// endsLikeSentence says whether a line ends as a sentence does, not as a
// subheading, a caption credit or a link.
func endsLikeSentence(s string) bool {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	s = strings.TrimRight(s, quoteChars+"'’")
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, ".)")
}

// peekFrame is frame without side effects worth keeping: used to look
// ahead for the speaker of a quote.
func (r *registry) peekFrame(s string) *frame {
	t := strings.TrimSpace(s)
	i := strings.LastIndexAny(t, "\"”")
	if i < 0 {
		return nil
	}
	rest := strings.TrimLeft(t[i+1:], " ,")
	rest = strings.TrimRight(rest, ".")
	if m := tailRe.FindStringSubmatch(rest); m != nil && len(strings.Fields(m[1])) <= 6 {
		src := r.resolve(m[1])
		if src.ent != nil {
			return &frame{src: src, verb: m[2], cues: []Cue{{For: "attribution", Text: "quotation marks"}, {For: "attribution", Text: m[2]}}}
		}
	}
	return nil
}

// frame finds the attribution of a sentence; an outlet that interviewed
// the source ("in an interview with Radio X") reports the claim.
func (r *registry) frame(s string) *frame {
	f := r.frameOf(s)
	if f != nil && f.src.ent != nil && f.recipient.ent == nil {
		if m := interviewRe.FindStringSubmatch(s); m != nil {
			if rec := r.resolve(m[1]); rec.ent != nil && rec.ent != f.src.ent {
				f.recipient = rec
				f.cues = append(f.cues, Cue{For: "stance", Text: "interview with " + m[1]})
			}
		}
	}
	return f
}

// frameOf finds the attribution of a sentence.
func (r *registry) frameOf(s string) *frame {
	t := strings.TrimSpace(s)
	t = strings.TrimRight(t, " ")
	body := strings.TrimSuffix(strings.TrimSuffix(strings.TrimRight(t, quoteChars+"'’"), "."), "!")
	if strings.HasSuffix(t, "\"") || strings.HasSuffix(t, "”") {
		// Keep the closing quote of a quote that ends the sentence.
		body = strings.TrimSuffix(t, ".")
		if strings.HasSuffix(body, ".\"") || strings.HasSuffix(body, ".”") {
			body = body[:len(body)-len(".\"")] + body[len(body)-1:]
		}
	}
	body = strings.TrimSpace(body)
	// A quote, then who said it: "…," she said.
	if strings.IndexAny(body, quoteChars) == 0 {
		if f := r.quoteFrame(body); f != nil {
			return f
		}
	}
	noPrefix := stripPrefix(body)
	// "X was quoted by Y as saying …": X, and Y reports it.
	if m := quotedAsRe.FindStringSubmatch(noPrefix); m != nil {
		if f := r.makeFrame(m[1], "quoted as saying", thatRe.ReplaceAllString(m[3], ""), ""); f != nil {
			if m[2] != "" {
				f.recipient = r.resolve(m[2])
			}
			return f
		}
	}
	// "It was announced in the council's newsletter that …": the agent the
	// context gives.
	if m := agentlessRe.FindStringSubmatch(noPrefix); m != nil {
		if f := r.makeFrame(agentTimeRe.ReplaceAllString(m[2], ""), m[1], m[3], ""); f != nil {
			return f
		}
	}
	// "A statement from X read: …"
	if m := statementRead.FindStringSubmatch(noPrefix); m != nil {
		if f := r.makeFrame(m[1], "statement", m[2], "statement"); f != nil {
			if strings.IndexAny(f.content, quoteChars) == 0 {
				f.quote = true
				f.content = strings.Trim(f.content, quoteChars+" ")
			}
			return f
		}
	}
	// "Per X, …" and "…, per X": as "according to".
	if m := perFront.FindStringSubmatch(noPrefix); m != nil {
		if f := r.makeFrame(m[1], "per", m[2], ""); f != nil {
			return f
		}
	}
	if m := perTail.FindStringSubmatch(noPrefix); m != nil && len(strings.Fields(m[2])) <= 10 {
		if f := r.makeFrame(m[2], "per", m[1], ""); f != nil {
			return f
		}
	}
	// According to X, …
	if m := accFront.FindStringSubmatch(noPrefix); m != nil {
		src, via := m[1], ""
		if c := citingRe.FindStringSubmatch(src + ","); c != nil {
			via = c[1]
			src = strings.TrimSpace(src[:strings.Index(src, c[0])+0])
		}
		f := r.makeFrame(src, "according to", m[2], "")
		if f != nil {
			if via != "" {
				f.via = r.resolve(via).ent
			}
			return f
		}
	}
	// "The plant, according to the company, employs 300 people."
	if m := accMid.FindStringSubmatch(noPrefix); m != nil && !strings.Contains(strings.ToLower(m[3]), "according to") && !strings.HasPrefix(m[3], "citing") {
		if f := r.makeFrame(m[2], "according to", m[1]+" "+m[3], ""); f != nil {
			return f
		}
	}
	// …, according to X.
	if m := accTail.FindStringSubmatch(noPrefix); m != nil {
		if f := r.makeFrame(m[2], "according to", m[1], ""); f != nil {
			return f
		}
	}
	// Subject first: X said (that) …
	if f := r.frontFrame(noPrefix); f != nil {
		return f
	}
	// …, X said on Tuesday.
	if f := r.tailFrame(body); f != nil {
		return f
	}
	// Plans published by X.
	if m := publishedByRe.FindStringSubmatchIndex(body); m != nil {
		src := body[m[2]:m[3]]
		content := strings.TrimSpace(body[:m[0]] + body[m[1]:])
		if f := r.makeFrame(src, "published by", content, ""); f != nil {
			return f
		}
	}
	return nil
}

func stripPrefix(s string) string {
	for range 3 {
		m := prefixRe.FindString(s)
		if m == "" {
			break
		}
		rest := s[len(m):]
		// Only when a subject and a verb follow, not the sentence's own clause.
		if rest == "" {
			break
		}
		s = rest
	}
	return s
}

// quoteFrame reads '"…," she said' and '"…," said the minister'.
func (r *registry) quoteFrame(body string) *frame {
	close := -1
	for i, c := range body {
		if i > 0 && strings.ContainsRune(quoteChars, c) {
			close = i
		}
	}
	if close < 0 {
		return nil
	}
	quote := strings.TrimSpace(body[1:close])
	rest := strings.TrimSpace(strings.TrimLeft(body[close+1:], ", "))
	rest = strings.TrimRight(rest, ".")
	if rest == "" {
		return nil
	}
	quote = strings.TrimRight(quote, ",")
	if m := tailRe.FindStringSubmatch(rest); m != nil && len(strings.Fields(m[1])) <= 12 {
		f := r.makeFrame(m[1], m[2], quote, m[3])
		if f != nil {
			f.quote = true
			f.cues = append(f.cues, Cue{For: "attribution", Text: "quotation marks"})
			return f
		}
	}
	if m := invTailRe.FindStringSubmatch(rest); m != nil {
		f := r.makeFrame(m[2], m[1], quote, "")
		if f != nil {
			f.quote = true
			f.cues = append(f.cues, Cue{For: "attribution", Text: "quotation marks"})
			return f
		}
	}
	return nil
}

// frontFrame reads "X said (that) …", "X told Y that …".
func (r *registry) frontFrame(s string) *frame {
	m := frontRe.FindStringSubmatch(s)
	if m == nil {
		return nil
	}
	subject := strings.TrimSpace(m[1])
	if strings.ContainsAny(subject, quoteChars) {
		return nil
	}
	plain := relativeRe.ReplaceAllString(subject+",", ",")
	plain = strings.TrimSuffix(plain, ",")
	if n := len(strings.Fields(plain)); n == 0 || n > 16 {
		return nil
	}
	plain = participleRe.ReplaceAllString(plain+",", ",")
	plain = innerRelRe.ReplaceAllString(plain, "")
	plain = byParticipleRe.ReplaceAllString(plain, "")
	if (hasFiniteVerb(plain) || pastVerbIn(plain)) && !strings.Contains(strings.ToLower(plain), "seen by") {
		return nil
	}
	if strings.TrimSpace(m[3]) == "" {
		return nil
	}
	return r.makeFrameAt(subject, m[2], m[3], "", true)
}

// tailFrame reads "…, X said on Tuesday." and "…, X told Y."
func (r *registry) tailFrame(s string) *frame {
	for i := len(s) - 1; i > 0; i-- {
		if s[i] != ',' {
			continue
		}
		rest := strings.TrimSpace(strings.TrimLeft(s[i+1:], quoteChars+" "))
		content := strings.TrimSpace(s[:i])
		var m []string
		if m = tailRe.FindStringSubmatch(rest); m == nil {
			if mi := invTailRe.FindStringSubmatch(rest); mi != nil && len(strings.Fields(mi[2])) <= 8 && !timeStartRe.MatchString(mi[2]) {
				if f := r.makeFrame(mi[2], mi[1], content, ""); f != nil {
					return f
				}
			}
			continue
		}
		np, tail := m[1], m[3]
		if len(strings.Fields(np)) > 10 || strings.Contains(tail, " that ") || len(strings.Fields(tail)) > 9 {
			continue
		}
		if hasFiniteVerb(relativeRe.ReplaceAllString(np+",", ",")) {
			continue
		}
		// "…, its advisers, Tarn Partners, said": the apposition before the name.
		if strings.HasSuffix(np, ",") {
			if j := strings.LastIndex(content, ","); j > 0 {
				if app := strings.TrimSpace(content[j+1:]); len(strings.Fields(app)) <= 5 && !hasFiniteVerb(app) && !pastVerbIn(app) {
					np = app + ", " + np
					content = strings.TrimSpace(content[:j])
				}
			}
		}
		if f := r.makeFrame(np, m[2], content, tail); f != nil {
			return f
		}
	}
	return nil
}

var finiteRe = regexp.MustCompile(`(?i)\b(is|are|was|were|will|would|has|have|had|can|could|may|might|must|should|did|does|do)\b`)

func hasFiniteVerb(s string) bool { return finiteRe.MatchString(s) }

// makeFrame resolves the source and reads the rest after the verb: the
// person told, "that", a via.
func (r *registry) makeFrame(np, verb, rest, tail string) *frame {
	return r.makeFrameAt(np, verb, rest, tail, false)
}

// makeFrameAt is makeFrame; front says whether rest follows the verb (and
// may hold the person told, a "citing" and "that") rather than being the
// claim itself.
func (r *registry) makeFrameAt(np, verb, rest, tail string, front bool) *frame {
	np = strings.TrimSpace(np)
	if np == "" {
		return nil
	}
	src := r.resolve(np)
	if src.ent == nil {
		return nil
	}
	f := &frame{src: src, verb: verb, stance: "asserts", cues: []Cue{{For: "attribution", Text: verb}}}
	rest = strings.TrimSpace(rest)
	lv := strings.ToLower(verb)
	// The person or outlet told.
	if lv == "told" || lv == "tells" {
		target := tail
		if front {
			target = rest
		}
		rec := target
		if i := strings.Index(rec, " that "); i >= 0 {
			if front {
				rest = rec[i+6:]
			}
			rec = rec[:i]
		} else if front {
			rest = ""
		}
		rec = strings.TrimSpace(rec)
		if front && rest == "" && rec != "" {
			// "told investors the company expected …": no "that".
			n := recipientName(rec)
			if w := strings.Fields(rec); n == "" && len(w) > 2 {
				switch {
				case strings.HasSuffix(w[0], "s") && !determiners[strings.ToLower(w[0])]:
					n = w[0] // "told reporters"
				case (w[0] == "the" || w[0] == "a") && !isCap(w[1]):
					n = w[0] + " " + w[1] // "told the court"
				}
			}
			if n != "" && len(n) < len(rec) {
				rest = strings.TrimSpace(rec[len(n):])
				rec = n
			}
		}
		run := recipientName(rec)
		if run != "" {
			f.recipient = r.resolve(run)
		}
	}
	whole := rest
	// "reported on Monday, citing officials, that …".
	if front {
		if c := citingRe.FindStringSubmatchIndex(rest + ","); c != nil && c[0] < 60 {
			f.via = r.resolve(rest[c[2]:c[3]]).ent
			after := strings.TrimSpace((rest + ",")[c[1]:])
			rest = strings.TrimSuffix(after, ",")
		}
		if i := strings.Index(rest, " that "); i >= 0 && i < 40 && !hasFiniteVerb(rest[:i]) && !strings.ContainsAny(rest[:i], quoteChars) {
			rest = rest[i+6:]
		}
	}
	rest = thatRe.ReplaceAllString(strings.TrimSpace(rest), "")
	rest = strings.TrimLeft(rest, ",:; ")
	switch {
	case disputeVerb.MatchString(lv):
		f.stance = "disputes"
		f.cues = append(f.cues, Cue{For: "stance", Text: verb})
		// "rejected the number, saying …".
		if m := deniedReportRe.FindStringSubmatch(whole); m != nil {
			// "denied a report in the Post that …": the Post's claim, disputed.
			by := r.resolve(m[1])
			if by.ent != nil && (by.ent.kind == "person" || by.ent.kind == "organisation") && !hasOrgWord(by.ent.name) && len(strings.Fields(by.ent.name)) > 1 && !strings.Contains(m[1], ",") {
				// Reports are published: a name without a person's words is an outlet.
				by.ent.kind = "outlet"
				by.person = false
			}
			if by.ent != nil && by.ent.kind != "person" {
				f.reportBy = by
				f.target = m[2]
				rest = m[2]
				whole = ""
			}
		}
		if f.reportBy.ent != nil {
			break
		}
		if i := strings.Index(rest, ", saying "); i >= 0 {
			f.target = rest[:i]
			rest = rest[i+len(", saying "):]
			rest = thatRe.ReplaceAllString(rest, "")
			f.stance = "disputes+asserts"
		} else {
			f.target = whole
		}
	case supportVerb.MatchString(lv):
		f.stance = "confirms"
	case lv == "called" || lv == "calls":
		if strings.HasPrefix(rest, "for ") {
			return &frame{src: src, verb: "called for", content: "", cues: f.cues}
		}
		f.quoteKind = true
		if !evalRe.MatchString(rest) && evalRe.MatchString(whole) && evalAndSaidRe.MatchString(whole) {
			// "called the report false and told X that …": "that" belongs to the second verb.
			rest = whole
		}
		if evalRe.MatchString(rest) {
			f.stance = "disputes"
			f.target = rest
			f.cues = append(f.cues, Cue{For: "stance", Text: evalRe.FindString(rest)})
			// "called the figure misleading and said …": the rest is a claim.
			if m := evalAndSaidRe.FindStringSubmatch(rest); m != nil && evalRe.MatchString(m[1]) && hasFiniteVerb(m[2]) {
				f.target = m[1]
				rest = m[2]
				f.stance = "disputes+asserts"
				f.quoteKind = false
			}
		}
	case lv == "described" || lv == "describes" || lv == "characterized" || lv == "characterised":
		f.quoteKind = true
	}
	if strings.IndexAny(rest, quoteChars) == 0 {
		f.quote = true
		rest = strings.Trim(rest, quoteChars+" ,")
	}
	// Unnamed people inside: "unnamed sources indicated …".
	if f.via == nil {
		if m := frontRe.FindStringSubmatch(rest); m != nil && len(strings.Fields(m[1])) <= 8 && !hasFiniteVerb(m[1]) {
			inner := strings.ToLower(m[1])
			if anonHeadIn(inner) && !strings.ContainsAny(m[1], quoteChars) && properless(m[1]) {
				f.via = r.resolve(m[1]).ent
				rest = thatRe.ReplaceAllString(m[3], "")
				f.cues = append(f.cues, Cue{For: "via", Text: m[1] + " " + m[2]})
			}
		}
	}
	// "… had told him that …": the speaker passes on what another said.
	if f.via == nil {
		if m := toldViaRe.FindStringSubmatch(rest); m != nil && !strings.HasPrefix(m[2], "to ") && len(strings.Fields(m[1])) <= 6 {
			if v := r.resolve(m[1]); v.ent != nil && v.ent != src.ent {
				f.via = v.ent
				rest = m[2]
				f.cues = append(f.cues, Cue{For: "via", Text: "had told"})
			}
		}
	}
	if f.quoteKind {
		if loc := afterQuoteRe.FindStringIndex(rest); loc != nil && loc[0] > 0 {
			rest = rest[:loc[0]]
		}
	}
	// "pledged to build 500 homes": X will build them.
	if promiseVerbRe.MatchString(lv) {
		if loc := toVerbRe.FindStringIndex(rest); loc != nil && len(strings.Fields(rest[:loc[0]])) <= 4 {
			rest = src.ent.target().name + " will " + rest[loc[0]+3:]
		}
	}
	f.content = strings.TrimSpace(rest)
	// A statement that X issued ("…, X said in a statement") is X's.
	if strings.Contains(strings.ToLower(tail), "statement") || strings.Contains(strings.ToLower(tail), " report") {
		r.doc = src.ent.target()
	}
	// Remember who spoke, for pronouns later.
	e := src.ent.target()
	switch {
	case src.anon || e.kind == "anonymous":
		r.plural = e
	case src.person:
		r.person = e
		if e.kind != "person" {
			r.org = e
		}
	case src.plural:
		r.plural = e
	case e.kind == "organisation" || e.kind == "outlet" || e.kind == "agency":
		r.org = e
	case e.kind == "group":
		r.plural = e
	}
	if e.kind == "document" && e.citedBy == nil {
		r.doc = e
	}
	return f
}

func properless(s string) bool {
	for i, w := range strings.Fields(s) {
		if i > 0 && isCap(w) {
			return false
		}
	}
	return true
}

// recipientName takes the name at the start of what follows "told".
func recipientName(s string) string {
	ws := strings.Fields(s)
	var out []string
	for i, w := range ws {
		cw := strings.Trim(w, ",.:;")
		if i == 0 && (cw == "the" || cw == "The") {
			out = append(out, cw)
			continue
		}
		if isCap(cw) || (cw == "&" || cw == "of" || cw == "and") && len(out) > 0 {
			out = append(out, cw)
			if strings.HasSuffix(w, ",") || strings.HasSuffix(w, ":") {
				break
			}
			continue
		}
		break
	}
	for len(out) > 0 && !isCap(out[len(out)-1]) {
		out = out[:len(out)-1]
	}
	if len(out) == 0 || len(out) == 1 && strings.EqualFold(out[0], "the") {
		return ""
	}
	return strings.Join(out, " ")
}

// claims makes the claims of one sentence from its frame.
func (r *registry) claims(s sentence, fr *frame, pub time.Time, prior []*draft) []*draft {
	text := normalizeQuotes(s.text)
	var content string
	var out []*draft
	if fr != nil && fr.verb == "called for" {
		return nil
	}
	// An outlet said to run the same story, or to have relayed it ("was relayed by X").
	if m := sameAccountRe.FindStringIndex(text); m != nil && len(prior) > 0 && !(fr != nil && fr.content != "" && agentlessRe.MatchString(stripPrefix(text))) {
		var who mention
		if fr != nil && fr.src.ent != nil {
			who = fr.src
		} else if i := strings.LastIndex(text, " by "); i >= 0 {
			run, before := properRun(strings.TrimRight(text[i+4:], "."))
			if run != "" {
				e := r.add(run, kindOfName(run, before))
				who = mention{ent: e}
			}
		} else {
			run, before := properRun(text[:m[0]])
			if run != "" {
				who = mention{ent: r.add(run, kindOfName(run, before))}
			}
		}
		if who.ent != nil {
			prev := prior[len(prior)-1]
			prev.add(&attr{ent: who.ent, stance: "reports", cues: []Cue{{For: "stance", Text: strings.TrimSpace(text[m[0]:m[1]])}}})
			return nil
		}
	}
	if fr == nil {
		content = stripPrefixClause(text)
	} else {
		content = fr.content
	}
	if fr != nil && (fr.stance == "disputes" || fr.stance == "disputes+asserts") {
		target := findTarget(fr.target, r.title, fr.src.ent, prior, true)
		if fr.stance == "disputes" && !fr.quoteKind && target != nil && !statesEnough(fr.target, target) {
			// A denial of a whole clause that no earlier claim states: the
			// denied proposition is a claim of its own.
			target = nil
		}
		if fr.reportBy.ent != nil {
			target = nil
		}
		if target != nil {
			target.add(&attr{ent: fr.src.ent, stance: "disputes", cues: fr.cues})
		}
		if fr.stance == "disputes" {
			if target != nil || fr.quoteKind {
				return nil
			}
			// A denial of what the report never states: the denied
			// proposition, disputed.
		}
	}
	var pieces []string
	var confirmed string
	if fr != nil && fr.stance == "confirms" {
		// "confirmed the delay but said …".
		c := content
		if i := strings.Index(c, " and said "); i >= 0 && !hasFiniteVerb(c[:i]) {
			confirmed, c = c[:i], thatRe.ReplaceAllString(c[i+len(" and said "):], "")
		} else if i := strings.Index(c, " but said "); i >= 0 {
			confirmed, c = c[:i], thatRe.ReplaceAllString(c[i+len(" but said "):], "")
		} else if i := strings.Index(c, ", but said "); i >= 0 {
			confirmed, c = c[:i], thatRe.ReplaceAllString(c[i+len(", but said "):], "")
		} else if !strings.HasPrefix(strings.ToLower(fr.content), "that ") && !hasFiniteVerb(c) && len(strings.Fields(c)) <= 8 {
			confirmed, c = c, ""
		} else {
			confirmed = c
		}
		target := findTarget(confirmed, r.title, fr.src.ent, prior, false)
		if target != nil && (hasFiniteVerb(confirmed) || len(strings.Fields(confirmed)) > 8) &&
			2*overlap(confirmed, target.content)+overlap(confirmed, target.sent.text) < 3 {
			// A clause confirmed that no earlier claim states: a claim of its own.
			target = nil
		}
		if target != nil && !target.hasSource(fr.src.ent) {
			target.add(&attr{ent: fr.src.ent, stance: "supports", cues: append(fr.cues, Cue{For: "stance", Text: fr.verb})})
			if c == confirmed {
				return nil
			}
		} else if c == "" {
			c = confirmed
		}
		content = c
	}
	// "said the forecast was wrong and that …": the first part disputes.
	if fr != nil && fr.stance == "asserts" && !fr.quote {
		if i := strings.Index(content, " and that "); i > 0 && evalRe.MatchString(content[:i]) {
			if t := findTarget(content[:i], r.title, fr.src.ent, prior, true); t != nil {
				t.add(&attr{ent: fr.src.ent, stance: "disputes", cues: []Cue{{For: "stance", Text: evalRe.FindString(content[:i])}}})
			}
			content = content[i+len(" and that "):]
		} else if evalRe.MatchString(content) && !fr.quoteKind && len(prior) > 0 && !strings.Contains(content, " because ") {
			// "said the number was wrong": a dispute, not a claim.
			if t := findTarget(content, r.title, fr.src.ent, prior, true); t != nil && overlap(content, t.content) > 0 {
				t.add(&attr{ent: fr.src.ent, stance: "disputes", cues: []Cue{{For: "stance", Text: evalRe.FindString(content)}}})
				return nil
			}
		} else if evalRe.MatchString(content) && strings.Contains(content, " because ") {
			i := strings.Index(content, " because ")
			if t := findTarget(content[:i], r.title, fr.src.ent, prior, true); t != nil {
				t.add(&attr{ent: fr.src.ent, stance: "disputes", cues: []Cue{{For: "stance", Text: evalRe.FindString(content)}}})
			}
		}
	}
	if !worthClaiming(content, fr) {
		return nil
	}
	if fr != nil && fr.quote || fr != nil && fr.quoteKind {
		pieces = []string{content}
	} else {
		pieces = splitClaims(content)
	}
	subject := subjectOf(pieces[0])
	for i, p := range pieces {
		pf := fr
		if i > 0 {
			// "…, and analysts at X predict that …": a frame of its own.
			if sub := r.frontFrame(p); sub != nil && sub.content != "" {
				pf, p = sub, sub.content
			} else if startsWithVerb(p) && subject != "" {
				p = subject + " " + p
			}
		}
		if !worthClaiming(p, pf) {
			continue
		}
		d := &draft{sent: s, content: p}
		d.subject = subjectOf(p)
		d.quote = pf != nil && pf.quote
		r.attribute(d, pf)
		d.kind, d.cues = kindOf(p, pf, d.cues)
		if d.kind == "forecast" {
			d.due, d.dated, d.cues = dueDate(p, pub, d.cues)
		}
		d.text = neutralText(p, d, pf)
		out = append(out, d)
	}
	return out
}

// statesEnough says whether an earlier claim states what a denial
// denies: a denied clause with its own verb shares at least two words or
// half its words with it.
func statesEnough(denied string, d *draft) bool {
	denied = thatRe.ReplaceAllString(strings.TrimSpace(denied), "")
	denied, _, _ = strings.Cut(denied, ", ")
	if !hasFiniteVerb(denied) && !pastVerbIn(denied) {
		return true
	}
	var content []string
	for _, w := range words(strings.ToLower(denied)) {
		if !stop[w] {
			content = append(content, w)
		}
	}
	if len(content) < 4 {
		return true
	}
	n := overlapStems(content, stemSet(d.content+" "+d.sent.text))
	return n >= 2 && 2*n >= len(content)/2
}

// attribute gives a draft the sources of its frame, or the report's outlet.
func (r *registry) attribute(d *draft, fr *frame) {
	if fr == nil || fr.src.ent == nil {
		if r.outlet != nil {
			d.add(&attr{ent: r.outlet, stance: "asserts", cues: []Cue{{For: "attribution", Text: "no attribution: the report's own statement"}}})
		}
		return
	}
	src := fr.src.ent.target()
	cues := fr.cues
	switch {
	case src.kind == "anonymous" || src.kind == "document" && src.citedBy != nil:
		pub := src.citedBy
		if pub == nil && fr.recipient.ent != nil {
			pub = fr.recipient.ent.target()
			src.citedBy = pub
		}
		if pub == nil {
			pub = r.outlet
			src.citedBy = pub
		}
		if src.kind == "anonymous" && pub != nil {
			src.name = anonName(src.name, pub.name)
		}
		if pub != nil {
			d.add(&attr{ent: pub, stance: "asserts", via: src, cues: append(cues, Cue{For: "via", Text: fr.src.words})})
		}
		return
	}
	stance := "asserts"
	if fr.stance == "disputes" {
		// A denial of what no earlier claim states.
		stance = "disputes"
	}
	if fr.reportBy.ent != nil {
		d.add(&attr{ent: fr.reportBy.ent.target(), stance: "asserts", cues: []Cue{{For: "attribution", Text: "a report in " + fr.reportBy.ent.target().name}}})
	}
	via := fr.via
	if via != nil {
		via = via.target()
		if via.kind == "anonymous" {
			via.citedBy = src
			via.name = anonName(via.name, src.name)
		}
	}
	d.add(&attr{ent: src, stance: stance, via: via, cues: cues})
	if rec := fr.recipient.ent; rec != nil && rec.target() != r.outlet && rec.target() != src {
		k := rec.target().kind
		if k == "outlet" || k == "agency" || k == "organisation" && kindOfName(rec.target().name, "") != "person" {
			rec.target().kind = map[bool]string{true: "agency", false: "outlet"}[k == "agency"]
			d.add(&attr{ent: rec, stance: "reports", cues: []Cue{{For: "stance", Text: "told " + rec.target().name}}})
		}
	}
}

func anonName(name, by string) string {
	if i := strings.Index(name, " cited by "); i >= 0 {
		name = name[:i]
	}
	return name + " cited by " + by
}

// worthClaiming says whether a proposition is a checkable claim.
func worthClaiming(content string, fr *frame) bool {
	c := strings.TrimSpace(content)
	ws := words(c)
	// "called it false and said talks were continuing": a short answer counts.
	answer := len(ws) == 3 && hasFiniteVerb(c) && fr != nil && fr.stance == "disputes+asserts"
	if len(ws) < 4 && !answer {
		return false
	}
	if demandRe.MatchString(c) || (feelingRe.MatchString(c) || mustRe.MatchString(c)) && !hasDigit(c) {
		return false
	}
	if hypoRe.MatchString(c) && !hasDigit(c) {
		return false
	}
	if fr == nil || fr.src.ent == nil {
		main := mainClause(c)
		// Lower the first letter only: "May" further on is a month.
		for i, ch := range main {
			main = string(unicode.ToLower(ch)) + main[i+len(string(ch)):]
			break
		}
		if specRe.MatchString(main) {
			return false
		}
	}
	if fr != nil && fr.quote && !hasDigit(c) && !hasTense(c) && !hasProper(c) {
		return false // a generality: "fences keep walkers safe"
	}
	return true
}

// feelingRe: feelings are no claims ("fans were shocked").
var feelingRe = regexp.MustCompile(`(?i)\b(?:is|are|was|were|felt|feel|feels|remain|remains)\s+["“]?(?:deeply\s+|very\s+|so\s+)?(?:shocked|saddened|sad|delighted|disappointed|angry|upset|thrilled|devastated|heartbroken|proud|pleased|happy|worried|concerned|relieved|frustrated|furious|excited|surprised|horrified|appalled)\b`)

var tenseRe = regexp.MustCompile(`(?i)\b(is|are|was|were|has|have|had|will|would|did|not|no|never|been|being|\w+ed|\w+n't)\b`)

func hasTense(s string) bool { return tenseRe.MatchString(s) }

func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}

func hasProper(s string) bool {
	for i, w := range strings.Fields(s) {
		if i > 0 && isCap(strings.Trim(w, quoteChars+"(")) {
			return true
		}
	}
	return false
}

// stripPrefixClause trims a sentence for use as a claim's proposition.
func stripPrefixClause(s string) string {
	t := strings.TrimSpace(s)
	t = strings.TrimRight(t, ".")
	return t
}

// mainClause is a proposition without its relative clauses, trailing
// participle clauses and adverbial opening.
func mainClause(s string) string {
	s = relativeRe.ReplaceAllString(s, ",")
	if m := prefixRe.FindString(s); m != "" && strings.HasSuffix(strings.TrimSpace(m), ",") {
		s = s[len(m):]
	}
	if loc := subClauseRe.FindStringIndex(s); loc != nil {
		s = s[:loc[0]]
	}
	return s
}

// kindOf decides statement, forecast or quote.
func kindOf(p string, fr *frame, cues []Cue) (string, []Cue) {
	if fr != nil && fr.quoteKind {
		return "quote", append(cues, Cue{For: "kind", Text: fr.verb + " + quotation marks"})
	}
	main := mainClause(p)
	// "promised to the port": given to someone, not promised to do.
	main = promisedToRe.ReplaceAllString(main, "$1 for $2")
	if fr != nil && !fr.quote && evaluationQuote(p) && !hasDigit(p) && !monthRe.MatchString(p) {
		return "quote", append(cues, Cue{For: "kind", Text: "quoted words"})
	}
	if fr != nil && forecastVerbRe.MatchString(fr.verb) && (regexp.MustCompile(`\bto [a-z]+`).MatchString(p) || !hasFiniteVerb(p) && !pastVerbIn(p)) {
		// "expects to open", "forecast more rain by Saturday": a forecast.
		return "forecast", append(cues, Cue{For: "kind", Text: fr.verb})
	}
	if pastDueRe.MatchString(main) && !regexp.MustCompile(`(?i)\b(will|would)\b`).MatchString(main) {
		return "statement", append(cues, Cue{For: "kind", Text: pastDueRe.FindString(main)})
	}
	if m := futureRe.FindString(main); m != "" {
		if strings.EqualFold(m, "until") {
			if ds := findDates(main, time.Time{}); len(ds) == 0 && !monthRe.MatchString(main) {
				goto notFuture
			}
		}
		return "forecast", append(cues, Cue{For: "kind", Text: m})
	}
notFuture:
	// "could be signed within ten days": a hedged forecast with a date ahead.
	if m := hedgeRe.FindStringIndex(main); m != nil {
		for _, d := range findDates(main[m[0]:], time.Time{}) {
			if !d.vague || strings.Contains(d.text, "within") {
				return "forecast", append(cues, Cue{For: "kind", Text: main[m[0]:m[1]]})
			}
		}
	}
	return "statement", cues
}

var hedgeRe = regexp.MustCompile(`\b(could|may|might|is likely to|are likely to)\b`)

var monthRe = regexp.MustCompile(`\b(January|February|March|April|May|June|July|August|September|October|November|December)\b`)

var toVerbRe = regexp.MustCompile(`\bto [a-z]`)

var promiseVerbRe = regexp.MustCompile(`^(pledged|pledges|promised|promises|vowed|vows|threatened|threatens)$`)

var forecastVerbRe = regexp.MustCompile(`^(expects|expected|predicted|predicts|forecast|forecasts|projected|projects)$`)

// evaluationQuote says whether a proposition quotes the speaker's own
// words inside it, in lower case: an evaluation ("called it "a threat"",
// "said it was "a sad day" for the town"), not a title.
func evaluationQuote(p string) bool {
	i := strings.IndexAny(p, quoteChars)
	if i <= 0 {
		return false
	}
	rest := strings.TrimLeft(p[i:], quoteChars)
	for _, c := range rest {
		return unicode.IsLower(c)
	}
	return false
}

// dueDate resolves the date a forecast is due by: the first date after its
// future marker that is not past, else the first that is not past.
func dueDate(p string, pub time.Time, cues []Cue) (string, bool, []Cue) {
	dates := findDates(p, pub)
	marker := futureRe.FindStringIndex(p)
	pick := func(after int) *dateExpr {
		for i := range dates {
			d := &dates[i]
			if d.start < after {
				continue
			}
			if d.vague || !d.date.Before(pub) {
				return d
			}
		}
		return nil
	}
	var chosen *dateExpr
	if marker != nil {
		chosen = pick(marker[0])
	}
	if chosen == nil {
		chosen = pick(0)
	}
	if chosen == nil {
		return "", false, cues
	}
	cues = append(cues, Cue{For: "due_date", Text: chosen.text})
	if chosen.vague || chosen.date.IsZero() {
		return "", true, cues
	}
	return chosen.date.Format(DateLayout), true, cues
}

// splitClaims splits a proposition where its parts can be checked apart:
// "…, and that …", "… and is expected to …", "… but would …", "…, leaving
// 400 places empty".
func splitClaims(c string) []string {
	var out []string
	rest := c
	for range 4 {
		i, j := splitPoint(rest)
		if i < 0 {
			break
		}
		left := strings.TrimSpace(strings.TrimRight(rest[:i], ", "))
		out = append(out, left)
		rest = strings.TrimSpace(rest[j:])
	}
	return append(out, rest)
}

var (
	conjRe     = regexp.MustCompile(`(,?\s+and\s+|,?\s+but\s+|,\s+(?:leaving|bringing|taking|putting|making)\s+|,\s+(?:adding|noting|warning|arguing|saying) that\s+)`)
	auxStartRe = regexp.MustCompile(`^(?:(?:also|then|later|last|now|still|already|is|are)\s+)?(?:is|are|was|were|will|would|has|have|had|can|could|expects|expected|plans|said|says|added|predicted|called|described|forecast|warned|estimated|put|puts)\b`)
	verbLikeRe = regexp.MustCompile(`^(?:(?:also|then|later|last|now|still|already)\s+)?([a-z]+(?:ed|s)|lent|sold|bought|made|took|held|met|paid|won|lost|rose|fell|grew|began|built|cut|spent|set|left|sent|led|brought|became|gave|saw|found|ran|reach|run|own|employ|operate|serve|cover|hold)\b`)
	detRe      = regexp.MustCompile(`^(?:the|a|an|its|their|his|her|this|that|these|those|some|all|both|each|every|more|most|other|such|no|any|many|several|about|around|nearly|almost|over|under|up|in|on|at|by|for|of|to|from|with|without|into|as|than)\b`)
	npVerbRe   = regexp.MustCompile(`^((?:[\p{L}\p{N}'’&\-]+,?\s+){1,7}?)(will|would|is|are|was|were|has|have|had|can|[a-z]+ed)\b`)
	numberRe   = regexp.MustCompile(`\d`)
)

// splitPoint finds where a proposition splits: the end of the first part
// and the start of the second, or -1.
func splitPoint(c string) (int, int) {
	for _, loc := range conjRe.FindAllStringIndex(c, -1) {
		left, right := c[:loc[0]], c[loc[1]:]
		conj := strings.TrimSpace(strings.Trim(c[loc[0]:loc[1]], ", "))
		if !hasFiniteVerb(left) && !pastVerbIn(left) {
			continue
		}
		if strings.Count(left, "\"")%2 == 1 || strings.Count(left, "“") > strings.Count(left, "”") {
			continue // inside a quotation
		}
		switch {
		case strings.HasSuffix(conj, "that"):
			return loc[0], loc[1]
		case strings.HasPrefix(conj, "leaving") || strings.HasPrefix(conj, "bringing") || strings.HasPrefix(conj, "taking") ||
			strings.HasPrefix(conj, "putting") || strings.HasPrefix(conj, "making"):
			if numberRe.MatchString(right) && numberRe.MatchString(left) {
				return loc[0], loc[0] + 1
			}
		case strings.HasPrefix(right, "that "):
			return loc[0], loc[1] + len("that ")
		case auxStartRe.MatchString(right):
			return loc[0], loc[1]
		case conj == "and" && strings.HasPrefix(c[loc[0]:], ",") && verbLikeRe.MatchString(right) && !detRe.MatchString(right):
			return loc[0], loc[1]
		case conj == "and" && npVerbRe.MatchString(right) && !strings.HasPrefix(right, "the ") || conj == "and" && strings.HasPrefix(c[loc[0]:], ",") && npVerbRe.MatchString(right):
			m := npVerbRe.FindStringSubmatch(right)
			if len(strings.Fields(m[1])) <= 7 && (isCap(right) || strings.HasPrefix(c[loc[0]:], ",") || numberRe.MatchString(right)) {
				return loc[0], loc[1]
			}
		case conj == "and" && numberRe.MatchString(left) && numberRe.MatchString(right) && verbLikeRe.MatchString(right) && !detRe.MatchString(right):
			return loc[0], loc[1]
		}
	}
	return -1, -1
}

var pastRe = regexp.MustCompile(`\b([a-z]{3,}ed|bought|sold|lent|rose|fell|grew|held|met|paid|won|lost|began|built|cut|spent|made|took|runs|employs|found|have|reach|own)\b`)

func pastVerbIn(s string) bool { return pastRe.MatchString(s) }

func startsWithVerb(p string) bool {
	return auxStartRe.MatchString(p) || verbLikeRe.MatchString(p) && !detRe.MatchString(p) && !isCap(p)
}

// subjectOf is the words before the first verb of a proposition.
func subjectOf(p string) string {
	loc := finiteRe.FindStringIndex(p)
	if l2 := pastRe.FindStringIndex(p); l2 != nil && (loc == nil || l2[0] < loc[0]) {
		loc = l2
	}
	if loc == nil || loc[0] == 0 {
		return ""
	}
	s := strings.TrimSpace(p[:loc[0]])
	if len(strings.Fields(s)) > 12 {
		return ""
	}
	return s
}

// neutralText is the claim in one line without its attribution.
func neutralText(p string, d *draft, fr *frame) string {
	t := strings.TrimSpace(p)
	t = strings.Trim(t, quoteChars+" ")
	t = strings.ReplaceAll(t, "“", "")
	t = strings.ReplaceAll(t, "”", "")
	t = strings.ReplaceAll(t, "\"", "")
	name := ""
	if fr != nil && fr.src.ent != nil {
		name = fr.src.ent.target().name
	}
	if name != "" {
		for _, pro := range []string{"it ", "he ", "she ", "they ", "It ", "He ", "She ", "They "} {
			if strings.HasPrefix(t, pro) {
				t = name + " " + t[len(pro):]
				break
			}
		}
		for _, pro := range []string{"its ", "Its ", "their ", "Their ", "his ", "His ", "her ", "Her "} {
			if strings.HasPrefix(t, pro) {
				t = name + "'s " + t[len(pro):]
				break
			}
		}
	}
	if d.kind == "forecast" {
		t = replaceWord(t, "would", "will")
	}
	if d.kind == "quote" && name != "" && !strings.HasPrefix(t, name) {
		verb := "said"
		if fr.quoteKind {
			verb = fr.verb
		}
		t = name + " " + verb + " " + t
	}
	t = capitalise(strings.TrimSpace(t))
	t = strings.TrimRight(t, ",;: ")
	if !strings.HasSuffix(t, ".") && !strings.HasSuffix(t, "?") && !strings.HasSuffix(t, "!") {
		t += "."
	}
	if len(t) > 500 {
		t = t[:497] + "..."
	}
	return t
}

func replaceWord(s, from, to string) string {
	re := regexp.MustCompile(`\b` + from + `\b`)
	loc := re.FindStringIndex(s)
	if loc == nil {
		return s
	}
	return s[:loc[0]] + to + s[loc[1]:]
}

// findTarget finds the earlier claim a denial or a confirmation is about:
// the one sharing most words (numbers counting double), else the latest
// made by someone else.
func findTarget(hint, title string, by *entity, prior []*draft, dispute bool) *draft {
	var best *draft
	bestScore := 0
	hintWords := words(strings.ToLower(hint))
	// A reply answers what the report said not long before: the claims of
	// the last targetWindow are looked at, which bounds the work on a long
	// text.
	for i := len(prior) - 1; i >= 0 && i >= len(prior)-targetWindow; i-- {
		d := prior[i]
		if by != nil && d.hasSource(by) && !dispute {
			continue
		}
		if d.contentStems == nil {
			d.contentStems, d.sentStems = stemSet(d.content), stemSet(d.sent.text)
		}
		if score := 2*overlapStems(hintWords, d.contentStems) + overlapStems(hintWords, d.sentStems); score > bestScore {
			best, bestScore = d, score
		}
	}
	if best != nil {
		return best
	}
	// "the figure", "that number": the latest claim with a figure.
	if figureRe.MatchString(hint) {
		for i := len(prior) - 1; i >= 0; i-- {
			if hasDigit(prior[i].content) && (by == nil || !prior[i].hasSource(by)) {
				return prior[i]
			}
		}
	}
	// A denial in the headline's words is about the claim the headline
	// is about.
	if title != "" && overlap(hint, title) > 0 {
		for i := range prior {
			if score := overlap(title, prior[i].content); score > bestScore && (by == nil || !prior[i].hasSource(by)) {
				best, bestScore = prior[i], score
			}
		}
		if best != nil {
			return best
		}
	}
	for i := len(prior) - 1; i >= 0; i-- {
		if by == nil || !prior[i].hasSource(by) {
			return prior[i]
		}
	}
	return nil
}

var figureRe = regexp.MustCompile(`(?i)\b(figure|figures|number|numbers|estimate|estimates|percentage|total|count|statistics?|forecast)\b`)

var stop = wordSet("the a an of to in on at by for from with and or but that this these those it its is are was were " +
	"be been has have had will would said says any all no not as than more most into about over after before since " +
	"their his her they he she we our us also only which who what when there here then up out new first last year " +
	"years percent per cent")

// overlap counts the content words two texts share, numbers counting double.
func overlap(a, b string) int {
	return overlapStems(words(strings.ToLower(a)), stemSet(b))
}

// targetWindow is how many of the latest claims a reply or denial is
// matched against.
const targetWindow = 40

// stemSet is the set of the stems of the words of s.
func stemSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range words(strings.ToLower(s)) {
		set[stemWord(w)] = true
	}
	return set
}

// overlapStems is overlap with a's words and b's stems already worked out.
func overlapStems(aWords []string, set map[string]bool) int {
	n := 0
	seen := map[string]bool{}
	for _, w := range aWords {
		s := stemWord(w)
		if stop[w] || seen[s] || !set[s] {
			continue
		}
		seen[s] = true
		if hasDigit(w) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// stemWord folds plurals and common endings: enough to match "weeks" with
// "week" and "shrinking" with "shrunk" no, but "openings" with "opening".
func stemWord(w string) string {
	w = strings.ToLower(w)
	w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
	for _, suf := range []string{"ings", "ing", "ed", "es", "s"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
			return w[:len(w)-len(suf)]
		}
	}
	if i := strings.IndexByte(w, '-'); i > 0 {
		return w[:i]
	}
	return w
}

// mergeSame joins claims that state the same proposition: the one stated
// more fully keeps the sentence (the first on a tie), with every source.
func mergeSame(ds []*draft) []*draft {
	var out []*draft
	sets := map[*draft]map[string]bool{}
	nums := map[*draft]string{}
	for _, d := range ds {
		sets[d] = wordSetOf(d.content)
		nums[d] = strings.Join(numRe.FindAllString(d.content, -1), " ")
	}
	for _, d := range ds {
		merged := false
		for _, o := range out {
			if nums[d] == nums[o] && setJaccard(sets[d], sets[o]) >= 0.6 && sameNumbers(d.content, o.content) {
				for _, a := range d.attrs {
					o.add(a)
				}
				if len(words(d.sent.text)) > len(words(o.sent.text))+3 {
					o.sent, o.text = d.sent, d.text
				}
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, d)
		}
	}
	return out
}

var numRe = regexp.MustCompile(`\d[\d,.]*`)

// sameNumbers says whether two texts hold the same figures.
func sameNumbers(a, b string) bool {
	na, nb := numRe.FindAllString(a, -1), numRe.FindAllString(b, -1)
	if len(na) != len(nb) {
		return false
	}
	for i := range na {
		if strings.TrimRight(na[i], ".,") != strings.TrimRight(nb[i], ".,") {
			return false
		}
	}
	return true
}

func wordSetOf(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range words(strings.ToLower(s)) {
		set[w] = true
	}
	return set
}

func setJaccard(sa, sb map[string]bool) float64 {
	if len(sa) == 0 || len(sb) == 0 {
		return 0
	}
	small, large := sa, sb
	if len(small) > len(large) {
		small, large = large, small
	}
	// Too different in size to reach the bar.
	if float64(len(small)) < 0.6*float64(len(large)) {
		return 0
	}
	inter := 0
	for w := range small {
		if large[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(sa)+len(sb)-inter)
}

func jaccard(a, b string) float64 {
	sa, sb := map[string]bool{}, map[string]bool{}
	for _, w := range words(strings.ToLower(a)) {
		sa[w] = true
	}
	for _, w := range words(strings.ToLower(b)) {
		sb[w] = true
	}
	if len(sa) == 0 || len(sb) == 0 {
		return 0
	}
	inter := 0
	for w := range sa {
		if sb[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(sa)+len(sb)-inter)
}

// inheritWindow is how many claims back a forecast looks for the dated one
// it belongs to.
const inheritWindow = 40

// inheritDates gives a forecast with no time of its own the date of the
// dated forecast before it about the same thing ("the plant will employ
// 250 people" after "a bottling plant by the end of 2028").
func inheritDates(ds []*draft) {
	for i, d := range ds {
		if d.kind != "forecast" || d.dated || d.subject == "" {
			continue
		}
		subj := strings.ToLower(d.subject)
		for j := i - 1; j >= 0 && j >= i-inheritWindow; j-- {
			p := ds[j]
			if p.kind != "forecast" || p.due == "" {
				continue
			}
			if overlap(subj, p.content) > 0 {
				d.due = p.due
				d.cues = append(d.cues, Cue{For: "due_date", Text: "the date of the forecast it belongs to: " + p.due})
				break
			}
		}
	}
}

// settleReportedly gives claims said to be reported, with no source, to the
// outlet the report cites for its second-hand news, else to its own
// outlet, reporting.
func (r *registry) settleReportedly(ds []*draft) {
	if len(ds) == 0 {
		return
	}
	var cited *entity
	var via *entity
	for _, e := range r.ents {
		if e.kind == "anonymous" && e.citedBy != nil && e.citedBy != r.outlet && (e.citedBy.kind == "outlet" || e.citedBy.kind == "agency") {
			cited, via = e.citedBy, e
			break
		}
	}
	for _, d := range ds {
		d.attrs = nil
		cue := []Cue{{For: "attribution", Text: reportedlyRe.FindString(d.content)}}
		if cited != nil {
			d.add(&attr{ent: cited, stance: "asserts", via: via, cues: cue})
		} else if r.outlet != nil {
			d.add(&attr{ent: r.outlet, stance: "reports", cues: cue})
		}
	}
}

// linkClaim reads a related link whose text is an attributed claim:
// "Read more: The mill will close: The Daily Loom".
func (r *registry) linkClaim(line string, after, base int) *draft {
	rest := line[after:]
	i := strings.LastIndex(rest, ": ")
	if i < 0 {
		return nil
	}
	claim, src := strings.TrimSpace(rest[:i]), strings.TrimSpace(rest[i+2:])
	if len(strings.Fields(src)) > 5 || !isCap(src) || len(words(claim)) < 4 {
		return nil
	}
	run, _ := properRun(src)
	if run != src {
		return nil
	}
	kind := kindOfName(src, "")
	if kind == "person" {
		kind = "outlet"
	}
	e := r.add(src, kind)
	start := base + after
	d := &draft{sent: sentence{text: rest, start: start, end: start + len(rest)}, content: claim}
	d.add(&attr{ent: e, stance: "asserts", cues: []Cue{{For: "attribution", Text: "link text followed by its source"}}})
	d.kind, d.cues = kindOf(claim, nil, nil)
	d.text = neutralText(claim, d, nil)
	return d
}

// correction reads "Correction: A previous version of this story said
// …": the outlet asserted it and now disputes it.
func (r *registry) correction(line string, after, base int) *draft {
	sents := sentences(line, base, -1)
	if len(sents) == 0 || r.outlet == nil {
		return nil
	}
	first := sents[0]
	body := strings.TrimSpace(line[after:])
	end := strings.Index(body, ". ")
	stmt := body
	if end > 0 {
		stmt = body[:end+1]
	}
	m := earlierSaidRe.FindStringSubmatch(strings.TrimSuffix(stmt, "."))
	if m == nil {
		return nil
	}
	d := &draft{sent: first, content: m[1]}
	cue := []Cue{{For: "stance", Text: "correction"}}
	d.add(&attr{ent: r.outlet, stance: "asserts", cues: cue})
	d.add(&attr{ent: r.outlet, stance: "disputes", cues: cue})
	d.kind = "statement"
	d.text = neutralText(m[1], d, nil)
	return d
}
