package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/exchange"
)

// scanExchange reads a row of tExchanges.
func scanExchange(row rowScanner) (*parley.Exchange, error) {
	e := &parley.Exchange{}
	var by sql.NullInt64
	var at, n int64
	if err := row.Scan(&e.ID, &e.TrackID, &e.Title, &e.Terms, &n, &e.SideA, &e.SideB, &by, &at); err != nil {
		return nil, err
	}
	e.N, e.CreatedBy, e.CreatedAt = int(n), nullableID(by), fromMicro(at)
	return e, nil
}

// findExchange returns an exchange on a track the caller sees, or ENOTFOUND.
func findExchange(ctx context.Context, tx *Tx, id int64) (*parley.Exchange, error) {
	e, err := scanExchange(tx.scanner(tExchanges, tx.QueryRowContext(ctx, `SELECT `+tExchanges.sel+` FROM exchanges WHERE id = $1`, id)))
	if isNoRows(err) || (err == nil && !canSeeTrack(ctx, e.TrackID)) {
		return nil, notFound("exchange", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find exchange %d: %w", id, err)
	}
	return e, nil
}

// CreateExchange stores a new exchange; the track's mediators only.
func (s *Store) CreateExchange(ctx context.Context, e *parley.Exchange) (err error) {
	defer s.mapErr(&err, "create exchange")
	if err := e.Validate(); err != nil {
		return err
	}
	if err := requireEditTrack(ctx, e.TrackID); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := lockTrack(ctx, tx, e.TrackID); err != nil {
			return err
		}
		if err := requirePrincipal(ctx, tx, "side_a", e.TrackID, e.SideA); err != nil {
			return err
		}
		if err := requirePrincipal(ctx, tx, "side_b", e.TrackID, e.SideB); err != nil {
			return err
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		e.CreatedBy, e.CreatedAt = by, normalTime(tx.now)
		r, err := tx.insert(ctx, tExchanges, `track_id, title, terms, n, side_a, side_b, created_by, created_at`,
			e.TrackID, e.Title, e.Terms, e.N, e.SideA, e.SideB, nullInt64(by), micro(e.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert exchange: %w", err)
		}
		e.ID = r.id()
		return appendAudit(ctx, tx, auditRecord{action: "exchange.create", object: "exchange/" + strconv.FormatInt(e.ID, 10), trackID: e.TrackID,
			audience: parley.AudiencePlenary})
	})
}

// FindExchangeByID returns an exchange on a track the caller sees.
func (s *Store) FindExchangeByID(ctx context.Context, id int64) (_ *parley.Exchange, err error) {
	defer s.mapErr(&err, "find exchange")
	return readTx(ctx, s, func(tx *Tx) (*parley.Exchange, error) { return findExchange(ctx, tx, id) })
}

// FindExchanges returns the exchanges of a track the caller sees.
func (s *Store) FindExchanges(ctx context.Context, trackID int64) (_ []*parley.Exchange, err error) {
	defer s.mapErr(&err, "find exchanges")
	return readTrack(ctx, s, trackID, func(tx *Tx) ([]*parley.Exchange, error) {
		out, err := queryAll(ctx, tx, tExchanges, scanExchange, `SELECT `+tExchanges.sel+` FROM exchanges WHERE track_id = $1 ORDER BY id`, trackID)
		if err != nil {
			return nil, fmt.Errorf("find exchanges: %w", err)
		}
		return out, nil
	})
}

// findList returns the exchange of a side's list and which of its persons
// the caller reads (parley.Caller.CanReadPerson): all (keep nil) for the
// list's readers; for the other side's party audience only the persons of
// shared matches; ENOTFOUND for anyone else.
func findList(ctx context.Context, tx *Tx, exchangeID, partyID int64) (*parley.Exchange, func(id int64) bool, error) {
	e, err := findExchange(ctx, tx, exchangeID)
	if err != nil {
		return nil, nil, err
	}
	if !e.Side(partyID) {
		return nil, nil, parley.Errorf(parley.ENOTFOUND, "", "party %d is not a side of exchange %d", partyID, exchangeID)
	}
	c := parley.CallerFromContext(ctx)
	if c.CanReadPerson(e, partyID, false) {
		return e, nil, nil
	}
	// The rule with shared = true holds for the other side's audience;
	// if it fails, the caller reads no person of the list, shared or not.
	if !c.CanReadPerson(e, partyID, true) {
		return nil, nil, parley.Errorf(parley.ENOTFOUND, "", "no list of party %d on exchange %d", partyID, exchangeID)
	}
	shared, err := sharedPersons(ctx, tx, exchangeID)
	if err != nil {
		return nil, nil, err
	}
	return e, func(id int64) bool { return c.CanReadPerson(e, partyID, shared[id]) }, nil
}

// sharedPersons returns the persons of the exchange's shared matches.
func sharedPersons(ctx context.Context, tx *Tx, exchangeID int64) (map[int64]bool, error) {
	ms, err := queryAll(ctx, tx, tMatches, scanMatch, `SELECT `+tMatches.sel+` FROM prisoner_matches WHERE exchange_id = $1`, exchangeID)
	if err != nil {
		return nil, fmt.Errorf("find shared matches: %w", err)
	}
	out := map[int64]bool{}
	for _, m := range ms {
		if m.SharedAt != nil {
			out[m.PrisonerA], out[m.PrisonerB] = true, true
		}
	}
	return out, nil
}

// person is the sealed part of a Prisoner.
type person struct {
	Name            string                `json:"name"`
	Transliteration string                `json:"transliteration,omitempty"`
	Born            string                `json:"born"`
	Status          parley.PrisonerStatus `json:"status"`
	Rank            string                `json:"rank,omitempty"`
	ServiceNumber   string                `json:"service_number,omitempty"`
	CapturePlace    string                `json:"capture_place,omitempty"`
	Captured        string                `json:"captured"`
	NextOfKin       string                `json:"next_of_kin,omitempty"`
}

// readPrisoners reads and opens the persons of a side's list that keep
// accepts (all if keep is nil); the caller has checked that it reads them.
// A person keep refuses is never opened.
func (s *Store) readPrisoners(ctx context.Context, tx *Tx, e *parley.Exchange, partyID int64, keep func(id int64) bool) ([]*parley.Prisoner, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+tPrisoners.sel+` FROM prisoners WHERE exchange_id = $1 AND party_id = $2 ORDER BY id`, e.ID, partyID)
	if err != nil {
		return nil, fmt.Errorf("find prisoners: %w", err)
	}
	defer rows.Close()
	type row struct {
		p      *parley.Prisoner
		sealed []byte
	}
	var found []row
	checked := tx.scanner(tPrisoners, rows)
	for rows.Next() {
		r := row{p: &parley.Prisoner{}}
		var at int64
		var handed sql.NullInt64
		if err := checked.Scan(&r.p.ID, &r.p.ExchangeID, &r.p.TrackID, &r.p.PartyID, &r.sealed, &at, &handed); err != nil {
			return nil, err
		}
		if keep != nil && !keep(r.p.ID) {
			continue
		}
		r.p.CreatedAt = fromMicro(at)
		if handed.Valid {
			t := fromMicro(handed.Int64)
			r.p.HandedOverAt = &t
		}
		found = append(found, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	out := make([]*parley.Prisoner, 0, len(found))
	if len(found) == 0 {
		return out, nil
	}
	k, err := s.trackKey(ctx, tx, e.TrackID, false)
	if err != nil {
		return nil, err
	}
	for _, r := range found {
		rec := strconv.FormatInt(r.p.ID, 10)
		plain, err := k.OpenField("prisoners", rec, "person", r.sealed)
		if err != nil {
			return nil, &SealedError{Table: "prisoners", Record: rec, Field: "person", Err: err}
		}
		var pp person
		if err := json.Unmarshal(plain, &pp); err != nil {
			return nil, fmt.Errorf("prisoners record %s: person does not decode", rec)
		}
		p := r.p
		p.Name, p.Transliteration, p.Born, p.Status = pp.Name, pp.Transliteration, pp.Born, pp.Status
		p.Rank, p.ServiceNumber, p.CapturePlace, p.Captured, p.NextOfKin = pp.Rank, pp.ServiceNumber, pp.CapturePlace, pp.Captured, pp.NextOfKin
		out = append(out, p)
	}
	return out, nil
}

// FindPrisoners returns a side's list the caller may read.
func (s *Store) FindPrisoners(ctx context.Context, exchangeID, partyID int64) (_ []*parley.Prisoner, err error) {
	defer s.mapErr(&err, "find prisoners")
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	e, keep, err := findList(ctx, tx, exchangeID, partyID)
	if err != nil {
		return nil, err
	}
	ps, err := s.readPrisoners(ctx, tx, e, partyID, keep)
	if err != nil {
		return nil, err
	}
	return ps, commit(tx)
}

// duplicateKey is the key under which two persons of a list are the same:
// the transliteration-folded name (exchange.Key) and the date of birth.
func duplicateKey(p *parley.Prisoner) string { return exchange.Key(p.Name) + "|" + p.Born }

// AddPrisoners adds persons to a side's list, all or none (see
// parley.ExchangeService).
func (s *Store) AddPrisoners(ctx context.Context, exchangeID, partyID int64, ps []*parley.Prisoner) (err error) {
	defer s.mapErr(&err, "add prisoners")
	if len(ps) == 0 {
		return parley.Errorf(parley.EINVALID, "prisoners", "no persons to add")
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		e, err := findExchange(ctx, tx, exchangeID)
		if err != nil {
			return err
		}
		if !e.Side(partyID) {
			return parley.Errorf(parley.EINVALID, "party_id", "party %d is not a side of exchange %d", partyID, exchangeID)
		}
		if err := requireWriteAs(ctx, e.TrackID, &partyID); err != nil {
			return err
		}
		if err := lockTrack(ctx, tx, e.TrackID); err != nil {
			return err
		}
		existing, err := s.readPrisoners(ctx, tx, e, partyID, nil)
		if err != nil {
			return err
		}
		if len(existing)+len(ps) > parley.MaxPrisoners {
			return parley.Errorf(parley.EINVALID, "prisoners", "a list holds at most %d persons", parley.MaxPrisoners)
		}
		seen := map[string]string{}
		for i, p := range existing {
			seen[duplicateKey(p)] = fmt.Sprintf("person %d already on the list", i+1)
		}
		for i, p := range ps {
			field := fmt.Sprintf("prisoners[%d]", i)
			if err := p.Validate(field, tx.now); err != nil {
				return err
			}
			if exchange.Key(p.Name) == "" {
				return parley.Errorf(parley.EINVALID, field+".name", "%s.name has no letters", field)
			}
			if first, ok := seen[duplicateKey(p)]; ok {
				return parley.Errorf(parley.ECONFLICT, field, "%s repeats %s (same name and date of birth)", field, first)
			}
			seen[duplicateKey(p)] = field
		}
		k, err := s.trackKey(ctx, tx, e.TrackID, true)
		if err != nil {
			return err
		}
		at := normalTime(tx.now)
		for _, p := range ps {
			plain, err := json.Marshal(person{p.Name, p.Transliteration, p.Born, p.Status, p.Rank, p.ServiceNumber, p.CapturePlace, p.Captured, p.NextOfKin})
			if err != nil {
				return fmt.Errorf("encode person: %w", err)
			}
			r, err := tx.insertSealed(ctx, tPrisoners, `exchange_id, track_id, party_id, person, created_at, handed_over_at`,
				[]any{e.ID, e.TrackID, partyID, []byte{}, micro(at), nil},
				func(r rowVals) (string, []any) {
					return `person = $1`, []any{k.SealField("prisoners", strconv.FormatInt(r.id(), 10), "person", plain)}
				})
			if err != nil {
				return fmt.Errorf("insert prisoner: %w", err)
			}
			p.ID = r.id()
			rec := strconv.FormatInt(p.ID, 10)
			p.ExchangeID, p.TrackID, p.PartyID, p.CreatedAt = e.ID, e.TrackID, partyID, at
			if err := appendAudit(ctx, tx, auditRecord{action: "prisoner.add", object: "prisoner/" + rec, trackID: e.TrackID,
				audience: parley.PartyAudience(partyID)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// requireBothLists is ENOTFOUND unless the caller reads both sides' lists.
func requireBothLists(ctx context.Context, e *parley.Exchange) error {
	c := parley.CallerFromContext(ctx)
	if !c.CanReadPrisoners(e.TrackID, e.SideA) || !c.CanReadPrisoners(e.TrackID, e.SideB) {
		return parley.Errorf(parley.ENOTFOUND, "", "no matches of exchange %d", e.ID)
	}
	return nil
}

// prisonerRow is a person's row, verified, without the person opened.
type prisonerRow struct {
	id, exchangeID, trackID, partyID, at int64
	sealed                               []byte
	handed                               sql.NullInt64
}

// findPrisonerRow reads a person's row of the exchange: EINVALID naming
// field if there is none.
func findPrisonerRow(ctx context.Context, tx *Tx, field string, exchangeID, id int64) (prisonerRow, error) {
	var p prisonerRow
	err := tx.scanner(tPrisoners, tx.QueryRowContext(ctx, `SELECT `+tPrisoners.sel+` FROM prisoners WHERE id = $1 AND exchange_id = $2`, id, exchangeID)).
		Scan(&p.id, &p.exchangeID, &p.trackID, &p.partyID, &p.sealed, &p.at, &p.handed)
	if isNoRows(err) {
		return p, parley.Errorf(parley.EINVALID, field, "person %d is not on a list of exchange %d", id, exchangeID)
	}
	if err != nil {
		return p, fmt.Errorf("find prisoner %d: %w", id, err)
	}
	return p, nil
}

// prisonerSide returns the party whose list holds a person of the exchange.
func prisonerSide(ctx context.Context, tx *Tx, exchangeID, id int64) (int64, error) {
	p, err := findPrisonerRow(ctx, tx, "", exchangeID, id)
	return p.partyID, err
}

// ConfirmMatch records a mediator's confirmed match (see
// parley.ExchangeService).
func (s *Store) ConfirmMatch(ctx context.Context, exchangeID, prisonerA, prisonerB int64) (_ *parley.PrisonerMatch, err error) {
	defer s.mapErr(&err, "confirm match")
	m := &parley.PrisonerMatch{ExchangeID: exchangeID, PrisonerA: prisonerA, PrisonerB: prisonerB}
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		e, err := findExchange(ctx, tx, exchangeID)
		if err != nil {
			return err
		}
		if err := requireEditTrack(ctx, e.TrackID); err != nil {
			return err
		}
		if err := lockTrack(ctx, tx, e.TrackID); err != nil {
			return err
		}
		for _, side := range []struct {
			id, party int64
			field     string
		}{{prisonerA, e.SideA, "prisoner_a"}, {prisonerB, e.SideB, "prisoner_b"}} {
			party, err := prisonerSide(ctx, tx, exchangeID, side.id)
			if err != nil {
				return err
			}
			if party != side.party {
				return parley.Errorf(parley.EINVALID, side.field, "person %d is not on the list of party %d", side.id, side.party)
			}
			n, err := count(ctx, tx, `SELECT count(*) FROM prisoner_matches WHERE prisoner_a = $1 OR prisoner_b = $1`, side.id)
			if err != nil {
				return err
			}
			if n > 0 {
				return parley.Errorf(parley.ECONFLICT, side.field, "person %d is matched already", side.id)
			}
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		m.ConfirmedBy, m.ConfirmedAt = by, normalTime(tx.now)
		r, err := tx.insert(ctx, tMatches, `exchange_id, prisoner_a, prisoner_b, confirmed_by, confirmed_at`,
			exchangeID, prisonerA, prisonerB, nullInt64(by), micro(m.ConfirmedAt))
		if err != nil {
			return fmt.Errorf("insert match: %w", err)
		}
		m.ID = r.id()
		return appendAudit(ctx, tx, auditRecord{action: "prisoner.match", object: "exchange/" + strconv.FormatInt(exchangeID, 10), trackID: e.TrackID,
			audience: parley.AudienceMediators})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// FindMatches returns an exchange's confirmed matches to a caller who reads
// both lists.
func (s *Store) FindMatches(ctx context.Context, exchangeID int64) (_ []*parley.PrisonerMatch, err error) {
	defer s.mapErr(&err, "find matches")
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	e, err := findExchange(ctx, tx, exchangeID)
	if err != nil {
		return nil, err
	}
	cond := ""
	if err := requireBothLists(ctx, e); err != nil {
		c := parley.CallerFromContext(ctx)
		if !c.CanReadPrisoners(e.TrackID, e.SideA) && !c.CanReadPrisoners(e.TrackID, e.SideB) {
			return nil, err
		}
		cond = ` AND shared_at IS NOT NULL` // one side's readers: the shared matches
	}
	out, err := queryAll(ctx, tx, tMatches, scanMatch, `SELECT `+tMatches.sel+` FROM prisoner_matches WHERE exchange_id = $1`+cond+` ORDER BY id`, exchangeID)
	if err != nil {
		return nil, fmt.Errorf("find matches: %w", err)
	}
	return out, commit(tx)
}

// RecordHandover records the persons an exchange handed over (see
// parley.ExchangeService).
func (s *Store) RecordHandover(ctx context.Context, exchangeID int64, prisonerIDs []int64) (err error) {
	defer s.mapErr(&err, "record handover")
	if len(prisonerIDs) == 0 {
		return parley.Errorf(parley.EINVALID, "prisoner_ids", "name the persons handed over")
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		e, err := findExchange(ctx, tx, exchangeID)
		if err != nil {
			return err
		}
		if err := requireEditTrack(ctx, e.TrackID); err != nil {
			return err
		}
		if err := lockTrack(ctx, tx, e.TrackID); err != nil {
			return err
		}
		seen := map[int64]bool{}
		for i, id := range prisonerIDs {
			field := fmt.Sprintf("prisoner_ids[%d]", i)
			p, err := findPrisonerRow(ctx, tx, field, exchangeID, id)
			if err != nil {
				return err
			}
			if p.handed.Valid || seen[id] {
				return parley.Errorf(parley.ECONFLICT, field, "person %d is handed over already", id)
			}
			seen[id] = true
		}
		if err := checkTerms(ctx, tx, e, prisonerIDs); err != nil {
			return err
		}
		at := micro(tx.now)
		for _, id := range prisonerIDs {
			if _, err := tx.update(ctx, tPrisoners, []any{id}, `handed_over_at = $1`, at); err != nil {
				return fmt.Errorf("record handover: %w", err)
			}
		}
		return appendAudit(ctx, tx, auditRecord{action: "exchange.handover", object: "exchange/" + strconv.FormatInt(exchangeID, 10), trackID: e.TrackID,
			audience: parley.AudienceMediators})
	})
}

// FindHandedOver returns the persons handed over by the track's other
// exchanges, on the lists the caller may read.
func (s *Store) FindHandedOver(ctx context.Context, trackID, except int64) (_ []*parley.Prisoner, err error) {
	defer s.mapErr(&err, "find handed over")
	if err := requireSeeTrack(ctx, trackID); err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	es, err := queryAll(ctx, tx, tExchanges, scanExchange, `SELECT `+tExchanges.sel+` FROM exchanges WHERE track_id = $1 AND id <> $2 ORDER BY id`, trackID, except)
	if err != nil {
		return nil, fmt.Errorf("find exchanges: %w", err)
	}
	c := parley.CallerFromContext(ctx)
	out := []*parley.Prisoner{}
	for _, e := range es {
		for _, side := range []int64{e.SideA, e.SideB} {
			if !c.CanReadPrisoners(trackID, side) {
				continue
			}
			ps, err := s.readPrisoners(ctx, tx, e, side, nil)
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				if p.HandedOverAt != nil {
					out = append(out, p)
				}
			}
		}
	}
	return out, commit(tx)
}

// scanMatch reads a row of tMatches.
func scanMatch(row rowScanner) (*parley.PrisonerMatch, error) {
	m := &parley.PrisonerMatch{}
	var by, vby, vat, sby, sat sql.NullInt64
	var at int64
	if err := row.Scan(&m.ID, &m.ExchangeID, &m.PrisonerA, &m.PrisonerB, &by, &at, &vby, &vat, &sby, &sat); err != nil {
		return nil, err
	}
	m.ConfirmedBy, m.ConfirmedAt, m.VerifiedBy, m.SharedBy = nullableID(by), fromMicro(at), nullableID(vby), nullableID(sby)
	if vat.Valid {
		t := fromMicro(vat.Int64)
		m.VerifiedAt = &t
	}
	if sat.Valid {
		t := fromMicro(sat.Int64)
		m.SharedAt = &t
	}
	return m, nil
}

// VerifyMatch records the neutral body's verification of a match (see
// parley.ExchangeService).
func (s *Store) VerifyMatch(ctx context.Context, matchID int64) (_ *parley.PrisonerMatch, err error) {
	defer s.mapErr(&err, "verify match")
	return s.markMatch(ctx, matchID, matchMark{
		action: "prisoner.verify", column: "verified", past: "verified",
		allow: func(ctx context.Context, trackID int64) error {
			c := parley.CallerFromContext(ctx)
			if c.CanVerify(trackID) {
				return nil
			}
			if !c.CanSeeTrack(trackID) {
				return notFound("track", trackID)
			}
			return forbidden("only the track's verifiers may verify a match")
		},
		at: func(m *parley.PrisonerMatch) **time.Time { return &m.VerifiedAt },
		by: func(m *parley.PrisonerMatch) **int64 { return &m.VerifiedBy },
	})
}

// ShareMatch shares a confirmed match with both sides (see
// parley.ExchangeService).
func (s *Store) ShareMatch(ctx context.Context, matchID int64) (_ *parley.PrisonerMatch, err error) {
	defer s.mapErr(&err, "share match")
	return s.markMatch(ctx, matchID, matchMark{
		action: "prisoner.share", column: "shared", past: "shared",
		allow: requireEditTrack,
		at:    func(m *parley.PrisonerMatch) **time.Time { return &m.SharedAt },
		by:    func(m *parley.PrisonerMatch) **int64 { return &m.SharedBy },
	})
}

// matchMark is one of the acts that mark a confirmed match once, with who
// and when: the verifiers' verification, the mediators' share.
type matchMark struct {
	action string // of the ledger entry
	column string // <column>_by and <column>_at
	past   string // for the message: "match 7 is verified already"
	allow  func(ctx context.Context, trackID int64) error
	at     func(*parley.PrisonerMatch) **time.Time
	by     func(*parley.PrisonerMatch) **int64
}

// markMatch records mark on a match: ENOTFOUND for a match the caller does
// not see, the refusal of mark.allow, ECONFLICT if marked already.
func (s *Store) markMatch(ctx context.Context, matchID int64, mark matchMark) (*parley.PrisonerMatch, error) {
	var m *parley.PrisonerMatch
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		m, err = scanMatch(tx.scanner(tMatches, tx.QueryRowContext(ctx, `SELECT `+tMatches.sel+` FROM prisoner_matches WHERE id = $1`+tx.d.ForUpdate, matchID)))
		if isNoRows(err) {
			return notFound("match", matchID)
		}
		if err != nil {
			return fmt.Errorf("find match %d: %w", matchID, err)
		}
		e, err := findExchange(ctx, tx, m.ExchangeID)
		if err != nil {
			return notFound("match", matchID)
		}
		if err := mark.allow(ctx, e.TrackID); err != nil {
			return err
		}
		if *mark.at(m) != nil {
			return parley.Errorf(parley.ECONFLICT, "", "match %d is %s already", matchID, mark.past)
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		at := normalTime(tx.now)
		if _, err := tx.update(ctx, tMatches, []any{matchID}, mark.column+`_by = $1, `+mark.column+`_at = $2`, nullInt64(by), micro(at)); err != nil {
			return fmt.Errorf("%s match: %w", mark.action, err)
		}
		*mark.by(m), *mark.at(m) = by, &at
		return appendAudit(ctx, tx, auditRecord{action: mark.action, object: "match/" + strconv.FormatInt(matchID, 10), trackID: e.TrackID,
			audience: parley.AudienceMediators})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// checkTerms refuses a handover that would bring an n-for-n exchange past
// n persons handed over on either side's list; the ids are on the
// exchange's lists and not handed over yet.
func checkTerms(ctx context.Context, tx *Tx, e *parley.Exchange, prisonerIDs []int64) error {
	if e.Terms != parley.TermsNForN {
		return nil
	}
	for _, side := range []int64{e.SideA, e.SideB} {
		n, err := count(ctx, tx, `SELECT count(*) FROM prisoners WHERE exchange_id = $1 AND party_id = $2 AND handed_over_at IS NOT NULL`, e.ID, side)
		if err != nil {
			return err
		}
		for _, id := range prisonerIDs {
			party, err := prisonerSide(ctx, tx, e.ID, id)
			if err != nil {
				return err
			}
			if party == side {
				n++
			}
		}
		if n > e.N {
			return parley.Errorf(parley.EINVALID, "prisoner_ids", "an exchange of %d for %d hands over at most %d persons each way; this handover would bring the list of party %d to %d", e.N, e.N, e.N, side, n)
		}
	}
	return nil
}

// HumanitarianTallies counts, for the tracks the caller sees, persons
// handed over and matched and children's cases per stage: from the rows of
// those tracks' exchanges, persons, matches and cases, each verified,
// nothing opened.
func (s *Store) HumanitarianTallies(ctx context.Context) (_ map[int64]*parley.HumanitarianTally, err error) {
	defer s.mapErr(&err, "humanitarian tallies")
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := map[int64]*parley.HumanitarianTally{}
	tally := func(track int64) *parley.HumanitarianTally {
		t := out[track]
		if t == nil {
			t = &parley.HumanitarianTally{TrackID: track, Children: parley.ChildStageCounts{}}
			out[track] = t
		}
		return t
	}
	where, args := "", []any(nil)
	if cond, ids := scopeOf(ctx).filter("track_id", 1); cond != "" {
		where, args = ` WHERE `+cond, ids
	}
	es, err := queryAll(ctx, tx, tExchanges, scanExchange, `SELECT `+tExchanges.sel+` FROM exchanges`+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("count exchanges: %w", err)
	}
	for _, e := range es {
		t := tally(e.TrackID)
		t.Exchanges++
		rows, err := tx.QueryContext(ctx, `SELECT `+tPrisoners.sel+` FROM prisoners WHERE exchange_id = $1`, e.ID)
		if err != nil {
			return nil, fmt.Errorf("count persons: %w", err)
		}
		checked := tx.scanner(tPrisoners, rows)
		for rows.Next() {
			var p prisonerRow
			if err := checked.Scan(&p.id, &p.exchangeID, &p.trackID, &p.partyID, &p.sealed, &p.at, &p.handed); err != nil {
				rows.Close()
				return nil, err
			}
			if p.handed.Valid {
				t.HandedOver++
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ms, err := queryAll(ctx, tx, tMatches, scanMatch, `SELECT `+tMatches.sel+` FROM prisoner_matches WHERE exchange_id = $1`, e.ID)
		if err != nil {
			return nil, fmt.Errorf("count matches: %w", err)
		}
		t.Matched += 2 * len(ms)
	}
	cases, err := queryAll(ctx, tx, tChildren, scanChildCase, `SELECT `+tChildren.sel+` FROM child_cases`+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("count child cases: %w", err)
	}
	for _, c := range cases {
		t := tally(c.c.TrackID)
		t.Children[c.c.Stage]++
		t.Cases++
	}
	return out, commit(tx)
}
