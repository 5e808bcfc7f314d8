package sqlite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/dump"
)

// errDryRun rolls a dry run back.
var errDryRun = errors.New("dry run")

// ImportDump adds a dump to the tracker in one transaction, all or nothing,
// after validating every row (a problem anywhere writes nothing and names
// the row and field). Into a tracker without data (accounts aside) it
// restores: every row keeps its id and the history comes back as it was. Into
// one with data it merges: rows get new ids, sources with a name that exists
// here as a name or alias are linked rather than created (keeping the
// aliases they have here), a new source's aliases that name a source here
// are dropped and counted, and reports already here (same key)
// are left out with their claims. Either way the history gains one "data
// imported" event by actor naming label, and the derived data (search rows,
// source records and snapshots) is rebuilt. A dry run does all of it and rolls
// it back.
func (db *DB) ImportDump(ctx context.Context, d *dump.Dump, actor, label string, dryRun bool) (*dump.Result, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	res := &dump.Result{DryRun: dryRun}
	err := db.update(ctx, func(tx *Tx) error {
		var hasData bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM reports) OR EXISTS (SELECT 1 FROM sources)
			OR EXISTS (SELECT 1 FROM claims) OR EXISTS (SELECT 1 FROM questions)`).Scan(&hasData); err != nil {
			return err
		}
		res.Restore = !hasData
		tx.quiet = true // the file's changes were made elsewhere: no webhook hears of them
		im := &importer{ctx: ctx, tx: tx, res: res, restore: res.Restore,
			reports: map[int64]int64{}, sources: map[int64]int64{}, questions: map[int64]int64{}, claims: map[int64]int64{}, evidence: map[int64]int64{},
			matched: map[int64]bool{}, skippedReports: map[int64]bool{}, skippedClaims: map[int64]bool{}}
		if err := im.run(d); err != nil {
			return err
		}
		if err := insertEvent(ctx, tx, &claimtrack.Event{Actor: actor,
			Payload: claimtrack.DataImported{File: label, Claims: res.Claims, Sources: res.Sources, Evidence: res.Evidence,
				Events: res.Events, Reports: res.Reports},
			Note: "Imported " + label + ": " + res.Summary() + "."}); err != nil {
			return err
		}
		if err := rebuildReliability(ctx, tx, db.snapshotEvery); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// importer writes one dump, keeping the map from the file's ids to the
// tracker's.
type importer struct {
	ctx     context.Context
	tx      *Tx
	res     *dump.Result
	restore bool

	reports, sources, questions, claims, evidence map[int64]int64
	matched                                       map[int64]bool // file source ids linked to existing sources
	skippedReports, skippedClaims                 map[int64]bool
	nextEvidence                                  int64 // for links removed before the export, in a merge
}

func (im *importer) exec(query string, args ...any) (int64, error) {
	r, err := im.tx.ExecContext(im.ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("sqlite: import: %w", err)
	}
	return r.LastInsertId()
}

// at is a time of the file as the tracker stores it ("" stays "").
func at(s string) string {
	t, ok := dump.ParseTime(s)
	if !ok {
		return s
	}
	return formatTime(t)
}

// id is the explicit id a row keeps in a restore, or NULL for a new one.
func (im *importer) id(n int64) any {
	if im.restore {
		return n
	}
	return nil
}

func (im *importer) run(d *dump.Dump) error {
	ctx, tx := im.ctx, im.tx
	for _, r := range d.Reports {
		if !im.restore {
			var existing int64
			err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT id FROM reports WHERE key = ?), 0)`, r.Key).Scan(&existing)
			if err != nil {
				return err
			}
			if existing != 0 {
				im.skippedReports[r.ID] = true
				im.res.ReportsSkipped++
				continue
			}
		}
		id, err := im.exec(`INSERT INTO reports (id, key, title, outlet, url, published_at, summary, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			im.id(r.ID), r.Key, r.Title, r.Outlet, r.URL, r.PublishedAt, r.Summary, at(r.CreatedAt))
		if err != nil {
			return err
		}
		im.reports[r.ID] = id
		im.res.Reports++
	}
	for _, s := range d.Sources {
		if !im.restore {
			existing, err := findSourceByName(ctx, tx, s.Name)
			if err != nil {
				return err
			}
			if existing != nil {
				im.sources[s.ID] = existing.ID
				im.matched[s.ID] = true
				im.res.SourcesMatched++
				continue
			}
		}
		updated := s.UpdatedAt
		if updated == "" {
			updated = s.CreatedAt
		}
		id, err := im.exec(`INSERT INTO sources (id, name, name_key, kind, role, url, description, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, im.id(s.ID), s.Name, claimtrack.SourceNameKey(s.Name), s.Kind, s.Role, s.URL,
			s.Description, at(s.CreatedAt), at(updated))
		if err != nil {
			return err
		}
		im.sources[s.ID] = id
		if err := im.aliases(id, claimtrack.NormalizeAliases(s.Name, s.Aliases)); err != nil {
			return err
		}
		if err := reindexSource(ctx, tx, id); err != nil {
			return err
		}
		im.res.Sources++
	}
	// Questions are not matched by title: two trackers' questions are
	// their own, even when worded alike.
	for _, q := range d.Questions {
		id, err := im.exec(`INSERT INTO questions (id, title, description, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			im.id(q.ID), q.Title, q.Description, q.Version, at(q.CreatedAt), at(q.UpdatedAt))
		if err != nil {
			return err
		}
		im.questions[q.ID] = id
		if err := reindexQuestion(ctx, tx, id); err != nil {
			return err
		}
		im.res.Questions++
	}
	// The claims added get ids above every claim here (a restore starts from
	// none): their search rows are made at the end in one statement.
	var claimsBefore int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM claims`).Scan(&claimsBefore); err != nil {
		return err
	}
	for _, c := range d.Claims {
		if c.ReportID != 0 && im.skippedReports[c.ReportID] {
			im.skippedClaims[c.ID] = true
			im.res.ClaimsSkipped++
			continue
		}
		id, err := im.exec(`INSERT INTO claims (id, text, context, kind, due_date, status, verdict_note, report_id, version, created_at, updated_at,
			assignee, question_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, im.id(c.ID), c.Text, c.Context, c.Kind, c.DueDate, c.Status,
			c.VerdictNote, nullID(im.reports[c.ReportID]), c.Version, at(c.CreatedAt), at(c.UpdatedAt), c.Assignee, nullID(im.questions[c.QuestionID]))
		if err != nil {
			return err
		}
		im.claims[c.ID] = id
		if err := replaceTags(ctx, tx, id, claimtrack.NormalizeTags(c.Tags)); err != nil {
			return err
		}
		im.res.Claims++
	}
	for _, e := range d.Evidence {
		if im.skippedClaims[e.ClaimID] {
			continue
		}
		id, err := im.exec(`INSERT INTO evidence (id, claim_id, source_id, stance, quote, url, published_at, via_source_id, note, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, im.id(e.ID), im.claims[e.ClaimID], im.sources[e.SourceID], e.Stance, e.Quote,
			e.URL, e.PublishedAt, nullID(im.sources[e.ViaSourceID]), e.Note, at(e.CreatedAt))
		if err != nil {
			return err
		}
		im.evidence[e.ID] = id
		im.res.Evidence++
	}
	// Ids for links removed before the export start above every link id
	// ever given here, removed ones included.
	if err := tx.QueryRowContext(ctx, `SELECT max(coalesce(max(id), 0),
		coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'evidence'), 0)) + 1 FROM evidence`).Scan(&im.nextEvidence); err != nil {
		return err
	}
	// The history in its order; ids are new (the tracker may have its own
	// events already, such as its first account's).
	events := append([]dump.Event(nil), d.Events...)
	sort.SliceStable(events, func(i, j int) bool { return events[i].ID < events[j].ID })
	for _, e := range events {
		if im.skipEvent(e) {
			im.res.EventsSkipped++
			continue
		}
		if err := im.event(e); err != nil {
			return err
		}
		im.res.Events++
	}
	if _, err := tx.ExecContext(ctx, claimSearchRow+`c.id > ?`, claimsBefore); err != nil {
		return fmt.Errorf("sqlite: import: search rows: %w", err)
	}
	return reserveHistoryIDs(ctx, tx)
}

// aliases stores the aliases of a source the file brings. In a merge, an
// alias that is already the name or alias of a source here is dropped and
// counted: the source here keeps it.
func (im *importer) aliases(id int64, aliases []string) error {
	var kept []string
	for _, a := range aliases {
		if !im.restore {
			other, err := findSourceByName(im.ctx, im.tx, a)
			if err != nil {
				return err
			}
			if other != nil {
				im.res.AliasesDropped++
				continue
			}
		}
		kept = append(kept, a)
	}
	return replaceAliases(im.ctx, im.tx, id, kept)
}

// reserveHistoryIDs moves the id counters of the tables the history names
// above every id it names: an id that only the history holds (a link removed
// before an export, restored or merged with its events) is never given to a
// new row.
func reserveHistoryIDs(ctx context.Context, tx *Tx) error {
	for _, r := range [][2]string{{"reports", "report_id"}, {"sources", "source_id"}, {"questions", "question_id"}, {"claims", "claim_id"},
		{"evidence", "evidence_id"}} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq) SELECT ?1, 0
			WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?1)`, r[0]); err != nil {
			return fmt.Errorf("sqlite: import: id counters: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(`+r[1]+`), 0) FROM events))
			WHERE name = ?`, r[0]); err != nil {
			return fmt.Errorf("sqlite: import: id counters: %w", err)
		}
	}
	return nil
}

// skipEvent says whether a merge leaves an event out: one about a claim or
// report left out, about the other tracker's accounts, or the creation and
// edits of a source that exists here (its own history stands).
func (im *importer) skipEvent(e dump.Event) bool {
	if im.skippedClaims[e.ClaimID] || im.skippedReports[e.ReportID] {
		return true
	}
	if im.restore {
		return false
	}
	switch claimtrack.EventType(e.Type) {
	case claimtrack.EventUserCreated, claimtrack.EventUserRoleChanged, claimtrack.EventUserDisabled,
		claimtrack.EventUserEnabled, claimtrack.EventPasswordChanged:
		return true
	case claimtrack.EventSourceCreated, claimtrack.EventSourceEdited:
		return im.matched[e.SourceID]
	}
	return false
}

// event writes one event of the file with its references (columns, and the
// source ids its values carry) in the tracker's ids.
func (im *importer) event(e dump.Event) error {
	evidenceID := e.EvidenceID
	if !im.restore && evidenceID != 0 {
		mapped, ok := im.evidence[evidenceID]
		if !ok { // a link removed before the export: a fresh id, the same for all its events
			mapped = im.nextEvidence
			im.nextEvidence++
			im.evidence[evidenceID] = mapped
		}
		evidenceID = mapped
	}
	// The file's values are kept as they are (they were checked as the
	// forms check them), with the source ids they carry mapped.
	when, _ := dump.ParseTime(e.At)
	return insertEvent(im.ctx, im.tx, &claimtrack.Event{Type: claimtrack.EventType(e.Type), Actor: e.Actor, At: when,
		ClaimID: im.claims[e.ClaimID], ClaimVersion: e.ClaimVersion, SourceID: im.sources[e.SourceID], EvidenceID: evidenceID,
		ReportID: im.reports[e.ReportID], QuestionID: im.questions[e.QuestionID], Before: im.mapValues(e.Before), After: im.mapValues(e.After),
		Note: e.Note})
}

// mapValues rewrites the source and question ids an event's values carry.
func (im *importer) mapValues(v map[string]string) map[string]string {
	out := make(map[string]string, len(v))
	for k, val := range v {
		ids := im.sources
		if k == "question_id" {
			ids = im.questions
		}
		if k == "source_id" || k == "via_source_id" || k == "question_id" {
			if n, err := strconv.ParseInt(val, 10, 64); err == nil {
				if mapped, ok := ids[n]; ok {
					val = strconv.FormatInt(mapped, 10)
				}
			}
		}
		out[k] = val
	}
	return out
}

// ImportSheet adds the claims of a claims sheet in one transaction, all or
// nothing, as an editor would one by one: each claim created, its sources
// linked (an existing source by name, ignoring case, or a new one of the
// kind given), its status set with its note, every change in the history by
// actor, followed by one "data imported" event naming label. A problem with
// a row (a new source without a kind, an unknown "via" source) writes
// nothing and names the row. A dry run rolls back at the end.
func (db *DB) ImportSheet(ctx context.Context, claims []dump.SheetClaim, actor, label string, dryRun bool) (*dump.Result, error) {
	res := &dump.Result{DryRun: dryRun}
	err := db.update(ctx, func(tx *Tx) error {
		created := map[string]bool{}
		source := func(name string, kind claimtrack.SourceKind, row int, field string) (*claimtrack.Source, error) {
			s, err := findSourceByName(ctx, tx, name)
			if err != nil || s != nil {
				if s != nil && !created[claimtrack.SourceNameKey(name)] {
					created[claimtrack.SourceNameKey(name)] = true
					res.SourcesMatched++
				}
				return s, err
			}
			if kind == "" {
				return nil, dump.SheetProblem(row, field, "“"+name+"” is a new source: say what kind of source it is (source_kind).")
			}
			created[claimtrack.SourceNameKey(name)] = true
			res.Sources++
			return createSource(ctx, tx, claimtrack.SourceInput{Name: name, Kind: kind}, actor)
		}
		for _, sc := range claims {
			c, err := createClaim(ctx, tx, sc.Claim, 0, actor)
			if err != nil {
				return err
			}
			res.Claims++
			for _, l := range sc.Links {
				src, err := source(l.Source, l.SourceKind, l.Row, "source_kind")
				if err != nil {
					return err
				}
				var via *claimtrack.Source
				if l.Via != "" {
					if via, err = findSourceByName(ctx, tx, l.Via); err != nil {
						return err
					} else if via == nil {
						return dump.SheetProblem(l.Row, "via", "No source is called “"+l.Via+"”: name an existing source, or one a row above links.")
					}
				}
				if err := bumpClaim(ctx, tx, c); err != nil {
					return err
				}
				if _, err := insertEvidence(ctx, tx, c, src, via, l.Evidence, actor); err != nil {
					return err
				}
				res.Evidence++
			}
			if sc.Status != claimtrack.StatusUnverified {
				if err := setClaimStatus(ctx, tx, c, claimtrack.StatusChange{Status: sc.Status, Note: sc.VerdictNote, Version: c.Version}, actor); err != nil {
					return err
				}
			}
		}
		if err := insertEvent(ctx, tx, &claimtrack.Event{Actor: actor,
			Payload: claimtrack.DataImported{File: label, Claims: res.Claims, Sources: res.Sources, Evidence: res.Evidence},
			Note:    "Imported " + label + ": " + res.Summary() + "."}); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ImportFile imports one file: a JSON dump, or else a claims sheet (CSV), as
// its first character after any byte-order mark says.
func (db *DB) ImportFile(ctx context.Context, r io.Reader, actor, label string, dryRun bool) (*dump.Result, error) {
	br := dump.SkipBOM(r) // a byte-order mark is allowed, and is not JSON
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) > 0 && head[0] == '{' {
		d, err := dump.ReadJSON(br)
		if err != nil {
			return nil, err
		}
		return db.ImportDump(ctx, d, actor, label, dryRun)
	}
	claims, err := dump.ReadClaimsSheet(br)
	if err != nil {
		return nil, err
	}
	return db.ImportSheet(ctx, claims, actor, label, dryRun)
}
