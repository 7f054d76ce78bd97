package desk

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/exchange"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/problem"
	"github.com/parley-talks/parley/web/route"
)

// The page of a prisoner exchange: its terms; each side's list as the
// caller reads it (a delegate: its own side whole and, of the other side,
// the persons of shared matches only — the store applies
// Caller.CanReadPerson); the matches the caller reads with the mediators'
// confirm and share buttons and the verifiers' verify button; for the
// mediators, the suggested matches of package exchange, the handover form
// and the reconciliation; the forms that upload a side's list as CSV, for
// those who write it. The children's page is in children.go.

type exchangePage struct {
	pageBase
	Track     *parley.Track
	Exchange  *parley.Exchange
	Parties   map[int64]string
	Lists     []sideList
	Persons   map[int64]*parley.Prisoner // every person the caller reads, by id
	Matches   []*parley.PrisonerMatch
	Suggested []action.MatchCandidate
	Named     []action.MatchCandidate // persons of these lists an earlier exchange handed over already (mediators)
	Rec       *action.Reconciliation
	Mediator  bool
	Verifier  bool
	Writes    []sideList       // the sides whose list the caller may add to: the upload forms
	Handover  []sideList       // per side, the persons not handed over yet: the handover form (mediators)
	Matched   map[int64]string // a person's confirmed match, in words, for the handover form
	Columns   []string         // a CSV list's columns (exchange.Columns), for the upload form's help
}

// sideList is one side's list as the caller reads it.
type sideList struct {
	PartyID int64
	Party   string
	Persons []*parley.Prisoner
	Whole   bool // the caller reads the whole list, not only shared persons
}

func (d *Desk) showExchange(w http.ResponseWriter, r *http.Request) error {
	return d.renderExchange(w, r, nil, 0)
}

// renderExchange renders the page of the exchange in the path; ref and
// status report a refused form.
func (d *Desk) renderExchange(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	return d.renderExchangeOf(w, r, id, ref, status)
}

func (d *Desk) renderExchangeOf(w http.ResponseWriter, r *http.Request, id int64, ref *Refusal, status int) error {
	ctx := r.Context()
	e, err := d.store.FindExchangeByID(ctx, id)
	if err != nil {
		return err
	}
	t, err := d.store.FindTrackByID(ctx, e.TrackID)
	if err != nil {
		return err
	}
	names, err := d.actions.PartyNames(ctx)
	if err != nil {
		return err
	}
	acc := accessTo(ctx, e.TrackID)
	data := &exchangePage{pageBase: newBase(r, e.Title), Track: t, Exchange: e, Parties: names, Persons: map[int64]*parley.Prisoner{},
		Mediator: acc.Mediator(), Verifier: acc.Verifier()}
	if n, err := strconv.Atoi(r.URL.Query().Get("n")); err == nil && r.URL.Query().Get("done") == "imported" {
		data.Notice = fmt.Sprintf("The list was imported: %d persons added.", n)
	}
	data.Refusal, data.Status, data.Columns = ref, status, exchange.Columns
	for _, party := range []int64{e.SideA, e.SideB} {
		if acc.EditsProfile(party) {
			data.Writes = append(data.Writes, sideList{PartyID: party, Party: names[party]})
		}
	}
	for _, party := range []int64{e.SideA, e.SideB} {
		ps, err := d.store.FindPrisoners(ctx, id, party)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		data.Lists = append(data.Lists, sideList{PartyID: party, Party: names[party], Persons: ps, Whole: acc.ReadsList(party)})
		for _, p := range ps {
			data.Persons[p.ID] = p
		}
	}
	if len(data.Lists) > 0 {
		if data.Matches, err = d.store.FindMatches(ctx, id); err != nil {
			return err
		}
	}
	if acc.ReadsList(e.SideA) && acc.ReadsList(e.SideB) {
		// Both lists read whole, side A's first: reconcile and propose
		// from what the page read, without opening the lists again.
		l := &action.ExchangeLists{Exchange: e, A: data.Lists[0].Persons, B: data.Lists[1].Persons, Matches: data.Matches}
		if data.Rec, err = action.Reconcile(l); err != nil {
			return err
		}
		if data.Mediator {
			cands, err := d.actions.Candidates(ctx, l)
			if err != nil {
				return err
			}
			data.Suggested, data.Named = cands.Pairs, cands.AlreadyExchanged
			for _, p := range cands.Handed {
				data.Persons[p.ID] = p
			}
			data.handoverChoices()
		}
	}
	return d.render(w, "exchange", data)
}

// handoverChoices fills the handover form: each side's persons not handed
// over yet, with their confirmed match in words.
func (p *exchangePage) handoverChoices() {
	p.Matched = map[int64]string{}
	for _, m := range p.Matches {
		state := "confirmed"
		if m.VerifiedAt != nil {
			state = "verified"
		}
		p.Matched[m.PrisonerA] = fmt.Sprintf("%s match with person %d", state, m.PrisonerB)
		p.Matched[m.PrisonerB] = fmt.Sprintf("%s match with person %d", state, m.PrisonerA)
	}
	for _, l := range p.Lists {
		side := sideList{PartyID: l.PartyID, Party: l.Party, Whole: l.Whole}
		for _, person := range l.Persons {
			if person.HandedOverAt == nil {
				side.Persons = append(side.Persons, person)
			}
		}
		p.Handover = append(p.Handover, side)
	}
}

// recordHandover records the persons checked on the handover form, all
// or none: the store refuses a person handed over already, or one past n
// on an n-for-n exchange, and the page then shows why beside the form with
// the same boxes checked.
func (d *Desk) recordHandover(r *http.Request, id int64, in *action.HandoverInput) (string, error) {
	if len(in.PrisonerIDs) == 0 {
		return "", parley.Errorf(parley.EINVALID, "prisoner_ids", "check at least one person handed over")
	}
	if err := d.actions.RecordHandover(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/exchanges/%d", id), "handover"), nil
}

// uploadList adds persons to a side's list from the CSV file of the
// upload form. The form is streamed, never held whole: the file's part
// goes straight to action.ImportCSV, the one import of the API's CSV
// bodies too, so a file with any rejected row stores nothing and the page
// lists the rows (row, column, reason — never a value).
func (d *Desk) uploadList(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	party, err := route.PathID(r, "party")
	if err != nil {
		return err
	}
	if mediaType(r) != "multipart/form-data" {
		return problem.UnsupportedMediaType("a list's upload form must be sent as multipart/form-data")
	}
	formName := fmt.Sprintf("list-%d", party)
	mr, err := r.MultipartReader()
	if err != nil {
		return parley.Errorf(parley.EINVALID, "csv", "the form is not a readable multipart/form-data body")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err // 413
		}
		if err != nil {
			return parley.Errorf(parley.EINVALID, "csv", "the form is not a readable multipart/form-data body")
		}
		if part.FormName() != "csv" {
			continue // the token, read by authn.LiftFormCSRF; the next part skips it
		}
		if part.FileName() == "" {
			break // no file chosen
		}
		added, err := d.actions.ImportCSV(r.Context(), id, party, part)
		if err != nil {
			return refuse(w, r, formName, d.renderExchange, err)
		}
		http.Redirect(w, r, fmt.Sprintf("/exchanges/%d?done=imported&n=%d", id, added.Added), http.StatusSeeOther)
		return nil
	}
	return refuse(w, r, formName, d.renderExchange, parley.Errorf(parley.EINVALID, "csv", "choose a CSV file to upload"))
}

func (d *Desk) confirmMatch(r *http.Request, id int64, in *action.MatchInput) (string, error) {
	if _, err := d.actions.ConfirmMatch(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/exchanges/%d", id), "confirmed"), nil
}

func (d *Desk) shareMatch(r *http.Request, id int64, in *action.MatchSharing) (string, error) {
	m, err := d.actions.ShareMatch(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/exchanges/%d", m.ExchangeID), "shared"), nil
}

func (d *Desk) verifyMatch(r *http.Request, id int64, in *action.MatchVerification) (string, error) {
	m, err := d.actions.VerifyMatch(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/exchanges/%d", m.ExchangeID), "verified"), nil
}
