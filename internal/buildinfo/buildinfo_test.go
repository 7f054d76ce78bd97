package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	stamped := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/parley-talks/parley", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-01-02T03:04:05Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	for _, tt := range []struct {
		name    string
		version string
		bi      *debug.BuildInfo
		want    string
	}{
		{"stamped, no release version", "dev", stamped, "dev (revision 0123456789ab, 2026-01-02T03:04:05Z, modified, go1.26.8 linux/arm64)"},
		{"release version wins", "v1.2.0", stamped, "v1.2.0 (revision 0123456789ab, 2026-01-02T03:04:05Z, modified, go1.26.8 linux/arm64)"},
		{"module version from go install", "dev", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.3.1"},
			Settings: []debug.BuildSetting{{Key: "GOOS", Value: "darwin"}, {Key: "GOARCH", Value: "amd64"}}},
			"v0.3.1 (revision unknown, go1.26.8 darwin/amd64)"},
		{"clean tree", "", &debug.BuildInfo{GoVersion: "go1.26.8", Settings: []debug.BuildSetting{
			{Key: "GOOS", Value: "windows"}, {Key: "GOARCH", Value: "amd64"},
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"}}},
			"dev (revision abc, go1.26.8 windows/amd64)"},
	} {
		if got := fromBuildInfo(tt.version, tt.bi, true).String(); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

// The running test binary has build info (the go command always records
// the toolchain), so Read reports a toolchain and a platform.
func TestReadRunningBinary(t *testing.T) {
	info := Read("")
	if info.Version != "dev" || info.GoVersion == "" || info.Platform == "" {
		t.Fatalf("Read: %+v", info)
	}
}
