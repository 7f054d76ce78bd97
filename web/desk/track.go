package desk

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/route"
)

// A track's page: its timeline of transitions, meetings and events, its
// members, its themes and options, links to the profiles the caller may
// read, its agreements, and for mediators the forms that change the track.

type trackPage struct {
	pageBase
	Summary   *trackSummary
	Timeline  []*parley.TimelineEntry // a page, newest first
	Older     string                  // the cursor of the next, older page; "" at the first entry
	Members   []memberRow
	Themes    []*parley.Theme
	Venues    map[int64]string
	Parties   map[int64]string
	Profiles  []profileLink
	Ballots   []*parley.Ballot // those put to the caller's party (all, for mediators)
	Texts     []*parley.NegotiatingText
	Exchanges []*parley.Exchange // prisoner exchanges (exchange.go)
	Mediator  bool
	// SecondFactor is, for administrators, whether the track requires a
	// second factor of its members (nil for anyone else).
	SecondFactor *action.RequirementInput
	Collapsed    bool            // a collapsed track offers no form that would change it
	Next         []parley.Status // the statuses the track may move to
	Events       []*parley.Event // events linked to the track, for the transition form
	TrackVenues  []*parley.Venue
	Audiences    []audienceChoice // for the new text form
	Formats      []parley.MeetingFormat

	// Agreements (agreement.go).
	Agreements   []agreementRow
	Adoptable    []adoptableVersion // frozen agreed versions, for the mediators' form
	TrackParties []profileLink      // the track's parties, for the signatories
	Today        string
}

type memberRow struct {
	Name  string
	Role  parley.MemberRole
	Party string
}

type profileLink struct {
	PartyID int64
	Party   string
}

func (d *Desk) showTrack(w http.ResponseWriter, r *http.Request) error {
	return d.renderTrack(w, r, nil, 0)
}

// renderTrack renders the page of the track in the path; ref and status
// report a refused form.
func (d *Desk) renderTrack(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	summaries, err := d.store.TrackSummaries(ctx, id)
	if err != nil {
		return err
	}
	t := summaries[0].Track
	page, err := route.QueryTimelinePage(r)
	if err != nil {
		return err
	}
	page.Newest = true
	timeline, err := d.store.Timeline(ctx, id, page)
	if err != nil {
		return err
	}
	names, err := d.actions.PartyNames(ctx)
	if err != nil {
		return err
	}
	themes, err := d.store.FindThemes(ctx, id)
	if err != nil {
		return err
	}
	members, err := d.store.FindMembers(ctx, id)
	if err != nil {
		return err
	}
	acc := accessTo(ctx, id)
	data := &trackPage{pageBase: newBase(r, i18n.M("{title}", "title", t.Title)), Summary: summarize(summaries[0], names, parley.Now()),
		Themes: action.SortedThemes(themes), Parties: names, Venues: map[int64]string{}, Mediator: acc.Mediator(),
		Formats: []parley.MeetingFormat{parley.FormatPlenary, parley.FormatCaucus, parley.FormatShuttle}}
	data.Refusal, data.Status = ref, status
	data.Timeline, data.Older = timeline.Entries, timeline.Next
	data.Collapsed = t.Status == parley.StatusCollapsed
	people, err := d.people(ctx, id)
	if err != nil {
		return err
	}
	for _, m := range members {
		row := memberRow{Role: m.Role, Name: people[m.UserID]}
		if m.PartyID != nil {
			row.Party = names[*m.PartyID]
		}
		data.Members = append(data.Members, row)
	}
	if _, ok := d.store.(parley.ProfileService); ok {
		for _, p := range t.Parties {
			if p.Role == parley.RolePrincipal && acc.ReadsProfile(p.PartyID) {
				data.Profiles = append(data.Profiles, profileLink{PartyID: p.PartyID, Party: names[p.PartyID]})
			}
		}
	}
	if parley.CallerFromContext(ctx).IsAdmin() {
		required, err := d.actions.TrackRequiresSecondFactor(ctx, id)
		if err != nil {
			return err
		}
		data.SecondFactor = &action.RequirementInput{Required: required}
	}
	if data.Ballots, err = d.store.FindBallots(ctx, id); err != nil {
		return err
	}
	if data.Exchanges, err = d.store.FindExchanges(ctx, id); err != nil {
		return err
	}
	if data.Texts, err = d.store.FindTexts(ctx, id); err != nil {
		return err
	}
	for _, e := range data.Timeline {
		if e.Kind == parley.TimelineMeeting && e.Meeting.VenueID != nil {
			data.Venues[*e.Meeting.VenueID] = ""
		}
	}
	if data.Mediator {
		for _, to := range parley.Statuses {
			if t.Status.CanTransition(to) {
				data.Next = append(data.Next, to)
			}
		}
		events, _, err := d.store.FindEvents(ctx, parley.EventFilter{TrackID: id, Page: parley.Page{Limit: parley.MaxLimit}})
		if err != nil {
			return err
		}
		slices.Reverse(events)
		data.Events = events
		data.Audiences = audiences(data.p, nil, principals(t, names), names)
		for _, vid := range t.VenueIDs {
			data.Venues[vid] = ""
		}
	}
	for vid := range data.Venues {
		v, err := d.store.FindVenueByID(ctx, vid)
		if err != nil {
			return err
		}
		data.Venues[vid] = v.Name
		if slices.Contains(t.VenueIDs, vid) && data.Mediator {
			data.TrackVenues = append(data.TrackVenues, v)
		}
	}
	slices.SortFunc(data.TrackVenues, func(a, b *parley.Venue) int { return int(a.ID - b.ID) })
	if err := d.trackAgreementsSection(ctx, data, t, names); err != nil {
		return err
	}
	return d.render(w, "track", data)
}

// The mediators' forms of a track's page.

func (d *Desk) transition(r *http.Request, id int64, in *parley.TransitionRequest) (string, error) {
	if _, err := d.actions.TransitionTrack(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d", id), "transition"), nil
}

func (d *Desk) addMeeting(r *http.Request, id int64, in *action.MeetingInput) (string, error) {
	in.TrackID = id
	if _, err := d.actions.CreateMeeting(r.Context(), *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d", id), "meeting"), nil
}

func (d *Desk) addEvent(r *http.Request, id int64, in *action.EventInput) (string, error) {
	in.TrackIDs = []int64{id}
	if _, err := d.actions.CreateEvent(r.Context(), *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d", id), "event"), nil
}

func (d *Desk) startText(r *http.Request, id int64, in *action.TextInput) (string, error) {
	t, err := d.actions.StartText(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/texts/%d", t.ID), "text"), nil
}

func (d *Desk) enterAgreement(r *http.Request, id int64, in *action.AgreementInput) (string, error) {
	a, err := d.actions.EnterAgreement(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/agreements/%d", a.ID), "agreement"), nil
}

// trackAgreementsSection fills the agreements section of a track's page.
func (d *Desk) trackAgreementsSection(ctx context.Context, data *trackPage, t *parley.Track, names map[int64]string) error {
	var err error
	if data.Agreements, err = d.trackAgreements(ctx, t.ID); err != nil {
		return err
	}
	if !data.Mediator {
		return nil
	}
	if data.Adoptable, err = d.adoptableVersions(ctx, t.ID); err != nil {
		return err
	}
	for _, p := range t.Parties {
		if p.Role == parley.RolePrincipal || p.Role == parley.RoleGuarantor || p.Role == parley.RoleMediator {
			if !slices.ContainsFunc(data.TrackParties, func(l profileLink) bool { return l.PartyID == p.PartyID }) {
				data.TrackParties = append(data.TrackParties, profileLink{PartyID: p.PartyID, Party: names[p.PartyID]})
			}
		}
	}
	data.Today = parley.Now().UTC().Format("2006-01-02")
	return nil
}

// requireSecondFactor sets whether the track requires a second factor of
// its members (administrators).
func (d *Desk) requireSecondFactor(r *http.Request, id int64, in *action.RequirementInput) (string, error) {
	if _, err := d.actions.RequireSecondFactor(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d", id), "saved", "second-factor"), nil
}
