package web

import (
	"net/http"
	"reflect"

	"github.com/parley-talks/parley"
)

// Sealed meeting notes (minutes and caucus notes). The route policies let
// the track's members list a meeting's notes and its mediators write them;
// the store applies the audience check to each note, so a note the caller
// may not read is absent from the list and 404 by id.

// noteInput is the body of a new note.
type noteInput struct {
	Kind     parley.NoteKind `json:"kind"`
	Audience parley.Audience `json:"audience"`
	Text     string          `json:"text"`
}

func (s *Server) noteRoutes() []route {
	const ok, created = http.StatusOK, http.StatusCreated
	return []route{
		{method: "GET", pattern: "/api/v1/meetings/{id}/notes", policy: PolicyTrackReader, scope: scopeMeeting, id: "listNotes", summary: "A meeting's minutes and caucus notes that the caller may read",
			handle: s.listNotes, query: pageParams, status: ok, resp: reflect.TypeFor[List[*parley.MeetingNote]]()},
		{method: "POST", pattern: "/api/v1/meetings/{id}/notes", policy: PolicyTrackEditor, scope: scopeMeeting, id: "createNote", summary: "Add sealed minutes or a caucus note with its audience",
			handle: s.createNote, body: reflect.TypeFor[noteInput](), status: created, resp: reflect.TypeFor[parley.MeetingNote]()},
		{method: "GET", pattern: "/api/v1/notes/{id}", policy: PolicySignedIn, id: "getNote", summary: "A note, if its audience includes the caller",
			handle: s.getNote, status: ok, resp: reflect.TypeFor[parley.MeetingNote]()},
	}
}

func (s *Server) listNotes(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.FindNotes)
}

func (s *Server) createNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in noteInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	n := &parley.MeetingNote{MeetingID: id, Kind: in.Kind, Audience: in.Audience, Text: in.Text}
	if err := s.store.CreateNote(r.Context(), n); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/notes", n.ID, n)
}

func (s *Server) getNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := s.store.FindNoteByID(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, n)
}
