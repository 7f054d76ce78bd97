package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Settings: every flag of serve can also be given as an environment
// variable and in a config file, and the commands that open a database take
// --db and --key-file from the same places (applySettings). For a flag
// --tls-cert:
//
//   - the variable is PARLEY_TLS_CERT;
//   - the config file's key is tls-cert (or tls_cert), in a TOML (.toml) or
//     JSON (.json) file named by --config or $PARLEY_CONFIG;
//   - a secret (secretSettings) may instead be read from a file named by
//     $PARLEY_DEMO_PASSWORD_FILE or the key demo-password-file, so that it
//     need not sit in the environment or the config file;
//   - a list (--trusted-proxy) takes several flags, a comma-separated
//     variable or an array in the file.
//
// The command line wins over the environment, which wins over the file,
// which wins over the default. A PARLEY_ variable that Parley does not read
// (PARLEY_DB_PAHT) and a key of the file that is not a setting are refused
// with the nearest name that is, so that a typo never goes unnoticed.
const (
	envPrefix = "PARLEY_"
	// envConfig names the config file when --config is not given.
	envConfig = "PARLEY_CONFIG"
	// fileSuffix marks a secret read from a file: PARLEY_X_FILE, x-file.
	fileSuffix = "-file"
	// maxSecretFileSize bounds a secret file: secrets are short.
	maxSecretFileSize = 64 << 10
	// maxConfigFileSize bounds a config file.
	maxConfigFileSize = 1 << 20
)

// secretSettings may be read from a file (*_FILE): the database URL may
// carry a password.
var secretSettings = map[string]bool{"db": true, "demo-password": true, "metrics-token": true}

// otherVariables are the PARLEY_ variables that are not flags of serve.
var otherVariables = map[string]bool{
	envConfig:           true, // the config file
	"PARLEY_MASTER_KEY": true, // the master key itself (seal.EnvMasterKey)
}

// testVariablePrefix marks the variables of the tests (PARLEY_TEST_POSTGRES…),
// which the commands ignore.
const testVariablePrefix = "PARLEY_TEST_"

// listValue is a flag that may be given several times; a variable gives
// its values comma-separated and a config file as an array.
type listValue []string

func (l *listValue) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

func (l *listValue) Set(v string) error {
	*l = append(*l, v)
	return nil
}

func isList(f *flag.Flag) bool {
	_, ok := f.Value.(*listValue)
	return ok
}

// envName is the variable of the flag name: tls-cert → PARLEY_TLS_CERT.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// settingNames lists the flags of serve: the settings a variable or the
// config file may give.
func settingNames() []string {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	defineServeFlags(fs, &serveConfig{})
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name != "config" {
			names = append(names, f.Name)
		}
	})
	return names
}

// applySettings sets the flags of fs that are settings of serve and were
// not given on the command line, from the environment, then from the config
// file (configFile, else $PARLEY_CONFIG; "" and unset: none). It refuses an
// unknown PARLEY_ variable, a malformed config file or an unknown key in
// it, a value that its flag refuses, and a secret given twice, each with a
// message that names the variable, file or key.
func applySettings(fs *flag.FlagSet, env *Env, configFile string) error {
	settings := map[string]bool{}
	for _, n := range settingNames() {
		settings[n] = true
	}
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })

	fromEnv, err := readEnvironment(env, settings)
	if err != nil {
		return err
	}
	if configFile == "" && env.Getenv != nil {
		configFile = env.Getenv(envConfig)
	}
	var fromFile map[string][]string
	if configFile != "" {
		if fromFile, err = readConfigFile(configFile, settings); err != nil {
			return err
		}
	}
	// Every value given is checked, even one the command line or the
	// environment overrides: a mistake in the file is a mistake.
	check := flag.NewFlagSet("", flag.ContinueOnError)
	check.SetOutput(io.Discard)
	defineServeFlags(check, &serveConfig{})
	var problems []string
	setAll := func(fs *flag.FlagSet, f *flag.Flag, src string, values []string) bool {
		if len(values) > 1 && !isList(f) {
			problems = append(problems, fmt.Sprintf("%s: takes one value, not %d", src, len(values)))
			return false
		}
		for _, v := range values {
			if err := fs.Set(f.Name, v); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %s", src, invalidValue(f, v, err)))
				return false
			}
		}
		return true
	}
	for name, v := range fromEnv {
		setAll(check, check.Lookup(name), v.source, v.values)
	}
	for name, values := range fromFile {
		setAll(check, check.Lookup(name), "config file "+configFile+": "+name, values)
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return errors.New(strings.Join(problems, "; "))
	}
	fs.VisitAll(func(f *flag.Flag) {
		if !settings[f.Name] || onCommandLine[f.Name] {
			return
		}
		if v, ok := fromEnv[f.Name]; ok {
			setAll(fs, f, v.source, v.values)
		} else if values, ok := fromFile[f.Name]; ok {
			setAll(fs, f, "config file "+configFile+": "+f.Name, values)
		}
	})
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// invalidValue says why the flag f refused the value v.
func invalidValue(f *flag.Flag, v string, err error) string {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return fmt.Sprintf("%q is not a boolean (want true or false)", v)
	}
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return fmt.Sprintf("%q is not a valid value", v)
	}
	return fmt.Sprintf("%q: %v", v, err)
}

// envValue is a setting read from the environment, with the variable that
// gave it.
type envValue struct {
	source string
	values []string
}

// readEnvironment returns the settings the PARLEY_ variables give, by flag
// name. It refuses a variable that is neither a setting, a secret's _FILE,
// nor one of otherVariables.
func readEnvironment(env *Env, settings map[string]bool) (map[string]envValue, error) {
	out := map[string]envValue{}
	if env.Environ == nil {
		// Without a list of the environment, ask for each setting.
		if env.Getenv == nil {
			return out, nil
		}
		for name := range settings {
			for _, key := range []string{envName(name), envName(name + fileSuffix)} {
				if v := env.Getenv(key); v != "" {
					if err := addEnvSetting(out, key, v, settings); err != nil {
						return nil, err
					}
				}
			}
		}
		return out, nil
	}
	vars := env.Environ()
	sort.Strings(vars)
	for _, kv := range vars {
		key, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(key, envPrefix) || strings.HasPrefix(key, testVariablePrefix) || otherVariables[key] {
			continue
		}
		if err := addEnvSetting(out, key, v, settings); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func addEnvSetting(out map[string]envValue, key, v string, settings map[string]bool) error {
	name := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(key, envPrefix), "_", "-"))
	if base, ok := strings.CutSuffix(name, fileSuffix); ok && secretSettings[base] {
		if v == "" {
			return nil
		}
		if _, dup := out[base]; dup {
			return fmt.Errorf("both %s and %s are set; keep one", envName(base), key)
		}
		secret, err := readSecretFile(v)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		out[base] = envValue{source: key, values: []string{secret}}
		return nil
	}
	if !settings[name] {
		return fmt.Errorf("unknown environment variable %s%s; unset it or correct its name (run \"parley help serve\" for the settings)", key, suggest(key, knownVariables(settings)))
	}
	if v == "" {
		return nil
	}
	if _, dup := out[name]; dup {
		return fmt.Errorf("both %s and %s are set; keep one", key, envName(name+fileSuffix))
	}
	values := []string{v}
	if f := listSettingOf(name); f {
		values = splitList(v)
	}
	out[name] = envValue{source: key, values: values}
	return nil
}

// listSettingOf reports whether the setting name takes several values.
func listSettingOf(name string) bool {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	defineServeFlags(fs, &serveConfig{})
	f := fs.Lookup(name)
	return f != nil && isList(f)
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// knownVariables lists every PARLEY_ variable the commands read.
func knownVariables(settings map[string]bool) []string {
	var known []string
	for name := range settings {
		known = append(known, envName(name))
		if secretSettings[name] {
			known = append(known, envName(name+fileSuffix))
		}
	}
	for v := range otherVariables {
		known = append(known, v)
	}
	return known
}

// readSecretFile returns the content of a secret's file without its final
// line break.
func readSecretFile(path string) (string, error) {
	b, err := readLimited(path, maxSecretFileSize)
	if err != nil {
		return "", err
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("the file %s is empty", path)
	}
	return s, nil
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return b, nil
}

// readConfigFile returns the settings of a TOML (.toml) or JSON (.json)
// file by flag name: a key is a setting's name (tls-cert or tls_cert), or a
// secret's name with -file, whose value names the file holding the secret.
// Values are strings, numbers or booleans; an array gives a list's values.
func readConfigFile(path string, settings map[string]bool) (map[string][]string, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("config file %s: %s", path, fmt.Sprintf(format, args...))
	}
	b, err := readLimited(path, maxConfigFileSize)
	if err != nil {
		return nil, fail("%v", err)
	}
	raw := map[string]any{}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".toml":
		if _, err := toml.Decode(string(b), &raw); err != nil {
			var pe toml.ParseError
			if errors.As(err, &pe) {
				return nil, fail("line %d: %s", pe.Position.Line, pe.Message)
			}
			return nil, fail("%v", err)
		}
	case ".json":
		if err := decodeJSONObject(b, &raw); err != nil {
			return nil, fail("%v", err)
		}
	default:
		return nil, fail("unknown format %q: name it .toml or .json", filepath.Ext(path))
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	known := make([]string, 0, len(settings))
	for n := range settings {
		known = append(known, n)
		if secretSettings[n] {
			known = append(known, n+fileSuffix)
		}
	}
	out := map[string][]string{}
	for _, key := range keys {
		name := strings.ReplaceAll(key, "_", "-")
		values, err := configValues(raw[key])
		if err != nil {
			return nil, fail("%s: %v", key, err)
		}
		if base, ok := strings.CutSuffix(name, fileSuffix); ok && secretSettings[base] {
			if len(values) != 1 {
				return nil, fail("%s: takes one file name", key)
			}
			if _, dup := out[base]; dup {
				return nil, fail("both %s and %s are set; keep one", base, key)
			}
			secret, err := readSecretFile(values[0])
			if err != nil {
				return nil, fail("%s: %v", key, err)
			}
			out[base] = []string{secret}
			continue
		}
		if !settings[name] {
			return nil, fail("unknown setting %q%s", key, suggest(name, known))
		}
		if _, dup := out[name]; dup {
			return nil, fail("both %s and %s are set; keep one", name, name+fileSuffix)
		}
		out[name] = values
	}
	return out, nil
}

// decodeJSONObject decodes one JSON object, saying where a syntax error is.
func decodeJSONObject(b []byte, v *map[string]any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		_, err = dec.Token()
		if err == nil {
			err = errors.New("more than one JSON value")
		}
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return fmt.Errorf("line %d: %v", lineOf(b, se.Offset), se)
	case errors.As(err, &te):
		return fmt.Errorf("line %d: want an object of settings, not a JSON %s", lineOf(b, te.Offset), te.Value)
	case errors.Is(err, io.EOF):
		return errors.New("empty: want an object of settings")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("ends in the middle of a value")
	}
	return err
}

func lineOf(b []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(b)))
	return 1 + bytes.Count(b[:offset], []byte("\n"))
}

// configValues turns a value of the config file into a flag's values.
func configValues(v any) ([]string, error) {
	scalar := func(v any) (string, error) {
		switch v := v.(type) {
		case string:
			return v, nil
		case bool:
			return strconv.FormatBool(v), nil
		case int64:
			return strconv.FormatInt(v, 10), nil
		case json.Number:
			return v.String(), nil
		case float64:
			return strconv.FormatFloat(v, 'g', -1, 64), nil
		case nil:
			return "", errors.New("null is not a value; leave the key out")
		}
		return "", fmt.Errorf("want a string, number or boolean, not %T", v)
	}
	if list, ok := v.([]any); ok {
		out := make([]string, 0, len(list))
		for _, e := range list {
			s, err := scalar(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	if _, ok := v.(map[string]any); ok {
		return nil, errors.New("want a value, not a table of settings (settings are top-level keys)")
	}
	s, err := scalar(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

// suggest returns ` (did you mean X?)` for the known name that name most
// likely misspells: the nearest by edit distance if near enough to be a
// typo, else the longest one it extends (PARLEY_DB_PAHT → PARLEY_DB).
func suggest(name string, known []string) string {
	lower := strings.ToLower(name)
	best, bestD := "", -1
	for _, k := range known {
		d := editDistance(lower, strings.ToLower(k))
		if bestD < 0 || d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	if bestD >= 0 && bestD <= max(2, len(name)/6) {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	best = ""
	for _, k := range known {
		kl := strings.ToLower(k)
		if (strings.HasPrefix(lower, kl+"_") || strings.HasPrefix(lower, kl+"-")) && len(k) > len(best) {
			best = k
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
