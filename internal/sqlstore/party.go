package sqlstore

import (
	"context"
	"strconv"

	"github.com/parley-talks/parley"
)

// scanParty reads a row of tParties.
func scanParty(row rowScanner) (*parley.Party, error) {
	var p parley.Party
	var created, updated int64
	if err := row.Scan(&p.ID, &p.Name, &p.Kind, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromMicro(created), fromMicro(updated)
	return &p, nil
}

// FindPartyByID returns the party or ENOTFOUND.
func (s *Store) FindPartyByID(ctx context.Context, id int64) (_ *parley.Party, err error) {
	defer s.mapErr(&err, "find party")
	if err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	return readTx(ctx, s, func(tx *Tx) (*parley.Party, error) { return findPartyByID(ctx, tx, id, false) })
}

// FindParties returns parties ordered by ID and the total count.
func (s *Store) FindParties(ctx context.Context, page parley.Page) (_ []*parley.Party, total int, err error) {
	defer s.mapErr(&err, "find parties")
	if err := requireSignedIn(ctx); err != nil {
		return nil, 0, err
	}
	return readPage(ctx, s, tParties, scanParty, "", page)
}

// CreateParty stores p; ECONFLICT if the name is taken.
func (s *Store) CreateParty(ctx context.Context, p *parley.Party) (err error) {
	defer s.mapErr(&err, "create party")
	if err := p.Validate(); err != nil {
		return err
	}
	if err := requireOpenTrack(ctx); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := createParty(ctx, tx, p); err != nil {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "party.create", object: "party/" + strconv.FormatInt(p.ID, 10)})
	})
}

// UpdateParty applies upd; ENOTFOUND, ECONFLICT on a taken name.
func (s *Store) UpdateParty(ctx context.Context, id int64, upd parley.PartyUpdate) (_ *parley.Party, err error) {
	defer s.mapErr(&err, "update party")
	var p *parley.Party
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	err = s.write(ctx, func(ctx context.Context, tx *Tx) (err error) {
		if p, err = updateParty(ctx, tx, id, upd); err != nil {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "party.update", object: "party/" + strconv.FormatInt(id, 10)})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func findPartyByID(ctx context.Context, tx *Tx, id int64, forUpdate bool) (*parley.Party, error) {
	q := `SELECT ` + tParties.sel + ` FROM parties WHERE id = $1`
	if forUpdate {
		q += tx.d.ForUpdate
	}
	return findByID(ctx, tx, tParties, scanParty, "party", q, id)
}

func createParty(ctx context.Context, tx *Tx, p *parley.Party) error {
	p.CreatedAt, p.UpdatedAt = tx.now, tx.now
	r, err := tx.insert(ctx, tParties, `name, kind, created_at, updated_at`, p.Name, p.Kind, micro(p.CreatedAt), micro(p.UpdatedAt))
	if err != nil && tx.d.IsUnique(err) {
		return parley.Errorf(parley.ECONFLICT, "name", "a party named %q already exists", p.Name)
	}
	p.ID = r.id()
	return err
}

func updateParty(ctx context.Context, tx *Tx, id int64, upd parley.PartyUpdate) (*parley.Party, error) {
	p, err := findPartyByID(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	if upd.Name != nil {
		p.Name = *upd.Name
	}
	if upd.Kind != nil {
		p.Kind = *upd.Kind
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p.UpdatedAt = tx.now
	_, err = tx.update(ctx, tParties, []any{id}, `name = $1, kind = $2, updated_at = $3`, p.Name, p.Kind, micro(p.UpdatedAt))
	if err != nil && tx.d.IsUnique(err) {
		return nil, parley.Errorf(parley.ECONFLICT, "name", "a party named %q already exists", p.Name)
	}
	return p, err
}
