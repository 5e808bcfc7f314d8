// What report intake reads from the tracker: the sources, and the claims
// similar to a suggested one.

package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/intake"
)

// ReadOnly is a database file opened only to read: mode=ro and query_only,
// with no migration, no index filling, nothing written. Commands that must
// leave the file as it is (intake suggest) use it.
type ReadOnly struct {
	conn *sql.DB
}

// OpenReadOnly opens the database file at path read-only. The file must
// exist.
func OpenReadOnly(ctx context.Context, path string) (*ReadOnly, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("sqlite: open read-only: %w", err)
	}
	q := url.Values{}
	q.Add("mode", "ro")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "query_only(1)")
	conn, err := sql.Open("sqlite", "file:"+pathEscape(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open read-only: %w", err)
	}
	conn.SetMaxOpenConns(1)
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("sqlite: open read-only %s: %w", path, err)
	}
	return &ReadOnly{conn: conn}, nil
}

// Close closes the connection.
func (ro *ReadOnly) Close() error { return ro.conn.Close() }

// Sources returns every source, by name, with its aliases.
func (ro *ReadOnly) Sources(ctx context.Context) ([]*claimtrack.Source, error) {
	srcs, err := querySources(ctx, ro.conn, `SELECT `+sourceColumns+` FROM sources s ORDER BY s.name_key`)
	if err != nil {
		return nil, err
	}
	return srcs, loadAliases(ctx, ro.conn, srcs)
}

// IntakeSources returns every source as intake knows them.
func (ro *ReadOnly) IntakeSources(ctx context.Context) ([]intake.KnownSource, error) {
	srcs, err := ro.Sources(ctx)
	if err != nil {
		return nil, err
	}
	return knownSources(srcs), nil
}

// IntakeSources returns the sources intake matches names against, with
// their aliases, from the live database (see FindSourcesForIntake); complete
// is false when there are more than IntakeSourcesMax, and a name proposed as
// new may then still be one here (FindSourceByName says).
func (db *DB) IntakeSources(ctx context.Context) ([]intake.KnownSource, bool, error) {
	srcs, complete, err := db.FindSourcesForIntake(ctx)
	if err != nil {
		return nil, false, err
	}
	return knownSources(srcs), complete, nil
}

func knownSources(srcs []*claimtrack.Source) []intake.KnownSource {
	out := make([]intake.KnownSource, 0, len(srcs))
	for _, s := range srcs {
		names := s.Names()
		out = append(out, intake.KnownSource{ID: s.ID, Name: s.Name, Kind: string(s.Kind), Aliases: names[1:]})
	}
	return out
}

// SimilarClaims implements intake.Similar over the claims index: the
// claims FindSimilarClaims finds.
func (ro *ReadOnly) SimilarClaims(ctx context.Context, text string, limit int) ([]intake.Match, error) {
	found, err := findSimilarClaims(ctx, ro.conn, RankLimit, text, limit)
	return matches(found), err
}

// SimilarClaims returns up to limit claims close to text: intake.Similar
// over the live database, with FindSimilarClaims.
func (db *DB) SimilarClaims(ctx context.Context, text string, limit int) ([]intake.Match, error) {
	found, err := db.FindSimilarClaims(ctx, text, limit)
	return matches(found), err
}

func matches(found []claimtrack.SimilarClaim) []intake.Match {
	out := make([]intake.Match, 0, len(found))
	for _, f := range found {
		out = append(out, intake.Match{ClaimID: f.Claim.ID, Text: f.Claim.Text, Score: f.Score})
	}
	return out
}
