package desk

import (
	"slices"
	"testing"
)

// TestAuditActionWords: every action's words are declared for the
// catalogs (tools/i18ncheck reads auditWords).
func TestAuditActionWords(t *testing.T) {
	for action, words := range auditActions {
		if !slices.Contains(auditWords, "audit action::"+words) {
			t.Errorf("the words of %s, %q, are not in auditWords", action, words)
		}
	}
	if len(auditWords) != len(auditActions) {
		t.Errorf("auditWords declares %d words for %d actions", len(auditWords), len(auditActions))
	}
}
