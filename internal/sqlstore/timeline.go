package sqlstore

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/parley-talks/parley"
)

// A track's timeline merges four histories: its transitions and its
// agreements' status steps, which stay short (tens of rows a track), and
// its meetings and linked events, which grow for years. A page is read
// with keyset pagination: each history is read after the position of the
// previous page's last entry, in the order of its index, at most one page
// plus one row — so a page costs the same at the first meeting and the
// 10⁶th, and a write between two pages moves no entry from one page to
// the other.
//
// The position is the entry's sort key (time, kind rank, ID), handed to
// the client as an opaque cursor that names the track and the order and
// carries a MAC under the row key: a cursor is only ever one this store
// issued for this track's timeline in this order.

// kindRank orders timeline entries that happened at the same time.
var kindRank = map[parley.TimelineKind]int{
	parley.TimelineTransition: 0,
	parley.TimelineAgreement:  1,
	parley.TimelineEvent:      2,
	parley.TimelineMeeting:    3,
}

func entryID(e *parley.TimelineEntry) int64 {
	switch {
	case e.Transition != nil:
		return e.Transition.ID
	case e.Agreement != nil:
		return e.Agreement.Step.ID
	case e.Event != nil:
		return e.Event.ID
	default:
		return e.Meeting.ID
	}
}

// timelineKey is an entry's place in a timeline, oldest first.
type timelineKey struct {
	at   int64 // unix microseconds
	rank int   // kindRank
	id   int64
}

func keyOf(e *parley.TimelineEntry) timelineKey {
	return timelineKey{at: micro(e.At), rank: kindRank[e.Kind], id: entryID(e)}
}

func (k timelineKey) compare(o timelineKey) int {
	switch {
	case k.at != o.at:
		return cmpInt(k.at, o.at)
	case k.rank != o.rank:
		return cmpInt(int64(k.rank), int64(o.rank))
	default:
		return cmpInt(k.id, o.id)
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// timelineCursor is the decoded cursor: the last entry of the previous page.
type timelineCursor struct {
	trackID int64
	newest  bool
	last    timelineKey
}

// cursorLabel separates the cursor's MAC from every row MAC under the
// same key (rowLabel); cursorMACSize bytes of HMAC-SHA-256 are kept.
const (
	cursorLabel   = "parley timeline cursor v1"
	cursorMACSize = 16
)

func (c timelineCursor) payload() []byte {
	b := append([]byte(nil), cursorLabel...)
	b = binary.AppendVarint(b, c.trackID)
	newest := byte(0)
	if c.newest {
		newest = 1
	}
	b = append(b, newest)
	b = binary.AppendVarint(b, c.last.at)
	b = append(b, byte(c.last.rank))
	return binary.AppendVarint(b, c.last.id)
}

// encode returns the cursor in its opaque form: the payload without the
// label, then its MAC, in unpadded base64url.
func (c timelineCursor) encode(auth *rowAuth) string {
	p := c.payload()
	mac := auth.sum(p)
	return base64.RawURLEncoding.EncodeToString(append(p[len(cursorLabel):], mac[:cursorMACSize]...))
}

// errCursor refuses a cursor that is not one this store issued for the
// timeline asked for. It says nothing of which part was wrong.
var errCursor = parley.Errorf(parley.EINVALID, "cursor",
	"the cursor is not one this server gave for this track's timeline in this order; start again from the first page")

// decodeCursor checks s, a cursor of encode, against its MAC and against
// the track and order asked for.
func decodeCursor(auth *rowAuth, s string, trackID int64, newest bool) (timelineCursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) <= cursorMACSize || len(s) > 100 {
		return timelineCursor{}, errCursor
	}
	body, mac := raw[:len(raw)-cursorMACSize], raw[len(raw)-cursorMACSize:]
	p := append([]byte(cursorLabel), body...)
	want := auth.sum(p)
	if !hmac.Equal(mac, want[:cursorMACSize]) {
		return timelineCursor{}, errCursor
	}
	var c timelineCursor
	var n int
	if c.trackID, n = binary.Varint(body); n <= 0 || len(body) < n+1 {
		return timelineCursor{}, errCursor
	}
	c.newest, body = body[n] == 1, body[n+1:]
	if c.last.at, n = binary.Varint(body); n <= 0 || len(body) < n+1 {
		return timelineCursor{}, errCursor
	}
	c.last.rank, body = int(body[n]), body[n+1:]
	if c.last.id, n = binary.Varint(body); n <= 0 || n != len(body) {
		return timelineCursor{}, errCursor
	}
	if c.trackID != trackID || c.newest != newest {
		return timelineCursor{}, errCursor
	}
	return c, nil
}

// timelineRead is the reading of one page.
type timelineRead struct {
	trackID int64
	newest  bool
	after   *timelineKey // nil on the first page
	limit   int
}

// before reports whether a comes before b in the page's order.
func (r *timelineRead) before(a, b timelineKey) bool {
	if r.newest {
		return a.compare(b) > 0
	}
	return a.compare(b) < 0
}

// keeps reports whether an entry at k belongs after the cursor.
func (r *timelineRead) keeps(k timelineKey) bool {
	return r.after == nil || r.before(*r.after, k)
}

// cond returns the condition that keeps the rows of a history of the rank
// that come after the cursor, on its columns at and id, with its
// arguments numbered from $next; "" on the first page. The history's index
// on (at, id) answers it.
func (r *timelineRead) cond(rank int, at, id string, next int) (string, []any) {
	if r.after == nil {
		return "", nil
	}
	k := *r.after
	gt, ge := ">", ">="
	if r.newest {
		gt, ge = "<", "<="
	}
	switch {
	case rank == k.rank: // a row value, which both engines seek in the index
		return fmt.Sprintf(" AND (%s, %s) %s ($%d, $%d)", at, id, gt, next, next+1), []any{k.at, k.id}
	case (rank > k.rank) != r.newest: // the history's entries at k.at come after the cursor
		return fmt.Sprintf(" AND %s %s $%d", at, ge, next), []any{k.at}
	default:
		return fmt.Sprintf(" AND %s %s $%d", at, gt, next), []any{k.at}
	}
}

// order returns the ORDER BY of a history on its columns at and id.
func (r *timelineRead) order(at, id string) string {
	if r.newest {
		return " ORDER BY " + at + " DESC, " + id + " DESC"
	}
	return " ORDER BY " + at + ", " + id
}

// Timeline returns a page of the track's timeline (see the contract in
// package parley). It costs six indexed queries and the agreements' four:
// the transitions and agreement steps of the track, at most limit+1
// meetings and events after the cursor, and their attendees and links.
func (s *Store) Timeline(ctx context.Context, trackID int64, page parley.TimelinePage) (_ *parley.Timeline, err error) {
	defer s.mapErr(&err, "timeline")
	if page, err = page.Normalize(); err != nil {
		return nil, err
	}
	if err := requireSeeTrack(ctx, trackID); err != nil {
		return nil, err
	}
	auth := s.rowAuthority()
	if auth == nil {
		return nil, ErrNoMasterKey
	}
	r := &timelineRead{trackID: trackID, newest: page.Newest, limit: page.Limit}
	if page.Cursor != "" {
		c, err := decodeCursor(auth, page.Cursor, trackID, page.Newest)
		if err != nil {
			return nil, err
		}
		r.after = &c.last
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	trs, err := findTransitions(ctx, tx, trackID)
	if err != nil {
		return nil, err
	}
	if len(trs) == 0 { // every track has its first transition
		return nil, notFound("track", trackID)
	}
	entries, err := r.read(ctx, tx, trs)
	if err != nil {
		return nil, err
	}
	out := &parley.Timeline{Entries: entries, Limit: r.limit}
	if len(entries) > r.limit {
		out.Entries = entries[:r.limit]
		last := keyOf(out.Entries[r.limit-1])
		out.Next = timelineCursor{trackID: trackID, newest: r.newest, last: last}.encode(auth)
	}
	return out, commit(tx)
}

// read returns the entries after the cursor in the page's order: all of
// them, or at least limit+1 when there are more.
func (r *timelineRead) read(ctx context.Context, tx *Tx, trs []*parley.Transition) ([]*parley.TimelineEntry, error) {
	entries := []*parley.TimelineEntry{}
	add := func(e *parley.TimelineEntry) {
		if r.keeps(keyOf(e)) {
			entries = append(entries, e)
		}
	}
	for _, tr := range trs {
		add(&parley.TimelineEntry{At: tr.At, Kind: parley.TimelineTransition, Transition: tr})
	}
	agreements, err := readAgreements(ctx, tx, `track_id = $1`, r.trackID)
	if err != nil {
		return nil, err
	}
	for _, a := range agreements {
		for _, st := range a.History {
			add(&parley.TimelineEntry{At: st.At, Kind: parley.TimelineAgreement,
				Agreement: &parley.AgreementStep{AgreementID: a.ID, Title: a.Title, Step: st}})
		}
	}
	cond, args := r.cond(kindRank[parley.TimelineEvent], "occurred_at", "id", 2)
	events, err := queryEvents(ctx, tx, `SELECT `+tEvents.sel+` FROM events
		WHERE id IN (SELECT event_id FROM event_tracks WHERE track_id = $1)`+cond+r.order("occurred_at", "id")+fmt.Sprintf(` LIMIT %d`, r.limit+1),
		append([]any{r.trackID}, args...)...)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		add(&parley.TimelineEntry{At: e.OccurredAt, Kind: parley.TimelineEvent, Event: e})
	}
	cond, args = r.cond(kindRank[parley.TimelineMeeting], "starts_at", "id", 2)
	meetings, err := queryMeetings(ctx, tx, `SELECT `+tMeetings.sel+` FROM meetings
		WHERE track_id = $1`+cond+r.order("starts_at", "id")+fmt.Sprintf(` LIMIT %d`, r.limit+1),
		append([]any{r.trackID}, args...)...)
	if err != nil {
		return nil, err
	}
	for _, m := range meetings {
		add(&parley.TimelineEntry{At: m.StartsAt, Kind: parley.TimelineMeeting, Meeting: m})
	}
	slices.SortFunc(entries, func(a, b *parley.TimelineEntry) int {
		c := keyOf(a).compare(keyOf(b))
		if r.newest {
			return -c
		}
		return c
	})
	return entries, nil
}
