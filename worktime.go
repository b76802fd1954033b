package attendance

import (
	"fmt"
	"sync"
	"time"
)

// BreakStep is one step of a break rule: more than AfterMinutes worked on a
// work date needs BreakMinutes of break.
type BreakStep struct {
	AfterMinutes int `json:"after_minutes"`
	BreakMinutes int `json:"break_minutes"`
}

// BreakRule is the company's break rule: its steps in increasing order. An
// empty rule is off (the default).
type BreakRule []BreakStep

// GermanBreakRule is Germany's rule (ArbZG §4), the example of the contract:
// more than 6 hours needs 30 minutes of break, more than 9 hours 45.
var GermanBreakRule = BreakRule{{AfterMinutes: 6 * 60, BreakMinutes: 30}, {AfterMinutes: 9 * 60, BreakMinutes: 45}}

// maxBreakSteps bounds a break rule: laws have two or three.
const maxBreakSteps = 5

// Validate checks the rule: at most five steps, each after 1 to 1440 minutes
// and needing 1 to MaxBreakMinutes, both increasing from step to step.
func (r BreakRule) Validate() error {
	var v Validator
	v.Check(len(r) <= maxBreakSteps, "body.break_rule", "may have at most %d steps", maxBreakSteps)
	for i, s := range r {
		loc := fmt.Sprintf("body.break_rule[%d]", i)
		v.Check(s.AfterMinutes >= 1 && s.AfterMinutes <= 24*60, loc+".after_minutes", "must be between 1 and 1440")
		v.Check(s.BreakMinutes >= 1 && s.BreakMinutes <= MaxBreakMinutes, loc+".break_minutes", "must be between 1 and %d", MaxBreakMinutes)
		if i > 0 {
			v.Check(s.AfterMinutes > r[i-1].AfterMinutes, loc+".after_minutes", "must be more than the step before's")
			v.Check(s.BreakMinutes > r[i-1].BreakMinutes, loc+".break_minutes", "must be more than the step before's")
		}
	}
	return v.Err()
}

// Deduction returns the seconds deducted from a work date's worked time
// (workedSeconds, gross, of its closed sessions) when its breaks (the gaps
// between those sessions) were breakSeconds. The required break is that of
// the last step whose threshold the gross time passes; the deduction is what
// the breaks miss of it, but never takes the day below that threshold: 6 h 10
// min worked without a break under GermanBreakRule counts as 6 h 00 min.
func (r BreakRule) Deduction(workedSeconds, breakSeconds int64) int64 {
	var step *BreakStep
	for i := range r {
		if workedSeconds > int64(r[i].AfterMinutes)*60 {
			step = &r[i]
		}
	}
	if step == nil {
		return 0
	}
	missing := int64(step.BreakMinutes)*60 - breakSeconds
	return max(0, min(missing, workedSeconds-int64(step.AfterMinutes)*60))
}

// WorkSettings are the company's working-time settings.
type WorkSettings struct {
	// BreakRule is off when empty.
	BreakRule BreakRule `json:"break_rule"`
	// ReviewAfterMinutes is how long after its expected end an open session
	// is flagged as needing review.
	ReviewAfterMinutes int `json:"review_after_minutes"`
	// AutoClose closes a session flagged for review at its shift's scheduled
	// end, with an exit of source system.
	AutoClose bool `json:"auto_close"`
}

// DefaultWorkSettings are the settings of a new company, and of every
// company before it chooses: no break rule, review after 4 hours, no
// automatic closing.
func DefaultWorkSettings() WorkSettings {
	return WorkSettings{BreakRule: BreakRule{}, ReviewAfterMinutes: 240}
}

// Validate checks the settings: the break rule, and a review after 1 hour
// (after the reminder) to 7 days.
func (s WorkSettings) Validate() error {
	var v Validator
	v.Check(s.ReviewAfterMinutes >= 60 && s.ReviewAfterMinutes <= 7*24*60, "body.review_after_minutes", "must be between 60 and 10080")
	err := v.Err()
	if rerr := s.BreakRule.Validate(); rerr != nil {
		if err == nil {
			return rerr
		}
		return Invalid(append(err.(*Error).Fields, rerr.(*Error).Fields...)...)
	}
	return err
}

// DayTime is the working time of one work date.
type DayTime struct {
	Date Date
	// HasShift: the date has a shift instance within the employment.
	HasShift         bool
	WorkedSeconds    int64 // gross: the closed sessions
	BreakSeconds     int64 // the gaps between them
	DeductedSeconds  int64 // what the break rule deducts
	NetSeconds       int64 // worked less deducted
	ScheduledSeconds int64 // the instance's scheduled time
	// ExpectedSeconds is the scheduled time less approved leave: a whole day
	// of leave leaves nothing, half a day half, hourly leave its share.
	ExpectedSeconds int64
	// Judged: the shift has ended, so that a shortfall is undertime.
	Judged           bool
	OvertimeSeconds  int64
	UndertimeSeconds int64
	// ShiftEnd is the instance's end (zero without a shift).
	ShiftEnd time.Time
}

// employed reports whether d lies within the employment: from the hiring
// date to the deactivation date.
func (s Schedule) employed(d Date) bool {
	return d >= s.HiredOn && (s.Until == nil || d <= *s.Until)
}

// DayTime works out the working time of work date d from its Day, the share
// of it under approved leave (LeaveDays; 0 to 1) and the break rule, at now.
// Overtime is net worked time beyond the expected time, on any date (a date
// without a shift expects nothing); undertime is the expected time not
// worked, on a date with a shift once that shift has ended.
func (s Schedule) DayTime(d Date, day Day, h Holidays, rule BreakRule, leaveShare float64, now time.Time) DayTime {
	sp := s.daySpan(d, h, &wallClock{loc: s.Location})
	return s.dayTime(d, day.WorkedSeconds, day.BreakSeconds, rule, leaveShare, now, &sp)
}

// dayTime is DayTime of the day's worked and break seconds, with date d's
// shift placed (sp).
func (s Schedule) dayTime(d Date, worked, breaks int64, rule BreakRule, leaveShare float64, now time.Time, sp *daySpan) DayTime {
	var t DayTime
	s.fillDayTime(&t, d, worked, breaks, rule, leaveShare, now, sp)
	return t
}

// fillDayTime is dayTime into *t, which it overwrites: the rule, stated
// once, for the overview's date loop not to copy a DayTime per date.
func (s Schedule) fillDayTime(t *DayTime, d Date, worked, breaks int64, rule BreakRule, leaveShare float64, now time.Time, sp *daySpan) {
	*t = DayTime{Date: d, WorkedSeconds: worked, BreakSeconds: breaks}
	t.DeductedSeconds = rule.Deduction(worked, breaks)
	t.NetSeconds = t.WorkedSeconds - t.DeductedSeconds
	if sp.ok && s.employed(d) {
		t.HasShift, t.ShiftEnd = true, sp.end
		t.ScheduledSeconds = sp.scheduled
		t.ExpectedSeconds = int64(float64(t.ScheduledSeconds) * (1 - min(1, max(0, leaveShare))))
		t.Judged = !now.Before(sp.end)
	}
	t.OvertimeSeconds = max(0, t.NetSeconds-t.ExpectedSeconds)
	if t.Judged {
		t.UndertimeSeconds = max(0, t.ExpectedSeconds-t.NetSeconds)
	}
}

// TimeTotals are the working-time figures of an overview row, and their sums.
// Daily and weekly overtime are two views of the same hours, reported side
// by side: never add them up.
type TimeTotals struct {
	BreakDeductedSeconds   int64 `json:"break_deducted_seconds"`
	ScheduledSeconds       int64 `json:"scheduled_seconds"`
	OvertimeSeconds        int64 `json:"overtime_seconds"`
	UndertimeSeconds       int64 `json:"undertime_seconds"`
	WeeklyOvertimeSeconds  int64 `json:"weekly_overtime_seconds"`
	WeeklyUndertimeSeconds int64 `json:"weekly_undertime_seconds"`
	NeedsReviewSessions    int   `json:"needs_review_sessions"`
}

// Add adds r's figures to t.
func (t *TimeTotals) Add(r TimeTotals) {
	t.BreakDeductedSeconds += r.BreakDeductedSeconds
	t.ScheduledSeconds += r.ScheduledSeconds
	t.OvertimeSeconds += r.OvertimeSeconds
	t.UndertimeSeconds += r.UndertimeSeconds
	t.WeeklyOvertimeSeconds += r.WeeklyOvertimeSeconds
	t.WeeklyUndertimeSeconds += r.WeeklyUndertimeSeconds
	t.NeedsReviewSessions += r.NeedsReviewSessions
}

// week gathers the figures of the dates of one ISO week within a range.
type week struct {
	net, expected int64
	last          Date      // the week's last date in the range
	ends          time.Time // the latest end of its shifts
}

// SummarizeWork sums up an employee's work dates from first to last at now:
// the overview's figures (as Summarize, with absences judged per work date
// with a shift) and the working-time figures. days holds the Days of the
// employee's work dates in the range, in any order; leave the share of each
// date under approved leave.
//
// Weekly figures take each ISO week's dates within the range: its net worked
// time against its expected time; overtime as soon as it shows, undertime
// once the week's last date is past and its shifts have ended.
func SummarizeWork(s Schedule, h Holidays, set WorkSettings, first, last Date, now time.Time, days []Day, leave LeaveDays) (OverviewTotals, TimeTotals) {
	sc := getScratch()
	defer putScratch(sc)
	return summarize(ruledDays(s, h), set, first, last, s.Today(now), now, days, sc.sharesOf(first, last, leave), true, sc)
}

// summarize is SummarizeWork, and Summarize without the working-time
// figures (withTime false), as of the employee's date today, with the
// schedule's shifts from v. shares is the share of each date of the range
// under approved leave, by its offset from first (leaveShares), or nil
// without leave; sc is scratch space, used again by the next call.
func summarize(v *shiftDays, set WorkSettings, first, last, today Date, now time.Time, days []Day, shares []float64, withTime bool, sc *scratch) (OverviewTotals, TimeTotals) {
	s, h := v.s, v.h
	var t OverviewTotals
	var w TimeTotals
	absentFrom, absentTo := max(first, s.HiredOn), min(last, today.AddDays(-1))
	if s.Until != nil {
		absentTo = min(absentTo, *s.Until)
	}
	// The day of each date of the range, by its offset from first: 1 + its
	// index in days, 0 for none. Offsets, not pointers, in a slice used
	// again: the overview sums every employee's range this way.
	var byDate []int32
	if first <= last {
		byDate = sc.byDateOf(int(last-first) + 1)
	}
	for i := range days {
		d := &days[i]
		if d.Date < first || d.Date > last {
			continue
		}
		byDate[d.Date-first] = int32(i + 1)
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
	for _, share := range shares {
		t.LeaveDays += share
	}
	if absentFrom <= absentTo {
		// The working days of the window (counted by the calendar, without
		// visiting every date when the schedule allows) less those covered
		// by an entry or leave.
		covered := 0
		for d := absentFrom; d <= absentTo; d++ {
			k := d - first
			present := byDate[k] != 0 && days[byDate[k]-1].Present()
			if (present || (shares != nil && shares[k] > 0)) && v.isWorkingDay(d) {
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
	var (
		own daySpan
		dt  DayTime
	)
	for d := first; d <= last; d++ {
		if d > first && d.Weekday() == time.Monday {
			flush()
		}
		k := d - first
		var worked, breaks int64
		if i := byDate[k]; i != 0 {
			worked, breaks = days[i-1].WorkedSeconds, days[i-1].BreakSeconds
		}
		var share float64
		if shares != nil {
			share = shares[k]
		}
		s.fillDayTime(&dt, d, worked, breaks, set.BreakRule, share, now, v.span(d, &own))
		w.BreakDeductedSeconds += dt.DeductedSeconds
		w.ScheduledSeconds += dt.ScheduledSeconds
		w.OvertimeSeconds += dt.OvertimeSeconds
		w.UndertimeSeconds += dt.UndertimeSeconds
		wk.net += dt.NetSeconds
		wk.expected += dt.ExpectedSeconds
		wk.last = d
		// Without a shift ShiftEnd is zero, never after the week's ends.
		if dt.HasShift && dt.ShiftEnd.After(wk.ends) {
			wk.ends = dt.ShiftEnd
		}
	}
	if first <= last {
		flush()
	}
	return t, w
}

// scratch is the space one employee's sums work in, given back for the
// next: the overview sums every employee of a company, on several
// goroutines, and a slice made per employee was most of its garbage.
type scratch struct {
	byDate     []int32
	shares     []float64 // the range's leave (leaveShares)
	typeShares []float64 // one leave type's (summarizeLeave)
	types      []LeaveType
	some       []ApprovedLeave
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// getScratch returns scratch space; putScratch gives it back.
func getScratch() *scratch { return scratches.Get().(*scratch) }

func putScratch(sc *scratch) {
	// Let the requests' strings go with the requests.
	clear(sc.some[:cap(sc.some)])
	clear(sc.types[:cap(sc.types)])
	scratches.Put(sc)
}

// byDateOf returns n zeroed offsets.
func (sc *scratch) byDateOf(n int) []int32 {
	if cap(sc.byDate) < n {
		sc.byDate = make([]int32, n)
	}
	b := sc.byDate[:n]
	clear(b)
	return b
}

// floats returns n zeroed floats of *buf, grown when short.
func (sc *scratch) floats(buf *[]float64, n int) []float64 {
	if cap(*buf) < n {
		*buf = make([]float64, n)
	}
	b := (*buf)[:n]
	clear(b)
	return b
}

// sharesOf returns leave's shares of the dates from first to last by their
// offset from first (as leaveShares), nil without leave.
func (sc *scratch) sharesOf(first, last Date, leave LeaveDays) []float64 {
	if len(leave) == 0 || first > last {
		return nil
	}
	shares := sc.floats(&sc.shares, int(last-first)+1)
	for d, share := range leave {
		if d >= first && d <= last {
			shares[d-first] = share
		}
	}
	return shares
}
