package parley

import (
	"context"
	"slices"
	"time"
)

// ChildStage is where the return of a deported child stands. The stages
// follow one another in this order; none may be skipped.
type ChildStage string

const (
	ChildIdentified   ChildStage = "identified"
	ChildLocated      ChildStage = "located"
	ChildVerified     ChildStage = "verified"
	ChildReturnAgreed ChildStage = "return agreed"
	ChildReturned     ChildStage = "returned"
	ChildReunited     ChildStage = "reunited"
)

// ChildStages are the stages in order.
var ChildStages = []ChildStage{ChildIdentified, ChildLocated, ChildVerified, ChildReturnAgreed, ChildReturned, ChildReunited}

// ChildCase is the case of one child. The personal data (Child) is sealed to
// the case's Audience and read per CanRead; the stage is map data, so that
// the plenary sees counts per stage without names (ChildStageCounts).
type ChildCase struct {
	ID        int64        `json:"id"`
	TrackID   int64        `json:"track_id"`
	Audience  Audience     `json:"audience"`
	Child     ChildDetails `json:"child"`
	Stage     ChildStage   `json:"stage"`
	History   []ChildStep  `json:"history"` // oldest first; the first is identified
	CreatedAt time.Time    `json:"created_at"`
}

// ChildDetails are the sealed personal data of a case.
type ChildDetails struct {
	Name      string `json:"name"`
	Born      string `json:"born"` // YYYY-MM-DD
	TakenFrom string `json:"taken_from,omitempty"`
	Guardian  string `json:"guardian,omitempty"`
	Notes     string `json:"notes,omitempty"`
}

// ChildStep is one stage reached: its date, who reported it and who
// verified it.
type ChildStep struct {
	Stage    ChildStage `json:"stage"`
	Date     string     `json:"date"` // YYYY-MM-DD
	Source   string     `json:"source"`
	Verifier string     `json:"verifier,omitempty"`
}

// Validate checks a step as of today. Messages name fields, never values.
func (s *ChildStep) Validate(today time.Time) error {
	if !slices.Contains(ChildStages, s.Stage) {
		return Errorf(EINVALID, "stage", "unknown stage %q (want identified, located, verified, return agreed, returned or reunited)", s.Stage)
	}
	d, err := time.Parse(time.DateOnly, s.Date)
	if err != nil {
		return Errorf(EINVALID, "date", "date is not a date (YYYY-MM-DD)")
	}
	if d.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)) {
		return Errorf(EINVALID, "date", "date is in the future")
	}
	if err := checkName("source", s.Source); err != nil {
		return err
	}
	return checkString("verifier", s.Verifier, MaxNameLen)
}

// NextStage checks that step may follow the case's history: the next stage
// in order, on or after the last step's date.
func NextStage(history []ChildStep, step ChildStep) error {
	want := ChildIdentified
	if n := len(history); n > 0 {
		i := slices.Index(ChildStages, history[n-1].Stage)
		if i == len(ChildStages)-1 {
			return Errorf(ECONFLICT, "stage", "the case is closed: the child is reunited")
		}
		want = ChildStages[i+1]
		if step.Date < history[n-1].Date {
			return Errorf(EINVALID, "date", "a stage cannot precede the previous one (%s)", history[n-1].Date)
		}
	}
	if step.Stage != want {
		return Errorf(EINVALID, "stage", "the next stage is %q; stages are not skipped", want)
	}
	return nil
}

// CanReadChildCase is the one rule for reading a child's case: its
// audience (CanRead), and the track's verifiers once the case is located —
// the verifying body sees the cases it must verify, and no case before
// that.
func (c *Caller) CanReadChildCase(cs *ChildCase) bool {
	if c.CanRead(cs.TrackID, cs.Audience) {
		return true
	}
	return cs.Stage != ChildIdentified && c.CanVerify(cs.TrackID)
}

// CanAdvanceChildCase reports whether the caller may record a case's step
// to the stage: "verified" is the act of the track's verifiers alone;
// every other step is the mediators'.
func (c *Caller) CanAdvanceChildCase(trackID int64, to ChildStage) bool {
	if c.IsSystem() {
		return true
	}
	if to == ChildVerified {
		return c.CanVerify(trackID)
	}
	return c.CanEditTrack(trackID)
}

// Validate checks the fields a caller sets on a new case.
func (c *ChildCase) Validate(today time.Time) error {
	if c.TrackID <= 0 {
		return Errorf(EINVALID, "track_id", "track_id must be a positive id")
	}
	if c.Audience == AudiencePlenary {
		return Errorf(EINVALID, "audience", "a child's personal data is never plenary")
	}
	if err := c.Audience.Validate("audience"); err != nil {
		return err
	}
	if err := checkName("child.name", c.Child.Name); err != nil {
		return err
	}
	b, err := time.Parse(time.DateOnly, c.Child.Born)
	if err != nil || b.After(today) {
		return Errorf(EINVALID, "child.born", "child.born must be a date (YYYY-MM-DD) not in the future")
	}
	for _, f := range []struct{ name, v string }{{"child.taken_from", c.Child.TakenFrom}, {"child.guardian", c.Child.Guardian}} {
		if err := checkString(f.name, f.v, MaxNameLen); err != nil {
			return err
		}
	}
	return checkText("child.notes", c.Child.Notes)
}

// ChildStageCounts are the number of a track's cases at each stage: map
// data, without names, for plenary use.
type ChildStageCounts map[ChildStage]int

// ChildService keeps the cases of children's return. Cases are read per
// CanRead with their audience (ENOTFOUND otherwise) and written by the
// track's mediators; counts per stage are read per CanSeeTrack.
type ChildService interface {
	// CreateChildCase opens a case at its first step, identified.
	CreateChildCase(ctx context.Context, c *ChildCase, first ChildStep) error
	FindChildCaseByID(ctx context.Context, id int64) (*ChildCase, error)
	// FindChildCases returns the track's cases the caller may read
	// (CanReadChildCase).
	FindChildCases(ctx context.Context, trackID int64) ([]*ChildCase, error)
	// AdvanceChildCase records the case's next stage, per
	// CanAdvanceChildCase (a verifier's step to verified names the
	// verifier: its name if the step gives none); EINVALID for a skipped
	// stage, ECONFLICT for a closed case.
	AdvanceChildCase(ctx context.Context, id int64, step ChildStep) (*ChildCase, error)
	ChildStageCounts(ctx context.Context, trackID int64) (ChildStageCounts, error)
}
