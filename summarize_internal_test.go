package attendance

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// The sums as they were written before they used scratch space and shares
// by offset: kept as the oracle of TestSummarizeIsTheOldSums.

func oldLeaveDays(v *shiftDays, first, last Date, approved []ApprovedLeave) LeaveDays {
	out := LeaveDays{}
	for _, r := range approved {
		share := 1.0
		if r.HalfDay {
			share = 0.5
		}
		if r.Unit == UnitHour {
			if d := r.StartDate; d >= first && d <= last && v.isWorkingDay(d) {
				out[d] = min(1, out[d]+float64(r.Cost.Num())/float64(r.Cost.Den()))
			}
			continue
		}
		for d := max(r.StartDate, first); d <= min(r.EndDate, last); d++ {
			if v.isWorkingDay(d) {
				out[d] = max(out[d], share)
			}
		}
	}
	return out
}

func oldSummarizeLeave(v *shiftDays, first, last Date, approved []ApprovedLeave) LeaveTotals {
	var t LeaveTotals
	byType := map[LeaveType][]ApprovedLeave{}
	for _, r := range approved {
		byType[r.LeaveType] = append(byType[r.LeaveType], r)
		if r.Unit == UnitHour && r.StartDate >= first && r.StartDate <= last && v.isWorkingDay(r.StartDate) {
			t.LeaveMinutes += r.Minutes
		}
	}
	for typ, rs := range byType {
		days := 0.0
		for _, share := range oldLeaveDays(v, first, last, rs) {
			days += share
		}
		if days > 0 {
			if t.LeaveByType == nil {
				t.LeaveByType = map[LeaveType]float64{}
			}
			t.LeaveByType[typ] = round2(days)
		}
	}
	return t
}

func oldSummarize(v *shiftDays, set WorkSettings, first, last, today Date, now time.Time, days []Day, leave LeaveDays, withTime bool) (OverviewTotals, TimeTotals) {
	s, h := v.s, v.h
	var t OverviewTotals
	var w TimeTotals
	absentFrom, absentTo := max(first, s.HiredOn), min(last, today.AddDays(-1))
	if s.Until != nil {
		absentTo = min(absentTo, *s.Until)
	}
	var byDate []*Day
	if first <= last {
		byDate = make([]*Day, last-first+1)
	}
	dayOn := func(d Date) *Day {
		if d < first || d > last {
			return nil
		}
		return byDate[d-first]
	}
	for i := range days {
		d := &days[i]
		if d.Date < first || d.Date > last {
			continue
		}
		byDate[d.Date-first] = d
		if d.Present() {
			t.DaysPresent++
		}
		if d.Late {
			t.LateEntries++
			t.LateMinutes += d.LateMinutes
		}
		t.WorkedSeconds += d.WorkedSeconds
		t.OpenSessions += d.OpenSessions
		if withTime && d.OpenSessions > 0 && s.OpenSession(d.Date, d.OpenSince, h, set).NeedsReview(now) {
			w.NeedsReviewSessions += d.OpenSessions
		}
	}
	for d, share := range leave {
		if d >= first && d <= last {
			t.LeaveDays += share
		}
	}
	if absentFrom <= absentTo {
		covered := 0
		for k, p := range byDate {
			if d := first + Date(k); p != nil && p.Present() && d >= absentFrom && d <= absentTo && v.isWorkingDay(d) {
				covered++
			}
		}
		for d, share := range leave {
			if share > 0 && d >= absentFrom && d <= absentTo && (dayOn(d) == nil || !dayOn(d).Present()) && v.isWorkingDay(d) {
				covered++
			}
		}
		t.AbsentDays = v.workingDays(absentFrom, absentTo) - covered
	}
	t.WorkedHours = Hours(t.WorkedSeconds)
	if !withTime {
		return t, w
	}
	var wk week
	flush := func() {
		w.WeeklyOvertimeSeconds += max(0, wk.net-wk.expected)
		if wk.last < today && !now.Before(wk.ends) {
			w.WeeklyUndertimeSeconds += max(0, wk.expected-wk.net)
		}
		wk = week{}
	}
	var own daySpan
	for d := first; d <= last; d++ {
		if d > first && d.Weekday() == time.Monday {
			flush()
		}
		var worked, breaks int64
		if p := dayOn(d); p != nil {
			worked, breaks = p.WorkedSeconds, p.BreakSeconds
		}
		var share float64
		if len(leave) > 0 {
			share = leave[d]
		}
		dt := s.dayTime(d, worked, breaks, set.BreakRule, share, now, v.span(d, &own))
		w.BreakDeductedSeconds += dt.DeductedSeconds
		w.ScheduledSeconds += dt.ScheduledSeconds
		w.OvertimeSeconds += dt.OvertimeSeconds
		w.UndertimeSeconds += dt.UndertimeSeconds
		wk.net += dt.NetSeconds
		wk.expected += dt.ExpectedSeconds
		wk.last = d
		if dt.ShiftEnd.After(wk.ends) {
			wk.ends = dt.ShiftEnd
		}
	}
	if first <= last {
		flush()
	}
	return t, w
}

// TestSummarizeIsTheOldSums: the sums in scratch space, with the leave's
// shares by offset and a DayTime filled in place, give what the sums as
// first written give, on random schedules, days (some twice, some outside
// the range) and leave of several types, whole, half and hourly, over
// ranges of no to 330 dates, shared calendars and the rules alone, called
// from several goroutines at once as the overview calls them.
func TestSummarizeIsTheOldSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	set := DefaultWorkSettings()
	set.BreakRule = GermanBreakRule
	type input struct {
		s     Schedule
		now   time.Time
		days  []Day
		leave []ApprovedLeave
	}
	for round := range 12 {
		h := calendarHolidays(rng)
		first := NewDate(2026, time.January, 1).AddDays(rng.IntN(60))
		last := first.AddDays(rng.IntN(330) - 2) // now and then empty
		c := NewShiftCalendars(h, first, last)
		now := last.AddDays(rng.IntN(40) - 20).In(time.UTC).Add(time.Duration(rng.IntN(24*60)) * time.Minute)
		var inputs []input
		for _, s := range calendarSchedules(t, rng, 150) {
			in := input{s: s, now: now}
			// Now and then now is about the end of a shift: the date's
			// undertime, and its week's, are judged once it has ended.
			if rng.IntN(2) == 0 && first <= last {
				var own daySpan
				if sp := ruledDays(s, h).span(first.AddDays(rng.IntN(int(last-first)+1)), &own); sp.ok {
					in.now = sp.end.Add(time.Duration(rng.IntN(180)-90) * time.Minute)
				}
			}
			for d := first.AddDays(-3); d <= last.AddDays(3); d++ {
				if rng.IntN(3) == 0 {
					continue
				}
				day := Day{Date: d, Entries: rng.IntN(3), WorkedSeconds: int64(rng.IntN(11 * 3600)), BreakSeconds: int64(rng.IntN(3600))}
				if rng.IntN(8) == 0 {
					day.Late, day.LateMinutes = true, 1+rng.IntN(90)
				}
				if rng.IntN(20) == 0 {
					day.OpenSessions, day.OpenSince = 1, d.At(8*60, s.Location)
				}
				in.days = append(in.days, day)
				if rng.IntN(30) == 0 { // the same date twice
					day.WorkedSeconds = int64(rng.IntN(3600))
					in.days = append(in.days, day)
				}
			}
			rng.Shuffle(len(in.days), func(i, j int) { in.days[i], in.days[j] = in.days[j], in.days[i] })
			for range rng.IntN(8) {
				start := first.AddDays(rng.IntN(max(1, int(last-first)+10)) - 5)
				l := ApprovedLeave{LeaveType: []LeaveType{"annual", "sick", "training"}[rng.IntN(3)], StartDate: start, EndDate: start.AddDays(rng.IntN(9)),
					HalfDay: rng.IntN(4) == 0, Unit: UnitDay, Cost: NewAmount(1, 1)}
				if rng.IntN(3) == 0 {
					minutes := rng.IntN(600)
					l.EndDate, l.HalfDay, l.Unit, l.Minutes, l.Cost = start, false, UnitHour, minutes, NewAmount(int64(minutes), int64(240+rng.IntN(300)))
				}
				in.leave = append(in.leave, l)
			}
			inputs = append(inputs, in)
		}
		type result struct {
			t OverviewTotals
			w TimeTotals
			l LeaveTotals
		}
		got := make([]result, len(inputs))
		done := make(chan bool)
		for g := range 3 {
			go func() {
				for i := g; i < len(inputs); i += 3 {
					in := inputs[i]
					got[i].t, got[i].w, got[i].l = c.Summarize(in.s, set, in.now, in.days, in.leave)
				}
				done <- true
			}()
		}
		for range 3 {
			<-done
		}
		for i, in := range inputs {
			ways := []struct {
				name string
				v    *shiftDays
			}{{"calendars", c.days(in.s)}, {"rules", ruledDays(in.s, h)}}
			for _, way := range ways {
				now := in.now
				today := in.s.Today(now)
				shares := oldLeaveDays(way.v, first, last, in.leave)
				wantT, wantW := oldSummarize(way.v, set, first, last, today, now, in.days, shares, true)
				wantL := oldSummarizeLeave(way.v, first, last, in.leave)
				g := got[i]
				if way.name == "rules" {
					g.t, g.w = SummarizeWork(in.s, h, set, first, last, now, in.days, leaveDays(way.v, first, last, in.leave))
					g.l = SummarizeLeave(in.s, h, first, last, leaveRequests(in.leave))
					if gotT, wantT := Summarize(in.s, h, first, last, today, in.days, shares), oldSummarizeNoTime(way.v, first, last, today, in.days, shares); !sameTotals(gotT, wantT) {
						t.Fatalf("round %d, schedule %d: Summarize\n%+v, want\n%+v", round, i, gotT, wantT)
					}
				}
				if !reflect.DeepEqual(leaveDays(way.v, first, last, in.leave), shares) {
					t.Fatalf("round %d, schedule %d, %s: leave days\n%v, want\n%v", round, i, way.name, leaveDays(way.v, first, last, in.leave), shares)
				}
				if !sameTotals(g.t, wantT) || g.w != wantW || !reflect.DeepEqual(g.l, wantL) {
					t.Fatalf("round %d, schedule %d, %s: got\n%+v %+v %+v\nwant\n%+v %+v %+v", round, i, way.name, g.t, g.w, g.l, wantT, wantW, wantL)
				}
			}
		}
	}
}

func oldSummarizeNoTime(v *shiftDays, first, last, today Date, days []Day, leave LeaveDays) OverviewTotals {
	t, _ := oldSummarize(v, WorkSettings{}, first, last, today, today.In(v.s.Location), days, leave, false)
	return t
}

// sameTotals compares overview totals, leave days to 1e-9: a float's sum
// over a map, in its random order, the last bit moves from call to call.
func sameTotals(got, want OverviewTotals) bool {
	if math.Abs(got.LeaveDays-want.LeaveDays) < 1e-9 {
		got.LeaveDays = want.LeaveDays
	}
	return got == want
}

// leaveRequests returns ls as approved requests.
func leaveRequests(ls []ApprovedLeave) []LeaveRequest {
	out := make([]LeaveRequest, len(ls))
	for i, l := range ls {
		out[i] = LeaveRequest{LeaveType: l.LeaveType, StartDate: l.StartDate, EndDate: l.EndDate, HalfDay: l.HalfDay, Unit: l.Unit,
			Cost: l.Cost, Status: LeaveApproved, Minutes: new(l.Minutes)}
	}
	return out
}
