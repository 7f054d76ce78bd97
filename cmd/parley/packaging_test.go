package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The packaging files name only settings and flags that exist: the sample
// config file loads, the image's variables are settings, and the service
// unit's command line parses.
func TestPackagingFilesNameRealSettings(t *testing.T) {
	root := filepath.Join("..", "..")
	settings := map[string]bool{}
	for _, n := range settingNames() {
		settings[n] = true
	}
	values, err := readConfigFile(filepath.Join(root, "packaging", "parley.toml"), settings)
	if err != nil {
		t.Fatalf("the sample config: %v", err)
	}
	if values["db"][0] != "/var/lib/parley/parley.db" {
		t.Errorf("the sample config's db: %v", values["db"])
	}

	docker, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	vars := regexp.MustCompile(`\b(PARLEY_[A-Z_]+)=`).FindAllStringSubmatch(string(docker), -1)
	if len(vars) < 2 {
		t.Fatalf("the Dockerfile sets %d PARLEY_ variables", len(vars))
	}
	known := map[string]bool{}
	for _, v := range knownVariables(settings) {
		known[v] = true
	}
	for _, v := range vars {
		if !known[v[1]] {
			t.Errorf("the Dockerfile sets %s, which parley does not read", v[1])
		}
	}

	unit, err := os.ReadFile(filepath.Join(root, "packaging", "parley.service"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^ExecStart=/usr/local/bin/parley serve (.*)$`).FindStringSubmatch(string(unit))
	if m == nil {
		t.Fatal("the unit has no ExecStart of parley serve")
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(&strings.Builder{})
	defineServeFlags(fs, &serveConfig{})
	if err := fs.Parse(strings.Fields(m[1])); err != nil || fs.NArg() != 0 {
		t.Errorf("the unit's command line %q: %v %v", m[1], err, fs.Args())
	}
}
