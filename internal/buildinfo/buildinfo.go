// Package buildinfo says which build of Parley is running: its version, the
// VCS revision and time it was built from, and the Go toolchain, as recorded
// in the binary by the go command (runtime/debug.ReadBuildInfo).
//
// The go command stamps the revision when it builds inside a git checkout
// with -buildvcs (the default, unless GOFLAGS says -buildvcs=false); the
// release build (scripts/release) asks for it explicitly. A module version
// is recorded by "go install module@version"; a release sets the version
// with -ldflags "-X main.Version=…", which wins.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Info describes one build. Empty fields were not recorded.
type Info struct {
	Version   string // release or module version; "dev" if none was recorded
	Revision  string // VCS revision (a git commit id)
	Time      string // commit time of Revision, RFC 3339
	Modified  bool   // the working tree had uncommitted changes
	GoVersion string // the toolchain, e.g. "go1.26.8"
	Platform  string // GOOS/GOARCH
}

// Read returns the running binary's Info. version is the version set at link
// time ("" or "dev" if none was).
func Read(version string) Info {
	bi, ok := debug.ReadBuildInfo()
	return fromBuildInfo(version, bi, ok)
}

func fromBuildInfo(version string, bi *debug.BuildInfo, ok bool) Info {
	info := Info{Version: version, GoVersion: runtime.Version()}
	goos, goarch := runtime.GOOS, runtime.GOARCH
	if ok && bi != nil {
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
		if (info.Version == "" || info.Version == "dev") && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Revision = s.Value
			case "vcs.time":
				info.Time = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			case "GOOS":
				goos = s.Value
			case "GOARCH":
				goarch = s.Value
			}
		}
	}
	info.Platform = goos + "/" + goarch
	if info.Version == "" {
		info.Version = "dev"
	}
	return info
}

// ShortRevision is the first 12 characters of the revision, as git shows it.
func (i Info) ShortRevision() string {
	if len(i.Revision) > 12 {
		return i.Revision[:12]
	}
	return i.Revision
}

// String is one line: "v1.2.0 (revision 0123456789ab, 2026-01-02T03:04:05Z, go1.26.8 linux/amd64)",
// with "modified" after the time for a build of uncommitted changes and
// "revision unknown" where none was recorded.
func (i Info) String() string {
	var b strings.Builder
	b.WriteString(i.Version)
	b.WriteString(" (")
	if i.Revision == "" {
		b.WriteString("revision unknown")
	} else {
		fmt.Fprintf(&b, "revision %s", i.ShortRevision())
		if i.Time != "" {
			b.WriteString(", " + i.Time)
		}
		if i.Modified {
			b.WriteString(", modified")
		}
	}
	fmt.Fprintf(&b, ", %s %s)", i.GoVersion, i.Platform)
	return b.String()
}
