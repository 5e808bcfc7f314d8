package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/intake"
	"github.com/claimtrack/claimtrack/internal/sqlite"
)

// runIntake dispatches the intake subcommands.
func runIntake(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "suggest" {
		fmt.Fprintln(stderr, "Usage: claimtrack intake suggest --db PATH [--published YYYY-MM-DD] [--outlet NAME] < report.txt")
		return errUsage
	}
	return runIntakeSuggest(ctx, args[1:], stdin, stdout, stderr)
}

// runIntakeSuggest reads a report on stdin and prints the suggested claims
// and attributions as JSON. It reads the database (sources, claims) and
// never writes to it.
func runIntakeSuggest(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("claimtrack intake suggest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var path string
	dbFlag(fs, &path)
	published := fs.String("published", "", "the report's publication date, YYYY-MM-DD (default: its Published: line)")
	outlet := fs.String("outlet", "", "the report's outlet (default: its Outlet: line)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: claimtrack intake suggest --db PATH [--published YYYY-MM-DD] [--outlet NAME] < report.txt\n\n"+
			"Prints the claims and attributions suggested for the report read on standard input, as JSON.\n"+
			"The report may start with a title line, then \"Outlet:\" and \"Published:\" lines; the flags win.\n"+
			"The database is opened read-only.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	raw, err := io.ReadAll(io.LimitReader(stdin, intake.MaxText+64<<10+1))
	if err != nil {
		return fmt.Errorf("intake: read the report: %w", err)
	}
	if err := intake.Validate(string(raw)); err != nil && !errors.Is(err, intake.ErrTooLarge) {
		return err
	}
	head, body := intake.ParseHeader(string(raw))
	in := intake.Input{Text: body, Outlet: head.Outlet, Title: head.Title}
	if *outlet != "" {
		in.Outlet = strings.TrimSpace(*outlet)
	}
	date := head.Published
	if *published != "" {
		date = *published
	}
	if date != "" {
		t, err := time.Parse(intake.DateLayout, date)
		if err != nil {
			return fmt.Errorf("intake: the publication date %q is not a date in the form YYYY-MM-DD", date)
		}
		in.Published = t
	}
	if err := intake.Validate(in.Text); err != nil {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("intake: %w", err)
	}
	db, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	sources, err := db.IntakeSources(ctx)
	if err != nil {
		return err
	}
	res, err := intake.Suggest(ctx, in, intake.Known{Sources: sources, Claims: db})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(res)
}
