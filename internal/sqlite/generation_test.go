package sqlite_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGeneration(t *testing.T) {
	t.Parallel()
	db := MustOpenDB(t)
	ctx := context.Background()
	gen := func() int64 {
		t.Helper()
		g, err := db.Generation(ctx)
		require.NoError(t, err)
		return g
	}
	g0 := gen()
	assert.Equal(t, g0, gen(), "nothing committed")
	_ = count(t, rawDB(t, db), "SELECT count(*) FROM claims")
	assert.Equal(t, g0, gen(), "reading is not a change")

	mustCreateClaim(t, db, "The summit was moved to June.")
	g1 := gen()
	assert.NotEqual(t, g0, g1, "a change through this database")
	assert.Equal(t, g1, gen())

	other, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	defer other.Close()
	_, err = other.Exec(`UPDATE claims SET text = 'The summit was moved to July.'`)
	require.NoError(t, err)
	g2 := gen()
	assert.NotEqual(t, g1, g2, "a change by another connection, as by another process")
	assert.Equal(t, g2, gen())
	_, err = other.Exec(`UPDATE claims SET text = text WHERE 0`)
	require.NoError(t, err)
	assert.Equal(t, g2, gen(), "a statement that changes nothing commits nothing")
}
