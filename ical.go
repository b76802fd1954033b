package attendance

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// CalendarEvent is one event of an iCalendar feed (RFC 5545): an all-day
// event from Start to End, both inclusive, or, with Hours, a timed one shown
// in Location.
type CalendarEvent struct {
	// UID is stable: the same leave is the same event in every version of
	// the feed, so that calendar apps update it instead of adding another.
	UID         string
	Summary     string
	Description string
	Start, End  Date
	Hours       *LeaveHours
	Location    *time.Location
	Tentative   bool // STATUS:TENTATIVE (pending leave), else CONFIRMED
	Busy        bool // TRANSP:OPAQUE: the owner is away; else TRANSPARENT
	// Modified is when the event's information last changed: DTSTAMP and
	// LAST-MODIFIED. It is data, never the clock, so that the feed is the
	// same bytes until something changes.
	Modified time.Time
}

// CalendarFeed is an iCalendar feed of events.
type CalendarFeed struct {
	Name   string
	Events []CalendarEvent
}

// feedRefresh is how often the feed asks calendar apps to fetch it again.
const feedRefresh = "PT1H"

// ICS renders the feed as an iCalendar object (RFC 5545, text/calendar):
// CRLF line ends, lines folded at 75 octets without splitting a character,
// text escaped. All-day events are VALUE=DATE with an exclusive DTEND (the
// day after the last). Timed events are written in their zone, with a TZID
// and a VTIMEZONE per zone that holds every change of offset between the
// zone's first event and its last, as Go's zone database has it; an instant
// in the hour repeated when clocks go back, whose local time readers take
// differently, is written in UTC instead. Events come in the order given.
func (c CalendarFeed) ICS() []byte {
	var w icsWriter
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:-//openattendance//attendance//EN")
	w.line("CALSCALE:GREGORIAN")
	w.line("NAME:" + escapeText(c.Name))
	w.line("X-WR-CALNAME:" + escapeText(c.Name))
	w.line("REFRESH-INTERVAL;VALUE=DURATION:" + feedRefresh)
	w.line("X-PUBLISHED-TTL:" + feedRefresh)
	for _, z := range feedZones(c.Events) {
		writeVTimezone(&w, z.loc, z.from, z.to)
	}
	for _, e := range c.Events {
		w.line("BEGIN:VEVENT")
		w.line("UID:" + escapeText(e.UID))
		w.line("DTSTAMP:" + e.Modified.UTC().Format(icsUTC))
		if e.Hours == nil {
			w.line("DTSTART;VALUE=DATE:" + icsDate(e.Start))
			w.line("DTEND;VALUE=DATE:" + icsDate(e.End.AddDays(1)))
		} else {
			w.line("DTSTART" + icsTime(e.Hours.Start, e.Location))
			w.line("DTEND" + icsTime(e.Hours.End, e.Location))
		}
		w.line("SUMMARY:" + escapeText(e.Summary))
		if e.Description != "" {
			w.line("DESCRIPTION:" + escapeText(e.Description))
		}
		status, transp := "CONFIRMED", "TRANSPARENT"
		if e.Tentative {
			status = "TENTATIVE"
		}
		if e.Busy {
			transp = "OPAQUE"
		}
		w.line("STATUS:" + status)
		w.line("TRANSP:" + transp)
		w.line("LAST-MODIFIED:" + e.Modified.UTC().Format(icsUTC))
		w.line("END:VEVENT")
	}
	w.line("END:VCALENDAR")
	return w.b.Bytes()
}

const (
	icsUTC   = "20060102T150405Z"
	icsLocal = "20060102T150405"
)

func icsDate(d Date) string { return strings.ReplaceAll(d.String(), "-", "") }

// icsTime writes the value of a DTSTART or DTEND of instant t in loc, with
// its parameters: ";TZID=Europe/Berlin:20261024T230000", or ":…Z" in UTC
// for a zone-less or UTC location and for an instant a local time cannot
// name unambiguously (see ambiguousLocal).
func icsTime(t time.Time, loc *time.Location) string {
	if !namedZone(loc) || ambiguousLocal(t.In(loc)) {
		return ":" + t.UTC().Format(icsUTC)
	}
	return ";TZID=" + paramValue(loc.String()) + ":" + t.In(loc).Format(icsLocal)
}

// namedZone reports whether loc is a zone worth a TZID: not nil, not UTC.
func namedZone(loc *time.Location) bool {
	return loc != nil && loc != time.UTC && loc.String() != "UTC" && loc.String() != "Local"
}

// ambiguousLocal reports whether t's wall-clock time happens twice: t
// lies in the hour that is repeated when clocks go back, the first time
// round or the second. RFC 5545 reads such a local time as its first
// occurrence, but readers differ (Go's own time.Date may take either), so
// such instants are written in UTC.
func ambiguousLocal(t time.Time) bool {
	start, end := t.ZoneBounds()
	_, now := t.Zone()
	if !start.IsZero() {
		if _, before := start.Add(-time.Second).Zone(); before > now && t.Before(start.Add(time.Duration(before-now)*time.Second)) {
			return true
		}
	}
	if !end.IsZero() {
		if _, after := end.Zone(); after < now && !t.Before(end.Add(-time.Duration(now-after)*time.Second)) {
			return true
		}
	}
	return false
}

// zoneSpan is a zone of a feed and the stretch its timed events cover.
type zoneSpan struct {
	loc      *time.Location
	from, to time.Time
}

func feedZones(events []CalendarEvent) []zoneSpan {
	var zones []zoneSpan
	for _, e := range events {
		if e.Hours == nil || !namedZone(e.Location) {
			continue
		}
		i := slices.IndexFunc(zones, func(z zoneSpan) bool { return z.loc.String() == e.Location.String() })
		if i < 0 {
			zones = append(zones, zoneSpan{e.Location, e.Hours.Start, e.Hours.End})
			continue
		}
		if e.Hours.Start.Before(zones[i].from) {
			zones[i].from = e.Hours.Start
		}
		if e.Hours.End.After(zones[i].to) {
			zones[i].to = e.Hours.End
		}
	}
	slices.SortFunc(zones, func(a, b zoneSpan) int { return strings.Compare(a.loc.String(), b.loc.String()) })
	return zones
}

// writeVTimezone writes the VTIMEZONE of loc from from to to: one STANDARD
// or DAYLIGHT observance for the offset in force at from, and one for each
// change of offset up to to, each with its onset as a local time of the
// offset before it (TZOFFSETFROM), as RFC 5545 has it. Observances without
// rules are valid and exact for the span written.
func writeVTimezone(w *icsWriter, loc *time.Location, from, to time.Time) {
	w.line("BEGIN:VTIMEZONE")
	w.line("TZID:" + escapeText(loc.String()))
	t := from.In(loc)
	for {
		start, end := t.ZoneBounds()
		name, off := t.Zone()
		prev := off
		onset := "19700101T000000"
		if !start.IsZero() {
			_, prev = start.Add(-time.Second).Zone()
			onset = start.UTC().Add(time.Duration(prev) * time.Second).Format(icsLocal)
		}
		kind := "STANDARD"
		if t.IsDST() {
			kind = "DAYLIGHT"
		}
		w.line("BEGIN:" + kind)
		w.line("DTSTART:" + onset)
		w.line("TZOFFSETFROM:" + utcOffset(prev))
		w.line("TZOFFSETTO:" + utcOffset(off))
		w.line("TZNAME:" + escapeText(name))
		w.line("END:" + kind)
		if end.IsZero() || end.After(to) {
			break
		}
		t = end.In(loc)
	}
	w.line("END:VTIMEZONE")
}

// utcOffset writes seconds east of UTC as RFC 5545's UTC-OFFSET: +0100,
// -0330, +0000 (never -0000), with seconds only when there are some.
func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	s := fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

// escapeText escapes a TEXT value: backslash, semicolon and comma get a
// backslash, a line break becomes \n, and other control characters go.
func escapeText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// paramValue writes a parameter value, quoted when it holds a character
// that ends one (: ; ,); a double quote cannot be written and goes.
func paramValue(s string) string {
	s = strings.ReplaceAll(s, `"`, "")
	if strings.ContainsAny(s, ":;,") {
		return `"` + s + `"`
	}
	return s
}

// icsWriter writes content lines, folded.
type icsWriter struct{ b bytes.Buffer }

// maxLineOctets is RFC 5545's limit on a line, without its CRLF.
const maxLineOctets = 75

// line writes one content line, folded into lines of at most 75 octets
// (a continuation starts with a space, which counts), never inside a
// character's UTF-8 bytes.
func (w *icsWriter) line(s string) {
	limit := maxLineOctets
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.b.WriteString(s[:cut])
		w.b.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLineOctets - 1
	}
	w.b.WriteString(s)
	w.b.WriteString("\r\n")
}

// FeedLeave is a leave request as a calendar feed shows it.
type FeedLeave struct {
	ID            int64
	EmployeeName  string
	LeaveTypeName string // "Annual leave"
	Start, End    Date
	HalfDay       bool
	Hours         *LeaveHours    // hourly leave, else nil
	Location      *time.Location // the employee's zone
	Days          Amount
	Status        LeaveStatus
	// Modified is when the request last changed: made, decided at a step,
	// cancelled.
	Modified time.Time
}

// OwnFeed is a user's own calendar: their pending and approved leave
// (pending as tentative; the rest left out, so a cancelled or rejected
// request disappears from the calendar) and the company holidays. UIDs are
// "leave-<id>@<domain>" and "holiday-<YYYYMMDD>@<domain>": a holiday is
// known by its date, which is unique. holidaysModified is when the holiday
// list last changed.
func OwnFeed(name string, leave []FeedLeave, holidays []Holiday, holidaysModified time.Time, domain string) CalendarFeed {
	f := CalendarFeed{Name: "Leave: " + name}
	for _, l := range leave {
		if l.Status != LeavePending && l.Status != LeaveApproved {
			continue
		}
		summary := l.LeaveTypeName + halfDayText(l)
		if l.Status == LeavePending {
			summary += " (pending approval)"
		}
		f.Events = append(f.Events, leaveEvent(l, fmt.Sprintf("leave-%d@%s", l.ID, domain), summary,
			fmt.Sprintf("%s, %s: %s.", l.LeaveTypeName, daysText(l.Days), l.Status)))
	}
	for _, h := range holidays {
		f.Events = append(f.Events, CalendarEvent{UID: fmt.Sprintf("holiday-%s@%s", icsDate(h.Date), domain), Summary: h.Name,
			Description: "Company holiday.", Start: h.Date, End: h.Date, Modified: holidaysModified})
	}
	return f
}

// TeamFeed is a manager's calendar of their team's approved leave. It
// leaves the service for calendar servers out of its control, so it says
// who is away and when, never the leave type or the reason (sick leave is
// health data). Events are free time for the manager (TRANSPARENT). UIDs
// are "leave-<id>-team@<domain>", apart from the own feed's.
func TeamFeed(managerName string, leave []FeedLeave, domain string) CalendarFeed {
	f := CalendarFeed{Name: "Team leave: " + managerName}
	for _, l := range leave {
		if l.Status != LeaveApproved {
			continue
		}
		e := leaveEvent(l, fmt.Sprintf("leave-%d-team@%s", l.ID, domain), l.EmployeeName+": away"+halfDayText(l), "")
		e.Busy = false
		f.Events = append(f.Events, e)
	}
	return f
}

func halfDayText(l FeedLeave) string {
	if l.HalfDay && l.Hours == nil {
		return " (half day)"
	}
	return ""
}

func leaveEvent(l FeedLeave, uid, summary, description string) CalendarEvent {
	return CalendarEvent{UID: uid, Summary: summary, Description: description, Start: l.Start, End: l.End, Hours: l.Hours,
		Location: l.Location, Tentative: l.Status == LeavePending, Busy: l.Status == LeaveApproved, Modified: l.Modified}
}
