package negotiation

import (
	"context"
	"sync/atomic"
	"time"
)

// stopper tells long loops when to stop: cancelled once ctx is done (the
// caller has gone: return ctx.Err() and nothing else), expired once the
// time budget has passed (finish with what is proved: bounds and labelled
// estimates). Loops poll it every few thousand steps; a poll is one atomic
// load, so an abandoned analysis stops within milliseconds. A nil *stopper
// never stops.
type stopper struct {
	ctx     context.Context
	stopped atomic.Bool // ctx done
	expired atomic.Bool // budget passed
}

// newStopper returns a stopper for ctx and budget (none when ≤ 0) and the
// function that releases its timers.
func newStopper(ctx context.Context, budget time.Duration) (*stopper, func()) {
	st := &stopper{ctx: ctx}
	if ctx.Err() != nil {
		st.stopped.Store(true)
	}
	stopCtx := context.AfterFunc(ctx, func() { st.stopped.Store(true) })
	var timer *time.Timer
	if budget > 0 {
		timer = time.AfterFunc(budget, func() { st.expired.Store(true) })
	}
	return st, func() {
		stopCtx()
		if timer != nil {
			timer.Stop()
		}
	}
}

// done reports whether work should stop, for either reason.
func (s *stopper) done() bool {
	return s != nil && (s.stopped.Load() || s.expired.Load())
}

// cancelled reports whether ctx is done.
func (s *stopper) cancelled() bool { return s != nil && s.stopped.Load() }

// overBudget reports whether the budget has passed.
func (s *stopper) overBudget() bool { return s != nil && s.expired.Load() }

// err returns ctx's error once it is done, else nil.
func (s *stopper) err() error {
	if s == nil || !s.stopped.Load() {
		return nil
	}
	if err := s.ctx.Err(); err != nil {
		return err
	}
	return context.Canceled
}
