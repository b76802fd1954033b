package attendance_test

import (
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// TestShiftFortnight is a hand-computed fortnight of one person in Berlin,
// Noor, under Germany's break rule, at Monday 2026-11-02 10:00. A two-week
// rotation from 2026-10-19: nights (22:00–06:00, 30 min unpaid break, 7 h 30
// scheduled, grace 10) Monday to Friday, then early shifts (06:00–14:00,
// 30 min break, 7 h 30, grace 5) Monday to Friday. The manager rosters an
// extra night on Saturday 24, across the autumn change (9 real hours, 8 h 30
// scheduled), and gives Wednesday 28 off. Round two checks these figures
// through the HTTP overview and CSV.
//
//	date    sessions (Berlin)                 gross  break  net    expected  daily
//	Mon 19  21:55–02:00, 02:30–06:00          7:35   0:30   7:35   7:30      +0:05
//	Tue 20  22:20 (late 20)–06:00             7:40   –      7:10   7:30      −0:20
//	Wed 21  absent                            0             0      7:30      −7:30
//	Thu 22  22:00–02:00, 02:30–06:30          8:00   0:30   8:00   7:30      +0:30
//	Fri 23  21:58–02:00, 02:30–06:00          7:32   0:30   7:32   7:30      +0:02
//	Sat 24  22:00–01:00, 01:30–06:00 CET      8:30   0:30   8:30   8:30       0
//	        week: net 38:47 against 46:00: weekly undertime 7:13
//	Mon 26  05:50–10:00, 10:30–14:10          7:50   0:30   7:50   7:30      +0:20
//	Tue 27  06:07 (late 7)–14:00              7:53   –      7:23   7:30      −0:07
//	Wed 28  day off by the roster             –
//	Thu 29  05:58, the exit forgotten: open, needs review from 18:00
//	                                          0             0      7:30      −7:30
//	Fri 30  06:00, the exit forgotten; a correction request for 14:00,
//	        approved on Monday                8:00   –      7:30   7:30       0
//	        week: net 22:43 against 30:00: weekly undertime 7:17
func TestShiftFortnight(t *testing.T) {
	nightShift := shift(1, "22:00", "06:00", 10, 30)
	earlyShift := shift(2, "06:00", "14:00", 5, 30)
	s := attendance.Schedule{Location: berlin, HiredOn: date("2026-01-01"),
		Patterns:  []attendance.Pattern{{StartDate: date("2026-10-19"), Weeks: [][7]*attendance.Shift{weekdays(nightShift), weekdays(earlyShift)}}},
		Overrides: map[attendance.Date]*attendance.Shift{date("2026-10-24"): nightShift, date("2026-10-28"): nil},
	}
	set := attendance.DefaultWorkSettings()
	set.BreakRule = attendance.GermanBreakRule
	now := at(berlin, "2026-11-02 10:00")

	record := []struct {
		typ attendance.EventType
		at  string
	}{
		{attendance.Entry, "2026-10-19 21:55"}, {attendance.Exit, "2026-10-20 02:00"}, {attendance.Entry, "2026-10-20 02:30"}, {attendance.Exit, "2026-10-20 06:00"},
		{attendance.Entry, "2026-10-20 22:20"}, {attendance.Exit, "2026-10-21 06:00"},
		{attendance.Entry, "2026-10-22 22:00"}, {attendance.Exit, "2026-10-23 02:00"}, {attendance.Entry, "2026-10-23 02:30"}, {attendance.Exit, "2026-10-23 06:30"},
		{attendance.Entry, "2026-10-23 21:58"}, {attendance.Exit, "2026-10-24 02:00"}, {attendance.Entry, "2026-10-24 02:30"}, {attendance.Exit, "2026-10-24 06:00"},
		{attendance.Entry, "2026-10-24 22:00"}, {attendance.Exit, "2026-10-25 01:00"}, {attendance.Entry, "2026-10-25 01:30"}, {attendance.Exit, "2026-10-25 06:00"},
		{attendance.Entry, "2026-10-26 05:50"}, {attendance.Exit, "2026-10-26 10:00"}, {attendance.Entry, "2026-10-26 10:30"}, {attendance.Exit, "2026-10-26 14:10"},
		{attendance.Entry, "2026-10-27 06:07"}, {attendance.Exit, "2026-10-27 14:00"},
		{attendance.Entry, "2026-10-29 05:58"},
		{attendance.Entry, "2026-10-30 06:00"},
	}
	var events []attendance.AttendanceEvent
	firsts := map[attendance.Date]bool{}
	workDate := s.WorkDates(nil)
	add := func(e attendance.AttendanceEvent) {
		if e.Type == attendance.Entry {
			if d := workDate(&e); !firsts[d] {
				firsts[d] = true
				e.Late, e.LateMinutes = s.EntryLateness(d, e.Timestamp, nil, false, nil)
			}
		}
		events = append(events, e)
	}
	for i, r := range record {
		add(attendance.AttendanceEvent{ID: int64(i + 1), EmployeeID: 7, Type: r.typ, Timestamp: at(berlin, r.at), Source: attendance.SourceSelf})
	}

	// Thursday's session is flagged; Friday's is flagged too, until the
	// correction closes it.
	for _, d := range []string{"2026-10-29", "2026-10-30"} {
		o := s.OpenSession(date(d), date(d).At(hm("06:00"), berlin), nil, set)
		if !o.Scheduled || !o.RemindAt.Equal(date(d).At(hm("14:30"), berlin)) || !o.NeedsReview(now) {
			t.Fatalf("open session of %s = %+v, want reminded at 14:30 and flagged", d, o)
		}
	}

	// Friday evening Noor asks for the exit at 14:00; the manager approves
	// it on Monday morning, when it still fits after Friday's entry.
	exit := attendance.Exit
	in := attendance.CorrectionInput{Action: attendance.CorrectionAdd, Type: &exit, Date: ptr(date("2026-10-30")), Time: ptr(hm("14:00")), Reason: "left at two, forgot the terminal"}
	ts, err := in.Check(berlin, at(berlin, "2026-10-30 18:00"))
	checkErr(t, err, "", "")
	req := attendance.NewCorrectionRequest(7, in, ts, at(berlin, "2026-10-30 18:00"))
	req.ID = 1
	manager := attendance.Actor{ID: 2, Role: attendance.RoleManager}
	checkErr(t, attendance.CheckCorrectionDecider(manager, 7, attendance.RoleEmployee), "", "")
	checkErr(t, req.CheckFits(&events[len(events)-1], nil, berlin), "", "")
	corrected := req.Correction(manager)
	corrected.ID = int64(len(events) + 1)
	add(corrected)
	req.Decide(manager, attendance.Approve, "", at(berlin, "2026-11-02 09:00"))

	days := attendance.BuildWorkDays(workDate, events)
	got, gotTime := attendance.SummarizeWork(s, nil, set, date("2026-10-19"), date("2026-11-01"), now, days, nil)
	want := attendance.OverviewTotals{
		DaysPresent:   9,  // all but Wed 21 (absent) and Wed 28 (off)
		LateEntries:   2,  // Tue 20 and Tue 27
		LateMinutes:   27, // 20 + 7
		AbsentDays:    1,  // Wed 21
		WorkedSeconds: hms(63, 0),
		WorkedHours:   63,
		OpenSessions:  1, // Thu 29
	}
	wantTime := attendance.TimeTotals{
		BreakDeductedSeconds:   hms(1, 30),  // Tue 20, Tue 27, Fri 30
		ScheduledSeconds:       hms(76, 0),  // 5 × 7:30 + 8:30 + 4 × 7:30
		OvertimeSeconds:        hms(0, 57),  // 5 + 30 + 2 + 20
		UndertimeSeconds:       hms(15, 27), // 20 + 7:30 + 7 + 7:30
		WeeklyUndertimeSeconds: hms(14, 30), // 7:13 + 7:17
		NeedsReviewSessions:    1,           // Thu 29
	}
	if got != want {
		t.Errorf("SummarizeWork totals =\n%+v\nwant\n%+v", got, want)
	}
	if gotTime != wantTime {
		t.Errorf("SummarizeWork time =\n%+v\nwant\n%+v", gotTime, wantTime)
	}

	// Saturday's night, across the change, is one work date of 8 h 30.
	for _, d := range days {
		if d.Date == date("2026-10-24") && (d.Entries != 2 || d.WorkedSeconds != hms(8, 30) || d.BreakSeconds != hms(0, 30)) {
			t.Errorf("Saturday 24 = %+v, want two entries, 8:30 worked, 0:30 break", d)
		}
		if d.Date == date("2026-10-25") {
			t.Errorf("Sunday 25 has a day of its own: %+v", d)
		}
	}
	if got := s.RosterDay(date("2026-10-28"), nil); got.Source != attendance.RosterFromOverride || got.Shift != nil {
		t.Errorf("RosterDay(Wed 28) = %+v, want a day off by override", got)
	}
	if d := s.RosterDay(date("2026-10-24"), nil); d.ScheduledSeconds != hms(8, 30) || d.End.Sub(*d.Start) != 9*time.Hour {
		t.Errorf("RosterDay(Sat 24) = %+v, want 9 real hours, 8:30 scheduled", d)
	}
}
