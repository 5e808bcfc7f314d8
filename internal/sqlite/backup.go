package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Backup writes a consistent copy of the database to the file dest, which
// must not exist yet, while the database stays open for reading and writing.
// The copy is made with VACUUM INTO from one read transaction, so it holds
// exactly the changes committed when the copy began, none of those made
// while it runs, and is compacted. It is written under a temporary name in
// the same directory, checked with quick_check, flushed to the disk and only
// then given its name: dest is either a whole, checked copy or absent.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if dest == "" {
		return errors.New("sqlite: backup: no file named")
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	if same, err := sameFile(abs, db.path); err != nil {
		return err
	} else if same {
		return fmt.Errorf("sqlite: backup: %s is the database itself", dest)
	}
	if _, err := os.Lstat(abs); err == nil {
		return fmt.Errorf("sqlite: backup: %s already exists; choose a new name", dest)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	dir := filepath.Dir(abs)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(abs)+".partial-*")
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	tmp := f.Name()
	f.Close()
	os.Remove(tmp) // VACUUM INTO wants a new (or empty) file; the name is ours
	done := false
	defer func() {
		if !done {
			os.Remove(tmp)
		}
	}()

	// A connection of its own: the readers are query_only, which VACUUM INTO
	// refuses, and the writer must stay free for the changes going on.
	src, err := sql.Open("sqlite", "file:"+pathEscape(db.path)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	_, err = src.ExecContext(ctx, `VACUUM INTO ?`, tmp)
	src.Close()
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	if err := quickCheck(ctx, tmp); err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, abs); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	done = true
	return syncFile(dir)
}

// sameFile reports whether the paths name one existing file.
func sameFile(a, b string) (bool, error) {
	ai, err := os.Stat(a)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sqlite: backup: %w", err)
	}
	bi, err := os.Stat(b)
	if err != nil {
		return false, fmt.Errorf("sqlite: backup: %w", err)
	}
	return os.SameFile(ai, bi), nil
}

// quickCheck opens the database file at path read-only and runs SQLite's
// quick_check on it.
func quickCheck(ctx context.Context, path string) error {
	check, err := sql.Open("sqlite", "file:"+pathEscape(path)+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return fmt.Errorf("sqlite: check copy: %w", err)
	}
	defer check.Close()
	rows, err := check.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		return fmt.Errorf("sqlite: check copy: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("sqlite: check copy: %w", err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: check copy: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("sqlite: the copy failed its check: %s", strings.Join(problems, "; "))
	}
	return nil
}

// syncFile flushes a file or directory to the disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	return nil
}
