package web

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPageCache_BoundedLeastRecentlyUsedFirst(t *testing.T) {
	t.Parallel()
	c := newPageCache(10 << 10)
	const day = "2026-12-03"
	v := validators{etag: `"a"`}
	page := func(b byte) []byte { return bytes.Repeat([]byte{b}, 3<<10) }
	c.put(1, "", 7, day, v, page('a'))
	c.put(2, "", 7, day, v, page('b'))
	c.put(3, "", 7, day, v, page('c'))
	_, _, ok := c.get(1, "", 7, day) // 1 is now the most recently used
	require.True(t, ok)
	c.put(4, "", 7, day, v, page('d')) // over 10 KiB: held back, asked for once
	_, _, ok = c.get(4, "", 7, day)
	require.False(t, ok, "a page that would push another out is not kept the first time")
	c.put(4, "", 7, day, v, page('d')) // asked for again: kept, and 2 goes
	assert.LessOrEqual(t, c.bytes, 10<<10)
	_, _, ok = c.get(2, "", 7, day)
	assert.False(t, ok, "the least recently used page went first")
	for _, id := range []int64{1, 3, 4} {
		_, got, ok := c.get(id, "", 7, day)
		assert.True(t, ok, "page %d", id)
		assert.Len(t, got, 3<<10)
	}
	c.put(5, "", 7, day, v, make([]byte, 11<<10))
	_, _, ok = c.get(5, "", 7, day)
	assert.False(t, ok, "a page larger than the whole cache is not kept")
	assert.Equal(t, 9<<10, c.bytes)
}

func TestPageCache_GenerationFreshnessAndDay(t *testing.T) {
	t.Parallel()
	c := newPageCache(1 << 20)
	const day, next = "2026-12-03", "2026-12-04"
	seven := validators{etag: `"seven"`}
	c.put(1, "", 7, day, seven, []byte("seven"))
	_, _, ok := c.get(1, "", 8, day)
	assert.False(t, ok, "something was committed since: the freshness must be read")
	got, ok := c.current(1, "", 8, day, `"seven"`)
	require.True(t, ok, "the claim's freshness did not move: still current")
	assert.Equal(t, "seven", string(got))
	v, _, ok := c.get(1, "", 8, day)
	assert.True(t, ok, "found current at the new generation")
	assert.Equal(t, seven, v)

	_, ok = c.current(1, "", 9, day, `"eight"`)
	assert.False(t, ok, "the claim's freshness moved")
	_, _, ok = c.get(1, "", 8, day)
	assert.False(t, ok, "and the stale page is gone")

	c.put(1, "", 9, day, validators{etag: `"eight"`}, []byte("eight"))
	c.put(1, "", 8, day, seven, []byte("seven")) // a slower request that read before the change
	_, got, ok = c.get(1, "", 9, day)
	assert.True(t, ok)
	assert.Equal(t, "eight", string(got), "an older generation does not replace a newer one")

	_, _, ok = c.get(1, "", 9, next)
	assert.False(t, ok, "a new day: due dates moved")
	_, ok = c.current(1, "", 9, next, `"eight"`)
	assert.False(t, ok)

	c.clear()
	assert.Zero(t, c.bytes)
	assert.Empty(t, c.entries)
}

// Once full, the cache lets in only pages of claims asked for before lately,
// so that claims read once do not push out those read all the time; the
// filter forgets what it holds when it holds twice as many claims as the
// cache has room for pages.
func TestPageCache_AdmitsOnlyClaimsAskedForAgainWhenFull(t *testing.T) {
	t.Parallel()
	const day = "2026-12-03"
	v := validators{etag: `"a"`}
	page := make([]byte, typicalPageBytes)
	c := newPageCache(2 * typicalPageBytes)
	kept := func(id int64) bool {
		_, _, ok := c.get(id, "", 1, day)
		return ok
	}
	c.put(1, "", 1, day, v, page)
	c.put(2, "", 1, day, v, page)
	require.True(t, kept(1) && kept(2), "while there is room every page is kept")
	page[0] = 'x' // the renderer reuses its buffer for the next page
	_, body, _ := c.get(1, "", 1, day)
	assert.Equal(t, byte(0), body[0], "a page let in is a copy")

	for id := int64(100); id < 110; id++ {
		c.put(id, "", 1, day, v, page) // each read once
	}
	assert.True(t, kept(1) && kept(2), "claims read once push nothing out")
	c.put(3, "", 1, day, v, page)
	assert.False(t, kept(3))
	c.put(3, "", 1, day, v, page)
	assert.True(t, kept(3), "a claim asked for again is kept")
	assert.True(t, kept(2), "in place of the least recently used")
	assert.False(t, kept(1))
	assert.LessOrEqual(t, len(c.seen), 4, "the filter holds at most twice the cache's pages")

	c.resize(0)
	c.put(4, "", 1, day, v, page)
	c.put(4, "", 1, day, v, page)
	assert.False(t, kept(4), "a cache of no size keeps nothing")
	assert.False(t, kept(2), "resizing forgets every page")
}
