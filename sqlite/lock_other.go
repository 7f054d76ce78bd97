//go:build !unix

package sqlite

import "os"

// lockFile cannot lock on this system: it creates the lock file and
// reports the lock taken, so a server and a maintenance command are not
// kept apart here.
func lockFile(path string, exclusive bool) (*os.File, bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, err
	}
	return f, true, nil
}
