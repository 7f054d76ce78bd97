package action

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/totp"
	qrcode "github.com/skip2/go-qrcode"
)

// The caller's second factor: enrolling an authenticator app (its secret
// shown once, as text and as a QR code, then confirmed with a code from
// the app, which brings the recovery codes, also shown once) and removing
// it with a current code. Signing in with it is package authn's.

// SecondFactorStatus is what the account page says of the caller's second
// factor.
type SecondFactorStatus struct {
	TOTP              bool `json:"totp"`                // an authenticator app is in force
	Enrolling         bool `json:"enrolling"`           // one is set up but not yet confirmed
	RecoveryCodesLeft int  `json:"recovery_codes_left"` // unused recovery codes
}

// TOTPEnrolment is an authenticator app's secret just made, shown this
// once: as text to type, as the otpauth:// URI and as that URI's QR code
// (an SVG document).
type TOTPEnrolment struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
	QRCode string `json:"-"`
}

// CodeInput is a form with a code of the caller's authenticator app.
type CodeInput struct {
	Code string `json:"code"`
}

func (a *Actions) secondFactors(ctx context.Context) (parley.SecondFactorService, *parley.User, error) {
	sf, ok := a.Store.(parley.SecondFactorService)
	if !ok {
		return nil, nil, parley.Errorf(parley.EUNAVAILABLE, "", "this server keeps no second factors")
	}
	c := parley.CallerFromContext(ctx)
	if c.User == nil {
		return nil, nil, parley.Errorf(parley.EUNAUTHORIZED, "", "sign in first")
	}
	return sf, c.User, nil
}

// SecondFactor says what second factor the caller has.
func (a *Actions) SecondFactor(ctx context.Context) (*SecondFactorStatus, error) {
	sf, u, err := a.secondFactors(ctx)
	if err != nil {
		return nil, err
	}
	var st SecondFactorStatus
	f, err := sf.FindTOTP(ctx, u.ID)
	switch {
	case parley.ErrorCode(err) == parley.ENOTFOUND:
		return &st, nil
	case err != nil:
		return nil, err
	}
	st.TOTP, st.Enrolling = f.Confirmed(), !f.Confirmed()
	if st.TOTP {
		if st.RecoveryCodesLeft, err = sf.RecoveryCodesLeft(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	return &st, nil
}

// StartTOTP makes a new secret for the caller's authenticator app, to be
// confirmed with ConfirmTOTP; issuer names this server in the app.
func (a *Actions) StartTOTP(ctx context.Context, issuer string) (*TOTPEnrolment, error) {
	sf, u, err := a.secondFactors(ctx)
	if err != nil {
		return nil, err
	}
	secret := totp.NewSecret()
	if err := sf.StartTOTP(ctx, u.ID, secret); err != nil {
		return nil, err
	}
	e := &TOTPEnrolment{Secret: secret.String(), URI: totp.URI(secret, issuer, u.Email)}
	if e.QRCode, err = qrSVG(e.URI); err != nil {
		return nil, err
	}
	return e, nil
}

// ConfirmTOTP puts the caller's new authenticator app in force with a code
// from it (at now, the sign-in's clock) and returns the recovery codes,
// which are shown this once.
func (a *Actions) ConfirmTOTP(ctx context.Context, in CodeInput, now time.Time) ([]string, error) {
	sf, u, err := a.secondFactors(ctx)
	if err != nil {
		return nil, err
	}
	f, err := sf.FindTOTP(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if f.Confirmed() {
		return nil, parley.Errorf(parley.ECONFLICT, "", "the authenticator app is already confirmed")
	}
	step, err := totp.Verify(f.Secret, in.Code, now, f.LastStep)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "code", "the code is wrong: type the six digits the app shows now")
	}
	codes := password.NewRecoveryCodes()
	hashes := make([][]byte, len(codes))
	for i, c := range codes {
		h := password.HashRecoveryCode(c)
		hashes[i] = h[:]
	}
	if err := sf.ConfirmTOTP(ctx, u.ID, step, hashes); err != nil {
		return nil, err
	}
	return codes, nil
}

// RemoveTOTP removes the caller's authenticator app and its recovery codes,
// given a current code from it at now (or, for one never confirmed, none).
func (a *Actions) RemoveTOTP(ctx context.Context, in CodeInput, now time.Time) error {
	sf, u, err := a.secondFactors(ctx)
	if err != nil {
		return err
	}
	f, err := sf.FindTOTP(ctx, u.ID)
	if err != nil {
		return err
	}
	if f.Confirmed() {
		if _, err := totp.Verify(f.Secret, in.Code, now, f.LastStep); err != nil {
			return parley.Errorf(parley.EINVALID, "code", "the code is wrong: type the six digits the app shows now")
		}
	}
	return sf.DeleteTOTP(ctx, u.ID)
}

// RequirementInput says whether a track requires a second factor of its
// members.
type RequirementInput struct {
	Required bool `json:"required"`
}

// SecondFactorRequirement is a track's requirement as it now stands.
type SecondFactorRequirement struct {
	TrackID  int64 `json:"track_id"`
	Required bool  `json:"required"`
}

// RequireSecondFactor makes a second factor required of every member of
// the track, or no longer (administrators): a member without one holds no
// grant on the track until it sets one up.
func (a *Actions) RequireSecondFactor(ctx context.Context, trackID int64, in RequirementInput) (*SecondFactorRequirement, error) {
	sf, ok := a.Store.(parley.SecondFactorService)
	if !ok {
		return nil, parley.Errorf(parley.EUNAVAILABLE, "", "this server keeps no second factors")
	}
	if err := sf.RequireSecondFactor(ctx, trackID, in.Required); err != nil {
		return nil, err
	}
	return &SecondFactorRequirement{TrackID: trackID, Required: in.Required}, nil
}

// TrackRequiresSecondFactor reports whether the track requires a second
// factor of its members (administrators).
func (a *Actions) TrackRequiresSecondFactor(ctx context.Context, trackID int64) (bool, error) {
	sf, ok := a.Store.(parley.SecondFactorService)
	if !ok {
		return false, nil
	}
	ids, err := sf.TracksRequiringSecondFactor(ctx)
	return slices.Contains(ids, trackID), err
}

// HasSecondFactor reports whether the user has a confirmed second factor;
// ctx acts as System.
func HasSecondFactor(ctx context.Context, store parley.Store, userID int64) (bool, error) {
	sf, ok := store.(parley.SecondFactorService)
	if !ok {
		return false, nil
	}
	f, err := sf.FindTOTP(ctx, userID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return f.Confirmed(), nil
}

// CallerOf is the caller a credential of the user (a session, an API
// token, a calendar feed) stands for: the user with its grants, less those
// on tracks that require a second factor when the user has none, which
// are listed in Withheld. ctx acts as System. Every credential's caller
// is made here, so the store's audience check never sees a withheld grant.
func CallerOf(ctx context.Context, store parley.Store, u *parley.User) (*parley.Caller, error) {
	grants, err := store.FindMembershipsOfUser(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	c := &parley.Caller{User: u, Grants: grants}
	sf, ok := store.(parley.SecondFactorService)
	if !ok || len(grants) == 0 {
		return c, nil
	}
	required, err := sf.TracksRequiringSecondFactor(ctx)
	if err != nil || len(required) == 0 {
		return c, err
	}
	has, err := HasSecondFactor(ctx, store, u.ID)
	if err != nil || has {
		return c, err
	}
	c.Grants = nil
	for _, g := range grants {
		if slices.Contains(required, g.TrackID) {
			if !slices.Contains(c.Withheld, g.TrackID) {
				c.Withheld = append(c.Withheld, g.TrackID)
			}
			continue
		}
		c.Grants = append(c.Grants, g)
	}
	return c, nil
}

// qrSVG is the QR code of text as an SVG document, one square per dark
// module, with the quiet zone the encoder adds.
func qrSVG(text string) (string, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return "", fmt.Errorf("QR code: %w", err)
	}
	bits := q.Bitmap()
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges" role="img">`,
		len(bits), len(bits), 4*len(bits), 4*len(bits))
	b.WriteString(`<rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="`)
	for y, row := range bits {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
