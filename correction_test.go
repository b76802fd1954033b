package attendance_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestCorrectionInputCheck(t *testing.T) {
	now := at(berlin, "2026-06-17 12:00")
	entry, exit := attendance.Entry, attendance.Exit
	add := func(typ attendance.EventType, d, tod string) attendance.CorrectionInput {
		return attendance.CorrectionInput{Action: attendance.CorrectionAdd, Type: &typ, Date: ptr(date(d)), Time: ptr(hm(tod)), Reason: "forgot to clock out"}
	}
	void := attendance.CorrectionInput{Action: attendance.CorrectionVoid, EventID: ptr[int64](31), Reason: "clocked in twice"}
	with := func(in attendance.CorrectionInput, change func(*attendance.CorrectionInput)) attendance.CorrectionInput {
		change(&in)
		return in
	}
	tests := []struct {
		name       string
		in         attendance.CorrectionInput
		want       time.Time
		wantFields []string
	}{
		{name: "a missing exit", in: add(exit, "2026-06-16", "17:30"), want: at(berlin, "2026-06-16 17:30")},
		{name: "a missing entry this morning", in: add(entry, "2026-06-17", "08:00"), want: at(berlin, "2026-06-17 08:00")},
		{name: "exactly now", in: add(entry, "2026-06-17", "12:00"), want: now},
		{name: "a void", in: void},
		{name: "a reason of 1000 bytes with line breaks", in: with(void, func(in *attendance.CorrectionInput) { in.Reason = strings.Repeat("a\n", 500) })},
		{name: "a time the spring change skips moves past the gap", in: add(exit, "2026-03-29", "02:30"), want: at(berlin, "2026-03-29 03:30")},
		{name: "a time that occurs twice is the first", in: add(exit, "2025-10-26", "02:30"), want: utc("2025-10-26 00:30")},
		{name: "a minute in the future", in: add(entry, "2026-06-17", "12:01"), wantFields: []string{"body.time"}},
		{name: "tomorrow", in: add(entry, "2026-06-18", "08:00"), wantFields: []string{"body.time"}},
		{name: "before 1970", in: add(entry, "1969-12-31", "08:00"), wantFields: []string{"body.date"}},
		{name: "an unknown action", in: with(void, func(in *attendance.CorrectionInput) { in.Action = "move" }), wantFields: []string{"body.action"}},
		{name: "an add without type, date and time", in: attendance.CorrectionInput{Action: attendance.CorrectionAdd, Reason: "x"},
			wantFields: []string{"body.type", "body.date", "body.time"}},
		{name: "an add of an unknown type", in: with(add(entry, "2026-06-16", "08:00"), func(in *attendance.CorrectionInput) { in.Type = ptr[attendance.EventType]("lunch") }),
			wantFields: []string{"body.type"}},
		{name: "an add naming an event", in: with(add(entry, "2026-06-16", "08:00"), func(in *attendance.CorrectionInput) { in.EventID = ptr[int64](3) }),
			wantFields: []string{"body.event_id"}},
		{name: "a void without its event", in: attendance.CorrectionInput{Action: attendance.CorrectionVoid, Reason: "x"}, wantFields: []string{"body.event_id"}},
		{name: "a void of event 0", in: with(void, func(in *attendance.CorrectionInput) { in.EventID = ptr[int64](0) }), wantFields: []string{"body.event_id"}},
		{name: "a void with a type, date and time", in: with(void, func(in *attendance.CorrectionInput) {
			in.Type, in.Date, in.Time = &entry, ptr(date("2026-06-16")), ptr(hm("08:00"))
		}),
			wantFields: []string{"body.type", "body.date", "body.time"}},
		{name: "no reason", in: with(void, func(in *attendance.CorrectionInput) { in.Reason = "  " }), wantFields: []string{"body.reason"}},
		{name: "a reason of 1001 bytes", in: with(void, func(in *attendance.CorrectionInput) { in.Reason = strings.Repeat("r", 1001) }), wantFields: []string{"body.reason"}},
		{name: "a reason with a NUL", in: with(void, func(in *attendance.CorrectionInput) { in.Reason = "a\x00b" }), wantFields: []string{"body.reason"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Check(berlin, now)
			if len(tt.wantFields) > 0 {
				checkFields(t, err, tt.wantFields...)
				return
			}
			checkErr(t, err, "", "")
			if !got.Equal(tt.want) {
				t.Errorf("Check() = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCheckVoidTarget(t *testing.T) {
	own := &attendance.AttendanceEvent{ID: 31, EmployeeID: 7}
	voided := &attendance.AttendanceEvent{ID: 32, EmployeeID: 7, Voided: true}
	theirs := &attendance.AttendanceEvent{ID: 33, EmployeeID: 8}
	checkErr(t, attendance.CheckVoidTarget(own, 7), "", "")
	checkErr(t, attendance.CheckVoidTarget(voided, 7), attendance.KindConflict, "already_voided")
	checkErr(t, attendance.CheckVoidTarget(theirs, 7), attendance.KindNotFound, "not_found")
}

func TestCheckCorrectionDecider(t *testing.T) {
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	manager := attendance.Actor{ID: 2, Role: attendance.RoleManager}
	employee := attendance.Actor{ID: 3, Role: attendance.RoleEmployee}
	tests := []struct {
		name     string
		actor    attendance.Actor
		target   int64
		role     attendance.Role
		wantKind attendance.Kind
		wantCode string
	}{
		{name: "a manager, a report's request", actor: manager, target: 3, role: attendance.RoleEmployee},
		{name: "an admin, a manager's request", actor: admin, target: 2, role: attendance.RoleManager},
		{name: "an admin, another admin's request", actor: admin, target: 5, role: attendance.RoleAdmin},
		{name: "an employee", actor: employee, target: 4, role: attendance.RoleEmployee, wantKind: attendance.KindForbidden, wantCode: "forbidden"},
		{name: "a manager, their own", actor: manager, target: 2, role: attendance.RoleManager, wantKind: attendance.KindForbidden, wantCode: "own_request"},
		{name: "an admin, their own", actor: admin, target: 1, role: attendance.RoleAdmin, wantKind: attendance.KindForbidden, wantCode: "own_request"},
		{name: "a manager, an admin's reporting to them", actor: manager, target: 5, role: attendance.RoleAdmin, wantKind: attendance.KindForbidden, wantCode: "forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, attendance.CheckCorrectionDecider(tt.actor, tt.target, tt.role), tt.wantKind, tt.wantCode)
		})
	}
}

func TestCheckCorrectionDecision(t *testing.T) {
	checkErr(t, attendance.CheckCorrectionDecision(attendance.Approve, ""), "", "")
	checkErr(t, attendance.CheckCorrectionDecision(attendance.Approve, "ok"), "", "")
	checkErr(t, attendance.CheckCorrectionDecision(attendance.Reject, "the badge log shows 09:10"), "", "")
	checkFields(t, attendance.CheckCorrectionDecision(attendance.Reject, ""), "body.comment")
	checkFields(t, attendance.CheckCorrectionDecision(attendance.Reject, " \n"), "body.comment")
	checkFields(t, attendance.CheckCorrectionDecision("maybe", ""), "body.action")
	checkFields(t, attendance.CheckCorrectionDecision(attendance.Reject, strings.Repeat("c", 2001)), "body.comment")
}

// TestCorrectionApproval: an employee forgot to clock out on Tuesday and asks
// for the exit at 17:30. Whether the approval still fits depends on what
// happened to the record in the meantime.
func TestCorrectionApproval(t *testing.T) {
	now := at(berlin, "2026-06-17 12:00")
	exit := attendance.Exit
	in := attendance.CorrectionInput{Action: attendance.CorrectionAdd, Type: &exit, Date: ptr(date("2026-06-16")), Time: ptr(hm("17:30")), Reason: "forgot to clock out"}
	ts, err := in.Check(berlin, now)
	checkErr(t, err, "", "")
	r := attendance.NewCorrectionRequest(7, in, ts, now)
	r.ID = 12
	if r.Status != attendance.CorrectionPending || r.Timestamp == nil || !r.Timestamp.Equal(at(berlin, "2026-06-16 17:30")) || r.EventID != nil {
		t.Fatalf("NewCorrectionRequest = %+v", r)
	}

	tuesday := &attendance.AttendanceEvent{ID: 1, EmployeeID: 7, Type: attendance.Entry, Timestamp: at(berlin, "2026-06-16 08:00")}
	wednesday := &attendance.AttendanceEvent{ID: 2, EmployeeID: 7, Type: attendance.Entry, Timestamp: at(berlin, "2026-06-17 08:00")}
	exitAt := func(s string) *attendance.AttendanceEvent {
		return &attendance.AttendanceEvent{ID: 3, EmployeeID: 7, Type: attendance.Exit, Timestamp: at(berlin, s)}
	}
	tests := []struct {
		name       string
		prev, next *attendance.AttendanceEvent
		wantCode   string
	}{
		{name: "as asked: after Tuesday's entry, before Wednesday's", prev: tuesday, next: wednesday},
		{name: "a manager recorded an exit at 17:00 meanwhile", prev: exitAt("2026-06-16 17:00"), next: wednesday, wantCode: "not_clocked_in"},
		{name: "a manager recorded an exit at 18:00 meanwhile", prev: tuesday, next: exitAt("2026-06-16 18:00"), wantCode: "out_of_sequence"},
		{name: "Tuesday's entry was voided meanwhile", prev: nil, next: wednesday, wantCode: "not_clocked_in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := r.CheckFits(tt.prev, tt.next, berlin)
			if tt.wantCode == "" {
				checkErr(t, err, "", "")
				return
			}
			checkErr(t, err, attendance.KindConflict, tt.wantCode)
			if !strings.Contains(err.Error(), "correction request 12 no longer fits") {
				t.Errorf("err = %v, want it to name the request", err)
			}
		})
	}

	manager := attendance.Actor{ID: 2, Role: attendance.RoleManager}
	checkErr(t, r.CheckPending(), "", "")
	ev := r.Correction(manager)
	if ev.EmployeeID != 7 || ev.Type != attendance.Exit || !ev.Timestamp.Equal(*r.Timestamp) || ev.Source != attendance.SourceManager ||
		ev.RecordedBy != 2 || ev.Note != "Correction request 12: forgot to clock out" {
		t.Errorf("Correction() = %+v", ev)
	}
	decided := at(berlin, "2026-06-17 12:05")
	r.Decide(manager, attendance.Approve, "", decided)
	if r.Status != attendance.CorrectionApproved || r.DecidedBy == nil || *r.DecidedBy != 2 || r.DecidedAt == nil || !r.DecidedAt.Equal(decided) {
		t.Errorf("after Decide: %+v", r)
	}
	checkErr(t, r.CheckPending(), attendance.KindConflict, "not_pending")

	rejected := attendance.NewCorrectionRequest(7, in, ts, now)
	rejected.Decide(manager, attendance.Reject, "you left at 16:00", decided)
	if rejected.Status != attendance.CorrectionRejected || rejected.DecisionComment != "you left at 16:00" {
		t.Errorf("after a rejection: %+v", rejected)
	}
}

func TestCorrectionDuplicates(t *testing.T) {
	now := at(berlin, "2026-06-17 12:00")
	exit, entry := attendance.Exit, attendance.Entry
	mk := func(employee int64, in attendance.CorrectionInput) *attendance.CorrectionRequest {
		ts, err := in.Check(berlin, now)
		if err != nil {
			t.Fatal(err)
		}
		return attendance.NewCorrectionRequest(employee, in, ts, now)
	}
	addExit := attendance.CorrectionInput{Action: attendance.CorrectionAdd, Type: &exit, Date: ptr(date("2026-06-16")), Time: ptr(hm("17:30")), Reason: "a"}
	addEntry := attendance.CorrectionInput{Action: attendance.CorrectionAdd, Type: &entry, Date: ptr(date("2026-06-16")), Time: ptr(hm("17:30")), Reason: "b"}
	void31 := attendance.CorrectionInput{Action: attendance.CorrectionVoid, EventID: ptr[int64](31), Reason: "c"}
	void32 := attendance.CorrectionInput{Action: attendance.CorrectionVoid, EventID: ptr[int64](32), Reason: "d"}
	decided := mk(7, addExit)
	decided.Status = attendance.CorrectionRejected
	tests := []struct {
		name     string
		r, other *attendance.CorrectionRequest
		want     bool
	}{
		{name: "the same exit, another reason", r: mk(7, addExit), other: mk(7, addExit), want: true},
		{name: "an entry at the same time", r: mk(7, addEntry), other: mk(7, addExit)},
		{name: "someone else's", r: mk(7, addExit), other: mk(8, addExit)},
		{name: "a decided one", r: mk(7, addExit), other: decided},
		{name: "the same void", r: mk(7, void31), other: mk(7, void31), want: true},
		{name: "another event's void", r: mk(7, void31), other: mk(7, void32)},
		{name: "a void and an add", r: mk(7, void31), other: mk(7, addExit)},
	}
	for _, tt := range tests {
		if got := tt.r.Duplicates(tt.other); got != tt.want {
			t.Errorf("%s: Duplicates = %v, want %v", tt.name, got, tt.want)
		}
	}
	checkErr(t, attendance.ErrDuplicateCorrection(&attendance.CorrectionRequest{ID: 4}), attendance.KindConflict, "duplicate_request")
}

func TestCorrectionNotifications(t *testing.T) {
	e := &attendance.Employee{ID: 7, Username: "ada", FirstName: "Ada"}
	exit := attendance.Exit
	r := &attendance.CorrectionRequest{ID: 12, EmployeeID: 7, Action: attendance.CorrectionAdd, Type: &exit, Date: ptr(date("2026-06-16")), Time: ptr(hm("17:30")),
		Timestamp: ptr(at(berlin, "2026-06-16 17:30")), Reason: "forgot", Status: attendance.CorrectionPending}
	asked := attendance.CorrectionRequested(e, r, []int64{2, 1})
	if len(asked) != 2 || asked[0].Kind != attendance.NotifyCorrectionRequested || asked[0].Cause != "correction_requested:12" ||
		asked[0].RecipientID != 2 || asked[1].RecipientID != 1 || !strings.Contains(asked[0].Message, "missing exit on 2026-06-16 at 17:30") {
		t.Errorf("CorrectionRequested = %+v", asked)
	}
	void := &attendance.CorrectionRequest{ID: 13, EmployeeID: 7, Action: attendance.CorrectionVoid, EventID: ptr[int64](31), Reason: "twice"}
	if n := attendance.CorrectionRequested(e, void, []int64{2}); len(n) != 1 || !strings.Contains(n[0].Message, "void of event 31") {
		t.Errorf("CorrectionRequested(void) = %+v", n)
	}
	r.Decide(attendance.Actor{ID: 2, Role: attendance.RoleManager}, attendance.Reject, "no", at(berlin, "2026-06-17 09:00"))
	decided := attendance.CorrectionDecided(r)
	if len(decided) != 1 || decided[0].Kind != attendance.NotifyCorrectionDecided || decided[0].RecipientID != 7 || decided[0].Cause != "correction_decided:12" ||
		!strings.Contains(decided[0].Message, "rejected") || !strings.Contains(string(decided[0].Data), `"comment":"no"`) {
		t.Errorf("CorrectionDecided = %+v", decided)
	}
}

func TestCorrectionInputCheckHired(t *testing.T) {
	hired := date("2026-06-01")
	add := attendance.CorrectionInput{Action: attendance.CorrectionAdd}
	void := attendance.CorrectionInput{Action: attendance.CorrectionVoid}
	tests := []struct {
		name string
		in   attendance.CorrectionInput
		ts   time.Time
		ok   bool
	}{
		{"the hire date's first minute, local", add, at(berlin, "2026-06-01 00:00"), true},
		{"the eve of the hire date, local", add, at(berlin, "2026-05-31 23:59"), false},
		{"a void is judged by its event, not here", void, at(berlin, "2026-05-01 08:00"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.CheckHired(tt.ts, berlin, hired)
			if (err == nil) != tt.ok {
				t.Fatalf("got %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "hire date") {
				t.Errorf("error %q does not name the hire date", err)
			}
		})
	}
}
