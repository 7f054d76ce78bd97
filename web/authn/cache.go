package authn

import (
	"slices"
	"sync"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/limits"
)

// # The caller cache
//
// Authenticating a request reads the session (or token), the user and the
// user's grants: three indexed reads, most of the cost of a small read. An
// Auth over a store that reports an auth generation (AuthGenerationSource;
// sqlstore.Store does) keeps what those reads found — by the SHA-256 of
// the secret, never the secret — and uses it again while all of these hold:
//
//   - the store's auth generation is the one noted before the reads: every
//     write of this process that may change the answer (sign-out, an
//     expired session deleted, a user disabled or changed, a grant made,
//     changed or withdrawn, a token revoked, a track deleted) moves it after
//     its commit and before it is acknowledged, so such a change takes
//     effect with the very next request;
//   - the entry is younger than limits.AuthCacheTTL, which bounds what the
//     generation cannot see: writes by another process to the same
//     database — `parley user disable` or `parley token revoke` on the
//     command line, or another server sharing a PostgreSQL database;
//   - a session's idle and absolute expiries are still ahead (an entry
//     never outlives them; an expired session is looked up, and deleted,
//     the slow way).
//
// The cache holds only what the audience check (parley.Caller) then
// decides on — the user and its grants — and each request gets its own
// copy of them; every route is still authorised against that Caller, and
// the store checks it again. A cookie never finds a cached API token.

// AuthGenerationSource is a store that says when a cached caller may be
// stale: see sqlstore.Store.AuthGeneration.
type AuthGenerationSource interface {
	AuthGeneration() uint64
}

// authEntry is what the store said about one secret.
type authEntry struct {
	gen      uint64    // the auth generation before the reads
	until    time.Time // the end of its use: TTL, or the session's expiry
	token    bool      // an API token, which cookies may not carry
	cred     credential
	user     parley.User
	grants   []parley.Member
	withheld []int64 // the caller's Withheld
}

// authCache maps the SHA-256 of a secret to its entry.
type authCache struct {
	src AuthGenerationSource

	mu      sync.RWMutex
	entries map[[32]byte]*authEntry
}

func newAuthCache(store parley.Store) *authCache {
	src, ok := store.(AuthGenerationSource)
	if !ok {
		return nil
	}
	return &authCache{src: src, entries: map[[32]byte]*authEntry{}}
}

// generation returns the store's auth generation (0 without a cache).
func (c *authCache) generation() uint64 {
	if c == nil {
		return 0
	}
	return c.src.AuthGeneration()
}

// get returns the live entry of the secret's hash, or nil.
func (c *authCache) get(h [32]byte, now time.Time) *authEntry {
	if c == nil {
		return nil
	}
	gen := c.src.AuthGeneration()
	c.mu.RLock()
	e := c.entries[h]
	c.mu.RUnlock()
	if e == nil || e.gen != gen || !now.Before(e.until) {
		return nil
	}
	return e
}

// put records what the store said, read after the generation gen was noted.
func (c *authCache) put(h [32]byte, e *authEntry) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= limits.AuthCacheMaxEntries {
		clear(c.entries)
	}
	c.entries[h] = e
}

// newAuthEntry copies the caller into an entry.
func newAuthEntry(gen uint64, until time.Time, cred credential, c *parley.Caller) *authEntry {
	e := &authEntry{gen: gen, until: until, token: cred.kind == byToken, cred: cred, user: *c.User,
		grants: make([]parley.Member, len(c.Grants)), withheld: slices.Clone(c.Withheld)}
	for i, g := range c.Grants {
		e.grants[i] = *g
	}
	return e
}

// caller returns a copy of the entry's caller of its own, so that nothing
// a request does to it reaches the cache.
func (e *authEntry) caller() *parley.Caller {
	u := e.user
	grants := make([]*parley.Member, len(e.grants))
	copies := make([]parley.Member, len(e.grants))
	copy(copies, e.grants)
	for i := range copies {
		grants[i] = &copies[i]
	}
	return &parley.Caller{User: &u, Grants: grants, Withheld: slices.Clone(e.withheld)}
}

// Cached reports whether the caller cache holds a live entry for the
// secret (a session's or a token's), and whether the Auth keeps a cache at
// all: for tests that a write of this process empties it.
func (a *Auth) Cached(secret string) (cached, enabled bool) {
	if a.cache == nil {
		return false, false
	}
	return a.cache.get(password.HashToken(secret), a.now()) != nil, true
}
