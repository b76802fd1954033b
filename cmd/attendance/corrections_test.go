package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// correction is a correction request as the API shows it.
type correction struct {
	attendance.CorrectionRequest
	EmployeeName string `json:"employee_name"`
}

// askCorrection files a correction request of the client and fails unless it is 201.
func (c *client) askCorrection(body map[string]any, hdr ...string) correction {
	c.app.t.Helper()
	var r correction
	c.Do("POST", "/api/attendance/corrections/", body, hdr...).Want(201).JSON(&r)
	return r
}

func correctionPath(id int64, suffix string) string {
	return fmt.Sprintf("/api/attendance/corrections/%d/%s", id, suffix)
}

// notificationsOf returns the client's notifications of kind, newest first.
func (c *client) notificationsOf(kind attendance.NotificationKind) []attendance.Notification {
	c.app.t.Helper()
	var l list[attendance.Notification]
	c.Do("GET", "/api/notifications/?limit=500", nil).Want(200).JSON(&l)
	var out []attendance.Notification
	for _, n := range l.Results {
		if n.Kind == kind {
			out = append(out, n)
		}
	}
	return out
}

// workedOn returns the overview row of the employee id for one date, as the manager reads it.
func (c *client) workedOn(id int64, d string) attendance.OverviewRow {
	c.app.t.Helper()
	var ov struct {
		Results []attendance.OverviewRow `json:"results"`
	}
	c.Do("GET", fmt.Sprintf("/api/attendance/overview/?from=%s&to=%s&employee_id=%d", d, d, id), nil).Want(200).JSON(&ov)
	if len(ov.Results) != 1 {
		c.app.t.Fatalf("overview of %d on %s: %d rows, want 1", id, d, len(ov.Results))
	}
	return ov.Results[0]
}

func TestCorrectionRequests(t *testing.T) {
	t.Parallel()
	const berlin = "Europe/Berlin"
	tm := newTeam(t, utc("2026-06-01 05:00"), staff(berlin, "08:00", 0, "2026-01-01"))
	mgr, emp, clock, admin := tm.mgr, tm.emp, tm.clock, tm.app.Admin

	t.Run("a forgotten exit, asked for and approved, counts as a manager's correction", func(t *testing.T) {
		mgr, emp := mgr.In(t), emp.In(t)
		clock.Set(local(berlin, "2026-06-01 08:00"))
		emp.clock("entry")
		clock.Set(local(berlin, "2026-06-02 07:30"))
		r := emp.askCorrection(map[string]any{"action": "add", "type": "exit", "date": "2026-06-01", "time": "17:30", "reason": "forgot the terminal"})
		if r.Status != attendance.CorrectionPending || r.Timestamp == nil || !r.Timestamp.Equal(local(berlin, "2026-06-01 17:30")) ||
			r.EmployeeID != emp.ID() || r.Date.String() != "2026-06-01" || r.Time.String() != "17:30" || r.EventID != nil {
			t.Fatalf("request = %+v, want pending exit at 2026-06-01 17:30 Berlin", r.CorrectionRequest)
		}
		// Asked for, not recorded: the day is still open.
		if row := mgr.workedOn(emp.ID(), "2026-06-01"); row.WorkedSeconds != 0 || row.OpenSessions != 1 {
			t.Errorf("before the decision: worked %d s, %d open, want 0 and 1", row.WorkedSeconds, row.OpenSessions)
		}
		ns := mgr.notificationsOf(attendance.NotifyCorrectionRequested)
		if len(ns) != 1 || ns[0].EmployeeID != emp.ID() || !strings.Contains(string(ns[0].Data), fmt.Sprintf(`"correction_request_id":%d`, r.ID)) {
			t.Fatalf("manager's correction_requested notifications = %+v", ns)
		}
		var pending list[correction]
		mgr.Do("GET", "/api/attendance/corrections/overview/?status=pending", nil).Want(200).JSON(&pending)
		if pending.Count != 1 || pending.Results[0].ID != r.ID || pending.Results[0].EmployeeName == "" {
			t.Fatalf("manager's pending corrections = %+v", pending)
		}

		var got correction
		mgr.Do("POST", correctionPath(r.ID, "action/"), map[string]any{"action": "approve"}).Want(200).JSON(&got)
		if got.Status != attendance.CorrectionApproved || got.DecidedBy == nil || *got.DecidedBy != mgr.ID() || got.EventID == nil || got.DecidedAt == nil {
			t.Fatalf("approved = %+v", got.CorrectionRequest)
		}
		l := emp.events("?from=2026-06-01&to=2026-06-01")
		if l.Count != 2 {
			t.Fatalf("events of 2026-06-01 = %+v, want 2", l)
		}
		exit := l.Results[0]
		if exit.ID != *got.EventID || exit.Type != attendance.Exit || exit.Source != attendance.SourceManager || exit.RecordedBy != mgr.ID() ||
			!exit.Timestamp.Equal(local(berlin, "2026-06-01 17:30")) || exit.CorrectionRequestID == nil || *exit.CorrectionRequestID != r.ID ||
			exit.Note != fmt.Sprintf("Correction request %d: forgot the terminal", r.ID) {
			t.Errorf("recorded exit = %+v", exit)
		}
		if row := mgr.workedOn(emp.ID(), "2026-06-01"); row.WorkedSeconds != 9*3600+30*60 || row.OpenSessions != 0 {
			t.Errorf("after the approval: worked %d s, %d open, want 34200 and 0", row.WorkedSeconds, row.OpenSessions)
		}
		if ns := emp.notificationsOf(attendance.NotifyCorrectionDecided); len(ns) != 1 || !strings.Contains(ns[0].Message, "approved") {
			t.Errorf("employee's correction_decided notifications = %+v", ns)
		}
		// Decided: neither decided again nor cancelled.
		mgr.Do("POST", correctionPath(r.ID, "action/"), map[string]any{"action": "reject", "comment": "no"}).WantProblem(409, "not_pending")
		emp.Do("POST", correctionPath(r.ID, "cancel/"), nil).WantProblem(409, "not_pending")
		var mine list[correction]
		emp.Do("GET", "/api/attendance/corrections/?status=approved", nil).Want(200).JSON(&mine)
		if mine.Count != 1 || mine.Results[0].ID != r.ID {
			t.Errorf("employee's approved requests = %+v", mine)
		}
	})

	t.Run("a void of one's own event, approved, voids it with the request in the audit trail", func(t *testing.T) {
		mgr, emp := mgr.In(t), emp.In(t)
		clock.Set(local(berlin, "2026-06-02 09:00"))
		ev := emp.clock("entry")
		if !ev.Late || ev.LateMinutes != 60 {
			t.Fatalf("entry at 09:00 = %+v, want 60 minutes late", ev)
		}
		clock.Set(local(berlin, "2026-06-02 09:05"))
		r := emp.askCorrection(map[string]any{"action": "void", "event_id": ev.ID, "reason": "pressed the wrong button"})
		if r.EventID == nil || *r.EventID != ev.ID || !r.Timestamp.Equal(ev.Timestamp) || r.Date.String() != "2026-06-02" || r.Type != nil {
			t.Fatalf("void request = %+v", r.CorrectionRequest)
		}
		emp.Do("POST", "/api/attendance/corrections/", map[string]any{"action": "void", "event_id": ev.ID, "reason": "again"}).
			WantProblem(409, "duplicate_request")
		var got correction
		mgr.Do("POST", correctionPath(r.ID, "action/"), map[string]any{"action": "approve", "comment": "ok"}).Want(200).JSON(&got)
		if got.Status != attendance.CorrectionApproved || *got.EventID != ev.ID || got.DecisionComment != "ok" {
			t.Fatalf("approved = %+v", got.CorrectionRequest)
		}
		l := emp.events("?from=2026-06-02&to=2026-06-02")
		if l.Count != 1 || !l.Results[0].Voided || *l.Results[0].VoidedBy != mgr.ID() || l.Results[0].CorrectionRequestID == nil ||
			*l.Results[0].CorrectionRequestID != r.ID || !strings.HasPrefix(l.Results[0].VoidNote, fmt.Sprintf("Correction request %d: ", r.ID)) {
			t.Errorf("events of 2026-06-02 = %+v", l.Results)
		}
		if row := mgr.workedOn(emp.ID(), "2026-06-02"); row.DaysPresent != 0 || row.LateEntries != 0 {
			t.Errorf("after the void: %d days present, %d late, want 0 and 0", row.DaysPresent, row.LateEntries)
		}
		emp.Do("POST", "/api/attendance/corrections/", map[string]any{"action": "void", "event_id": ev.ID, "reason": "again"}).
			WantProblem(409, "already_voided")
	})

	t.Run("an approval that no longer fits is refused, named, and leaves the request pending", func(t *testing.T) {
		mgr, emp := mgr.In(t), emp.In(t)
		clock.Set(local(berlin, "2026-06-03 18:00"))
		r := emp.askCorrection(map[string]any{"action": "add", "type": "entry", "date": "2026-06-03", "time": "08:10", "reason": "badge forgotten"})
		// Meanwhile the manager records an entry before it themselves.
		mgr.Do("POST", "/api/attendance/", map[string]any{"type": "entry", "employee_id": emp.ID(),
			"timestamp": local(berlin, "2026-06-03 08:00"), "note": "saw them"}).Want(201)
		p := mgr.Do("POST", correctionPath(r.ID, "action/"), map[string]any{"action": "approve"}).WantProblem(409, "already_clocked_in")
		if !strings.Contains(p.Detail, fmt.Sprintf("correction request %d", r.ID)) {
			t.Errorf("detail %q does not name the request", p.Detail)
		}
		var still correction
		emp.Do("GET", correctionPath(r.ID, ""), nil).Want(200).JSON(&still)
		if still.Status != attendance.CorrectionPending {
			t.Fatalf("after the refused approval: %s, want pending", still.Status)
		}
		wantFieldError(t, mgr.Do("POST", correctionPath(r.ID, "action/"), map[string]any{"action": "reject"}).WantProblem(422, ""), "body.comment")
		var got correction
		mgr.Do("POST", correctionPath(r.ID, "action/"), map[string]any{"action": "reject", "comment": "recorded already"}).Want(200).JSON(&got)
		if got.Status != attendance.CorrectionRejected || got.DecisionComment != "recorded already" || got.EventID != nil {
			t.Errorf("rejected = %+v", got.CorrectionRequest)
		}
		if ns := emp.notificationsOf(attendance.NotifyCorrectionDecided); len(ns) == 0 || !strings.Contains(ns[0].Message, "rejected") {
			t.Errorf("employee's latest correction_decided = %+v", ns)
		}
	})

	t.Run("the requester cancels a pending request; nobody else does", func(t *testing.T) {
		emp := emp.In(t)
		clock.Set(local(berlin, "2026-06-04 12:00"))
		body := map[string]any{"action": "add", "type": "exit", "date": "2026-06-03", "time": "17:00", "reason": "left at five"}
		r := emp.askCorrection(body)
		emp.Do("POST", "/api/attendance/corrections/", body).WantProblem(409, "duplicate_request")
		mgr.In(t).Do("POST", correctionPath(r.ID, "cancel/"), nil).WantProblem(403, "")
		tm.stray.In(t).Do("POST", correctionPath(r.ID, "cancel/"), nil).WantProblem(404, "")
		tm.otherMgr.In(t).Do("GET", correctionPath(r.ID, ""), nil).WantProblem(404, "")
		tm.otherMgr.In(t).Do("POST", correctionPath(r.ID, "action/"), map[string]any{"action": "approve"}).WantProblem(404, "")
		emp.Do("POST", correctionPath(r.ID, "action/"), map[string]any{"action": "approve"}).WantProblem(403, "")
		var got correction
		emp.Do("POST", correctionPath(r.ID, "cancel/"), nil).Want(200).JSON(&got)
		if got.Status != attendance.CorrectionCancelled {
			t.Fatalf("cancelled = %+v", got.CorrectionRequest)
		}
		emp.Do("POST", correctionPath(r.ID, "cancel/"), nil).WantProblem(409, "not_pending")
		mgr.In(t).Do("POST", correctionPath(r.ID, "action/"), map[string]any{"action": "approve"}).WantProblem(409, "not_pending")
		// Cancelled, it no longer stands in the way of asking again.
		again := emp.askCorrection(body)
		emp.Do("POST", correctionPath(again.ID, "cancel/"), nil).Want(200)
	})

	t.Run("bad requests", func(t *testing.T) {
		emp := emp.In(t)
		clock.Set(local(berlin, "2026-06-05 12:00"))
		for _, c := range []struct {
			name  string
			body  map[string]any
			where string
		}{
			{"no reason", map[string]any{"action": "add", "type": "exit", "date": "2026-06-05", "time": "11:00", "reason": " "}, "body.reason"},
			{"in the future", map[string]any{"action": "add", "type": "entry", "date": "2026-06-05", "time": "12:30", "reason": "x"}, "body.time"},
			{"before the hire date", map[string]any{"action": "add", "type": "entry", "date": "2025-12-31", "time": "08:00", "reason": "x"}, "body.date"},
			{"an add naming an event", map[string]any{"action": "add", "type": "entry", "date": "2026-06-05", "time": "08:00", "event_id": 1, "reason": "x"}, "body.event_id"},
			{"a void without its event", map[string]any{"action": "void", "reason": "x"}, "body.event_id"},
			{"an add without a date", map[string]any{"action": "add", "type": "entry", "time": "08:00", "reason": "x"}, "body.date"},
		} {
			p := emp.Do("POST", "/api/attendance/corrections/", c.body).WantProblem(422, "")
			wantFieldError(t, p, c.where)
		}
		// An exit with no entry before it does not fit: the sequence's code.
		emp.Do("POST", "/api/attendance/corrections/", map[string]any{"action": "add", "type": "exit", "date": "2026-05-01", "time": "17:00",
			"reason": "x"}).WantProblem(409, "not_clocked_in")
		// Someone else's event is not found.
		stray := tm.stray.In(t)
		ev := stray.clock("entry")
		emp.Do("POST", "/api/attendance/corrections/", map[string]any{"action": "void", "event_id": ev.ID, "reason": "x"}).WantProblem(404, "")
	})

	t.Run("a skipped local time moves forward", func(t *testing.T) {
		emp := emp.In(t)
		// 02:30 on 29 March 2026 does not exist in Berlin: 03:30 CEST, 01:30Z.
		// An entry before the entries of later dates fits.
		r := emp.askCorrection(map[string]any{"action": "add", "type": "entry", "date": "2026-03-29", "time": "02:30", "reason": "night call"})
		if want := time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC); !r.Timestamp.Equal(want) {
			t.Errorf("timestamp = %s, want %s", r.Timestamp, want)
		}
		emp.Do("POST", correctionPath(r.ID, "cancel/"), nil).Want(200)
	})

	t.Run("nobody decides their own; an admin decides a manager's", func(t *testing.T) {
		mgr := mgr.In(t)
		clock.Set(local(berlin, "2026-06-08 07:00"))
		r := mgr.askCorrection(map[string]any{"action": "add", "type": "entry", "date": "2026-06-05", "time": "08:00", "reason": "worked on friday"})
		mgr.Do("POST", correctionPath(r.ID, "action/"), map[string]any{"action": "approve"}).WantProblem(403, "own_request")
		var others list[correction]
		mgr.Do("GET", "/api/attendance/corrections/overview/?limit=500", nil).Want(200).JSON(&others)
		for _, o := range others.Results {
			if o.EmployeeID == mgr.ID() {
				t.Errorf("the manager's overview lists their own request %d", o.ID)
			}
		}
		if ns := admin.notificationsOf(attendance.NotifyCorrectionRequested); len(ns) == 0 || ns[0].EmployeeID != mgr.ID() {
			t.Errorf("admin's correction_requested = %+v, want the manager's", ns)
		}
		admin.In(t).Do("POST", correctionPath(r.ID, "action/"), map[string]any{"action": "approve"}).Want(200)
		ar := admin.In(t).askCorrection(map[string]any{"action": "add", "type": "entry", "date": "2026-06-05", "time": "08:00", "reason": "mine"})
		admin.In(t).Do("POST", correctionPath(ar.ID, "action/"), map[string]any{"action": "approve"}).WantProblem(403, "own_request")
	})

	t.Run("idempotency keys", func(t *testing.T) {
		emp, mgr := emp.In(t), mgr.In(t)
		clock.Set(local(berlin, "2026-06-08 12:00"))
		body := map[string]any{"action": "add", "type": "exit", "date": "2026-06-03", "time": "17:15", "reason": "left"}
		first := emp.askCorrection(body, "Idempotency-Key", "corr-1")
		again := emp.askCorrection(body, "Idempotency-Key", "corr-1")
		if again.ID != first.ID {
			t.Errorf("a repeat made request %d, want %d", again.ID, first.ID)
		}
		body["time"] = "17:16"
		emp.Do("POST", "/api/attendance/corrections/", body, "Idempotency-Key", "corr-1").WantProblem(422, "idempotency_key_reused")
		decision := map[string]any{"action": "approve"}
		mgr.Do("POST", correctionPath(first.ID, "action/"), decision, "Idempotency-Key", "dec-1").Want(200)
		var replay correction
		mgr.Do("POST", correctionPath(first.ID, "action/"), decision, "Idempotency-Key", "dec-1").Want(200).JSON(&replay)
		if replay.Status != attendance.CorrectionApproved {
			t.Errorf("replayed decision = %+v", replay.CorrectionRequest)
		}
		if l := emp.events("?from=2026-06-03&to=2026-06-03"); l.Count != 2 {
			t.Errorf("events of 2026-06-03 = %d, want the entry and the one approved exit", l.Count)
		}
	})
}

// TestBoardReviewMark: the board's row of someone whose exit was forgotten
// is marked from the time the overview flags the session, and so is the row
// of someone whose correction request waits; a decision clears it.
func TestBoardReviewMark(t *testing.T) {
	t.Parallel()
	tm := newTeam(t, utc("2026-06-01 06:00"), staff("UTC", "08:00", 0, "2026-01-01"))
	mgr, emp, clock := tm.mgr, tm.emp, tm.clock
	asker := mgr.NewUser("asker", staff("UTC", "08:00", 0, "2026-01-01"))
	row := func(t *testing.T, c *client) attendance.TodayRow {
		t.Helper()
		var page struct {
			Results []attendance.TodayRow `json:"results"`
		}
		mgr.In(t).Do("GET", fmt.Sprintf("/api/attendance/today/?employee_id=%d", c.ID()), nil).Want(200).JSON(&page)
		if len(page.Results) != 1 {
			t.Fatalf("board rows of %d: %d, want 1", c.ID(), len(page.Results))
		}
		return page.Results[0]
	}

	clock.Set(utc("2026-06-01 08:00"))
	entry := emp.clock("entry")
	clock.Set(utc("2026-06-01 20:59")) // the shift ended at 17:00; review after 4 hours
	if r := row(t, emp); r.NeedsReview || r.ReviewSessions != 0 || r.ReviewSince != nil {
		t.Errorf("before the review time: %+v, want no mark", r.ReviewMark)
	}
	clock.Set(utc("2026-06-01 21:00"))
	if r := row(t, emp); !r.NeedsReview || r.ReviewSessions != 1 || r.ReviewSince == nil || !r.ReviewSince.Equal(entry.Timestamp) {
		t.Errorf("from the review time: %+v, want one session since %s", r.ReviewMark, entry.Timestamp)
	}
	// The next morning it still shows, for yesterday's session.
	clock.Set(utc("2026-06-02 07:00"))
	if r := row(t, emp); !r.NeedsReview || r.ReviewSessions != 1 {
		t.Errorf("the next morning: %+v, want yesterday's session", r.ReviewMark)
	}
	// The manager records the exit: nothing left to review.
	mgr.Do("POST", "/api/attendance/", map[string]any{"type": "exit", "employee_id": emp.ID(), "timestamp": utc("2026-06-01 17:00"), "note": "left at five"}).Want(201)
	if r := row(t, emp); r.NeedsReview || r.ReviewSessions != 0 {
		t.Errorf("after the exit: %+v, want no mark", r.ReviewMark)
	}

	r := asker.askCorrection(map[string]any{"action": "add", "type": "entry", "date": "2026-06-01", "time": "08:00", "reason": "badge at home"})
	if got := row(t, asker); !got.NeedsReview || got.PendingCorrections != 1 || got.ReviewSessions != 0 {
		t.Errorf("with a pending correction: %+v, want it counted", got.ReviewMark)
	}
	if got := row(t, emp); got.PendingCorrections != 0 {
		t.Errorf("another's row counts %d pending corrections", got.PendingCorrections)
	}
	mgr.Do("POST", correctionPath(r.ID, "action/"), map[string]any{"action": "reject", "comment": "no record of it"}).Want(200)
	if got := row(t, asker); got.NeedsReview || got.PendingCorrections != 0 {
		t.Errorf("after the decision: %+v, want no mark", got.ReviewMark)
	}
}
