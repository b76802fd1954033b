package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/openattendance/attendance"
)

// TestEventsBeforeHire: an event recorded on someone's behalf may not fall
// before their hire date in their time zone (attendance.CheckHired); their own
// clock-in is never refused for it.
func TestEventsBeforeHire(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		// hired on Monday 2 November, in New York (UTC-5): the hire date
		// begins at 05:00 UTC.
		hire := func(t *testing.T) (e *env, mgr, emp *attendance.Employee) {
			t.Helper()
			e = newEnv(t, kind)
			mgr = e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
			emp = e.mustCreate(t, mgr.Actor(), "emp", attendance.RoleEmployee, &mgr.ID, func(f *attendance.EmployeeFields) {
				f.Timezone = ptr("America/New_York")
				f.HiredOn = ptr(date("2026-11-02"))
			})
			return e, mgr, emp
		}

		t.Run("OnBehalf", func(t *testing.T) {
			t.Parallel()
			e, mgr, emp := hire(t)
			e.Clock.Set(at(t, "2026-11-02T20:00:00Z"))
			note := "forgot to clock in"
			for _, tc := range []struct {
				ts   string
				want string
			}{
				{"1970-01-02T12:00:00Z", "invalid"},
				{"2026-10-30T13:00:00Z", "invalid"},
				{"2026-11-02T04:59:59Z", "invalid"}, // the hire date in UTC, still the eve in New York
				{"2026-11-02T05:00:00Z", ""},
			} {
				ts := at(t, tc.ts)
				_, err := e.Attendance.RecordEvent(ctx, mgr.Actor(), attendance.RecordEvent{Type: attendance.Entry, EmployeeID: &emp.ID, Timestamp: &ts, Note: &note})
				wantCode(t, err, tc.want)
				var ae *attendance.Error
				if tc.want != "" && (!errors.As(err, &ae) || len(ae.Fields) != 1 || ae.Fields[0].Location != "body.timestamp") {
					t.Errorf("an entry at %s: %v; want one error at body.timestamp", tc.ts, err)
				}
			}
			if _, n, err := e.Attendance.ListEvents(ctx, e.Admin, attendance.EventFilter{EmployeeID: &emp.ID}); err != nil || n != 1 {
				t.Errorf("%d events (%v), want the one on the hire date", n, err)
			}
		})
		t.Run("OnBehalfNowBeforeAFutureHire", func(t *testing.T) {
			t.Parallel()
			e, mgr, emp := hire(t)
			e.Clock.Set(at(t, "2026-10-30T15:00:00Z"))
			note := "came to look around"
			_, err := e.Attendance.RecordEvent(ctx, mgr.Actor(), attendance.RecordEvent{Type: attendance.Entry, EmployeeID: &emp.ID, Note: &note})
			wantCode(t, err, "invalid")
		})
		t.Run("SelfIsNotRefused", func(t *testing.T) {
			t.Parallel()
			e, _, emp := hire(t)
			// The eve of the hire date in New York: the company (UTC) made the
			// employee on its 2 November, while New York was still on the 1st.
			e.clockAt(t, emp.Actor(), "2026-11-02T01:00:00Z", attendance.Entry)
			e.clockAt(t, emp.Actor(), "2026-11-02T02:00:00Z", attendance.Exit)
		})
	})
}
