package action

import (
	"context"
	"slices"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
)

// Calendar feeds: a secret URL per feed, which a calendar program fetches
// without signing in; the feed holds the meetings of every track its user
// sees, read as that user. Only the secret's SHA-256 is stored; the
// secret is in the answer that makes the feed, and nowhere else.

// FeedPath is where a feed is fetched: FeedPath + secret + ".ics".
const FeedPath = "/api/v1/calendar/"

// NewFeed is a feed just made: its record, and the path of its URL with
// the secret, which is shown this once.
type NewFeed struct {
	Feed *parley.CalendarFeed `json:"feed"`
	Path string               `json:"path"` // FeedPath + secret + ".ics"
}

func (a *Actions) feeds() (parley.CalendarFeedService, error) {
	fs, ok := a.Store.(parley.CalendarFeedService)
	if !ok {
		return nil, parley.Errorf(parley.EUNAVAILABLE, "", "this server keeps no calendar feeds")
	}
	return fs, nil
}

// CreateFeed makes a calendar feed for the caller.
func (a *Actions) CreateFeed(ctx context.Context) (*NewFeed, error) {
	fs, err := a.feeds()
	if err != nil {
		return nil, err
	}
	c := parley.CallerFromContext(ctx)
	if c.User == nil {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "", "sign in first")
	}
	secret := password.NewToken()
	h := password.HashToken(secret)
	f := &parley.CalendarFeed{SecretHash: h[:], UserID: c.User.ID}
	if err := fs.CreateCalendarFeed(ctx, f); err != nil {
		return nil, err
	}
	return &NewFeed{Feed: f, Path: FeedPath + secret + ".ics"}, nil
}

// Feeds lists the caller's feeds, revoked ones too.
func (a *Actions) Feeds(ctx context.Context) ([]*parley.CalendarFeed, error) {
	fs, err := a.feeds()
	if err != nil {
		return nil, err
	}
	c := parley.CallerFromContext(ctx)
	if c.User == nil {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "", "sign in first")
	}
	return fs.FindCalendarFeeds(ctx, c.User.ID)
}

// RevokeFeed revokes one of the caller's feeds.
func (a *Actions) RevokeFeed(ctx context.Context, id int64) (*parley.CalendarFeed, error) {
	fs, err := a.feeds()
	if err != nil {
		return nil, err
	}
	return fs.RevokeCalendarFeed(ctx, id)
}

// FeedCaller is the caller a feed's secret stands for: its user, with the
// user's grants. A secret that is no feed's, a revoked feed and a
// disabled user are ENOTFOUND alike.
func (a *Actions) FeedCaller(ctx context.Context, secret string) (*parley.Caller, error) {
	fs, err := a.feeds()
	if err != nil {
		return nil, err
	}
	missing := parley.Errorf(parley.ENOTFOUND, "", "no such calendar feed")
	secret = strings.TrimSuffix(secret, ".ics")
	if !password.IsToken(secret) {
		return nil, missing
	}
	h := password.HashToken(secret)
	sys := System(ctx)
	f, err := fs.FindCalendarFeedByHash(sys, h[:])
	if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && f.RevokedAt != nil {
		return nil, missing
	}
	if err != nil {
		return nil, err
	}
	u, err := a.Store.FindUserByID(sys, f.UserID)
	if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && u.Disabled {
		return nil, missing
	}
	if err != nil {
		return nil, err
	}
	return CallerOf(sys, a.Store, u)
}

// FeedMeeting is a meeting of a feed, with its track and venue.
type FeedMeeting struct {
	Meeting *parley.Meeting
	Track   *parley.Track
	Venue   *parley.Venue // nil for none
}

// FeedMeetings are the meetings of every track the context's caller
// sees, oldest first: a talks' calendar holds a few hundred at most.
func (a *Actions) FeedMeetings(ctx context.Context) ([]FeedMeeting, error) {
	tracks := map[int64]*parley.Track{}
	venues := map[int64]*parley.Venue{}
	var out []FeedMeeting
	for offset := 0; ; offset += parley.MaxLimit {
		ms, total, err := a.Store.FindMeetings(ctx, parley.MeetingFilter{Page: parley.Page{Offset: offset, Limit: parley.MaxLimit}})
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			fm := FeedMeeting{Meeting: m, Track: tracks[m.TrackID]}
			if fm.Track == nil {
				if fm.Track, err = a.Store.FindTrackByID(ctx, m.TrackID); err != nil {
					return nil, err
				}
				tracks[m.TrackID] = fm.Track
			}
			if m.VenueID != nil {
				if fm.Venue = venues[*m.VenueID]; fm.Venue == nil {
					if fm.Venue, err = a.Store.FindVenueByID(ctx, *m.VenueID); err != nil {
						return nil, err
					}
					venues[*m.VenueID] = fm.Venue
				}
			}
			out = append(out, fm)
		}
		if offset+parley.MaxLimit >= total {
			break
		}
	}
	slices.SortStableFunc(out, func(x, y FeedMeeting) int { return x.Meeting.StartsAt.Compare(y.Meeting.StartsAt) })
	return out, nil
}

// Language is the language the caller chose, or "" for none (or a store
// that keeps none).
func (a *Actions) Language(ctx context.Context) (string, error) {
	ls, ok := a.Store.(parley.LanguageService)
	c := parley.CallerFromContext(ctx)
	if !ok || c.User == nil {
		return "", nil
	}
	return ls.UserLanguage(ctx, c.User.ID)
}

// LanguageInput is the caller's choice of language ("" forgets it).
type LanguageInput struct {
	Language string `json:"language"`
}

// SetLanguage keeps the caller's choice with the account; lang must be a
// language Parley speaks (the caller checks: package i18n).
func (a *Actions) SetLanguage(ctx context.Context, lang string) error {
	ls, ok := a.Store.(parley.LanguageService)
	if !ok {
		return parley.Errorf(parley.EUNAVAILABLE, "", "this server keeps no languages")
	}
	c := parley.CallerFromContext(ctx)
	if c.User == nil {
		return parley.Errorf(parley.EUNAUTHORIZED, "", "sign in first")
	}
	return ls.SetUserLanguage(ctx, c.User.ID, lang)
}
