package attendance_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// TestAppendingKeepsDaysAsBuilt checks that updating days event by event
// (AddEntryAt, CloseSession), as the store does for events appended at the
// end, always gives what BuildWorkDays derives from the whole list: with
// today's rule (each entry on its local date) and with the work dates of
// random rosters (night shifts, rotations, overrides) around the DST changes.
func TestAppendingKeepsDaysAsBuilt(t *testing.T) {
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Pacific/Auckland", "Asia/Kolkata"}
	rng := rand.New(rand.NewPCG(7, 7))
	for round := 0; round < 800; round++ {
		loc, err := time.LoadLocation(zones[round%len(zones)])
		if err != nil {
			t.Fatal(err)
		}
		// Spring forward and fall back are inside the range for the DST zones.
		at := time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(48*60)) * time.Minute)
		if round%2 == 1 {
			at = time.Date(2026, 10, 23, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(48*60)) * time.Minute)
		}
		workDate, rule := attendance.CalendarDates(loc), "calendar dates"
		if round%4 >= 2 {
			s := randomSchedule(rng, loc)
			workDate, rule = s.WorkDates(randomHolidays(rng)), "a roster"
		}
		var events []attendance.AttendanceEvent
		days := map[attendance.Date]attendance.Day{}
		typ := attendance.Entry
		for i := 0; i < 2+rng.IntN(30); i++ {
			at = at.Add(time.Duration(1+rng.IntN(20*60)) * time.Minute)
			ev := attendance.AttendanceEvent{ID: int64(i + 1), Type: typ, Timestamp: at}
			if typ == attendance.Entry {
				d := workDate(&ev)
				day, ok := days[d]
				if !ok {
					day = attendance.Day{Date: d}
				}
				if day.Entries == 0 {
					ev.Late, ev.LateMinutes = rng.IntN(2) == 0, rng.IntN(90)
				}
				days[d] = day.AddEntryAt(at, ev.Late, ev.LateMinutes)
				typ = attendance.Exit
			} else {
				prev := events[len(events)-1]
				d := workDate(&prev)
				days[d] = days[d].CloseSession(prev.Timestamp, at)
				typ = attendance.Entry
			}
			events = append(events, ev)
		}
		built := attendance.BuildWorkDays(workDate, events)
		if len(built) != len(days) {
			t.Fatalf("round %d (%s): %d days built, %d appended", round, rule, len(built), len(days))
		}
		for _, want := range built {
			if got := days[want.Date]; got != want {
				t.Fatalf("round %d, %s in %s (%s):\nappended %+v\n   built %+v", round, want.Date, loc, rule, got, want)
			}
			if got := attendance.BuildWorkDay(want.Date, workDate, events); got != want {
				t.Fatalf("round %d: BuildWorkDay(%s) = %+v, want %+v", round, want.Date, got, want)
			}
		}
	}
}
