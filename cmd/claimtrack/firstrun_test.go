package main

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logLines is a log destination that hands each line to a channel, so a
// test waits for the line it expects instead of sleeping.
type logLines struct {
	lines chan string
	all   lockedBuilder
}

func newLogLines() *logLines { return &logLines{lines: make(chan string, 1000)} }

func (l *logLines) Write(p []byte) (int, error) {
	l.all.WriteString(string(p))
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		l.lines <- line
	}
	return len(p), nil
}

// next waits for the next line that matches re, failing after a generous
// time when none comes.
func (l *logLines) next(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case line := <-l.lines:
			if re.MatchString(line) {
				return line
			}
		case <-timeout:
			t.Fatalf("no log line matching %s; the log:\n%s", re, l.all.String())
			return ""
		}
	}
}

var setupLine = regexp.MustCompile(`level=WARN msg="no account exists yet.*setup=\S+/setup\?token=`)

// Issue 18, item 13: while no account exists, the server logs the setup line
// again at every tick of its reminder (a minute; here a ticker the test
// drives), and stops once the first admin exists.
func TestSetupLink_RepeatedUntilAnAccountExists(t *testing.T) {
	logs := newLogLines()
	m := NewMain(&strings.Builder{}, logs)
	ticks := make(chan time.Time)
	m.setupTicks = ticks
	m.Config = Config{Addr: "127.0.0.1:0", DB: filepath.Join(t.TempDir(), "first.db")}
	require.NoError(t, m.Run(context.Background()))
	t.Cleanup(func() { m.Close() })
	assert.Equal(t, time.Minute, NewMain(nil, nil).SetupReminder, "the reminder comes every minute")

	first := logs.next(t, setupLine)
	link := regexp.MustCompile(`setup=(\S+)`).FindStringSubmatch(first)[1]
	tick := func() {
		t.Helper()
		select {
		case ticks <- time.Now():
		case <-time.After(10 * time.Second):
			t.Fatal("the reminder does not wait for its ticks")
		}
	}
	for range 2 {
		tick()
		again := logs.next(t, setupLine)
		assert.Contains(t, again, "setup="+link, "the same link, repeated")
	}

	firstAdmin(t, "http://"+m.Addr(), &logs.all)
	tick()
	select {
	case <-m.reminderDone:
	case <-time.After(10 * time.Second):
		t.Fatal("the reminder went on after the first admin was created")
	}
	assert.Equal(t, 1+2, strings.Count(logs.all.String(), "no account exists yet"),
		"no setup line once an account exists")
}

// A server that starts with an account logs no setup line and keeps no
// reminder.
func TestSetupLink_NoReminderWithAnAccount(t *testing.T) {
	db := filepath.Join(t.TempDir(), "with-account.db")
	logs := newLogLines()
	m := NewMain(&strings.Builder{}, logs)
	m.Config = Config{Addr: "127.0.0.1:0", DB: db}
	require.NoError(t, m.Run(context.Background()))
	firstAdmin(t, "http://"+m.Addr(), &logs.all)
	require.NoError(t, m.Close())

	again := newLogLines()
	m = NewMain(&strings.Builder{}, again)
	m.Config = Config{Addr: "127.0.0.1:0", DB: db}
	require.NoError(t, m.Run(context.Background()))
	t.Cleanup(func() { m.Close() })
	again.next(t, regexp.MustCompile(`msg=listening`))
	assert.Nil(t, m.reminderDone, "no reminder")
	assert.NotContains(t, again.all.String(), "no account exists yet")
}

// Issue 18, item 13: `make run` says, before it compiles anything, that the
// first build downloads the modules and takes a few minutes.
func TestMakeRun_SaysTheFirstBuildTakesMinutes(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "Makefile"))
	require.NoError(t, err)
	defer f.Close()
	var recipe []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "run:"):
			in = true
			assert.Equal(t, "run:", strings.TrimSpace(line), "run has no prerequisite: a prerequisite would be built before the message")
		case in && strings.HasPrefix(line, "\t"):
			recipe = append(recipe, strings.TrimSpace(line))
		case in:
			in = false
		}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, recipe, "the Makefile has a run target")
	assert.Regexp(t, `^@echo ".*first build downloads the Go modules.*takes a few minutes`, recipe[0], "the message comes first")
	build := -1
	for i, line := range recipe {
		if strings.Contains(line, "build") && !strings.HasPrefix(line, "@echo") {
			build = i
			break
		}
	}
	assert.Positive(t, build, "the build comes after the message")
}
