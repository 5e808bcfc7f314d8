package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

// historyHead is how many of a claim's newest events claim_history keeps
// (migration 0022): a page of 50 and one more.
const historyHead = 51

// fillClaimHistory fills claim_history from the events, as migration 0022
// does.
const fillClaimHistory = `INSERT INTO claim_history (claim_id, events)
	SELECT claim_id, json_group_array(json(ev) ORDER BY id) FROM (
		SELECT claim_id, id, json_array(id, type, actor, at, coalesce(claim_version, 0), coalesce(source_id, 0),
			coalesce(evidence_id, 0), coalesce(report_id, 0), coalesce(question_id, 0), before_json, after_json, note) AS ev,
			row_number() OVER (PARTITION BY claim_id ORDER BY id DESC) AS n
		FROM events WHERE claim_id IS NOT NULL
	) WHERE n <= 51 GROUP BY claim_id`

// RebuildClaimHistory rebuilds every claim's kept newest events
// (claim_history) from the history, in one transaction.
func (db *DB) RebuildClaimHistory(ctx context.Context) error {
	return db.update(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM claim_history`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, fillClaimHistory)
		return err
	})
}

// staleClaimHistories counts the claims whose kept newest events do not end
// with their newest event (or are not kept at all), and the kept rows of
// claims without events; 0 where the schema has no claim_history yet.
func staleClaimHistories(ctx context.Context, conn *sql.DB) (int, error) {
	var has bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'claim_history')`).
		Scan(&has); err != nil || !has {
		return 0, err
	}
	var n int
	err := conn.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM (SELECT claim_id, max(id) AS newest FROM events WHERE claim_id IS NOT NULL GROUP BY claim_id) e
			LEFT JOIN claim_history h ON h.claim_id = e.claim_id
			WHERE h.claim_id IS NULL OR (h.events ->> '$[#-1][0]') IS NOT e.newest) +
		(SELECT count(*) FROM claim_history h WHERE NOT EXISTS (SELECT 1 FROM events WHERE claim_id = h.claim_id))`).Scan(&n)
	return n, err
}

// historyRow is a claim's claim_history row, as read with the claim (see
// FindClaimForPage): "" when it has none.
type historyRow struct {
	claimID int64
	events  string
}

// findHistoryHead returns the newest events of a claim as claim_history
// keeps them (up to historyHead), newest first; false when it keeps none
// (no such claim, or a claim without events).
func findHistoryHead(ctx context.Context, tx *Tx, claimID int64) ([]*claimtrack.Event, bool, error) {
	var raw string
	if h := tx.head; h != nil && h.claimID == claimID {
		raw = h.events
	} else {
		err := tx.QueryRowContext(ctx, `SELECT events FROM claim_history WHERE claim_id = ?`, claimID).Scan(&raw)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, false, nil
		} else if err != nil {
			return nil, false, err
		}
	}
	if raw == "" { // read with its claim: none kept
		return nil, false, nil
	}
	events, err := decodeHistory(raw, claimID)
	if err != nil {
		return nil, false, fmt.Errorf("sqlite: history of claim %d: %w", claimID, err)
	}
	return events, len(events) > 0, nil
}

// decodeHistory reads a claim_history row (see migration 0022) into events
// of claim claimID, newest first.
func decodeHistory(s string, claimID int64) ([]*claimtrack.Event, error) {
	p := jsonReader{s: s}
	if !p.take('[') {
		return nil, p.fail()
	}
	var out []*claimtrack.Event
	if p.take(']') {
		return out, p.end()
	}
	for {
		ev := &claimtrack.Event{ClaimID: claimID}
		var typ, at, before, after string
		ok := p.take('[') && p.int(&ev.ID) && p.take(',') && p.str(&typ) && p.take(',') && p.str(&ev.Actor) && p.take(',') &&
			p.str(&at) && p.take(',') && p.int(&ev.ClaimVersion) && p.take(',') && p.int(&ev.SourceID) && p.take(',') &&
			p.int(&ev.EvidenceID) && p.take(',') && p.int(&ev.ReportID) && p.take(',') && p.int(&ev.QuestionID) && p.take(',') &&
			p.str(&before) && p.take(',') && p.str(&after) && p.take(',') && p.str(&ev.Note) && p.take(']')
		if !ok {
			return nil, p.fail()
		}
		ev.Type = claimtrack.EventType(typ)
		if err := finishEvent(ev, at, before, after); err != nil {
			return nil, err
		}
		out = append(out, ev)
		if p.take(']') {
			break
		}
		if !p.take(',') {
			return nil, p.fail()
		}
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	// Kept oldest first; newest first is wanted. The order is checked rather
	// than trusted (SQLite does not promise the order json_group_array takes
	// its rows in, though it takes them as given).
	slices.SortStableFunc(out, func(a, b *claimtrack.Event) int { return cmp.Compare(b.ID, a.ID) })
	return out, nil
}

// jsonReader reads the JSON that SQLite's json functions write: no space
// between tokens, integers and strings only.
type jsonReader struct {
	s string
	i int
}

func (p *jsonReader) fail() error {
	return fmt.Errorf("unexpected JSON at offset %d", p.i)
}

func (p *jsonReader) end() error {
	if p.i != len(p.s) {
		return p.fail()
	}
	return nil
}

func (p *jsonReader) take(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *jsonReader) int(v *int64) bool {
	j := p.i
	if j < len(p.s) && p.s[j] == '-' {
		j++
	}
	for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(p.s[p.i:j], 10, 64)
	if err != nil {
		return false
	}
	*v, p.i = n, j
	return true
}

// str reads a string: as a slice of the input when it has no escapes.
func (p *jsonReader) str(v *string) bool {
	if !p.take('"') {
		return false
	}
	start := p.i
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case '"':
			*v = p.s[start:p.i]
			p.i++
			return true
		case '\\':
			return p.escaped(start, v)
		}
		p.i++
	}
	return false
}

// escaped reads the rest of a string with escapes, which began at start.
func (p *jsonReader) escaped(start int, v *string) bool {
	// Unescaped, a string is never longer than as written: room for that
	// much (not for the rest of the row, which holds the other events).
	end := p.i
	for end < len(p.s) && p.s[end] != '"' {
		if p.s[end] == '\\' {
			end++
		}
		end++
	}
	var b strings.Builder
	b.Grow(min(end, len(p.s)) - start)
	b.WriteString(p.s[start:p.i])
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			*v = b.String()
			p.i++
			return true
		case c != '\\':
			b.WriteByte(c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			return false
		}
		e := p.s[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return false
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if save := p.i; strings.HasPrefix(p.s[p.i:], `\u`) {
					p.i += 2
					if lo, ok := p.hex4(); ok && utf16.DecodeRune(r, lo) != utf8.RuneError {
						r2 = utf16.DecodeRune(r, lo)
					} else {
						p.i = save
					}
				}
				r = r2
			}
			b.WriteRune(r)
		default:
			return false
		}
	}
	return false
}

func (p *jsonReader) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	n, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(n), true
}
