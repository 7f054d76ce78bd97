package desk

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/route"
)

// The children's page of a track: counts per stage for everyone who sees
// the track, each case's details for its audience (and, once located, for
// the verifiers), for the mediators the forms that open a case and record
// a case's next stage, and for the verifiers the form that records
// "verified", which is their act alone. The advance
// form offers only the next stage, so a skipped stage cannot be asked
// for; a back-dated one is the store's to refuse, beside the form.

type childrenPage struct {
	pageBase
	Track     *parley.Track
	Stages    []stageCount
	Cases     []childRow // those the caller reads
	Mediator  bool
	Verifier  bool             // the track's verifiers record "verified"
	Audiences []audienceChoice // the open form's audiences: never plenary
}

// childRow is a case as the page shows it, with the stage that may follow.
type childRow struct {
	*parley.ChildCase
	Since string            // the date of the last step
	Next  parley.ChildStage // "" once the child is reunited
	// CanAdvance: the caller records Next (verified is the verifiers'
	// act, every other stage the mediators').
	CanAdvance bool
}

func (d *Desk) showChildren(w http.ResponseWriter, r *http.Request) error {
	return d.renderChildren(w, r, nil, 0)
}

// renderChildren renders the children's page of the track in the path;
// ref and status report a refused form.
func (d *Desk) renderChildren(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	return d.renderChildrenOf(w, r, id, ref, status)
}

// renderChildrenOfCase renders the children's page of the track of the
// case in the path: the page its advance form is on.
func (d *Desk) renderChildrenOfCase(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := d.store.FindChildCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	return d.renderChildrenOf(w, r, c.TrackID, ref, status)
}

func (d *Desk) renderChildrenOf(w http.ResponseWriter, r *http.Request, id int64, ref *Refusal, status int) error {
	ctx := r.Context()
	t, err := d.store.FindTrackByID(ctx, id)
	if err != nil {
		return err
	}
	counts, err := d.store.ChildStageCounts(ctx, id)
	if err != nil {
		return err
	}
	cases, err := d.store.FindChildCases(ctx, id)
	if err != nil {
		return err
	}
	acc := accessTo(ctx, id)
	data := &childrenPage{pageBase: newBase(r, i18n.M("Children's return — {track}", "track", t.Title)), Track: t, Mediator: acc.Mediator(), Verifier: acc.Verifier()}
	data.Refusal, data.Status = ref, status
	for _, st := range parley.ChildStages {
		data.Stages = append(data.Stages, stageCount{st, counts[st]})
	}
	for _, cc := range cases {
		row := childRow{ChildCase: cc, Since: lastStep(cc).Date, Next: nextStage(cc)}
		row.CanAdvance = row.Next != "" && parley.CallerFromContext(ctx).CanAdvanceChildCase(id, row.Next)
		data.Cases = append(data.Cases, row)
	}
	if data.Mediator {
		names, err := d.actions.PartyNames(ctx)
		if err != nil {
			return err
		}
		for _, a := range audiences(data.p, nil, principals(t, names), names) {
			if a.Value != parley.AudiencePlenary {
				data.Audiences = append(data.Audiences, a)
			}
		}
	}
	return d.render(w, "children", data)
}

// lastStep is a case's latest step; the zero step for a case without one.
func lastStep(c *parley.ChildCase) parley.ChildStep {
	if len(c.History) == 0 {
		return parley.ChildStep{}
	}
	return c.History[len(c.History)-1]
}

// nextStage is the stage that may follow the case's, "" for a closed case.
func nextStage(c *parley.ChildCase) parley.ChildStage {
	i := slices.Index(parley.ChildStages, c.Stage)
	if i < 0 || i+1 == len(parley.ChildStages) {
		return ""
	}
	return parley.ChildStages[i+1]
}

func (d *Desk) openChildCase(r *http.Request, id int64, in *action.ChildCaseInput) (string, error) {
	if _, err := d.actions.OpenChildCase(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d/children", id), "opened"), nil
}

func (d *Desk) advanceChildCase(r *http.Request, id int64, in *parley.ChildStep) (string, error) {
	c, err := d.actions.AdvanceChildCase(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d/children", c.TrackID), "advanced"), nil
}
