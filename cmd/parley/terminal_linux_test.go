package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-talks/parley/password"
	"golang.org/x/sys/unix"
)

// openPTY returns the two ends of a new pseudo-terminal.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// syncBuffer is a bytes.Buffer two goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// typeWhenSilent waits until the terminal no longer echoes and a prompt
// containing want has been shown, then types line.
func typeWhenSilent(t *testing.T, master, tty *os.File, prompts *syncBuffer, want, line string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err == nil && tio.Lflag&unix.ECHO == 0 && strings.Contains(prompts.String(), want) {
			if _, err := master.Write([]byte(line + "\n")); err != nil {
				t.Fatal(err)
			}
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no silent prompt %q; prompts so far: %q", want, prompts.String())
}

// From a terminal, a password is asked twice, never echoed, and the
// terminal echoes again afterwards.
func TestPasswordFromTerminalIsNotEchoed(t *testing.T) {
	master, tty := openPTY(t)
	db := newDatabase(t)
	const pw = "typed-and-never-shown"
	var screen syncBuffer
	go func() {
		b := make([]byte, 1024)
		for {
			n, err := master.Read(b)
			screen.Write(b[:n])
			if err != nil {
				return
			}
		}
	}()
	var prompts syncBuffer
	var out bytes.Buffer
	env := &Env{Stdin: tty, Stdout: &out, Stderr: &prompts, Getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() { done <- Run(context.Background(), env, []string{"user", "add", "--db", db, "ana@example.org"}) }()
	typeWhenSilent(t, master, tty, &prompts, "Password for ana@example.org", pw)
	typeWhenSilent(t, master, tty, &prompts, "Type it again", pw)
	select {
	case code := <-done:
		if code != 0 || strings.Contains(out.String(), "shown only now") {
			t.Fatalf("user add from a terminal: exit %d, %s%s", code, out.String(), prompts.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("user add did not finish")
	}
	time.Sleep(50 * time.Millisecond) // let the reader drain what the terminal sent
	if strings.Contains(screen.String(), pw) {
		t.Errorf("the terminal echoed the password: %q", screen.String())
	}
	if tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS); err != nil || tio.Lflag&unix.ECHO == 0 {
		t.Errorf("the terminal does not echo again: %v", err)
	}
	// The password typed is the account's.
	store := openDB(t, db)
	u, err := store.FindUserByEmail(asSystem(context.Background()), "ana@example.org")
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := password.Verify(pw, u.PasswordHash); err != nil {
		t.Errorf("the stored hash is not of the typed password: %v", err)
	}

	// Two different passwords change nothing.
	go func() {
		done <- Run(context.Background(), env, []string{"user", "passwd", "--db", db, "ana@example.org"})
	}()
	typeWhenSilent(t, master, tty, &prompts, "New password for ana@example.org", "first-version-of-it")
	typeWhenSilent(t, master, tty, &prompts, "Type it again", "second-version-of-it")
	if code := <-done; code != 1 || !strings.Contains(prompts.String(), "differ") {
		t.Errorf("mismatched passwords: exit %d, %s", code, prompts.String())
	}
}

// A backup is binary: it is never written to, or read from, a terminal.
func TestBackupStreamsRefuseATerminal(t *testing.T) {
	_, tty := openPTY(t)
	db := newDatabase(t)
	var errb bytes.Buffer
	env := &Env{Stdin: tty, Stdout: tty, Stderr: &errb, Getenv: func(string) string { return "" }}
	if code := Run(context.Background(), env, []string{"backup", "--db", db, "-"}); code != 2 || !strings.Contains(errb.String(), "standard output is a terminal") {
		t.Errorf("backup to a terminal: exit %d, %s", code, errb.String())
	}
	errb.Reset()
	if code := Run(context.Background(), env, []string{"restore", "--db", filepath.Join(t.TempDir(), "r.db"), "--key-file", "k", "-"}); code != 2 || !strings.Contains(errb.String(), "standard input is a terminal") {
		t.Errorf("restore from a terminal: exit %d, %s", code, errb.String())
	}
}
