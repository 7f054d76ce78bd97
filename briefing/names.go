package briefing

import (
	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
)

// The names of the domain's states in the reader's language. Each is a
// message with a context, so that "open" the status and "open" the verb
// can be translated apart.

func statusName(pr *i18n.Printer, s parley.Status) string {
	switch s {
	case parley.StatusExploratory:
		return pr.T("track status::exploratory")
	case parley.StatusActive:
		return pr.T("track status::active")
	case parley.StatusPaused:
		return pr.T("track status::paused")
	case parley.StatusSuspended:
		return pr.T("track status::suspended")
	case parley.StatusCollapsed:
		return pr.T("track status::collapsed")
	case parley.StatusConcluded:
		return pr.T("track status::concluded")
	}
	return string(s)
}

func roleName(pr *i18n.Printer, r parley.PartyRole) string {
	switch r {
	case parley.RolePrincipal:
		return pr.T("party role::principal")
	case parley.RoleHost:
		return pr.T("party role::host")
	case parley.RoleMediator:
		return pr.T("party role::mediator")
	case parley.RoleObserver:
		return pr.T("party role::observer")
	case parley.RoleGuarantor:
		return pr.T("party role::guarantor")
	case parley.RoleVerifier:
		return pr.T("party role::verifier")
	}
	return string(r)
}

func formatName(pr *i18n.Printer, f parley.MeetingFormat) string {
	switch f {
	case parley.FormatPlenary:
		return pr.T("meeting format::plenary")
	case parley.FormatCaucus:
		return pr.T("meeting format::caucus")
	case parley.FormatShuttle:
		return pr.T("meeting format::shuttle")
	}
	return string(f)
}

func outcomeName(pr *i18n.Printer, o parley.BallotOutcome) string {
	switch o {
	case parley.BallotPending:
		return pr.T("ballot outcome::pending")
	case parley.BallotAccepted:
		return pr.T("ballot outcome::accepted by all")
	case parley.BallotNotAccepted:
		return pr.T("ballot outcome::not accepted")
	}
	return string(o)
}

func clauseStatusName(pr *i18n.Printer, s parley.ClauseStatus) string {
	switch s {
	case parley.ClauseOpen:
		return pr.T("clause status::open")
	case parley.ClauseBracketed:
		return pr.T("clause status::bracketed")
	case parley.ClauseAgreedAdReferendum:
		return pr.T("clause status::agreed ad referendum")
	case parley.ClauseAgreed:
		return pr.T("clause status::agreed")
	case parley.ClauseDropped:
		return pr.T("clause status::dropped")
	}
	return string(s)
}

func agreementStatusName(pr *i18n.Printer, s parley.AgreementStatus) string {
	switch s {
	case parley.AgreementInForce:
		return pr.T("agreement status::in force")
	case parley.AgreementSuspended:
		return pr.T("agreement status::suspended")
	case parley.AgreementExpired:
		return pr.T("agreement status::expired")
	case parley.AgreementCollapsed:
		return pr.T("agreement status::collapsed")
	case parley.AgreementCompleted:
		return pr.T("agreement status::completed")
	}
	return string(s)
}

func recurrenceName(pr *i18n.Printer, r parley.Recurrence) string {
	switch r {
	case parley.RecurDaily:
		return pr.T("recurrence::daily")
	case parley.RecurWeekly:
		return pr.T("recurrence::weekly")
	case parley.RecurMonthly:
		return pr.T("recurrence::monthly")
	case parley.RecurQuarterly:
		return pr.T("recurrence::quarterly")
	}
	return string(r)
}
