package web

import (
	"net/http"
	"reflect"
	"strconv"

	"github.com/parley-talks/parley"
)

// The audit ledger's proofs. Any signed-in caller may ask; the store applies
// the audience check to the entry of an inclusion proof (an entry of a track
// carries the audience of the record it concerns), and consistency proofs
// reveal hashes only.

func (s *Server) auditRoutes() []route {
	const ok = http.StatusOK
	sizes := []queryParam{
		{"old", "tree size of the older checkpoint", map[string]any{"type": "integer", "format": "int64", "minimum": 1}},
		{"new", "tree size of the newer checkpoint", map[string]any{"type": "integer", "format": "int64", "minimum": 1}},
	}
	return []route{
		{method: "GET", pattern: "/api/v1/audit/checkpoints", policy: PolicySignedIn, id: "listCheckpoints", summary: "The tree sizes of the ledger's signed checkpoints",
			handle: s.listCheckpoints, status: ok, resp: reflect.TypeFor[[]int64]()},
		{method: "GET", pattern: "/api/v1/audit/entries/{index}/proof", policy: PolicySignedIn, id: "proveInclusion", summary: "An audit entry the caller may see, with a proof of its inclusion in the ledger",
			handle: s.proveInclusion, status: ok, resp: reflect.TypeFor[parley.InclusionProof]()},
		{method: "GET", pattern: "/api/v1/audit/consistency", policy: PolicySignedIn, id: "proveConsistency", summary: "A proof that one signed checkpoint extends another",
			handle: s.proveConsistency, query: sizes, status: ok, resp: reflect.TypeFor[parley.ConsistencyProof]()},
	}
}

func (s *Server) listCheckpoints(w http.ResponseWriter, r *http.Request) error {
	sizes, err := s.store.AuditCheckpoints(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sizes)
}

func (s *Server) proveInclusion(w http.ResponseWriter, r *http.Request) error {
	v := r.PathValue("index")
	index, err := strconv.ParseInt(v, 10, 64)
	if err != nil || index < 0 {
		return parley.Errorf(parley.EINVALID, "index", "path parameter %q must be an entry index ≥ 0, not %q", "index", v)
	}
	p, err := s.store.ProveInclusion(r.Context(), index)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) proveConsistency(w http.ResponseWriter, r *http.Request) error {
	var sizes [2]int64
	for i, name := range []string{"old", "new"} {
		v := r.URL.Query().Get(name)
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return parley.Errorf(parley.EINVALID, name, "query parameter %q must be a tree size ≥ 1, not %q", name, v)
		}
		sizes[i] = n
	}
	p, err := s.store.ProveConsistency(r.Context(), sizes[0], sizes[1])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}
