package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// environ lists env as os.Environ does, sorted.
func environ(env map[string]string) func() []string {
	return func() []string {
		var out []string
		for k, v := range env {
			out = append(out, k+"="+v)
		}
		sort.Strings(out)
		return out
	}
}

// runEnv runs parley in process with the environment env and stdin.
func runEnv(t *testing.T, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }, Environ: environ(env)}
	// A command that should have been refused but serves stops after a
	// while, so that the test fails instead of hanging.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code = Run(ctx, e, args)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Every way of giving serve's settings reaches the server: variables,
// TOML and JSON files, secrets from files; the command line wins over the
// environment, which wins over the file.
func TestServeSettingsSources(t *testing.T) {
	dir := t.TempDir()
	fileDB := filepath.Join(dir, "from-file.db")
	envDB := filepath.Join(dir, "from-env.db")
	flagDB := filepath.Join(dir, "from-flag.db")
	toml := writeFile(t, dir, "parley.toml", "# settings\naddr = \"127.0.0.1:0\"\ndb = \""+fileDB+"\"\nlog_format = \"json\"\n")
	jsonFile := writeFile(t, dir, "parley.json", `{"addr": "127.0.0.1:0", "db": "`+fileDB+`", "log-level": "debug"}`)
	secret := writeFile(t, dir, "demo-password", "from-a-secret-file\n")

	for _, tt := range []struct {
		name   string
		env    map[string]string
		args   []string
		wantDB string
		check  func(t *testing.T, r *running)
	}{
		{"TOML file", nil, []string{"--config", toml}, fileDB, func(t *testing.T, r *running) {
			line, _, _ := strings.Cut(r.stderr.String(), "\n")
			if !json.Valid([]byte(line)) {
				t.Errorf("log_format = \"json\" in the file, but the log is %q", line)
			}
		}},
		{"JSON file via PARLEY_CONFIG", map[string]string{"PARLEY_CONFIG": jsonFile}, nil, fileDB, func(t *testing.T, r *running) {
			if !strings.Contains(r.stderr.String(), "level=DEBUG") && !strings.Contains(r.stderr.String(), "level=INFO") {
				t.Errorf("log: %s", r.stderr)
			}
		}},
		{"environment over file", map[string]string{"PARLEY_DB": envDB}, []string{"--config", toml}, envDB, nil},
		{"command line over environment", map[string]string{"PARLEY_DB": envDB, "PARLEY_ADDR": "127.0.0.1:0"}, []string{"--db", flagDB}, flagDB, nil},
		{"secret from a file", map[string]string{"PARLEY_DEMO_PASSWORD_FILE": secret, "PARLEY_ADDR": "127.0.0.1:0",
			"PARLEY_DB": filepath.Join(dir, "demo.db"), "PARLEY_DEMO": "true"}, nil, filepath.Join(dir, "demo.db"), func(t *testing.T, r *running) {
			if !strings.Contains(r.stdout.String(), "password: from-a-secret-file\n") {
				t.Errorf("the demo password from PARLEY_DEMO_PASSWORD_FILE was not used:\n%s", r.stdout)
			}
		}},
		{"test variables are ignored", map[string]string{"PARLEY_TEST_SOMETHING": "x", "PARLEY_ADDR": "127.0.0.1:0", "PARLEY_DB": envDB}, nil, envDB, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, url := startServe(t, tt.env, tt.args...)
			resp, err := http.Get(url + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if !strings.Contains(r.stderr.String(), tt.wantDB) {
				t.Errorf("serving another database than %s:\n%s", tt.wantDB, r.stderr)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
			if code := r.stop(t); code != 0 {
				t.Errorf("exit %d", code)
			}
		})
	}
}

// Mistakes in the settings stop serve at start, naming the problem, and
// nothing is served or created.
func TestServeSettingsRefused(t *testing.T) {
	dir := t.TempDir()
	empty := writeFile(t, dir, "empty-secret", "\n")
	secret := writeFile(t, dir, "secret", "a-metrics-token-long-enough\n")
	for _, tt := range []struct {
		name string
		env  map[string]string
		file string // config file name and content, "name:content"
		want []string
	}{
		{"misspelt variable", map[string]string{"PARLEY_DB_PAHT": "x.db"}, "", []string{"unknown environment variable PARLEY_DB_PAHT", "did you mean PARLEY_DB?"}},
		{"transposed variable", map[string]string{"PARLEY_ADRD": "x"}, "", []string{"PARLEY_ADRD", "did you mean PARLEY_ADDR?"}},
		{"bad value in a variable", map[string]string{"PARLEY_DEMO": "perhaps"}, "", []string{"PARLEY_DEMO", `"perhaps" is not a boolean`}},
		{"secret twice", map[string]string{"PARLEY_METRICS_TOKEN": "a-metrics-token-long-enough", "PARLEY_METRICS_TOKEN_FILE": secret}, "", []string{"both PARLEY_METRICS_TOKEN and PARLEY_METRICS_TOKEN_FILE"}},
		{"empty secret file", map[string]string{"PARLEY_DEMO_PASSWORD_FILE": empty}, "", []string{"PARLEY_DEMO_PASSWORD_FILE", "is empty"}},
		{"missing secret file", map[string]string{"PARLEY_DEMO_PASSWORD_FILE": filepath.Join(dir, "nope")}, "", []string{"PARLEY_DEMO_PASSWORD_FILE", "no such file"}},
		{"malformed TOML", nil, "bad.toml:addr = \"127.0.0.1:0\"\ndb = [unclosed\n", []string{"bad.toml", "line 2"}},
		{"malformed JSON", nil, "bad.json:{\n\"addr\": \"x\",\n\"db\": \n}", []string{"bad.json", "line 4"}},
		{"JSON that is not an object", nil, "list.json:[\"addr\"]", []string{"list.json", "want an object of settings"}},
		{"unknown key", nil, "typo.toml:adddr = \"127.0.0.1:0\"\n", []string{"typo.toml", `unknown setting "adddr"`, "did you mean addr?"}},
		{"table instead of a value", nil, "table.toml:[tls]\ncert = \"x\"\n", []string{"table.toml", "tls", "not a table"}},
		{"list for a single setting", nil, "list.toml:addr = [\"a\", \"b\"]\n", []string{"list.toml", "addr", "takes one value"}},
		{"unknown format", nil, "parley.yaml:addr: x\n", []string{"parley.yaml", "unknown format", ".toml or .json"}},
		{"bad log level", map[string]string{"PARLEY_LOG_LEVEL": "loud"}, "", []string{"--log-level", "loud"}},
		{"bad log format", nil, "log.toml:log-format = \"xml\"\n", []string{"--log-format", "xml"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "never.db")
			env := map[string]string{"PARLEY_DB": db, "PARLEY_ADDR": "127.0.0.1:0"}
			for k, v := range tt.env {
				env[k] = v
			}
			args := []string{"serve"}
			if tt.file != "" {
				name, content, _ := strings.Cut(tt.file, ":")
				args = append(args, "--config", writeFile(t, t.TempDir(), name, content))
			}
			code, stdout, stderr := runEnv(t, env, "", args...)
			if code == 0 || strings.Contains(stdout, "serving") {
				t.Fatalf("exit %d, served:\n%s%s", code, stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if _, err := os.Stat(db); err == nil {
				t.Errorf("a refused start created the database")
			}
		})
	}
}

// The commands that open a database take --db from the same settings, and
// flags may follow the arguments.
func TestDatabaseCommandsTakeSettings(t *testing.T) {
	db := newDatabase(t)
	env := map[string]string{"PARLEY_DB": db}
	if code, out, errs := runEnv(t, env, "a sturdy password\n", "user", "add", "ana@example.org", "--admin"); code != 0 || !strings.Contains(out, "administrator") {
		t.Fatalf("user add with PARLEY_DB and a flag after the email: exit %d\n%s%s", code, out, errs)
	}
	cfg := writeFile(t, t.TempDir(), "parley.toml", "db = \""+db+"\"\naddr = \"127.0.0.1:9\"\n")
	if code, out, errs := runEnv(t, nil, "", "user", "list", "--config", cfg); code != 0 || !strings.Contains(out, "ana@example.org") {
		t.Fatalf("user list --config (a file with serve's other settings too): exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := runEnv(t, map[string]string{"PARLEY_DB": db, "PARLEY_KEYFILE": "x"}, "", "user", "list"); code != 1 || !strings.Contains(errs, "did you mean PARLEY_KEY_FILE?") {
		t.Fatalf("a misspelt variable: exit %d, %s", code, errs)
	}
	// "--" ends the flags: what follows is an argument even if it looks
	// like a flag.
	if code, _, errs := runEnv(t, env, "", "user", "disable", "--admin"); code != 2 || !strings.Contains(errs, "needs exactly one EMAIL") {
		t.Fatalf("user disable --admin: exit %d, %s", code, errs)
	}
	if code, _, errs := runEnv(t, env, "", "user", "disable", "--", "--admin"); code != 1 || !strings.Contains(errs, "no user has") {
		t.Fatalf("user disable -- --admin: exit %d, %s", code, errs)
	}
}

func TestSuggest(t *testing.T) {
	known := []string{"PARLEY_DB", "PARLEY_ADDR", "PARLEY_DEMO", "PARLEY_DEMO_PASSWORD", "PARLEY_KEY_FILE"}
	for name, want := range map[string]string{
		"PARLEY_DB_PAHT":         " (did you mean PARLEY_DB?)",
		"PARLEY_DEMO_PASWORD":    " (did you mean PARLEY_DEMO_PASSWORD?)",
		"PARLEY_DEMO_PASSWORD_X": " (did you mean PARLEY_DEMO_PASSWORD?)",
		"PARLEY_ADR":             " (did you mean PARLEY_ADDR?)",
		"PARLEY_SOMETHING_ELSE":  "",
	} {
		if got := suggest(name, known); got != want {
			t.Errorf("suggest(%s) = %q, want %q", name, got, want)
		}
	}
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"addr", "adrd", 2}, {"db", "db", 0}} {
		if got := editDistance(tt.a, tt.b); got != tt.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}
