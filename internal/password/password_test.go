package password_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/password"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHashVerify(t *testing.T) {
	ctx := context.Background()
	h, err := password.Hash(ctx, "correct horse battery")
	require.NoError(t, err)
	assert.Regexp(t, regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`), h)
	other, err := password.Hash(ctx, "correct horse battery")
	require.NoError(t, err)
	assert.NotEqual(t, h, other, "every hash has its own salt")

	ok, err := password.Verify(ctx, "correct horse battery", h)
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = password.Verify(ctx, "correct horse batterY", h)
	require.NoError(t, err)
	assert.False(t, ok)

	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
		strings.Replace(h, "v=19", "v=16", 1), strings.Replace(h, "m=19456", "m=999999999", 1),
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$" + strings.Repeat("A", 43)} {
		_, err := password.Verify(ctx, "x", bad)
		assert.ErrorIs(t, err, password.ErrMalformed, "%q", bad)
	}
}
