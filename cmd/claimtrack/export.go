package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/claimtrack/claimtrack/internal/dump"
)

// runExport writes the whole database as a dump: one JSON file, or a
// directory of CSV files (one per table).
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("claimtrack export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var path string
	dbFlag(fs, &path)
	format := fs.String("format", "json", "json (one file) or csv (a directory with one file per table)")
	out := fs.String("out", "", "the file (json) or directory (csv) to write; required")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: claimtrack export --format json|csv --out PATH [--db PATH]\n\nWrites every report, source, claim, evidence link and history event.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 || (*format != "json" && *format != "csv") {
		fs.Usage()
		return errUsage
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	db, err := openDB(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()

	start := time.Now()
	bar := newProgress(stderr, "export", "rows")
	if *format == "csv" {
		w, err := dump.NewCSVDirWriter(*out)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := db.Export(ctx, w, bar.update); err != nil {
			return errors.Join(err, w.Close())
		}
		bar.done()
		fmt.Fprintf(stdout, "export: wrote %s/{%s}.csv in %s\n", *out, "reports,sources,claims,evidence,events", time.Since(start).Round(10*time.Millisecond))
		return nil
	}
	// The JSON file gets its name once it is whole.
	abs, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".partial-*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	w, err := dump.NewJSONWriter(f, time.Now())
	if err == nil {
		err = db.Export(ctx, w, bar.update)
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil { // a temporary file is private; the export is an ordinary file
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), abs)
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	bar.done()
	info, err := os.Stat(abs)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "export: wrote %s (%.1f MB) in %s\n", *out, float64(info.Size())/1e6, time.Since(start).Round(10*time.Millisecond))
	return nil
}
