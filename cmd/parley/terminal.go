package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parley-talks/parley/password"
	"golang.org/x/term"
)

// terminalFd returns the file descriptor of r or w if it is a terminal.
func terminalFd(f any) (int, bool) {
	file, ok := f.(*os.File)
	if !ok || file == nil {
		return 0, false
	}
	fd := int(file.Fd())
	return fd, term.IsTerminal(fd)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	_, ok := terminalFd(w)
	return ok
}

// readNewPassword reads a new password: from a terminal, typed twice
// without echo after a prompt on env.Stderr; from anything else, one line
// of standard input. "" means nothing was given (an empty line or no
// input).
func readNewPassword(env *Env, prompt string) (string, error) {
	fd, ok := terminalFd(env.Stdin)
	if !ok {
		return readPasswordLine(env.Stdin)
	}
	first, err := readHidden(env, fd, prompt+": ")
	if err != nil || first == "" {
		return first, err
	}
	second, err := readHidden(env, fd, "Type it again: ")
	if err != nil {
		return "", err
	}
	if first != second {
		return "", errors.New("the two passwords differ; nothing changed")
	}
	return first, nil
}

// readHidden prompts on env.Stderr and reads a line from the terminal fd
// without echo.
func readHidden(env *Env, fd int, prompt string) (string, error) {
	fmt.Fprint(env.Stderr, prompt)
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return "", fmt.Errorf("read the password from the terminal: %w", err)
	}
	if len(b) > password.MaxPasswordLen {
		return "", fmt.Errorf("the password is longer than %d bytes", password.MaxPasswordLen)
	}
	return string(b), nil
}

// readPasswordLine reads one line from r; "" if r is empty.
func readPasswordLine(r io.Reader) (string, error) {
	if r == nil {
		return "", nil
	}
	line, err := bufio.NewReader(io.LimitReader(r, password.MaxPasswordLen+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
