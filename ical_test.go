package attendance_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"github.com/openattendance/attendance"
)

const feedDomain = "f3a9.attendance"

// hours returns hourly leave from one wall-clock time to another in loc.
func hours(loc *time.Location, from, to string) *attendance.LeaveHours {
	return &attendance.LeaveHours{Start: at(loc, from), End: at(loc, to)}
}

// feedLeave is the own feed's leave of the tests, with what each must show.
type feedCase struct {
	name  string
	leave attendance.FeedLeave
	// The event wanted (zero UID: none, the request is not in the feed).
	uid        string
	summary    string
	start, end time.Time // instants for timed events
	allDay     [2]string // DTSTART and DTEND dates (exclusive) for all-day events
	tentative  bool
	// inUTC: the start's wall-clock time happens twice, so it is written in UTC.
	inUTC bool
}

var modified = utc("2026-06-01 12:00")

func ownFeedCases() []feedCase {
	annual := func(id int64, status attendance.LeaveStatus, start, end string) attendance.FeedLeave {
		return attendance.FeedLeave{ID: id, EmployeeName: "Ana Lopez", LeaveTypeName: "Annual leave", Start: date(start), End: date(end),
			Location: berlin, Days: attendance.WholeDays(1), Status: status, Modified: modified}
	}
	hourly := func(id int64, loc *time.Location, h *attendance.LeaveHours) attendance.FeedLeave {
		l := annual(id, attendance.LeaveApproved, attendance.DateOf(h.Start.In(loc)).String(), attendance.DateOf(h.Start.In(loc)).String())
		l.Hours, l.Location, l.Days = h, loc, attendance.NewAmount(2, 9)
		return l
	}
	half := annual(3, attendance.LeavePending, "2026-07-01", "2026-07-01")
	half.HalfDay = true
	odd := annual(12, attendance.LeaveApproved, "2026-08-03", "2026-08-04")
	odd.LeaveTypeName = `Study leave; "exams", part\2` + "\nsecond line — ünïcödé " + strings.Repeat("ж", 40)

	autumn := hours(berlin, "2026-10-24 23:00", "2026-10-25 05:00") // 23:00 CEST to 05:00 CET: 7 hours
	spring := hours(berlin, "2026-03-28 22:00", "2026-03-29 06:00") // 22:00 CET to 06:00 CEST: 7 hours
	// 02:50 CEST to 02:10 CET: the end lies in the repeated hour, second time round.
	repeated := &attendance.LeaveHours{Start: utc("2026-10-25 00:50"), End: utc("2026-10-25 01:10")}
	newYear := hours(newYork, "2026-12-31 22:00", "2027-01-01 02:00")
	kolkata := mustLoadLocation("Asia/Kolkata")
	stJohns := mustLoadLocation("America/St_Johns")
	lordHowe := mustLoadLocation("Australia/Lord_Howe")

	return []feedCase{
		{name: "a week, approved", leave: annual(1, attendance.LeaveApproved, "2026-06-15", "2026-06-19"),
			uid: "leave-1@" + feedDomain, summary: "Annual leave", allDay: [2]string{"20260615", "20260620"}},
		{name: "one day", leave: annual(2, attendance.LeaveApproved, "2026-06-22", "2026-06-22"),
			uid: "leave-2@" + feedDomain, summary: "Annual leave", allDay: [2]string{"20260622", "20260623"}},
		{name: "a half day, pending", leave: half,
			uid: "leave-3@" + feedDomain, summary: "Annual leave (half day) (pending approval)", allDay: [2]string{"20260701", "20260702"}, tentative: true},
		{name: "up to the year's last day", leave: annual(4, attendance.LeaveApproved, "2026-12-28", "2026-12-31"),
			uid: "leave-4@" + feedDomain, summary: "Annual leave", allDay: [2]string{"20261228", "20270101"}},
		{name: "a week across the autumn change", leave: annual(5, attendance.LeaveApproved, "2026-10-22", "2026-10-28"),
			uid: "leave-5@" + feedDomain, summary: "Annual leave", allDay: [2]string{"20261022", "20261029"}},
		{name: "a night's hours across the autumn change", leave: hourly(6, berlin, autumn),
			uid: "leave-6@" + feedDomain, summary: "Annual leave", start: autumn.Start, end: autumn.End},
		{name: "a night's hours across the spring change", leave: hourly(7, berlin, spring),
			uid: "leave-7@" + feedDomain, summary: "Annual leave", start: spring.Start, end: spring.End},
		{name: "hours ending in the repeated hour", leave: hourly(8, berlin, repeated),
			uid: "leave-8@" + feedDomain, summary: "Annual leave", start: repeated.Start, end: repeated.End, inUTC: true},
		{name: "a night's hours across the new year", leave: hourly(9, newYork, newYear),
			uid: "leave-9@" + feedDomain, summary: "Annual leave", start: newYear.Start, end: newYear.End},
		{name: "rejected: not shown", leave: annual(10, attendance.LeaveRejected, "2026-09-01", "2026-09-01")},
		{name: "cancelled: removed", leave: annual(11, attendance.LeaveCancelled, "2026-09-02", "2026-09-02")},
		{name: "a name to escape and fold", leave: odd,
			uid: "leave-12@" + feedDomain, summary: odd.LeaveTypeName, allDay: [2]string{"20260803", "20260805"}},
		{name: "half an hour off UTC", leave: hourly(13, kolkata, hours(kolkata, "2026-06-16 09:00", "2026-06-16 11:00")),
			uid: "leave-13@" + feedDomain, summary: "Annual leave", start: at(kolkata, "2026-06-16 09:00"), end: at(kolkata, "2026-06-16 11:00")},
		{name: "minus three and a half hours, with summer time", leave: hourly(14, stJohns, hours(stJohns, "2026-11-02 01:00", "2026-11-02 03:00")),
			uid: "leave-14@" + feedDomain, summary: "Annual leave", start: at(stJohns, "2026-11-02 01:00"), end: at(stJohns, "2026-11-02 03:00")},
		{name: "hours in Newfoundland's repeated hour", leave: hourly(17, stJohns, &attendance.LeaveHours{Start: utc("2026-11-01 03:45"), End: utc("2026-11-01 06:30")}),
			uid: "leave-17@" + feedDomain, summary: "Annual leave", start: utc("2026-11-01 03:45"), end: utc("2026-11-01 06:30"), inUTC: true},
		{name: "a half-hour summer time", leave: hourly(15, lordHowe, hours(lordHowe, "2026-04-05 00:00", "2026-04-05 03:00")),
			uid: "leave-15@" + feedDomain, summary: "Annual leave", start: at(lordHowe, "2026-04-05 00:00"), end: at(lordHowe, "2026-04-05 03:00")},
		{name: "hours from the end of the spring gap", leave: hourly(18, berlin, hours(berlin, "2026-03-29 03:00", "2026-03-29 04:00")),
			uid: "leave-18@" + feedDomain, summary: "Annual leave", start: utc("2026-03-29 01:00"), end: utc("2026-03-29 02:00")},
		{name: "hours up to the autumn change", leave: hourly(19, berlin, hours(berlin, "2026-10-25 00:00", "2026-10-25 01:59")),
			uid: "leave-19@" + feedDomain, summary: "Annual leave", start: utc("2026-10-24 22:00"), end: utc("2026-10-24 23:59")},
		{name: "hours from the end of the repeated hour", leave: hourly(20, berlin, hours(berlin, "2026-10-25 03:00", "2026-10-25 04:00")),
			uid: "leave-20@" + feedDomain, summary: "Annual leave", start: utc("2026-10-25 02:00"), end: utc("2026-10-25 03:00")},
		{name: "hours in UTC", leave: hourly(16, time.UTC, hours(time.UTC, "2026-06-17 08:00", "2026-06-17 10:00")),
			uid: "leave-16@" + feedDomain, summary: "Annual leave", start: utc("2026-06-17 08:00"), end: utc("2026-06-17 10:00")},
	}
}

var feedHolidays = []attendance.Holiday{
	{ID: 1, Date: date("2026-12-25"), Name: "Christmas Day"},
	{ID: 2, Date: date("2026-12-31"), Name: "New Year's Eve, afternoon; half closed"},
	{ID: 3, Date: date("2026-10-03"), Name: strings.Repeat("Unity Day ", 19) + "end"},
}

func ownFeed() ([]feedCase, attendance.CalendarFeed) {
	cases := ownFeedCases()
	var leave []attendance.FeedLeave
	for _, c := range cases {
		leave = append(leave, c.leave)
	}
	return cases, attendance.OwnFeed("Ana Lopez", leave, feedHolidays, utc("2026-01-05 08:00"), feedDomain)
}

// parseFeed parses b with a real iCalendar parser and returns its events by UID.
func parseFeed(t *testing.T, b []byte) (*ics.Calendar, map[string]*ics.VEvent) {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("ParseCalendar: %v\n%s", err, b)
	}
	events := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		if _, dup := events[e.Id()]; dup {
			t.Errorf("UID %q twice", e.Id())
		}
		events[e.Id()] = e
	}
	return cal, events
}

func prop(e *ics.VEvent, p ics.ComponentProperty) string {
	if v := e.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func TestOwnFeed(t *testing.T) {
	cases, feed := ownFeed()
	b := feed.ICS()
	cal, events := parseFeed(t, b)
	want := 0
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := events[tt.uid]
			if tt.uid == "" {
				for uid := range events {
					if uid == fmt.Sprintf("leave-%d@%s", tt.leave.ID, feedDomain) {
						t.Fatalf("a %s request is in the feed", tt.leave.Status)
					}
				}
				return
			}
			want++
			if !ok {
				t.Fatalf("no event %q", tt.uid)
			}
			if got := prop(e, ics.ComponentPropertySummary); got != tt.summary {
				t.Errorf("SUMMARY = %q, want %q", got, tt.summary)
			}
			status, transp := "CONFIRMED", "OPAQUE"
			if tt.tentative {
				status, transp = "TENTATIVE", "TRANSPARENT"
			}
			if got := prop(e, ics.ComponentPropertyStatus); got != status {
				t.Errorf("STATUS = %q, want %q", got, status)
			}
			if got := prop(e, ics.ComponentPropertyTransp); got != transp {
				t.Errorf("TRANSP = %q, want %q", got, transp)
			}
			if stamp, err := e.GetDtStampTime(); err != nil || !stamp.Equal(modified) {
				t.Errorf("DTSTAMP = %s, %v; want %s", stamp, err, modified)
			}
			if tt.allDay[0] != "" {
				for i, p := range []ics.ComponentProperty{ics.ComponentPropertyDtStart, ics.ComponentPropertyDtEnd} {
					v := e.GetProperty(p)
					if v == nil || v.Value != tt.allDay[i] || !slices.Equal(v.ICalParameters["VALUE"], []string{"DATE"}) {
						t.Errorf("%s = %+v, want VALUE=DATE:%s", p, v, tt.allDay[i])
					}
				}
				return
			}
			start, err1 := e.GetStartAt()
			end, err2 := e.GetEndAt()
			if err1 != nil || err2 != nil || !start.Equal(tt.start) || !end.Equal(tt.end) {
				t.Errorf("times = %s to %s (%v, %v), want %s to %s", start, end, err1, err2, tt.start, tt.end)
			}
			// The same instants read from the feed's own VTIMEZONE, without
			// Go's zone database: what a calendar app that trusts the feed sees.
			for _, p := range []ics.ComponentProperty{ics.ComponentPropertyDtStart, ics.ComponentPropertyDtEnd} {
				got := resolveWithVTimezone(t, cal, e.GetProperty(p))
				w := map[ics.ComponentProperty]time.Time{ics.ComponentPropertyDtStart: tt.start, ics.ComponentPropertyDtEnd: tt.end}[p]
				if !got.Equal(w) {
					t.Errorf("%s by the VTIMEZONE = %s, want %s", p, got.UTC(), w.UTC())
				}
			}
			tz := e.GetProperty(ics.ComponentPropertyDtStart).ICalParameters["TZID"]
			switch want := tt.leave.Location.String(); {
			case tt.inUTC || tt.leave.Location == time.UTC:
				if tz != nil || !strings.HasSuffix(prop(e, ics.ComponentPropertyDtStart), "Z") {
					t.Errorf("DTSTART TZID = %q, want a UTC time", tz)
				}
			case !slices.Equal(tz, []string{want}):
				t.Errorf("DTSTART TZID = %q, want %q: times in the employee's zone", tz, want)
			}
		})
	}
	t.Run("holidays", func(t *testing.T) {
		for _, h := range feedHolidays {
			uid := "holiday-" + strings.ReplaceAll(h.Date.String(), "-", "") + "@" + feedDomain
			e, ok := events[uid]
			if !ok {
				t.Fatalf("no event %q", uid)
			}
			if got := prop(e, ics.ComponentPropertySummary); got != h.Name {
				t.Errorf("SUMMARY = %q, want %q", got, h.Name)
			}
			if got := prop(e, ics.ComponentPropertyDtEnd); got != strings.ReplaceAll(h.Date.AddDays(1).String(), "-", "") {
				t.Errorf("DTEND = %q, want the next day", got)
			}
			if got := prop(e, ics.ComponentPropertyTransp); got != "TRANSPARENT" {
				t.Errorf("TRANSP = %q, want TRANSPARENT", got)
			}
		}
	})
	if got := len(events); got != want+len(feedHolidays) {
		t.Errorf("%d events, want %d", got, want+len(feedHolidays))
	}
	t.Run("a VTIMEZONE per zone used", func(t *testing.T) {
		var got []string
		for _, z := range cal.Timezones() {
			got = append(got, prop2(z.ComponentBase, ics.ComponentPropertyTzid))
		}
		want := []string{"America/New_York", "America/St_Johns", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/Berlin"}
		if !slices.Equal(got, want) {
			t.Errorf("VTIMEZONEs = %q, want %q", got, want)
		}
	})
}

func prop2(c ics.ComponentBase, p ics.ComponentProperty) string {
	if v := c.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

// resolveWithVTimezone reads a DATE-TIME property as RFC 5545 does with the
// calendar's own VTIMEZONE: a local time belongs to the observance in force
// then, and a local time that occurs twice is its first occurrence.
func resolveWithVTimezone(t *testing.T, cal *ics.Calendar, p *ics.IANAProperty) time.Time {
	t.Helper()
	if strings.HasSuffix(p.Value, "Z") {
		v, err := time.Parse("20060102T150405Z", p.Value)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tzid := p.ICalParameters["TZID"]
	if len(tzid) != 1 {
		t.Fatalf("%s:%s has neither UTC nor a TZID", p.IANAToken, p.Value)
	}
	local, err := time.Parse("20060102T150405", p.Value)
	if err != nil {
		t.Fatal(err)
	}
	type observance struct {
		onset    time.Time // as an instant
		from, to int
	}
	var obs []observance
	for _, z := range cal.Timezones() {
		if prop2(z.ComponentBase, ics.ComponentPropertyTzid) != tzid[0] {
			continue
		}
		for _, c := range z.SubComponents() {
			var base ics.ComponentBase
			switch c := c.(type) {
			case *ics.Standard:
				base = c.ComponentBase
			case *ics.Daylight:
				base = c.ComponentBase
			default:
				continue
			}
			on, err := time.Parse("20060102T150405", prop2(base, ics.ComponentPropertyDtStart))
			if err != nil {
				t.Fatalf("observance DTSTART: %v", err)
			}
			from, to := parseOffset(t, prop2(base, ics.ComponentProperty(ics.PropertyTzoffsetfrom))), parseOffset(t, prop2(base, ics.ComponentProperty(ics.PropertyTzoffsetto)))
			obs = append(obs, observance{on.Add(-time.Duration(from) * time.Second), from, to})
		}
	}
	if len(obs) == 0 {
		t.Fatalf("no VTIMEZONE %q", tzid[0])
	}
	slices.SortFunc(obs, func(a, b observance) int { return a.onset.Compare(b.onset) })
	var found []time.Time
	for i, o := range obs {
		cand := local.Add(-time.Duration(o.to) * time.Second)
		if cand.Before(o.onset) && i > 0 || i+1 < len(obs) && !cand.Before(obs[i+1].onset) {
			continue
		}
		found = append(found, cand)
	}
	if len(found) == 0 {
		t.Fatalf("%s in %s is in no observance", p.Value, tzid[0])
	}
	return slices.MinFunc(found, func(a, b time.Time) int { return a.Compare(b) })
}

func parseOffset(t *testing.T, s string) int {
	t.Helper()
	var h, m, sec int
	if len(s) != 5 && len(s) != 7 || (s[0] != '+' && s[0] != '-') {
		t.Fatalf("bad UTC offset %q", s)
	}
	fmt.Sscanf(s[1:3], "%d", &h)
	fmt.Sscanf(s[3:5], "%d", &m)
	if len(s) == 7 {
		fmt.Sscanf(s[5:7], "%d", &sec)
	}
	v := h*3600 + m*60 + sec
	if s[0] == '-' {
		if v == 0 {
			t.Fatalf("UTC offset %q: -0000 is not allowed", s)
		}
		v = -v
	}
	return v
}

func TestFeedLines(t *testing.T) {
	_, feed := ownFeed()
	b := feed.ICS()
	if !bytes.HasSuffix(b, []byte("END:VCALENDAR\r\n")) {
		t.Errorf("the feed does not end with END:VCALENDAR and CRLF")
	}
	lines := bytes.Split(bytes.TrimSuffix(b, []byte("\r\n")), []byte("\r\n"))
	folded := 0
	for i, l := range lines {
		switch {
		case bytes.ContainsAny(l, "\r\n"):
			t.Errorf("line %d holds a bare CR or LF: %q", i, l)
		case len(l) > 75:
			t.Errorf("line %d is %d octets, more than 75: %q", i, len(l), l)
		case !utf8.Valid(l):
			t.Errorf("line %d splits a character: %q", i, l)
		case len(l) == 0:
			t.Errorf("line %d is empty", i)
		}
		if l[0] == ' ' {
			folded++
		}
	}
	if folded < 2 {
		t.Errorf("%d folded lines; the long name should have been folded more than once", folded)
	}
	for _, want := range []string{"VERSION:2.0", "PRODID:-//openattendance//attendance//EN", "CALSCALE:GREGORIAN"} {
		if !slices.ContainsFunc(lines, func(l []byte) bool { return string(l) == want }) {
			t.Errorf("no line %q", want)
		}
	}
}

func TestFeedIsStable(t *testing.T) {
	cases, feed := ownFeed()
	_, again := ownFeed()
	if !bytes.Equal(feed.ICS(), again.ICS()) {
		t.Error("the same data gave two feeds: calendar apps would see changes that are none")
	}
	// Approving a pending request keeps its UID: the app updates the event.
	var leave []attendance.FeedLeave
	for _, c := range cases {
		l := c.leave
		if l.Status == attendance.LeavePending {
			l.Status, l.Modified = attendance.LeaveApproved, utc("2026-06-02 09:00")
		}
		leave = append(leave, l)
	}
	_, before := parseFeed(t, feed.ICS())
	_, after := parseFeed(t, attendance.OwnFeed("Ana Lopez", leave, feedHolidays, utc("2026-01-05 08:00"), feedDomain).ICS())
	e := after["leave-3@"+feedDomain]
	if _, ok := before["leave-3@"+feedDomain]; !ok || e == nil || prop(e, ics.ComponentPropertyStatus) != "CONFIRMED" {
		t.Errorf("after approval: %v; want the same UID, CONFIRMED", e)
	}
}

func TestTeamFeed(t *testing.T) {
	cases := ownFeedCases()
	var leave []attendance.FeedLeave
	for _, c := range cases {
		leave = append(leave, c.leave)
	}
	b := attendance.TeamFeed("Ben Meyer", leave, feedDomain).ICS()
	_, events := parseFeed(t, b)
	for _, c := range cases {
		uid := fmt.Sprintf("leave-%d-team@%s", c.leave.ID, feedDomain)
		e, ok := events[uid]
		if ok != (c.leave.Status == attendance.LeaveApproved) {
			t.Errorf("%s: in the team feed %v, want only approved leave", c.name, ok)
			continue
		}
		if !ok {
			continue
		}
		if got := prop(e, ics.ComponentPropertyTransp); got != "TRANSPARENT" {
			t.Errorf("%s: TRANSP = %q; a report's leave is no busy time of the manager's", c.name, got)
		}
	}
	for _, leak := range []string{"Annual", "Study", "exams"} {
		if bytes.Contains(b, []byte(leak)) {
			t.Errorf("the team feed shows %q: it names no leave type", leak)
		}
	}
	if !bytes.Contains(b, []byte("SUMMARY:Ana Lopez: away\r\n")) {
		t.Errorf("no event says who is away:\n%s", b)
	}
}

func TestFeedUTCOnly(t *testing.T) {
	// Hours in UTC need no VTIMEZONE, and all-day events none at all.
	l := attendance.FeedLeave{ID: 1, LeaveTypeName: "Sick leave", Start: date("2026-06-17"), End: date("2026-06-17"), Location: time.UTC,
		Hours: hours(time.UTC, "2026-06-17 08:00", "2026-06-17 10:00"), Status: attendance.LeaveApproved, Modified: modified}
	b := attendance.OwnFeed("Ana", []attendance.FeedLeave{l}, nil, modified, feedDomain).ICS()
	if bytes.Contains(b, []byte("VTIMEZONE")) || !bytes.Contains(b, []byte("DTSTART:20260617T080000Z\r\n")) {
		t.Errorf("want UTC times and no VTIMEZONE:\n%s", b)
	}
}
