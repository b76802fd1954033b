// Package testenv gives tests the outside services they need — PostgreSQL,
// RabbitMQ, Chromium — from the environment. Without the variable a test is
// skipped and says which variable turns it on; with ATTENDANCE_TEST_REQUIRE=1
// (as in CI) a missing variable fails the test instead.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// The variables that turn on integration tests.
const (
	DatabaseURLVar = "ATTENDANCE_TEST_DATABASE_URL" // a PostgreSQL server the tests may create databases on
	AMQPURLVar     = "ATTENDANCE_TEST_AMQP_URL"     // a RabbitMQ broker
	ChromiumVar    = "ATTENDANCE_TEST_CHROMIUM"     // the path of a Chromium binary
	RequireVar     = "ATTENDANCE_TEST_REQUIRE"      // 1: fail instead of skipping
)

// Lookup returns the variable's value, skipping the test (or failing it under
// ATTENDANCE_TEST_REQUIRE=1) when it is empty.
func Lookup(t testing.TB, name, what string) string {
	t.Helper()
	v := os.Getenv(name)
	if v != "" {
		return v
	}
	if os.Getenv(RequireVar) == "1" {
		t.Fatalf("%s is not set, and %s=1 forbids skipping the %s tests", name, RequireVar, what)
	}
	t.Skipf("skipped: set %s to run the %s tests", name, what)
	return ""
}

// PostgresDatabase creates a fresh, empty database on the server of
// ATTENDANCE_TEST_DATABASE_URL, drops it when the test ends, and returns its URL.
func PostgresDatabase(t testing.TB) string {
	t.Helper()
	base := Lookup(t, DatabaseURLVar, "PostgreSQL")
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "attendance_test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", DatabaseURLVar, err)
	}
	u.Path = "/" + name
	return u.String()
}

// AMQPURL returns the broker of ATTENDANCE_TEST_AMQP_URL.
func AMQPURL(t testing.TB) string {
	t.Helper()
	return Lookup(t, AMQPURLVar, "RabbitMQ")
}

// Chromium returns the browser of ATTENDANCE_TEST_CHROMIUM.
func Chromium(t testing.TB) string {
	t.Helper()
	p := Lookup(t, ChromiumVar, "browser")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s=%s: %v", ChromiumVar, p, err)
	}
	return p
}
