package web

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPageCache_BoundedLeastRecentlyUsedFirst(t *testing.T) {
	t.Parallel()
	c := newPageCache(10 << 10)
	now := time.Now()
	page := func(b byte) []byte { return bytes.Repeat([]byte{b}, 3<<10) }
	c.put(1, "", 7, now, page('a'))
	c.put(2, "", 7, now, page('b'))
	c.put(3, "", 7, now, page('c'))
	_, ok := c.get(1, "", 7, now) // 1 is now the most recently used
	require.True(t, ok)
	c.put(4, "", 7, now, page('d')) // over 10 KiB: 2 goes
	assert.LessOrEqual(t, c.bytes, 10<<10)
	_, ok = c.get(2, "", 7, now)
	assert.False(t, ok, "the least recently used page went first")
	for _, id := range []int64{1, 3, 4} {
		got, ok := c.get(id, "", 7, now)
		assert.True(t, ok, "page %d", id)
		assert.Len(t, got, 3<<10)
	}
	c.put(5, "", 7, now, make([]byte, 11<<10))
	_, ok = c.get(5, "", 7, now)
	assert.False(t, ok, "a page larger than the whole cache is not kept")
	assert.Equal(t, 9<<10, c.bytes)
}

func TestPageCache_GenerationAndAge(t *testing.T) {
	t.Parallel()
	c := newPageCache(1 << 20)
	now := time.Now()
	c.put(1, "", 7, now, []byte("seven"))
	_, ok := c.get(1, "", 8, now)
	assert.False(t, ok, "something was committed since")
	_, ok = c.get(1, "", 7, now)
	assert.False(t, ok, "and the stale page is gone")

	c.put(1, "", 8, now, []byte("eight"))
	c.put(1, "", 7, now, []byte("seven")) // a slower request that read before the change
	got, ok := c.get(1, "", 8, now)
	assert.True(t, ok)
	assert.Equal(t, "eight", string(got), "an older generation does not replace a newer one")

	_, ok = c.get(1, "", 8, now.Add(SharedPageTTL))
	assert.False(t, ok, "too old")
	c.put(1, "", 8, now, []byte("eight"))
	_, ok = c.get(1, "", 8, now.Add(-time.Second))
	assert.False(t, ok, "rendered in the future: the clock moved back")

	c.clear()
	assert.Zero(t, c.bytes)
	assert.Empty(t, c.entries)
}
