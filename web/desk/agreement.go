package desk

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/route"
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
func (d *Desk) trackAgreements(ctx context.Context, trackID int64) ([]agreementRow, error) {
	list, err := d.store.FindAgreements(ctx, trackID)
	if err != nil {
		return nil, err
	}
	out := make([]agreementRow, 0, len(list))
	for _, a := range list {
		w, err := d.store.AgreementWarning(ctx, a.ID, parley.Now())
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
	ID     int64
	Title  string // the text's
	Number int
}

func (d *Desk) adoptableVersions(ctx context.Context, trackID int64) ([]adoptableVersion, error) {
	texts, err := d.store.FindTexts(ctx, trackID)
	if err != nil {
		return nil, err
	}
	var out []adoptableVersion
	for _, t := range texts {
		vs, err := d.store.FindVersions(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if v.FrozenAt != nil && v.Counts.AllAgree {
				out = append(out, adoptableVersion{ID: v.ID, Title: t.Title, Number: v.Number})
			}
		}
	}
	return out, nil
}

// agreementPage is an agreement with everything the caller may read of it.
type agreementPage struct {
	pageBase
	Track        *parley.Track
	A            *parley.Agreement
	Parties      map[int64]string
	History      []historyRow // newest first
	Signatories  []profileLink
	Commitments  []commitmentRow
	Rollup       []rollupRow // overall first, then per party
	Periods      []string
	Warning      *parley.Warning
	Triggered    map[int64]bool // reports that triggered the warning
	Mediator     bool
	Reporter     bool // mediators, verifiers and guarantors add reports
	Collapsed    bool // a collapsed agreement offers no form that would change it
	Next         []parley.AgreementStatus
	Events       []*parley.Event
	TrackParties []profileLink // the track's parties, for the commitment form
	Audiences    []audienceChoice
	Findings     []parley.Finding
	Reliability  []parley.Reliability
	Recurrences  []parley.Recurrence
	ScoreNames   [4]string
	Today        string
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

func (d *Desk) showAgreement(w http.ResponseWriter, r *http.Request) error {
	return d.renderAgreement(w, r, nil, 0)
}

// renderAgreement renders the page of the agreement in the path; ref and
// status report a refused form.
func (d *Desk) renderAgreement(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	as := d.store
	a, err := as.FindAgreementByID(ctx, id)
	if err != nil {
		return err
	}
	t, err := d.store.FindTrackByID(ctx, a.TrackID)
	if err != nil {
		return err
	}
	names, err := d.actions.PartyNames(ctx)
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
	acc := accessTo(ctx, a.TrackID)
	now := parley.Now()
	data := &agreementPage{pageBase: newBase(r, i18n.M("{title}", "title", a.Title)), Track: t, A: a, Parties: names,
		Mediator: acc.Mediator(), Findings: parley.Findings, Reliability: parley.Reliabilities,
		Recurrences: []parley.Recurrence{parley.RecurDaily, parley.RecurWeekly, parley.RecurMonthly, parley.RecurQuarterly},
		ScoreNames:  parley.ScoreNames, Today: now.UTC().Format("2006-01-02")}
	data.Reporter = acc.Reporter()
	if a.Status == parley.AgreementCollapsed {
		data.Collapsed, data.Mediator, data.Reporter = true, false, false
	}
	data.Refusal, data.Status = ref, status
	events, _, err := d.store.FindEvents(ctx, parley.EventFilter{TrackID: a.TrackID, Page: parley.Page{Limit: parley.MaxLimit}})
	if err != nil {
		return err
	}
	eventNames := map[int64]string{}
	for _, e := range events {
		eventNames[e.ID] = e.Title
	}
	users, err := d.people(ctx, a.TrackID)
	if err != nil {
		return err
	}
	for i := len(a.History) - 1; i >= 0; i-- {
		h := a.History[i]
		row := historyRow{T: h, Who: data.T("the system")}
		if h.EventID != nil {
			row.Event = eventNames[*h.EventID]
		}
		if h.ActorID != nil {
			row.Who = d.userName(ctx, users, *h.ActorID, data.T("a member"))
		}
		data.History = append(data.History, row)
	}
	for _, p := range a.Signatories {
		data.Signatories = append(data.Signatories, profileLink{PartyID: p, Party: names[p]})
	}
	for _, p := range t.Parties {
		if !slices.ContainsFunc(data.TrackParties, func(l profileLink) bool { return l.PartyID == p.PartyID }) {
			data.TrackParties = append(data.TrackParties, profileLink{PartyID: p.PartyID, Party: names[p.PartyID]})
		}
	}
	var clauses []parley.Clause
	clauseSealed := false
	if a.TextVersionID != nil {
		v, err := d.store.FindVersionByID(ctx, *a.TextVersionID)
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
	data.Rollup = append(data.Rollup, rollupLine(data.T("All parties"), rollup.Overall, data.Periods))
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
		data.Audiences = audiences(data.p, nil, principals(t, names), names)
	}
	return d.render(w, "agreement", data)
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

func (d *Desk) transitionAgreement(r *http.Request, id int64, in *parley.AgreementTransitionRequest) (string, error) {
	if _, err := d.actions.TransitionAgreement(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/agreements/%d", id), "agreement-status"), nil
}

func (d *Desk) renewAgreement(r *http.Request, id int64, in *action.RenewalInput) (string, error) {
	if _, err := d.actions.RenewAgreement(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/agreements/%d", id), "renewed"), nil
}

func (d *Desk) setWarning(r *http.Request, id int64, in *parley.WarningThresholds) (string, error) {
	if _, err := d.actions.SetWarningThresholds(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/agreements/%d", id), "saved"), nil
}

func (d *Desk) addCommitment(r *http.Request, id int64, in *action.CommitmentInput) (string, error) {
	if _, err := d.actions.AddCommitment(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/agreements/%d", id), "commitment"), nil
}

func (d *Desk) addReport(r *http.Request, id int64, in *action.ReportInput) (string, error) {
	if _, err := d.actions.AddReport(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/agreements/%d", id), "report"), nil
}

func (d *Desk) addScore(r *http.Request, id int64, in *action.ScoreInput) (string, error) {
	if _, err := d.actions.AddScore(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/agreements/%d", id), "score"), nil
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

func (d *Desk) showTrust(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	as := d.store
	p, err := d.store.FindPartyByID(ctx, id)
	if err != nil {
		return err
	}
	rec, err := as.TrustRecord(ctx, id)
	if err != nil {
		return err
	}
	data := &trustPage{pageBase: newBase(r, i18n.M("Trust record of {party}", "party", p.Name)), Party: p, Record: rec}
	for _, q := range rec.Periods {
		data.Bars = append(data.Bars, trustBar{P: q, Segments: trustSegments(data.p, q)})
	}
	return d.render(w, "trust", data)
}

// trustSegments lays a quarter's counts out along a bar.
func trustSegments(p *i18n.Printer, q parley.TrustPeriod) []trustSegment {
	total := q.Kept + q.Partly + q.Broken + q.Unverifiable
	if total == 0 {
		return nil
	}
	var out []trustSegment
	x := 0.0
	for _, s := range []trustSegment{{Class: "kept", Label: p.T("trust::kept"), N: q.Kept}, {Class: "partly", Label: p.T("trust::partly kept"), N: q.Partly},
		{Class: "broken", Label: p.T("trust::broken"), N: q.Broken}, {Class: "unverifiable", Label: p.T("trust::unverifiable"), N: q.Unverifiable}} {
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
