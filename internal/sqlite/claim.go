package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

const claimColumns = `c.id, c.text, c.context, c.kind, c.due_date, c.status, c.verdict_note,
	coalesce(c.report_id, 0), c.version, c.created_at, c.updated_at, c.assignee, coalesce(c.question_id, 0)`

// scanClaim reads claimColumns, then any further columns into extra.
func scanClaim(s interface{ Scan(...any) error }, extra ...any) (*claimtrack.Claim, error) {
	var c claimtrack.Claim
	var created, updated string
	if err := s.Scan(append([]any{&c.ID, &c.Text, &c.Context, &c.Kind, &c.DueDate, &c.Status, &c.VerdictNote,
		&c.ReportID, &c.Version, &created, &updated, &c.Assignee, &c.QuestionID}, extra...)...); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = parseTime(created), parseTime(updated)
	return &c, nil
}

// CreateClaim validates in and stores it as a new unverified claim, with its
// "claim created" event, in one transaction.
func (db *DB) CreateClaim(ctx context.Context, in claimtrack.ClaimInput, actor string) (*claimtrack.Claim, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var c *claimtrack.Claim
	err := db.update(ctx, func(tx *Tx) (err error) {
		c, err = createClaim(ctx, tx, in, 0, actor)
		return err
	})
	return c, err
}

func createClaim(ctx context.Context, tx *Tx, in claimtrack.ClaimInput, reportID int64, actor string) (*claimtrack.Claim, error) {
	c := &claimtrack.Claim{
		Text: in.Text, Context: in.Context, Kind: in.Kind, DueDate: in.DueDate, Tags: in.Tags,
		Status: claimtrack.StatusUnverified, ReportID: reportID, Version: 1, CreatedAt: tx.now, UpdatedAt: tx.now,
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO claims (text, context, kind, due_date, status, verdict_note, report_id, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, '', ?, 1, ?, ?)`,
		c.Text, c.Context, c.Kind, c.DueDate, c.Status, nullID(reportID), formatTime(tx.now), formatTime(tx.now))
	if err != nil {
		return nil, err
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return nil, err
	}
	if err := replaceTags(ctx, tx, c.ID, c.Tags); err != nil {
		return nil, err
	}
	if err := reindexClaim(ctx, tx, c.ID); err != nil {
		return nil, err
	}
	return c, insertEvent(ctx, tx, &claimtrack.Event{
		Actor: actor, ClaimID: c.ID, ClaimVersion: 1, ReportID: reportID,
		Payload: claimtrack.ClaimCreated{Claim: claimtrack.ClaimValuesOf(c)},
	})
}

func replaceTags(ctx context.Context, tx *Tx, claimID int64, tags []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM claim_tags WHERE claim_id = ?`, claimID); err != nil {
		return err
	}
	for i, t := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO claim_tags (claim_id, tag, position, created_at, status)
			SELECT ?1, ?2, ?3, created_at, status FROM claims WHERE id = ?1`, claimID, t, i); err != nil {
			return err
		}
	}
	return nil
}

// FindClaimByID returns one claim with its tags, or ENOTFOUND.
func (db *DB) FindClaimByID(ctx context.Context, id int64) (*claimtrack.Claim, error) {
	var c *claimtrack.Claim
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		c, err = findClaimByID(ctx, tx, id)
		return err
	})

	return c, err
}

func findClaimByID(ctx context.Context, tx *Tx, id int64) (*claimtrack.Claim, error) {
	return findClaim(ctx, tx, id, nil)
}

// FindClaimForPage returns a claim as FindClaimByID does, for its page: in a
// snapshot (see ReadSnapshot), it reads the claim's newest events in the same
// lookup and keeps them for the snapshot's FindClaimTimeline, which then
// needs no query of its own for the first page.
func (db *DB) FindClaimForPage(ctx context.Context, id int64) (*claimtrack.Claim, error) {
	var c *claimtrack.Claim
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		var head string
		if c, err = findClaim(ctx, tx, id, &head); err == nil {
			tx.head = &historyRow{claimID: id, events: head}
		}
		return err
	})
	return c, err
}

// findClaim reads claim id with its tags and, when head is not nil, its
// claim_history row into head ("" when it has none).
func findClaim(ctx context.Context, tx *Tx, id int64, head *string) (*claimtrack.Claim, error) {
	var tags string
	query, extra := `SELECT `+claimColumns+`, `+claimTagsColumn+` FROM claims c WHERE c.id = ?`, []any{&tags}
	if head != nil {
		query = `SELECT ` + claimColumns + `, ` + claimTagsColumn + `,
			coalesce((SELECT events FROM claim_history WHERE claim_id = c.id), '')
			FROM claims c WHERE c.id = ?`
		extra = append(extra, head)
	}
	c, err := scanClaim(tx.QueryRowContext(ctx, query, id), extra...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Claim")
	} else if err != nil {
		return nil, err
	}
	c.Tags = orderTags(tags)
	return c, nil
}

// claimTagsColumn reads the tags of claim c in one column: each as its
// position, the record separator and the tag, joined by the unit separator
// (a tag holds neither), in no set order; orderTags orders them. Ordering
// them in SQL would cost a sorter for every claim read.
const claimTagsColumn = `coalesce((SELECT group_concat(position || char(30) || tag, char(31)) FROM claim_tags WHERE claim_id = c.id), '')`

// orderTags reads claimTagsColumn: the tags by position, nil for none.
func orderTags(s string) []string {
	if s == "" {
		return nil
	}
	type tag struct {
		pos  int
		name string
	}
	var tags []tag
	for part := range strings.SplitSeq(s, "\x1f") {
		pos, name, _ := strings.Cut(part, "\x1e")
		n, _ := strconv.Atoi(pos)
		tags = append(tags, tag{n, name})
	}
	slices.SortStableFunc(tags, func(a, b tag) int { return cmp.Compare(a.pos, b.pos) })
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.name
	}
	return out
}

// indexClaims maps claims by id and returns an IN list of their ids.
func indexClaims(claims []*claimtrack.Claim) (map[int64]*claimtrack.Claim, string, []any) {
	byID := make(map[int64]*claimtrack.Claim, len(claims))
	ids := make([]int64, len(claims))
	for i, c := range claims {
		byID[c.ID], ids[i] = c, c.ID
	}
	in, args := inClause(ids)
	return byID, in, args
}

// attachTags fills the tags of the given claims with one query.
func attachTags(ctx context.Context, tx *Tx, claims []*claimtrack.Claim) error {
	if len(claims) == 0 {
		return nil
	}
	byID, in, args := indexClaims(claims)
	rows, err := tx.QueryContext(ctx, `SELECT claim_id, tag FROM claim_tags WHERE claim_id IN (`+in+`) ORDER BY claim_id, position`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var tag string
		if err := rows.Scan(&id, &tag); err != nil {
			return err
		}
		byID[id].Tags = append(byID[id].Tags, tag)
	}
	return rows.Err()
}

// attachMainSources sets each claim's MainSource (its id and name, which the
// lists show): its first asserting source, or failing that its first linked
// source.
func attachMainSources(ctx context.Context, tx *Tx, claims []*claimtrack.Claim) error {
	if len(claims) == 0 {
		return nil
	}
	byID, in, args := indexClaims(claims)
	rows, err := tx.QueryContext(ctx, `
		SELECT e.claim_id, e.stance = 'asserts', e.id, s.id, s.name
		FROM evidence e JOIN sources s ON s.id = e.source_id
		WHERE e.claim_id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	// The best link so far of each claim: asserting before not, then oldest.
	type best struct {
		asserts bool
		id      int64
	}
	seen := map[int64]best{}
	for rows.Next() {
		var claimID, linkID, sourceID int64
		var asserts bool
		var name string
		if err := rows.Scan(&claimID, &asserts, &linkID, &sourceID, &name); err != nil {
			return err
		}
		b, ok := seen[claimID]
		if !ok || (asserts && !b.asserts) || (asserts == b.asserts && linkID < b.id) {
			seen[claimID] = best{asserts, linkID}
			byID[claimID].MainSource = &claimtrack.Source{ID: sourceID, Name: name}
		}
	}
	return rows.Err()
}

// attachListing fills what a list shows of each claim besides its row: its
// tags and its main source. Both are kept, in that order and by that rule,
// in the claim's search row (claimSearchRow), which one lookup per claim
// reads; a claim without a search row (while the index is being rebuilt)
// has them read from their tables.
func attachListing(ctx context.Context, tx *Tx, claims []*claimtrack.Claim) error {
	if len(claims) == 0 {
		return nil
	}
	byID, in, args := indexClaims(claims)
	rows, err := tx.QueryContext(ctx, `SELECT rowid, tags, main_source_id, main_source FROM claim_search WHERE rowid IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	found := make(map[int64]bool, len(claims))
	for rows.Next() {
		var id, sourceID int64
		var tags, sourceName string
		if err := rows.Scan(&id, &tags, &sourceID, &sourceName); err != nil {
			return err
		}
		c := byID[id]
		if c == nil {
			continue
		}
		found[id] = true
		if tags != "" {
			c.Tags = splitTags(tags)
		}
		if sourceID != 0 {
			c.MainSource = &claimtrack.Source{ID: sourceID, Name: sourceName}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	var missing []*claimtrack.Claim
	for _, c := range claims {
		if !found[c.ID] {
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if err := attachTags(ctx, tx, missing); err != nil {
		return err
	}
	return attachMainSources(ctx, tx, missing)
}

// claimWhere builds the WHERE clause shared by the list and its status counts.
// The status filter is left out when withStatus is false.
func claimWhere(f claimtrack.ClaimFilter, withStatus bool) (string, []any) {
	var conds []string
	var args []any
	if withStatus && f.Status != "" {
		conds, args = append(conds, "c.status = ?"), append(args, f.Status)
	}
	if f.SourceID != 0 {
		conds = append(conds, "c.id IN (SELECT claim_id FROM evidence WHERE source_id = ? UNION SELECT claim_id FROM evidence WHERE via_source_id = ?)")
		args = append(args, f.SourceID, f.SourceID)
	}
	if f.ReportID != 0 {
		conds, args = append(conds, "c.report_id = ?"), append(args, f.ReportID)
	}
	if f.Tag != "" {
		conds, args = append(conds, "c.id IN (SELECT claim_id FROM claim_tags WHERE tag = ?)"), append(args, f.Tag)
	}
	if f.Assignee != "" {
		conds, args = append(conds, "c.assignee = ? AND c.assignee <> ''"), append(args, f.Assignee)
	}
	switch f.Due {
	case claimtrack.DueAny:
		conds = append(conds, `c.kind = 'forecast' AND c.due_date <> '' AND c.status IN ('unverified', 'disputed')`)
	case claimtrack.DueOverdue:
		conds = append(conds, `c.kind = 'forecast' AND c.due_date <> '' AND c.due_date < ? AND c.status IN ('unverified', 'disputed')`)
		args = append(args, f.Today)
	case claimtrack.DueSoon:
		conds = append(conds, `c.kind = 'forecast' AND c.due_date <> '' AND c.due_date >= ? AND c.due_date <= ?
			AND c.status IN ('unverified', 'disputed')`)
		args = append(args, f.Today, claimtrack.AddDays(f.Today, claimtrack.DueSoonDays))
	}
	if f.Query != "" {
		// The words filter uses the search engine: the same query language,
		// the same index, but the list keeps its newest-first order.
		q := claimtrack.ParseQueryWith(f.Query, f.QueryLimits)
		if expr := ftsExpr(q); expr != "" {
			conds, args = append(conds, "c.id IN (SELECT rowid FROM claim_search WHERE claim_search MATCH ?)"), append(args, expr)
		} else if len(q.Excluded) > 0 {
			conds = append(conds, "0") // exclusions alone match nothing
		}
		if !q.HasTerms() {
			if filters, fargs := claimFilters(q); filters != "" {
				conds, args = append(conds, strings.TrimPrefix(filters, " AND ")), append(args, fargs...)
			}
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// claimOrder is the ORDER BY of a claims list in order o.
func claimOrder(o claimtrack.ClaimOrder) string {
	if o == claimtrack.OrderChanged {
		return ` ORDER BY c.updated_at DESC, c.id DESC`
	}
	return ` ORDER BY c.created_at DESC, c.id DESC`
}

// FindClaims returns one page of claims matching f, newest first or most
// recently changed first (f.Order), with the number of matches per status.
func (db *DB) FindClaims(ctx context.Context, f claimtrack.ClaimFilter) (*claimtrack.ClaimPage, error) {
	if f.Limit <= 0 {
		f.Limit = 25
	}
	f.Offset = max(f.Offset, 0)
	if f.Today == "" {
		f.Today = db.Now().UTC().Format(time.DateOnly)
	}
	page := &claimtrack.ClaimPage{StatusCounts: map[claimtrack.Status]int{}}
	err := db.readTx(ctx, func(tx *Tx) error {
		where, args := claimWhere(f, false)
		count := `SELECT c.status, count(*) FROM claims c` + where + ` GROUP BY c.status`
		tagOnly := f.Tag != "" && f.SourceID == 0 && f.ReportID == 0 && f.Query == "" && f.Assignee == "" && f.Due == ""
		switch {
		case where == "":
			count = `SELECT status, n FROM claim_status_counts WHERE n > 0`
		case tagOnly:
			count, args = `SELECT status, n FROM tag_status_counts WHERE tag = ? AND n > 0`, []any{f.Tag}
		}
		rows, err := tx.QueryContext(ctx, count, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var s claimtrack.Status
			var n int
			if err := rows.Scan(&s, &n); err != nil {
				rows.Close()
				return err
			}
			page.StatusCounts[s] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if f.Status != "" {
			page.Total = page.StatusCounts[f.Status]
		} else {
			page.Total = page.AllCount()
		}

		where, args = claimWhere(f, true)
		list := `SELECT ` + claimColumns + ` FROM claims c` + where + claimOrder(f.Order) + ` LIMIT ? OFFSET ?`
		// The tag's rows carry their claims' creation times and statuses:
		// newest first, a page is read from the tag's index alone.
		if tagOnly && f.Order == claimtrack.OrderCreated {
			page := `SELECT claim_id, created_at FROM claim_tags WHERE tag = ?`
			args = []any{f.Tag}
			if f.Status != "" {
				page, args = page+` AND status = ?`, append(args, f.Status)
			}
			list = `SELECT ` + claimColumns + ` FROM (` + page + ` ORDER BY created_at DESC, claim_id DESC LIMIT ? OFFSET ?) t
				JOIN claims c ON c.id = t.claim_id ORDER BY t.created_at DESC, t.claim_id DESC`
		}
		rows, err = tx.QueryContext(ctx, list, append(args, f.Limit, f.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanClaim(rows)
			if err != nil {
				return err
			}
			page.Claims = append(page.Claims, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return attachListing(ctx, tx, page.Claims)
	})

	if err != nil {
		return nil, err
	}
	return page, nil
}

// FindReportClaims returns the claims taken from a report, in the order they were recorded.
func (db *DB) FindReportClaims(ctx context.Context, reportID int64) ([]*claimtrack.Claim, error) {
	var claims []*claimtrack.Claim
	err := db.readTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+claimColumns+` FROM claims c WHERE c.report_id = ? ORDER BY c.id`, reportID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanClaim(rows)
			if err != nil {
				return err
			}
			claims = append(claims, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if err := attachTags(ctx, tx, claims); err != nil {
			return err
		}
		return attachMainSources(ctx, tx, claims)
	})

	return claims, err
}

// claimAtVersion loads a claim for a change and checks that it is still at
// the version the editor saw (ECONFLICT otherwise, with the claim as it is).
// It locks nothing: inside a write transaction the writer's lock is what
// keeps the claim from changing until the commit.
func claimAtVersion(ctx context.Context, tx *Tx, id, version int64) (*claimtrack.Claim, error) {
	c, err := findClaimByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if version != c.Version {
		return c, claimtrack.Errorf(claimtrack.ECONFLICT,
			"This claim was changed by someone else after you opened it (you had version %d, it is now at version %d).", version, c.Version)
	}
	return c, nil
}

// staleClaim answers a change made from an old version (or to a claim that
// does not exist) from a read, before the change queues for the writer: when
// many editors change one claim at once, the losers do not wait for the
// winner's commit to hear that they lost. The check inside the write
// transaction (claimAtVersion) stays the one that counts.
func (db *DB) staleClaim(ctx context.Context, id, version int64) (*claimtrack.Claim, error) {
	var c *claimtrack.Claim
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		c, err = claimAtVersion(ctx, tx, id, version)
		return err
	})

	return c, err
}

// bumpClaim moves a claim to its next version, guarded by the version it had.
func bumpClaim(ctx context.Context, tx *Tx, c *claimtrack.Claim) error {
	res, err := tx.ExecContext(ctx, `UPDATE claims SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		formatTime(tx.now), c.ID, c.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return claimtrack.Errorf(claimtrack.ECONFLICT, "This claim was changed by someone else after you opened it.")
	}
	c.Version++
	c.UpdatedAt = tx.now
	return nil
}

// UpdateClaim replaces the editable fields of a claim if version is still
// current; a stale version is ECONFLICT and writes nothing. An edit that
// changes nothing returns the claim as it is and records no event.
func (db *DB) UpdateClaim(ctx context.Context, id, version int64, in claimtrack.ClaimInput, actor string) (*claimtrack.Claim, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if c, err := db.staleClaim(ctx, id, version); err != nil {
		return c, err
	}
	var c *claimtrack.Claim
	err := db.update(ctx, func(tx *Tx) (err error) {
		if c, err = claimAtVersion(ctx, tx, id, version); err != nil {
			return err
		}
		edit := claimtrack.ClaimEdit(claimtrack.ClaimValuesOf(c),
			claimtrack.ClaimValues{Text: in.Text, Context: in.Context, Kind: in.Kind, DueDate: in.DueDate, Tags: in.Tags})
		if len(edit.Changes) == 0 {
			return nil
		}
		if err := bumpClaim(ctx, tx, c); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE claims SET text = ?, context = ?, kind = ?, due_date = ? WHERE id = ?`,
			in.Text, in.Context, in.Kind, in.DueDate, id); err != nil {
			return err
		}
		if err := replaceTags(ctx, tx, id, in.Tags); err != nil {
			return err
		}
		oldKind := c.Kind
		c.Text, c.Context, c.Kind, c.DueDate, c.Tags = in.Text, in.Context, in.Kind, in.DueDate, in.Tags
		if err := reindexClaim(ctx, tx, id); err != nil {
			return err
		}
		ev := &claimtrack.Event{Actor: actor, ClaimID: id, ClaimVersion: c.Version, Payload: edit}
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		// A statement that becomes a forecast counts in the other part of
		// its sources' records.
		return creditKindChange(ctx, tx, c, oldKind, ev)
	})
	if err != nil {
		if claimtrack.ErrorCode(err) == claimtrack.ECONFLICT {
			return c, err
		}
		return nil, err
	}
	return c, nil
}

// SetClaimStatus records a verdict: the new status and the reasoning behind it.
// The same status with another note revises the note; the same status with
// the same note changes nothing and records nothing (the claim keeps its
// version). A stale version is ECONFLICT and writes nothing. A confirmation
// may refute rival outcomes of the claim's question (ch.Refute), each with
// its own status change, in the same transaction: all of it or nothing.
func (db *DB) SetClaimStatus(ctx context.Context, id int64, ch claimtrack.StatusChange, actor string) (*claimtrack.Claim, error) {
	ch.Normalize()
	if err := ch.Validate(); err != nil {
		return nil, err
	}
	if c, err := db.staleClaim(ctx, id, ch.Version); err != nil {
		return c, err
	}
	var c *claimtrack.Claim
	err := db.update(ctx, func(tx *Tx) (err error) {
		if c, err = claimAtVersion(ctx, tx, id, ch.Version); err != nil {
			return err
		}
		// Confirming an outcome can refute its rivals in the same step;
		// they are checked before anything is written.
		rivals, err := rivalsToRefute(ctx, tx, c, ch.Refute)
		if err != nil {
			return err
		}
		if c.Status != ch.Status || c.VerdictNote != ch.Note {
			if err := setClaimStatus(ctx, tx, c, ch, actor); err != nil {
				return err
			}
		}
		for _, r := range rivals {
			if err := setClaimStatus(ctx, tx, r, claimtrack.StatusChange{Status: claimtrack.StatusRefuted, Note: ch.Note, Version: r.Version}, actor); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if claimtrack.ErrorCode(err) == claimtrack.ECONFLICT {
			return c, err
		}
		return nil, err
	}
	return c, nil
}

// setClaimStatus moves claim c (current in tx) to a new status with its note:
// a new version, the search row, the event, and the records of its sources.
func setClaimStatus(ctx context.Context, tx *Tx, c *claimtrack.Claim, ch claimtrack.StatusChange, actor string) error {
	verdict := claimtrack.StatusChanged{From: c.Status, FromNote: c.VerdictNote, To: ch.Status, ToNote: ch.Note}
	if err := bumpClaim(ctx, tx, c); err != nil {
		return err
	}
	// A new verdict is the review: the claim is no longer waiting for one.
	if _, err := tx.ExecContext(ctx, `UPDATE claims SET status = ?, verdict_note = ?, new_evidence_at = '' WHERE id = ?`,
		ch.Status, ch.Note, c.ID); err != nil {
		return err
	}
	c.Status, c.VerdictNote = ch.Status, ch.Note
	if err := reindexClaim(ctx, tx, c.ID); err != nil {
		return err
	}
	// A verdict on an outcome is also a change to its question.
	ev := &claimtrack.Event{
		Actor: actor, ClaimID: c.ID, ClaimVersion: c.Version, QuestionID: c.QuestionID, Payload: verdict, Note: ch.Note,
	}
	if err := insertEvent(ctx, tx, ev); err != nil {
		return err
	}
	// The sources' records move in the same transaction as the verdict.
	return creditStatusChange(ctx, tx, c, verdict, ev)
}
