package web

import (
	"net/http"
	"strconv"

	"github.com/parley-talks/parley"
)

// The page of a negotiating text: its versions with the counts delegations
// track (clauses, agreed, brackets, options), one version's clauses with
// their brackets and sponsors (the latest unless ?version=N), and what
// changed from the version before.

type textPage struct {
	pageBase
	Track    *parley.Track
	Text     *parley.NegotiatingText
	Versions []*parley.TextVersion
	Version  *parley.TextVersion
	Parties  map[int64]string
	Previous int
	Changes  []parley.ClauseChange
}

func (s *Server) pageText(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
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
	data := &textPage{pageBase: newBase(r, text.Title), Track: t, Text: text, Versions: versions, Parties: names}
	if len(versions) > 0 {
		i := len(versions) - 1
		if v := r.URL.Query().Get("version"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > len(versions) {
				return parley.Errorf(parley.ENOTFOUND, "", "text %d has no version %q", id, v)
			}
			i = n - 1
		}
		data.Version = versions[i]
		if i > 0 {
			data.Previous = versions[i-1].Number
			if data.Changes, err = parley.DiffVersions(versions[i-1], versions[i]); err != nil {
				return err
			}
		}
	}
	return s.render(w, "text", data)
}
