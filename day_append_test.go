package attendance_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// TestAppendingKeepsDaysAsBuilt checks that updating days event by event
// (AddEntry, CloseSession), as the store does for events appended at the end,
// always gives what BuildDays derives from the whole list.
func TestAppendingKeepsDaysAsBuilt(t *testing.T) {
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Pacific/Auckland", "Asia/Kolkata"}
	rng := rand.New(rand.NewPCG(7, 7))
	for round := 0; round < 400; round++ {
		loc, err := time.LoadLocation(zones[round%len(zones)])
		if err != nil {
			t.Fatal(err)
		}
		// Spring forward and fall back are inside the range for the DST zones.
		at := time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(48*60)) * time.Minute)
		if round%2 == 1 {
			at = time.Date(2026, 10, 23, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(48*60)) * time.Minute)
		}
		var events []attendance.AttendanceEvent
		days := map[attendance.Date]attendance.Day{}
		typ := attendance.Entry
		for i := 0; i < 2+rng.IntN(30); i++ {
			at = at.Add(time.Duration(1+rng.IntN(20*60)) * time.Minute)
			ev := attendance.AttendanceEvent{ID: int64(i + 1), Type: typ, Timestamp: at}
			if typ == attendance.Entry {
				d := attendance.DateOf(at.In(loc))
				day, ok := days[d]
				if !ok {
					day = attendance.Day{Date: d}
				}
				if day.Entries == 0 {
					ev.Late, ev.LateMinutes = rng.IntN(2) == 0, rng.IntN(90)
				}
				days[d] = day.AddEntry(ev.Late, ev.LateMinutes)
				typ = attendance.Exit
			} else {
				prev := events[len(events)-1]
				d := attendance.DateOf(prev.Timestamp.In(loc))
				days[d] = days[d].CloseSession(prev.Timestamp, at)
				typ = attendance.Entry
			}
			events = append(events, ev)
		}
		built := attendance.BuildDays(loc, events)
		if len(built) != len(days) {
			t.Fatalf("round %d: %d days built, %d appended", round, len(built), len(days))
		}
		for _, want := range built {
			if got := days[want.Date]; got != want {
				t.Fatalf("round %d, %s in %s:\nappended %+v\n   built %+v", round, want.Date, loc, got, want)
			}
		}
	}
}
