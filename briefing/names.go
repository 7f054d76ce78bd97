package briefing

import (
	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
)

// The names of the domain's states in the reader's language (i18n's
// domain words).

func statusName(pr *i18n.Printer, s parley.Status) string {
	return pr.Word(i18n.TrackStatus, string(s))
}

func roleName(pr *i18n.Printer, r parley.PartyRole) string { return pr.Word(i18n.PartyRole, string(r)) }

func formatName(pr *i18n.Printer, f parley.MeetingFormat) string {
	return pr.Word(i18n.MeetingFormat, string(f))
}

func outcomeName(pr *i18n.Printer, o parley.BallotOutcome) string {
	return pr.Word(i18n.BallotOutcome, string(o))
}

func clauseStatusName(pr *i18n.Printer, s parley.ClauseStatus) string {
	return pr.Word(i18n.ClauseStatus, string(s))
}

func agreementStatusName(pr *i18n.Printer, s parley.AgreementStatus) string {
	return pr.Word(i18n.AgreementStatus, string(s))
}

func recurrenceName(pr *i18n.Printer, r parley.Recurrence) string {
	return pr.Word(i18n.Recurrence, string(r))
}

// WarningReasons are an early warning's reasons in the reader's language.
func WarningReasons(pr *i18n.Printer, w *parley.Warning) []string {
	out := make([]string, len(w.Why))
	for i, r := range w.Why {
		days := pr.N(r.Days, "{n} day", "{n} days")
		switch r.Kind {
		case "violations":
			out[i] = pr.T("{violations} within {days}", "violations", pr.N(r.Count, "{n} violation", "{n} violations"), "days", days)
		case "unverifiable":
			out[i] = pr.T("{findings} could not be verified within {days}: verification is stalled",
				"findings", pr.N(r.Count, "{n} finding", "{n} findings"), "days", days)
		default:
			out[i] = pr.T("{commitments} overdue by more than {days} without a report",
				"commitments", pr.N(r.Count, "{n} commitment", "{n} commitments"), "days", days)
		}
	}
	return out
}
