package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
)

// migration is one embedded schema change, named NNNN_description.sql.
type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
	}
	var ms []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			panic("sqlite: migration file " + base + " is not named NNNN_description.sql")
		}
		b, err := fs.ReadFile(migrationFS, name)
		if err != nil {
			return nil, fmt.Errorf("sqlite: migrations: %w", err)
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			panic(fmt.Sprintf("sqlite: migration %s is out of sequence (want version %d)", m.name, i+1))
		}
	}
	return ms, nil
}

// migrate applies the migrations the database lacks in one transaction and
// records them. A database at a newer version than the last migration is
// refused before anything is written.
func migrate(ctx context.Context, db *sql.DB, file string, ms []migration, readOnly bool) error {
	latest := ms[len(ms)-1].version
	if readOnly {
		var version int
		if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
			return fmt.Errorf("sqlite: open %s: %w", file, describe(err))
		}
		switch {
		case version > latest:
			return newerError(version, latest)
		case version < latest:
			return fmt.Errorf("sqlite: %s is at schema version %d and needs migrating to %d, which a read-only database cannot be", file, version, latest)
		}
		return nil
	}
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock
	if err != nil {
		return fmt.Errorf("sqlite: open %s: %w", file, describe(err))
	}
	defer tx.Rollback()
	var hasTable int
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&hasTable)
	if err != nil {
		return fmt.Errorf("sqlite: open %s: %w", file, describe(err))
	}
	version := 0
	if hasTable > 0 {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
			return fmt.Errorf("sqlite: read schema version: %w", describe(err))
		}
	}
	if version > latest {
		return newerError(version, latest)
	}
	if version == latest {
		return nil // nothing to write; the rollback ends the transaction
	}
	if hasTable == 0 {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`); err != nil {
			return fmt.Errorf("sqlite: create schema_migrations: %w", describe(err))
		}
	}
	for _, m := range ms[version:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", m.name, describe(err))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, m.version, m.name, parley.Now().UnixMicro()); err != nil {
			return fmt.Errorf("sqlite: record migration %s: %w", m.name, describe(err))
		}
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA user_version = `+strconv.Itoa(latest)); err != nil {
		return fmt.Errorf("sqlite: record schema version: %w", describe(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit migrations: %w", describe(err))
	}
	return nil
}
