package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
)

// CheckReport is what Check found in a database file.
type CheckReport struct {
	// Pending lists the migrations this version would apply: the file's
	// schema is older and needs "claimtrack repair" (or a start of the
	// server) to be brought up to date.
	Pending []string
	// Problems lists what SQLite's integrity check, its foreign key check and
	// the tracker's own reference checks found; empty when all is well.
	Problems []string
	// SearchChecked says whether the search indexes were part of the check
	// (PRAGMA integrity_check checks FTS5 tables); false when the schema
	// has none yet.
	SearchChecked bool
}

// OK reports whether the file needs neither migration nor repair.
func (r *CheckReport) OK() bool { return len(r.Pending) == 0 && len(r.Problems) == 0 }

// Check examines the database file at path without changing it: it opens
// the file read-only (mode=ro, and query_only as well), applies no
// migration, fills and rebuilds nothing, and reports. Repairing is
// Repair's business.
func Check(ctx context.Context, path string) (*CheckReport, error) {
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: check: %w", err)
	}
	defer ro.Close()
	conn := ro.conn

	rep := &CheckReport{}
	tables := map[string]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: check %s: %w", path, err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, err
		}
		tables[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: check %s: %w", path, err)
	}

	applied := map[string]bool{}
	if tables["schema_migrations"] {
		rows, err := conn.QueryContext(ctx, `SELECT name FROM schema_migrations`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				rows.Close()
				return nil, err
			}
			applied[name] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		if !applied[name] {
			rep.Pending = append(rep.Pending, name)
		}
	}

	rep.Problems, err = integrityProblems(ctx, conn, tables["score_snapshot_ranks"] && tables["score_snapshots"] && tables["sources"])
	if err != nil {
		return nil, fmt.Errorf("sqlite: check %s: %w", path, err)
	}
	rep.SearchChecked = tables["claim_search"] && tables["source_search"]
	return rep, nil
}

// Repair brings the database file at path up to date and rebuilds what is
// derived from its tables: it applies pending migrations (as Open does),
// rebuilds both search indexes, and recomputes the source records, the
// snapshots of their order and the claims' kept newest events from the
// history. Each step is a transaction.
// Then it checks the result.
func Repair(ctx context.Context, path string, report func(step string)) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("sqlite: repair: %w", err)
	}
	db, err := Open(ctx, path)
	if err != nil {
		return err
	}
	report("schema: up to date (pending migrations applied)")
	steps := []struct {
		name string
		do   func(context.Context) error
	}{
		{"search index: rebuilt", db.RebuildSearchIndex},
		{"source records and snapshots: rebuilt", db.RebuildReliability},
		{"claims' newest events (claim_history): rebuilt", db.RebuildClaimHistory},
		{"database: ok (integrity_check, foreign_key_check)", db.IntegrityCheck},
		{"search index: ok (FTS5 integrity-check)", db.CheckSearchIndex},
	}
	for _, s := range steps {
		if err := s.do(ctx); err != nil {
			return errors.Join(err, db.Close())
		}
		report(s.name)
	}
	return db.Close()
}
