package parley

import (
	"context"
	"strings"
	"time"
)

// LinkKind says how two linked tracks move together.
//
//	package    nothing is agreed on either track until both are agreed: an
//	           agreement on one is entered only when every track of its
//	           package has a frozen, agreed text
//	sequence   track B opens (exploratory → active) only once track A has
//	           reached the status OpensAt
//	condition  track A is suspended when track B collapses
type LinkKind string

const (
	LinkPackage   LinkKind = "package"
	LinkSequence  LinkKind = "sequence"
	LinkCondition LinkKind = "condition"
)

// LinkKinds lists every link kind.
var LinkKinds = []LinkKind{LinkPackage, LinkSequence, LinkCondition}

// Valid reports whether k is a known link kind.
func (k LinkKind) Valid() bool {
	for _, v := range LinkKinds {
		if k == v {
			return true
		}
	}
	return false
}

// LinkStatus is where a link stands: active links bind their tracks,
// dissolved ones are history.
type LinkStatus string

const (
	LinkActive    LinkStatus = "active"
	LinkDissolved LinkStatus = "dissolved"
)

// linkTransitions is the lifecycle of a link: active ⇄ dissolved.
var linkTransitions = map[LinkStatus]LinkStatus{LinkActive: LinkDissolved, LinkDissolved: LinkActive}

// CheckTransition returns nil if a link may move from s to to: EINVALID for
// an unknown status, ECONFLICT otherwise.
func (s LinkStatus) CheckTransition(to LinkStatus) error {
	if to != LinkActive && to != LinkDissolved {
		return Errorf(EINVALID, "to", "unknown link status %q (want active or dissolved)", to)
	}
	if linkTransitions[s] != to {
		return Errorf(ECONFLICT, "to", "the link is %s already", s)
	}
	return nil
}

// Link binds two tracks (TrackA, TrackB; the kind says which is which).
// It is map data of both tracks: a caller who may see both tracks
// (Caller.CanSeeTrack) sees the link, anyone else does not; only a
// mediator of both tracks sets or changes it (Caller.CanLink).
type Link struct {
	ID        int64      `json:"id"`
	TrackA    int64      `json:"track_a"`
	TrackB    int64      `json:"track_b"`
	Kind      LinkKind   `json:"kind"`
	OpensAt   Status     `json:"opens_at,omitempty"` // sequence: the status of A at which B opens
	Reason    string     `json:"reason"`
	Status    LinkStatus `json:"status"`
	History   []LinkStep `json:"history"` // oldest first; the first is "" → active
	CreatedBy *int64     `json:"created_by,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

// Other returns the track at the other end of the link from trackID.
func (l *Link) Other(trackID int64) int64 {
	if l.TrackA == trackID {
		return l.TrackB
	}
	return l.TrackA
}

// Validate checks the fields a caller sets; the store checks the tracks,
// the caller's right on both and sequence cycles.
func (l *Link) Validate() error {
	if l.TrackA <= 0 || l.TrackB <= 0 {
		return Errorf(EINVALID, "track_a", "a link joins two tracks: track_a and track_b are required")
	}
	if l.TrackA == l.TrackB {
		return Errorf(EINVALID, "track_b", "a track cannot be linked to itself")
	}
	if !l.Kind.Valid() {
		return Errorf(EINVALID, "kind", "unknown link kind %q (want package, sequence or condition)", l.Kind)
	}
	switch {
	case l.Kind == LinkSequence && !l.OpensAt.Valid():
		return Errorf(EINVALID, "opens_at", "a sequence link says at which status of track A track B opens (opens_at: one of %s)", statusList())
	case l.Kind == LinkSequence && l.OpensAt == StatusExploratory:
		return Errorf(EINVALID, "opens_at", "every track starts exploratory; a sequence link opens B at a later status of A")
	case l.Kind != LinkSequence && l.OpensAt != "":
		return Errorf(EINVALID, "opens_at", "only a sequence link has opens_at")
	}
	if strings.TrimSpace(l.Reason) == "" {
		return Errorf(EINVALID, "reason", "a link needs a reason")
	}
	return checkText("reason", l.Reason)
}

// LinkStep is one step of a link's history, as a track's Transition is.
type LinkStep struct {
	ID      int64      `json:"id"`
	From    LinkStatus `json:"from"` // "" for the link's creation
	To      LinkStatus `json:"to"`
	Reason  string     `json:"reason"`
	EventID *int64     `json:"event_id,omitempty"`
	ActorID *int64     `json:"actor_id,omitempty"`
	At      time.Time  `json:"at"`
}

// LinkTransitionRequest dissolves a link or makes it active again.
type LinkTransitionRequest struct {
	To      LinkStatus `json:"to"`
	Reason  string     `json:"reason"`
	EventID *int64     `json:"event_id,omitempty"`
}

// Validate checks the request's own fields; the store checks the lifecycle.
func (r *LinkTransitionRequest) Validate() error {
	if r.To != LinkActive && r.To != LinkDissolved {
		return Errorf(EINVALID, "to", "unknown link status %q (want active or dissolved)", r.To)
	}
	if strings.TrimSpace(r.Reason) == "" {
		return Errorf(EINVALID, "reason", "a change of a link needs a reason")
	}
	if r.EventID != nil && *r.EventID <= 0 {
		return Errorf(EINVALID, "event_id", "event_id must be a positive id")
	}
	return checkText("reason", r.Reason)
}

// CanLink reports whether the caller may link two tracks or change their
// link: a mediator of both.
func (c *Caller) CanLink(a, b int64) bool { return c.IsMediator(a) && c.IsMediator(b) }

// CanSeeLink reports whether the caller sees a link: it sees both tracks.
func (c *Caller) CanSeeLink(l *Link) bool { return c.CanSeeTrack(l.TrackA) && c.CanSeeTrack(l.TrackB) }

// LinkService keeps links between tracks. A link the caller may not see
// (Caller.CanSeeLink) is ENOTFOUND and absent from lists.
type LinkService interface {
	// CreateLink stores an active link with its first history step.
	// EINVALID for a self-link or a track that does not exist or that
	// the caller does not see; EFORBIDDEN unless the caller mediates both
	// tracks; ECONFLICT for a second active link of the same kind
	// between the same tracks, or a sequence link that closes a cycle of
	// active sequence links. Nothing is stored when it fails.
	CreateLink(ctx context.Context, l *Link) error
	// FindLinkByID returns the link with its history.
	FindLinkByID(ctx context.Context, id int64) (*Link, error)
	// FindLinks returns the links of the track (0: of every track) that
	// the caller sees, oldest first; ENOTFOUND for a track it may not see.
	FindLinks(ctx context.Context, trackID int64) ([]*Link, error)
	// TransitionLink dissolves a link or makes it active again, with a
	// reason, as CreateLink checks (a link made active again must not
	// close a sequence cycle).
	TransitionLink(ctx context.Context, id int64, req LinkTransitionRequest) (*Link, error)
}

// LinkedTracks returns the tracks joined to trackID by active links,
// trackID first then in order of discovery (breadth first): the tracks a
// joint analysis takes together.
func LinkedTracks(trackID int64, links []*Link) []int64 {
	out := []int64{trackID}
	seen := map[int64]bool{trackID: true}
	for i := 0; i < len(out); i++ {
		for _, l := range links {
			if l.Status != LinkActive || (l.TrackA != out[i] && l.TrackB != out[i]) {
				continue
			}
			if o := l.Other(out[i]); !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
	}
	return out
}

// SequenceCycle reports whether the active sequence links, with add, hold
// a cycle (A → B meaning B opens after A): such links could never open.
func SequenceCycle(links []*Link, add *Link) bool {
	next := map[int64][]int64{}
	for _, l := range append(links, add) {
		if l.Kind == LinkSequence && (l.Status == LinkActive || l == add) {
			next[l.TrackA] = append(next[l.TrackA], l.TrackB)
		}
	}
	// A path from add.TrackB back to add.TrackA closes a cycle.
	seen := map[int64]bool{}
	stack := []int64{add.TrackB}
	for len(stack) > 0 {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if t == add.TrackA {
			return true
		}
		if seen[t] {
			continue
		}
		seen[t] = true
		stack = append(stack, next[t]...)
	}
	return false
}
