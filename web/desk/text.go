package desk

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/export"
	"github.com/parley-talks/parley/web/route"
)

// The page of a negotiating text: its versions with the counts delegations
// track (clauses, agreed, brackets, options), one version's clauses with
// their brackets and sponsors (the latest unless ?version=N), and what
// changed from the version before (or from ?from=M). For the mediators,
// the forms that write the next version and freeze a draft.

type textPage struct {
	pageBase
	Track    *parley.Track
	Text     *parley.NegotiatingText
	Audience string // the text's audience in words
	Versions []*parley.TextVersion
	Version  *parley.TextVersion
	Parties  map[int64]string
	Previous int
	Changes  []parley.ClauseChange
	Mediator bool
	Draft    *parley.TextVersion // the latest version, if it is a draft
	Clauses  string              // the version form's textarea: the latest version's markup
	Joint    *jointTextNote      // nil unless the text is part of a joint text
}

// jointTextNote is what the caller reads of the joint text a text is part
// of: the other parts it reads, their latest clauses, the number of the
// rest, and whether every part is agreed.
type jointTextNote struct {
	Others []jointTextOther
	Hidden int
	Agreed bool
}

type jointTextOther struct {
	Text    *parley.NegotiatingText
	Track   string
	Clauses []parley.Clause
}

func (d *Desk) showText(w http.ResponseWriter, r *http.Request) error {
	return d.renderText(w, r, nil, 0)
}

// renderText renders the page of the text in the path; ref and status
// report a refused form.
func (d *Desk) renderText(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	return d.renderTextOf(w, r, id, ref, status)
}

// renderTextOf renders the page of text id.
func (d *Desk) renderTextOf(w http.ResponseWriter, r *http.Request, id int64, ref *Refusal, status int) error {
	ctx := r.Context()
	text, err := d.store.FindTextByID(ctx, id)
	if err != nil {
		return err
	}
	t, err := d.store.FindTrackByID(ctx, text.TrackID)
	if err != nil {
		return err
	}
	versions, err := d.store.FindVersions(ctx, id)
	if err != nil {
		return err
	}
	names, err := d.actions.PartyNames(ctx)
	if err != nil {
		return err
	}
	data := &textPage{pageBase: newBase(r, i18n.M("{title}", "title", text.Title)), Track: t, Text: text, Versions: versions, Parties: names,
		Mediator: accessTo(ctx, text.TrackID).Mediator()}
	data.Refusal, data.Status = ref, status
	data.Audience = export.Audience(data.p, text.Audience, names)
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
		data.Clauses = action.FormatClauses(last.Clauses, names)
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
	if data.Joint, err = d.jointTextNote(ctx, text); err != nil {
		return err
	}
	return d.render(w, "text", data)
}

// jointTextNote reads the joint text the text is part of, as the caller
// reads it (the store's audience check on every part); nil for none.
func (d *Desk) jointTextNote(ctx context.Context, text *parley.NegotiatingText) (*jointTextNote, error) {
	jt, err := d.store.FindJointText(ctx, text.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	n := &jointTextNote{Hidden: jt.Hidden, Agreed: jt.Agreed}
	for _, part := range jt.Parts {
		if part.Text.ID == text.ID {
			continue
		}
		t, err := d.store.FindTrackByID(ctx, part.Text.TrackID)
		if err != nil {
			return nil, err
		}
		o := jointTextOther{Text: part.Text, Track: t.Title}
		if part.Latest != nil {
			o.Clauses = part.Latest.Clauses
		}
		n.Others = append(n.Others, o)
	}
	return n, nil
}

// renderTextOfVersion renders the page of the text of the version in the path:
// the page its freeze button is on.
func (d *Desk) renderTextOfVersion(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := d.store.FindVersionByID(r.Context(), id)
	if err != nil {
		return err
	}
	return d.renderTextOf(w, r, v.TextID, ref, status)
}

// writeVersion writes the textarea's markup into the text's draft, or
// starts the next version when the latest one is frozen (or there is none).
func (d *Desk) writeVersion(r *http.Request, id int64, in *action.MarkupInput) (string, error) {
	v, err := d.actions.WriteMarkup(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("/texts/%d?version=%d&done=version", id, v.Number), nil
}

func (d *Desk) freeze(r *http.Request, id int64, in *action.VersionUpdate) (string, error) {
	v, err := d.actions.FreezeVersion(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("/texts/%d?version=%d&done=frozen", v.TextID, v.Number), nil
}
