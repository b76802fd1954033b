package main

import (
	"context"
	"io"
)

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := newFlagSet("migrate", "Applies the database migrations that have not run yet, and exits.", stderr)
	build := bindConfig(fs, getenv, "data-dir", "database-url", "timezone", "log-format", "log-level")
	cfg, err := parseCommand(fs, args, build, nil)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	store, err := openStore(ctx, cfg, logger, true)
	if err != nil {
		return err
	}
	logger.Info("database is up to date")
	return store.Close()
}
