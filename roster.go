package attendance

import (
	"fmt"
	"slices"
	"time"
)

// Pattern assigns a shift, or none, to each weekday of one or more weeks. A
// pattern of N weeks rotates: week 1 is the ISO week (Monday to Sunday) of
// StartDate, week 2 the next, and after week N comes week 1 again, forwards
// and backwards. An employee's patterns follow one another: each is in force
// from its StartDate until the next one's; the first also covers the dates
// before it.
type Pattern struct {
	ID        int64
	StartDate Date
	// Weeks holds the shift of each weekday, indexed by time.Weekday (Sunday
	// is 0); nil is no shift.
	Weeks [][7]*Shift
}

// MaxPatternWeeks bounds a rotation: a year of distinct weeks.
const MaxPatternWeeks = 52

// mondayOf returns the Monday of d's ISO week.
func mondayOf(d Date) Date { return d.AddDays(-((int(d.Weekday()) + 6) % 7)) }

// Week returns the rotation week (0 for week 1) of date d.
func (p Pattern) Week(d Date) int {
	n := len(p.Weeks)
	if n == 0 {
		return 0
	}
	weeks := int(mondayOf(d)-mondayOf(p.StartDate)) / 7
	return ((weeks % n) + n) % n
}

// ShiftOn returns the pattern's shift on date d, holidays aside.
func (p Pattern) ShiftOn(d Date) (Shift, bool) {
	if len(p.Weeks) == 0 {
		return Shift{}, false
	}
	s := p.Weeks[p.Week(d)][d.Weekday()]
	if s == nil {
		return Shift{}, false
	}
	return *s, true
}

// PatternWeek is one week of a pattern as the API writes it: the id of each
// weekday's shift, null for none.
type PatternWeek struct {
	Mon *int64 `json:"mon" required:"false"`
	Tue *int64 `json:"tue" required:"false"`
	Wed *int64 `json:"wed" required:"false"`
	Thu *int64 `json:"thu" required:"false"`
	Fri *int64 `json:"fri" required:"false"`
	Sat *int64 `json:"sat" required:"false"`
	Sun *int64 `json:"sun" required:"false"`
}

func (w *PatternWeek) days() [7]**int64 {
	return [7]**int64{&w.Sun, &w.Mon, &w.Tue, &w.Wed, &w.Thu, &w.Fri, &w.Sat}
}

// Set sets the shift id of weekday wd (time.Weekday's numbering).
func (w *PatternWeek) Set(wd int, id *int64) {
	if wd >= 0 && wd < 7 {
		*w.days()[wd] = id
	}
}

// PatternInput is a pattern as a manager gives it.
type PatternInput struct {
	StartDate Date
	Weeks     []PatternWeek
}

// ResolvePattern checks a pattern and names its shifts: 1 to MaxPatternWeeks
// weeks, each day's shift one of shifts (the active shifts by id).
func ResolvePattern(in PatternInput, shifts map[int64]*Shift) (Pattern, error) {
	var v Validator
	v.Check(len(in.Weeks) >= 1 && len(in.Weeks) <= MaxPatternWeeks, "body.weeks", "must hold 1 to %d weeks", MaxPatternWeeks)
	v.Check(in.StartDate.Supported(), "body.start_date", "must be from %s to %s", MinDate, MaxDate)
	p := Pattern{StartDate: in.StartDate, Weeks: make([][7]*Shift, len(in.Weeks))}
	for i := range in.Weeks {
		for wd, id := range in.Weeks[i].days() {
			if *id == nil {
				continue
			}
			s, ok := shifts[**id]
			if !ok {
				v.Add(fmt.Sprintf("body.weeks[%d].%s", i, weekdayNames[wd]), "no active shift has id %d", **id)
				continue
			}
			p.Weeks[i][wd] = s
		}
	}
	if err := v.Err(); err != nil {
		return Pattern{}, err
	}
	return p, nil
}

// Input returns the pattern as the API writes it.
func (p Pattern) Input() PatternInput {
	in := PatternInput{StartDate: p.StartDate, Weeks: make([]PatternWeek, len(p.Weeks))}
	for i, week := range p.Weeks {
		for wd, id := range in.Weeks[i].days() {
			if s := week[wd]; s != nil {
				*id = &s.ID
			}
		}
	}
	return in
}

// Simple returns the one shift and the weekdays of a pattern that is one
// week of a single shift, as an Employee's work_start, work_end, work_days
// and late_grace_minutes describe it; ok is false for any other pattern.
func (p Pattern) Simple() (s Shift, days Weekdays, ok bool) {
	if len(p.Weeks) != 1 {
		return Shift{}, 0, false
	}
	var one *Shift
	for wd, sh := range p.Weeks[0] {
		if sh == nil {
			continue
		}
		if one != nil && one.ID != sh.ID {
			return Shift{}, 0, false
		}
		one, days = sh, days|1<<wd
	}
	if one == nil {
		return Shift{}, 0, false
	}
	return *one, days, true
}

// Describe returns the pattern as an Employee's work_start, work_end,
// work_days and late_grace_minutes describe it on date d: its one shift and
// weekdays when it is Simple; otherwise the first shift (Monday first) of the
// rotation week of d and the weekdays of that week with a shift. ok is false
// when that week has no shift at all.
func (p Pattern) Describe(d Date) (s Shift, days Weekdays, simple, ok bool) {
	if s, days, ok := p.Simple(); ok {
		return s, days, true, true
	}
	if len(p.Weeks) == 0 {
		return Shift{}, 0, false, false
	}
	week := p.Weeks[p.Week(d)]
	for _, wd := range weekdayOrder {
		if week[wd] == nil {
			continue
		}
		if !ok {
			s, ok = *week[wd], true
		}
		days |= 1 << wd
	}
	return s, days, false, ok
}

// CheckPatternStart checks a new pattern's start date against the employee's
// today: the past keeps the pattern it was worked under (roster overrides
// change it date by date).
func CheckPatternStart(start, today Date) error {
	if start < today {
		return InvalidField("body.start_date", "must be today (%s) or later: change past dates with roster overrides", today)
	}
	return nil
}

// CheckPatternDelete decides whether a pattern starting on start may be
// deleted on the employee's today, patterns being how many they have: only
// one that has not started, and never the last.
func CheckPatternDelete(start, today Date, patterns int) error {
	switch {
	case start <= today:
		return Errorf(KindConflict, "already_started", "the pattern from %s has started; start a new one instead", start)
	case patterns <= 1:
		return Errorf(KindConflict, "last_pattern", "an employee keeps at least one pattern")
	}
	return nil
}

// MaxRosterDays bounds the date range of a roster query.
const MaxRosterDays = 62

// OneShiftPattern returns the one-week pattern of shift s on days, rotating
// from the week of start: what an employee's schedule of today becomes.
func OneShiftPattern(s *Shift, days Weekdays, start Date) Pattern {
	p := Pattern{StartDate: start, Weeks: make([][7]*Shift, 1)}
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		if days.Has(wd) {
			p.Weeks[0][wd] = s
		}
	}
	return p
}

// LegacyShift is the one shift of a schedule without patterns: from WorkStart
// to WorkEnd with LateGrace, unnamed, without a break.
func (s Schedule) LegacyShift() Shift {
	return Shift{Name: LegacyShiftName(s.WorkStart, s.WorkEnd, s.LateGrace), Start: s.WorkStart, End: s.WorkEnd, GraceMinutes: s.LateGrace,
		Active: true}
}

// LegacyShiftName is the name the migration gives the shift made from a
// schedule of today: "08:00–17:00", with "+5" for five grace minutes.
func LegacyShiftName(start, end TimeOfDay, grace int) string {
	name := start.String() + "–" + end.String()
	if grace > 0 {
		name += fmt.Sprintf(" +%d", grace)
	}
	return name
}

// Migrated returns the schedule as the migration stores it: its legacy shift
// as shift, in a one-week pattern on its work days from the week of its hiring
// date. The result decides every date as s does.
func (s Schedule) Migrated(shift *Shift) Schedule {
	s.Patterns = []Pattern{OneShiftPattern(shift, s.WorkDays, s.HiredOn)}
	return s
}

// DescribeSchedule sets e's work_start, work_end, work_days and
// late_grace_minutes to what patterns (e's, in start date order) say on
// today (Pattern.Describe), and ScheduleKind to simple or pattern. An
// employee without patterns keeps their fields: a simple schedule.
func (e *Employee) DescribeSchedule(patterns []Pattern, today Date) {
	e.ScheduleKind = ScheduleSimple
	if len(patterns) == 0 {
		return
	}
	p := Schedule{Patterns: patterns}.patternOn(today)
	s, days, simple, ok := p.Describe(today)
	if ok {
		e.WorkStart, e.WorkEnd, e.LateGraceMinutes = s.Start, s.End, s.GraceMinutes
	}
	e.WorkDays = days
	if !simple {
		e.ScheduleKind = SchedulePattern
	}
}

// SimplePattern returns the pattern that an Employee's schedule fields,
// written, make: shift s (their times and grace, no break) on their work
// days, from the Monday of the hiring week.
func (e *Employee) SimplePattern(s *Shift) Pattern {
	return OneShiftPattern(s, e.WorkDays, mondayOf(e.HiredOn))
}

// hasRoster reports whether the schedule has patterns or overrides, rather
// than only today's one shift on its work days.
func (s Schedule) hasRoster() bool { return len(s.Patterns) > 0 || len(s.Overrides) > 0 }

// patternOn returns the pattern in force on d: the last one starting on or
// before it, or the first one. Patterns are kept in start date order.
func (s Schedule) patternOn(d Date) Pattern {
	i, found := slices.BinarySearchFunc(s.Patterns, d, func(p Pattern, d Date) int {
		switch {
		case p.StartDate < d:
			return -1
		case p.StartDate > d:
			return 1
		}
		return 0
	})
	if !found {
		i--
	}
	return s.Patterns[max(i, 0)]
}

// ShiftOn returns the employee's shift on date d. A roster override wins, on a
// holiday too (a nil override is a day off). Otherwise the pattern in force
// gives it unless d is a holiday; a schedule without patterns has its one
// shift on its work days.
func (s Schedule) ShiftOn(d Date, h Holidays) (Shift, bool) {
	sh, legacy, ok := s.shiftOn(d, h)
	switch {
	case !ok:
		return Shift{}, false
	case legacy:
		return s.LegacyShift(), true
	}
	return *sh, true
}

// shiftOn is ShiftOn without copying the shift: legacy says that the shift
// is the schedule's LegacyShift (sh is then nil).
func (s Schedule) shiftOn(d Date, h Holidays) (sh *Shift, legacy, ok bool) {
	if o, ok := s.Overrides[d]; ok {
		return o, false, o != nil
	}
	if _, holiday := h[d]; holiday {
		return nil, false, false
	}
	if len(s.Patterns) == 0 {
		return nil, true, s.WorkDays.Has(d.Weekday())
	}
	p := s.patternOn(d)
	if len(p.Weeks) == 0 {
		return nil, false, false
	}
	sh = p.Weeks[p.Week(d)][d.Weekday()]
	return sh, false, sh != nil
}

// Instance returns the shift instance of work date d: the shift the roster
// gives d, placed on d in the employee's zone. It is what hourly leave is
// measured against (ShiftInstance.ScheduledMinutes).
func (s Schedule) Instance(d Date, h Holidays) (ShiftInstance, bool) {
	sh, ok := s.ShiftOn(d, h)
	if !ok {
		return ShiftInstance{}, false
	}
	return NewShiftInstance(d, sh, s.Location), true
}

// span returns the start and end instants and the break minutes of date d's
// shift: Instance without copying the shift, for the overview's every date,
// with c (of the schedule's zone) to place them.
func (s Schedule) span(d Date, h Holidays, c *wallClock) (start, end time.Time, breakMinutes int, ok bool) {
	sh, legacy, ok := s.shiftOn(d, h)
	if !ok {
		return time.Time{}, time.Time{}, 0, false
	}
	from, to := s.WorkStart, s.WorkEnd
	if !legacy {
		from, to, breakMinutes = sh.Start, sh.End, sh.BreakMinutes
	}
	endDate := d
	if to <= from {
		endDate = d.AddDays(1)
	}
	return c.at(d, from), c.at(endDate, to), breakMinutes, true
}

// RosterSource says where a date's shift comes from.
type RosterSource string

// The roster sources.
const (
	RosterFromPattern  RosterSource = "pattern"  // the pattern in force
	RosterFromOverride RosterSource = "override" // a manager's override of the date
	RosterFromHoliday  RosterSource = "holiday"  // a company holiday cancels the pattern's shift
	RosterNoShift      RosterSource = "none"     // the pattern has no shift that day
)

// RosterDay is one date of an employee's roster as the API shows it.
type RosterDay struct {
	Date             Date         `json:"date"`
	Source           RosterSource `json:"source"`
	Shift            *Shift       `json:"shift"`
	Start            *time.Time   `json:"start"`
	End              *time.Time   `json:"end"`
	ScheduledSeconds int64        `json:"scheduled_seconds"`
}

// RosterDay returns date d of the employee's roster and where it comes from.
func (s Schedule) RosterDay(d Date, h Holidays) RosterDay {
	day := RosterDay{Date: d, Source: RosterFromPattern}
	_, overridden := s.Overrides[d]
	_, holiday := h[d]
	inst, ok := s.Instance(d, h)
	switch {
	case overridden:
		day.Source = RosterFromOverride
	case !ok && holiday:
		if _, planned := s.ShiftOn(d, nil); planned {
			day.Source = RosterFromHoliday
		} else {
			day.Source = RosterNoShift
		}
	case !ok:
		day.Source = RosterNoShift
	}
	if ok {
		start, end := inst.Start.UTC(), inst.End.UTC()
		day.Shift, day.Start, day.End = &inst.Shift, &start, &end
		day.ScheduledSeconds = int64(inst.Scheduled() / time.Second)
	}
	return day
}

// RosterOverride is a manager's choice of shift for one date of an employee:
// a shift, or none (a day off). It wins over the pattern and over holidays.
type RosterOverride struct {
	EmployeeID int64     `json:"employee_id"`
	Date       Date      `json:"date"`
	ShiftID    *int64    `json:"shift_id"`
	Note       string    `json:"note"`
	SetBy      int64     `json:"set_by"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// CheckRosterWriter applies the rules for who may change the roster or the
// pattern of an employee in the actor's scope: manager access, never one's own
// (as with the schedule today), and an admin's only by an admin.
func CheckRosterWriter(a Actor, employeeID int64, employeeRole Role) error {
	if err := RequireManagerAccess(a); err != nil {
		return err
	}
	if a.ID == employeeID {
		return ErrForbidden("nobody may change their own schedule; their manager or an admin does")
	}
	if !Editable(a, employeeID, employeeRole) {
		return ErrForbidden("only an admin may change an admin's schedule")
	}
	return nil
}
