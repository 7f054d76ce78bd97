// Package action holds the use cases of Parley's web surfaces: one method
// of Actions per thing a person does — put a proposal, answer a ballot,
// save a profile, add a meeting — taking the caller's context and one
// typed input. The JSON API (package api) and the desk's pages (package
// desk) are thin adapters over the same methods: the API decodes a JSON
// body into the input, a page decodes its form into the same input (package
// form reads the same json tags), and both hand it here. Nothing in this
// package knows HTTP.
//
// # Who may do what
//
// The store is the one authority on access: every method runs with the
// caller of its context, and the store applies the audience check to every
// record it reads or writes. The route policies (package route) check
// first; this package adds only the rules that are about the use case
// rather than a record — who answers a ballot for which party, which
// tracks an event names — and says them once.
//
// # Errors
//
// Methods return *parley.Error for what the caller can fix (EINVALID with
// the field at fault, ECONFLICT, ENOTFOUND, EFORBIDDEN); their messages
// never quote a sealed value.
package action

import (
	"context"
	"errors"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/metrics"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/password"
)

// Actions are the use cases over one store.
type Actions struct {
	Store parley.Store
	// PasswordParams are the argon2id parameters of the passwords an
	// administrator sets; zero means password.DefaultParams.
	PasswordParams password.Params
	// AnalysisBudget bounds the time of every analysis (and frontier) the
	// server computes; past it the answer is the bounds and labelled
	// estimates (negotiation.AnalyzeOptions.Budget). Zero means
	// negotiation.DefaultBudget; negative means none.
	AnalysisBudget time.Duration
	// PublicOrigin is the origin browsers and calendar programs use
	// (scheme://host[:port]) when it differs from what a request says;
	// "" to take the request's.
	PublicOrigin string
	// Metrics records each analysis's duration by kind and result; nil
	// records nothing.
	Metrics *metrics.Metrics
}

// observeAnalysis records an analysis of kind that began at start and
// ended with err, exact or not.
func (a *Actions) observeAnalysis(kind string, start time.Time, exact bool, err error) {
	result := metrics.AnalysisEstimate
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		result = metrics.AnalysisCanceled
	case err != nil:
		result = metrics.AnalysisFailed
	case exact:
		result = metrics.AnalysisExact
	}
	a.Metrics.ObserveAnalysis(kind, result, time.Since(start))
}

// frontierExact reports whether a frontier is the exact one (no point
// dropped for the budget).
func frontierExact(f *negotiation.Frontier) bool {
	for _, e := range f.Epsilon() {
		if e > 0 {
			return false
		}
	}
	return true
}

// analysisBudget returns the budget in effect.
func (a *Actions) analysisBudget() time.Duration {
	switch {
	case a.AnalysisBudget == 0:
		return negotiation.DefaultBudget
	case a.AnalysisBudget < 0:
		return 0
	}
	return a.AnalysisBudget
}

// New returns the use cases over store.
func New(store parley.Store, params password.Params) *Actions {
	if params == (password.Params{}) {
		params = password.DefaultParams
	}
	return &Actions{Store: store, PasswordParams: params}
}

// profiles returns the store's sealed profiles, or EUNAVAILABLE for a store
// that keeps none.
func (a *Actions) profiles() (parley.ProfileService, error) {
	ps, ok := a.Store.(parley.ProfileService)
	if !ok {
		return nil, parley.Errorf(parley.EUNAVAILABLE, "", "this server keeps no sealed profiles")
	}
	return ps, nil
}

// System returns ctx with parley.System as its caller, for lookups that
// authorisation itself needs (and a caller's own credentials). The actor
// stays, so that a change is still recorded as the user's. It is the web
// layer's one way to act as the system; never a request's own context.
func System(ctx context.Context) context.Context {
	return parley.NewContextWithCaller(ctx, parley.System)
}

// NotFound is the store's answer for a missing record, used word for word
// for a record the caller may not see.
func NotFound(noun string, id int64) error {
	return parley.Errorf(parley.ENOTFOUND, "", "%s %d not found", noun, id)
}

// EventEditor refuses a caller who may not change every one of the tracks
// an event is linked to, or, for an event of no track, is no
// administrator.
func EventEditor(c *parley.Caller, trackIDs []int64) error {
	if len(trackIDs) == 0 {
		if c.IsAdmin() {
			return nil
		}
		return parley.Errorf(parley.EFORBIDDEN, "", "only an administrator may record or change an event of no track")
	}
	for _, t := range trackIDs {
		if !c.CanEditTrack(t) {
			return parley.Errorf(parley.EFORBIDDEN, "track_ids", "only the mediators of every linked track may change an event")
		}
	}
	return nil
}

// checkTracks applies the track editor's rule to tracks named in an input
// (field): a track the caller may not see (or that does not exist) is
// EINVALID on field, as a missing reference is; one it sees but may not
// change is 403.
func (a *Actions) checkTracks(ctx context.Context, field string, trackIDs []int64) error {
	c := parley.CallerFromContext(ctx)
	for _, t := range trackIDs {
		if !c.CanSeeTrack(t) {
			return parley.Errorf(parley.EINVALID, field, "track %d does not exist", t)
		}
	}
	for _, t := range trackIDs {
		if _, err := a.Store.FindTrackByID(System(ctx), t); parley.ErrorCode(err) == parley.ENOTFOUND {
			return parley.Errorf(parley.EINVALID, field, "track %d does not exist", t)
		} else if err != nil {
			return err
		}
	}
	if field == "track_ids" {
		return EventEditor(c, trackIDs)
	}
	for _, t := range trackIDs {
		if !c.CanEditTrack(t) {
			return parley.Errorf(parley.EFORBIDDEN, field, "only the track's mediators may change it")
		}
	}
	return nil
}

// trackInPath turns the store's "track_id names no track" (EINVALID, as for
// a link in a body) into 404 when the track is the resource the use case
// is about.
func trackInPath(err error, id int64) error {
	if parley.ErrorCode(err) == parley.EINVALID && parley.ErrorField(err) == "track_id" {
		return parley.Errorf(parley.ENOTFOUND, "", "track %d does not exist", id)
	}
	return err
}
