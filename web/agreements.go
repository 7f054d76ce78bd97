package web

import (
	"net/http"
	"reflect"

	"github.com/parley-talks/parley"
)

// Agreements and their implementation: a track's agreements (map data),
// their status history and renewals, commitments, monitoring reports (the
// evidence sealed to the report's audience: the store opens it only for
// those who read it), implementation scores, the roll-up of the scores,
// the early warning and a party's trust record. The store applies the
// rules; these routes only shape requests and answers. No handler logs or
// echoes a report's evidence.

// agreementInput is the body of a new agreement; with text_version_id it
// is adopted from that frozen, agreed version.
type agreementInput struct {
	Title         string                    `json:"title"`
	TextVersionID *int64                    `json:"text_version_id,omitempty"`
	Signatories   []int64                   `json:"signatories"`
	Effective     string                    `json:"effective"`
	DurationDays  int                       `json:"duration_days,omitempty"`
	RenewalTerms  string                    `json:"renewal_terms,omitempty"`
	NoticeDays    int                       `json:"notice_days,omitempty"`
	Warning       *parley.WarningThresholds `json:"warning,omitempty"`
}

// renewalInput renews an agreement to a later expiry.
type renewalInput struct {
	Date    string `json:"date"`
	Expires string `json:"expires"`
	Note    string `json:"note,omitempty"`
}

// commitmentInput is the body of a new commitment of the agreement in the
// path.
type commitmentInput struct {
	Obligor    int64             `json:"obligor"`
	Obligation string            `json:"obligation"`
	Due        string            `json:"due,omitempty"`
	Recurrence parley.Recurrence `json:"recurrence,omitempty"`
	Verifier   int64             `json:"verifier"`
	Clause     int               `json:"clause,omitempty"`
}

// reportInput is the body of a monitoring report on one of the commitments
// of the agreement in the path.
type reportInput struct {
	CommitmentID int64              `json:"commitment_id"`
	Date         string             `json:"date"`
	Source       string             `json:"source"`
	Reliability  parley.Reliability `json:"reliability"`
	Finding      parley.Finding     `json:"finding"`
	Audience     parley.Audience    `json:"audience"`
	Evidence     string             `json:"evidence,omitempty"`
}

// scoreInput is the body of a commitment's score for a period.
type scoreInput struct {
	CommitmentID int64  `json:"commitment_id"`
	Period       string `json:"period"`
	Value        int    `json:"value"`
	Note         string `json:"note,omitempty"`
}

// earlyWarning answers GET …/warning: always an object. triggered is false
// and warning absent when the thresholds were never met; otherwise warning
// is the last window that met them (active or history) and the
// commitments overdue as of as_of.
type earlyWarning struct {
	AsOf      string          `json:"as_of"`
	Triggered bool            `json:"triggered"`
	Warning   *parley.Warning `json:"warning,omitempty"`
}

func (s *Server) agreementRoutes() []route {
	const ok, created = http.StatusOK, http.StatusCreated
	a := func(method, suffix, id, summary string, handle handlerFunc, body, resp reflect.Type, status int, query []queryParam) route {
		return route{method: method, pattern: "/api/v1/agreements/{id}" + suffix, policy: PolicySignedIn, id: id, summary: summary,
			handle: handle, body: body, resp: resp, status: status, query: query}
	}
	return []route{
		{method: "GET", pattern: "/api/v1/tracks/{id}/agreements", policy: PolicyTrackReader, scope: scopeTrack, id: "listAgreements", summary: "The track's agreements with their status history and renewals, oldest first",
			handle: s.listAgreements, query: pageParams, status: ok, resp: reflect.TypeFor[List[*parley.Agreement]]()},
		{method: "POST", pattern: "/api/v1/tracks/{id}/agreements", policy: PolicyTrackEditor, scope: scopeTrack, id: "createAgreement", summary: "Enter an agreement, in force; with text_version_id it is adopted from a frozen, agreed version of the track's text (mediators)",
			handle: s.createAgreement, body: reflect.TypeFor[agreementInput](), status: created, resp: reflect.TypeFor[parley.Agreement]()},
		a("GET", "", "getAgreement", "An agreement with its status history and renewals", s.getAgreement, nil, reflect.TypeFor[parley.Agreement](), ok, nil),
		a("POST", "/transitions", "transitionAgreement", "Move an agreement to a new status with a reason: in force ⇄ suspended, then expired, collapsed or completed, which are final (mediators)",
			s.transitionAgreement, reflect.TypeFor[parley.AgreementTransitionRequest](), reflect.TypeFor[parley.Agreement](), ok, nil),
		a("POST", "/renewals", "renewAgreement", "Renew a live agreement to a later expiry (mediators)",
			s.renewAgreement, reflect.TypeFor[renewalInput](), reflect.TypeFor[parley.Agreement](), ok, nil),
		a("PUT", "/thresholds", "setWarningThresholds", "Set the thresholds of the agreement's early warning (mediators)",
			s.setWarningThresholds, reflect.TypeFor[parley.WarningThresholds](), reflect.TypeFor[parley.Agreement](), ok, nil),
		a("GET", "/commitments", "listCommitments", "The agreement's commitments, oldest first", s.listCommitments, nil, reflect.TypeFor[List[*parley.Commitment]](), ok, pageParams),
		a("POST", "/commitments", "createCommitment", "Add a commitment: obligor and verifier are parties of the track, the clause one of the adopted version (mediators)",
			s.createCommitment, reflect.TypeFor[commitmentInput](), reflect.TypeFor[parley.Commitment](), created, nil),
		a("GET", "/reports", "listReports", "The agreement's monitoring reports, oldest first by date; the evidence only where its audience includes the caller",
			s.listReports, nil, reflect.TypeFor[List[*parley.Report]](), ok, pageParams),
		a("POST", "/reports", "createReport", "Record a monitoring report on one of the agreement's commitments, its evidence sealed to its audience (mediators and the track's verifiers)",
			s.createReport, reflect.TypeFor[reportInput](), reflect.TypeFor[parley.Report](), created, nil),
		a("GET", "/scores", "listScores", "Every implementation score of the agreement's commitments, oldest first; a later score for a period supersedes an earlier one",
			s.listScores, nil, reflect.TypeFor[List[*parley.Score]](), ok, pageParams),
		a("POST", "/scores", "createScore", "Score a commitment's implementation for a period, 0 (not initiated) to 3 (full) (mediators)",
			s.createScore, reflect.TypeFor[scoreInput](), reflect.TypeFor[parley.Score](), created, nil),
		a("GET", "/implementation", "getImplementation", "The agreement's implementation per period from the latest scores, overall and per obligor party (by_party is keyed by party id)",
			s.getImplementation, nil, reflect.TypeFor[parley.ImplementationRollup](), ok, nil),
		a("GET", "/warning", "getEarlyWarning", "The agreement's early warning as of today: always an object; triggered false and no warning when its thresholds were never met",
			s.getEarlyWarning, nil, reflect.TypeFor[earlyWarning](), ok, nil),
		{method: "GET", pattern: "/api/v1/parties/{id}/trust", policy: PolicySignedIn, id: "getTrustRecord", summary: "A party's record of kept and broken commitments per quarter, across the agreements of the tracks the caller sees",
			handle: s.getTrustRecord, status: ok, resp: reflect.TypeFor[parley.TrustRecord]()},
	}
}

func (s *Server) listAgreements(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.FindAgreements)
}

func (s *Server) createAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in agreementInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	a := &parley.Agreement{TrackID: id, Title: in.Title, TextVersionID: in.TextVersionID, Signatories: in.Signatories, Effective: in.Effective,
		DurationDays: in.DurationDays, RenewalTerms: in.RenewalTerms, NoticeDays: in.NoticeDays}
	if in.Warning != nil {
		a.Warning = *in.Warning
		if err := a.Warning.Validate(); err != nil {
			return err
		}
	}
	if err := s.store.CreateAgreement(r.Context(), a); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/agreements", a.ID, a)
}

func (s *Server) getAgreement(w http.ResponseWriter, r *http.Request) error {
	return getOne(w, r, s.store.FindAgreementByID)
}

// agreementChange decodes a body of type B and applies change to the
// agreement in the path, answering the agreement as it is afterwards.
func agreementChange[B any](w http.ResponseWriter, r *http.Request, change func(id int64, in *B) (*parley.Agreement, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in B
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	a, err := change(id, &in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}

func (s *Server) transitionAgreement(w http.ResponseWriter, r *http.Request) error {
	return agreementChange(w, r, func(id int64, in *parley.AgreementTransitionRequest) (*parley.Agreement, error) {
		return s.store.TransitionAgreement(r.Context(), id, *in)
	})
}

func (s *Server) renewAgreement(w http.ResponseWriter, r *http.Request) error {
	return agreementChange(w, r, func(id int64, in *renewalInput) (*parley.Agreement, error) {
		return s.store.RenewAgreement(r.Context(), id, &parley.Renewal{Date: in.Date, Expires: in.Expires, Note: in.Note})
	})
}

func (s *Server) setWarningThresholds(w http.ResponseWriter, r *http.Request) error {
	return agreementChange(w, r, func(id int64, in *parley.WarningThresholds) (*parley.Agreement, error) {
		return s.store.SetWarningThresholds(r.Context(), id, *in)
	})
}

func (s *Server) listCommitments(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.FindCommitments)
}

func (s *Server) createCommitment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in commitmentInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	c := &parley.Commitment{AgreementID: id, Obligor: in.Obligor, Obligation: in.Obligation, Due: in.Due, Recurrence: in.Recurrence, Verifier: in.Verifier, Clause: in.Clause}
	if err := s.store.CreateCommitment(r.Context(), c); err != nil {
		return err
	}
	return writeListed(w, r, c)
}

func (s *Server) listReports(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.FindReports)
}

func (s *Server) createReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in reportInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	rep := &parley.Report{AgreementID: id, CommitmentID: in.CommitmentID, Date: in.Date, Source: in.Source, Reliability: in.Reliability,
		Finding: in.Finding, Audience: in.Audience, Evidence: in.Evidence}
	if err := s.store.CreateReport(r.Context(), rep); err != nil {
		return err
	}
	return writeListed(w, r, rep)
}

func (s *Server) listScores(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.FindScores)
}

func (s *Server) createScore(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in scoreInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	sc := &parley.Score{AgreementID: id, CommitmentID: in.CommitmentID, Period: in.Period, Value: in.Value, Note: in.Note}
	if err := s.store.CreateScore(r.Context(), sc); err != nil {
		return err
	}
	return writeListed(w, r, sc)
}

func (s *Server) getImplementation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cs, err := s.store.FindCommitments(r.Context(), id)
	if err != nil {
		return err
	}
	scores, err := s.store.FindScores(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, parley.RollUp(cs, scores))
}

func (s *Server) getEarlyWarning(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	now := parley.Now()
	warning, err := s.store.AgreementWarning(r.Context(), id, now)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, earlyWarning{AsOf: now.Format("2006-01-02"), Triggered: warning != nil, Warning: warning})
}

// writeListed answers a POST that added v to the list at the request's
// path, which is where it is read back (Location).
func writeListed(w http.ResponseWriter, r *http.Request, v any) error {
	w.Header().Set("Location", r.URL.Path)
	return writeJSON(w, http.StatusCreated, v)
}

func (s *Server) getTrustRecord(w http.ResponseWriter, r *http.Request) error {
	return getOne(w, r, s.store.TrustRecord)
}
