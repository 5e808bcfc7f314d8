package sqlite

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A migration that has landed may have run on someone's database: changing
// it afterwards would leave that database and a new one with different
// schemas under the same version. migrations.sum holds the SHA-256 of every
// landed migration; a new migration adds its line (sha256sum *.sql in the
// migrations folder), and no line ever changes.
func TestMigrations_NeverChangeOnceLanded(t *testing.T) {
	t.Parallel()
	f, err := os.Open("migrations.sum")
	require.NoError(t, err)
	defer f.Close()
	landed := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		require.True(t, ok, "a line of migrations.sum is \"<sha256>  <file>\": %q", sc.Text())
		landed[name] = sum
	}
	require.NoError(t, sc.Err())

	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, path := range names {
		name := strings.TrimPrefix(path, "migrations/")
		seen[name] = true
		body, err := migrationFS.ReadFile(path)
		require.NoError(t, err)
		h := sha256.Sum256(body)
		want, ok := landed[name]
		if !assert.True(t, ok, "%s is not in migrations.sum: add its line (sha256sum %s)", name, name) {
			continue
		}
		assert.Equal(t, want, hex.EncodeToString(h[:]),
			"%s changed after it landed: write a new migration instead of editing this one", name)
	}
	for name := range landed {
		assert.True(t, seen[name], "%s is in migrations.sum but no longer among the migrations", name)
	}
}
