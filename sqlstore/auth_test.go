package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestAuthStore(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()

		t.Run("FindCredentials", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			emp := e.mustCreate(t, e.Admin, "Ada.L", attendance.RoleEmployee, nil)
			c, err := e.Auth.FindCredentials(ctx, "ada.l")
			if err != nil || c.Employee.ID != emp.ID || c.Employee.Username != "Ada.L" {
				t.Fatalf("%+v, %v", c, err)
			}
			if ok, err := e.Hasher.Verify(ctx, testPassword, c.PasswordHash); err != nil || !ok {
				t.Errorf("the hash does not verify the password: %v, %v", ok, err)
			}
			_, err = e.Auth.FindCredentials(ctx, "nobody")
			wantCode(t, err, "not_found")
		})

		t.Run("FindCredentialsByID", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			c, err := e.Auth.FindCredentialsByID(ctx, 1)
			if err != nil || c.Employee.Username != "admin" || c.PasswordHash == "" {
				t.Fatalf("%+v, %v", c, err)
			}
			_, err = e.Auth.FindCredentialsByID(ctx, 999)
			wantCode(t, err, "not_found")
		})

		t.Run("CreateSession", func(t *testing.T) {
			t.Parallel()
			t.Run("ForTheCheckedHash", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mustSession(t, e, 1, "s1")
				if a, err := e.Auth.SessionActor(ctx, "s1", monday); err != nil || a.ID != 1 || a.Role != attendance.RoleAdmin || a.SessionID != "s1" {
					t.Fatalf("actor = %+v, %v", a, err)
				}
				err := e.Auth.CreateSession(ctx, &attendance.Session{ID: "s0", EmployeeID: 1, RefreshID: "r0", CreatedAt: monday, ExpiresAt: monday.Add(time.Hour)}, "another hash")
				wantCode(t, err, "invalid_credentials")
			})
			t.Run("PasswordReplacedMeanwhile", func(t *testing.T) {
				// A session or a password change for a password checked
				// against a hash that a reset has since replaced is refused
				// (the reset committed between the check and the write).
				t.Parallel()
				e := newEnv(t, kind)
				emp := e.mustCreate(t, e.Admin, "replaced", attendance.RoleEmployee, nil)
				before, err := e.Auth.FindCredentialsByID(ctx, emp.ID)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := e.Employees.UpdateEmployee(ctx, e.Admin, emp.ID, attendance.EmployeeFields{Password: ptr("reset-password-1")}); err != nil {
					t.Fatal(err)
				}
				err = e.Auth.SetPassword(ctx, emp.ID, "a hash of the changer's choice", before.PasswordHash, "", monday)
				if attendance.ErrorKind(err) != attendance.KindInvalid {
					t.Fatalf("change checked against the replaced hash: %v, want refused", err)
				}
				s := &attendance.Session{ID: "late", EmployeeID: emp.ID, RefreshID: "late-r", CreatedAt: monday, ExpiresAt: monday.Add(time.Hour)}
				wantCode(t, e.Auth.CreateSession(ctx, s, before.PasswordHash), "invalid_credentials")
				after, err := e.Auth.FindCredentialsByID(ctx, emp.ID)
				if err != nil || after.PasswordHash == before.PasswordHash || after.PasswordHash == "a hash of the changer's choice" {
					t.Fatalf("the reset did not stand: %v", err)
				}
			})
		})

		t.Run("RotateRefresh", func(t *testing.T) {
			t.Parallel()
			t.Run("Rotation", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mustSession(t, e, 1, "s1")
				later := monday.Add(30 * time.Minute)
				emp, err := e.Auth.RotateRefresh(ctx, "s1", "r-s1", "r2", later, later.Add(time.Hour))
				if err != nil || emp.ID != 1 {
					t.Fatalf("%+v, %v", emp, err)
				}
				// The session lives on to the new expiry.
				if _, err := e.Auth.SessionActor(ctx, "s1", monday.Add(80*time.Minute)); err != nil {
					t.Errorf("after rotation, before the new expiry: %v", err)
				}
				_, err = e.Auth.RotateRefresh(ctx, "nope", "r", "r3", later, later.Add(time.Hour))
				wantCode(t, err, "unauthorized")
				_, err = e.Auth.RotateRefresh(ctx, "s1", "r2", "r3", monday.Add(2*time.Hour), monday.Add(3*time.Hour))
				wantCode(t, err, "unauthorized") // expired
			})
			t.Run("ReuseRevokes", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mustSession(t, e, 1, "s1")
				if _, err := e.Auth.RotateRefresh(ctx, "s1", "r-s1", "r2", monday, monday.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
				// Reusing r-s1 is theft: the session is revoked, and stays so.
				_, err := e.Auth.RotateRefresh(ctx, "s1", "r-s1", "r3", monday, monday.Add(time.Hour))
				wantCode(t, err, "unauthorized")
				if _, err := e.Auth.SessionActor(ctx, "s1", monday); err == nil {
					t.Fatal("session still live after refresh reuse")
				}
				_, err = e.Auth.RotateRefresh(ctx, "s1", "r2", "r4", monday, monday.Add(time.Hour))
				wantCode(t, err, "unauthorized")
			})
			t.Run("DeactivatedEmployee", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				_, emp := e.team(t)
				mustSession(t, e, emp.ID, "s1")
				if _, err := e.Employees.UpdateEmployee(ctx, e.Admin, emp.ID, attendance.EmployeeFields{Active: ptr(false)}); err != nil {
					t.Fatal(err)
				}
				_, err := e.Auth.RotateRefresh(ctx, "s1", "r-s1", "r2", monday, monday.Add(time.Hour))
				wantCode(t, err, "unauthorized")
			})
		})

		t.Run("SessionActor", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mustSession(t, e, 1, "s1")
			tests := []struct {
				name string
				id   string
				now  time.Time
				code string
			}{
				{"live", "s1", monday.Add(59 * time.Minute), ""},
				{"expired", "s1", monday.Add(time.Hour), "unauthorized"},
				{"unknown", "nope", monday, "unauthorized"},
			}
			for _, tt := range tests {
				if _, err := e.Auth.SessionActor(ctx, tt.id, tt.now); attendance.ErrorCode(err) != tt.code {
					t.Errorf("%s: %v, want %q", tt.name, err, tt.code)
				}
			}
		})

		t.Run("RevokeSession", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mustSession(t, e, 1, "s1")
			mustSession(t, e, 1, "s2")
			wantCode(t, e.Auth.RevokeSession(ctx, "s1", monday), "")
			wantCode(t, e.Auth.RevokeSession(ctx, "s1", monday), "")
			if _, err := e.Auth.SessionActor(ctx, "s1", monday); err == nil {
				t.Error("s1 live after its revocation")
			}
			if _, err := e.Auth.SessionActor(ctx, "s2", monday); err != nil {
				t.Errorf("s2 after s1's revocation: %v", err)
			}
			if got := e.Emitted.Of(attendance.MessageSessionRevoked); len(got) != 1 || got[0].SessionID != "s1" {
				t.Errorf("revocations published: %+v, want s1's once", got)
			}
		})

		t.Run("SetPassword", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			hash := mustSession(t, e, 1, "keep")
			mustSession(t, e, 1, "other")
			wantCode(t, e.Auth.SetPassword(ctx, 1, "new hash", hash, "keep", monday), "")
			if _, err := e.Auth.SessionActor(ctx, "keep", monday); err != nil {
				t.Errorf("the kept session: %v", err)
			}
			if _, err := e.Auth.SessionActor(ctx, "other", monday); err == nil {
				t.Error("the other session outlived the change")
			}
			if c, err := e.Auth.FindCredentialsByID(ctx, 1); err != nil || c.PasswordHash != "new hash" {
				t.Errorf("%+v, %v; want the new hash", c, err)
			}
		})

		t.Run("LoginAttempts", func(t *testing.T) {
			t.Parallel()
			t.Run("AtOnce", func(t *testing.T) {
				// Attempts at the same moment, as from many replicas, are
				// recorded no more than MaxLoginFailures at a time; the others
				// wait until those are judged, and only failures refuse.
				t.Parallel()
				e := newEnv(t, kind)
				const key = "login|someone|192.0.2.1"
				now := e.Clock.Now()
				since := now.Add(-attendance.LoginFailureWindow)
				var wg sync.WaitGroup
				var mu sync.Mutex
				var ids []int64
				for range 20 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						id, failures, _, err := e.Auth.BeginLoginAttempt(ctx, key, now, since)
						if err != nil || failures != 0 {
							t.Errorf("begin: %d failures, %v", failures, err)
							return
						}
						if id != 0 {
							mu.Lock()
							ids = append(ids, id)
							mu.Unlock()
						}
					}()
				}
				wg.Wait()
				if len(ids) != attendance.MaxLoginFailures {
					t.Fatalf("%d of 20 simultaneous attempts recorded, want %d", len(ids), attendance.MaxLoginFailures)
				}
				// One could not be judged and is taken back: one more may begin.
				if err := e.Auth.ForgetLoginAttempt(ctx, ids[0]); err != nil {
					t.Fatal(err)
				}
				id, _, _, err := e.Auth.BeginLoginAttempt(ctx, key, now, since)
				if err != nil || id == 0 {
					t.Fatalf("after one was forgotten: id %d, %v; want a new attempt", id, err)
				}
				// All five fail: the next attempt is refused, with the oldest failure.
				for _, id := range append(ids[1:], id) {
					if err := e.Auth.FailLoginAttempt(ctx, id); err != nil {
						t.Fatal(err)
					}
				}
				id, failures, oldest, err := e.Auth.BeginLoginAttempt(ctx, key, now, since)
				if err != nil || id != 0 || failures != attendance.MaxLoginFailures || !oldest.Equal(now) {
					t.Fatalf("after five failures: id %d, %d failures, oldest %v, %v", id, failures, oldest, err)
				}
				// Outside the window they no longer count.
				later := now.Add(attendance.LoginFailureWindow + time.Second)
				if id, failures, _, err := e.Auth.BeginLoginAttempt(ctx, key, later, later.Add(-attendance.LoginFailureWindow)); err != nil || id == 0 || failures != 0 {
					t.Fatalf("after the window: id %d, %d failures, %v", id, failures, err)
				}
			})
			t.Run("ClearLoginFailures", func(t *testing.T) {
				// A success clears the failures and itself, not the attempts
				// still being checked (they fail afterwards and count).
				t.Parallel()
				e := newEnv(t, kind)
				const key = "login|other|192.0.2.1"
				now := e.Clock.Now()
				since := now.Add(-attendance.LoginFailureWindow)
				failed, _, _, err := e.Auth.BeginLoginAttempt(ctx, key, now, since)
				if err != nil {
					t.Fatal(err)
				}
				if err := e.Auth.FailLoginAttempt(ctx, failed); err != nil {
					t.Fatal(err)
				}
				ok, _, _, err := e.Auth.BeginLoginAttempt(ctx, key, now, since)
				if err != nil {
					t.Fatal(err)
				}
				checking, failures, _, err := e.Auth.BeginLoginAttempt(ctx, key, now, since)
				if err != nil || failures != 1 {
					t.Fatalf("%d failures, %v; want the 1", failures, err)
				}
				if err := e.Auth.ClearLoginFailures(ctx, key, ok); err != nil {
					t.Fatal(err)
				}
				if err := e.Auth.FailLoginAttempt(ctx, checking); err != nil {
					t.Fatal(err)
				}
				if _, failures, _, err := e.Auth.BeginLoginAttempt(ctx, key, now, since); err != nil || failures != 1 {
					t.Fatalf("after a success beside an attempt being checked: %d failures, %v; want 1", failures, err)
				}
			})
		})

		t.Run("Setting", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			// Concurrent first use, as by replicas starting together: one value for all.
			var wg sync.WaitGroup
			vals := make([]string, 8)
			for i := range vals {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v, err := e.Auth.Setting(ctx, "secret", func() (string, error) { return fmt.Sprint("value ", i), nil })
					if err != nil {
						t.Error(err)
					}
					vals[i] = v
				}()
			}
			wg.Wait()
			for _, v := range vals {
				if v != vals[0] || v == "" {
					t.Fatalf("replicas got different secrets: %q", vals)
				}
			}
			v, err := e.Auth.Setting(ctx, "secret", func() (string, error) { return "", fmt.Errorf("not called") })
			if err != nil || v != vals[0] {
				t.Errorf("read again: %q, %v; want %q", v, err, vals[0])
			}
		})
	})
}
