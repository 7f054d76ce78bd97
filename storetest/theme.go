package storetest

import (
	"testing"

	"github.com/parley-talks/parley"
)

func testThemes(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	// The world's theme is first on the agenda; a theme without a position
	// goes to the end.
	lull := &parley.Theme{TrackID: w.Track.ID, Name: "Temporary lull", Description: "A pause in strikes during talks.", Options: []parley.Option{
		{Label: "none"}, {Label: "during talks", Description: "only while delegations meet"}, {Label: "30 days"}, {Label: "until a deal"},
	}}
	must(t, s.CreateTheme(ctx, lull))
	if lull.ID <= 0 || lull.Position != w.Theme.Position+1 {
		t.Fatalf("after create: id %d, position %d (first theme at %d)", lull.ID, lull.Position, w.Theme.Position)
	}
	for i, o := range lull.Options {
		if o.ID <= 0 {
			t.Errorf("option %d has no id", i)
		}
	}
	got, err := s.FindThemeByID(ctx, lull.ID)
	must(t, err)
	diff(t, "found theme", lull, got)

	// An explicit position places the theme; ties keep creation order.
	early := &parley.Theme{TrackID: w.Track.ID, Name: "Monitoring", Position: 1, Options: []parley.Option{{Label: "IAEA"}, {Label: "none"}}}
	must(t, s.CreateTheme(ctx, early))
	themes, err := s.FindThemes(ctx, w.Track.ID)
	must(t, err)
	diff(t, "agenda", []*parley.Theme{w.Theme, lull, early}, themes)

	// Another track may use the same theme name.
	other := newTrack(t, s, "Principles of peace", parley.StatusExploratory)
	same := &parley.Theme{TrackID: other.ID, Name: w.Theme.Name, Options: []parley.Option{{Label: "a"}, {Label: "b"}}}
	must(t, s.CreateTheme(ctx, same))
	themes, err = s.FindThemes(ctx, other.ID)
	must(t, err)
	diff(t, "other agenda", []*parley.Theme{same}, themes)
	tr, err := s.FindTrackByID(ctx, w.Track.ID)
	must(t, err)
	diff(t, "themes of the track", []*parley.Theme{w.Theme, lull, early}, tr.Themes)

	// Replacing options keeps the ids of unchanged labels, in the new order.
	opts := []parley.Option{
		{Label: "until a deal", Description: "changed"},
		{Label: "none"},
		{Label: "60 days"},
	}
	up, err := s.UpdateTheme(ctx, lull.ID, parley.ThemeUpdate{Options: &opts})
	must(t, err)
	ids := map[string]int64{}
	for _, o := range lull.Options {
		ids[o.Label] = o.ID
	}
	if len(up.Options) != 3 || up.Options[0].ID != ids["until a deal"] || up.Options[1].ID != ids["none"] || up.Options[0].Description != "changed" {
		t.Errorf("options after update: %+v (old ids %v)", up.Options, ids)
	}
	for _, old := range ids {
		if up.Options[2].ID == old {
			t.Errorf("new option reuses id %d", old)
		}
	}
	got, err = s.FindThemeByID(ctx, lull.ID)
	must(t, err)
	diff(t, "updated theme", up, got)

	up, err = s.UpdateTheme(ctx, lull.ID, parley.ThemeUpdate{Name: ptr("Lull"), Description: ptr(""), Position: ptr(0)})
	must(t, err)
	if up.Name != "Lull" || up.Description != "" || up.Position != 0 || len(up.Options) != 3 {
		t.Errorf("after update: %+v", up)
	}
	themes, err = s.FindThemes(ctx, w.Track.ID)
	must(t, err)
	diff(t, "agenda after move", []*parley.Theme{w.Theme, up, early}, themes) // position 0, then by ID
}

func testThemeErrors(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	two := []parley.Option{{Label: "a"}, {Label: "b"}}
	second := &parley.Theme{TrackID: w.Track.ID, Name: "Prisoners", Options: two}
	must(t, s.CreateTheme(ctx, second))
	create := func(th parley.Theme) func() error { return func() error { return s.CreateTheme(ctx, &th) } }
	update := func(id int64, upd parley.ThemeUpdate) func() error {
		return func() error { _, err := s.UpdateTheme(ctx, id, upd); return err }
	}
	many := make([]parley.Option, parley.MaxOptions+1)
	for i := range many {
		many[i].Label = string(rune('A'+i%26)) + string(rune('a'+i/26))
	}
	checkRefusals(t, s, []refusal{
		{"duplicate name", parley.ECONFLICT, "name", []string{w.Theme.Name}, create(parley.Theme{TrackID: w.Track.ID, Name: w.Theme.Name, Options: two})},
		{"unknown track", parley.EINVALID, "track_id", []string{"track 999 does not exist"}, create(parley.Theme{TrackID: 999, Name: "X", Options: two})},
		{"missing name", parley.EINVALID, "name", nil, create(parley.Theme{TrackID: w.Track.ID, Options: two})},
		{"overlong name", parley.EINVALID, "name", nil, create(parley.Theme{TrackID: w.Track.ID, Name: longName, Options: two})},
		{"bad UTF-8 description", parley.EINVALID, "description", nil, create(parley.Theme{TrackID: w.Track.ID, Name: "X", Description: badUTF8, Options: two})},
		{"one option", parley.EINVALID, "options", nil, create(parley.Theme{TrackID: w.Track.ID, Name: "X", Options: two[:1]})},
		{"too many options", parley.EINVALID, "options", nil, create(parley.Theme{TrackID: w.Track.ID, Name: "X", Options: many})},
		{"option twice", parley.EINVALID, "options.label", nil, create(parley.Theme{TrackID: w.Track.ID, Name: "X", Options: []parley.Option{{Label: "a"}, {Label: "a"}}})},
		{"blank option", parley.EINVALID, "options.label", nil, create(parley.Theme{TrackID: w.Track.ID, Name: "X", Options: []parley.Option{{Label: "a"}, {Label: ""}}})},
		{"negative position", parley.EINVALID, "position", nil, create(parley.Theme{TrackID: w.Track.ID, Name: "X", Position: -1, Options: two})},
		{"update unknown", parley.ENOTFOUND, "", nil, update(999, parley.ThemeUpdate{Name: ptr("X")})},
		{"update to taken name", parley.ECONFLICT, "name", nil, update(second.ID, parley.ThemeUpdate{Name: ptr(w.Theme.Name)})},
		{"update negative position", parley.EINVALID, "position", nil, update(second.ID, parley.ThemeUpdate{Position: ptr(-1)})},
		{"update to one option", parley.EINVALID, "options", nil, update(second.ID, parley.ThemeUpdate{Options: &[]parley.Option{{Label: "a"}}})},
		{"update with option twice", parley.EINVALID, "options.label", nil, update(second.ID, parley.ThemeUpdate{Options: &[]parley.Option{{Label: "a"}, {Label: "a"}}})},
	})
	_, err := s.FindThemeByID(ctx, 999)
	checkErr(t, err, parley.ENOTFOUND, "")
	_, err = s.FindThemes(ctx, 999)
	checkErr(t, err, parley.ENOTFOUND, "")
}
