package desk

import "testing"

// TestLocalPath: a sign-in leads to a path of this site only.
func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/tracks/1?x=2":        "/tracks/1?x=2",
		"//evil.example/x":     "/map",
		"/\\evil.example":      "/map",
		"https://evil.example": "/map",
		"":                     "/map",
		"tracks/1":             "/map",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTemplatesParse: every page's template parses with the layout.
func TestTemplatesParse(t *testing.T) {
	ts, err := templates()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"agreement", "analysis", "ballot", "children", "error", "exchange", "map", "profile", "profiles", "proposals", "signin", "text", "track", "trust"} {
		if ts[name] == nil {
			t.Errorf("no template %q", name)
		}
	}
}
