package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/parley-talks/parley"
)

// The children's page of a track: counts per stage for everyone who sees
// the track, each case's details for its audience and, for the mediators,
// the forms that open a case and record a case's next stage. The advance
// form offers only the next stage, so a skipped stage cannot be asked
// for; a back-dated one is the store's to refuse, beside the form.

type childrenPage struct {
	pageBase
	Track     *parley.Track
	Stages    []stageCount
	Cases     []childRow // those the caller reads
	Mediator  bool
	Audiences []audienceChoice // the open form's audiences: never plenary
	Refusal   *formRefusal
}

// childRow is a case as the page shows it, with the stage that may follow.
type childRow struct {
	*parley.ChildCase
	Since string            // the date of the last step
	Next  parley.ChildStage // "" once the child is reunited
}

// childCaseForm opens a case at its first step.
type childCaseForm struct {
	CSRFToken string `json:"csrf_token"`
	Audience  string `json:"audience"`
	Name      string `json:"name"`
	Born      string `json:"born"` // YYYY-MM-DD
	TakenFrom string `json:"taken_from,omitempty"`
	Guardian  string `json:"guardian,omitempty"`
	Notes     string `json:"notes,omitempty"`
	Date      string `json:"date"` // of the first step, identified
	Source    string `json:"source"`
	Verifier  string `json:"verifier,omitempty"`
}

// childStepForm records a case's next stage.
type childStepForm struct {
	CSRFToken string `json:"csrf_token"`
	Stage     string `json:"stage"` // the next stage, which the form offers alone
	Date      string `json:"date"`
	Source    string `json:"source"`
	Verifier  string `json:"verifier,omitempty"`
}

func (s *Server) pageChildren(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderChildren(w, r, id, nil, 0)
}

// renderChildren renders a track's children's page; refusal and status
// report a refused form.
func (s *Server) renderChildren(w http.ResponseWriter, r *http.Request, id int64, refusal *formRefusal, status int) error {
	ctx := r.Context()
	t, err := s.store.FindTrackByID(ctx, id)
	if err != nil {
		return err
	}
	counts, err := s.store.ChildStageCounts(ctx, id)
	if err != nil {
		return err
	}
	cases, err := s.store.FindChildCases(ctx, id)
	if err != nil {
		return err
	}
	c := parley.CallerFromContext(ctx)
	data := &childrenPage{pageBase: newBase(r, "Children's return — "+t.Title), Track: t, Refusal: refusal,
		Mediator: c.CanEditTrack(id)}
	data.Status = status
	data.Notice = childNotices[r.URL.Query().Get("done")]
	for _, st := range parley.ChildStages {
		data.Stages = append(data.Stages, stageCount{st, counts[st]})
	}
	for _, cc := range cases {
		data.Cases = append(data.Cases, childRow{ChildCase: cc, Since: lastStep(cc).Date, Next: nextStage(cc)})
	}
	if data.Mediator {
		names, err := s.partyNames(ctx)
		if err != nil {
			return err
		}
		for _, a := range audiences(nil, principals(t, names), names) {
			if a.Value != parley.AudiencePlenary {
				data.Audiences = append(data.Audiences, a)
			}
		}
	}
	return s.render(w, "children", data)
}

var childNotices = map[string]string{
	"opened":   "The case is opened.",
	"advanced": "The case's next stage is recorded.",
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

// childFormFailed re-renders the children's page with the store's refusal
// of a form if it is the client's (invalid, conflict), keeping what the
// mediator typed; otherwise it returns the error. Nothing was stored.
func (s *Server) childFormFailed(w http.ResponseWriter, r *http.Request, track int64, form string, err error) error {
	code := parley.ErrorCode(err)
	if code != parley.EINVALID && code != parley.ECONFLICT {
		return err
	}
	refusal := &formRefusal{Form: form, Message: parley.ErrorMessage(err), Values: map[string]string{}}
	for k := range r.PostForm {
		if k != CSRFFormField {
			refusal.Values[k] = r.PostForm.Get(k)
		}
	}
	return s.renderChildren(w, r, track, refusal, statusOf(code))
}

func (s *Server) pageOpenChildCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	c := &parley.ChildCase{TrackID: id, Audience: parley.Audience(f.Get("audience")), Child: parley.ChildDetails{
		Name: strings.TrimSpace(f.Get("name")), Born: f.Get("born"), TakenFrom: f.Get("taken_from"),
		Guardian: f.Get("guardian"), Notes: f.Get("notes")}}
	first := parley.ChildStep{Stage: parley.ChildIdentified, Date: f.Get("date"), Source: f.Get("source"), Verifier: f.Get("verifier")}
	if err := s.store.CreateChildCase(r.Context(), c, first); err != nil {
		return s.childFormFailed(w, r, id, "open", err)
	}
	http.Redirect(w, r, fmt.Sprintf("/tracks/%d/children?done=opened", id), http.StatusSeeOther)
	return nil
}

func (s *Server) pageAdvanceChildCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.store.FindChildCaseByID(ctx, id)
	if err != nil {
		return err
	}
	f := r.PostForm
	step := parley.ChildStep{Stage: parley.ChildStage(f.Get("stage")), Date: f.Get("date"), Source: f.Get("source"), Verifier: f.Get("verifier")}
	if _, err := s.store.AdvanceChildCase(ctx, id, step); err != nil {
		return s.childFormFailed(w, r, c.TrackID, fmt.Sprintf("advance-%d", id), err)
	}
	http.Redirect(w, r, fmt.Sprintf("/tracks/%d/children?done=advanced", c.TrackID), http.StatusSeeOther)
	return nil
}

// Value is what the mediator typed in a field of the refused form, to
// show again; "" for any other form.
func (p *childrenPage) Value(form, field string) string {
	if p.Refusal == nil || p.Refusal.Form != form {
		return ""
	}
	return p.Refusal.Values[field]
}
