package parley

import (
	"context"
	"time"
)

// A second factor proves, after the password, that the person signing in
// holds something of theirs: an authenticator app's TOTP secret (package
// totp), or one of the recovery codes it came with. A user with a
// confirmed second factor signs in with the password and then a code; API
// tokens are a second secret of their own and are not asked for one.

// TOTPFactor is a user's authenticator app: its secret, which the store
// keeps sealed under the master key, and the last step whose code was
// accepted (so that no code is accepted twice). A factor is Confirmed once
// the user has typed a code from the app; until then it counts for
// nothing.
type TOTPFactor struct {
	UserID      int64      `json:"user_id"`
	Secret      []byte     `json:"-"` // never serialised
	LastStep    int64      `json:"-"` // -1 before the first code
	CreatedAt   time.Time  `json:"created_at"`
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
}

// Confirmed reports whether the factor is in force.
func (f *TOTPFactor) Confirmed() bool { return f != nil && f.ConfirmedAt != nil }

// SecondFactorService keeps users' second factors. Enrolment, its
// confirmation and removal are the user's own (an administrator may also
// remove one: a lost phone); reading a factor's secret and recording the
// use of a code are the sign-in machinery's, acting as System (EFORBIDDEN
// for anyone else). Every other caller gets ENOTFOUND.
type SecondFactorService interface {
	// StartTOTP begins the user's enrolment with secret, replacing an
	// unconfirmed one; ECONFLICT if a confirmed factor exists.
	StartTOTP(ctx context.Context, userID int64, secret []byte) error
	// FindTOTP returns the user's factor, confirmed or not, or ENOTFOUND;
	// the user or System.
	FindTOTP(ctx context.Context, userID int64) (*TOTPFactor, error)
	// ConfirmTOTP puts the user's unconfirmed factor in force, records
	// step as used and replaces the user's recovery codes with the ones
	// hashed in recoveryHashes (SHA-256 each); ENOTFOUND if there is no
	// factor, ECONFLICT if it is already confirmed.
	ConfirmTOTP(ctx context.Context, userID int64, step int64, recoveryHashes [][]byte) error
	// UseTOTPStep records step as the last one used; EINVALID if it is
	// not after the last one (a replayed code). System only.
	UseTOTPStep(ctx context.Context, userID int64, step int64) error
	// UseRecoveryCode strikes out the user's unused recovery code whose
	// SHA-256 is hash; ENOTFOUND if there is none. System only.
	UseRecoveryCode(ctx context.Context, userID int64, hash []byte) error
	// RecoveryCodesLeft counts the user's unused recovery codes; the user
	// or System.
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)
	// RequireSecondFactor makes a second factor required (or no longer)
	// of every member of the track: a member without one holds no grant
	// on it. Administrators only; ENOTFOUND if there is no such track.
	RequireSecondFactor(ctx context.Context, trackID int64, required bool) error
	// TracksRequiringSecondFactor lists the tracks that require a second
	// factor of their members, by ID; System or an administrator.
	TracksRequiringSecondFactor(ctx context.Context) ([]int64, error)
	// DeleteTOTP removes the user's factor and recovery codes; the user or
	// an administrator. ENOTFOUND if there is none.
	DeleteTOTP(ctx context.Context, userID int64) error
}
