// Package demo generates a realistic company for trying the service and for
// measuring it: departments, a manager hierarchy, offices in several time
// zones (one with a Sunday–Thursday week), company holidays, and days of
// attendance with realistic lateness, absences, lunch breaks, corrections and
// leave. The same seed gives the same company.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/openattendance/attendance"
)

// Writer stores generated rows as they are. The generator obeys the product's
// rules itself (sequences, lateness, balances), so the writer applies none.
type Writer interface {
	Holiday(ctx context.Context, h *attendance.Holiday) error
	// Employee stores an employee with the given password hash and sets its ID.
	Employee(ctx context.Context, e *attendance.Employee, passwordHash string) error
	// Attendance stores one employee's events and the days derived from them.
	Attendance(ctx context.Context, employeeID int64, events []attendance.AttendanceEvent, days []attendance.Day) error
	// Leave stores a request and sets its ID.
	Leave(ctx context.Context, r *attendance.LeaveRequest) error
}

// Options shape the company.
type Options struct {
	Employees int
	Days      int    // days of attendance, ending yesterday
	Seed      uint64 // the same seed, the same company
	// Today is the company's date today; attendance ends the day before.
	Today attendance.Date
	// Now is when the data is made (created_at of the rows).
	Now time.Time
}

// Summary counts what was made.
type Summary struct {
	Employees, Managers, Events, Days, LeaveRequests, Holidays int
	Usernames                                                  []string // a few usernames to sign in with
}

type office struct {
	zone string
	days attendance.Weekdays
}

// offices are in 20 time zones, on both sides of the date line and of the
// equator (daylight saving in both directions), with half-hour offsets and
// Sunday–Thursday weeks among them.
var offices = []office{
	{"Europe/Berlin", attendance.MondayToFriday},
	{"America/New_York", attendance.MondayToFriday},
	{"Asia/Kolkata", attendance.MondayToFriday},
	{"Asia/Dubai", sundayToThursday},
	{"Europe/London", attendance.MondayToFriday},
	{"America/Los_Angeles", attendance.MondayToFriday},
	{"America/Chicago", attendance.MondayToFriday},
	{"America/Denver", attendance.MondayToFriday},
	{"America/Halifax", attendance.MondayToFriday},
	{"America/Sao_Paulo", attendance.MondayToFriday},
	{"Africa/Lagos", attendance.MondayToFriday},
	{"Africa/Cairo", sundayToThursday},
	{"Europe/Moscow", attendance.MondayToFriday},
	{"Asia/Karachi", attendance.MondayToFriday},
	{"Asia/Dhaka", attendance.MondayToFriday},
	{"Asia/Bangkok", attendance.MondayToFriday},
	{"Asia/Shanghai", attendance.MondayToFriday},
	{"Asia/Tokyo", attendance.MondayToFriday},
	{"Australia/Sydney", attendance.MondayToFriday},
	{"Pacific/Auckland", attendance.MondayToFriday},
}

var sundayToThursday = attendance.NewWeekdays(time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday)

var departments = []string{"Engineering", "Sales", "Support", "Operations", "Finance", "Marketing", "People", "Legal"}

var firstNames = strings.Fields(`Ada Grace Alan Barbara Edsger Donald Margaret Ken Dennis Frances John Radia Tim Katherine
	Linus Guido Bjarne Rob Robert Niklaus Leslie Sophie Hedy Claude Kathleen Mary Jean Annie Carol Evelyn Joan Lynn
	Sally Ursula Vint Whitfield Yukihiro Anders Brian James Larry Sergey Susan Shafi Anita Fran Marissa Ruth Zainab Priya`)

var lastNames = strings.Fields(`Lovelace Hopper Turing Liskov Dijkstra Knuth Hamilton Thompson Ritchie Allen McCarthy Perlman
	Berners Johnson Torvalds Rossum Stroustrup Pike Griesemer Wirth Lamport Wilson Lamarr Shannon Booth Keller Sammet Easley
	Shaw Berezin Clarke Conway Sussman Burns Cerf Diffie Matsumoto Hejlsberg Kernighan Gosling Page Brin Kare Goldwasser
	Borg Allen Mayer Nanjala Okafor Raman`)

// Generate makes the company and writes it through w, calling progress with
// the employees done so far.
func Generate(ctx context.Context, w Writer, passwordHash string, opt Options, progress func(done, total int)) (Summary, error) {
	if opt.Employees < 1 || opt.Days < 1 {
		return Summary{}, fmt.Errorf("demo: need at least one employee and one day")
	}
	g := &gen{w: w, hash: passwordHash, opt: opt, rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x5eed)), holidays: attendance.Holidays{},
		first: opt.Today.AddDays(-opt.Days), last: opt.Today.AddDays(-1), used: map[string]bool{}}
	if err := g.makeHolidays(ctx); err != nil {
		return Summary{}, err
	}
	if err := g.makePeople(ctx, progress); err != nil {
		return g.sum, err
	}
	return g.sum, nil
}

type gen struct {
	w           Writer
	hash        string
	opt         Options
	rng         *rand.Rand
	holidays    attendance.Holidays
	first, last attendance.Date
	used        map[string]bool
	sum         Summary
}

func (g *gen) makeHolidays(ctx context.Context) error {
	for y := g.first.Year(); y <= g.opt.Today.AddDays(60).Year(); y++ {
		days := []struct {
			m    time.Month
			d    int
			name string
		}{{1, 1, "New Year's Day"}, {5, 1, "Labour Day"}, {10, 3, "Company Day"}, {12, 25, "Christmas Day"}, {12, 26, "Boxing Day"}}
		for _, h := range days {
			hd := &attendance.Holiday{Date: attendance.NewDate(y, h.m, h.d), Name: h.name}
			if err := g.w.Holiday(ctx, hd); err != nil {
				return err
			}
			g.holidays[hd.Date] = h.name
			g.sum.Holidays++
		}
	}
	return nil
}

func (g *gen) username(first, last string) string {
	base := strings.ToLower(first + "." + last)
	name := base
	for i := 2; g.used[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	g.used[name] = true
	return name
}

// makePeople builds the hierarchy — a CEO, department heads, area managers
// with about 50 people each, and the area's team leads with teams of about
// ten — and each person's history.
func (g *gen) makePeople(ctx context.Context, progress func(done, total int)) error {
	n := g.opt.Employees
	heads := min(len(departments), max(1, n/25))
	leads := max(0, n/9-heads)
	areas := n / 50 // everyone but the heads is in an area: about 50 each
	if 2*areas > leads {
		areas = 0
	}
	leads -= areas
	made := 0
	newPerson := func(role attendance.Role, manager *attendance.Employee, dept string) (*attendance.Employee, error) {
		first, last := firstNames[g.rng.IntN(len(firstNames))], lastNames[g.rng.IntN(len(lastNames))]
		off := offices[g.rng.IntN(len(offices))]
		if manager != nil && role == attendance.RoleEmployee && g.rng.Float64() < 0.7 {
			// Most people work in their manager's office.
			off = office{manager.Timezone, manager.WorkDays}
		}
		e := attendance.NewEmployee(off.zone, g.opt.Now)
		e.Username = g.username(first, last)
		e.FirstName, e.LastName = first, last
		e.Email = e.Username + "@example.com"
		e.Role, e.Department = role, dept
		e.Timezone, e.WorkDays = off.zone, off.days
		e.WorkStart = attendance.TimeOfDay(450 + 30*g.rng.IntN(5)) // 07:30 … 09:30
		e.WorkEnd = e.WorkStart + 9*60
		e.LateGraceMinutes = []int{0, 5, 10}[g.rng.IntN(3)]
		e.AnnualLeaveDays = float64(20 + g.rng.IntN(11))
		e.HiredOn = g.first.AddDays(-g.rng.IntN(700))
		if g.rng.Float64() < 0.05 {
			e.HiredOn = g.first.AddDays(g.rng.IntN(max(1, g.opt.Days)))
		}
		if manager != nil {
			e.ManagerID = &manager.ID
		}
		if err := g.w.Employee(ctx, e, g.hash); err != nil {
			return nil, err
		}
		if err := g.history(ctx, e); err != nil {
			return nil, err
		}
		made++
		g.sum.Employees++
		if role == attendance.RoleManager {
			g.sum.Managers++
		}
		if len(g.sum.Usernames) < 5 || (role == attendance.RoleManager && len(g.sum.Usernames) < 8) {
			g.sum.Usernames = append(g.sum.Usernames, e.Username)
		}
		if progress != nil && (made%50 == 0 || made == n) {
			progress(made, n)
		}
		return e, nil
	}

	ceo, err := newPerson(attendance.RoleManager, nil, "Management")
	if err != nil {
		return err
	}
	var headList, leadList []*attendance.Employee
	for i := 0; i < heads && made < n; i++ {
		h, err := newPerson(attendance.RoleManager, ceo, departments[i%len(departments)])
		if err != nil {
			return err
		}
		headList = append(headList, h)
	}
	var areaList []*attendance.Employee
	for i := 0; i < areas && made < n; i++ {
		h := headList[i%len(headList)]
		a, err := newPerson(attendance.RoleManager, h, h.Department)
		if err != nil {
			return err
		}
		areaList = append(areaList, a)
	}
	for i := 0; i < leads && made < n; i++ {
		h := headList[i%len(headList)]
		if len(areaList) > 0 {
			h = areaList[i%len(areaList)]
		}
		l, err := newPerson(attendance.RoleManager, h, h.Department)
		if err != nil {
			return err
		}
		leadList = append(leadList, l)
	}
	bosses := leadList
	if len(bosses) == 0 {
		bosses = append(headList, ceo)
	}
	for i := 0; made < n; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := bosses[i%len(bosses)]
		if _, err := newPerson(attendance.RoleEmployee, b, b.Department); err != nil {
			return err
		}
	}
	return nil
}

// history makes one employee's leave and attendance over the range.
func (g *gen) history(ctx context.Context, e *attendance.Employee) error {
	s := e.Schedule()
	leave, err := g.leave(ctx, e, s)
	if err != nil {
		return err
	}
	var events []attendance.AttendanceEvent
	add := func(t time.Time, typ attendance.EventType) *attendance.AttendanceEvent {
		events = append(events, attendance.AttendanceEvent{EmployeeID: e.ID, Type: typ, Timestamp: t.UTC().Truncate(time.Second),
			Source: attendance.SourceSelf, RecordedBy: e.ID})
		return &events[len(events)-1]
	}
	for d := max(g.first, e.HiredOn); d <= g.last; d++ {
		share, onLeave := leave[d]
		if !s.IsWorkingDay(d, g.holidays) || (onLeave && share == 1) {
			continue
		}
		if g.rng.Float64() < 0.02 {
			continue // absent
		}
		start := s.StartOf(d)
		if onLeave { // a half day: in after lunch
			start = start.Add(5 * time.Hour)
		}
		var in time.Time
		switch r := g.rng.Float64(); {
		case r < 0.12: // late
			in = start.Add(time.Duration(6+g.rng.IntN(85)) * time.Minute)
		default:
			in = start.Add(time.Duration(g.rng.IntN(25)-20) * time.Minute)
		}
		in = in.Add(time.Duration(g.rng.IntN(60)) * time.Second)
		if g.rng.Float64() < 0.003 {
			// A mistaken clock-in, voided by the manager.
			v := add(in.Add(-2*time.Hour), attendance.Entry)
			v.Voided, v.VoidedBy, v.VoidNote = true, e.ManagerID, "clocked in by mistake"
			if e.ManagerID == nil {
				v.VoidedBy = &e.ID
			}
			at := in.Add(-time.Hour)
			v.VoidedAt = &at
		}
		entry := add(in, attendance.Entry)
		entry.Late, entry.LateMinutes = s.Lateness(in, g.holidays, onLeave)
		hours := 8*time.Hour + time.Duration(g.rng.IntN(90))*time.Minute
		if onLeave {
			hours = 4 * time.Hour
		}
		out := in.Add(hours)
		if !onLeave && g.rng.Float64() < 0.4 {
			// Lunch: out and in again.
			lunch := in.Add(4*time.Hour + time.Duration(g.rng.IntN(60))*time.Minute)
			back := lunch.Add(time.Duration(30+g.rng.IntN(30)) * time.Minute)
			add(lunch, attendance.Exit)
			add(back, attendance.Entry)
			out = out.Add(back.Sub(lunch))
		}
		if d == g.last && g.rng.Float64() < 0.05 {
			continue // still in: an open session on the last day
		}
		add(out, attendance.Exit)
	}
	var live []attendance.AttendanceEvent
	for _, ev := range events {
		if !ev.Voided {
			live = append(live, ev)
		}
	}
	days := attendance.BuildDays(s.Location, live)
	g.sum.Events += len(events)
	g.sum.Days += len(days)
	return g.w.Attendance(ctx, e.ID, events, days)
}

// leave makes the employee's requests and returns the approved days (0.5
// for a half day).
func (g *gen) leave(ctx context.Context, e *attendance.Employee, s attendance.Schedule) (map[attendance.Date]float64, error) {
	approved := map[attendance.Date]float64{}
	used := map[int]float64{}
	taken := map[attendance.Date]bool{}
	request := func(typ attendance.LeaveType, start attendance.Date, length int, half bool, status attendance.LeaveStatus) error {
		end := start.AddDays(length - 1)
		if end.Year() != start.Year() || start < e.HiredOn {
			return nil
		}
		for d := start; d <= end; d++ {
			if taken[d] {
				return nil
			}
		}
		in := attendance.LeaveInput{LeaveType: typ, StartDate: start, EndDate: end, HalfDay: half}
		days, err := attendance.LeaveCost(s, g.holidays, in)
		if err != nil {
			return nil // no working day in it: skip
		}
		if typ == attendance.LeaveAnnual && status != attendance.LeaveRejected && used[start.Year()]+days > e.AnnualLeaveDays {
			return nil
		}
		r := &attendance.LeaveRequest{EmployeeID: e.ID, LeaveType: typ, StartDate: start, EndDate: end, HalfDay: half,
			Days: days, Status: status, Reason: reasonFor(typ), CreatedAt: start.AddDays(-14).In(time.UTC)}
		if status != attendance.LeavePending && e.ManagerID != nil {
			at := r.CreatedAt.Add(26 * time.Hour)
			r.DecidedBy, r.DecidedAt = e.ManagerID, &at
		}
		if err := g.w.Leave(ctx, r); err != nil {
			return err
		}
		g.sum.LeaveRequests++
		if status == attendance.LeaveApproved || status == attendance.LeavePending {
			for d := start; d <= end; d++ {
				taken[d] = true
			}
			if typ == attendance.LeaveAnnual {
				used[start.Year()] += days
			}
		}
		if status == attendance.LeaveApproved {
			share := 1.0
			if half {
				share = 0.5
			}
			for d := start; d <= end; d++ {
				if s.IsWorkingDay(d, g.holidays) {
					approved[d] = share
				}
			}
		}
		return nil
	}
	span := int(g.last-g.first) + 1
	// Annual leave: about one block of a few days every two months.
	for i := 0; i < max(1, span/60); i++ {
		start := g.first.AddDays(g.rng.IntN(span))
		status := attendance.LeaveApproved
		if g.rng.Float64() < 0.08 {
			status = attendance.LeaveRejected
		}
		if err := request(attendance.LeaveAnnual, start, 1+g.rng.IntN(5), false, status); err != nil {
			return nil, err
		}
	}
	// Sick days and the odd half day.
	for i := 0; i < max(1, span/90); i++ {
		if err := request(attendance.LeaveSick, g.first.AddDays(g.rng.IntN(span)), 1+g.rng.IntN(2), false, attendance.LeaveApproved); err != nil {
			return nil, err
		}
		d := g.first.AddDays(g.rng.IntN(span))
		if err := request(attendance.LeaveAnnual, d, 1, true, attendance.LeaveApproved); err != nil {
			return nil, err
		}
	}
	// Something planned and not yet decided.
	if err := request(attendance.LeaveAnnual, g.opt.Today.AddDays(10+g.rng.IntN(40)), 1+g.rng.IntN(4), false, attendance.LeavePending); err != nil {
		return nil, err
	}
	return approved, nil
}

func reasonFor(t attendance.LeaveType) string {
	switch t {
	case attendance.LeaveSick:
		return "Unwell"
	case attendance.LeaveUnpaid:
		return "Personal"
	}
	return "Holiday"
}
