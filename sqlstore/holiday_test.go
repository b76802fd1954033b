package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestHolidayService(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()

		t.Run("ListHolidays", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			_, emp := e.team(t)
			for _, d := range []string{"2027-01-01", "2026-12-25", "2026-01-01"} {
				if _, err := e.Holidays.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: date(d), Name: "h" + d}); err != nil {
					t.Fatal(err)
				}
			}
			dates := func(list []*attendance.Holiday) []string {
				out := []string{}
				for _, h := range list {
					out = append(out, h.Date.String())
				}
				return out
			}
			tests := []struct {
				name  string
				year  *int
				page  attendance.Page
				want  []string
				count int
			}{
				{"all, by date", nil, attendance.Page{}, []string{"2026-01-01", "2026-12-25", "2027-01-01"}, 3},
				{"a year", ptr(2026), attendance.Page{}, []string{"2026-01-01", "2026-12-25"}, 2},
				{"a page", nil, attendance.Page{Limit: 1, Offset: 2}, []string{"2027-01-01"}, 3},
				{"a year without any", ptr(2030), attendance.Page{}, []string{}, 0},
			}
			for _, tt := range tests {
				// Everyone may read the holidays.
				list, n, err := e.Holidays.ListHolidays(ctx, emp.Actor(), tt.year, tt.page)
				if err != nil || !slices.Equal(dates(list), tt.want) || n != tt.count {
					t.Errorf("%s: %q (count %d), %v; want %q (count %d)", tt.name, dates(list), n, err, tt.want, tt.count)
				}
			}
		})

		t.Run("CreateHoliday", func(t *testing.T) {
			t.Parallel()
			t.Run("Rules", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, _ := e.team(t)
				h, err := e.Holidays.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: date("2026-12-25"), Name: "Christmas"})
				if err != nil || h.ID == 0 || h.Name != "Christmas" {
					t.Fatalf("%+v, %v", h, err)
				}
				_, err = e.Holidays.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: date("2026-12-25"), Name: "again"})
				wantCode(t, err, "holiday_exists")
				_, err = e.Holidays.CreateHoliday(ctx, mgr.Actor(), attendance.Holiday{Date: date("2026-12-26"), Name: "x"})
				wantCode(t, err, "forbidden")
				_, err = e.Holidays.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: date("2026-12-26"), Name: ""})
				wantCode(t, err, "invalid")
			})
			t.Run("ExcusesThatDatesLateness", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				e.clockAt(t, emp.Actor(), "2026-11-02T09:00:00Z", attendance.Entry)
				h, err := e.Holidays.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: date("2026-11-02"), Name: "surprise"})
				if err != nil {
					t.Fatal(err)
				}
				late := func() bool {
					evs, _, err := e.Attendance.ListEvents(ctx, mgr.Actor(), attendance.EventFilter{EmployeeID: &emp.ID})
					if err != nil {
						t.Fatal(err)
					}
					return evs[0].Late
				}
				if late() {
					t.Error("an entry on a new holiday is still late")
				}
				if err := e.Holidays.DeleteHoliday(ctx, e.Admin, h.ID); err != nil {
					t.Fatal(err)
				}
				if !late() {
					t.Error("an hour late on a working day again, and not late")
				}
			})
		})

		t.Run("JudgedAgainInBatches", func(t *testing.T) {
			// A change's request judges one batch of employees again; the
			// holiday_changes check the rest, batch by batch, and then has
			// nothing left.
			t.Parallel()
			e := newEnv(t, kind)
			e.DB.DB.SetHolidayBatch(2)
			mgr, first := e.team(t)
			staff := []*attendance.Employee{first}
			for i := range 4 {
				staff = append(staff, e.mustCreate(t, mgr.Actor(), fmt.Sprintf("staff%d", i), attendance.RoleEmployee, &mgr.ID))
			}
			for _, emp := range staff { // an hour late on Monday, 08:00 starts
				e.clockAt(t, emp.Actor(), "2026-11-02T09:00:00Z", attendance.Entry)
			}
			late := func() (n int) {
				t.Helper()
				for _, emp := range staff {
					evs, _, err := e.Attendance.ListEvents(ctx, mgr.Actor(), attendance.EventFilter{EmployeeID: &emp.ID})
					if err != nil || len(evs) != 1 {
						t.Fatalf("events %v, %v", evs, err)
					}
					if evs[0].Late {
						n++
					}
				}
				return n
			}
			settle := func(want int) {
				t.Helper()
				n, err := e.DB.Checks.SettleHolidayChanges(ctx, e.Clock.Now())
				if err != nil || n != want {
					t.Fatalf("the check judged %d employees' days again, %v; want %d", n, err, want)
				}
			}
			h, err := e.Holidays.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: date("2026-11-02"), Name: "surprise"})
			if err != nil {
				t.Fatal(err)
			}
			if got := late(); got != 3 {
				t.Errorf("%d late after the holiday's request, want 3 (a batch of 2 judged again)", got)
			}
			settle(3)
			if got := late(); got != 0 {
				t.Errorf("%d late after the check, want 0", got)
			}
			settle(0)
			if err := e.Holidays.DeleteHoliday(ctx, e.Admin, h.ID); err != nil {
				t.Fatal(err)
			}
			if got := late(); got != 2 {
				t.Errorf("%d late after the holiday's delete, want 2", got)
			}
			settle(3)
			if got := late(); got != 5 {
				t.Errorf("%d late after the check, want all 5", got)
			}
		})

		t.Run("DeleteHoliday", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mgr, _ := e.team(t)
			h, err := e.Holidays.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: date("2026-12-25"), Name: "Christmas"})
			if err != nil {
				t.Fatal(err)
			}
			wantCode(t, e.Holidays.DeleteHoliday(ctx, mgr.Actor(), h.ID), "forbidden")
			wantCode(t, e.Holidays.DeleteHoliday(ctx, e.Admin, h.ID), "")
			wantCode(t, e.Holidays.DeleteHoliday(ctx, e.Admin, h.ID), "not_found")
			if _, n, err := e.Holidays.ListHolidays(ctx, e.Admin, nil, attendance.Page{}); err != nil || n != 0 {
				t.Errorf("%d holidays left, %v", n, err)
			}
		})

		t.Run("Races", func(t *testing.T) {
			t.Parallel()
			t.Run("HolidayAndEntry", func(t *testing.T) {
				// An entry recorded while its date becomes a holiday ends up
				// not late, whichever commits first.
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				e.Clock.Set(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
				note := "badge reader down"
				for round := range raceRounds {
					day := date("2026-11-02").AddDays(round)  // Monday to Saturday; 08:00 starts
					ts := day.In(time.UTC).Add(9 * time.Hour) // an hour late on working days
					errs := both(func(i int) error {
						var err error
						if i == 0 {
							_, err = e.Holidays.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: day, Name: "surprise"})
						} else {
							_, err = e.Attendance.RecordEvent(ctx, mgr.Actor(), attendance.RecordEvent{Type: attendance.Entry, EmployeeID: &emp.ID, Timestamp: &ts, Note: &note})
						}
						return err
					})
					outcomes(t, "holiday and entry", errs)
					evs, _, err := e.Attendance.ListEvents(ctx, emp.Actor(), attendance.EventFilter{From: &day, To: &day})
					if err != nil || len(evs) != 1 {
						t.Fatalf("events of %s: %v, %v", day, evs, err)
					}
					if evs[0].Late {
						t.Fatalf("round %d: the entry on holiday %s is late", round, day)
					}
					exitAt := ts.Add(time.Hour)
					if _, err := e.Attendance.RecordEvent(ctx, mgr.Actor(), attendance.RecordEvent{Type: attendance.Exit, EmployeeID: &emp.ID, Timestamp: &exitAt, Note: &note}); err != nil {
						t.Fatal(err)
					}
				}
			})
			t.Run("Deletes", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				for round := range raceRounds {
					h, err := e.Holidays.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: date("2027-01-04").AddDays(round), Name: "gone"})
					if err != nil {
						t.Fatal(err)
					}
					errs := both(func(int) error { return e.Holidays.DeleteHoliday(ctx, e.Admin, h.ID) })
					if ok := outcomes(t, "two deletes", errs, "not_found"); ok != 1 {
						t.Fatalf("round %d: %d deletes succeeded, want 1", round, ok)
					}
				}
			})
			t.Run("HolidayAndAdminEdit", func(t *testing.T) {
				// A holiday change (every employee's row, in id order) beside
				// an edit of an admin (that admin's row).
				t.Parallel()
				e := newEnv(t, kind)
				other := e.mustCreate(t, e.Admin, "hae_admin", attendance.RoleAdmin, nil)
				for round := range 3 * raceRounds {
					dept := fmt.Sprintf("d%d", round)
					errs := both(func(i int) error {
						if i == 0 {
							_, err := e.Holidays.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: date("2027-03-01").AddDays(round), Name: "h"})
							return err
						}
						_, err := e.Employees.UpdateEmployee(ctx, e.Admin, other.ID, attendance.EmployeeFields{Department: &dept})
						return err
					})
					outcomes(t, fmt.Sprintf("round %d holiday vs admin edit", round), errs)
				}
			})
		})
	})
}
