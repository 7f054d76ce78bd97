package desk

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/export"
	"github.com/parley-talks/parley/web/route"
)

// The notes of a track's meetings: each meeting, newest first, with the
// minutes and caucus notes the caller may read (the store's FindNotes
// applies the audience check), who wrote each and for whom; the mediators
// add a note to a meeting, sealed to the audience they choose.

type notesPage struct {
	pageBase
	Track     *parley.Track
	Meetings  []meetingNotes
	Mediator  bool
	Audiences []audienceChoice
	Kinds     []noteKind
}

type meetingNotes struct {
	Meeting *parley.Meeting
	Notes   []noteRow
}

type noteRow struct {
	Kind     parley.NoteKind
	Audience string
	Author   string
	At       string
	Text     string
}

type noteKind struct {
	Value parley.NoteKind
	Label string
}

func (d *Desk) showNotes(w http.ResponseWriter, r *http.Request) error {
	return d.renderNotesOfTrack(w, r, nil, 0)
}

// renderNotesOfTrack renders the notes page of the track in the path; ref
// and status report a refused form.
func (d *Desk) renderNotesOfTrack(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	return d.renderNotes(w, r, id, ref, status)
}

// renderNotesOfMeeting renders the notes page of the track of the meeting
// in the path.
func (d *Desk) renderNotesOfMeeting(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	m, err := d.store.FindMeetingByID(r.Context(), id)
	if err != nil {
		return err
	}
	return d.renderNotes(w, r, m.TrackID, ref, status)
}

func (d *Desk) renderNotes(w http.ResponseWriter, r *http.Request, trackID int64, ref *Refusal, status int) error {
	ctx := r.Context()
	t, err := d.store.FindTrackByID(ctx, trackID)
	if err != nil {
		return err
	}
	meetings, _, err := d.store.FindMeetings(ctx, parley.MeetingFilter{TrackID: trackID, Page: parley.Page{Limit: parley.MaxLimit}})
	if err != nil {
		return err
	}
	names, err := d.actions.PartyNames(ctx)
	if err != nil {
		return err
	}
	acc := accessTo(ctx, trackID)
	data := &notesPage{pageBase: newBase(r, i18n.M("Meeting notes — {track}", "track", t.Title)), Track: t, Mediator: acc.Mediator()}
	data.Refusal, data.Status = ref, status
	data.Kinds = []noteKind{{parley.NoteMinutes, data.T("minutes")}, {parley.NoteCaucus, data.T("caucus note")}}
	if data.Mediator {
		data.Audiences = audiences(data.p, nil, principals(t, names), names)
	}
	users, err := d.people(ctx, trackID)
	if err != nil {
		return err
	}
	for _, m := range slices.Backward(meetings) {
		ns, err := d.store.FindNotes(ctx, m.ID)
		if err != nil {
			return err
		}
		mn := meetingNotes{Meeting: m}
		for _, n := range ns {
			row := noteRow{Kind: n.Kind, Audience: export.Audience(data.p, n.Audience, names), Text: n.Text,
				At: data.p.DateTime(n.CreatedAt.UTC()), Author: data.T("the system")}
			if n.AuthorID != nil {
				row.Author = d.userName(ctx, users, *n.AuthorID, data.T("a member"))
			}
			mn.Notes = append(mn.Notes, row)
		}
		data.Meetings = append(data.Meetings, mn)
	}
	return d.render(w, "notes", data)
}

func (d *Desk) addNote(r *http.Request, meetingID int64, in *action.NoteInput) (string, error) {
	n, err := d.actions.AddNote(r.Context(), meetingID, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d/notes", n.TrackID), "note", fmt.Sprintf("meeting-%d", meetingID)), nil
}
