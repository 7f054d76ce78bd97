package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
)

// scanTheme reads a row of tThemes.
func scanTheme(row rowScanner) (*parley.Theme, error) {
	var t parley.Theme
	var created, updated int64
	if err := row.Scan(&t.ID, &t.TrackID, &t.Name, &t.Description, &t.Position, &created, &updated); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = fromMicro(created), fromMicro(updated)
	t.Options = []parley.Option{}
	return &t, nil
}

// FindThemeByID returns the theme with its options, or ENOTFOUND.
func (s *Store) FindThemeByID(ctx context.Context, id int64) (_ *parley.Theme, err error) {
	defer s.mapErr(&err, "find theme")
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t, err := findThemeByID(ctx, tx, id, false)
	if err != nil {
		return nil, err
	}
	if !canSeeTrack(ctx, t.TrackID) {
		return nil, notFound("theme", id)
	}
	return t, commit(tx)
}

// FindThemes returns the track's themes in agenda order (position, then ID);
// ENOTFOUND if the track does not exist.
func (s *Store) FindThemes(ctx context.Context, trackID int64) (_ []*parley.Theme, err error) {
	defer s.mapErr(&err, "find themes")
	if err := requireSeeTrack(ctx, trackID); err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := requireTrack(ctx, tx, trackID); err != nil {
		return nil, err
	}
	themes, err := findThemes(ctx, tx, []int64{trackID})
	if err != nil {
		return nil, err
	}
	return themes, commit(tx)
}

// CreateTheme stores t with its options. A Position of 0 puts the theme at
// the end of its track's agenda; themes that share a position are ordered by
// ID. ECONFLICT if the track has a theme of that name; EINVALID if the track
// does not exist.
func (s *Store) CreateTheme(ctx context.Context, t *parley.Theme) (err error) {
	defer s.mapErr(&err, "create theme")
	if err := validateTheme(t); err != nil {
		return err
	}
	if err := requireEditTrack(ctx, t.TrackID); err != nil {
		if pe, ok := err.(*parley.Error); ok && pe.Code == parley.ENOTFOUND {
			return parley.Errorf(parley.EINVALID, "track_id", "track %d does not exist", t.TrackID)
		}
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := requireRef(ctx, tx, "tracks", "track_id", "track", t.TrackID); err != nil {
			return err
		}
		if err := createTheme(ctx, tx, t); err != nil {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "theme.create", object: "theme/" + strconv.FormatInt(t.ID, 10), trackID: t.TrackID, audience: parley.AudiencePlenary})
	})
}

// UpdateTheme applies upd. Options, when set, replace the list; an option
// keeps its ID where its label is unchanged. ENOTFOUND, ECONFLICT on a name
// the track already uses.
func (s *Store) UpdateTheme(ctx context.Context, id int64, upd parley.ThemeUpdate) (_ *parley.Theme, err error) {
	defer s.mapErr(&err, "update theme")
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	var t *parley.Theme
	err = s.write(ctx, func(ctx context.Context, tx *Tx) (err error) {
		old, err := findThemeByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := requireEditTrack(ctx, old.TrackID); err != nil {
			if pe, ok := err.(*parley.Error); ok && pe.Code == parley.ENOTFOUND {
				return notFound("theme", id)
			}
			return err
		}
		if upd.Version != nil && !old.UpdatedAt.Equal(*upd.Version) {
			return parley.Errorf(parley.ECONFLICT, "", "someone changed this theme after you read it; read it again and make your change on what it says now")
		}
		if t, err = updateTheme(ctx, tx, id, upd); err != nil {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "theme.update", object: "theme/" + strconv.FormatInt(id, 10), trackID: t.TrackID, audience: parley.AudiencePlenary})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func validateTheme(t *parley.Theme) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if t.Position < 0 {
		return parley.Errorf(parley.EINVALID, "position", "position must not be negative")
	}
	return nil
}

func findThemeByID(ctx context.Context, tx *Tx, id int64, forUpdate bool) (*parley.Theme, error) {
	q := `SELECT ` + tThemes.sel + ` FROM themes WHERE id = $1`
	if forUpdate {
		q += tx.d.ForUpdate
	}
	t, err := scanTheme(tx.scanner(tThemes, tx.QueryRowContext(ctx, q, id)))
	if isNoRows(err) {
		return nil, notFound("theme", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find theme %d: %w", id, err)
	}
	if err := loadOptions(ctx, tx, []*parley.Theme{t}); err != nil {
		return nil, err
	}
	return t, nil
}

// findThemes returns the themes of the tracks in agenda order, with their
// options, in two queries.
func findThemes(ctx context.Context, tx *Tx, trackIDs []int64) ([]*parley.Theme, error) {
	if len(trackIDs) == 0 {
		return []*parley.Theme{}, nil
	}
	themes, err := queryAllIn(ctx, tx, tThemes, scanTheme, `SELECT `+tThemes.sel+` FROM themes WHERE track_id IN (`+inList+`)
		ORDER BY track_id, position, id`, trackIDs)
	if err != nil {
		return nil, fmt.Errorf("find themes: %w", err)
	}
	if err := loadOptions(ctx, tx, themes); err != nil {
		return nil, err
	}
	return themes, nil
}

// loadOptions fills in the options of themes in one query.
func loadOptions(ctx context.Context, tx *Tx, themes []*parley.Theme) error {
	if len(themes) == 0 {
		return nil
	}
	byID := make(map[int64]*parley.Theme, len(themes))
	ids := make([]int64, len(themes))
	for i, t := range themes {
		byID[t.ID] = t
		ids[i] = t.ID
	}
	err := eachRowIn(ctx, tx, tOptions, `SELECT `+tOptions.sel+` FROM options
		WHERE theme_id IN (`+inList+`) ORDER BY theme_id, position`, ids, func(row rowScanner) error {
		var themeID, position int64
		var o parley.Option
		if err := row.Scan(&o.ID, &themeID, &position, &o.Label, &o.Description); err != nil {
			return err
		}
		t := byID[themeID]
		t.Options = append(t.Options, o)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load options: %w", err)
	}
	return nil
}

func createTheme(ctx context.Context, tx *Tx, t *parley.Theme) error {
	if t.Position == 0 {
		var next int
		err := tx.QueryRowContext(ctx, `SELECT coalesce(max(position) + 1, 0) FROM themes WHERE track_id = $1`, t.TrackID).Scan(&next)
		if err != nil {
			return fmt.Errorf("next theme position: %w", err)
		}
		t.Position = next
	}
	t.CreatedAt, t.UpdatedAt = tx.now, tx.now
	r, err := tx.insert(ctx, tThemes, `track_id, name, description, position, created_at, updated_at`,
		t.TrackID, t.Name, t.Description, t.Position, micro(t.CreatedAt), micro(t.UpdatedAt))
	t.ID = r.id()
	if err != nil {
		if tx.d.IsUnique(err) {
			return parley.Errorf(parley.ECONFLICT, "name", "track %d already has a theme named %q", t.TrackID, t.Name)
		}
		return err
	}
	for i := range t.Options {
		if err := insertOption(ctx, tx, t.ID, i, &t.Options[i]); err != nil {
			return err
		}
	}
	return nil
}

func insertOption(ctx context.Context, tx *Tx, themeID int64, position int, o *parley.Option) error {
	r, err := tx.insert(ctx, tOptions, `theme_id, position, label, description`, themeID, position, o.Label, o.Description)
	if err != nil {
		return fmt.Errorf("insert option: %w", err)
	}
	o.ID = r.id()
	return nil
}

func updateTheme(ctx context.Context, tx *Tx, id int64, upd parley.ThemeUpdate) (*parley.Theme, error) {
	t, err := findThemeByID(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	if upd.Name != nil {
		t.Name = *upd.Name
	}
	if upd.Description != nil {
		t.Description = *upd.Description
	}
	if upd.Position != nil {
		t.Position = *upd.Position
	}
	t.UpdatedAt = tx.now
	_, err = tx.update(ctx, tThemes, []any{id}, `name = $1, description = $2, position = $3, updated_at = $4`,
		t.Name, t.Description, t.Position, micro(t.UpdatedAt))
	if err != nil {
		if tx.d.IsUnique(err) {
			return nil, parley.Errorf(parley.ECONFLICT, "name", "track %d already has a theme named %q", t.TrackID, t.Name)
		}
		return nil, err
	}
	if upd.Options != nil {
		opts, err := replaceOptions(ctx, tx, t, *upd.Options)
		if err != nil {
			return nil, err
		}
		t.Options = opts
	}
	return t, nil
}

// replaceOptions makes want the theme's options, keeping the ID of every
// option whose label is unchanged.
func replaceOptions(ctx context.Context, tx *Tx, t *parley.Theme, want []parley.Option) ([]parley.Option, error) {
	old := make(map[string]int64, len(t.Options))
	for _, o := range t.Options {
		old[o.Label] = o.ID
	}
	keep := make(map[string]bool, len(want))
	for _, o := range want {
		keep[o.Label] = true
	}
	for _, o := range t.Options {
		if !keep[o.Label] {
			if _, err := tx.delete(ctx, tOptions, `id = $1`, o.ID); err != nil {
				return nil, fmt.Errorf("delete option: %w", err)
			}
		}
	}
	opts := make([]parley.Option, len(want))
	for i, o := range want {
		opts[i] = parley.Option{Label: o.Label, Description: o.Description}
		if id, ok := old[o.Label]; ok {
			opts[i].ID = id
			_, err := tx.update(ctx, tOptions, []any{id}, `position = $1, description = $2`, i, o.Description)
			if err != nil {
				return nil, fmt.Errorf("update option: %w", err)
			}
			continue
		}
		if err := insertOption(ctx, tx, t.ID, i, &opts[i]); err != nil {
			return nil, err
		}
	}
	return opts, nil
}
