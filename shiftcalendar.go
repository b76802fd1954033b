package attendance

import (
	"encoding/binary"
	"sync"
	"time"
)

// daySpan is one date's shift placed in the employee's zone: its start and
// end instants, its unpaid break and its scheduled seconds; ok is false when
// the date has no shift.
type daySpan struct {
	start, end   time.Time
	breakMinutes int
	scheduled    int64
	ok           bool
}

// daySpan places date d's shift (span) and works out its scheduled time
// (ShiftInstance.Scheduled), with c of the schedule's zone.
func (s Schedule) daySpan(d Date, h Holidays, c *wallClock) daySpan {
	start, end, brk, ok := s.span(d, h, c)
	if !ok {
		return daySpan{}
	}
	return daySpan{start: start, end: end, breakMinutes: brk, ok: true,
		scheduled: int64(ShiftInstance{Start: start, End: end, Shift: Shift{BreakMinutes: brk}}.Scheduled() / time.Second)}
}

// ShiftCalendars remembers the shifts of the dates from first to last under
// the holidays h, placed in their zone, once for all the schedules that have
// the same ones. The overview sums a range for every employee of a company,
// and most employees share their zone and shifts with many others: placing
// each date's shift once per employee was most of its sums' time.
//
// It remembers only what the rules say (Schedule.ShiftOn, Schedule.Instance,
// IsWorkingDay, WorkingDays): schedules alike are those whose zone, shifts,
// work days and patterns' rotations decide every date alike; a date with a
// roster override is the employee's own and is worked out by the rules each
// time. It is safe for concurrent use; h must not change while it is used.
type ShiftCalendars struct {
	h           Holidays
	first, last Date

	mu sync.Mutex
	m  map[*time.Location]map[string]*calendar
}

// NewShiftCalendars returns the calendars of the dates from first to last
// under the holidays h.
func NewShiftCalendars(h Holidays, first, last Date) *ShiftCalendars {
	return &ShiftCalendars{h: h, first: first, last: last, m: map[*time.Location]map[string]*calendar{}}
}

// calendar is the shifts of the dates of a range of one kind of schedule,
// without overrides.
type calendar struct {
	first   Date
	spans   []daySpan // of first+k
	working []int32   // working[k]: the dates with a shift before first+k
}

// calendar returns the calendar of schedules like s, made on first use.
func (c *ShiftCalendars) calendar(s Schedule) *calendar {
	var buf [128]byte
	key := s.shiftsKey(buf[:0])
	c.mu.Lock()
	cal := c.m[s.Location][string(key)]
	c.mu.Unlock()
	if cal != nil {
		return cal
	}
	s.Overrides = nil
	cal = &calendar{first: c.first}
	if c.first <= c.last {
		n := int(c.last-c.first) + 1
		cal.spans, cal.working = make([]daySpan, n), make([]int32, n+1)
		clock := &wallClock{loc: s.Location}
		for k := range n {
			cal.spans[k] = s.daySpan(c.first+Date(k), c.h, clock)
			cal.working[k+1] = cal.working[k]
			if cal.spans[k].ok {
				cal.working[k+1]++
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	byKey := c.m[s.Location]
	if byKey == nil {
		byKey = map[string]*calendar{}
		c.m[s.Location] = byKey
	}
	if old := byKey[string(key)]; old != nil {
		return old
	}
	byKey[string(key)] = cal
	return cal
}

// shiftsKey appends to b what decides s's shifts besides its zone, its
// overrides and the holidays. Without patterns: its one shift's times and
// its work days. With them, for each pattern: its weeks, the rotation week
// of a fixed date (the rotation's phase: with the weeks it gives the
// rotation week of every date), the start date where it decides which
// pattern is in force (patternOn: every pattern's but the first's, and the
// first's only when it is also the second's), and the start, end and break
// of each day's shift or none. Names, ids and grace do not place a shift.
func (s Schedule) shiftsKey(b []byte) []byte {
	if len(s.Patterns) == 0 {
		b = append(b, 'L', byte(s.WorkDays))
		b = binary.AppendVarint(b, int64(s.WorkStart))
		return binary.AppendVarint(b, int64(s.WorkEnd))
	}
	b = append(b, 'P')
	for i, p := range s.Patterns {
		b = binary.AppendUvarint(b, uint64(len(p.Weeks)))
		b = binary.AppendUvarint(b, uint64(p.Week(0)))
		if i > 0 || (len(s.Patterns) > 1 && p.StartDate >= s.Patterns[1].StartDate) {
			b = append(b, 1)
			b = binary.AppendVarint(b, int64(p.StartDate))
		} else {
			b = append(b, 0)
		}
		for _, week := range p.Weeks {
			for _, sh := range week {
				if sh == nil {
					b = append(b, 0)
					continue
				}
				b = append(b, 1)
				b = binary.AppendVarint(b, int64(sh.Start))
				b = binary.AppendVarint(b, int64(sh.End))
				b = binary.AppendVarint(b, int64(sh.BreakMinutes))
			}
		}
	}
	return b
}

// shiftDays answers the questions of one schedule's dates: from a calendar
// of schedules alike for the dates it holds without an override, otherwise
// by the rules.
type shiftDays struct {
	s     Schedule
	h     Holidays
	clock *wallClock
	cal   *calendar // nil: the rules for every date
}

// ruledDays answers every date of s by the rules.
func ruledDays(s Schedule, h Holidays) *shiftDays {
	return &shiftDays{s: s, h: h, clock: &wallClock{loc: s.Location}}
}

// days answers the dates of s from the calendar of schedules like it.
func (c *ShiftCalendars) days(s Schedule) *shiftDays {
	return &shiftDays{s: s, h: c.h, clock: &wallClock{loc: s.Location}, cal: c.calendar(s)}
}

// cached returns the calendar's index of d when it holds d for s.
func (v *shiftDays) cached(d Date) (int, bool) {
	if v.cal == nil {
		return 0, false
	}
	k := int(d) - int(v.cal.first)
	if k < 0 || k >= len(v.cal.spans) {
		return 0, false
	}
	if len(v.s.Overrides) > 0 {
		if _, overridden := v.s.Overrides[d]; overridden {
			return 0, false
		}
	}
	return k, true
}

// span is date d's shift, placed: the calendar's, not a copy (read only),
// or *own filled in by the rules.
func (v *shiftDays) span(d Date, own *daySpan) *daySpan {
	if k, ok := v.cached(d); ok {
		return &v.cal.spans[k]
	}
	*own = v.s.daySpan(d, v.h, v.clock)
	return own
}

// isWorkingDay is Schedule.IsWorkingDay.
func (v *shiftDays) isWorkingDay(d Date) bool {
	if k, ok := v.cached(d); ok {
		return v.cal.spans[k].ok
	}
	return v.s.IsWorkingDay(d, v.h)
}

// workingDays is Schedule.WorkingDays.
func (v *shiftDays) workingDays(first, last Date) int {
	if v.cal == nil || first > last || first < v.cal.first || int(last)-int(v.cal.first) >= len(v.cal.spans) {
		return v.s.WorkingDays(first, last, v.h)
	}
	f, l := int(first-v.cal.first), int(last-v.cal.first)
	n := int(v.cal.working[l+1] - v.cal.working[f])
	for d, sh := range v.s.Overrides {
		if d >= first && d <= last {
			if v.cal.spans[d-v.cal.first].ok {
				n--
			}
			if sh != nil {
				n++
			}
		}
	}
	return n
}

// Summarize returns the overview's figures of an employee of schedule s
// over the calendars' range at now, from their days in the range (in any
// order) and approved leave overlapping it: SummarizeWork with the leave's
// ApprovedLeaveDays, and SummarizeLeave.
func (c *ShiftCalendars) Summarize(s Schedule, set WorkSettings, now time.Time, days []Day, leave []ApprovedLeave) (OverviewTotals, TimeTotals, LeaveTotals) {
	v := c.days(s)
	sc := getScratch()
	defer putScratch(sc)
	var shares []float64
	if len(leave) > 0 && c.first <= c.last {
		shares = sc.floats(&sc.shares, int(c.last-c.first)+1)
		leaveShares(v, c.first, c.last, leave, shares, nil)
	}
	t, w := summarize(v, set, c.first, c.last, s.Today(now), now, days, shares, true, sc)
	return t, w, summarizeLeave(v, c.first, c.last, leave, sc)
}
