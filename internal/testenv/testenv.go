// Package testenv gives tests the outside services they need — PostgreSQL,
// RabbitMQ, Chromium — from the environment. Without the variable a test is
// skipped and says which variable turns it on; with ATTENDANCE_TEST_REQUIRE=1
// (as in CI) a missing variable fails the test instead.
package testenv

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	amqp091 "github.com/rabbitmq/amqp091-go"
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

// AMQPURL returns the broker of ATTENDANCE_TEST_AMQP_URL.
func AMQPURL(t testing.TB) string {
	t.Helper()
	return Lookup(t, AMQPURLVar, "RabbitMQ")
}

// AMQPExchange returns the name of an exchange of the test's own on the
// broker at url, deleted when the test ends: tests that run at the same
// time, or other runs sharing the broker, never see each other's events.
func AMQPExchange(t testing.TB, url string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "attendance.test." + hex.EncodeToString(b)
	t.Cleanup(func() {
		conn, err := amqp091.Dial(url)
		if err != nil {
			t.Logf("exchange %s not deleted: %v", name, err)
			return
		}
		defer conn.Close()
		ch, err := conn.Channel()
		if err == nil {
			err = ch.ExchangeDelete(name, false, false)
		}
		if err != nil {
			t.Logf("exchange %s not deleted: %v", name, err)
		}
	})
	return name
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

// SameJSON fails the test unless got and want encode to the same JSON: the
// same answer, as a client sees it.
func SameJSON(t testing.TB, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}
