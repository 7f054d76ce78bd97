package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-talks/parley"
)

// A track's page: its timeline of transitions, meetings and events, its
// members, its themes and options, links to the profiles the caller may
// read, and for mediators the forms that change the track.

type trackPage struct {
	pageBase
	Summary     *trackSummary
	Timeline    []*parley.TimelineEntry // newest first
	Members     []memberRow
	Themes      []*parley.Theme
	Venues      map[int64]string
	Parties     map[int64]string
	Profiles    []profileLink
	Ballots     []*parley.Ballot // those put to the caller's party (all, for mediators)
	Texts       []*parley.NegotiatingText
	Exchanges   []*parley.Exchange // prisoner exchanges (pages_exchange.go)
	Mediator    bool
	Next        []parley.Status // the statuses the track may move to
	Events      []*parley.Event // events linked to the track, for the transition form
	TrackVenues []*parley.Venue
	Audiences   []audienceChoice // for the new text form
	FormError   string
	Form        map[string]string // the values of a refused form, to show again

	// Agreements (pages_agreements.go).
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

// transitionForm, meetingForm and eventForm are the mediator's forms on a
// track's page.
type transitionForm struct {
	CSRFToken string `json:"csrf_token"`
	To        string `json:"to"`
	Reason    string `json:"reason"`
	EventID   string `json:"event_id,omitempty"`
}

type meetingForm struct {
	CSRFToken string `json:"csrf_token"`
	Title     string `json:"title"`
	Format    string `json:"format"`
	StartsAt  string `json:"starts_at"` // 2006-01-02T15:04, UTC
	EndsAt    string `json:"ends_at,omitempty"`
	VenueID   string `json:"venue_id,omitempty"`
	Outcome   string `json:"outcome,omitempty"`
}

type eventForm struct {
	CSRFToken   string `json:"csrf_token"`
	OccurredAt  string `json:"occurred_at"` // 2006-01-02T15:04, UTC
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Source      string `json:"source,omitempty"`
}

func (s *Server) pageTrack(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderTrack(w, r, id, "", 0)
}

// renderTrack renders a track's page; formErr and status report a refused
// form.
func (s *Server) renderTrack(w http.ResponseWriter, r *http.Request, id int64, formErr string, status int) error {
	ctx := r.Context()
	t, err := s.store.FindTrackByID(ctx, id)
	if err != nil {
		return err
	}
	entries, err := s.store.Timeline(ctx, id)
	if err != nil {
		return err
	}
	names, err := s.partyNames(ctx)
	if err != nil {
		return err
	}
	themes, err := s.store.FindThemes(ctx, id)
	if err != nil {
		return err
	}
	members, err := s.store.FindMembers(ctx, id)
	if err != nil {
		return err
	}
	c := parley.CallerFromContext(ctx)
	data := &trackPage{pageBase: newBase(r, t.Title), Summary: summarize(t, entries, names, parley.Now()),
		Themes: sortedThemes(themes), Parties: names, Venues: map[int64]string{}, FormError: formErr}
	data.Status = status
	if formErr != "" {
		_ = r.ParseForm()
		data.Form = map[string]string{}
		for k := range r.PostForm {
			if k != CSRFFormField {
				data.Form[k] = r.PostForm.Get(k)
			}
		}
	}
	data.Timeline = slices.Clone(entries)
	slices.Reverse(data.Timeline)
	for _, m := range members {
		row := memberRow{Role: m.Role, Name: fmt.Sprintf("Member %d", m.ID)}
		if m.PartyID != nil {
			row.Party = names[*m.PartyID]
		}
		if u, err := s.store.FindUserByID(ctx, m.UserID); err == nil {
			row.Name = u.Name
		}
		data.Members = append(data.Members, row)
	}
	if _, ok := s.store.(parley.ProfileService); ok {
		for _, p := range t.Parties {
			if p.Role == parley.RolePrincipal && (c.CanRead(id, parley.PartyAudience(p.PartyID))) {
				data.Profiles = append(data.Profiles, profileLink{PartyID: p.PartyID, Party: names[p.PartyID]})
			}
		}
	}
	ballots, err := s.store.FindBallots(ctx, id)
	if err != nil {
		return err
	}
	data.Ballots = ballots
	if data.Exchanges, err = s.store.FindExchanges(ctx, id); err != nil {
		return err
	}
	if data.Texts, err = s.store.FindTexts(ctx, id); err != nil {
		return err
	}
	for _, e := range entries {
		if e.Kind == parley.TimelineMeeting && e.Meeting.VenueID != nil {
			data.Venues[*e.Meeting.VenueID] = ""
		}
	}
	data.Mediator = c.CanEditTrack(id)
	if data.Mediator {
		for _, to := range parley.Statuses {
			if t.Status.CanTransition(to) {
				data.Next = append(data.Next, to)
			}
		}
		events, _, err := s.store.FindEvents(ctx, parley.EventFilter{TrackID: id, Page: parley.Page{Limit: parley.MaxLimit}})
		if err != nil {
			return err
		}
		slices.Reverse(events)
		data.Events = events
		data.Audiences = audiences(nil, principals(t, names), names)
		for _, vid := range t.VenueIDs {
			data.Venues[vid] = ""
		}
	}
	for vid := range data.Venues {
		v, err := s.store.FindVenueByID(ctx, vid)
		if err != nil {
			return err
		}
		data.Venues[vid] = v.Name
		if slices.Contains(t.VenueIDs, vid) && data.Mediator {
			data.TrackVenues = append(data.TrackVenues, v)
		}
	}
	slices.SortFunc(data.TrackVenues, func(a, b *parley.Venue) int { return int(a.ID - b.ID) })
	if err := s.trackAgreementsSection(ctx, data, t, names); err != nil {
		return err
	}
	return s.render(w, "track", data)
}

// formFailed re-renders the track's page with the refusal of a form if the
// error is the client's (invalid, conflict); otherwise it returns it.
func (s *Server) formFailed(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	switch parley.ErrorCode(err) {
	case parley.EINVALID, parley.ECONFLICT:
		return s.renderTrack(w, r, id, parley.ErrorMessage(err), statusOf(parley.ErrorCode(err)))
	}
	return err
}

func (s *Server) pageTransition(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	req := parley.TransitionRequest{To: parley.Status(r.PostForm.Get("to")), Reason: r.PostForm.Get("reason")}
	if ev := r.PostForm.Get("event_id"); ev != "" {
		n, err := strconv.ParseInt(ev, 10, 64)
		if err != nil || n <= 0 {
			return s.formFailed(w, r, id, parley.Errorf(parley.EINVALID, "event_id", "choose an event from the list"))
		}
		req.EventID = &n
	}
	if err := req.Validate(); err != nil {
		return s.formFailed(w, r, id, err)
	}
	if _, err := s.store.TransitionTrack(r.Context(), id, req); err != nil {
		return s.formFailed(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/tracks/%d?done=transition", id), http.StatusSeeOther)
	return nil
}

// formTime parses a datetime-local field, read as UTC.
func formTime(field, s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, parley.Errorf(parley.EINVALID, field, "%s must be a date and time like 2024-03-01T09:30 (UTC)", field)
}

func (s *Server) pageAddMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	m := &parley.Meeting{TrackID: id, Title: strings.TrimSpace(f.Get("title")), Format: parley.MeetingFormat(f.Get("format")),
		Outcome: f.Get("outcome"), Attendees: []parley.Attendee{}}
	if m.StartsAt, err = formTime("starts_at", f.Get("starts_at")); err != nil {
		return s.formFailed(w, r, id, err)
	}
	if v := f.Get("ends_at"); v != "" {
		end, err := formTime("ends_at", v)
		if err != nil {
			return s.formFailed(w, r, id, err)
		}
		m.EndsAt = &end
	}
	if v := f.Get("venue_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return s.formFailed(w, r, id, parley.Errorf(parley.EINVALID, "venue_id", "choose a venue from the list"))
		}
		m.VenueID = &n
	}
	if err := m.Validate(); err != nil {
		return s.formFailed(w, r, id, err)
	}
	if err := s.store.CreateMeeting(r.Context(), m); err != nil {
		return s.formFailed(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/tracks/%d?done=meeting", id), http.StatusSeeOther)
	return nil
}

func (s *Server) pageAddEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	e := &parley.Event{Title: strings.TrimSpace(f.Get("title")), Description: f.Get("description"), Source: f.Get("source"), TrackIDs: []int64{id}}
	if e.OccurredAt, err = formTime("occurred_at", f.Get("occurred_at")); err != nil {
		return s.formFailed(w, r, id, err)
	}
	if err := e.Validate(); err != nil {
		return s.formFailed(w, r, id, err)
	}
	if err := s.store.CreateEvent(r.Context(), e); err != nil {
		return s.formFailed(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/tracks/%d?done=event", id), http.StatusSeeOther)
	return nil
}
