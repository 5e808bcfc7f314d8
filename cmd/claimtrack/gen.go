package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/gen"
	"github.com/claimtrack/claimtrack/internal/sqlite"
)

// runGen fills a database with synthetic claims for measurement.
func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("claimtrack gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var path string
	dbFlag(fs, &path)
	claims := fs.Int("claims", 100_000, "number of claims to generate")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same data")
	minEvents := fs.Int("min-events", 0, "add context edits (made, then taken back) until the history holds this many events")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *claims <= 0 {
		return fmt.Errorf("gen: --claims must be positive")
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	bar := newProgress(stderr, "gen", "claims")
	st, err := gen.Generate(ctx, db, gen.Options{Claims: *claims, Seed: *seed, MinEvents: *minEvents, Progress: bar.update})
	bar.done()
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated %d claims, %d sources, %d evidence links, %d events in %s (%.0f claims/s) into %s\n",
		st.Claims, st.Sources, st.Evidence, st.Events, st.Elapsed.Round(time.Millisecond),
		float64(st.Claims)/st.Elapsed.Seconds(), path)
	return nil
}

// progress draws a bar on a terminal and prints a line every 10% elsewhere.
type progress struct {
	w        io.Writer
	name     string // the command, leading each line
	unit     string // what is counted
	terminal bool
	start    time.Time
	last     time.Time
	lastTen  int
}

func newProgress(w io.Writer, name, unit string) *progress {
	p := &progress{w: w, name: name, unit: unit, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *progress) update(done, total int) {
	if total <= 0 {
		return
	}
	now := time.Now()
	elapsed := now.Sub(p.start)
	frac := float64(done) / float64(total)
	rate := float64(done) / max(elapsed.Seconds(), 0.001)
	eta := time.Duration(float64(total-done)/max(rate, 1)) * time.Second
	if p.terminal {
		if done < total && now.Sub(p.last) < 100*time.Millisecond {
			return
		}
		p.last = now
		const width = 30
		filled := int(frac * width)
		fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %d/%d %s, %.0f/s, ETA %s ", strings.Repeat("#", filled),
			strings.Repeat(".", width-filled), frac*100, done, total, p.unit, rate, eta.Round(time.Second))
		return
	}
	if ten := int(frac * 10); ten > p.lastTen || done == total {
		p.lastTen = ten
		fmt.Fprintf(p.w, "%s: %3.0f%% %d/%d %s, %.0f/s, elapsed %s\n", p.name, frac*100, done, total, p.unit, rate, elapsed.Round(time.Second))
	}
}

func (p *progress) done() {
	if p.terminal {
		fmt.Fprintln(p.w)
	}
}
