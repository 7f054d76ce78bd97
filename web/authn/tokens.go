package authn

import (
	"context"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/route"
)

// API tokens: a user makes, lists and revokes its own. The secret is in the
// answer to POST only; the store keeps its SHA-256.

// TokenInput is the body of POST /api/v1/tokens.
type TokenInput struct {
	Name string `json:"name"`
}

// TokenCreated answers POST /api/v1/tokens: the token's record and, once,
// its secret.
type TokenCreated struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	Token     string    `json:"token"` // use as Authorization: Bearer <token>; shown once
}

// SignedIn returns the signed-in user as the caller, or 401.
func SignedIn(ctx context.Context) (*parley.Caller, error) {
	c := parley.CallerFromContext(ctx)
	if c.User == nil {
		return nil, route.ErrSignInFirst
	}
	return c, nil
}

// Tokens lists the caller's API tokens, never their secrets.
func (a *Auth) Tokens(ctx context.Context) ([]*parley.APIToken, error) {
	c, err := SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	return a.store.FindTokens(action.System(ctx), c.User.ID)
}

// CreateToken makes an API token for the caller; the answer holds its
// secret, which nothing stores.
func (a *Auth) CreateToken(ctx context.Context, in TokenInput) (*TokenCreated, error) {
	c, err := SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	secret := password.NewToken()
	h := password.HashToken(secret)
	t := &parley.APIToken{SecretHash: h[:], UserID: c.User.ID, Name: in.Name}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if err := a.store.CreateToken(action.System(ctx), t); err != nil {
		return nil, err
	}
	return &TokenCreated{ID: t.ID, UserID: t.UserID, Name: t.Name, CreatedAt: t.CreatedAt, Token: secret}, nil
}

// RevokeToken revokes one of the caller's tokens; another user's is 404.
func (a *Auth) RevokeToken(ctx context.Context, id int64) error {
	c, err := SignedIn(ctx)
	if err != nil {
		return err
	}
	t, err := a.store.FindTokenByID(action.System(ctx), id)
	if err != nil {
		return err
	}
	if t.UserID != c.User.ID {
		return action.NotFound("token", id)
	}
	_, err = a.store.RevokeToken(action.System(ctx), id)
	return err
}
