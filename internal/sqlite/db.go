// Package sqlite stores the tracker in SQLite through modernc.org/sqlite (no cgo).
//
// One writer connection takes every change in an immediate transaction, so
// writers queue in Go rather than fail on SQLITE_BUSY; a small pool of read-only
// connections serves pages concurrently thanks to WAL. Every public method that
// changes something is one transaction that also appends the matching event.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// timeLayout is fixed-width, so stored times sort as text in time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// DB is the tracker's database: one writer connection and a pool of readers.
type DB struct {
	path   string
	writer *sql.DB
	reader *sql.DB
	// stmts holds the statements read transactions have prepared, by their
	// text, so that a page's queries are parsed once, not on every request.
	stmts  sync.Map // string → *sql.Stmt
	nstmts atomic.Int64
	// prep tracks the goroutines preparing statements for the cache: Close
	// stops them (prepCtx is cancelled) and waits for them before it closes
	// the statements, so none outlives it or stores a statement after.
	prepMu     sync.Mutex
	prepClosed bool
	prepWG     sync.WaitGroup
	prepCtx    context.Context
	prepCancel context.CancelFunc
	// prepareHook, when set (by tests), runs in a preparing goroutine before
	// it prepares.
	prepareHook func(ctx context.Context)

	// writeSlot is held by the transaction that writes: one at a time (the
	// writer has one connection anyway), and from its start until its
	// bookkeeping outside SQLite (sinceSnapshot) is stored, so that the next
	// transaction always reads the count its predecessor left.
	writeSlot chan struct{}
	// afterUpdate, when set (by tests), runs once an update is committed and
	// everything it changed is recorded.
	afterUpdate func()
	// onCommit are called once an update is committed (see OnCommit).
	onCommit []func()

	rankLimit int // see RankLimit
	readers   int // size of the reader pool

	snapshotEvery int // see SnapshotEvery
	// sinceSnapshot is how many score changes were made since the last
	// snapshot, or -1 when it is to be counted again. It is read and stored
	// only by the holder of writeSlot.
	sinceSnapshot atomic.Int64

	// sourceHits remembers the sources that searches found, for as long as
	// no source changes (see sourceSearchCache).
	sourceHits sourceSearchCache

	// generation says whether anything changed since it was last asked.
	generation generation

	// externalCheckpoints: another process (Litestream) checkpoints the
	// write-ahead log; see Options.
	externalCheckpoints bool

	// merger merges the search indexes' segments in the background.
	merger searchMerger

	// Now returns the current time; tests replace it to fix the clock.
	Now func() time.Time
}

// Open opens (creating if needed) the database file at path, applies pending
// migrations and returns the ready database.
func Open(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, "", Options{})
}

// Options change how OpenWith opens the database.
type Options struct {
	// ExternalCheckpoints leaves the write-ahead log to another process
	// that copies it before it is checkpointed, such as Litestream:
	// SQLite's automatic checkpoints are off, Close does not checkpoint, and
	// Checkpoint is PASSIVE (it copies what it can and never restarts or
	// empties the log). A TRUNCATE checkpoint would otherwise wait, holding
	// the writer, for that process's read transaction, or empty the log
	// before the other process has copied it.
	ExternalCheckpoints bool
	// OtherProcessesEvery is how often Generation asks SQLite whether
	// another process committed a change: such a change may go unnoticed by
	// the page cache for this long. 0 is DefaultOtherProcessesEvery; a
	// negative value asks on every call.
	OtherProcessesEvery time.Duration
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, path string, opts Options) (*DB, error) {
	return open(ctx, path, "", opts)
}

// open is OpenWith applying the migrations up to and including the one named
// upTo ("" for all): tests make databases of an earlier schema with it.
func open(ctx context.Context, path, upTo string, opts Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("sqlite: create database directory: %w", err)
		}
	}
	db := &DB{path: path, Now: time.Now, rankLimit: RankLimit, snapshotEvery: SnapshotEvery, writeSlot: make(chan struct{}, 1),
		externalCheckpoints: opts.ExternalCheckpoints}
	db.sinceSnapshot.Store(-1)
	db.generation.every = cmp.Or(opts.OtherProcessesEvery, DefaultOtherProcessesEvery)
	db.prepCtx, db.prepCancel = context.WithCancel(context.Background())

	// busy_timeout comes first so that even setting the journal mode waits for
	// another process rather than failing at once. SQLite leaves foreign keys
	// off by default for historical reasons; every connection turns them on.
	pragmas := url.Values{}
	pragmas.Add("_pragma", "busy_timeout(5000)")
	pragmas.Add("_pragma", "journal_mode(WAL)")
	pragmas.Add("_pragma", "synchronous(FULL)")
	pragmas.Add("_pragma", "foreign_keys(1)")
	if opts.ExternalCheckpoints {
		pragmas.Add("_pragma", "wal_autocheckpoint(0)")
	}
	writerDSN := "file:" + pathEscape(path) + "?" + pragmas.Encode() + "&_txlock=immediate"

	var err error
	if db.writer, err = sql.Open("sqlite", writerDSN); err != nil {
		return nil, fmt.Errorf("sqlite: open writer: %w", err)
	}
	db.writer.SetMaxOpenConns(1)
	db.writer.SetMaxIdleConns(1)
	db.writer.SetConnMaxLifetime(0)
	db.writer.SetConnMaxIdleTime(0)
	if err := db.writer.PingContext(ctx); err != nil {
		db.writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := db.migrate(ctx, upTo); err != nil {
		db.writer.Close()
		return nil, err
	}
	if err := db.fillSearchIndex(ctx); err != nil {
		db.writer.Close()
		return nil, err
	}
	if err := db.configureSearchIndexes(ctx); err != nil {
		db.writer.Close()
		return nil, err
	}
	if err := db.fillReliability(ctx); err != nil {
		db.writer.Close()
		return nil, err
	}
	if err := db.fillSnapshots(ctx); err != nil {
		db.writer.Close()
		return nil, err
	}

	readPragmas := url.Values{}
	readPragmas.Add("_pragma", "busy_timeout(5000)")
	readPragmas.Add("_pragma", "foreign_keys(1)")
	readPragmas.Add("_pragma", "query_only(1)")
	if db.reader, err = sql.Open("sqlite", "file:"+pathEscape(path)+"?"+readPragmas.Encode()); err != nil {
		db.writer.Close()
		return nil, fmt.Errorf("sqlite: open readers: %w", err)
	}
	// The pure-Go driver does best with a pool about the size of the machine.
	db.readers = max(2, runtime.NumCPU())
	db.reader.SetMaxOpenConns(db.readers)
	db.reader.SetMaxIdleConns(db.readers)
	if db.generation.pool, err = sql.Open("sqlite", "file:"+pathEscape(path)+"?"+readPragmas.Encode()); err != nil {
		db.reader.Close()
		db.writer.Close()
		return nil, fmt.Errorf("sqlite: open readers: %w", err)
	}
	db.generation.pool.SetMaxOpenConns(1)
	db.generation.pool.SetMaxIdleConns(1)
	db.startSearchMerger()
	return db, nil
}

// pathEscape escapes the characters that would end the file name in a DSN.
func pathEscape(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// Close checkpoints the write-ahead log into the main file (unless
// checkpoints are external) and closes every connection.
func (db *DB) Close() error {
	var errs []error
	db.stopSearchMerger()
	// Statements being prepared for the cache are stopped and waited for
	// before the cache is emptied.
	db.prepMu.Lock()
	db.prepClosed = true
	db.prepMu.Unlock()
	if db.prepCancel != nil {
		db.prepCancel()
	}
	db.prepWG.Wait()
	db.stmts.Range(func(_, v any) bool {
		errs = append(errs, v.(*sql.Stmt).Close())
		return true
	})
	errs = append(errs, db.generation.close())
	if db.reader != nil {
		errs = append(errs, db.reader.Close())
	}
	if db.writer != nil {
		if !db.externalCheckpoints {
			if _, err := db.writer.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				errs = append(errs, fmt.Errorf("sqlite: checkpoint: %w", err))
			}
		}
		errs = append(errs, db.writer.Close())
	}
	return errors.Join(errs...)
}

// Checkpoint copies the write-ahead log into the main file and empties it;
// with external checkpoints it only copies what it can (PASSIVE).
func (db *DB) Checkpoint(ctx context.Context) error {
	mode := "TRUNCATE"
	if db.externalCheckpoints {
		mode = "PASSIVE"
	}
	if _, err := db.writer.ExecContext(ctx, "PRAGMA wal_checkpoint("+mode+")"); err != nil {
		return fmt.Errorf("sqlite: checkpoint: %w", err)
	}
	return nil
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.reader.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// IntegrityCheck runs SQLite's integrity and foreign key checks and returns an
// error describing the first problems found.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	problems, err := integrityProblems(ctx, db.writer, true)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("sqlite: integrity check failed: %s", strings.Join(problems, "; "))
	}
	return nil
}

// integrityProblems runs SQLite's integrity and foreign key checks and the
// checks of references SQLite does not hold (snapshots is false for a
// schema that has no snapshot tables yet). It only reads.
func integrityProblems(ctx context.Context, conn *sql.DB, snapshots bool) ([]string, error) {
	rows, err := conn.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, err
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	fk, err := conn.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return nil, err
	}
	for fk.Next() {
		problems = append(problems, "foreign key violation")
		break
	}
	fk.Close()
	stale, err := staleClaimHistories(ctx, conn)
	if err != nil {
		return nil, err
	}
	if stale > 0 {
		problems = append(problems, fmt.Sprintf("%d claims whose kept newest events (claim_history) do not end with their newest event", stale))
	}
	if !snapshots {
		return problems, nil
	}
	// The snapshot ranks carry no foreign keys (see migration 0006): their
	// references are checked here.
	var dangling bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM score_snapshot_ranks r
		WHERE NOT EXISTS (SELECT 1 FROM score_snapshots s WHERE s.id = r.snapshot_id)
			OR NOT EXISTS (SELECT 1 FROM sources s WHERE s.id = r.source_id))`).Scan(&dangling); err != nil {
		return nil, err
	}
	if dangling {
		problems = append(problems, "snapshot ranks referring to a missing snapshot or source")
	}
	return problems, nil
}

// migrate applies, in name order, every embedded migration not yet recorded.
// Order is important: new migrations are added with a higher number, and a
// migration that has shipped is never edited.
func (db *DB) migrate(ctx context.Context, upTo string) error {
	if _, err := db.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: create migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if upTo != "" && name > upTo {
			break
		}
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	body, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	// A migration that rebuilds tables asks, on its first line, for foreign
	// keys to be off around it: dropping a parent table would otherwise
	// delete its children. The pragma has no effect inside a transaction, so
	// it is set on the connection before; foreign_key_check runs before the
	// commit instead.
	noFK := strings.HasPrefix(string(body), "-- foreign_keys: off")
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if noFK {
		// The rename of a rebuilt table must not rewrite the triggers of other
		// tables that name it (they name the table, which exists again after).
		for _, p := range []string{"PRAGMA foreign_keys = OFF", "PRAGMA legacy_alter_table = ON"} {
			if _, err := conn.ExecContext(ctx, p); err != nil {
				return err
			}
		}
		defer func() {
			conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA legacy_alter_table = OFF")
			conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if noFK {
		var bad bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pragma_foreign_key_check)`).Scan(&bad); err != nil {
			return err
		}
		if bad {
			return errors.New("the rebuilt tables break a foreign key")
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
		name, formatTime(time.Now())); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	db.generation.local.Add(1)
	return nil
}

// Tx is a transaction that carries the time of the change it makes, so every
// row and event it writes shares one timestamp.
type Tx struct {
	*sql.Tx
	now time.Time
	db  *DB // set in read transactions: queries use its statement cache
	// head is the claim_history row FindClaimForPage read with its claim in
	// this snapshot, for FindClaimTimeline.
	head *historyRow

	scoreRows     int   // score history rows written
	sinceSnapshot int64 // score changes since the last snapshot, this transaction's included
	recount       bool  // the snapshots were rebuilt: the count is to be made again
	quiet         bool  // the changes notify no webhook (replayed from a file, or generated)
}

// QueryContext runs a query in the transaction; in a read transaction the
// statement comes from the cache.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if stmt := tx.cached(ctx, query); stmt != nil {
		return tx.StmtContext(ctx, stmt).QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext is QueryContext for a single row.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if stmt := tx.cached(ctx, query); stmt != nil {
		return tx.StmtContext(ctx, stmt).QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}

// maxCachedStmts bounds the statement cache. Statement texts come from the
// code, never from input (values are always bound), so there are a few
// hundred at most: the bound is a guard, not a policy.
const maxCachedStmts = 2000

// cached returns the reader pool's prepared statement for query, or nil
// outside read transactions and while it is not prepared yet; the caller then
// runs the query unprepared. The first use prepares it in the background:
// preparing needs a connection of its own, and a transaction that waited for
// one while holding its own could, with every connection busy the same way,
// wait forever. database/sql then prepares it once on each connection.
func (tx *Tx) cached(ctx context.Context, query string) *sql.Stmt {
	db := tx.db
	if db == nil {
		return nil
	}
	if s, ok := db.stmts.Load(query); ok {
		return s.(*sql.Stmt)
	}
	if db.nstmts.Add(1) > maxCachedStmts {
		db.nstmts.Add(-1)
		return nil
	}
	db.prepMu.Lock()
	if db.prepClosed {
		db.prepMu.Unlock()
		db.nstmts.Add(-1)
		return nil
	}
	db.prepWG.Add(1)
	db.prepMu.Unlock()
	go func() {
		defer db.prepWG.Done()
		if db.prepareHook != nil {
			db.prepareHook(db.prepCtx)
		}
		s, err := db.reader.PrepareContext(db.prepCtx, query)
		if err != nil {
			db.nstmts.Add(-1)
			return
		}
		if _, loaded := db.stmts.LoadOrStore(query, s); loaded {
			db.nstmts.Add(-1)
			s.Close()
		}
	}()
	return nil
}

// update runs fn in an immediate transaction on the writer connection and
// commits if fn returns nil. Any error rolls everything back.
//
// The transaction holds writeSlot from before it begins until the snapshot
// count it computed is stored, after the commit: the next transaction then
// starts from that count, and no update of it is lost.
func (db *DB) update(ctx context.Context, fn func(*Tx) error) error {
	select {
	case db.writeSlot <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	err := db.updateHolding(ctx, fn)
	<-db.writeSlot
	if err == nil {
		if db.afterUpdate != nil {
			db.afterUpdate()
		}
		for _, fn := range db.onCommit {
			fn()
		}
	}
	return err
}

// OnCommit has fn called after every committed change, from the goroutine
// that made it: fn must return at once (the webhook sender's wake-up does).
// Call it before the database is in use.
func (db *DB) OnCommit(fn func()) { db.onCommit = append(db.onCommit, fn) }

// updateHolding is update once it holds writeSlot.
func (db *DB) updateHolding(ctx context.Context, fn func(*Tx) error) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return unavailable(fmt.Errorf("sqlite: begin: %w", err))
	}
	defer tx.Rollback()
	t := &Tx{Tx: tx, now: db.Now().UTC()}
	if err := fn(t); err != nil {
		return unavailable(err)
	}
	if t.scoreRows > 0 && !t.recount {
		if err := db.snapshotIfDue(ctx, t); err != nil {
			return unavailable(err)
		}
	}
	if err := tx.Commit(); err != nil {
		db.sinceSnapshot.Store(-1)
		return unavailable(fmt.Errorf("sqlite: commit: %w", err))
	}
	db.generation.local.Add(1)
	db.noteChange()
	switch {
	case t.recount:
		db.sinceSnapshot.Store(-1)
	case t.scoreRows > 0:
		db.sinceSnapshot.Store(t.sinceSnapshot)
	}
	return nil
}

// readTxKey is where ReadSnapshot keeps its transaction in a context.
type readTxKey struct{}

// ReadSnapshot runs fn with a context that carries one read transaction:
// every read made with that context joins it. The several reads behind one page then see
// one snapshot and pay for one transaction and one connection. fn should
// only read, and should not keep the context once it returns.
func (db *DB) ReadSnapshot(ctx context.Context, fn func(context.Context) error) error {
	if t, ok := ctx.Value(readTxKey{}).(*Tx); ok && t.db == db {
		return fn(ctx)
	}
	// The reads run without the caller's cancellation: the driver cannot stop
	// a statement once it runs anyway, and a cancellable context costs
	// database/sql a goroutine per query to watch it. A caller gone before
	// the transaction starts still gets nothing.
	if err := ctx.Err(); err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(context.WithValue(ctx, readTxKey{}, &Tx{Tx: tx, now: db.Now().UTC(), db: db}))
}

// readTx runs fn, the queries of one storage method, in a read transaction
// on a reader connection: inside ReadSnapshot it joins the snapshot's
// transaction, else it opens its own. Unlike ReadSnapshot it keeps the
// caller's cancellation, so a search can be interrupted.
// reading is what a single read goes through: the read snapshot ctx
// carries (see ReadSnapshot), or else the reader pool. A read inside a
// snapshot must never take a second connection of the pool: as many pages
// at once as it has connections would each hold one and wait for another.
func (db *DB) reading(ctx context.Context) rowQueryer {
	if t, ok := ctx.Value(readTxKey{}).(*Tx); ok && t.db == db {
		return t
	}
	return db.reader
}

func (db *DB) readTx(ctx context.Context, fn func(*Tx) error) error {
	if t, ok := ctx.Value(readTxKey{}).(*Tx); ok && t.db == db {
		return fn(t)
	}
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(&Tx{Tx: tx, now: db.Now().UTC(), db: db})
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	if t, ok := parseStamp(s); ok {
		return t
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t.UTC()
}

// Queryer is what both *sql.DB and a transaction offer for reading rows.
type Queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// nullID turns 0 into NULL for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// inClause returns "?, ?, …" with n placeholders and the ids as arguments.
func inClause(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

// notFound is the error for a missing thing of the given kind.
func notFound(what string) error {
	return claimtrack.Errorf(claimtrack.ENOTFOUND, "%s not found.", what)
}

// IsEmpty reports whether the database holds no claims, sources or reports.
func (db *DB) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	err := db.reading(ctx).QueryRowContext(ctx, `SELECT (SELECT count(*) FROM claims) + (SELECT count(*) FROM sources) + (SELECT count(*) FROM reports)`).Scan(&n)
	return n == 0, err
}

// SQLite's primary result codes for a database that cannot be written.
const (
	sqliteReadonly = 8  // SQLITE_READONLY: the file or its folder is read-only
	sqliteIOErr    = 10 // SQLITE_IOERR: the disk refused a write
	sqliteFull     = 13 // SQLITE_FULL: no space left
	sqliteCantOpen = 14 // SQLITE_CANTOPEN: the journal cannot be made
)

// unavailable turns SQLite's "cannot write here now" into EUNAVAILABLE, with
// the rolled-back change's words for people; any other error is returned as
// it is. The transaction has been rolled back, so nothing of it is stored,
// and the next change tries the disk again: once it can be written, changes
// work again by themselves.
func unavailable(err error) error {
	var se interface{ Code() int }
	if err == nil || !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqliteFull:
		return &claimtrack.Error{Code: claimtrack.EUNAVAILABLE,
			Message: "The tracker's disk is full, so it cannot save changes right now. Nothing was saved; reading works as usual. Try again once space is freed."}
	case sqliteReadonly, sqliteIOErr, sqliteCantOpen:
		return &claimtrack.Error{Code: claimtrack.EUNAVAILABLE,
			Message: "The tracker's database cannot be written right now (it is read-only or the disk refused the write). Nothing was saved; reading works as usual. Try again later."}
	}
	return err
}
