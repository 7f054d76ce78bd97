package desk

import (
	"context"
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/action"
)

// The map's links between tracks as a list: every link the caller sees,
// active or dissolved, with its history (who changed it, when, from what
// to what and why), the form that dissolves it or makes it active again
// for a mediator of both its tracks, and the form that links two tracks
// for a caller who mediates two or more. The store decides who sees and
// changes a link (parley.LinkService); the forms are offered from the
// root package's rules (Caller.IsMediator, Caller.CanLink), which are the
// ones it applies.

// linkStatusWords are the words of a link's status.
var linkStatusWords = i18n.Words("link status", "active", "dissolved")

// linkSection is the map's section of links.
type linkSection struct {
	Drawing *linkMap       // the active links drawn; nil when none is active
	Rows    []*linkListing // every link the caller sees, oldest first
	Form    *linkingForm   // nil unless the caller mediates two tracks or more
}

// linkListing is one link in the map's list.
type linkListing struct {
	Link      *parley.Link
	A, B      *parley.Track
	MayChange bool              // the caller mediates both tracks: it dissolves the link or makes it active again
	Next      parley.LinkStatus // the status the change moves the link to
	History   []linkHistoryStep // newest first
}

// linkHistoryStep is a step of a link's history with who took it.
type linkHistoryStep struct {
	Step parley.LinkStep
	Who  string
}

// linkingForm is what the form that links two tracks offers.
type linkingForm struct {
	Tracks  []*parley.Track // the tracks the caller mediates
	Kinds   []parley.LinkKind
	OpensAt []parley.Status // the statuses of track A at which a sequence may open track B
}

// linkSection lists the links among tracks (those the caller sees, in
// the map's order) and offers the forms the caller may send; nil when
// there is no link to list and no form to offer.
func (d *Desk) linkSection(ctx context.Context, b *pageBase, tracks []*parley.Track, links []*parley.Link) (*linkSection, error) {
	c := parley.CallerFromContext(ctx)
	byID := map[int64]*parley.Track{}
	for _, t := range tracks {
		byID[t.ID] = t
	}
	s := &linkSection{Drawing: newLinkMap(tracks, links)}
	users := map[int64]string{} // who took the steps, by user id
	named := map[int64]bool{}   // the tracks whose members are in users
	for _, l := range links {
		a, z := byID[l.TrackA], byID[l.TrackB]
		if a == nil || z == nil {
			continue
		}
		row := &linkListing{Link: l, A: a, B: z, MayChange: c.CanLink(l.TrackA, l.TrackB), Next: parley.LinkDissolved}
		if l.Status == parley.LinkDissolved {
			row.Next = parley.LinkActive
		}
		for _, t := range []int64{l.TrackA, l.TrackB} {
			if named[t] {
				continue
			}
			names, err := d.people(ctx, t)
			if err != nil {
				return nil, err
			}
			for id, n := range names {
				users[id] = n
			}
			named[t] = true
		}
		for i := len(l.History) - 1; i >= 0; i-- {
			st := linkHistoryStep{Step: l.History[i], Who: b.T("the system")}
			if id := st.Step.ActorID; id != nil {
				st.Who = d.userName(ctx, users, *id, b.T("a member"))
			}
			row.History = append(row.History, st)
		}
		s.Rows = append(s.Rows, row)
	}
	var mediated []*parley.Track
	for _, t := range tracks {
		if c.IsMediator(t.ID) {
			mediated = append(mediated, t)
		}
	}
	if len(mediated) >= 2 {
		s.Form = &linkingForm{Tracks: mediated, Kinds: parley.LinkKinds}
		for _, st := range parley.Statuses {
			if st != parley.StatusExploratory { // every track starts there
				s.Form.OpensAt = append(s.Form.OpensAt, st)
			}
		}
	}
	if len(s.Rows) == 0 && s.Form == nil { // no link drawn without its row
		return nil, nil
	}
	return s, nil
}

// createLink links two tracks and shows the new link on the map.
func (d *Desk) createLink(r *http.Request, _ int64, in *action.LinkInput) (string, error) {
	l, err := d.actions.CreateLink(r.Context(), *in)
	if err != nil {
		return "", refusedOnMap(err)
	}
	return seeOther("/map", "linked", fmt.Sprintf("link-row-%d", l.ID)), nil
}

// transitionLink dissolves a link or makes it active again.
func (d *Desk) transitionLink(r *http.Request, id int64, in *parley.LinkTransitionRequest) (string, error) {
	if _, err := d.actions.TransitionLink(r.Context(), id, *in); err != nil {
		return "", refusedOnMap(err)
	}
	return seeOther("/map", "link-status", fmt.Sprintf("link-row-%d", id)), nil
}

// refusedOnMap makes the store's EFORBIDDEN (a track of the form the
// caller sees but does not mediate) a refusal the map shows beside the
// form, with what was typed: every signed-in caller sees the map, and
// the message names only the tracks the form sent.
func refusedOnMap(err error) error {
	if parley.ErrorCode(err) == parley.EFORBIDDEN {
		return refusedOnPage{err}
	}
	return err
}
