package parley

import (
	"context"
	"time"
)

// Session is a signed-in browser or API client, kept on the server. The
// client holds a random secret (in a cookie, or as a bearer token); the
// store keeps only its SHA-256 (SecretHash), so a copy of the database
// yields no usable session. A session ends when it is deleted (sign-out),
// when it has not been used until IdleExpiresAt, or at ExpiresAt, however
// busy it is.
type Session struct {
	ID            int64     `json:"id"`
	SecretHash    []byte    `json:"-"` // SHA-256 of the client's secret; never serialised
	UserID        int64     `json:"user_id"`
	CreatedAt     time.Time `json:"created_at"`
	LastSeenAt    time.Time `json:"last_seen_at"`
	IdleExpiresAt time.Time `json:"idle_expires_at"` // moves forward with every use
	ExpiresAt     time.Time `json:"expires_at"`      // absolute: never moves
}

// Expired reports whether the session may no longer be used at now.
func (s *Session) Expired(now time.Time) bool {
	return !now.Before(s.IdleExpiresAt) || !now.Before(s.ExpiresAt)
}

// SessionService keeps sessions, for the sign-in machinery, which acts as
// parley.System: finding a session by its secret, recording its use and
// ending it are System's alone (EFORBIDDEN for anyone else); a user or an
// administrator may also start a session of that user and end all of them
// (ENOTFOUND for anyone else).
type SessionService interface {
	// CreateSession stores s, setting its ID. SecretHash must be a SHA-256
	// (32 bytes); ECONFLICT if another session has it.
	CreateSession(ctx context.Context, s *Session) error
	// FindSessionByHash returns the session whose secret hashes to hash, or
	// ENOTFOUND. It does not check expiry.
	FindSessionByHash(ctx context.Context, hash []byte) (*Session, error)
	// TouchSession records a use at seen and moves the idle expiry to
	// idleExpires (never past the absolute expiry); ENOTFOUND.
	TouchSession(ctx context.Context, id int64, seen, idleExpires time.Time) error
	// DeleteSession ends a session; ENOTFOUND.
	DeleteSession(ctx context.Context, id int64) error
	// DeleteSessionsOfUser ends every session of the user and returns how
	// many there were (for a disabled account or a new password).
	DeleteSessionsOfUser(ctx context.Context, userID int64) (int, error)
}

// APIToken is a long-lived bearer credential for scripts, made by its
// owner or on the command line. Like a session, only the SHA-256 of its
// secret is stored, and the secret is shown once, when it is made.
type APIToken struct {
	ID         int64      `json:"id"`
	SecretHash []byte     `json:"-"` // SHA-256 of the token; never serialised
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// Validate checks the fields a caller sets.
func (t *APIToken) Validate() error {
	if t.UserID <= 0 {
		return Errorf(EINVALID, "user_id", "user_id is required")
	}
	return checkName("name", t.Name)
}

// TokenService keeps API tokens. A user's tokens are made, listed, read
// and revoked by that user, an administrator or System (ENOTFOUND for
// anyone else); finding a token by its secret and recording its use are
// System's alone (EFORBIDDEN for anyone else).
type TokenService interface {
	// CreateToken stores t, setting its ID and CreatedAt. EINVALID if the
	// user does not exist; ECONFLICT if another token has the hash.
	CreateToken(ctx context.Context, t *APIToken) error
	// FindTokens lists the user's tokens, revoked ones too, ordered by ID.
	FindTokens(ctx context.Context, userID int64) ([]*APIToken, error)
	// FindTokenByID returns the token or ENOTFOUND.
	FindTokenByID(ctx context.Context, id int64) (*APIToken, error)
	// FindTokenByHash returns the token whose secret hashes to hash, or
	// ENOTFOUND. It returns revoked tokens too; the caller checks RevokedAt.
	FindTokenByHash(ctx context.Context, hash []byte) (*APIToken, error)
	// TouchToken records a use of the token at used.
	TouchToken(ctx context.Context, id int64, used time.Time) error
	// RevokeToken marks the token revoked; ENOTFOUND. Revoking a revoked
	// token changes nothing.
	RevokeToken(ctx context.Context, id int64) (*APIToken, error)
}

// CalendarFeed is the secret URL of a user's calendar feed: the meetings
// of every track the user sees, for a calendar program to subscribe to.
// Like a token, only the SHA-256 of its secret is stored, the secret is
// shown once, when it is made, and a feed is revoked, never deleted.
type CalendarFeed struct {
	ID         int64      `json:"id"`
	SecretHash []byte     `json:"-"` // SHA-256 of the secret; never serialised
	UserID     int64      `json:"user_id"`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// CalendarFeedService keeps users' calendar feeds.
type CalendarFeedService interface {
	// CreateCalendarFeed stores f (its SecretHash and UserID set), setting
	// its ID and CreatedAt; the user or an administrator.
	CreateCalendarFeed(ctx context.Context, f *CalendarFeed) error
	// FindCalendarFeeds lists the user's feeds, revoked ones too, by ID;
	// ENOTFOUND for anyone but the user or an administrator.
	FindCalendarFeeds(ctx context.Context, userID int64) ([]*CalendarFeed, error)
	// FindCalendarFeedByHash returns the feed whose secret hashes to hash
	// (revoked or not), or ENOTFOUND; System only.
	FindCalendarFeedByHash(ctx context.Context, hash []byte) (*CalendarFeed, error)
	// RevokeCalendarFeed revokes the feed; a revoked feed keeps its first
	// revocation time. ENOTFOUND for anyone but its user or an
	// administrator.
	RevokeCalendarFeed(ctx context.Context, id int64) (*CalendarFeed, error)
}

// LanguageService keeps the language each user chose.
type LanguageService interface {
	// UserLanguage is the language the user chose (a BCP 47 tag), or ""
	// for none; the user, an administrator or System.
	UserLanguage(ctx context.Context, userID int64) (string, error)
	// SetUserLanguage keeps the user's choice ("" forgets it); the user
	// or an administrator.
	SetUserLanguage(ctx context.Context, userID int64, language string) error
}
