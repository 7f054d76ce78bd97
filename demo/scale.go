package demo

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-talks/parley"
)

// The scale data set: years of talks for benchmarks and for operators who
// want to try Parley at size. Scale n loads n×100 tracks, each with two
// principals and a mediator, an agenda of two themes, and its history over
// four years up to now (Scale's sizes). Everything goes through the
// store's API, so each record has its ledger entry and its row MAC;
// meetings go in batches (CreateMeetings) and tracks load Workers at a
// time, so that SQLite's group commit and PostgreSQL's connections share
// the work.

// Scale is the shape of a scale data set.
type Scale struct {
	Tracks          int           // tracks, 100 a unit of scale
	Span            time.Duration // of each track's history, ending now
	Meetings        int           // a track's, the last Future still to come
	Future          int
	Events          int // a track's outside events, spread evenly
	TransitionEvery int // a status change at every TransitionEvery-th event
	ProfileVersions int // a track's, its two parties' in turn
	Workers         int // tracks loaded at once
}

// ScaleOf returns the data set of scale n: n×100 tracks of four years,
// each with 1,000 meetings, 20 events, 4 status changes and 500 profile
// versions.
func ScaleOf(n int) Scale {
	return Scale{Tracks: 100 * n, Span: 4 * 365 * 24 * time.Hour, Meetings: 1000, Future: 10,
		Events: 20, TransitionEvery: 5, ProfileVersions: 500, Workers: 8}
}

// ScaleSummary counts what LoadScale stored.
type ScaleSummary struct {
	Parties, Tracks, Meetings, Events, Transitions, ProfileVersions int
	Took                                                            time.Duration
}

// LoadScale stores the scale data set sc in s beside what it holds (its
// names do not collide with the demo's), reporting progress to progress
// each time a tenth of the tracks is done.
func LoadScale(ctx context.Context, s parley.Store, sc Scale, progress io.Writer) (*ScaleSummary, error) {
	if sc.Tracks < 1 || sc.Meetings < sc.Future || sc.Workers < 1 || sc.TransitionEvery < 1 {
		return nil, fmt.Errorf("demo scale: %+v is no data set", sc)
	}
	start := time.Now()
	mediator := &parley.Party{Name: "Scale mediator", Kind: parley.PartyOrganisation}
	if err := s.CreateParty(ctx, mediator); err != nil {
		return nil, fmt.Errorf("demo scale: %w", err)
	}
	sum := &ScaleSummary{Parties: 1}
	tracks := sc.Tracks
	jobs := make(chan int)
	var done atomic.Int64
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range sc.Workers {
		wg.Go(func() {
			for i := range jobs {
				got, err := sc.loadTrack(ctx, s, i, mediator.ID)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("demo scale: track %d: %w", i+1, err)
				}
				sum.add(got)
				mu.Unlock()
				if d := done.Add(1); progress != nil && d%int64(max(tracks/10, 1)) == 0 {
					fmt.Fprintf(progress, "scale: %d of %d tracks loaded (%v)\n", d, tracks, time.Since(start).Round(time.Second))
				}
			}
		})
	}
	for i := 0; i < tracks; i++ {
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed || ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	sum.Took = time.Since(start)
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return sum, firstErr
}

func (s *ScaleSummary) add(o ScaleSummary) {
	s.Parties += o.Parties
	s.Tracks += o.Tracks
	s.Meetings += o.Meetings
	s.Events += o.Events
	s.Transitions += o.Transitions
	s.ProfileVersions += o.ProfileVersions
}

// scaleThemes is the agenda of every scale track.
var scaleThemes = []struct {
	name    string
	options []string
}{
	{"Ceasefire line", []string{"Current line", "Pre-war line", "Buffer zone"}},
	{"Monitoring", []string{"None", "OSCE", "UN mission"}},
}

// loadTrack stores the i-th scale track with its history and
// returns what it stored.
func (sc Scale) loadTrack(ctx context.Context, s parley.Store, i int, mediator int64) (ScaleSummary, error) {
	var sum ScaleSummary
	a := &parley.Party{Name: fmt.Sprintf("Scale party %d-A", i+1), Kind: parley.PartyState}
	b := &parley.Party{Name: fmt.Sprintf("Scale party %d-B", i+1), Kind: parley.PartyState}
	for _, p := range []*parley.Party{a, b} {
		if err := s.CreateParty(ctx, p); err != nil {
			return sum, err
		}
		sum.Parties++
	}
	now := parley.Now()
	span := sc.Span
	begin := now.Add(-span)
	t := &parley.Track{Title: fmt.Sprintf("Scale track %d", i+1), Mandate: "A track of the scale data set.", Status: parley.StatusActive,
		CreatedAt: begin.Add(-24 * time.Hour),
		Parties: []parley.TrackParty{{PartyID: mediator, Role: parley.RoleMediator},
			{PartyID: a.ID, Role: parley.RolePrincipal}, {PartyID: b.ID, Role: parley.RolePrincipal}}}
	for _, th := range scaleThemes {
		theme := &parley.Theme{Name: th.name}
		for _, o := range th.options {
			theme.Options = append(theme.Options, parley.Option{Label: o})
		}
		t.Themes = append(t.Themes, theme)
	}
	if err := s.CreateTrack(ctx, t); err != nil {
		return sum, err
	}
	sum.Tracks++

	// Events, spread evenly; every TransitionEvery-th moves the track
	// between active and paused.
	status := parley.StatusActive
	for j := range sc.Events {
		at := begin.Add(span * time.Duration(j+1) / time.Duration(sc.Events+1))
		e := &parley.Event{Title: fmt.Sprintf("Scale event %d of track %d", j+1, i+1), OccurredAt: at, TrackIDs: []int64{t.ID}, Source: "scale data set"}
		if err := s.CreateEvent(ctx, e); err != nil {
			return sum, err
		}
		sum.Events++
		if (j+1)%sc.TransitionEvery == 0 {
			to := parley.StatusPaused
			if status == parley.StatusPaused {
				to = parley.StatusActive
			}
			if _, err := s.TransitionTrack(ctx, t.ID, parley.TransitionRequest{To: to, Reason: "scale data set", EventID: &e.ID, At: &at}); err != nil {
				return sum, err
			}
			status = to
			sum.Transitions++
		}
	}

	// Meetings from begin to a little after now, the last few to come.
	step := span / time.Duration(max(sc.Meetings-sc.Future, 1))
	formats := []parley.MeetingFormat{parley.FormatPlenary, parley.FormatCaucus, parley.FormatShuttle}
	ms := make([]*parley.Meeting, sc.Meetings)
	for j := range ms {
		ms[j] = &parley.Meeting{TrackID: t.ID, Title: fmt.Sprintf("Round %d", j+1), Format: formats[j%len(formats)],
			StartsAt: begin.Add(time.Duration(j)*step + step/2),
			Attendees: []parley.Attendee{{PartyID: mediator, Name: "Mediator"},
				{PartyID: a.ID, Name: "Head of delegation"}, {PartyID: b.ID, Name: "Head of delegation"}}}
	}
	if err := s.CreateMeetings(ctx, ms); err != nil {
		return sum, err
	}
	sum.Meetings += len(ms)

	// Profile versions: the parties revise their positions in turn.
	for j := range sc.ProfileVersions {
		party := []int64{a.ID, b.ID}[j%2]
		w := float64(1 + j%7)
		c := parley.ProfileContent{
			Weights: map[string]float64{scaleThemes[0].name: w, scaleThemes[1].name: 8 - w},
			Values: map[string]map[string]float64{
				scaleThemes[0].name: {"Current line": float64(j%3) / 2, "Pre-war line": 1 - float64(j%3)/2, "Buffer zone": 0.5},
				scaleThemes[1].name: {"None": 0, "OSCE": 0.6, "UN mission": 1},
			},
			Reservation: 0.3,
			RedLines:    []parley.RedLine{},
			CoreDemands: []parley.Choice{},
			Notes:       fmt.Sprintf("Revision %d of the position.", j/2+1),
		}
		if err := s.PutProfile(ctx, &parley.Profile{TrackID: t.ID, PartyID: party, Content: c}); err != nil {
			return sum, err
		}
		sum.ProfileVersions++
	}
	return sum, nil
}
