package desk

import (
	"context"

	"github.com/parley-talks/parley"
)

// people are the names of the track's members by user id, as every reader
// of the track may know them (parley.NameService): pages name people, not
// ids. userName looks up anyone else the caller may look up.
func (d *Desk) people(ctx context.Context, trackID int64) (map[int64]string, error) {
	names, err := d.store.MemberNames(ctx, trackID)
	if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, err
	}
	if names == nil {
		names = map[int64]string{}
	}
	return names, nil
}

// userName says who a user is: from the page's names (people), else the
// user's account if the caller may look it up, else unknown; names are
// kept in cache for the page.
func (d *Desk) userName(ctx context.Context, cache map[int64]string, id int64, unknown string) string {
	if n, ok := cache[id]; ok {
		return n
	}
	n := unknown
	if u, err := d.store.FindUserByID(ctx, id); err == nil {
		n = u.Name
	}
	cache[id] = n
	return n
}
