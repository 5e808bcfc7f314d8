package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

const sourceColumns = `s.id, s.name, s.kind, s.role, s.url, s.description, s.created_at, s.updated_at`

// scanSource reads sourceColumns, then any further columns into extra.
func scanSource(s interface{ Scan(...any) error }, extra ...any) (*claimtrack.Source, error) {
	src, dest, done := sourceDest()
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	done()
	return src, nil
}

// sourceDest gives a source, the destinations to scan sourceColumns into,
// and a func that completes the source once they are scanned (its times),
// for rows that hold a source among other columns.
func sourceDest() (*claimtrack.Source, []any, func()) {
	var src claimtrack.Source
	var created, updated string
	return &src, []any{&src.ID, &src.Name, &src.Kind, &src.Role, &src.URL, &src.Description, &created, &updated},
		func() { src.CreatedAt, src.UpdatedAt = parseTime(created), parseTime(updated) }
}

// CreateSource validates in and stores a new source with its event. A name
// already taken (ignoring case) is EINVALID on the name field, reported
// with the other fields' problems.
func (db *DB) CreateSource(ctx context.Context, in claimtrack.SourceInput, actor string) (*claimtrack.Source, error) {
	in.Normalize()
	if err := db.sourceInputErrors(ctx, in, 0); err != nil {
		return nil, err
	}
	var s *claimtrack.Source
	err := db.update(ctx, func(tx *Tx) (err error) {
		if err := nameTaken(ctx, tx, in.Name, 0); err != nil {
			return err
		}
		s, err = createSource(ctx, tx, in, actor)
		return err
	})
	return s, err
}

// sourceInputErrors validates the input of source id (0 for a new one): the
// problems of its fields and, among them, a name another source has.
func (db *DB) sourceInputErrors(ctx context.Context, in claimtrack.SourceInput, id int64) error {
	verr := in.Validate()
	if verr == nil || claimtrack.ErrorCode(verr) != claimtrack.EINVALID {
		return verr
	}
	fields := map[string]string{}
	for k, v := range claimtrack.FieldErrors(verr) {
		fields[k] = v
	}
	if _, bad := fields["name"]; !bad {
		err := db.readTx(ctx, func(tx *Tx) error { return nameTaken(ctx, tx, in.Name, id) })
		if taken := claimtrack.FieldErrors(err)["name"]; taken != "" {
			fields["name"] = taken
		} else if err != nil {
			return err
		}
	}
	return &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.", Fields: fields}
}

// nameTaken is EINVALID on the name field when a source other than id has
// name, ignoring case.
func nameTaken(ctx context.Context, tx *Tx, name string, id int64) error {
	other, err := findSourceByName(ctx, tx, name)
	if err != nil || other == nil || other.ID == id {
		return err
	}
	return &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.",
		Fields: map[string]string{"name": "A source named “" + other.Name + "” already exists."}}
}

func createSource(ctx context.Context, tx *Tx, in claimtrack.SourceInput, actor string) (*claimtrack.Source, error) {
	s := &claimtrack.Source{Name: in.Name, Kind: in.Kind, Role: in.Role, URL: in.URL, Description: in.Description,
		CreatedAt: tx.now, UpdatedAt: tx.now}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO sources (name, name_key, kind, role, url, description, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		s.Name, claimtrack.SourceNameKey(s.Name), s.Kind, s.Role, s.URL, s.Description, formatTime(tx.now), formatTime(tx.now))
	if err != nil {
		return nil, err
	}
	if s.ID, err = res.LastInsertId(); err != nil {
		return nil, err
	}
	if err := reindexSource(ctx, tx, s.ID); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO source_stats (source_id) VALUES (?)`, s.ID); err != nil {
		return nil, fmt.Errorf("sqlite: source stats: %w", err)
	}
	return s, insertEvent(ctx, tx, &claimtrack.Event{
		Actor: actor, SourceID: s.ID, Payload: claimtrack.SourceCreated{Source: claimtrack.SourceValuesOf(s)},
	})
}

// findSourceByName returns the source with this name ignoring case, or nil.
func findSourceByName(ctx context.Context, tx *Tx, name string) (*claimtrack.Source, error) {
	s, err := scanSource(tx.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources s WHERE s.name_key = ?`,
		claimtrack.SourceNameKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return s, err
}

func findSourceByID(ctx context.Context, tx *Tx, id int64) (*claimtrack.Source, error) {
	s, err := scanSource(tx.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources s WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Source")
	}
	return s, err
}

// FindSourceByID returns one source, or ENOTFOUND.
func (db *DB) FindSourceByID(ctx context.Context, id int64) (*claimtrack.Source, error) {
	var s *claimtrack.Source
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		s, err = findSourceByID(ctx, tx, id)
		return err
	})

	return s, err
}

// SourceChoicesMax is the most sources a picker offers: the ones linked to
// the most claims. Any other is reached by typing its name.
const SourceChoicesMax = 300

// FindSourceChoices returns the sources a picker offers, by name: all of them
// on a small tracker, the SourceChoicesMax most used on a large one.
func (db *DB) FindSourceChoices(ctx context.Context) ([]*claimtrack.Source, error) {
	return querySources(ctx, db.reader, `SELECT `+sourceColumns+` FROM sources s
		WHERE s.id IN (SELECT source_id FROM source_stats ORDER BY claims DESC, source_id LIMIT ?)
		ORDER BY s.name_key`, SourceChoicesMax)
}

// querySources runs a query selecting sourceColumns and collects the rows.
func querySources(ctx context.Context, q Queryer, query string, args ...any) ([]*claimtrack.Source, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*claimtrack.Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindSources returns one page of sources in the filter's order, each with its
// track record, and the total number of sources.
func (db *DB) FindSources(ctx context.Context, f claimtrack.SourceFilter) ([]*claimtrack.SourceSummary, int, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Offset = max(f.Offset, 0)
	// Each order follows an index: sources by name, source_stats by score
	// (best lower bound first, sources with too few resolved claims last) or
	// by claims. The page's ids are found in the index alone, so skipping to
	// a far page skips index entries, not joined rows.
	page := `SELECT id FROM sources ORDER BY name_key LIMIT ? OFFSET ?`
	order := `s.name_key`
	switch f.Sort {
	case claimtrack.SortByReliability:
		page = `SELECT source_id FROM source_stats ORDER BY enough DESC, low DESC, mean DESC, source_id LIMIT ? OFFSET ?`
		order = `st.enough DESC, st.low DESC, st.mean DESC, st.source_id`
	case claimtrack.SortByForecasts:
		page = `SELECT source_id FROM source_stats ORDER BY f_enough DESC, f_low DESC, f_mean DESC, source_id LIMIT ? OFFSET ?`
		order = `st.f_enough DESC, st.f_low DESC, st.f_mean DESC, st.source_id`
	case claimtrack.SortByClaims:
		page = `SELECT source_id FROM source_stats ORDER BY claims DESC, source_id LIMIT ? OFFSET ?`
		order = `st.claims DESC, st.source_id`
	}
	var out []*claimtrack.SourceSummary
	var total int
	err := db.readTx(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sources`).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+sourceColumns+`, `+recordColumns+`
			FROM sources s JOIN source_stats st ON st.source_id = s.id
			WHERE s.id IN (`+page+`) ORDER BY `+order, f.Limit, f.Offset)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			sum := &claimtrack.SourceSummary{}
			s, err := scanSource(rows, recordDest(&sum.Record)...)
			if err != nil {
				return err
			}
			sum.Source = *s
			out = append(out, sum)
		}
		return rows.Err()
	})

	return out, total, err
}

// UpdateSource replaces a source's details and records the change. A new name
// already used by another source (ignoring case) is EINVALID on the name
// field. Claims linked to the source are re-indexed in the same transaction,
// so a renamed source is found under its new name at once.
func (db *DB) UpdateSource(ctx context.Context, id int64, in claimtrack.SourceInput, actor string) (*claimtrack.Source, error) {
	in.Normalize()
	if err := db.sourceInputErrors(ctx, in, id); err != nil {
		return nil, err
	}
	var s *claimtrack.Source
	err := db.update(ctx, func(tx *Tx) (err error) {
		if s, err = findSourceByID(ctx, tx, id); err != nil {
			return err
		}
		if err := nameTaken(ctx, tx, in.Name, id); err != nil {
			return err
		}
		edit := claimtrack.SourceEdit(claimtrack.SourceValuesOf(s),
			claimtrack.SourceValues{Name: in.Name, Kind: in.Kind, Role: in.Role, URL: in.URL, Description: in.Description})
		if len(edit.Changes) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sources SET name = ?, name_key = ?, kind = ?, role = ?, url = ?, description = ?, updated_at = ?
			WHERE id = ?`, in.Name, claimtrack.SourceNameKey(in.Name), in.Kind, in.Role, in.URL, in.Description, formatTime(tx.now), id); err != nil {
			return err
		}
		s.Name, s.Kind, s.Role, s.URL, s.Description, s.UpdatedAt = in.Name, in.Kind, in.Role, in.URL, in.Description, tx.now
		if err := reindexSource(ctx, tx, id); err != nil {
			return err
		}
		if edit.Changes.Has("name") || edit.Changes.Has("role") {
			if err := reindexSourceClaims(ctx, tx, id); err != nil {
				return err
			}
		}
		return insertEvent(ctx, tx, &claimtrack.Event{Actor: actor, SourceID: id, Payload: edit})
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// FindSourceByName returns the source with this name, ignoring case, or
// ENOTFOUND.
func (db *DB) FindSourceByName(ctx context.Context, name string) (*claimtrack.Source, error) {
	var s *claimtrack.Source
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		if s, err = findSourceByName(ctx, tx, name); err == nil && s == nil {
			err = notFound("Source")
		}
		return err
	})
	return s, err
}
