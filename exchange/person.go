package exchange

import "time"

// Status says whether a person is held as a member of armed forces or as a
// civilian (art. 4 of the Third and art. 79 of the Fourth Geneva Convention).
type Status string

const (
	Military Status = "military"
	Civilian Status = "civilian"
)

// Person is one entry of a side's list for an exchange, with the fields of
// the art. 122 capture card. Every field is personal data.
type Person struct {
	Name            string    // in the original script
	Transliteration string    // in Latin, as the submitting side writes it
	Born            time.Time // date of birth, UTC midnight
	Status          Status
	Rank            string // military only
	ServiceNumber   string // military only
	CapturePlace    string
	Captured        time.Time // date of capture, UTC midnight
	NextOfKin       string
}

// name is the name matching uses: the original script when given, else the
// transliteration.
func (p Person) name() string {
	if p.Name != "" {
		return p.Name
	}
	return p.Transliteration
}

// key is the name key of a person ([Key]).
func (p Person) key() string { return Key(p.name()) }
