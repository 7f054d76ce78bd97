package action

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/metrics"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/sim"
)

// Simulation asks how a track's parties might concede: one strategy per
// party with a profile on the track, a deadline, the protocol and a seed.
type Simulation struct {
	// Strategies name each party's strategy: boulware, linear, conceder,
	// time:E or tit-for-tat. Every party with a profile needs one.
	Strategies []PartyStrategy `json:"strategies"`
	// Steps is the deadline in rounds, 1 to sim.MaxRounds; 0 means 1000.
	Steps int `json:"steps,omitempty"`
	// Protocol is "saop" (stacked alternating offers, the default) or
	// "single-text" (the mediator's single negotiating text).
	Protocol string `json:"protocol,omitempty"`
	// Seed picks among near-equal offers; the same seed, the same run.
	Seed int64 `json:"seed,omitempty"`
}

// PartyStrategy is one party's strategy.
type PartyStrategy struct {
	PartyID  int64  `json:"party_id"`
	Strategy string `json:"strategy"`
}

// DefaultSteps is a simulation's deadline when none is given.
const DefaultSteps = 1000

// SimulationResult is a simulation with what it was run on.
type SimulationResult struct {
	Parties []TrackParty
	Problem *negotiation.Problem
	Config  sim.Config
	Result  *sim.Result
	Trace   *sim.Trace
}

// Simulate runs a simulation of a track's profiles (mediators only:
// ENOTFOUND for anyone else), with w's changes (nil for none). A strategy
// for a party that has no profile on the track, a party left without one,
// an unknown strategy or protocol and a deadline out of range are EINVALID
// naming the field. It runs under ctx and the actions' AnalysisBudget for
// the frontier it draws offers from.
func (a *Actions) Simulate(ctx context.Context, trackID int64, in Simulation, w *WhatIf) (*SimulationResult, error) {
	rs, err := a.SimulateEach(ctx, trackID, []Simulation{in}, w)
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// SimulateEach is Simulate for several simulations of one track, sharing
// the frontier; the first invalid one's error is returned.
func (a *Actions) SimulateEach(ctx context.Context, trackID int64, ins []Simulation, w *WhatIf) ([]*SimulationResult, error) {
	_, parties, p, err := a.trackProblem(ctx, trackID, w)
	if err != nil {
		return nil, err
	}
	cfgs := make([]sim.Config, len(ins))
	for i, in := range ins {
		if cfgs[i], err = simConfig(trackID, parties, in); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	f, err := p.FrontierContext(ctx, a.analysisBudget())
	if err != nil {
		a.observeAnalysis(metrics.AnalysisSimulation, start, false, err)
		return nil, err
	}
	var out []*SimulationResult
	for _, cfg := range cfgs {
		res, err := sim.RunOn(ctx, p, f, cfg)
		if err != nil {
			a.observeAnalysis(metrics.AnalysisSimulation, start, false, err)
			return nil, err
		}
		out = append(out, &SimulationResult{Parties: parties, Problem: p, Config: cfg, Result: res, Trace: res.Trace(p, cfg)})
	}
	a.observeAnalysis(metrics.AnalysisSimulation, start, frontierExact(f), nil)
	return out, nil
}

// simConfig checks in against the track's parties and returns the
// simulation's configuration, strategies in the parties' order.
func simConfig(trackID int64, parties []TrackParty, in Simulation) (sim.Config, error) {
	steps := in.Steps
	if steps == 0 {
		steps = DefaultSteps
	}
	if steps < 1 || steps > sim.MaxRounds {
		return sim.Config{}, parley.Errorf(parley.EINVALID, "steps", "a deadline of %d rounds: must be between 1 and %d", steps, sim.MaxRounds)
	}
	if in.Protocol != "" && in.Protocol != sim.SAOP && in.Protocol != sim.SingleText {
		return sim.Config{}, parley.Errorf(parley.EINVALID, "protocol", "unknown protocol %q (%s or %s)", in.Protocol, sim.SAOP, sim.SingleText)
	}
	byParty := map[int64]string{}
	for i, ps := range in.Strategies {
		field := fmt.Sprintf("strategies[%d]", i)
		if partyIndex(parties, ps.PartyID) < 0 {
			return sim.Config{}, parley.Errorf(parley.EINVALID, field+".party_id", "party %d has no profile on track %d", ps.PartyID, trackID)
		}
		if _, dup := byParty[ps.PartyID]; dup {
			return sim.Config{}, parley.Errorf(parley.EINVALID, field+".party_id", "party %d is given two strategies", ps.PartyID)
		}
		if _, err := sim.ParseStrategy(ps.Strategy); err != nil {
			return sim.Config{}, parley.Errorf(parley.EINVALID, field+".strategy", "%v", err)
		}
		byParty[ps.PartyID] = ps.Strategy
	}
	cfg := sim.Config{Rounds: steps, Protocol: in.Protocol, Seed: uint64(in.Seed)}
	var missing []string
	for _, tp := range parties {
		s, ok := byParty[tp.ID]
		if !ok {
			missing = append(missing, tp.Name)
		}
		cfg.Strategies = append(cfg.Strategies, s)
	}
	if len(missing) > 0 {
		return sim.Config{}, parley.Errorf(parley.EINVALID, "strategies", "no strategy for %s", strings.Join(missing, ", "))
	}
	return cfg, nil
}

// partyIndex returns the index of party id among parties, or −1.
func partyIndex(parties []TrackParty, id int64) int {
	for k, tp := range parties {
		if tp.ID == id {
			return k
		}
	}
	return -1
}
