package sqlstore

import (
	"context"
	"sync"
	"time"

	"github.com/parley-talks/parley"
)

// A profile is validated against its track's themes and options at every
// write; reading them was two queries and close to half of PutProfile's
// time in the commit loop, which runs the writes one after another. Under
// group commit (SQLite: one writer connection, so every write of this
// process passes through the commit loop) the store keeps each track's
// themes as last read, and uses them again while
//
//   - the store's generation (AuthGeneration) is the one of the read: every
//     write but the few that change no themes moves it after its commit;
//   - no write of the current batch that may have changed them has run in
//     the batch's transaction yet (Tx.dirty): their changes are not
//     committed, so the generation has not moved;
//   - the copy is younger than themeCacheTTL, which bounds what the
//     generation cannot see: themes changed by another process writing the
//     same file.
//
// Without group commit (PostgreSQL, where several servers may write) the
// themes are read in each write's transaction, as before. The cached
// themes are shared and must not be changed; Validate only reads them.

// themeCacheTTL is the longest cached themes are used without reading.
const themeCacheTTL = time.Second

type themeCache struct {
	mu     sync.Mutex
	tracks map[int64]cachedThemes
}

type cachedThemes struct {
	gen    uint64
	read   time.Time
	themes []*parley.Theme
}

// trackThemes returns the track's themes with their options, read in tx or
// cached as above.
func (s *Store) trackThemes(ctx context.Context, tx *Tx, trackID int64) ([]*parley.Theme, error) {
	if s.ops == nil || tx.dirty {
		return findThemes(ctx, tx, []int64{trackID})
	}
	gen, now := s.gen.Load(), time.Now()
	s.themes.mu.Lock()
	c, ok := s.themes.tracks[trackID]
	s.themes.mu.Unlock()
	if ok && c.gen == gen && now.Sub(c.read) < themeCacheTTL {
		return c.themes, nil
	}
	themes, err := findThemes(ctx, tx, []int64{trackID})
	if err != nil {
		return nil, err
	}
	s.themes.mu.Lock()
	if s.themes.tracks == nil {
		s.themes.tracks = map[int64]cachedThemes{}
	}
	s.themes.tracks[trackID] = cachedThemes{gen: gen, read: now, themes: themes}
	s.themes.mu.Unlock()
	return themes, nil
}
