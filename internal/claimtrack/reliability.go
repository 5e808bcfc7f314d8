package claimtrack

import (
	"cmp"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// ReliabilityMin is how many resolved links a source needs before its score
// is taken as a judgement. Below it the pages show the counts alone ("1 of 2
// went its way"), no percentage, and the source is not ranked.
const ReliabilityMin = 3

// ReliabilityLevel is the probability mass of the credible interval shown
// with every score.
const ReliabilityLevel = 0.90

// TakesSide reports whether a link with this stance says something about the
// claim's truth; a source that merely reports a claim is not judged by it.
func (s Stance) TakesSide() bool {
	return s == StanceAsserts || s == StanceSupports || s == StanceDisputes
}

// Credit is what one evidence link adds to its source's record, in halves so
// that a partly-true verdict (half each way) stays exact in integers.
type Credit struct {
	AgreeHalves, DisagreeHalves int
	Open                        int // 1 when the link takes a side on a claim without a verdict yet
}

// LinkCredit is the credit a link with the given stance earns its source (and
// the source it was relayed via) from a claim with the given status:
//
//   - asserting or supporting a claim later confirmed, or disputing one later
//     refuted, agrees with the verdict; the opposite cases disagree;
//   - a partly-true verdict counts half each way;
//   - a "reports" link never counts, and a link on an open claim counts only
//     as open.
func LinkCredit(stance Stance, status Status) Credit {
	if !stance.TakesSide() {
		return Credit{}
	}
	backs := stance != StanceDisputes // asserts or supports
	switch status {
	case StatusConfirmed:
		if backs {
			return Credit{AgreeHalves: 2}
		}
		return Credit{DisagreeHalves: 2}
	case StatusRefuted:
		if backs {
			return Credit{DisagreeHalves: 2}
		}
		return Credit{AgreeHalves: 2}
	case StatusPartlyTrue:
		return Credit{AgreeHalves: 1, DisagreeHalves: 1}
	}
	return Credit{Open: 1}
}

// Add returns the sum of two credits.
func (c Credit) Add(d Credit) Credit {
	return Credit{c.AgreeHalves + d.AgreeHalves, c.DisagreeHalves + d.DisagreeHalves, c.Open + d.Open}
}

// Sub returns c less d.
func (c Credit) Sub(d Credit) Credit {
	return Credit{c.AgreeHalves - d.AgreeHalves, c.DisagreeHalves - d.DisagreeHalves, c.Open - d.Open}
}

// Agree is the number of resolved links that agree with their verdict.
func (c Credit) Agree() float64 { return float64(c.AgreeHalves) / 2 }

// Disagree is the number of resolved links that disagree with their verdict.
func (c Credit) Disagree() float64 { return float64(c.DisagreeHalves) / 2 }

// Resolved is the number of links on claims with a verdict.
func (c Credit) Resolved() float64 { return c.Agree() + c.Disagree() }

// HasVerdicts reports whether any link of the record is on a claim with a
// verdict. Without one a source has no track record yet: nothing about it
// is known, and no score is shown.
func (c Credit) HasVerdicts() bool { return c.AgreeHalves+c.DisagreeHalves > 0 }

// Score is a source's reliability: the mean of Beta(1 + agree, 1 + disagree),
// the posterior of "a link of this source agrees with the verdict" under a
// uniform prior, with its central credible interval.
type Score struct {
	Mean, Low, High float64
	// Enough is false when fewer than ReliabilityMin resolved links stand
	// behind the score: too few to judge, so the pages show no percentage.
	Enough bool
}

// ScoreOf computes the score of a record.
func ScoreOf(c Credit) Score {
	// Counts are never below zero; were one ever (a damaged record), the
	// score is that of none rather than a failed page: claimtrack check and
	// repair are there for the record itself.
	b := distuv.Beta{Alpha: 1 + max(c.Agree(), 0), Beta: 1 + max(c.Disagree(), 0)}
	tail := (1 - ReliabilityLevel) / 2
	return Score{
		Mean:   b.Mean(),
		Low:    b.Quantile(tail),
		High:   b.Quantile(1 - tail),
		Enough: c.Resolved() >= ReliabilityMin,
	}
}

// CompareScores orders scores best first: those with enough resolved links
// before those without, then by the interval's lower bound (the score a
// source can be trusted to reach), then by the mean. It never ranks by the
// raw ratio, which would put one lucky claim above fifty good ones.
func CompareScores(a, b Score) int {
	if a.Enough != b.Enough {
		if a.Enough {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(b.Low, a.Low); c != 0 {
		return c
	}
	return cmp.Compare(b.Mean, a.Mean)
}

// SourceRecord is a source's track record as stored: the credit of its links,
// how many claims it is linked to, and its score; and the same split into
// the statements (about the present or past, quotes included) and the
// forecasts it took a side on, under the same rules.
type SourceRecord struct {
	Credit  Credit
	Claims  int // distinct claims linked, directly or as a "via"
	Changes int // changes of its resolved record so far
	Score   Score

	Statements, Forecasts KindRecord
}

// RecordKind names one of the two parts of a source's record.
type RecordKind string

// The parts of a record.
const (
	RecordStatements RecordKind = "statements"
	RecordForecasts  RecordKind = "forecasts"
)

// RecordKindOf is the part of its sources' records a claim of kind k counts
// in: forecasts, or statements (quotes are statements about what was said).
func RecordKindOf(k ClaimKind) RecordKind {
	if k == KindForecast {
		return RecordForecasts
	}
	return RecordStatements
}

// KindRecord is one part of a source's record: the credit of its links on
// claims of that kind, how many such claims, and the score.
type KindRecord struct {
	Credit Credit
	Claims int
	Score  Score
}

// Part is the part of the record of kind k.
func (r *SourceRecord) Part(k RecordKind) *KindRecord {
	if k == RecordForecasts {
		return &r.Forecasts
	}
	return &r.Statements
}

// AsRecord is a part of a record as a record of its own: its credit, claims
// and score (a part keeps no history of its own).
func (k KindRecord) AsRecord() SourceRecord {
	return SourceRecord{Credit: k.Credit, Claims: k.Claims, Score: k.Score}
}

// Rescore computes the scores of the record and of its parts from their
// credits.
func (r *SourceRecord) Rescore() {
	r.Score = ScoreOf(r.Credit)
	r.Statements.Score = ScoreOf(r.Statements.Credit)
	r.Forecasts.Score = ScoreOf(r.Forecasts.Credit)
}

// ScoreChange is one change of a source's resolved record: a verdict on a
// claim it took a side on, a link added to a claim with a verdict, such a
// link edited or removed; and the record after it.
type ScoreChange struct {
	N       int // 1 for the source's first change, 2 for the next …
	EventID int64
	At      time.Time
	Claim   *Claim // the claim, as it is now
	Stance  Stance // the source's stance on the claim
	Relayed bool   // the source was the link's "via"
	Status  Status // the claim's status after this change
	Credit  Credit // the source's record after this change
	// Removed is true when the change is the link's removal, or an edit
	// that took the source off the link: what the link had counted is taken
	// back, and the claim no longer counts for the source through it.
	Removed bool
	// Edited is true when the change is an edit of the link (its stance,
	// source or via).
	Edited bool
}

// Superseded reports whether the claim's verdict has changed since. A
// removal is never superseded: the link no longer counts, whatever the
// verdict becomes.
func (c *ScoreChange) Superseded() bool {
	return !c.Removed && c.Claim != nil && c.Claim.Status != c.Status
}

// Effect says in words how the change counted for the source.
func (c *ScoreChange) Effect() string {
	switch {
	case c.Removed && c.Edited:
		return "link edited: no longer counts"
	case c.Removed:
		return "link removed: no longer counts"
	}
	effect := "no longer counts"
	credit := LinkCredit(c.Stance, c.Status)
	switch {
	case credit.AgreeHalves == 2:
		effect = "agrees with the verdict"
	case credit.DisagreeHalves == 2:
		effect = "disagrees with the verdict"
	case credit.AgreeHalves == 1:
		effect = "counts half each way"
	}
	if c.Edited {
		return "link edited: " + effect
	}
	return effect
}

// ScorePoint is a source's record just after one change, for its chart.
type ScorePoint struct {
	N      int
	At     time.Time
	Credit Credit
	Score  Score
}

// Link is what the reliability rules need of an evidence link: its source,
// the source it was relayed via (0 for none), its stance, and the part of
// the records its claim counts in.
type Link struct {
	Source, Via int64
	Stance      Stance
	Kind        RecordKind
}

// LinkSide is one source a link credits.
type LinkSide struct {
	SourceID int64
	Relayed  bool // the source is the link's "via"
}

// Sides are the sources a link credits: its own, and the one it was relayed
// via, if any.
func (l Link) Sides() []LinkSide {
	if l.Via == 0 || l.Via == l.Source {
		return []LinkSide{{SourceID: l.Source}}
	}
	return []LinkSide{{SourceID: l.Source}, {SourceID: l.Via, Relayed: true}}
}

// A Move is one change a change of the tracker makes to one source's record:
// the credit it adds (or, negative, takes back), to the whole record and to
// the part of it the claim counts in.
type Move struct {
	LinkSide
	Stance Stance // the stance of the link that moves
	Delta  Credit
	Kind   RecordKind // the part the credit goes to
	// PartOnly moves credit between the parts: the whole record stays as it
	// was (a claim's kind changed). Claims is then the change to the part's
	// count of claims.
	PartOnly bool
	Claims   int
}

// LinkAdded are the moves of a link added to a claim with the given status:
// its credit goes to each of its sources.
func LinkAdded(l Link, status Status) []Move {
	return linkMoves(l, LinkCredit(l.Stance, status))
}

// LinkRemoved are the moves of a link taken off a claim with the given
// status: what it counted is taken back from each of its sources.
func LinkRemoved(l Link, status Status) []Move {
	return linkMoves(l, Credit{}.Sub(LinkCredit(l.Stance, status)))
}

// LinkEdited are the moves of a link changed on a claim with the given
// status: the old link's credit is taken back and the new one's given, in
// one move per source (a source on the link before and after moves by the
// difference). Nothing moves when neither the sources nor the stance changed.
func LinkEdited(old, new Link, status Status) []Move {
	if old == new {
		return nil
	}
	out := LinkRemoved(old, status)
	for _, m := range LinkAdded(new, status) {
		if i := slices.IndexFunc(out, func(o Move) bool { return o.SourceID == m.SourceID }); i >= 0 {
			out[i] = Move{LinkSide: m.LinkSide, Stance: m.Stance, Delta: out[i].Delta.Add(m.Delta), Kind: m.Kind}
			continue
		}
		out = append(out, m)
	}
	return out
}

// VerdictGiven are the moves of a claim's status changing from one status to
// another: each link's credit moves from what the old status gave to what the
// new one gives. Links whose credit does not change make no move.
func VerdictGiven(links []Link, from, to Status) []Move {
	if from == to {
		return nil
	}
	var out []Move
	for _, l := range links {
		delta := LinkCredit(l.Stance, to).Sub(LinkCredit(l.Stance, from))
		if delta != (Credit{}) {
			out = append(out, linkMoves(l, delta)...)
		}
	}
	return out
}

func linkMoves(l Link, delta Credit) []Move {
	sides := l.Sides()
	out := make([]Move, len(sides))
	for i, side := range sides {
		out[i] = Move{LinkSide: side, Stance: l.Stance, Delta: delta, Kind: l.Kind}
	}
	return out
}

// KindChanged are the moves of a claim whose kind moved it from one part of
// its sources' records to the other: each link's credit leaves the old part
// and joins the new one, and each source counts the claim in the new part
// instead of the old. The whole records do not move.
func KindChanged(links []Link, from, to RecordKind, status Status) []Move {
	if from == to {
		return nil
	}
	var out []Move
	counted := map[int64]bool{}
	for _, l := range links {
		credit := LinkCredit(l.Stance, status)
		for _, side := range l.Sides() {
			claims := 0
			if !counted[side.SourceID] {
				counted[side.SourceID] = true
				claims = 1
			}
			out = append(out,
				Move{LinkSide: side, Stance: l.Stance, Delta: Credit{}.Sub(credit), Kind: from, PartOnly: true, Claims: -claims},
				Move{LinkSide: side, Stance: l.Stance, Delta: credit, Kind: to, PartOnly: true, Claims: claims})
		}
	}
	return out
}

// Apply applies a move to the record, with claims more (or fewer) linked
// claims of its kind. It reports whether the whole record's resolved part
// moved: then the move counts as one of its changes (a row of its score
// history), and Changes counts it.
func (r *SourceRecord) Apply(m Move, claims int) bool {
	part := r.Part(m.Kind)
	part.Credit = part.Credit.Add(m.Delta)
	if m.PartOnly {
		part.Claims += m.Claims
		return false
	}
	part.Claims += claims
	r.Claims += claims
	r.Credit = r.Credit.Add(m.Delta)
	if m.Delta.AgreeHalves == 0 && m.Delta.DisagreeHalves == 0 {
		return false
	}
	r.Changes++
	return true
}
