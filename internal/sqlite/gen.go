package sqlite

import (
	"context"
	"fmt"
	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GenerateOptions says how much synthetic data to make.
type GenerateOptions struct {
	Claims int
	Seed   uint64
	// MinEvents, when above the events generated, adds pairs of context
	// edits (a sentence added, then taken back) to the claims, round the
	// claims, until the history holds that many events: load tests want a
	// long history without changing what the claims say.
	MinEvents int
	// Progress, when set, is called after each batch with the claims written
	// so far, and once more when the search index is built.
	Progress func(done, total int)
}

// GenerateStats counts what Generate wrote.
type GenerateStats struct {
	Claims, Sources, Evidence, Events int
	Elapsed                           time.Duration
}

// genBatch is how many claims one transaction writes.
const genBatch = 10_000

// GenerateClaims fills the database with realistic synthetic claims for
// measurement: English sentences drawn from a Zipf-like vocabulary with names,
// places and dates, one source per ten claims (a few of them very busy),
// evidence links, verdicts on about a third of the claims, and the history
// events all of that implies (actor "gen"). The same seed gives the same data.
// It appends to whatever the database holds. The search index is built once
// at the end, which is far faster than row by row.
func (db *DB) GenerateClaims(ctx context.Context, opts GenerateOptions) (st GenerateStats, err error) {
	start := time.Now()
	if opts.Claims <= 0 {
		return st, nil
	}
	g := newGenerator(opts.Seed)
	// A synthetic database needs no durability while it is being filled: no
	// journal at all (every page is written once, not to the log and then to
	// the file), no waiting for the disk, and a large page cache that keeps
	// each batch's index pages in memory. The journal can only be switched
	// off while no other connection is open, so the idle readers are closed
	// first; when it cannot (a server has the file open), the log stays on.
	// An interrupted generation leaves a database to throw away.
	db.reader.SetMaxIdleConns(0)
	db.writer.ExecContext(ctx, `PRAGMA journal_mode = OFF`) // SQLITE_BUSY when another connection is open: then WAL it is
	for _, p := range []string{`PRAGMA synchronous = OFF`, `PRAGMA cache_size = -524288`, `PRAGMA wal_autocheckpoint = 10000`} {
		if _, err := db.writer.ExecContext(ctx, p); err != nil {
			return st, err
		}
	}
	defer func() {
		for _, p := range []string{`PRAGMA journal_mode = WAL`, `PRAGMA wal_checkpoint(TRUNCATE)`, `PRAGMA wal_autocheckpoint = 1000`,
			`PRAGMA cache_size = -2000`, `PRAGMA synchronous = FULL`} {
			db.writer.ExecContext(context.Background(), p)
		}
		db.reader.SetMaxIdleConns(db.readers)
	}()

	var firstSource, firstClaim int64
	if err := db.writer.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM sources`).Scan(&firstSource); err != nil {
		return st, err
	}
	if err := db.writer.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM claims`).Scan(&firstClaim); err != nil {
		return st, err
	}
	nSources := max(opts.Claims/10, 10)
	base := time.Now().UTC().Add(-2 * 365 * 24 * time.Hour)
	span := 2 * 365 * 24 * time.Hour

	// Secondary indexes are dropped for the load and built again at the end:
	// one sorted build is far cheaper than a million scattered inserts. Their
	// definitions are read back from the schema, so they stay the migrations'.
	restore, err := db.dropIndexes(ctx, "claims", "claim_tags", "evidence", "events", "source_score_history")
	if err != nil {
		return st, err
	}
	defer func() {
		if rerr := restore(); rerr != nil && err == nil {
			err = rerr
		}
	}()
	// The status counts' triggers too: the counts are made once at the end.
	restoreTriggers, err := db.dropSchema(ctx, "trigger", "claims", "claim_tags")
	if err != nil {
		return st, err
	}
	defer func() {
		if rerr := restoreTriggers(); rerr != nil && err == nil {
			err = rerr
		}
	}()

	// The search indexes merge their segments once, at the end, rather than
	// a little after every flush; a large in-memory buffer means few segments.
	if err := db.tuneSearchIndex(ctx, 0, 64<<20); err != nil {
		return st, err
	}
	defer func() {
		if terr := db.tuneSearchIndex(context.Background(), 4, 1<<20); terr != nil && err == nil {
			err = terr
		}
	}()

	if err := db.genSources(ctx, g, firstSource, nSources, base, &st); err != nil {
		return st, err
	}
	var ids genIDs
	if err := db.writer.QueryRowContext(ctx, `SELECT (SELECT max(coalesce(max(id), 0), coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'evidence'), 0)) + 1 FROM evidence),
		(SELECT coalesce(max(id), 0) + 1 FROM events)`).Scan(&ids.evidence, &ids.event); err != nil {
		return st, err
	}
	g.records = make(map[int64]*claimtrack.SourceRecord, nSources)
	// One goroutine makes the rows of the next batch while this one writes
	// the current batch: on two cores that hides most of the generating.
	batches := make(chan *genRows, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		for done := 0; done < opts.Claims; done += genBatch {
			n := min(genBatch, opts.Claims-done)
			rows := g.claimRows(firstClaim+int64(done), n, &ids, firstSource, nSources, func(i int) time.Time {
				// In floating point: span × index overflows int64 past about 150 claims.
				return base.Add(time.Duration(float64(span) * float64(done+i) / float64(opts.Claims)))
			})
			select {
			case batches <- rows:
			case <-stop:
				return
			}
		}
	}()
	done := 0
	for rows := range batches {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if err := db.writeRows(ctx, rows); err != nil {
			return st, err
		}
		st.Claims += rows.stats.Claims
		st.Evidence += rows.stats.Evidence
		st.Events += rows.stats.Events
		done += rows.stats.Claims
		if opts.Progress != nil {
			opts.Progress(done, opts.Claims)
		}
	}
	// The producer is done (batches is closed): its records are complete.
	if err := db.writeRecords(ctx, g.records, firstSource, nSources); err != nil {
		return st, err
	}
	if err := restore(); err != nil {
		return st, err
	}
	if err := restoreTriggers(); err != nil {
		return st, err
	}
	if err := db.recountStatuses(ctx); err != nil {
		return st, err
	}
	if opts.MinEvents > st.Events {
		added, err := db.addEditHistory(ctx, firstClaim, st.Claims, opts.MinEvents-st.Events)
		if err != nil {
			return st, err
		}
		st.Events += added
	}
	// The changes generated go back in time: every snapshot is built again.
	if err := db.RebuildSnapshots(ctx); err != nil {
		return st, err
	}
	if err := db.OptimizeSearchIndex(ctx); err != nil {
		return st, err
	}
	if opts.Progress != nil {
		opts.Progress(opts.Claims, opts.Claims)
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

func (db *DB) genSources(ctx context.Context, g *generator, first int64, n int, at time.Time, st *GenerateStats) error {
	return db.update(ctx, func(tx *Tx) error {
		src, err := tx.PrepareContext(ctx, `INSERT INTO sources (id, name, name_key, kind, role, url, description, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)`)
		if err != nil {
			return err
		}
		ev, err := tx.PrepareContext(ctx, `INSERT INTO events (type, actor, at, source_id, after_json) VALUES ('source_created', 'gen', ?, ?, ?)`)
		if err != nil {
			return err
		}
		search, err := tx.PrepareContext(ctx, `INSERT INTO source_search (rowid, name, role) VALUES (?, ?, ?)`)
		if err != nil {
			return err
		}
		ts := formatTime(at)
		for i := range n {
			id := first + int64(i)
			name, kind, role := g.source(id)
			url := ""
			if kind == "outlet" || kind == "agency" {
				url = "https://example.org/" + strconv.FormatInt(id, 10)
			}
			if _, err := src.ExecContext(ctx, id, name, strings.ToLower(name), kind, role, url, ts, ts); err != nil {
				return fmt.Errorf("sqlite: generate source: %w", err)
			}
			after := `{"name":"` + name + `","kind":"` + kind + `","role":"` + role + `","url":"` + url + `","description":""}`
			if _, err := ev.ExecContext(ctx, ts, id, after); err != nil {
				return err
			}
			if _, err := search.ExecContext(ctx, id, name, role); err != nil {
				return err
			}
			st.Sources++
			st.Events++
		}
		return nil
	})
}

// genRows holds the rows of one batch of claims, table by table, as the
// arguments of multi-row INSERTs.
type genRows struct {
	claims, tags, links, events, search, history []any
	stats                                        GenerateStats
}

// genIDs are the next evidence and event ids to use.
type genIDs struct{ evidence, event int64 }

// claimRows makes the rows of n claims with ids from first, their tags,
// evidence and events (ids from ids on), search rows, and the score history
// rows of their sources, whose records it keeps in g.records.
func (g *generator) claimRows(first int64, n int, ids *genIDs, firstSource int64, nSources int, when func(int) time.Time) *genRows {
	r := &genRows{
		claims:  make([]any, 0, n*10),
		tags:    make([]any, 0, n*3*4),
		links:   make([]any, 0, n*3*10),
		events:  make([]any, 0, n*5*11),
		search:  make([]any, 0, n*12),
		history: make([]any, 0, n*10),
	}
	type sideLink struct {
		source  int64
		relayed bool
		stance  claimtrack.Stance
	}
	var sides []sideLink
	st := &r.stats
	var linked []int64
	var srcText, notes strings.Builder
	for i := range n {
		id := first + int64(i)
		c := g.claim()
		created := when(i)
		ts := formatTime(created)
		version := int64(1 + len(c.links))
		if c.status != "unverified" {
			version++
		}
		updated := formatTime(created.Add(time.Duration(version-1) * time.Hour))
		r.claims = append(r.claims, id, c.text, c.context, c.kind, c.due, c.status, c.note, version, ts, updated)
		for pos, tag := range c.tags {
			r.tags = append(r.tags, id, tag, pos, ts, c.status)
		}
		after := `{"text":"` + c.text + `","context":"` + c.context + `","kind":"` + c.kind + `","due_date":"` + c.due +
			`","tags":"` + strings.Join(c.tags, ", ") + `"}`
		r.events = append(r.events, ids.event, "claim_created", "gen", ts, id, 1, nil, nil, "{}", after, "")
		ids.event++
		v := int64(1)
		linked = linked[:0]
		sides = sides[:0]
		srcText.Reset()
		notes.Reset()
		var mainSource, firstLinked int64
		for k, l := range c.links {
			v++
			at := formatTime(created.Add(time.Duration(k+1) * time.Hour))
			src := firstSource + int64(g.pickSource(nSources))
			var via any
			viaName := ""
			if l.via {
				if vid := firstSource + int64(g.rng.IntN(nSources)); vid != src {
					via, viaName = vid, g.sourceName(vid)
					linked = append(linked, vid)
				}
			}
			eid := ids.evidence
			ids.evidence++
			r.links = append(r.links, eid, id, src, l.stance, l.quote, l.url, l.published, via, "", at)
			linked = append(linked, src)
			// A new link counts as open for its sources until the verdict.
			sides = append(sides, sideLink{source: src, stance: claimtrack.Stance(l.stance)})
			if via != nil {
				sides = append(sides, sideLink{source: via.(int64), relayed: true, stance: claimtrack.Stance(l.stance)})
			}
			if firstLinked == 0 {
				firstLinked = src
			}
			if mainSource == 0 && l.stance == "asserts" {
				mainSource = src
			}
			if k > 0 {
				notes.WriteByte(' ')
			}
			notes.WriteString(l.quote + " ")
			after := `{"source":"` + g.sourceName(src) + `","stance":"` + l.stance + `","quote":"` + l.quote + `","url":"` + l.url +
				`","published_at":"` + l.published + `"`
			if viaName != "" {
				after += `,"via":"` + viaName + `"`
			}
			r.events = append(r.events, ids.event, "evidence_added", "gen", at, id, v, src, eid, "{}", after+"}", "")
			ids.event++
			st.Evidence++
			st.Events++
		}
		if c.status != "unverified" {
			v++
			after := `{"status":"` + c.status + `","note":"` + c.note + `"}`
			r.events = append(r.events, ids.event, "status_changed", "gen", updated, id, v, nil, nil, `{"status":"unverified","note":""}`, after, c.note)
			st.Events++
			// The verdict moves the records of the claim's sources, as
			// creditStatusChange does.
			status := claimtrack.Status(c.status)
			for _, sd := range sides {
				delta := claimtrack.LinkCredit(sd.stance, status).Sub(claimtrack.LinkCredit(sd.stance, claimtrack.StatusUnverified))
				rec := g.record(sd.source)
				rec.Credit = rec.Credit.Add(delta)
				if delta.AgreeHalves == 0 && delta.DisagreeHalves == 0 {
					continue
				}
				rec.Changes++
				r.history = append(r.history, sd.source, rec.Changes, ids.event, updated, id, string(sd.stance), sd.relayed, c.status,
					rec.Credit.AgreeHalves, rec.Credit.DisagreeHalves)
			}
			ids.event++
		}
		for _, sd := range sides {
			g.record(sd.source).Credit.Open += claimtrack.LinkCredit(sd.stance, claimtrack.StatusUnverified).Open
		}
		// The search row holds what claimSearchRow would read back from the
		// tables, so the index needs no rebuild at the end.
		slices.Sort(linked)
		for k, sid := range slices.Compact(linked) {
			g.record(sid).Claims++
			name, _, role := g.source(sid)
			if k > 0 {
				srcText.WriteByte(' ')
			}
			srcText.WriteString(name + " " + role)
		}
		if mainSource == 0 {
			mainSource = firstLinked
		}
		mainName := ""
		if mainSource != 0 {
			mainName = g.sourceName(mainSource)
		}
		r.search = append(r.search, id, c.text, strings.Join(c.tags, " "), srcText.String(),
			c.context+" "+c.note, notes.String(), facets(c.status, c.kind), c.status, c.kind, ts, mainSource, mainName)
		st.Claims++
		st.Events++
	}
	return r
}

// writeRows writes one batch in one transaction, parents before children.
func (db *DB) writeRows(ctx context.Context, r *genRows) error {
	return db.update(ctx, func(tx *Tx) error {
		for _, b := range []*bulk{
			{tx: tx, prefix: `INSERT INTO claims (id, text, context, kind, due_date, status, verdict_note, version, created_at, updated_at) VALUES `, cols: 10, args: r.claims},
			{tx: tx, prefix: `INSERT INTO claim_tags (claim_id, tag, position, created_at, status) VALUES `, cols: 5, args: r.tags},
			{tx: tx, prefix: `INSERT INTO evidence (id, claim_id, source_id, stance, quote, url, published_at, via_source_id, note, created_at) VALUES `, cols: 10, args: r.links},
			{tx: tx, prefix: `INSERT INTO events (id, type, actor, at, claim_id, claim_version, source_id, evidence_id, before_json, after_json, note) VALUES `, cols: 11, args: r.events},
			{tx: tx, prefix: `INSERT INTO claim_search (rowid, text, tags, sources, context, notes, facets,
				status, kind, created_at, main_source_id, main_source) VALUES `, cols: 12, args: r.search},
			{tx: tx, prefix: `INSERT INTO source_score_history (source_id, n, event_id, at, claim_id, stance, relayed, status,
				agree2, disagree2) VALUES `, cols: 10, args: r.history},
		} {
			if err := b.flush(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// record is the record of generated source id, made on first use.
func (g *generator) record(id int64) *claimtrack.SourceRecord {
	r := g.records[id]
	if r == nil {
		r = &claimtrack.SourceRecord{}
		g.records[id] = r
	}
	return r
}

// writeRecords stores the records of the n generated sources from first on,
// with their scores, in one transaction.
func (db *DB) writeRecords(ctx context.Context, records map[int64]*claimtrack.SourceRecord, first int64, n int) error {
	return db.update(ctx, func(tx *Tx) error {
		b := &bulk{tx: tx, prefix: `INSERT INTO source_stats (source_id, agree2, disagree2, open, claims, changes, enough, mean, low, high) VALUES `,
			cols: 10, args: make([]any, 0, n*10)}
		for id := first; id < first+int64(n); id++ {
			r := records[id]
			if r == nil {
				r = &claimtrack.SourceRecord{}
			}
			s := claimtrack.ScoreOf(r.Credit)
			b.args = append(b.args, id, r.Credit.AgreeHalves, r.Credit.DisagreeHalves, r.Credit.Open, r.Claims, r.Changes,
				s.Enough, s.Mean, s.Low, s.High)
		}
		return b.flush(ctx)
	})
}

// tuneSearchIndex sets the automerge level and the in-memory buffer size of
// both search indexes (FTS5's defaults are 4 and 1 MiB).
func (db *DB) tuneSearchIndex(ctx context.Context, automerge, hashsize int) error {
	for _, table := range []string{"claim_search", "source_search"} {
		for _, q := range []string{
			`INSERT INTO ` + table + ` (` + table + `, rank) VALUES ('automerge', ` + strconv.Itoa(automerge) + `)`,
			`INSERT INTO ` + table + ` (` + table + `, rank) VALUES ('hashsize', ` + strconv.Itoa(hashsize) + `)`,
		} {
			if _, err := db.writer.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("sqlite: tune search index: %w", err)
			}
		}
	}
	return nil
}

// dropIndexes drops the secondary indexes of the given tables and returns a
// function that creates them again (once, however often it is called).
func (db *DB) dropIndexes(ctx context.Context, tables ...string) (func() error, error) {
	return db.dropSchema(ctx, "index", tables...)
}

// dropSchema drops the indexes or triggers (kind) of the given tables and
// returns a function that creates them again (once, however often it is
// called).
func (db *DB) dropSchema(ctx context.Context, kind string, tables ...string) (func() error, error) {
	in, args := "", []any{}
	for i, t := range tables {
		if i > 0 {
			in += ", "
		}
		in += "?"
		args = append(args, t)
	}
	rows, err := db.writer.QueryContext(ctx, `SELECT name, sql FROM sqlite_master
		WHERE type = ? AND sql IS NOT NULL AND tbl_name IN (`+in+`) ORDER BY name`, append([]any{kind}, args...)...)
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := db.writer.ExecContext(ctx, `DROP `+strings.ToUpper(kind)+` "`+name+`"`); err != nil {
			return nil, err
		}
	}
	restored := false
	return func() error {
		if restored {
			return nil
		}
		restored = true
		for _, def := range defs {
			if _, err := db.writer.ExecContext(context.Background(), def); err != nil {
				return fmt.Errorf("sqlite: recreate %s: %w", kind, err)
			}
		}
		return nil
	}, nil
}

// addEditHistory adds at least want events to the claims first … first+n-1:
// pairs of context edits, one adding " (Updated.)" and one taking it back,
// spread round the claims, in one statement; each claim's version counts
// them. It returns how many events it added.
func (db *DB) addEditHistory(ctx context.Context, first int64, n, want int) (int, error) {
	if n <= 0 || want <= 0 {
		return 0, nil
	}
	pairs := (want + 1) / 2
	at := formatTime(db.Now())
	err := db.update(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `
			WITH RECURSIVE seq(p) AS (SELECT 0 UNION ALL SELECT p + 1 FROM seq WHERE p + 1 < ?1),
				steps(s) AS (VALUES (0), (1))
			INSERT INTO events (type, actor, at, claim_id, claim_version, before_json, after_json, note)
			SELECT 'claim_edited', 'gen', ?2, c.id, c.version + 2 * (seq.p / ?3) + 1 + steps.s,
				json_object('context', CASE steps.s WHEN 0 THEN c.context ELSE c.context || ' (Updated.)' END),
				json_object('context', CASE steps.s WHEN 0 THEN c.context || ' (Updated.)' ELSE c.context END), ''
			FROM seq JOIN steps JOIN claims c ON c.id = ?4 + (seq.p % ?3)
			ORDER BY seq.p, steps.s`, pairs, at, n, first); err != nil {
			return fmt.Errorf("sqlite: edit history: %w", err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE claims SET updated_at = ?1,
			version = version + 2 * (?2 / ?3 + CASE WHEN id - ?4 < ?2 % ?3 THEN 1 ELSE 0 END)
			WHERE id >= ?4 AND id < ?4 + ?3`, at, pairs, n, first)
		return err
	})
	return 2 * pairs, err
}

// recountStatuses counts the claims of each status afresh (the triggers keep
// the counts after that).
func (db *DB) recountStatuses(ctx context.Context) error {
	return db.update(ctx, func(tx *Tx) error {
		for _, q := range []string{`DELETE FROM claim_status_counts`,
			`INSERT INTO claim_status_counts (status, n) SELECT status, count(*) FROM claims GROUP BY status`,
			`DELETE FROM tag_status_counts`,
			`INSERT INTO tag_status_counts (tag, status, n)
				SELECT t.tag, c.status, count(*) FROM claim_tags t JOIN claims c ON c.id = t.claim_id GROUP BY t.tag, c.status`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("sqlite: count statuses: %w", err)
			}
		}
		return nil
	})
}
