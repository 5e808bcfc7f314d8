package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/claimtrack/claimtrack/internal/dump"
)

// runImport adds a dump (a JSON file or a directory of CSV files) or a claims
// sheet (one CSV file) to the database, all or nothing.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("claimtrack import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var path string
	dbFlag(fs, &path)
	dryRun := fs.Bool("dry-run", false, "check everything and report what would change, writing nothing")
	actor := fs.String("as", "command line", "the name the history records for the import")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: claimtrack import FILE [--dry-run] [--as NAME] [--db PATH]\n\n"+
			"FILE is a JSON export, a directory of CSV export files, or a claims sheet (CSV).")
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 || *actor == "" {
		fs.Usage()
		return errUsage
	}
	file := files[0]
	info, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	db, err := openDB(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()

	label := filepath.Base(file)
	var res *dump.Result
	switch {
	case info.IsDir():
		d, err := dump.ReadCSVDir(file)
		if err != nil {
			return fmt.Errorf("import %s: %w", file, err)
		}
		res, err = db.ImportDump(ctx, d, *actor, label, *dryRun)
		if err != nil {
			return fmt.Errorf("import %s: %w", file, err)
		}
	default:
		f, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		defer f.Close()
		res, err = db.ImportFile(ctx, f, *actor, label, *dryRun)
		if err != nil {
			return fmt.Errorf("import %s: %w", file, err)
		}
	}
	fmt.Fprintf(stdout, "import: %s\n", res.Summary())
	if *dryRun {
		fmt.Fprintln(stdout, "import: dry run, nothing was written")
	}
	return nil
}
