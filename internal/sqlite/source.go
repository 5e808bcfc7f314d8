package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

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
// already taken (ignoring case) by another source's name or alias is
// EINVALID on the name field, an alias taken so on the aliases field,
// reported with the other fields' problems.
func (db *DB) CreateSource(ctx context.Context, in claimtrack.SourceInput, actor string) (*claimtrack.Source, error) {
	in.Normalize()
	if err := db.sourceInputErrors(ctx, in, 0); err != nil {
		return nil, err
	}
	var s *claimtrack.Source
	err := db.update(ctx, func(tx *Tx) (err error) {
		if err := namesTaken(ctx, tx, in, 0); err != nil {
			return err
		}
		s, err = createSource(ctx, tx, in, actor)
		return err
	})
	return s, err
}

// sourceInputErrors validates the input of source id (0 for a new one): the
// problems of its fields and, among them, a name or alias another source
// has.
func (db *DB) sourceInputErrors(ctx context.Context, in claimtrack.SourceInput, id int64) error {
	verr := in.Validate()
	if verr == nil || claimtrack.ErrorCode(verr) != claimtrack.EINVALID {
		return verr
	}
	fields := map[string]string{}
	for k, v := range claimtrack.FieldErrors(verr) {
		fields[k] = v
	}
	err := db.readTx(ctx, func(tx *Tx) error { return namesTaken(ctx, tx, in, id) })
	if taken := claimtrack.FieldErrors(err); len(taken) > 0 {
		for _, field := range []string{"name", "aliases"} {
			if _, bad := fields[field]; !bad && taken[field] != "" {
				fields[field] = taken[field]
			}
		}
	} else if err != nil {
		return err
	}
	return &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.", Fields: fields}
}

// namesTaken is EINVALID when a source other than id has, ignoring case,
// the name of in as its name or alias (on the name field), or one of its
// aliases as its name or alias (on the aliases field, naming the first).
func namesTaken(ctx context.Context, tx *Tx, in claimtrack.SourceInput, id int64) error {
	fields := map[string]string{}
	other, err := findSourceByName(ctx, tx, in.Name)
	if err != nil {
		return err
	}
	if other != nil && other.ID != id {
		if claimtrack.SourceNameKey(other.Name) == claimtrack.SourceNameKey(in.Name) {
			fields["name"] = "A source named “" + other.Name + "” already exists."
		} else {
			fields["name"] = "“" + in.Name + "” is another name of " + other.Name + "."
		}
	}
	for _, a := range in.Aliases {
		other, err := findSourceByName(ctx, tx, a)
		if err != nil {
			return err
		}
		if other != nil && other.ID != id {
			fields["aliases"] = "“" + a + "” is already a name of " + other.Name + "."
			break
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.", Fields: fields}
}

func createSource(ctx context.Context, tx *Tx, in claimtrack.SourceInput, actor string) (*claimtrack.Source, error) {
	s := &claimtrack.Source{Name: in.Name, Kind: in.Kind, Role: in.Role, URL: in.URL, Description: in.Description,
		Aliases: in.Aliases, CreatedAt: tx.now, UpdatedAt: tx.now}
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
	if err := replaceAliases(ctx, tx, s.ID, s.Aliases); err != nil {
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

// findSourceByName returns the source with this name ignoring case, else
// the one with this alias, or nil.
func findSourceByName(ctx context.Context, tx *Tx, name string) (*claimtrack.Source, error) {
	key := claimtrack.SourceNameKey(name)
	s, err := scanSource(tx.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources s WHERE s.name_key = ?1
		UNION ALL SELECT `+sourceColumns+` FROM source_aliases a JOIN sources s ON s.id = a.source_id WHERE a.alias_key = ?1
		LIMIT 1`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s, loadAliases(ctx, tx, []*claimtrack.Source{s})
}

func findSourceByID(ctx context.Context, tx *Tx, id int64) (*claimtrack.Source, error) {
	s, err := scanSource(tx.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources s WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Source")
	}
	if err != nil {
		return nil, err
	}
	return s, loadAliases(ctx, tx, []*claimtrack.Source{s})
}

// loadAliases fills the aliases of the sources, in one query.
func loadAliases(ctx context.Context, q Queryer, sources []*claimtrack.Source) error {
	if len(sources) == 0 {
		return nil
	}
	byID := make(map[int64]*claimtrack.Source, len(sources))
	ids := make([]int64, 0, len(sources))
	for _, s := range sources {
		byID[s.ID] = s
		s.Aliases = nil
		ids = append(ids, s.ID)
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, `SELECT source_id, alias FROM source_aliases
		WHERE source_id IN (SELECT value FROM json_each(?)) ORDER BY source_id, position`, string(list))
	if err != nil {
		return fmt.Errorf("sqlite: aliases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var alias string
		if err := rows.Scan(&id, &alias); err != nil {
			return err
		}
		if s := byID[id]; s != nil {
			s.Aliases = append(s.Aliases, alias)
		}
	}
	return rows.Err()
}

// replaceAliases makes aliases, in their order, the aliases of source id.
func replaceAliases(ctx context.Context, tx *Tx, id int64, aliases []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM source_aliases WHERE source_id = ?`, id); err != nil {
		return fmt.Errorf("sqlite: aliases: %w", err)
	}
	for i, a := range aliases {
		if _, err := tx.ExecContext(ctx, `INSERT INTO source_aliases (source_id, position, alias, alias_key) VALUES (?, ?, ?, ?)`,
			id, i, a, claimtrack.SourceNameKey(a)); err != nil {
			return fmt.Errorf("sqlite: aliases: %w", err)
		}
	}
	return nil
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

// FindSourceChoices returns the sources a picker offers, by name, with their
// aliases: all of them on a small tracker, the SourceChoicesMax most used on
// a large one.
func (db *DB) FindSourceChoices(ctx context.Context) ([]*claimtrack.Source, error) {
	out, err := db.mostUsedSources(ctx, SourceChoicesMax)
	return byName(out), err
}

// IntakeSourcesMax is the most sources FindSourcesForIntake returns.
const IntakeSourcesMax = 5000

// FindSourcesForIntake returns the sources, by name with their aliases, that
// names found in a report are matched against: every source when there are
// at most IntakeSourcesMax (complete is then true), else the
// IntakeSourcesMax most used. When the list is not complete, a name it does
// not hold may still be a source's name or alias: FindSourceByName answers
// for it.
func (db *DB) FindSourcesForIntake(ctx context.Context) (sources []*claimtrack.Source, complete bool, err error) {
	// One more than the bound is read, to learn whether there are more.
	if sources, err = db.mostUsedSources(ctx, IntakeSourcesMax+1); err != nil {
		return nil, false, err
	}
	complete = len(sources) <= IntakeSourcesMax
	return byName(sources[:min(len(sources), IntakeSourcesMax)]), complete, nil
}

// mostUsedSources returns the limit sources linked to the most claims, most
// used first (ties to the oldest), with their aliases.
func (db *DB) mostUsedSources(ctx context.Context, limit int) ([]*claimtrack.Source, error) {
	var out []*claimtrack.Source
	err := db.readTx(ctx, func(tx *Tx) (err error) {
		out, err = querySources(ctx, tx, `SELECT `+sourceColumns+` FROM source_stats st JOIN sources s ON s.id = st.source_id
			ORDER BY st.claims DESC, st.source_id LIMIT ?`, limit)
		if err != nil {
			return err
		}
		return loadAliases(ctx, tx, out)
	})
	return out, err
}

// byName sorts sources by name as the sources list orders them (name_key).
func byName(sources []*claimtrack.Source) []*claimtrack.Source {
	slices.SortFunc(sources, func(a, b *claimtrack.Source) int {
		return strings.Compare(claimtrack.SourceNameKey(a.Name), claimtrack.SourceNameKey(b.Name))
	})
	return sources
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
// track record and aliases, and the total number of sources.
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
		if err := rows.Err(); err != nil {
			return err
		}
		srcs := make([]*claimtrack.Source, len(out))
		for i, sum := range out {
			srcs[i] = &sum.Source
		}
		return loadAliases(ctx, tx, srcs)
	})

	return out, total, err
}

// UpdateSource replaces a source's details and aliases and records the
// change. A new name or alias already used by another source (ignoring case)
// is EINVALID on the name or aliases field. Claims linked to the source are re-indexed in the same transaction,
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
		if err := namesTaken(ctx, tx, in, id); err != nil {
			return err
		}
		edit := claimtrack.SourceEdit(claimtrack.SourceValuesOf(s),
			claimtrack.SourceValues{Name: in.Name, Kind: in.Kind, Role: in.Role, URL: in.URL, Description: in.Description, Aliases: in.Aliases})
		if len(edit.Changes) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sources SET name = ?, name_key = ?, kind = ?, role = ?, url = ?, description = ?, updated_at = ?
			WHERE id = ?`, in.Name, claimtrack.SourceNameKey(in.Name), in.Kind, in.Role, in.URL, in.Description, formatTime(tx.now), id); err != nil {
			return err
		}
		s.Name, s.Kind, s.Role, s.URL, s.Description, s.Aliases, s.UpdatedAt = in.Name, in.Kind, in.Role, in.URL, in.Description, in.Aliases, tx.now
		if edit.Changes.Has("aliases") {
			if err := replaceAliases(ctx, tx, id, in.Aliases); err != nil {
				return err
			}
		}
		if err := reindexSource(ctx, tx, id); err != nil {
			return err
		}
		if edit.Changes.Has("name") || edit.Changes.Has("role") || edit.Changes.Has("aliases") {
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

// FindSourceByName returns the source with this name or, failing that, this
// alias, ignoring case, or ENOTFOUND.
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
