package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
)

// The page of a negotiating text: its versions with the counts delegations
// track (clauses, agreed, brackets, options), one version's clauses with
// their brackets and sponsors (the latest unless ?version=N), and what
// changed from the version before (or from ?from=M). For the mediators,
// the forms that write the next version and freeze a draft.

type textPage struct {
	pageBase
	Track     *parley.Track
	Text      *parley.NegotiatingText
	Versions  []*parley.TextVersion
	Version   *parley.TextVersion
	Parties   map[int64]string
	Previous  int
	Changes   []parley.ClauseChange
	Mediator  bool
	Draft     *parley.TextVersion // the latest version, if it is a draft
	Clauses   string              // the version form's textarea
	FormError string
}

// textForm starts a text; versionForm writes the next version (or the
// draft) from the textarea's clauses (clauseform.go).
type textForm struct {
	CSRFToken string `json:"csrf_token"`
	Title     string `json:"title"`
	Audience  string `json:"audience"`
}

type versionForm struct {
	CSRFToken string `json:"csrf_token"`
	Clauses   string `json:"clauses"`
}

func (s *Server) pageText(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderText(w, r, id, "", 0)
}

// renderText renders a text's page; formErr and status report a refused
// form.
func (s *Server) renderText(w http.ResponseWriter, r *http.Request, id int64, formErr string, status int) error {
	ctx := r.Context()
	text, err := s.store.FindTextByID(ctx, id)
	if err != nil {
		return err
	}
	t, err := s.store.FindTrackByID(ctx, text.TrackID)
	if err != nil {
		return err
	}
	versions, err := s.store.FindVersions(ctx, id)
	if err != nil {
		return err
	}
	names, err := s.partyNames(ctx)
	if err != nil {
		return err
	}
	c := parley.CallerFromContext(ctx)
	data := &textPage{pageBase: newBase(r, text.Title), Track: t, Text: text, Versions: versions, Parties: names,
		Mediator: c.CanEditTrack(text.TrackID), FormError: formErr}
	data.Status = status
	version := func(field, v string) (int, error) {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > len(versions) {
			return 0, parley.Errorf(parley.ENOTFOUND, "", "text %d has no version %q (%s)", id, v, field)
		}
		return n - 1, nil
	}
	if len(versions) > 0 {
		last := versions[len(versions)-1]
		if last.FrozenAt == nil {
			data.Draft = last
		}
		data.Clauses = formatClauses(last.Clauses, names)
		i := len(versions) - 1
		if v := r.URL.Query().Get("version"); v != "" {
			if i, err = version("version", v); err != nil {
				return err
			}
		}
		data.Version = versions[i]
		from := i - 1
		if v := r.URL.Query().Get("from"); v != "" {
			if from, err = version("from", v); err != nil {
				return err
			}
		}
		if from >= 0 && from != i {
			data.Previous = versions[from].Number
			if data.Changes, err = parley.DiffVersions(versions[from], versions[i]); err != nil {
				return err
			}
		}
	}
	if formErr != "" {
		data.Clauses = r.PostForm.Get("clauses")
	}
	return s.render(w, "text", data)
}

// textFailed re-renders the text's page with the refusal of a form if the
// error is the client's (invalid, conflict); otherwise it returns it.
func (s *Server) textFailed(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	switch parley.ErrorCode(err) {
	case parley.EINVALID, parley.ECONFLICT:
		return s.renderText(w, r, id, parley.ErrorMessage(err), statusOf(parley.ErrorCode(err)))
	}
	return err
}

func (s *Server) pageStartText(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	text := &parley.NegotiatingText{TrackID: id, Title: strings.TrimSpace(r.PostForm.Get("title")), Audience: parley.Audience(r.PostForm.Get("audience"))}
	if err := text.Validate(); err != nil {
		return s.formFailed(w, r, id, err)
	}
	if err := s.store.CreateText(r.Context(), text); err != nil {
		return s.formFailed(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/texts/%d?done=text", text.ID), http.StatusSeeOther)
	return nil
}

// pageAddVersion writes the textarea's clauses into the text's draft, or
// starts the next version when the latest one is frozen (or there is none).
func (s *Server) pageAddVersion(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	text, err := s.store.FindTextByID(ctx, id)
	if err != nil {
		return err
	}
	if c := parley.CallerFromContext(ctx); !c.CanEditTrack(text.TrackID) {
		return parley.Errorf(parley.EFORBIDDEN, "", "only the track's mediators write its texts")
	}
	t, err := s.store.FindTrackByID(ctx, text.TrackID)
	if err != nil {
		return err
	}
	names, err := s.partyNames(ctx)
	if err != nil {
		return err
	}
	byName := map[string]int64{}
	for _, p := range t.Parties {
		byName[names[p.PartyID]] = p.PartyID
	}
	clauses, err := parseClauses(r.PostForm.Get("clauses"), byName)
	if err != nil {
		return s.textFailed(w, r, id, err)
	}
	versions, err := s.store.FindVersions(ctx, id)
	if err != nil {
		return err
	}
	var v *parley.TextVersion
	if n := len(versions); n > 0 && versions[n-1].FrozenAt == nil {
		v, err = s.store.UpdateVersion(ctx, versions[n-1].ID, clauses)
	} else {
		v, err = s.store.CreateVersion(ctx, id, clauses)
	}
	if err != nil {
		return s.textFailed(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/texts/%d?version=%d&done=version", id, v.Number), http.StatusSeeOther)
	return nil
}

func (s *Server) pageFreezeVersion(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	v, err := s.store.FreezeVersion(r.Context(), id)
	if err != nil {
		if parley.ErrorCode(err) == parley.ECONFLICT {
			if found, ferr := s.store.FindVersionByID(r.Context(), id); ferr == nil {
				return s.textFailed(w, r, found.TextID, err)
			}
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/texts/%d?version=%d&done=frozen", v.TextID, v.Number), http.StatusSeeOther)
	return nil
}
