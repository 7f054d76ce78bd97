//go:build unix

package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// lockFile takes an advisory lock (flock) on the file at path, creating it
// with mode 0600: shared, or exclusive, never waiting. ok is false if
// another process holds a lock that conflicts.
func lockFile(path string, exclusive bool) (f *os.File, ok bool, err error) {
	f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("sqlite: open the lock file: %w", err)
	}
	// A lock file made before files were created the owner's alone is
	// tightened like the database (see ownerOnly); one this user does not
	// own keeps its mode.
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(fi.Mode().Perm() & 0o700); err != nil && !errors.Is(err, fs.ErrPermission) {
			f.Close()
			return nil, false, fmt.Errorf("sqlite: make the lock file readable by its owner only: %w", err)
		}
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err = syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	switch {
	case err == nil:
		return f, true, nil
	case errors.Is(err, syscall.EWOULDBLOCK):
		f.Close()
		return nil, false, nil
	default:
		f.Close()
		return nil, false, fmt.Errorf("sqlite: lock %s: %w", path, err)
	}
}
