package intake

import (
	"strings"
	"time"
)

// result turns the drafts into the suggestions, in the order of the text.
func (r *registry) result(ds []*draft, pub time.Time) Result {
	var res Result
	for _, d := range ds {
		if len(d.attrs) == 0 && r.outlet == nil {
			// No outlet to stand behind an unattributed claim: still a claim.
		}
		c := Claim{Sentence: d.sent.text, Start: d.sent.start, End: d.sent.end, Text: d.text, Kind: d.kind, DueDate: d.due}
		// Why: the cues of its attributions, then of its kind and date.
		c.Cues = []Cue{}
		seen := map[Cue]bool{}
		for _, a := range d.attrs {
			for _, cue := range a.cues {
				if !seen[cue] {
					seen[cue] = true
					c.Cues = append(c.Cues, cue)
				}
			}
		}
		for _, cue := range d.cues {
			if !seen[cue] {
				seen[cue] = true
				c.Cues = append(c.Cues, cue)
			}
		}
		if c.Kind != "forecast" {
			c.DueDate = ""
		}
		c.Attributions = []Attribution{}
		for _, a := range d.attrs {
			e := a.ent.target()
			at := Attribution{Source: e.name, Stance: a.stance, Cues: a.cues}
			e.used = true
			if a.via != nil {
				v := a.via.target()
				v.used = true
				at.Via = v.name
			}
			c.Attributions = append(c.Attributions, at)
		}
		res.Claims = append(res.Claims, c)
	}
	for _, e := range r.ents {
		if !e.used || e.kind == "alias" || e.kind == "group" {
			continue
		}
		kind := e.kind
		if kind == "" {
			kind = "organisation"
		}
		aliases := []string{}
		for _, a := range e.aliases {
			if nameKey(a) != nameKey(e.name) && !isPronoun(a) {
				aliases = append(aliases, a)
			}
		}
		res.Sources = append(res.Sources, Source{Name: e.name, Kind: kind, Aliases: aliases})
	}
	return res
}

func isPronoun(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "he", "she", "it", "they", "him", "her", "them", "its", "their":
		return true
	}
	return false
}

// matchKnown links the sources to the tracker's, by name or alias
// (ignoring case, punctuation and a leading "the"), and proposes the rest
// as new sources.
func matchKnown(res *Result, known []KnownSource) {
	index := map[string]*KnownSource{}
	for i := range known {
		k := &known[i]
		if key := nameKey(k.Name); key != "" {
			index[key] = k
		}
	}
	for i := range known {
		k := &known[i]
		for _, a := range k.Aliases {
			if key := nameKey(a); key != "" {
				if _, taken := index[key]; !taken {
					index[key] = k
				}
			}
		}
	}
	bySource := map[string]*KnownSource{}
	kinds := map[string]string{}
	for i := range res.Sources {
		s := &res.Sources[i]
		kinds[s.Name] = s.Kind
		for _, n := range append([]string{s.Name}, s.Aliases...) {
			if k := index[nameKey(n)]; k != nil {
				s.SourceID = k.ID
				bySource[s.Name] = k
				break
			}
		}
	}
	for ci := range res.Claims {
		for ai := range res.Claims[ci].Attributions {
			a := &res.Claims[ci].Attributions[ai]
			if k := bySource[a.Source]; k != nil {
				a.SourceID = k.ID
				a.Source = k.Name
			} else {
				a.NewSource = &NewSource{Name: a.Source, Kind: kinds[a.Source]}
			}
			if a.Via != "" {
				if k := bySource[a.Via]; k != nil {
					a.ViaSourceID = k.ID
					a.Via = k.Name
				} else {
					a.ViaNewSource = &NewSource{Name: a.Via, Kind: kinds[a.Via]}
				}
			}
		}
	}
	for i := range res.Sources {
		if k := bySource[res.Sources[i].Name]; k != nil {
			res.Sources[i].Name = k.Name
		}
	}
}
