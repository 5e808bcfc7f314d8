// Package gen makes realistic synthetic data for measurement: claims,
// sources, evidence, verdicts and the history all of that implies. It writes
// through storage's batch writer (sqlite.Loader), so the events go through
// the one event writer and the records follow the one set of rules.
package gen

import (
	"context"
	"strconv"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/sqlite"
)

// Actor is who the generated changes are by.
const Actor = "gen"

// Options says how much synthetic data to make.
type Options struct {
	Claims int
	Seed   uint64
	// MinEvents, when above the events generated, adds pairs of context
	// edits (a sentence added, then taken back) to the claims, round the
	// claims, until the history holds that many events: load tests want a
	// long history without changing what the claims say.
	MinEvents int
	// Progress, when set, is called after each batch with the claims written
	// so far, and once more when the indexes are built.
	Progress func(done, total int)
}

// Stats counts what Generate wrote.
type Stats struct {
	Claims, Sources, Evidence, Events int
	Elapsed                           time.Duration
}

// batchClaims is how many claims one transaction writes.
const batchClaims = 10_000

// Generate fills db with realistic synthetic claims: English sentences drawn
// from a Zipf-like vocabulary with names, places and dates, one source per
// ten claims (a few of them very busy), evidence links, verdicts on about a
// third of the claims, and the events all of that implies (actor "gen"). The
// same seed gives the same data. It appends to whatever the database holds.
func Generate(ctx context.Context, db *sqlite.DB, opts Options) (st Stats, err error) {
	start := time.Now()
	if opts.Claims <= 0 {
		return st, nil
	}
	load, err := db.NewLoader(ctx)
	if err != nil {
		return st, err
	}
	finished := false
	defer func() {
		if !finished {
			load.Finish(context.Background())
		}
	}()
	g := newGenerator(opts.Seed)
	next := load.Next()
	nSources := max(opts.Claims/10, 10)
	base := time.Now().UTC().Add(-2 * 365 * 24 * time.Hour).Truncate(time.Second)
	span := 2 * 365 * 24 * time.Hour

	srcBatch := &sqlite.Batch{}
	g.srcs = make([]*claimtrack.Source, nSources)
	for i := range nSources {
		s := g.makeSource(next.Source+int64(i), base)
		g.srcs[i] = s
		srcBatch.Sources = append(srcBatch.Sources, s)
		srcBatch.Events = append(srcBatch.Events, &claimtrack.Event{ID: next.Event, Actor: Actor, At: base, SourceID: s.ID,
			Payload: claimtrack.SourceCreated{Source: claimtrack.SourceValuesOf(s)}})
		next.Event++
	}
	if err := load.Write(ctx, srcBatch); err != nil {
		return st, err
	}
	st.Sources, st.Events = nSources, nSources

	// One goroutine makes the next batch while this one writes the current
	// one: on two cores that hides most of the generating.
	var edits []editable
	batches := make(chan *made, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		ids := next
		for done := 0; done < opts.Claims; done += batchClaims {
			n := min(batchClaims, opts.Claims-done)
			m := g.claims(next.Claim+int64(done), n, &ids, opts.MinEvents > 0, func(i int) time.Time {
				// In floating point: span × index overflows int64 past about 150 claims.
				return base.Add(time.Duration(float64(span) * float64(done+i) / float64(opts.Claims)))
			})
			select {
			case batches <- m:
			case <-stop:
				return
			}
		}
	}()
	done := 0
	var lastEvent int64
	for m := range batches {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if err := load.Write(ctx, &m.batch); err != nil {
			return st, err
		}
		st.Claims += len(m.batch.Claims)
		st.Evidence += len(m.batch.Evidence)
		st.Events += len(m.batch.Events)
		edits = append(edits, m.edits...)
		lastEvent = m.lastEvent
		done += len(m.batch.Claims)
		if opts.Progress != nil {
			opts.Progress(done, opts.Claims)
		}
	}
	if opts.MinEvents > st.Events {
		added, err := addEditHistory(ctx, load, edits, lastEvent+1, opts.MinEvents-st.Events)
		if err != nil {
			return st, err
		}
		st.Events += added
	}
	finished = true
	if err := load.Finish(ctx); err != nil {
		return st, err
	}
	if opts.Progress != nil {
		opts.Progress(opts.Claims, opts.Claims)
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

// makeSource is generated source id, created at the given time.
func (g *generator) makeSource(id int64, at time.Time) *claimtrack.Source {
	name, kind, role := g.source(id)
	url := ""
	if kind == "outlet" || kind == "agency" {
		url = "https://example.org/" + strconv.FormatInt(id, 10)
	}
	return &claimtrack.Source{ID: id, Name: name, Kind: claimtrack.SourceKind(kind), Role: role, URL: url, CreatedAt: at, UpdatedAt: at}
}

// sourceByID is a generated source.
func (g *generator) sourceByID(id int64) *claimtrack.Source {
	return g.srcs[id-g.srcs[0].ID]
}

// made is one batch of claims, and what an edit history needs of them.
type made struct {
	batch     sqlite.Batch
	edits     []editable
	lastEvent int64
}

// editable is a generated claim as the edit history needs it.
type editable struct {
	claim   *claimtrack.Claim
	context string
}

// claims makes n claims with ids from first on, their tags, evidence and
// events (ids from ids on).
func (g *generator) claims(first int64, n int, ids *sqlite.IDs, keep bool, when func(int) time.Time) *made {
	m := &made{}
	b := &m.batch
	b.Claims = make([]*claimtrack.Claim, 0, n)
	b.Evidence = make([]*claimtrack.Evidence, 0, n*3)
	b.Events = make([]*claimtrack.Event, 0, n*5)
	event := func(ev *claimtrack.Event) {
		ev.ID, ev.Actor = ids.Event, Actor
		ids.Event++
		b.Events = append(b.Events, ev)
	}
	nSources := len(g.srcs)
	firstSource := g.srcs[0].ID
	for i := range n {
		id := first + int64(i)
		gc := g.claim()
		created := when(i).Truncate(time.Second)
		version := int64(1 + len(gc.links))
		if gc.status != "unverified" {
			version++
		}
		c := &claimtrack.Claim{ID: id, Text: gc.text, Context: gc.context, Kind: claimtrack.ClaimKind(gc.kind), DueDate: gc.due,
			Status: claimtrack.StatusUnverified, Tags: gc.tags, Version: 1, CreatedAt: created,
			UpdatedAt: created.Add(time.Duration(version-1) * time.Hour)}
		b.Claims = append(b.Claims, c)
		event(&claimtrack.Event{At: created, ClaimID: id, ClaimVersion: 1, Payload: claimtrack.ClaimCreated{Claim: claimtrack.ClaimValuesOf(c)}})
		for k, l := range gc.links {
			c.Version++
			src := g.sourceByID(firstSource + int64(g.pickSource(nSources)))
			e := &claimtrack.Evidence{ID: ids.Evidence, ClaimID: id, SourceID: src.ID, Stance: claimtrack.Stance(l.stance), Quote: l.quote,
				URL: l.url, PublishedAt: l.published, CreatedAt: created.Add(time.Duration(k+1) * time.Hour), Source: src}
			ids.Evidence++
			if l.via {
				if via := g.sourceByID(firstSource + int64(g.rng.IntN(nSources))); via.ID != src.ID {
					e.ViaSourceID, e.Via = via.ID, via
				}
			}
			b.Evidence = append(b.Evidence, e)
			event(&claimtrack.Event{At: e.CreatedAt, ClaimID: id, ClaimVersion: c.Version, SourceID: src.ID, EvidenceID: e.ID,
				Payload: claimtrack.EvidenceAdded{Link: claimtrack.LinkValuesOf(e)}})
		}
		if gc.status != "unverified" {
			c.Version++
			c.Status, c.VerdictNote = claimtrack.Status(gc.status), gc.note
			event(&claimtrack.Event{At: c.UpdatedAt, ClaimID: id, ClaimVersion: c.Version, Note: gc.note,
				Payload: claimtrack.StatusChanged{From: claimtrack.StatusUnverified, To: c.Status, ToNote: gc.note}})
		}
		if keep {
			m.edits = append(m.edits, editable{claim: c, context: c.Context})
		}
	}
	m.lastEvent = ids.Event - 1
	return m
}

// addEditHistory adds at least want events to the claims: pairs of context
// edits, one adding " (Updated.)" and one taking it back, round the claims,
// dated now; each claim's version counts them. It returns how many events
// it added.
func addEditHistory(ctx context.Context, load *sqlite.Loader, claims []editable, nextEvent int64, want int) (int, error) {
	if len(claims) == 0 || want <= 0 {
		return 0, nil
	}
	pairs := (want + 1) / 2
	at := time.Now().UTC().Truncate(time.Second)
	b := &sqlite.Batch{}
	bumped := map[int64]bool{}
	for p := range pairs {
		c := claims[p%len(claims)]
		plain, updated := claimtrack.ClaimValuesOf(c.claim), claimtrack.ClaimValuesOf(c.claim)
		updated.Context = c.context + " (Updated.)"
		for _, edit := range []claimtrack.ClaimEdited{claimtrack.ClaimEdit(plain, updated), claimtrack.ClaimEdit(updated, plain)} {
			c.claim.Version++
			b.Events = append(b.Events, &claimtrack.Event{ID: nextEvent, Actor: Actor, At: at, ClaimID: c.claim.ID,
				ClaimVersion: c.claim.Version, Payload: edit})
			nextEvent++
		}
		c.claim.UpdatedAt = at
		if !bumped[c.claim.ID] {
			bumped[c.claim.ID] = true
			b.Bumped = append(b.Bumped, c.claim)
		}
		if len(b.Events) >= 5*batchClaims || p == pairs-1 {
			if err := load.Write(ctx, b); err != nil {
				return 0, err
			}
			b, bumped = &sqlite.Batch{}, map[int64]bool{}
		}
	}
	return 2 * pairs, nil
}
