package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/testenv"
)

func TestEmployeeService(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()

		t.Run("FindEmployee", func(t *testing.T) {
			t.Parallel()
			t.Run("Scope", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				boss := e.mustCreate(t, e.Admin, "boss", attendance.RoleManager, nil)
				mid := e.mustCreate(t, e.Admin, "mid", attendance.RoleManager, &boss.ID)
				low := e.mustCreate(t, e.Admin, "low", attendance.RoleEmployee, &mid.ID)
				other := e.mustCreate(t, e.Admin, "other", attendance.RoleEmployee, nil)
				tests := []struct {
					name  string
					actor attendance.Actor
					id    int64
					found bool
				}{
					{"self", low.Actor(), low.ID, true},
					{"a direct report", mid.Actor(), low.ID, true},
					{"an indirect report", boss.Actor(), low.ID, true},
					{"out of scope", boss.Actor(), other.ID, false},
					{"an employee reading their manager", low.Actor(), mid.ID, false},
					{"a manager reading their own manager", mid.Actor(), boss.ID, false},
					{"an admin, anyone", e.Admin, other.ID, true},
					{"no such id", e.Admin, 999, false},
				}
				for _, tt := range tests {
					got, err := e.Employees.FindEmployee(ctx, tt.actor, tt.id)
					switch {
					case tt.found && (err != nil || got.ID != tt.id):
						t.Errorf("%s: %v, %v; want employee %d", tt.name, got, err, tt.id)
					case !tt.found && attendance.ErrorKind(err) != attendance.KindNotFound:
						t.Errorf("%s: %v, %v; want not found", tt.name, got, err)
					}
				}
			})
		})

		t.Run("ListEmployees", func(t *testing.T) {
			t.Parallel()
			t.Run("ManagerSeesTheirLine", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				boss := e.mustCreate(t, e.Admin, "boss", attendance.RoleManager, nil)
				mid := e.mustCreate(t, e.Admin, "mid", attendance.RoleManager, &boss.ID)
				e.mustCreate(t, e.Admin, "low", attendance.RoleEmployee, &mid.ID)
				e.mustCreate(t, e.Admin, "other", attendance.RoleEmployee, nil)
				list, n, err := e.Employees.ListEmployees(ctx, boss.Actor(), attendance.EmployeeFilter{})
				if got, want := usernames(list), []string{"boss", "mid", "low"}; err != nil || n != 3 || !slices.Equal(got, want) {
					t.Fatalf("boss's list = %q (count %d), %v; want %q", got, n, err, want)
				}
				list, n, err = e.Employees.ListEmployees(ctx, e.Admin, attendance.EmployeeFilter{})
				if err != nil || n != 5 || len(list) != 5 {
					t.Fatalf("admin's list = %q (count %d), %v; want everyone", usernames(list), n, err)
				}
			})
			t.Run("EmployeeForbidden", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				_, emp := e.team(t)
				_, _, err := e.Employees.ListEmployees(ctx, emp.Actor(), attendance.EmployeeFilter{})
				wantCode(t, err, "forbidden")
			})
			t.Run("Filters", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				e.mustCreate(t, e.Admin, "ann", attendance.RoleManager, nil, func(f *attendance.EmployeeFields) {
					f.Department, f.FirstName, f.LastName = ptr("Sales"), ptr("Ann"), ptr("Ängström 100%")
				})
				e.mustCreate(t, e.Admin, "bob_1", attendance.RoleEmployee, nil, func(f *attendance.EmployeeFields) {
					f.Department, f.Email, f.LastName = ptr("Sales"), ptr("bob@example.com"), ptr("1000")
				})
				gone := e.mustCreate(t, e.Admin, "bobx1", attendance.RoleEmployee, nil)
				if err := e.Employees.DeactivateEmployee(ctx, e.Admin, gone.ID); err != nil {
					t.Fatal(err)
				}
				tests := []struct {
					name string
					f    attendance.EmployeeFilter
					want []string
				}{
					{"department", attendance.EmployeeFilter{Department: ptr("Sales")}, []string{"ann", "bob_1"}},
					{"role", attendance.EmployeeFilter{Role: ptr(attendance.RoleManager)}, []string{"ann"}},
					{"inactive", attendance.EmployeeFilter{Active: ptr(false)}, []string{"bobx1"}},
					{"name, any case and letter", attendance.EmployeeFilter{Query: "ÄNGST"}, []string{"ann"}},
					{"first and last name", attendance.EmployeeFilter{Query: "ann ä"}, []string{"ann"}},
					{"email", attendance.EmployeeFilter{Query: "@EXAMPLE"}, []string{"bob_1"}},
					{"% is no wildcard", attendance.EmployeeFilter{Query: "100%"}, []string{"ann"}},
					{"_ is no wildcard", attendance.EmployeeFilter{Query: "b_1"}, []string{"bob_1"}},
					{"no match", attendance.EmployeeFilter{Query: "zzz"}, []string{}},
					{"page", attendance.EmployeeFilter{Page: attendance.Page{Limit: 2, Offset: 1}}, []string{"ann", "bob_1"}},
				}
				for _, tt := range tests {
					list, n, err := e.Employees.ListEmployees(ctx, e.Admin, tt.f)
					if err != nil || !slices.Equal(usernames(list), tt.want) {
						t.Errorf("%s: %q, %v; want %q", tt.name, usernames(list), err, tt.want)
					}
					if tt.f.Page.Limit == 0 && n != len(tt.want) {
						t.Errorf("%s: count %d, want %d", tt.name, n, len(tt.want))
					}
					if list == nil {
						t.Errorf("%s: a nil list (null in JSON)", tt.name)
					}
				}
			})
		})

		t.Run("CreateEmployee", func(t *testing.T) {
			t.Parallel()
			t.Run("Defaults", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
				emp, err := e.Employees.CreateEmployee(ctx, mgr.Actor(), attendance.EmployeeFields{Username: ptr("Emp"), Password: ptr(testPassword)})
				if err != nil {
					t.Fatal(err)
				}
				want := attendance.NewEmployee("UTC", monday)
				want.ID, want.Username, want.ManagerID = emp.ID, "Emp", &mgr.ID // reporting to the manager who made it
				testenv.SameJSON(t, "created", emp, want)
				got, err := e.Employees.FindEmployee(ctx, e.Admin, emp.ID)
				if err != nil {
					t.Fatal(err)
				}
				testenv.SameJSON(t, "read back", got, want)
			})
			t.Run("UsernameTakenIgnoringCase", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				e.mustCreate(t, e.Admin, "low", attendance.RoleEmployee, nil)
				_, err := e.Employees.CreateEmployee(ctx, e.Admin, attendance.EmployeeFields{Username: ptr("LOW"), Password: ptr(testPassword)})
				wantCode(t, err, "username_taken")
			})
			t.Run("Rules", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				other := e.mustCreate(t, e.Admin, "other_mgr", attendance.RoleManager, nil)
				tests := []struct {
					name  string
					actor attendance.Actor
					f     attendance.EmployeeFields
					code  string
				}{
					{"an employee", emp.Actor(), attendance.EmployeeFields{Username: ptr("xx1"), Password: ptr(testPassword)}, "forbidden"},
					{"a manager's new admin", mgr.Actor(), attendance.EmployeeFields{Username: ptr("xx2"), Password: ptr(testPassword), Role: ptr(attendance.RoleAdmin)}, "forbidden"},
					{"no password", e.Admin, attendance.EmployeeFields{Username: ptr("xx3")}, "invalid"},
					{"a short password", e.Admin, attendance.EmployeeFields{Username: ptr("xx4"), Password: ptr("short")}, "invalid"},
					{"a manager out of the manager's scope", mgr.Actor(), attendance.EmployeeFields{Username: ptr("xx5"), Password: ptr(testPassword), ManagerID: &other.ID, ManagerIDSet: true}, "invalid"},
					{"no such manager", e.Admin, attendance.EmployeeFields{Username: ptr("xx6"), Password: ptr(testPassword), ManagerID: ptr(int64(999)), ManagerIDSet: true}, "invalid"},
				}
				for _, tt := range tests {
					if _, err := e.Employees.CreateEmployee(ctx, tt.actor, tt.f); attendance.ErrorCode(err) != tt.code {
						t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
					}
				}
				if n, err := e.Employees.CountEmployees(ctx); err != nil || n != 4 {
					t.Errorf("%d employees, %v; want the 4 made before", n, err)
				}
			})
		})

		t.Run("UpdateEmployee", func(t *testing.T) {
			t.Parallel()
			t.Run("Fields", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				e.Clock.Set(monday.Add(time.Hour))
				got, err := e.Employees.UpdateEmployee(ctx, mgr.Actor(), emp.ID, attendance.EmployeeFields{
					Username: ptr("Emp2"), Department: ptr("Ops"), LateGraceMinutes: ptr(10), AnnualLeaveDays: ptr(20.5)})
				if err != nil {
					t.Fatal(err)
				}
				want := *emp
				want.Username, want.Department, want.LateGraceMinutes, want.AnnualLeaveDays, want.UpdatedAt = "Emp2", "Ops", 10, 20.5, monday.Add(time.Hour)
				testenv.SameJSON(t, "updated", got, want)
				back, err := e.Employees.FindEmployee(ctx, e.Admin, emp.ID)
				if err != nil {
					t.Fatal(err)
				}
				testenv.SameJSON(t, "read back", back, want)
				if _, err := e.Auth.FindCredentials(ctx, "emp2"); err != nil {
					t.Errorf("credentials under the new username, any case: %v", err)
				}
			})
			t.Run("Rules", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				boss := e.mustCreate(t, e.Admin, "boss", attendance.RoleManager, nil)
				low := e.mustCreate(t, e.Admin, "low", attendance.RoleEmployee, &boss.ID)
				other := e.mustCreate(t, e.Admin, "other", attendance.RoleEmployee, nil)
				tests := []struct {
					name  string
					actor attendance.Actor
					id    int64
					f     attendance.EmployeeFields
					code  string
				}{
					{"a cycle", e.Admin, boss.ID, attendance.EmployeeFields{ManagerID: &low.ID, ManagerIDSet: true}, "invalid"},
					{"oneself as manager", e.Admin, boss.ID, attendance.EmployeeFields{ManagerID: &boss.ID, ManagerIDSet: true}, "invalid"},
					{"the last admin demoted", e.Admin, e.Admin.ID, attendance.EmployeeFields{Role: ptr(attendance.RoleManager)}, "last_admin"},
					{"out of scope", boss.Actor(), other.ID, attendance.EmployeeFields{Department: ptr("x")}, "not_found"},
					{"one's own role", boss.Actor(), boss.ID, attendance.EmployeeFields{Role: ptr(attendance.RoleEmployee)}, "forbidden"},
					{"a manager promoting to admin", boss.Actor(), low.ID, attendance.EmployeeFields{Role: ptr(attendance.RoleAdmin)}, "forbidden"},
					{"a taken username", e.Admin, low.ID, attendance.EmployeeFields{Username: ptr("OTHER")}, "username_taken"},
					{"an employee", low.Actor(), low.ID, attendance.EmployeeFields{Department: ptr("x")}, "forbidden"},
				}
				for _, tt := range tests {
					if _, err := e.Employees.UpdateEmployee(ctx, tt.actor, tt.id, tt.f); attendance.ErrorCode(err) != tt.code {
						t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
					}
				}
			})
			t.Run("PasswordResetRevokesSessions", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				before := mustSession(t, e, emp.ID, "s1")
				if _, err := e.Employees.UpdateEmployee(ctx, mgr.Actor(), emp.ID, attendance.EmployeeFields{Password: ptr("another-password")}); err != nil {
					t.Fatal(err)
				}
				if _, err := e.Auth.SessionActor(ctx, "s1", monday); attendance.ErrorKind(err) != attendance.KindUnauthorized {
					t.Errorf("session after a reset: %v, want revoked", err)
				}
				after, err := e.Auth.FindCredentialsByID(ctx, emp.ID)
				if err != nil || after.PasswordHash == before {
					t.Errorf("hash after a reset unchanged (%v)", err)
				}
				if got := e.Emitted.Of(attendance.MessageSessionRevoked); len(got) != 1 || got[0].SessionID != "s1" {
					t.Errorf("revocations published: %+v, want s1's", got)
				}
			})
			t.Run("PasswordResetMustNotBeTheUsername", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				_, err := e.Employees.UpdateEmployee(ctx, mgr.Actor(), emp.ID, attendance.EmployeeFields{Password: ptr("EMP-EMP-emp")})
				wantCode(t, err, "")
				_, err = e.Employees.UpdateEmployee(ctx, mgr.Actor(), emp.ID, attendance.EmployeeFields{Password: ptr("emp")})
				wantCode(t, err, "invalid")
				_, err = e.Employees.UpdateEmployee(ctx, mgr.Actor(), emp.ID, attendance.EmployeeFields{Username: ptr("longname1"), Password: ptr("LONGNAME1")})
				wantCode(t, err, "invalid")
			})
			t.Run("RoleChangePublished", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				_, emp := e.team(t)
				if _, err := e.Employees.UpdateEmployee(ctx, e.Admin, emp.ID, attendance.EmployeeFields{Role: ptr(attendance.RoleManager)}); err != nil {
					t.Fatal(err)
				}
				if _, err := e.Employees.UpdateEmployee(ctx, e.Admin, emp.ID, attendance.EmployeeFields{Department: ptr("x")}); err != nil {
					t.Fatal(err)
				}
				if got := e.Emitted.Of(attendance.MessageRoleChanged); len(got) != 1 || got[0].UserID != emp.ID {
					t.Errorf("role changes published: %+v, want one for %d", got, emp.ID)
				}
			})
			t.Run("TimezoneMovesTheDays", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				// 23:30 UTC on Monday is 08:30 on Tuesday in Tokyo.
				e.clockAt(t, emp.Actor(), "2026-11-02T23:30:00Z", attendance.Entry)
				e.clockAt(t, emp.Actor(), "2026-11-03T01:30:00Z", attendance.Exit)
				if _, err := e.Employees.UpdateEmployee(ctx, mgr.Actor(), emp.ID, attendance.EmployeeFields{Timezone: ptr("Asia/Tokyo")}); err != nil {
					t.Fatal(err)
				}
				mon, tue := date("2026-11-02"), date("2026-11-03")
				ov, err := e.Attendance.Overview(ctx, mgr.Actor(), attendance.OverviewFilter{From: &mon, To: &tue, EmployeeID: &emp.ID})
				if err != nil {
					t.Fatal(err)
				}
				// Its days are derived again in Tokyo: Monday is absent, Tuesday
				// present. (Lateness stays as it was decided when recorded.)
				if got := ov.Results[0]; got.DaysPresent != 1 || got.AbsentDays != 1 || got.WorkedSeconds != 2*3600 {
					t.Errorf("after the move to Tokyo: %+v, want one day of 2 hours and one absence", got.OverviewTotals)
				}
				tueOnly, err := e.Attendance.Overview(ctx, mgr.Actor(), attendance.OverviewFilter{From: &tue, To: &tue, EmployeeID: &emp.ID})
				if err != nil || tueOnly.Results[0].DaysPresent != 1 {
					t.Errorf("Tuesday after the move: %+v, %v; want present", tueOnly, err)
				}
			})
		})

		t.Run("UpdateSelf", func(t *testing.T) {
			t.Parallel()
			t.Run("NamesAndEmail", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				_, emp := e.team(t)
				got, err := e.Employees.UpdateSelf(ctx, emp.Actor(), attendance.EmployeeFields{FirstName: ptr("Ada"), Email: ptr("ada@example.com")})
				if err != nil || got.FirstName != "Ada" || got.Email != "ada@example.com" || got.LastName != "" {
					t.Fatalf("%+v, %v", got, err)
				}
				if back, _ := e.Employees.FindEmployee(ctx, emp.Actor(), emp.ID); back.FirstName != "Ada" {
					t.Errorf("read back %+v", back)
				}
			})
			t.Run("NothingElse", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				_, emp := e.team(t)
				_, err := e.Employees.UpdateSelf(ctx, emp.Actor(), attendance.EmployeeFields{FirstName: ptr("Ada"), Department: ptr("x")})
				wantCode(t, err, "forbidden")
				_, err = e.Employees.UpdateSelf(ctx, emp.Actor(), attendance.EmployeeFields{Email: ptr("not an address")})
				wantCode(t, err, "invalid")
			})
		})

		t.Run("DeactivateEmployee", func(t *testing.T) {
			t.Parallel()
			t.Run("SignsOutAndKeepsHistory", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				hash := mustSession(t, e, emp.ID, "s1")
				e.clockAt(t, emp.Actor(), "2026-11-02T08:00:00Z", attendance.Entry)
				if err := e.Employees.DeactivateEmployee(ctx, mgr.Actor(), emp.ID); err != nil {
					t.Fatal(err)
				}
				got, err := e.Employees.FindEmployee(ctx, mgr.Actor(), emp.ID)
				if err != nil || got.Active || got.DeactivatedOn == nil || *got.DeactivatedOn != date("2026-11-02") {
					t.Fatalf("%+v, %v; want inactive since 2026-11-02", got, err)
				}
				if _, err := e.Auth.SessionActor(ctx, "s1", monday); err == nil {
					t.Error("the session outlived the deactivation")
				}
				err = e.Auth.CreateSession(ctx, &attendance.Session{ID: "s2", EmployeeID: emp.ID, RefreshID: "r2", CreatedAt: monday, ExpiresAt: monday.Add(time.Hour)}, hash)
				wantCode(t, err, "invalid_credentials")
				if _, n, err := e.Attendance.ListEvents(ctx, mgr.Actor(), attendance.EventFilter{EmployeeID: &emp.ID}); err != nil || n != 1 {
					t.Errorf("events after deactivation: %d, %v; want the one kept", n, err)
				}
			})
			t.Run("Reactivation", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				if err := e.Employees.DeactivateEmployee(ctx, mgr.Actor(), emp.ID); err != nil {
					t.Fatal(err)
				}
				got, err := e.Employees.UpdateEmployee(ctx, mgr.Actor(), emp.ID, attendance.EmployeeFields{Active: ptr(true)})
				if err != nil || !got.Active || got.DeactivatedOn != nil {
					t.Fatalf("%+v, %v; want active again, no deactivation date", got, err)
				}
			})
		})

		t.Run("CountEmployees", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			_, emp := e.team(t)
			if err := e.Employees.DeactivateEmployee(ctx, e.Admin, emp.ID); err != nil {
				t.Fatal(err)
			}
			if n, err := e.Employees.CountEmployees(ctx); err != nil || n != 3 {
				t.Errorf("%d, %v; want 3, the inactive one too", n, err)
			}
		})

		t.Run("Bootstrap", func(t *testing.T) {
			t.Parallel()
			t.Run("Once", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				created, err := e.Employees.Bootstrap(ctx, "second", "hash")
				if err != nil || created {
					t.Fatalf("a second bootstrap: %v, %v; want nothing created", created, err)
				}
				admin, err := e.Employees.FindEmployee(ctx, e.Admin, 1)
				if err != nil {
					t.Fatal(err)
				}
				want := attendance.NewEmployee("UTC", monday)
				want.ID, want.Username, want.Role = 1, "admin", attendance.RoleAdmin
				testenv.SameJSON(t, "the first admin", admin, want)
			})
			t.Run("ConcurrentReplicas", func(t *testing.T) {
				t.Parallel()
				db := newEmptyDB(t, kind)
				errs := both(func(i int) error {
					_, err := db.Employees.Bootstrap(ctx, fmt.Sprintf("admin%d", i), "hash")
					return err
				})
				outcomes(t, "two bootstraps", errs)
				if n, err := db.Employees.CountEmployees(ctx); err != nil || n != 1 {
					t.Errorf("%d employees, %v; want one admin", n, err)
				}
			})
		})

		t.Run("Races", func(t *testing.T) {
			t.Parallel()
			t.Run("ReportingCycle", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				setManager := func(id, manager int64) error {
					_, err := e.Employees.UpdateEmployee(ctx, e.Admin, id, attendance.EmployeeFields{ManagerID: &manager, ManagerIDSet: true})
					return err
				}
				for round := range raceRounds {
					name := func(s string) string { return fmt.Sprintf("cyc%d%s", round, s) }
					a := e.mustCreate(t, e.Admin, name("a"), attendance.RoleManager, nil)
					b := e.mustCreate(t, e.Admin, name("b"), attendance.RoleManager, nil)
					c := e.mustCreate(t, e.Admin, name("c"), attendance.RoleManager, &a.ID)
					// a under b and b under c, with c under a: together a cycle.
					errs := both(func(i int) error {
						if i == 0 {
							return setManager(a.ID, b.ID)
						}
						return setManager(b.ID, c.ID)
					})
					if ok := outcomes(t, "three-way", errs, "invalid"); ok != 1 {
						t.Fatalf("round %d: %d of two changes closing a cycle succeeded, want 1 (%v)", round, ok, errs)
					}
					// x under y and y under x.
					x := e.mustCreate(t, e.Admin, name("x"), attendance.RoleManager, nil)
					y := e.mustCreate(t, e.Admin, name("y"), attendance.RoleManager, nil)
					errs = both(func(i int) error {
						if i == 0 {
							return setManager(x.ID, y.ID)
						}
						return setManager(y.ID, x.ID)
					})
					if ok := outcomes(t, "swap", errs, "invalid"); ok != 1 {
						t.Fatalf("round %d: %d of two swapped changes succeeded, want 1 (%v)", round, ok, errs)
					}
				}
			})
			t.Run("LastAdmins", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				remaining := e.Admin
				for round := range raceRounds {
					other := e.mustCreate(t, e.Admin, fmt.Sprintf("adm%d", round), attendance.RoleAdmin, nil)
					pair := [2]attendance.Actor{remaining, other.Actor()}
					// Each deactivates the other.
					errs := both(func(i int) error { return e.Employees.DeactivateEmployee(ctx, pair[i], pair[1-i].ID) })
					if ok := outcomes(t, "deactivate each other", errs, "last_admin"); ok != 1 {
						t.Fatalf("round %d: %d deactivations succeeded, want 1 (%v)", round, ok, errs)
					}
					if errs[0] == nil {
						remaining = pair[0]
					} else {
						remaining = pair[1]
					}
					e.Admin = remaining
				}
			})
			t.Run("AdminsEditEachOther", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				other := e.mustCreate(t, e.Admin, "aee_admin", attendance.RoleAdmin, nil)
				pair := [2]attendance.Actor{e.Admin, other.Actor()}
				for round := range 3 * raceRounds {
					dept := fmt.Sprintf("d%d", round)
					errs := both(func(i int) error {
						_, err := e.Employees.UpdateEmployee(ctx, pair[i], pair[1-i].ID, attendance.EmployeeFields{Department: &dept})
						return err
					})
					outcomes(t, fmt.Sprintf("round %d admins edit each other", round), errs)
				}
			})
		})
	})
}

// usernames returns the usernames of a list, in its order.
func usernames(list []*attendance.Employee) []string {
	out := []string{}
	for _, e := range list {
		out = append(out, e.Username)
	}
	return out
}

// mustSession signs the employee in (session id, refresh "r-"+id, an hour
// from monday) and returns the hash it was made for.
func mustSession(t *testing.T, e *env, employeeID int64, id string) (hash string) {
	t.Helper()
	ctx := context.Background()
	creds, err := e.Auth.FindCredentialsByID(ctx, employeeID)
	if err != nil {
		t.Fatal(err)
	}
	s := &attendance.Session{ID: id, EmployeeID: employeeID, RefreshID: "r-" + id, CreatedAt: monday, ExpiresAt: monday.Add(time.Hour)}
	if err := e.Auth.CreateSession(ctx, s, creds.PasswordHash); err != nil {
		t.Fatal(err)
	}
	return creds.PasswordHash
}
