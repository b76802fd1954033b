package web_test

// The real attendance server for the browser tests: the binary is built once
// from this module, runs as its own process on a free port with a temporary
// data directory, and is seeded through the public API, as a client would.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/openattendance/attendance/internal/testenv"
)

// server is the service under test, on a fresh data directory.
type server struct {
	*testenv.Server
	adminPassword string
}

// mustStartServer starts the binary on a free port with a fresh data
// directory and stops it when the test ends.
func mustStartServer(t testing.TB, bin, timezone string) *server {
	t.Helper()
	const adminPassword = "admin-secret-1"
	return &server{
		Server: testenv.StartServer(t, bin,
			"--data-dir", t.TempDir(), "--admin-password", adminPassword, "--timezone", timezone),
		adminPassword: adminPassword,
	}
}

// apiClient calls the public API as one signed-in user.
type apiClient struct {
	t     testing.TB
	base  string
	token string
	user  employee
}

// employee holds the fields of an Employee the tests use.
type employee struct {
	ID        int64    `json:"id"`
	Username  string   `json:"username"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	Role      string   `json:"role"`
	WorkStart string   `json:"work_start"`
	WorkDays  []string `json:"work_days"`
	Timezone  string   `json:"timezone"`
}

// apiError is a response with an unexpected status.
type apiError struct {
	Status int
	Body   string
}

func (e *apiError) Error() string { return fmt.Sprintf("status %d: %s", e.Status, e.Body) }

// login signs in and returns a client for that user.
func login(t testing.TB, base, username, password string) *apiClient {
	t.Helper()
	c := &apiClient{t: t, base: base}
	var out struct {
		Token string   `json:"token"`
		User  employee `json:"user"`
	}
	c.mustDo("POST", "/api/users/login/", map[string]string{"username": username, "password": password}, http.StatusOK, &out)
	c.token = out.Token
	c.user = out.User
	return c
}

// do sends a request and decodes a JSON answer into out. A status other
// than want is an *apiError.
func (c *apiClient) do(method, path string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != want {
		return &apiError{Status: res.StatusCode, Body: string(data)}
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: decode %q: %w", method, path, data, err)
		}
	}
	return nil
}

// mustDo is do that fails the test on an error.
func (c *apiClient) mustDo(method, path string, body any, want int, out any) {
	c.t.Helper()
	if err := c.do(method, path, body, want, out); err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
}

// problem is an RFC 9457 problem as the API sends it.
type problem struct {
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	} `json:"errors"`
}

// problem sends a request that must fail with status and returns the problem.
func (c *apiClient) problem(method, path string, body any, status int) problem {
	c.t.Helper()
	err := c.do(method, path, body, -1, nil)
	var ae *apiError
	if !errors.As(err, &ae) || ae.Status != status {
		c.t.Fatalf("%s %s: got %v, want status %d", method, path, err, status)
	}
	var p problem
	if err := json.Unmarshal([]byte(ae.Body), &p); err != nil {
		c.t.Fatalf("%s %s: problem %q: %v", method, path, ae.Body, err)
	}
	return p
}

// getText fetches path and returns the body and its content type.
func (c *apiClient) getText(path string) (string, string) {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: status %d: %s", path, res.StatusCode, b)
	}
	return string(b), res.Header.Get("Content-Type")
}

// mustCreate creates an employee (with password) and returns it.
func (c *apiClient) mustCreate(fields map[string]any) employee {
	c.t.Helper()
	var e employee
	c.mustDo("POST", "/api/employees/", fields, http.StatusCreated, &e)
	return e
}

// record records an attendance event on someone's behalf.
func (c *apiClient) record(id int64, typ string, at time.Time) {
	c.t.Helper()
	c.mustDo("POST", "/api/attendance/", map[string]any{
		"employee_id": id, "type": typ, "timestamp": at.UTC().Format(time.RFC3339), "note": "Recorded from the paper log",
	}, http.StatusCreated, nil)
}

// writeFile writes data to name, creating its directory.
func writeFile(t testing.TB, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
