package web

import (
	"bytes"
	"container/list"
	"sync"
	"sync/atomic"
)

// DefaultPageCacheBytes bounds the memory the kept claim pages take unless
// Config.PageCacheBytes says otherwise: about 20,000 claim pages, gzipped.
const DefaultPageCacheBytes = 48 << 20

// typicalPageBytes is about what a kept claim page takes (8 to 13 KB
// rendered, gzipped), for sizing the admission filter.
const typicalPageBytes = 2 << 10

// keptShare is about how much of a rendered page its gzipped form takes, for
// deciding whether a page is let in before it is compressed.
const keptShare = 4

// pageCache keeps the claim pages shown to visitors who are not signed in.
// They all see the same page of a claim, so a claim read by many at once (a
// fact-check gone viral) is read from the database and rendered once per
// change to what it shows rather than once per reader. A page is kept with
// its validators, whose ETag stands for the claim's freshness (see
// ClaimFreshness): it is given out while the claim's freshness is the one it
// was rendered with, so a change to another claim leaves it kept. The
// freshness is not even read while the database's generation is the one the
// page was last found current at, and on the day it was rendered at (due
// dates are measured against the day). The least recently used pages go
// first when the cache is full; then a page is only let in when its claim was
// asked for before, lately (see admit), so that the many claims read once in
// a while do not push out the few read all the time. A page is kept for the
// base URL it was rendered with (its ClaimReview markup holds absolute URLs),
// so a visitor is only given a page with the address they themselves are
// allowed to use.
type pageCache struct {
	mu      sync.Mutex
	entries map[pageKey]*list.Element // claim and base URL → element holding a *sharedPage
	recent  list.List                 // most recently used first
	bytes   int
	max     int
	// seen holds the claims whose page was made lately but not kept: a
	// second one is kept. It is emptied when it holds twice as many claims as
	// the cache holds pages.
	seen map[int64]struct{}

	hits, misses atomic.Int64
}

// pageKey is what a kept page is a page of: a claim, at a base URL.
type pageKey struct {
	id   int64
	base string
}

type sharedPage struct {
	key  pageKey
	gen  int64  // the generation it was last found current at
	day  string // the day it was rendered on (YYYY-MM-DD, UTC)
	v    validators
	body []byte // gzipped (see gzip.go)
}

func newPageCache(max int) *pageCache {
	return &pageCache{entries: map[pageKey]*list.Element{}, max: max, seen: map[int64]struct{}{}}
}

// resize sets the bound on the pages' memory (0 keeps none) and forgets
// every page.
func (c *pageCache) resize(max int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.max = max
	c.clearLocked()
}

// admit reports whether a page of body's size for claim id is to be kept,
// called with c.mu held. While there is room every page is; once a page
// would push others out, only the page of a claim asked for before, since
// the filter was last emptied.
func (c *pageCache) admit(id int64, size int) bool {
	if c.bytes+size <= c.max {
		return true
	}
	if _, ok := c.seen[id]; ok {
		delete(c.seen, id)
		return true
	}
	if len(c.seen) >= 2*max(1, c.max/typicalPageBytes) {
		clear(c.seen)
	}
	c.seen[id] = struct{}{}
	return false
}

// get returns the page of claim id with base URL base if it is kept, was
// found current at generation gen and rendered on day. The caller must not
// change the body.
func (c *pageCache) get(id int64, base string, gen int64, day string) (validators, []byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[pageKey{id, base}]
	if !ok {
		return validators{}, nil, false
	}
	p := e.Value.(*sharedPage)
	if p.gen != gen || p.day != day {
		return validators{}, nil, false
	}
	c.recent.MoveToFront(e)
	return p.v, p.body, true
}

// has reports whether a page of claim id with base URL base is kept.
func (c *pageCache) has(id int64, base string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.entries[pageKey{id, base}]
	return ok
}

// current returns the page of claim id with base URL base if it is kept with
// the ETag etag (the claim's freshness now), rendered on day, and notes that
// it was current at generation gen. A kept page with another ETag or day is
// forgotten.
func (c *pageCache) current(id int64, base string, gen int64, day, etag string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[pageKey{id, base}]
	if !ok {
		return nil, false
	}
	p := e.Value.(*sharedPage)
	if p.v.etag != etag || p.day != day {
		c.remove(e)
		return nil, false
	}
	p.gen = max(p.gen, gen)
	c.recent.MoveToFront(e)
	return p.body, true
}

// admits reports whether a page of size bytes (as rendered) for claim id
// with base URL base, found current at generation gen, is to be kept: it
// replaces a kept page found current at no later generation, or it is let in
// (see admit). Asked before a page is compressed, so that a page not kept
// costs nothing more.
func (c *pageCache) admits(id int64, base string, gen int64, size int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if size > c.max {
		return false
	}
	if e, ok := c.entries[pageKey{id, base}]; ok {
		return e.Value.(*sharedPage).gen <= gen
	}
	return c.admit(id, size)
}

// keep keeps body, with validators v, as the page of claim id with base URL
// base, found current at generation gen and rendered on day, unless a page
// found current at a later generation is kept already (a slower request read
// older data). The cache owns body from then on.
func (c *pageCache) keep(id int64, base string, gen int64, day string, v validators, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(body) > c.max {
		return
	}
	key := pageKey{id, base}
	if e, ok := c.entries[key]; ok {
		if e.Value.(*sharedPage).gen > gen {
			return
		}
		c.remove(e)
	}
	c.entries[key] = c.recent.PushFront(&sharedPage{key: key, gen: gen, day: day, v: v, body: body})
	c.bytes += len(body)
	for c.bytes > c.max {
		c.remove(c.recent.Back())
	}
}

// put keeps a copy of body when admits lets it in.
func (c *pageCache) put(id int64, base string, gen int64, day string, v validators, body []byte) {
	if c.admits(id, base, gen, len(body)) {
		c.keep(id, base, gen, day, v, bytes.Clone(body))
	}
}

// clear forgets every page (the settings that shape them changed).
func (c *pageCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearLocked()
}

func (c *pageCache) clearLocked() {
	clear(c.entries)
	clear(c.seen)
	c.recent.Init()
	c.bytes = 0
}

func (c *pageCache) remove(e *list.Element) {
	p := c.recent.Remove(e).(*sharedPage)
	delete(c.entries, p.key)
	c.bytes -= len(p.body)
}
