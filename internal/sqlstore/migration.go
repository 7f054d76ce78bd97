package sqlstore

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one embedded schema change, from a file named
// NNNN_description.sql. The sqlite and postgres packages keep their own
// files, with the same numbers meaning the same change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// LoadMigrations reads the *.sql files of dir in fsys, in version order. The
// files are embedded in the binary, so a misnamed file or a gap in the
// sequence is a build defect and panics; the test of each store loads them.
func LoadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	var ms []Migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			panic("sqlstore: migration file " + base + " is not named NNNN_description.sql")
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		ms = append(ms, Migration{Version: v, Name: base, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			panic(fmt.Sprintf("sqlstore: migration %s is out of sequence (want version %d)", m.Name, i+1))
		}
	}
	if len(ms) == 0 {
		panic("sqlstore: no migrations in " + dir)
	}
	return ms, nil
}
