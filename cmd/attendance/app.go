package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/jobs"
	"github.com/openattendance/attendance/postgres"
	"github.com/openattendance/attendance/sqlite"
	"github.com/openattendance/attendance/sqlstore"
)

// Store is an open database: the store's shared executor, on which the
// services are made, and how to close it.
type Store struct {
	*sqlstore.DB
	close func() error
	// Path is the SQLite file, "" on PostgreSQL.
	Path string
}

// Close closes the database.
func (s *Store) Close() error { return errors.Join(s.DB.Close(), s.close()) }

// openStore opens the configured database and, unless told not to, migrates it.
func openStore(ctx context.Context, c Config, logger *slog.Logger, migrate bool) (*Store, error) {
	cfg := sqlstore.Config{
		CompanyTimezone:    c.Timezone,
		LowLeaveThreshold:  c.LowLeaveThreshold,
		LatePenaltyMinutes: c.LatePenaltyMinutes,
		EscalationDays:     c.EscalationDays,
		CompanyWorkDays:    c.CompanyWorkDays,
	}
	if _, err := attendance.LoadLocation(c.Timezone); err != nil {
		return nil, fmt.Errorf("--timezone / ATTENDANCE_TIMEZONE: %q is not an IANA time zone", c.Timezone)
	}
	if c.DatabaseURL == "" {
		path := filepath.Join(c.DataDir, sqlite.FileName)
		conn, err := sqlite.Open(path, sqlite.Options{})
		if err != nil {
			return nil, err
		}
		if migrate {
			err := conn.Migrate(ctx, logger)
			if err == nil {
				err = jobs.Migrate(ctx, conn.Write, "sqlite", logger)
			}
			if err != nil {
				conn.Close()
				return nil, err
			}
		}
		db, err := sqlstore.New(conn.Write, conn.Read, sqlite.Dialect(), cfg)
		if err != nil {
			conn.Close()
			return nil, err
		}
		db.Logger = logger
		ensureLeaveTypes(ctx, db, logger)
		return &Store{DB: db, close: conn.Close, Path: path}, nil
	}
	if !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return nil, errors.New("--database-url / ATTENDANCE_DATABASE_URL must be empty (SQLite) or a postgres:// URL")
	}
	pool, err := postgres.Open(ctx, c.DatabaseURL, 0)
	if err != nil {
		return nil, err
	}
	if migrate {
		err := postgres.Migrate(ctx, pool, logger)
		if err == nil {
			err = jobs.Migrate(ctx, pool, "postgres", logger)
		}
		if err != nil {
			pool.Close()
			return nil, err
		}
	}
	db, err := sqlstore.New(pool, pool, postgres.Dialect(), cfg)
	if err != nil {
		pool.Close()
		return nil, err
	}
	db.Logger = logger
	ensureLeaveTypes(ctx, db, logger)
	return &Store{DB: db, close: pool.Close}, nil
}

// ensureLeaveTypes puts back the built-in leave types of a database whose
// rows were all deleted; a database not migrated yet is left alone.
func ensureLeaveTypes(ctx context.Context, db *sqlstore.DB, logger *slog.Logger) {
	if err := db.EnsureLeaveTypes(ctx); err != nil {
		logger.Warn("built-in leave types not checked", "err", err)
	}
}

// ensureAdmin creates the first admin when the database has no user at all.
// Without a configured password it generates one, writes it to the data
// directory (mode 0600) and shows it once on stderr, never in the log.
func ensureAdmin(ctx context.Context, c Config, employees *sqlstore.EmployeeService, hasher attendance.PasswordHasher, stderr io.Writer, logger *slog.Logger) error {
	n, err := employees.CountEmployees(ctx)
	if err != nil || n > 0 {
		return err
	}
	if msg := attendance.ValidateUsername(c.AdminUsername); msg != "" {
		return fmt.Errorf("--admin-username / ATTENDANCE_ADMIN_USERNAME %s", msg)
	}
	password, generated := c.AdminPassword, false
	if password == "" {
		b := make([]byte, 15)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		password, generated = base64.RawURLEncoding.EncodeToString(b), true
	} else if msg := attendance.ValidatePassword(password, c.AdminUsername); msg != "" {
		return fmt.Errorf("--admin-password / ATTENDANCE_ADMIN_PASSWORD %s", msg)
	}
	hash, err := hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	created, err := employees.Bootstrap(ctx, c.AdminUsername, hash)
	if err != nil || !created {
		return err
	}
	logger.Info("created the first admin", "username", c.AdminUsername)
	if !generated {
		return nil
	}
	file := filepath.Join(c.DataDir, "initial-admin-password")
	if err := os.MkdirAll(c.DataDir, 0o700); err == nil {
		err = os.WriteFile(file, []byte(password+"\n"), 0o600)
		if err != nil {
			file = ""
		}
	} else {
		file = ""
	}
	fmt.Fprintf(stderr, "\n%s\n  The first admin was created.\n\n    username: %s\n    password: %s\n\n",
		strings.Repeat("=", 64), c.AdminUsername, password)
	if file != "" {
		fmt.Fprintf(stderr, "  The password is also in %s (readable only by you).\n", file)
	}
	fmt.Fprintf(stderr, "  It is shown this once. Sign in and change it.\n%s\n\n", strings.Repeat("=", 64))
	return nil
}
