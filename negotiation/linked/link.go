package linked

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/parley-talks/parley/negotiation"
)

// Link is a link file: the linked tracks' scenario files and the parties'
// cross-track weights, as `parley analyze --link` reads it:
//
//	{
//	  "name": "Energy for prisoners",
//	  "tracks": [
//	    {"name": "Energy moratorium", "scenario": "energy.json"},
//	    {"name": "Prisoner exchanges", "scenario": "prisoners.json"}
//	  ],
//	  "weights": {
//	    "Ukraine": {"Energy moratorium": 0.4, "Prisoner exchanges": 0.6},
//	    "Russia":  {"Energy moratorium": 0.7, "Prisoner exchanges": 0.3}
//	  }
//	}
//
// A track's name defaults to its scenario's name; a scenario path is
// relative to the link file's directory. Weights are as [Weights] says.
type Link struct {
	Name    string      `json:"name,omitempty"`
	Tracks  []LinkTrack `json:"tracks"`
	Weights Weights     `json:"weights"`
}

// LinkTrack is one track of a link file.
type LinkTrack struct {
	Name     string `json:"name,omitempty"`
	Scenario string `json:"scenario"`
}

// MaxLinkBytes bounds a link file.
const MaxLinkBytes = 1 << 20

// DecodeLink reads one link file from r, rejecting unknown fields, trailing
// data, a track without a scenario file and a scenario file named twice
// (a track linked to itself).
func DecodeLink(r io.Reader) (*Link, error) {
	dec := json.NewDecoder(io.LimitReader(r, MaxLinkBytes))
	dec.DisallowUnknownFields()
	var l Link
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("linked: decode link file: %w", err)
	}
	if dec.More() {
		return nil, errors.New("linked: decode link file: trailing data after the link object")
	}
	if len(l.Tracks) == 0 {
		return nil, errors.New("linked: link file: tracks: list the linked tracks' scenario files")
	}
	if len(l.Tracks) > MaxTracks {
		return nil, fmt.Errorf("linked: link file: tracks: %d tracks, at most %d", len(l.Tracks), MaxTracks)
	}
	seen := map[string]int{}
	for t, tr := range l.Tracks {
		if tr.Scenario == "" {
			return nil, fmt.Errorf("linked: link file: tracks[%d].scenario: missing", t)
		}
		if s, dup := seen[filepath.Clean(tr.Scenario)]; dup {
			return nil, fmt.Errorf("linked: link file: tracks[%d] and tracks[%d] are the same scenario file %q: a track cannot be linked to itself", s, t, tr.Scenario)
		}
		seen[filepath.Clean(tr.Scenario)] = t
	}
	return &l, nil
}

// LoadLink reads the link file at path and the scenario files it names,
// and returns the checked joint problem.
func LoadLink(path string) (*Link, *Joint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	l, err := DecodeLink(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	in := Input{Weights: l.Weights}
	for _, tr := range l.Tracks {
		sp := tr.Scenario
		if !filepath.IsAbs(sp) {
			sp = filepath.Join(filepath.Dir(path), sp)
		}
		s, err := readScenario(sp)
		if err != nil {
			return nil, nil, err
		}
		p, err := s.Compile()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", sp, err)
		}
		name := tr.Name
		if name == "" {
			name = s.Name
		}
		in.Tracks = append(in.Tracks, Track{Name: name, Problem: p})
	}
	j, err := New(in)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, j, nil
}

func readScenario(path string) (*negotiation.Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := negotiation.DecodeScenario(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}
