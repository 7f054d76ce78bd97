package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/internal/sqlstore"
)

// loadMigrations returns the embedded migrations in version order.
func loadMigrations() ([]sqlstore.Migration, error) {
	ms, err := sqlstore.LoadMigrations(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return ms, nil
}

// migrate applies the migrations the database lacks in one transaction and
// records them. A database at a newer version than the last migration is
// refused before anything is written.
func migrate(ctx context.Context, db *sql.DB, file string, ms []sqlstore.Migration, readOnly bool) error {
	latest := ms[len(ms)-1].Version
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
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", m.Name, describe(err))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, m.Version, m.Name, parley.Now().UnixMicro()); err != nil {
			return fmt.Errorf("sqlite: record migration %s: %w", m.Name, describe(err))
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
