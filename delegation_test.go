package attendance_test

import (
	"strings"
	"testing"

	"github.com/openattendance/attendance"
)

func TestCheckDelegation(t *testing.T) {
	today := june15
	in := func(delegate attendance.Person, from, to string) attendance.DelegationInput {
		return attendance.DelegationInput{DelegateID: delegate.ID, From: date(from), To: date(to)}
	}
	existing := []attendance.Delegation{{ID: 4, PrincipalID: cleo.ID, DelegateID: gus.ID, From: date("2026-07-01"), To: date("2026-07-10")}}
	inactive := ivy
	inactive.Active = false
	longNote := in(gus, "2026-06-15", "2026-06-20")
	longNote.Note = strings.Repeat("n", 2001)
	tests := []struct {
		name       string
		actor      attendance.Actor
		in         attendance.DelegationInput
		principal  attendance.Person
		delegate   attendance.Person
		wantKind   attendance.Kind
		wantCode   string
		wantFields []string
	}{
		{name: "a manager names a delegate from today", actor: actor(cleo), in: in(gus, "2026-06-15", "2026-06-20"), principal: cleo, delegate: gus},
		{name: "one day", actor: actor(cleo), in: in(gus, "2026-06-16", "2026-06-16"), principal: cleo, delegate: gus},
		{name: "an admin delegate", actor: actor(cleo), in: in(fay, "2026-06-16", "2026-06-16"), principal: cleo, delegate: fay},
		{name: "366 days", actor: actor(cleo), in: in(gus, "2026-07-11", "2027-07-11"), principal: cleo, delegate: gus},
		{name: "right after another", actor: actor(cleo), in: in(ivy, "2026-07-11", "2026-07-20"), principal: cleo, delegate: ivy},
		{name: "an admin for someone else", actor: actor(ada), in: in(gus, "2026-06-15", "2026-06-20"), principal: ben, delegate: gus},
		{name: "a manager for someone else", actor: actor(ben), in: in(gus, "2026-06-15", "2026-06-20"), principal: cleo, delegate: gus,
			wantKind: attendance.KindForbidden, wantCode: "forbidden"},
		{name: "an employee", actor: actor(dan), in: in(gus, "2026-06-15", "2026-06-20"), principal: dan, delegate: gus,
			wantKind: attendance.KindForbidden, wantCode: "forbidden"},
		{name: "an admin for an employee", actor: actor(ada), in: in(gus, "2026-06-15", "2026-06-20"), principal: dan, delegate: gus,
			wantFields: []string{"body.principal_id"}},
		{name: "an employee delegate", actor: actor(cleo), in: in(eve, "2026-06-15", "2026-06-20"), principal: cleo, delegate: eve,
			wantFields: []string{"body.delegate_id"}},
		{name: "an inactive delegate", actor: actor(cleo), in: in(inactive, "2026-06-15", "2026-06-20"), principal: cleo, delegate: inactive,
			wantFields: []string{"body.delegate_id"}},
		{name: "oneself", actor: actor(cleo), in: in(cleo, "2026-06-15", "2026-06-20"), principal: cleo, delegate: cleo,
			wantFields: []string{"body.delegate_id"}},
		{name: "from yesterday", actor: actor(cleo), in: in(gus, "2026-06-14", "2026-06-20"), principal: cleo, delegate: gus,
			wantFields: []string{"body.from"}},
		{name: "to before from", actor: actor(cleo), in: in(gus, "2026-06-20", "2026-06-19"), principal: cleo, delegate: gus,
			wantFields: []string{"body.to"}},
		{name: "367 days", actor: actor(cleo), in: in(gus, "2026-07-11", "2027-07-12"), principal: cleo, delegate: gus,
			wantFields: []string{"body.to"}},
		{name: "a note of 2001 bytes", actor: actor(cleo), in: longNote, principal: cleo, delegate: gus,
			wantFields: []string{"body.note"}},
		{name: "overlapping another", actor: actor(cleo), in: in(ivy, "2026-07-10", "2026-07-20"), principal: cleo, delegate: ivy,
			wantKind: attendance.KindConflict, wantCode: "overlap"},
		{name: "inside another", actor: actor(cleo), in: in(ivy, "2026-07-02", "2026-07-03"), principal: cleo, delegate: ivy,
			wantKind: attendance.KindConflict, wantCode: "overlap"},
		{name: "another principal's dates are free", actor: actor(ben), in: in(ivy, "2026-07-01", "2026-07-10"), principal: ben, delegate: ivy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := attendance.CheckDelegation(tt.actor, tt.in, tt.principal, tt.delegate, today, existing)
			if tt.wantFields != nil {
				checkFields(t, err, tt.wantFields...)
				return
			}
			checkErr(t, err, tt.wantKind, tt.wantCode)
		})
	}
}

func TestDelegationOn(t *testing.T) {
	ds := []attendance.Delegation{
		{ID: 1, PrincipalID: 3, DelegateID: 7, From: date("2026-06-10"), To: date("2026-06-12")},
		{ID: 2, PrincipalID: 3, DelegateID: 9, From: date("2026-06-13"), To: date("2026-06-13")},
		{ID: 3, PrincipalID: 2, DelegateID: 7, From: date("2026-06-01"), To: date("2026-06-30")},
	}
	tests := []struct {
		name      string
		principal int64
		day       string
		want      int64 // delegation id, 0 for none
	}{
		{"before the first", 3, "2026-06-09", 0},
		{"the first day", 3, "2026-06-10", 1},
		{"the last day", 3, "2026-06-12", 1},
		{"the next delegation", 3, "2026-06-13", 2},
		{"after both", 3, "2026-06-14", 0},
		{"another principal", 2, "2026-06-14", 3},
		{"nobody's", 5, "2026-06-14", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := attendance.DelegationOn(ds, tt.principal, date(tt.day))
			if got := map[bool]int64{true: d.ID, false: 0}[ok]; got != tt.want {
				t.Errorf("DelegationOn(%d, %s) = %d, want %d", tt.principal, tt.day, got, tt.want)
			}
		})
	}
}

func TestCheckRemoveDelegation(t *testing.T) {
	d := attendance.Delegation{ID: 1, PrincipalID: cleo.ID, DelegateID: gus.ID}
	tests := []struct {
		name     string
		actor    attendance.Actor
		wantKind attendance.Kind
	}{
		{"the principal", actor(cleo), ""},
		{"an admin", actor(fay), ""},
		{"the delegate", actor(gus), attendance.KindForbidden},
		{"the principal's manager", actor(ben), attendance.KindForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, attendance.CheckRemoveDelegation(tt.actor, d), tt.wantKind, "")
		})
	}
}

func TestDecidedByText(t *testing.T) {
	if got, want := attendance.DecidedByText("Ana Lopez", "Ben Meyer"), "Ana Lopez for Ben Meyer"; got != want {
		t.Errorf("DecidedByText = %q, want %q", got, want)
	}
	if got, want := attendance.DecidedByText("Ana Lopez", ""), "Ana Lopez"; got != want {
		t.Errorf("DecidedByText = %q, want %q", got, want)
	}
}
