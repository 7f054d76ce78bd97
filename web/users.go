package web

import "net/http"

// Accounts are created by the demo and, with the confidentiality work, by
// `parley user add` and an admin route that takes a password; until then
// the API only reads and changes them.

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	return listPage(w, r, s.store.FindUsers)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	return getOne(w, r, s.store.FindUserByID)
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) error {
	return patchOne(w, r, s.store.UpdateUser)
}
