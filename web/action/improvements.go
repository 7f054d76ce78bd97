package action

import (
	"context"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/metrics"
	"github.com/parley-talks/parley/negotiation"
)

// MaxImprovements bounds the improvements listed for one package.
const MaxImprovements = 20

// Improvements lists, for the mediators only, the packages that are better
// than a proposal's for at least one party and worse for none — the Pareto
// frontier above its utility vector, under every party's red lines — with
// the gains split as evenly as the space allows first.

// Improvements are the packages above a proposal's.
type Improvements struct {
	Base         []parley.PartyUtility `json:"base"` // the proposal's package
	Improvements []Improvement         `json:"improvements"`
}

// Improvement is one package above the base.
type Improvement struct {
	Package   []parley.Choice       `json:"package"`
	Utilities []parley.PartyUtility `json:"utilities"`
	Gains     []parley.PartyUtility `json:"gains"`
	MinGain   float64               `json:"min_gain"`
}

// ImproveProposal lists the improvements of a proposal's package (the
// mediators only; ENOTFOUND for anyone else).
func (a *Actions) ImproveProposal(ctx context.Context, id int64) (*Improvements, error) {
	p, err := a.Store.FindProposalByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := requireMediator(ctx, p.TrackID); err != nil {
		return nil, parley.Errorf(parley.ENOTFOUND, "", "improvements of proposal %d not found", id)
	}
	sc, parties, err := a.TrackScenario(ctx, p.TrackID)
	if err != nil {
		return nil, err
	}
	if len(parties) < 2 {
		return nil, parley.Errorf(parley.ECONFLICT, "", "improvements need the profiles of at least two parties; track %d has %d", p.TrackID, len(parties))
	}
	prob, err := sc.Compile()
	if err != nil {
		// Compile's messages name fields, never sealed values.
		return nil, parley.Errorf(parley.ECONFLICT, "", "the profiles do not fit the track's themes: %v", err)
	}
	base, err := packageOutcome(prob, p.Package)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	f, err := prob.FrontierContext(ctx, a.analysisBudget())
	a.observeAnalysis(metrics.AnalysisImprovements, start, err == nil && frontierExact(f), err)
	if err != nil {
		return nil, err
	}
	out := Improvements{Improvements: []Improvement{}}
	bu := make([]float64, len(prob.Parties))
	for k, pa := range prob.Parties {
		bu[k] = pa.Utility.Utility(base)
	}
	out.Base = perParty(parties, bu)
	ims, err := f.Improvements(bu)
	if err != nil {
		return nil, err
	}
	for _, im := range ims[:min(len(ims), MaxImprovements)] {
		o := f.Outcome(im.Point)
		pkg := make([]parley.Choice, len(o))
		for i, x := range o {
			pkg[i] = parley.Choice{Theme: prob.Issues[i].Name, Option: prob.Issues[i].Options[x]}
		}
		out.Improvements = append(out.Improvements, Improvement{Package: pkg, Utilities: perParty(parties, im.Utility),
			Gains: perParty(parties, im.Gains), MinGain: im.MinGain})
	}
	return &out, nil
}

// packageOutcome turns a full package into the problem's outcome; a partial
// package has no utility vector to improve on.
func packageOutcome(prob *negotiation.Problem, pkg []parley.Choice) (negotiation.Outcome, error) {
	o := make(negotiation.Outcome, len(prob.Issues))
	for i, is := range prob.Issues {
		o[i] = -1
		for _, c := range pkg {
			if c.Theme != is.Name {
				continue
			}
			for x, label := range is.Options {
				if label == c.Option {
					o[i] = x
				}
			}
		}
		if o[i] < 0 {
			return nil, parley.Errorf(parley.ECONFLICT, "", "improvements need a full package; the proposal leaves theme %q open", is.Name)
		}
	}
	return o, nil
}

func perParty(parties []TrackParty, us []float64) []parley.PartyUtility {
	out := make([]parley.PartyUtility, len(parties))
	for k, p := range parties {
		out[k] = parley.PartyUtility{PartyID: p.ID, Utility: us[k]}
	}
	return out
}
