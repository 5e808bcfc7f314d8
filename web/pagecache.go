package web

import (
	"container/list"
	"sync"
	"sync/atomic"
	"time"
)

// Sizes of the shared page cache.
const (
	// SharedPagesBytes bounds the memory the kept claim pages take.
	SharedPagesBytes = 8 << 20
	// SharedPageTTL is how long a kept page is given out at most: its
	// relative times ("5 minutes ago") count in minutes, so they are at most
	// this much behind.
	SharedPageTTL = 5 * time.Second
)

// pageCache keeps the claim pages shown to visitors who are not signed in.
// They all see the same page of a claim, so a claim read by many at once (a
// fact-check gone viral) is read from the database and rendered once per
// change rather than once per reader. A page is given out only while the
// database's generation is the one it was rendered at, which any commit by
// any process changes, and for at most SharedPageTTL. The least recently
// used pages go first when the cache is full. A page is kept for the base URL
// it was rendered with (its ClaimReview markup holds absolute URLs), so a
// visitor is only given a page with the address they themselves are allowed
// to use.
type pageCache struct {
	mu      sync.Mutex
	entries map[pageKey]*list.Element // claim and base URL → element holding a *sharedPage
	recent  list.List                 // most recently used first
	bytes   int
	max     int

	hits, misses atomic.Int64
}

// pageKey is what a kept page is a page of: a claim, at a base URL.
type pageKey struct {
	id   int64
	base string
}

type sharedPage struct {
	key  pageKey
	gen  int64
	at   time.Time // when it was rendered
	body []byte
}

func newPageCache(max int) *pageCache {
	return &pageCache{entries: map[pageKey]*list.Element{}, max: max}
}

// get returns the page of claim id with base URL base rendered at generation
// gen, if it is kept and younger than SharedPageTTL at now. The caller must
// not change it.
func (c *pageCache) get(id int64, base string, gen int64, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[pageKey{id, base}]
	if !ok {
		c.misses.Add(1)
		return nil, false
	}
	p := e.Value.(*sharedPage)
	if p.gen != gen || now.Sub(p.at) >= SharedPageTTL || now.Before(p.at) {
		c.remove(e)
		c.misses.Add(1)
		return nil, false
	}
	c.recent.MoveToFront(e)
	c.hits.Add(1)
	return p.body, true
}

// put keeps body as the page of claim id with base URL base at generation
// gen, rendered at now, unless a page of a later generation is already kept.
// body must not change afterwards.
func (c *pageCache) put(id int64, base string, gen int64, now time.Time, body []byte) {
	if len(body) > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	key := pageKey{id, base}
	if e, ok := c.entries[key]; ok {
		if e.Value.(*sharedPage).gen > gen {
			return // a slower request read older data
		}
		c.remove(e)
	}
	c.entries[key] = c.recent.PushFront(&sharedPage{key: key, gen: gen, at: now, body: body})
	c.bytes += len(body)
	for c.bytes > c.max {
		c.remove(c.recent.Back())
	}
}

// clear forgets every page (the settings that shape them changed).
func (c *pageCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
	c.recent.Init()
	c.bytes = 0
}

func (c *pageCache) remove(e *list.Element) {
	p := c.recent.Remove(e).(*sharedPage)
	delete(c.entries, p.key)
	c.bytes -= len(p.body)
}
