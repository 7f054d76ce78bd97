package web

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
)

// Accounts are created by the demo, by `parley user add` and by an
// administrator through POST /api/v1/users, with a password.

// userInput is the body of POST /api/v1/users.
type userInput struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
	Admin    bool   `json:"admin,omitempty"`
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	var in userInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	u := &parley.User{Email: parley.NormalizeEmail(in.Email), Name: in.Name, Admin: in.Admin}
	if err := u.Validate(); err != nil {
		return err
	}
	if err := password.CheckLength(in.Password); err != nil {
		return parley.Errorf(parley.EINVALID, "password", "the password must be %d to %d bytes long", password.MinPasswordLen, password.MaxPasswordLen)
	}
	h, err := password.Hash(in.Password, s.passwordParams())
	if err != nil {
		return err
	}
	u.PasswordHash = h
	if err := s.store.CreateUser(r.Context(), u); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/users", u.ID, u)
}

// passwordParams are the argon2id parameters of passwords the API sets.
func (s *Server) passwordParams() password.Params {
	if a, ok := s.auth.(*Auth); ok {
		return a.params
	}
	return password.DefaultParams
}

// getMe answers the caller's own account.
func (s *Server) getMe(w http.ResponseWriter, r *http.Request) error {
	c, err := callerOf(r)
	if err != nil {
		return err
	}
	u, err := s.store.FindUserByID(trusted(r), c.User.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	return listPage(w, r, s.store.FindUsers)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	return getOne(w, r, s.store.FindUserByID)
}

// updateUser changes an account; disabling one also ends its sessions (the
// Authenticator refuses a disabled account's requests in any case).
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) error {
	return patchOne(w, r, func(ctx context.Context, id int64, upd parley.UserUpdate) (*parley.User, error) {
		u, err := s.store.UpdateUser(ctx, id, upd)
		if err == nil && u.Disabled {
			if _, err := s.store.DeleteSessionsOfUser(trusted(r), id); err != nil {
				s.log.LogAttrs(ctx, slog.LevelWarn, "end sessions of a disabled user", slog.Int64("user_id", id), slog.String("error", err.Error()))
			}
		}
		return u, err
	})
}
