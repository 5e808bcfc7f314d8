package main

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFlags_Cache(t *testing.T) {
	m := NewMain(io.Discard, io.Discard)
	require.NoError(t, m.ParseFlags(nil))
	assert.Equal(t, 10*time.Second, m.Config.CacheSMaxAge)
	assert.Equal(t, 60*time.Second, m.Config.CacheStale)

	t.Setenv("CLAIMTRACK_CACHE_S_MAXAGE", "30s")
	t.Setenv("CLAIMTRACK_CACHE_STALE", "2m")
	require.NoError(t, m.ParseFlags(nil))
	assert.Equal(t, 30*time.Second, m.Config.CacheSMaxAge)
	assert.Equal(t, 2*time.Minute, m.Config.CacheStale)
	require.NoError(t, m.ParseFlags([]string{"--cache-s-maxage", "5s", "--cache-stale", "15s"}))
	assert.Equal(t, 5*time.Second, m.Config.CacheSMaxAge, "flags win over the environment")
	assert.Equal(t, 15*time.Second, m.Config.CacheStale)

	assert.Error(t, m.ParseFlags([]string{"--cache-s-maxage", "-1s"}))
	require.NoError(t, m.ParseFlags(nil))
	assert.Equal(t, 48<<20, pageCacheBytes(m.Config.PageCacheMB), "the page cache's default")
	assert.Equal(t, int64(112<<20), memoryLimit(m.Config.PageCacheMB), "the memory limit makes room for the kept pages")
	require.NoError(t, m.ParseFlags([]string{"--page-cache-mb", "0"}))
	assert.Negative(t, pageCacheBytes(m.Config.PageCacheMB), "0 keeps no pages")
	require.NoError(t, m.ParseFlags([]string{"--page-cache-mb", "64"}))
	assert.Equal(t, 64<<20, pageCacheBytes(m.Config.PageCacheMB))
	assert.Equal(t, int64(128<<20), memoryLimit(m.Config.PageCacheMB))
	assert.Equal(t, int64(64<<20), memoryLimit(0))
	assert.Error(t, m.ParseFlags([]string{"--page-cache-mb", "-1"}))
	t.Setenv("CLAIMTRACK_CACHE_STALE", "a while")
	assert.Error(t, m.ParseFlags(nil))
}
