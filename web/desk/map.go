package desk

import (
	"net/http"
	"strconv"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
)

// The map: every track the caller may see, with its status, hosts and
// mediators, last and next meeting, latest outside event and a strip of
// its status history.

type mapPage struct {
	pageBase
	Tracks []*trackSummary
	// Implementation is the block of deadlines and early warnings
	// (map_agreements.go); nil when there is none.
	Implementation *implementationBlock
	// Links are the links between the tracks: drawn, listed with their
	// histories, and the forms that change them (map_links.go, links.go);
	// nil when there is none the caller sees and it may make none.
	Links *linkSection
}

type trackSummary struct {
	Track         *parley.Track
	Hosts         []string
	Mediators     []string
	Principals    []string
	LastMeeting   *parley.Meeting
	NextMeeting   *parley.Meeting
	LastEvent     *parley.Event
	Since         time.Time // when the current status began
	Strip         []stripSegment
	Humanitarian  *humanitarianRow // counts only; nil if the track has no exchange or case
	Links         []trackLink      // the track's active links the caller sees
	JointAnalysis bool             // the caller mediates every track linked to it
}

// trackLink is one of a track's links on its card: its kind and the track
// at the other end.
type trackLink struct {
	Kind  parley.LinkKind
	Other *parley.Track
}

// humanitarianRow is a track's humanitarian tallies on the map: counts, no
// names, for whoever sees the track.
type humanitarianRow struct {
	*parley.HumanitarianTally
	Stages []stageCount // every stage in order, with its count
}

type stageCount struct {
	Stage parley.ChildStage
	N     int
}

func newHumanitarianRow(t *parley.HumanitarianTally) *humanitarianRow {
	if t == nil {
		return nil
	}
	row := &humanitarianRow{HumanitarianTally: t}
	for _, st := range parley.ChildStages {
		row.Stages = append(row.Stages, stageCount{st, t.Children[st]})
	}
	return row
}

// stripSegment is one status of a track's history on the strip: x and
// width in the strip's 0–300 coordinates.
type stripSegment struct {
	Status   parley.Status
	From, To time.Time
	X, W     string
}

const stripWidth = 300.0

func (d *Desk) showMap(w http.ResponseWriter, r *http.Request) error {
	return d.renderMap(w, r, nil, 0)
}

// renderMap writes the map, with a refused form of its links shown again.
func (d *Desk) renderMap(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	ctx := r.Context()
	summaries, err := d.store.TrackSummaries(ctx, 0)
	if err != nil {
		return err
	}
	names, err := d.actions.PartyNames(ctx)
	if err != nil {
		return err
	}
	tallies, err := d.store.HumanitarianTallies(ctx)
	if err != nil {
		return err
	}
	now := parley.Now()
	data := &mapPage{pageBase: newBase(r, i18n.M("Map of the talks"))}
	data.Refusal, data.Status = ref, status
	tracks := make([]*parley.Track, len(summaries))
	for i, s := range summaries {
		ts := summarize(s, names, now)
		ts.Humanitarian = newHumanitarianRow(tallies[s.Track.ID])
		data.Tracks, tracks[i] = append(data.Tracks, ts), s.Track
	}
	if data.Implementation, err = d.implementationOnMap(ctx, tracks, now); err != nil {
		return err
	}
	links, err := d.store.FindLinks(ctx, 0)
	if err != nil {
		return err
	}
	if data.Links, err = d.linkSection(ctx, &data.pageBase, tracks, links); err != nil {
		return err
	}
	byID := map[int64]*parley.Track{}
	for _, t := range tracks {
		byID[t.ID] = t
	}
	c := parley.CallerFromContext(ctx)
	for _, ts := range data.Tracks {
		for _, l := range links {
			if l.Status != parley.LinkActive || (l.TrackA != ts.Track.ID && l.TrackB != ts.Track.ID) || byID[l.Other(ts.Track.ID)] == nil {
				continue
			}
			ts.Links = append(ts.Links, trackLink{Kind: l.Kind, Other: byID[l.Other(ts.Track.ID)]})
		}
		ts.JointAnalysis = len(ts.Links) > 0 && mediatesAll(c, parley.LinkedTracks(ts.Track.ID, links))
	}
	return d.render(w, "map", data)
}

// summarize builds a track's row of the map from the store's summary.
func summarize(s *parley.TrackSummary, names map[int64]string, now time.Time) *trackSummary {
	t := s.Track
	ts := &trackSummary{Track: t, LastMeeting: s.LastMeeting, NextMeeting: s.NextMeeting, LastEvent: s.LastEvent}
	for _, p := range t.Parties {
		switch p.Role {
		case parley.RoleHost:
			ts.Hosts = append(ts.Hosts, names[p.PartyID])
		case parley.RoleMediator:
			ts.Mediators = append(ts.Mediators, names[p.PartyID])
		case parley.RolePrincipal:
			ts.Principals = append(ts.Principals, names[p.PartyID])
		}
	}
	ts.Strip = strip(s.Transitions, now)
	if n := len(s.Transitions); n > 0 {
		ts.Since = s.Transitions[n-1].At
	}
	return ts
}

// strip lays a status history out along the strip, from the first
// transition to now.
func strip(ts []*parley.Transition, now time.Time) []stripSegment {
	if len(ts) == 0 {
		return nil
	}
	start := ts[0].At
	end := now
	if !end.After(start) {
		end = start.Add(time.Hour)
	}
	span := float64(end.Sub(start))
	var out []stripSegment
	for i, t := range ts {
		to := end
		if i+1 < len(ts) {
			to = ts[i+1].At
		}
		x := float64(t.At.Sub(start)) / span * stripWidth
		w := max(float64(to.Sub(t.At))/span*stripWidth, 2)
		out = append(out, stripSegment{Status: t.To, From: t.At, To: to,
			X: strconv.FormatFloat(x, 'f', 1, 64), W: strconv.FormatFloat(w, 'f', 1, 64)})
	}
	return out
}

// mediatesAll reports whether the caller mediates every one of the tracks.
func mediatesAll(c *parley.Caller, tracks []int64) bool {
	for _, t := range tracks {
		if !c.IsMediator(t) {
			return false
		}
	}
	return true
}
