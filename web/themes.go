package web

import (
	"net/http"

	"github.com/parley-talks/parley"
)

// themeInput is the body of POST /api/v1/tracks/{id}/themes. Without a
// position the theme goes to the end of the agenda.
type themeInput struct {
	Name        string        `json:"name"`
	Description string        `json:"description,omitempty"`
	Position    *int          `json:"position,omitempty"`
	Options     []optionInput `json:"options"`
}

// optionInput is one option of a new theme.
type optionInput struct {
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
}

func (s *Server) listThemes(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.FindThemes)
}

func (s *Server) getTheme(w http.ResponseWriter, r *http.Request) error {
	return getOne(w, r, s.store.FindThemeByID)
}

func (s *Server) updateTheme(w http.ResponseWriter, r *http.Request) error {
	return patchOne(w, r, s.store.UpdateTheme)
}

func (s *Server) createTheme(w http.ResponseWriter, r *http.Request) error {
	trackID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in themeInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	t := &parley.Theme{TrackID: trackID, Name: in.Name, Description: in.Description, Options: make([]parley.Option, len(in.Options))}
	for i, o := range in.Options {
		t.Options[i] = parley.Option{Label: o.Label, Description: o.Description}
	}
	if in.Position != nil {
		if *in.Position < 0 {
			return parley.Errorf(parley.EINVALID, "position", "position must not be negative")
		}
		t.Position = *in.Position
	}
	if err := t.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateTheme(r.Context(), t); err != nil {
		return trackInPath(err, trackID)
	}
	return writeCreated(w, "/api/v1/themes", t.ID, t)
}
