package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
)

// The pages of implementation: a track's agreements (a section of the
// track's page), an agreement's page — its status and history, terms,
// signatories, commitments with their reports and scores, the roll-up of
// implementation and the early warning — and a party's trust record. The
// store applies the audience check: a report's evidence reaches the page
// only for a caller who may read it, and a clause only with its text.

// agreementRow is an agreement in a list: the track's page and the map.
type agreementRow struct {
	A       *parley.Agreement
	Warning *parley.Warning
}

// trackAgreements lists a track's agreements with their early warnings.
func (s *Server) trackAgreements(ctx context.Context, trackID int64) ([]agreementRow, error) {
	list, err := s.store.FindAgreements(ctx, trackID)
	if err != nil {
		return nil, err
	}
	out := make([]agreementRow, 0, len(list))
	for _, a := range list {
		w, err := s.store.AgreementWarning(ctx, a.ID, parley.Now())
		if err != nil {
			return nil, err
		}
		out = append(out, agreementRow{A: a, Warning: w})
	}
	return out, nil
}

// adoptableVersions are the track's frozen, agreed text versions the
// caller reads: those an agreement may be adopted from.
type adoptableVersion struct {
	ID    int64
	Label string
}

func (s *Server) adoptableVersions(ctx context.Context, trackID int64) ([]adoptableVersion, error) {
	texts, err := s.store.FindTexts(ctx, trackID)
	if err != nil {
		return nil, err
	}
	var out []adoptableVersion
	for _, t := range texts {
		vs, err := s.store.FindVersions(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if v.FrozenAt != nil && v.Counts.AllAgree {
				out = append(out, adoptableVersion{ID: v.ID, Label: fmt.Sprintf("%s, version %d", t.Title, v.Number)})
			}
		}
	}
	return out, nil
}

// agreementForm enters an agreement on a track's page: directly, or
// adopted from a frozen agreed version (text_version_id).
type agreementForm struct {
	CSRFToken     string `json:"csrf_token"`
	Title         string `json:"title"`
	TextVersionID string `json:"text_version_id,omitempty"`
	Signatory     string `json:"signatory"` // a party id, repeated
	Effective     string `json:"effective"` // YYYY-MM-DD
	DurationDays  string `json:"duration_days,omitempty"`
	RenewalTerms  string `json:"renewal_terms,omitempty"`
	NoticeDays    string `json:"notice_days,omitempty"`
}

func (s *Server) pageCreateAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	a := &parley.Agreement{TrackID: id, Title: strings.TrimSpace(f.Get("title")), Effective: f.Get("effective"), RenewalTerms: f.Get("renewal_terms")}
	if v := f.Get("text_version_id"); v != "" {
		n, err := formID("text_version_id", v, "choose a version from the list")
		if err != nil {
			return s.formFailed(w, r, id, err)
		}
		a.TextVersionID = &n
	}
	for _, v := range f["signatory"] {
		n, err := formID("signatories", v, "choose the signatories from the list")
		if err != nil {
			return s.formFailed(w, r, id, err)
		}
		a.Signatories = append(a.Signatories, n)
	}
	if a.DurationDays, err = formInt("duration_days", f.Get("duration_days")); err != nil {
		return s.formFailed(w, r, id, err)
	}
	if a.NoticeDays, err = formInt("notice_days", f.Get("notice_days")); err != nil {
		return s.formFailed(w, r, id, err)
	}
	if err := a.Validate(); err != nil {
		return s.formFailed(w, r, id, err)
	}
	if err := s.store.CreateAgreement(r.Context(), a); err != nil {
		return s.formFailed(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/agreements/%d?done=agreement", a.ID), http.StatusSeeOther)
	return nil
}

// formID parses a select's id; msg says what to do instead.
func formID(field, v, msg string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 {
		return 0, parley.Errorf(parley.EINVALID, field, "%s", msg)
	}
	return n, nil
}

// formInt parses an optional whole number field; "" is 0.
func formInt(field, v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, parley.Errorf(parley.EINVALID, field, "%s must be a whole number", field)
	}
	return n, nil
}

// agreementPage is an agreement with everything the caller may read of it.
type agreementPage struct {
	pageBase
	Track       *parley.Track
	A           *parley.Agreement
	Parties     map[int64]string
	History     []historyRow // newest first
	Signatories []profileLink
	Commitments []commitmentRow
	Rollup      []rollupRow // overall first, then per party
	Periods     []string
	Warning     *parley.Warning
	Triggered   map[int64]bool // reports that triggered the warning
	Mediator    bool
	Reporter    bool // mediators and verifiers add reports
	Next        []parley.AgreementStatus
	Events      []*parley.Event
	Track3      []profileLink // the track's parties, for the commitment form
	Audiences   []audienceChoice
	Findings    []parley.Finding
	Reliability []parley.Reliability
	Recurrences []parley.Recurrence
	ScoreNames  [4]string
	Today       string
	FormError   string
	FormName    string            // the form that was refused
	Form        map[string]string // its values, to show again
}

type historyRow struct {
	T     parley.AgreementTransition
	Event string
	Who   string
}

type commitmentRow struct {
	C            *parley.Commitment
	Obligor      string
	Verifier     string
	Clause       string // the linked clause's text, if the caller reads the text
	ClauseSealed bool   // linked to a clause of a text the caller may not read
	Reports      []*parley.Report
	Scores       []scoreCell // the score in force per period of the roll-up
}

type scoreCell struct {
	Period string
	Score  *parley.Score
}

// rollupRow is a line of the implementation table: overall or a party's.
type rollupRow struct {
	Name  string
	Cells []rollupCell // one per period of the page, in order
}

type rollupCell struct {
	Period string
	I      *parley.Implementation // nil: nothing scored in the period
	Width  string                 // the bar's width in the 0–100 viewBox
}

// The forms of the agreement page.
type agreementTransitionForm struct {
	CSRFToken string `json:"csrf_token"`
	To        string `json:"to"`
	Reason    string `json:"reason"`
	EventID   string `json:"event_id,omitempty"`
}

type renewalForm struct {
	CSRFToken string `json:"csrf_token"`
	Date      string `json:"date"`
	Expires   string `json:"expires"`
	Note      string `json:"note,omitempty"`
}

type warningForm struct {
	CSRFToken    string `json:"csrf_token"`
	WindowDays   string `json:"window_days"`
	Violations   string `json:"violations"`
	Unverifiable string `json:"unverifiable"`
	OverdueDays  string `json:"overdue_days"`
}

type commitmentForm struct {
	CSRFToken  string `json:"csrf_token"`
	Obligor    string `json:"obligor"`
	Obligation string `json:"obligation"`
	Due        string `json:"due,omitempty"`
	Recurrence string `json:"recurrence,omitempty"`
	Verifier   string `json:"verifier"`
	Clause     string `json:"clause,omitempty"`
}

type reportForm struct {
	CSRFToken    string `json:"csrf_token"`
	CommitmentID string `json:"commitment_id"`
	Date         string `json:"date"`
	Source       string `json:"source"`
	Reliability  string `json:"reliability"`
	Finding      string `json:"finding"`
	Evidence     string `json:"evidence,omitempty"`
	Audience     string `json:"audience"`
}

type scoreForm struct {
	CSRFToken    string `json:"csrf_token"`
	CommitmentID string `json:"commitment_id"`
	Period       string `json:"period"`
	Value        string `json:"value"`
	Note         string `json:"note,omitempty"`
}

func (s *Server) pageAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderAgreement(w, r, id, "", "", 0)
}

// renderAgreement renders an agreement's page; form, formErr and status
// report a refused form.
func (s *Server) renderAgreement(w http.ResponseWriter, r *http.Request, id int64, form, formErr string, status int) error {
	ctx := r.Context()
	as := s.store
	a, err := as.FindAgreementByID(ctx, id)
	if err != nil {
		return err
	}
	t, err := s.store.FindTrackByID(ctx, a.TrackID)
	if err != nil {
		return err
	}
	names, err := s.partyNames(ctx)
	if err != nil {
		return err
	}
	cs, err := as.FindCommitments(ctx, id)
	if err != nil {
		return err
	}
	rs, err := as.FindReports(ctx, id)
	if err != nil {
		return err
	}
	scores, err := as.FindScores(ctx, id)
	if err != nil {
		return err
	}
	c := parley.CallerFromContext(ctx)
	now := parley.Now()
	data := &agreementPage{pageBase: newBase(r, a.Title), Track: t, A: a, Parties: names,
		Mediator: c.CanEditTrack(a.TrackID), Findings: parley.Findings, Reliability: parley.Reliabilities,
		Recurrences: []parley.Recurrence{parley.RecurDaily, parley.RecurWeekly, parley.RecurMonthly, parley.RecurQuarterly},
		ScoreNames:  parley.ScoreNames, Today: now.UTC().Format("2006-01-02"), FormError: formErr, FormName: form}
	data.Reporter = data.Mediator || c.CanVerify(a.TrackID)
	data.Status = status
	if formErr != "" {
		data.Form = map[string]string{}
		for k := range r.PostForm {
			if k != CSRFFormField {
				data.Form[k] = r.PostForm.Get(k)
			}
		}
	}
	events, _, err := s.store.FindEvents(ctx, parley.EventFilter{TrackID: a.TrackID, Page: parley.Page{Limit: parley.MaxLimit}})
	if err != nil {
		return err
	}
	eventNames := map[int64]string{}
	for _, e := range events {
		eventNames[e.ID] = e.Title
	}
	users := map[int64]string{}
	for i := len(a.History) - 1; i >= 0; i-- {
		h := a.History[i]
		row := historyRow{T: h, Who: "the system"}
		if h.EventID != nil {
			row.Event = eventNames[*h.EventID]
		}
		if h.ActorID != nil {
			row.Who = s.userName(ctx, users, *h.ActorID)
		}
		data.History = append(data.History, row)
	}
	for _, p := range a.Signatories {
		data.Signatories = append(data.Signatories, profileLink{PartyID: p, Party: names[p]})
	}
	for _, p := range t.Parties {
		if !slices.ContainsFunc(data.Track3, func(l profileLink) bool { return l.PartyID == p.PartyID }) {
			data.Track3 = append(data.Track3, profileLink{PartyID: p.PartyID, Party: names[p.PartyID]})
		}
	}
	var clauses []parley.Clause
	clauseSealed := false
	if a.TextVersionID != nil {
		v, err := s.store.FindVersionByID(ctx, *a.TextVersionID)
		switch {
		case err == nil:
			clauses = v.Clauses
		case parley.ErrorCode(err) == parley.ENOTFOUND:
			clauseSealed = true
		default:
			return err
		}
	}
	rollup := parley.RollUp(cs, scores)
	data.Periods = rollupPeriods(rollup)
	for _, cm := range cs {
		row := commitmentRow{C: cm, Obligor: names[cm.Obligor], Verifier: names[cm.Verifier]}
		if cm.Clause > 0 {
			switch {
			case clauseSealed:
				row.ClauseSealed = true
			case cm.Clause <= len(clauses):
				row.Clause = clauseText(clauses[cm.Clause-1])
			}
		}
		for _, rep := range rs {
			if rep.CommitmentID == cm.ID {
				row.Reports = append(row.Reports, rep)
			}
		}
		for _, p := range data.Periods {
			if sc := rollup.Latest[cm.ID][p]; sc != nil {
				row.Scores = append(row.Scores, scoreCell{Period: p, Score: sc})
			}
		}
		data.Commitments = append(data.Commitments, row)
	}
	data.Rollup = append(data.Rollup, rollupLine("All parties", rollup.Overall, data.Periods))
	parties := make([]int64, 0, len(rollup.ByParty))
	for p := range rollup.ByParty {
		parties = append(parties, p)
	}
	slices.SortFunc(parties, func(x, y int64) int { return strings.Compare(names[x], names[y]) })
	for _, p := range parties {
		data.Rollup = append(data.Rollup, rollupLine(names[p], rollup.ByParty[p], data.Periods))
	}
	data.Warning = parley.EarlyWarning(a, cs, rs, now)
	data.Triggered = map[int64]bool{}
	if data.Warning != nil {
		for _, rid := range data.Warning.Reports {
			data.Triggered[rid] = true
		}
	}
	if data.Mediator {
		for _, to := range parley.AgreementStatuses {
			if a.Status.CheckTransition(to) == nil {
				data.Next = append(data.Next, to)
			}
		}
		slices.Reverse(events)
		data.Events = events
	}
	if data.Reporter {
		data.Audiences = audiences(nil, principals(t, names), names)
	}
	return s.render(w, "agreement", data)
}

// userName says who a user is, or "a former member" if the caller may not
// look the user up; names are cached per page.
func (s *Server) userName(ctx context.Context, cache map[int64]string, id int64) string {
	if n, ok := cache[id]; ok {
		return n
	}
	n := "a member"
	if u, err := s.store.FindUserByID(ctx, id); err == nil {
		n = u.Name
	}
	cache[id] = n
	return n
}

// clauseText is a clause in words: its text, or its bracketed
// alternatives.
func clauseText(c parley.Clause) string {
	if len(c.Alternatives) == 0 {
		return c.Text
	}
	alts := make([]string, len(c.Alternatives))
	for i, a := range c.Alternatives {
		alts[i] = "[" + a.Text + "]"
	}
	return strings.Join(alts, " ")
}

// rollupPeriods are the periods of a roll-up, in order.
func rollupPeriods(r *parley.ImplementationRollup) []string {
	out := make([]string, 0, len(r.Overall))
	for _, i := range r.Overall {
		out = append(out, i.Period)
	}
	return out
}

func rollupLine(name string, is []parley.Implementation, periods []string) rollupRow {
	row := rollupRow{Name: name}
	for _, p := range periods {
		cell := rollupCell{Period: p}
		for i := range is {
			if is[i].Period == p {
				cell.I = &is[i]
				cell.Width = strconv.FormatFloat(is[i].Percent, 'f', 1, 64)
			}
		}
		row.Cells = append(row.Cells, cell)
	}
	return row
}

// agreementFailed re-renders the agreement's page with the refusal of the
// named form if the error is the client's (invalid, conflict); otherwise
// it returns it.
func (s *Server) agreementFailed(w http.ResponseWriter, r *http.Request, id int64, form string, err error) error {
	switch parley.ErrorCode(err) {
	case parley.EINVALID, parley.ECONFLICT:
		return s.renderAgreement(w, r, id, form, parley.ErrorMessage(err), statusOf(parley.ErrorCode(err)))
	}
	return err
}

// agreementPost reads the form of a POST to an agreement's page.
func agreementPost(r *http.Request) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	return id, parseForm(r)
}

func (s *Server) pageTransitionAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := agreementPost(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	req := parley.AgreementTransitionRequest{To: parley.AgreementStatus(f.Get("to")), Reason: f.Get("reason")}
	if v := f.Get("event_id"); v != "" {
		n, err := formID("event_id", v, "choose an event from the list")
		if err != nil {
			return s.agreementFailed(w, r, id, "transition", err)
		}
		req.EventID = &n
	}
	if err := req.Validate(); err != nil {
		return s.agreementFailed(w, r, id, "transition", err)
	}
	if _, err := s.store.TransitionAgreement(r.Context(), id, req); err != nil {
		return s.agreementFailed(w, r, id, "transition", err)
	}
	return seeAgreement(w, r, id, "agreement-status")
}

func (s *Server) pageRenewAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := agreementPost(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	rn := &parley.Renewal{Date: f.Get("date"), Expires: f.Get("expires"), Note: f.Get("note")}
	if _, err := s.store.RenewAgreement(r.Context(), id, rn); err != nil {
		return s.agreementFailed(w, r, id, "renew", err)
	}
	return seeAgreement(w, r, id, "renewed")
}

func (s *Server) pageSetWarning(w http.ResponseWriter, r *http.Request) error {
	id, err := agreementPost(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	var th parley.WarningThresholds
	for _, x := range []struct {
		field string
		v     *int
	}{{"window_days", &th.WindowDays}, {"violations", &th.Violations}, {"unverifiable", &th.Unverifiable}, {"overdue_days", &th.OverdueDays}} {
		if *x.v, err = formInt(x.field, f.Get(x.field)); err != nil {
			return s.agreementFailed(w, r, id, "warning", err)
		}
	}
	if err := th.Validate(); err != nil {
		return s.agreementFailed(w, r, id, "warning", err)
	}
	if _, err := s.store.SetWarningThresholds(r.Context(), id, th); err != nil {
		return s.agreementFailed(w, r, id, "warning", err)
	}
	return seeAgreement(w, r, id, "saved")
}

func (s *Server) pageAddCommitment(w http.ResponseWriter, r *http.Request) error {
	id, err := agreementPost(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	c := &parley.Commitment{AgreementID: id, Obligation: f.Get("obligation"), Due: f.Get("due"), Recurrence: parley.Recurrence(f.Get("recurrence"))}
	if c.Obligor, err = formID("obligor", f.Get("obligor"), "choose the obligor from the list"); err != nil {
		return s.agreementFailed(w, r, id, "commitment", err)
	}
	if c.Verifier, err = formID("verifier", f.Get("verifier"), "choose the verifier from the list"); err != nil {
		return s.agreementFailed(w, r, id, "commitment", err)
	}
	if c.Clause, err = formInt("clause", f.Get("clause")); err != nil {
		return s.agreementFailed(w, r, id, "commitment", err)
	}
	if err := c.Validate(); err != nil {
		return s.agreementFailed(w, r, id, "commitment", err)
	}
	if err := s.store.CreateCommitment(r.Context(), c); err != nil {
		return s.agreementFailed(w, r, id, "commitment", err)
	}
	return seeAgreement(w, r, id, "commitment")
}

func (s *Server) pageAddReport(w http.ResponseWriter, r *http.Request) error {
	id, err := agreementPost(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	rep := &parley.Report{AgreementID: id, Date: f.Get("date"), Source: strings.TrimSpace(f.Get("source")),
		Reliability: parley.Reliability(f.Get("reliability")), Finding: parley.Finding(f.Get("finding")),
		Audience: parley.Audience(f.Get("audience")), Evidence: f.Get("evidence")}
	if rep.CommitmentID, err = formID("commitment_id", f.Get("commitment_id"), "choose the commitment from the list"); err != nil {
		return s.agreementFailed(w, r, id, "report", err)
	}
	if err := rep.Validate(parley.Now()); err != nil {
		return s.agreementFailed(w, r, id, "report", err)
	}
	if err := s.store.CreateReport(r.Context(), rep); err != nil {
		return s.agreementFailed(w, r, id, "report", err)
	}
	return seeAgreement(w, r, id, "report")
}

func (s *Server) pageAddScore(w http.ResponseWriter, r *http.Request) error {
	id, err := agreementPost(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	sc := &parley.Score{AgreementID: id, Period: strings.TrimSpace(f.Get("period")), Note: f.Get("note")}
	if sc.CommitmentID, err = formID("commitment_id", f.Get("commitment_id"), "choose the commitment from the list"); err != nil {
		return s.agreementFailed(w, r, id, "score", err)
	}
	if sc.Value, err = formInt("value", f.Get("value")); err != nil {
		return s.agreementFailed(w, r, id, "score", err)
	}
	if err := sc.Validate(); err != nil {
		return s.agreementFailed(w, r, id, "score", err)
	}
	if err := s.store.CreateScore(r.Context(), sc); err != nil {
		return s.agreementFailed(w, r, id, "score", err)
	}
	return seeAgreement(w, r, id, "score")
}

// seeAgreement redirects to the agreement's page with a notice.
func seeAgreement(w http.ResponseWriter, r *http.Request, id int64, done string) error {
	http.Redirect(w, r, fmt.Sprintf("/agreements/%d?done=%s", id, done), http.StatusSeeOther)
	return nil
}

// trustPage is a party's trust record across the agreements the caller
// sees.
type trustPage struct {
	pageBase
	Party  *parley.Party
	Record *parley.TrustRecord
	Bars   []trustBar
}

// trustBar is a quarter of the record as a stacked bar: each segment's
// x and width in the bar's 0–100 viewBox.
type trustBar struct {
	P        parley.TrustPeriod
	Segments []trustSegment
}

type trustSegment struct {
	Class string
	Label string
	N     int
	X, W  string
}

func (s *Server) pageTrust(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	as := s.store
	p, err := s.store.FindPartyByID(ctx, id)
	if err != nil {
		return err
	}
	rec, err := as.TrustRecord(ctx, id)
	if err != nil {
		return err
	}
	data := &trustPage{pageBase: newBase(r, "Trust record of "+p.Name), Party: p, Record: rec}
	for _, q := range rec.Periods {
		data.Bars = append(data.Bars, trustBar{P: q, Segments: trustSegments(q)})
	}
	return s.render(w, "trust", data)
}

// trustSegments lays a quarter's counts out along a bar.
func trustSegments(q parley.TrustPeriod) []trustSegment {
	total := q.Kept + q.Partly + q.Broken + q.Unverifiable
	if total == 0 {
		return nil
	}
	var out []trustSegment
	x := 0.0
	for _, s := range []trustSegment{{Class: "kept", Label: "kept", N: q.Kept}, {Class: "partly", Label: "partly kept", N: q.Partly},
		{Class: "broken", Label: "broken", N: q.Broken}, {Class: "unverifiable", Label: "unverifiable", N: q.Unverifiable}} {
		if s.N == 0 {
			continue
		}
		w := float64(s.N) / float64(total) * 100
		s.X, s.W = strconv.FormatFloat(x, 'f', 1, 64), strconv.FormatFloat(w, 'f', 1, 64)
		x += w
		out = append(out, s)
	}
	return out
}

// agreementPageRoutes are the rows of the route table for the pages of
// implementation. Reads and
// writes of an agreement are checked by the store (PolicySignedIn, like a
// text's page); entering one is the track's mediators'.
func (s *Server) agreementPageRoutes() []route {
	const ok, seeOther = http.StatusOK, http.StatusSeeOther
	const html = "text/html"
	return []route{
		{method: "POST", pattern: "/tracks/{id}/agreements", policy: PolicyTrackEditor, scope: scopeTrack, id: "pageCreateAgreement", summary: "Page form: enter an agreement directly or adopt one from a frozen agreed text version (mediators)",
			handle: s.pageCreateAgreement, body: typeOf[agreementForm](), status: seeOther, media: html},
		{method: "GET", pattern: "/agreements/{id}", policy: PolicySignedIn, id: "pageAgreement", summary: "Page: an agreement's status and history, terms, commitments with their reports (evidence only for its audience), implementation and early warning",
			handle: s.pageAgreement, status: ok, media: html},
		{method: "POST", pattern: "/agreements/{id}/transition", policy: PolicySignedIn, id: "pageTransitionAgreement", summary: "Page form: move an agreement to a new status (mediators)",
			handle: s.pageTransitionAgreement, body: typeOf[agreementTransitionForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/agreements/{id}/renewals", policy: PolicySignedIn, id: "pageRenewAgreement", summary: "Page form: renew an agreement to a later expiry (mediators)",
			handle: s.pageRenewAgreement, body: typeOf[renewalForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/agreements/{id}/warning", policy: PolicySignedIn, id: "pageSetWarning", summary: "Page form: set an agreement's early-warning thresholds (mediators)",
			handle: s.pageSetWarning, body: typeOf[warningForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/agreements/{id}/commitments", policy: PolicySignedIn, id: "pageAddCommitment", summary: "Page form: add a commitment to an agreement (mediators)",
			handle: s.pageAddCommitment, body: typeOf[commitmentForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/agreements/{id}/reports", policy: PolicySignedIn, id: "pageAddReport", summary: "Page form: add a monitoring report on one of the agreement's commitments, its evidence sealed to the chosen audience (mediators, verifiers)",
			handle: s.pageAddReport, body: typeOf[reportForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/agreements/{id}/scores", policy: PolicySignedIn, id: "pageAddScore", summary: "Page form: score a commitment's implementation for a period (mediators)",
			handle: s.pageAddScore, body: typeOf[scoreForm](), status: seeOther, media: html},
		{method: "GET", pattern: "/parties/{id}/trust", policy: PolicySignedIn, id: "pageTrust", summary: "Page: a party's trust record per quarter across the agreements the caller sees",
			handle: s.pageTrust, status: ok, media: html},
	}
}

// trackAgreementsSection fills the agreements section of a track's page.
func (s *Server) trackAgreementsSection(ctx context.Context, data *trackPage, t *parley.Track, names map[int64]string) error {
	var err error
	if data.Agreements, err = s.trackAgreements(ctx, t.ID); err != nil {
		return err
	}
	if !data.Mediator {
		return nil
	}
	if data.Adoptable, err = s.adoptableVersions(ctx, t.ID); err != nil {
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
