package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

const reportColumns = `r.id, r.key, r.title, r.outlet, r.url, r.published_at, r.summary, r.created_at`

func scanReport(s interface{ Scan(...any) error }) (*claimtrack.Report, error) {
	var r claimtrack.Report
	var created string
	if err := s.Scan(&r.ID, &r.Key, &r.Title, &r.Outlet, &r.URL, &r.PublishedAt, &r.Summary, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = parseTime(created)
	return &r, nil
}

// FindReportByID returns one report, or ENOTFOUND.
func (db *DB) FindReportByID(ctx context.Context, id int64) (*claimtrack.Report, error) {
	var r *claimtrack.Report
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		r, err = scanReport(tx.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports r WHERE r.id = ?`, id))
		return err
	})

	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Report")
	}
	return r, err
}

// ImportReport stores a report with its sources, claims and evidence in one
// transaction, each change with its event. Sources are matched by name
// ignoring case, so existing ones are linked rather than duplicated. A report
// whose key is already stored is left alone: the import returns it with
// created false and writes nothing, which makes importing idempotent.
func (db *DB) ImportReport(ctx context.Context, imp claimtrack.ReportImport, actor string) (*claimtrack.Report, bool, error) {
	normalizeImport(&imp)
	if err := imp.Validate(); err != nil {
		return nil, false, err
	}
	var report *claimtrack.Report
	var created bool
	err := db.update(ctx, func(tx *Tx) error {
		existing, err := scanReport(tx.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports r WHERE r.key = ?`, imp.Report.Key))
		if err == nil {
			report = existing
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		report, created = &imp.Report, true
		return importReport(ctx, tx, &imp, actor)
	})
	if err != nil {
		return nil, false, err
	}
	return report, created, nil
}

func normalizeImport(imp *claimtrack.ReportImport) {
	r := &imp.Report
	r.Key, r.Title, r.Outlet = claimtrack.NormalizeLine(r.Key), claimtrack.NormalizeLine(r.Title), claimtrack.NormalizeLine(r.Outlet)
	r.URL, r.PublishedAt = claimtrack.NormalizeLine(r.URL), claimtrack.NormalizeLine(r.PublishedAt)
	r.Summary = claimtrack.NormalizeText(r.Summary)
	for i := range imp.Sources {
		imp.Sources[i].Normalize()
	}
	for i := range imp.Claims {
		imp.Claims[i].Claim.Normalize()
	}
}

func importReport(ctx context.Context, tx *Tx, imp *claimtrack.ReportImport, actor string) error {
	r := &imp.Report
	res, err := tx.ExecContext(ctx, `
		INSERT INTO reports (key, title, outlet, url, published_at, summary, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.Key, r.Title, r.Outlet, r.URL, r.PublishedAt, r.Summary, formatTime(tx.now))
	if err != nil {
		return err
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	r.CreatedAt = tx.now
	if err := insertEvent(ctx, tx, &claimtrack.Event{
		Actor: actor, ReportID: r.ID,
		Payload: claimtrack.ReportImported{Title: r.Title, Outlet: r.Outlet, URL: r.URL, Summary: r.Summary},
	}); err != nil {
		return err
	}

	sources := map[string]*claimtrack.Source{}
	for _, in := range imp.Sources {
		s, err := findSourceByName(ctx, tx, in.Name)
		if err != nil {
			return err
		}
		if s == nil {
			if s, err = createSource(ctx, tx, in, actor); err != nil {
				return err
			}
		}
		sources[claimtrack.SourceNameKey(in.Name)] = s
	}
	lookup := func(name string) (*claimtrack.Source, error) {
		if s := sources[claimtrack.SourceNameKey(name)]; s != nil {
			return s, nil
		}
		s, err := findSourceByName(ctx, tx, name)
		if err != nil {
			return nil, err
		} else if s == nil {
			return nil, claimtrack.Errorf(claimtrack.EINVALID, "The import names a source it does not list: %q.", name)
		}
		sources[claimtrack.SourceNameKey(name)] = s
		return s, nil
	}

	for i, ci := range imp.Claims {
		var c *claimtrack.Claim
		if ci.SameAs > 0 {
			// The same claim is here already: the report's evidence goes to it.
			if c, err = findClaimByID(ctx, tx, ci.SameAs); claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND {
				return &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.",
					Fields: map[string]string{"claims." + strconv.Itoa(i) + ".same_as": fmt.Sprintf("There is no claim #%d.", ci.SameAs)}}
			} else if err != nil {
				return err
			}
		} else if c, err = createClaim(ctx, tx, ci.Claim, r.ID, actor); err != nil {
			return err
		}
		for _, ei := range ci.Evidence {
			src, err := lookup(ei.Source)
			if err != nil {
				return err
			}
			var via *claimtrack.Source
			if ei.Via != "" {
				if via, err = lookup(ei.Via); err != nil {
					return err
				}
			}
			if err := bumpClaim(ctx, tx, c); err != nil {
				return err
			}
			in := claimtrack.EvidenceInput{Stance: ei.Stance, Quote: ei.Quote, URL: ei.URL, PublishedAt: ei.PublishedAt, Note: ei.Note}
			in.Normalize()
			if _, err := insertEvidence(ctx, tx, c, src, via, in, actor); err != nil {
				return fmt.Errorf("import evidence for %q: %w", c.Text, err)
			}
		}
	}
	return nil
}

// FindReports returns one page of the reports, the latest published first
// (undated ones last, then the latest recorded first), each with the number
// of its claims in each status, and how many reports there are.
func (db *DB) FindReports(ctx context.Context, offset, limit int) ([]*claimtrack.ReportListing, int, error) {
	if limit <= 0 {
		limit = 50
	}
	var out []*claimtrack.ReportListing
	var total int
	err := db.readTx(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM reports`).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+reportColumns+` FROM reports r
			ORDER BY r.published_at = '', r.published_at DESC, r.created_at DESC, r.id DESC LIMIT ? OFFSET ?`, limit, max(offset, 0))
		if err != nil {
			return err
		}
		defer rows.Close()
		byID := map[int64]*claimtrack.ReportListing{}
		var ids []int64
		for rows.Next() {
			r, err := scanReport(rows)
			if err != nil {
				return err
			}
			l := &claimtrack.ReportListing{Report: r, StatusCounts: map[claimtrack.Status]int{}}
			out, byID[r.ID], ids = append(out, l), l, append(ids, r.ID)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if len(ids) == 0 {
			return nil
		}
		// Counted from the (report_id, status) index alone.
		in, args := inClause(ids)
		counts, err := tx.QueryContext(ctx, `SELECT report_id, status, count(*) FROM claims
			WHERE report_id IN (`+in+`) GROUP BY report_id, status`, args...)
		if err != nil {
			return err
		}
		defer counts.Close()
		for counts.Next() {
			var id int64
			var st claimtrack.Status
			var n int
			if err := counts.Scan(&id, &st, &n); err != nil {
				return err
			}
			byID[id].StatusCounts[st] = n
		}
		return counts.Err()
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}
