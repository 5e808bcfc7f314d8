package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/claimtrack/claimtrack/internal/sqlite"
)

// parseInterspersed parses flags that may come before or after the
// positional arguments ("backup FILE --db PATH" as well as "backup --db PATH
// FILE") and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// runBackup writes a consistent, checked copy of the database to a new file;
// the server may be running and writing meanwhile.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("claimtrack backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: claimtrack backup FILE [--db PATH]\n\nWrites a consistent copy of the database to FILE (which must not exist), while the server may keep running.")
		fs.PrintDefaults()
	}
	var path string
	dbFlag(fs, &path)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return errUsage
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// The copy only reads: the live database's write-ahead log is left
	// alone, so that a Litestream beside the server copies it undisturbed.
	db, err := sqlite.OpenWith(ctx, path, sqlite.Options{ExternalCheckpoints: true})
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, files[0]); err != nil {
		return err
	}
	info, err := os.Stat(files[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup: wrote %s (%.1f MB, checked) in %s\n", files[0], float64(info.Size())/1e6, time.Since(start).Round(10*time.Millisecond))
	return nil
}
