package storetest

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"github.com/parley-talks/parley"
)

// Users' second factors: enrolment, confirmation with recovery codes, use
// of codes (never twice), removal, and who may do each.

func recoveryHashes(codes ...string) [][]byte {
	var out [][]byte
	for _, c := range codes {
		h := sha256.Sum256([]byte(c))
		out = append(out, h[:])
	}
	return out
}

func testSecondFactors(t *testing.T, s parley.Store) {
	sf, ok := s.(parley.SecondFactorService)
	if !ok {
		t.Skip("the store keeps no second factors")
	}
	u := &parley.User{Email: "ua@demo.parley", Name: "Delegate"}
	must(t, s.CreateUser(ctx, u))
	other := &parley.User{Email: "ru@demo.parley", Name: "Other"}
	must(t, s.CreateUser(ctx, other))
	admin := &parley.User{Email: "admin@demo.parley", Name: "Admin", Admin: true}
	must(t, s.CreateUser(ctx, admin))
	self := callerCtx(u)
	secret := bytes.Repeat([]byte{7}, 20)

	if _, err := sf.FindTOTP(self, u.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Fatalf("a factor before enrolment: %v", err)
	}
	must(t, sf.StartTOTP(self, u.ID, bytes.Repeat([]byte{1}, 20)))
	must(t, sf.StartTOTP(self, u.ID, secret)) // a second start replaces the first
	f, err := sf.FindTOTP(self, u.ID)
	must(t, err)
	if !bytes.Equal(f.Secret, secret) || f.Confirmed() || f.LastStep != -1 || f.CreatedAt.IsZero() {
		t.Fatalf("an unconfirmed factor: %+v", f)
	}
	must(t, sf.ConfirmTOTP(self, u.ID, 100, recoveryHashes("a", "b", "c")))
	f, err = sf.FindTOTP(ctx, u.ID)
	must(t, err)
	if !f.Confirmed() || f.LastStep != 100 || !bytes.Equal(f.Secret, secret) {
		t.Fatalf("a confirmed factor: %+v", f)
	}
	if n, err := sf.RecoveryCodesLeft(self, u.ID); err != nil || n != 3 {
		t.Fatalf("recovery codes left: %d, %v", n, err)
	}
	must(t, sf.UseTOTPStep(ctx, u.ID, 101))
	a := recoveryHashes("a")[0]
	must(t, sf.UseRecoveryCode(ctx, u.ID, a))
	if n, err := sf.RecoveryCodesLeft(ctx, u.ID); err != nil || n != 2 {
		t.Fatalf("recovery codes left after one use: %d, %v", n, err)
	}
	checkRefusals(t, s, []refusal{
		{"a replayed step", parley.EINVALID, "code", nil, func() error { return sf.UseTOTPStep(ctx, u.ID, 101) }},
		{"an earlier step", parley.EINVALID, "code", nil, func() error { return sf.UseTOTPStep(ctx, u.ID, 99) }},
		{"a used recovery code", parley.ENOTFOUND, "", nil, func() error { return sf.UseRecoveryCode(ctx, u.ID, a) }},
		{"another user's recovery code", parley.ENOTFOUND, "", nil, func() error { return sf.UseRecoveryCode(ctx, other.ID, recoveryHashes("b")[0]) }},
		{"a start over a confirmed factor", parley.ECONFLICT, "", nil, func() error { return sf.StartTOTP(self, u.ID, secret) }},
		{"a second confirmation", parley.ECONFLICT, "", nil, func() error { return sf.ConfirmTOTP(self, u.ID, 200, nil) }},
		{"a short secret", parley.EINVALID, "secret", nil, func() error { return sf.StartTOTP(callerCtx(other), other.ID, []byte("short")) }},
		{"a start for another user", parley.ENOTFOUND, "", nil, func() error { return sf.StartTOTP(callerCtx(other), u.ID, secret) }},
		{"an administrator's start for a user", parley.ENOTFOUND, "", nil, func() error { return sf.StartTOTP(callerCtx(admin), u.ID, secret) }},
		{"a confirmation for another user", parley.ENOTFOUND, "", nil, func() error { return sf.ConfirmTOTP(callerCtx(other), u.ID, 300, nil) }},
		{"a user records a step", parley.EFORBIDDEN, "", nil, func() error { return sf.UseTOTPStep(self, u.ID, 300) }},
		{"a user strikes a code out", parley.EFORBIDDEN, "", nil, func() error { return sf.UseRecoveryCode(self, u.ID, recoveryHashes("b")[0]) }},
		{"another user removes the factor", parley.ENOTFOUND, "", nil, func() error { return sf.DeleteTOTP(callerCtx(other), u.ID) }},
	})
	if _, err := sf.FindTOTP(callerCtx(other), u.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("another user reads the factor: %v", err)
	}
	if _, err := sf.FindTOTP(callerCtx(admin), u.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("an administrator reads the factor's secret: %v", err)
	}
	if _, err := sf.RecoveryCodesLeft(callerCtx(other), u.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("another user counts the recovery codes: %v", err)
	}
	// An administrator removes a lost phone's factor; the codes go with it.
	must(t, sf.DeleteTOTP(callerCtx(admin), u.ID))
	if _, err := sf.FindTOTP(ctx, u.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("a removed factor: %v", err)
	}
	if n, err := sf.RecoveryCodesLeft(ctx, u.ID); err != nil || n != 0 {
		t.Errorf("recovery codes of a removed factor: %d, %v", n, err)
	}
	if err := sf.UseRecoveryCode(ctx, u.ID, recoveryHashes("b")[0]); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("a recovery code of a removed factor: %v", err)
	}
	if err := sf.DeleteTOTP(self, u.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("removing no factor: %v", err)
	}
	// Enrolment starts anew after removal.
	must(t, sf.StartTOTP(self, u.ID, secret))
}

// secondFactorTamperExtras gives the tamper fixture a confirmed factor and
// recovery codes, one of them used.
func secondFactorTamperExtras(t *testing.T, s parley.Store) {
	t.Helper()
	sf := s.(parley.SecondFactorService)
	users, _, err := s.FindUsers(ctx, parley.Page{Limit: 3})
	must(t, err)
	if len(users) < 2 {
		t.Fatal("the tamper fixture has fewer than two users")
	}
	for i, u := range users[:2] {
		self := callerCtx(u)
		must(t, sf.StartTOTP(self, u.ID, bytes.Repeat([]byte{byte(i + 1)}, 20)))
		must(t, sf.ConfirmTOTP(self, u.ID, int64(100+i), recoveryHashes(u.Email+" a", u.Email+" b")))
	}
	must(t, sf.UseRecoveryCode(ctx, users[0].ID, recoveryHashes(users[0].Email + " a")[0]))
	tracks, _, err := s.FindTracks(ctx, parley.TrackFilter{})
	must(t, err)
	if len(tracks) < 2 {
		t.Fatal("the tamper fixture has fewer than two tracks")
	}
	for _, tr := range tracks[:2] {
		must(t, sf.RequireSecondFactor(ctx, tr.ID, true))
	}
}

func init() {
	readers["totp_factors"] = func(s parley.Store, r map[string]any) error {
		_, err := s.(parley.SecondFactorService).FindTOTP(ctx, rowInt(r, "user_id"))
		return err
	}
	readers["second_factor_tracks"] = func(s parley.Store, r map[string]any) error {
		_, err := s.(parley.SecondFactorService).TracksRequiringSecondFactor(ctx)
		return err
	}
	readers["recovery_codes"] = func(s parley.Store, r map[string]any) error {
		_, err := s.(parley.SecondFactorService).RecoveryCodesLeft(ctx, rowInt(r, "user_id"))
		return err
	}
}

func testSecondFactorTracks(t *testing.T, s parley.Store) {
	sf, ok := s.(parley.SecondFactorService)
	if !ok {
		t.Skip("the store keeps no second factors")
	}
	tr := &parley.Track{Title: "Grain corridor", Status: parley.StatusExploratory}
	must(t, s.CreateTrack(ctx, tr))
	other := &parley.Track{Title: "Energy", Status: parley.StatusExploratory}
	must(t, s.CreateTrack(ctx, other))
	u := &parley.User{Email: "ua@demo.parley", Name: "Delegate"}
	must(t, s.CreateUser(ctx, u))
	admin := &parley.User{Email: "admin@demo.parley", Name: "Admin", Admin: true}
	must(t, s.CreateUser(ctx, admin))
	list := func(want ...int64) {
		t.Helper()
		got, err := sf.TracksRequiringSecondFactor(ctx)
		must(t, err)
		if len(got) == 0 {
			got = nil
		}
		diff(t, "tracks requiring a second factor", want, got)
	}
	list()
	must(t, sf.RequireSecondFactor(callerCtx(admin), other.ID, true))
	must(t, sf.RequireSecondFactor(callerCtx(admin), tr.ID, true))
	must(t, sf.RequireSecondFactor(callerCtx(admin), tr.ID, true)) // as it is
	list(tr.ID, other.ID)
	must(t, sf.RequireSecondFactor(ctx, other.ID, false))
	must(t, sf.RequireSecondFactor(ctx, other.ID, false))
	list(tr.ID)
	checkRefusals(t, s, []refusal{
		{"a member requires it", parley.EFORBIDDEN, "", nil, func() error { return sf.RequireSecondFactor(callerCtx(u), tr.ID, false) }},
		{"no such track", parley.ENOTFOUND, "", nil, func() error { return sf.RequireSecondFactor(ctx, 9999, true) }},
	})
	if _, err := sf.TracksRequiringSecondFactor(callerCtx(u)); parley.ErrorCode(err) != parley.EFORBIDDEN {
		t.Errorf("a user lists the tracks requiring a second factor: %v", err)
	}
	list(tr.ID)
}
