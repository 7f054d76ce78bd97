package action

import (
	"context"
	"strings"

	"github.com/parley-talks/parley"
)

// Children's return: cases of a track (personal data under the case's
// audience; the store answers only those who read it) and their stages in
// order.

// ChildCaseInput opens a case: the child and its first step.
type ChildCaseInput struct {
	Audience parley.Audience     `json:"audience"`
	Child    parley.ChildDetails `json:"child"`
	First    parley.ChildStep    `json:"first"`
}

// OpenChildCase opens a child's return case at its first stage (mediators).
func (a *Actions) OpenChildCase(ctx context.Context, trackID int64, in ChildCaseInput) (*parley.ChildCase, error) {
	in.Child.Name = strings.TrimSpace(in.Child.Name)
	c := &parley.ChildCase{TrackID: trackID, Audience: in.Audience, Child: in.Child}
	return c, a.Store.CreateChildCase(ctx, c, in.First)
}

// AdvanceChildCase records a case's next stage; no stage is skipped
// (mediators).
func (a *Actions) AdvanceChildCase(ctx context.Context, caseID int64, in parley.ChildStep) (*parley.ChildCase, error) {
	return a.Store.AdvanceChildCase(ctx, caseID, in)
}
