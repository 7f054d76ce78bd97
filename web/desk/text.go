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
	Changes  []changeView
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
			changes, err := parley.DiffVersions(versions[from], versions[i])
			if err != nil {
				return err
			}
			data.Changes = changeViews(data.p, changes)
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

// changeView is one changed clause as the page shows it: where it was and
// is, its status and its brackets before and after, and its wording with
// the words removed and added marked.
type changeView struct {
	Kind     string
	From, To *int
	Status   string // "bracketed → agreed", "" if unchanged
	Brackets string // the alternatives before and after, "" if unchanged
	Wording  []diffPart
}

// changeViews are the changed clauses of a diff (the unchanged left out).
func changeViews(p *i18n.Printer, changes []parley.ClauseChange) []changeView {
	var out []changeView
	for _, c := range changes {
		if c.Kind == "unchanged" {
			continue
		}
		v := changeView{Kind: c.Kind, From: c.From, To: c.To}
		var before, after string
		var alts [2]int
		if c.Before != nil {
			before, alts[0] = clauseText(*c.Before), len(c.Before.Alternatives)
		}
		if c.After != nil {
			after, alts[1] = clauseText(*c.After), len(c.After.Alternatives)
		}
		if c.Before != nil && c.After != nil && c.Before.Status != c.After.Status {
			v.Status = p.Word(i18n.ClauseStatus, string(c.Before.Status)) + " → " + p.Word(i18n.ClauseStatus, string(c.After.Status))
		}
		if alts[0] != alts[1] {
			v.Brackets = bracketWords(p, alts[0]) + " → " + bracketWords(p, alts[1])
		}
		v.Wording = wordDiff(before, after)
		out = append(out, v)
	}
	return out
}

// bracketWords says how many bracketed alternatives a clause has.
func bracketWords(p *i18n.Printer, n int) string {
	if n == 0 {
		return p.T("no brackets")
	}
	return p.N(n, "{n} bracketed alternative", "{n} bracketed alternatives", "n", n)
}
