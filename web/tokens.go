package web

import (
	"net/http"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
)

// API tokens: a user makes, lists and revokes its own. The secret is in the
// answer to POST only; the store keeps its SHA-256.

// tokenInput is the body of POST /api/v1/tokens.
type tokenInput struct {
	Name string `json:"name"`
}

// tokenCreated answers POST /api/v1/tokens: the token's record and, once,
// its secret.
type tokenCreated struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	Token     string    `json:"token"` // use as Authorization: Bearer <token>; shown once
}

// callerOf returns the signed-in user as the caller, or 401.
func callerOf(r *http.Request) (*parley.Caller, error) {
	c := parley.CallerFromContext(r.Context())
	if c.User == nil {
		return nil, errSignInFirst
	}
	return c, nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	c, err := callerOf(r)
	if err != nil {
		return err
	}
	page, err := queryPage(r)
	if err != nil {
		return err
	}
	tokens, err := s.store.FindTokens(trusted(r), c.User.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageOf(tokens, page))
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	c, err := callerOf(r)
	if err != nil {
		return err
	}
	var in tokenInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	secret := password.NewToken()
	h := password.HashToken(secret)
	t := &parley.APIToken{SecretHash: h[:], UserID: c.User.ID, Name: in.Name}
	if err := t.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateToken(trusted(r), t); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tokens")
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, tokenCreated{ID: t.ID, UserID: t.UserID, Name: t.Name, CreatedAt: t.CreatedAt, Token: secret})
}

// revokeToken revokes one of the caller's tokens; another user's is 404.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	c, err := callerOf(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.store.FindTokenByID(trusted(r), id)
	if err != nil {
		return err
	}
	if t.UserID != c.User.ID {
		return notFound("token", id)
	}
	if _, err := s.store.RevokeToken(trusted(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
