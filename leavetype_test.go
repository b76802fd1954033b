package attendance_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestLeaveUnitsJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    attendance.LeaveUnits
		wantErr bool
	}{
		{in: `["day"]`, want: attendance.NewLeaveUnits(attendance.UnitDay)},
		{in: `["hour", "day"]`, want: attendance.NewLeaveUnits(attendance.UnitDay, attendance.UnitHour)},
		{in: `["day", "half_day", "hour"]`, want: attendance.AllLeaveUnits},
		{in: `[]`, want: 0},
		{in: `["days"]`, wantErr: true},
		{in: `["day", "day"]`, wantErr: true},
		{in: `"day"`, wantErr: true},
	}
	for _, tt := range tests {
		var got attendance.LeaveUnits
		err := json.Unmarshal([]byte(tt.in), &got)
		if tt.wantErr {
			if err == nil {
				t.Errorf("Unmarshal(%s) = %v, nil; want an error", tt.in, got.List())
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v", tt.in, got.List(), err, tt.want.List())
		}
	}
	b, _ := json.Marshal(attendance.NewLeaveUnits(attendance.UnitHour, attendance.UnitDay))
	if string(b) != `["day","hour"]` {
		t.Errorf("Marshal = %s, want [\"day\",\"hour\"] (day, half_day, hour order)", b)
	}
}

func TestParseMonthDay(t *testing.T) {
	tests := []struct {
		in      string
		want    attendance.MonthDay
		wantErr bool
	}{
		{in: "03-31", want: attendance.MonthDay{Month: time.March, Day: 31}},
		{in: "01-01", want: attendance.MonthDay{Month: time.January, Day: 1}},
		{in: "12-31", want: attendance.MonthDay{Month: time.December, Day: 31}},
		{in: "02-28", want: attendance.MonthDay{Month: time.February, Day: 28}},
		{in: "02-29", wantErr: true}, // not every year has it
		{in: "04-31", wantErr: true},
		{in: "13-01", wantErr: true},
		{in: "00-10", wantErr: true},
		{in: "3-31", wantErr: true},
		{in: "03/31", wantErr: true},
		{in: "2026-03-31", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := attendance.ParseMonthDay(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseMonthDay(%q) = %v, nil; want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want || got.String() != tt.in {
			t.Errorf("ParseMonthDay(%q) = %v (%q), %v; want %v", tt.in, got, got.String(), err, tt.want)
		}
	}
	if got := (attendance.MonthDay{Month: time.March, Day: 31}).In(2027); got != date("2027-03-31") {
		t.Errorf("03-31 in 2027 = %s", got)
	}
	var v struct {
		E attendance.MonthDay `json:"e"`
	}
	for _, tc := range []struct {
		in   string
		want string
	}{{`{"e":"03-31"}`, `{"e":"03-31"}`}, {`{"e":""}`, `{"e":null}`}, {`{"e":null}`, `{"e":null}`}} {
		v.E = attendance.MonthDay{}
		if err := json.Unmarshal([]byte(tc.in), &v); err != nil {
			t.Fatalf("Unmarshal(%s): %v", tc.in, err)
		}
		if b, _ := json.Marshal(v); string(b) != tc.want {
			t.Errorf("round trip of %s = %s, want %s", tc.in, b, tc.want)
		}
	}
}

func TestBuiltinLeavePolicies(t *testing.T) {
	got := attendance.BuiltinLeavePolicies(2026)
	codes := []attendance.LeaveType{}
	for _, p := range got {
		codes = append(codes, p.Code)
		if !p.BuiltIn || p.Retired || !p.NeedsApproval || p.Units != attendance.AllLeaveUnits || p.FirstYear != 2026 {
			t.Errorf("%s: %+v, want built in, active, needing approval, every unit, ledger from 2026", p.Code, p)
		}
	}
	if !slices.Equal(codes, []attendance.LeaveType{attendance.LeaveAnnual, attendance.LeaveSick, attendance.LeaveUnpaid}) {
		t.Fatalf("codes = %v, want annual, sick, unpaid", codes)
	}
	annual, sick, unpaid := got[0], got[1], got[2]
	// The contract: annual leave's allowance is the same every year, never
	// pro-rated, and nothing is carried over.
	for _, y := range []int{1970, 2020, 2026, 2027, 9999} {
		if m := annual.AccrualIn(y); m != attendance.AccrualYearlyFull {
			t.Errorf("annual accrual in %d = %s, want yearly_full", y, m)
		}
	}
	if !annual.UsesAllowance || !annual.CarryOverMax.IsZero() || annual.ExpiryIn(2027) != nil || !annual.Paid {
		t.Errorf("annual = %+v", annual)
	}
	if sick.UsesAllowance || !sick.Paid || unpaid.UsesAllowance || unpaid.Paid {
		t.Errorf("sick = %+v, unpaid = %+v: neither uses an allowance; only unpaid is unpaid", sick, unpaid)
	}
	own := amt("20.5")
	if annual.AllowanceFor(&own) != own || annual.AllowanceFor(nil) != amt("15") {
		t.Errorf("AllowanceFor: an employee's own allowance wins over the type's")
	}
}

func TestNewLeavePolicy(t *testing.T) {
	today := date("2026-06-15")
	code := func(c string) *attendance.LeaveType { v := attendance.LeaveType(c); return &v }
	base := func() attendance.LeavePolicyFields {
		return attendance.LeavePolicyFields{Code: code("study"), Name: ptr("Study leave")}
	}
	with := func(change func(*attendance.LeavePolicyFields)) attendance.LeavePolicyFields {
		f := base()
		change(&f)
		return f
	}
	units := func(u ...attendance.LeaveUnit) *attendance.LeaveUnits { v := attendance.NewLeaveUnits(u...); return &v }
	mode := func(a attendance.Accrual) *attendance.Accrual { return &a }
	days := func(s string) *attendance.Amount { v := amt(s); return &v }
	march31 := attendance.MonthDay{Month: time.March, Day: 31}

	tests := []struct {
		name       string
		f          attendance.LeavePolicyFields
		check      func(t *testing.T, p *attendance.LeavePolicy)
		wantFields []string
	}{
		{name: "defaults", f: base(), check: func(t *testing.T, p *attendance.LeavePolicy) {
			if !p.Paid || !p.UsesAllowance || !p.NeedsApproval || p.Units != attendance.AllLeaveUnits || !p.Allowance.IsZero() ||
				p.AccrualIn(2026) != attendance.AccrualYearly || p.AccrualIn(2025) != attendance.AccrualNone || p.FirstYear != 2026 ||
				!p.CarryOverMax.IsZero() || p.ExpiryIn(2027) != nil || p.BuiltIn || p.Retired {
				t.Errorf("got %+v", p)
			}
		}},
		{name: "monthly with carry-over to 31 March", f: with(func(f *attendance.LeavePolicyFields) {
			f.Allowance, f.Accrual, f.CarryOverMax, f.CarryOverExpires = days("24"), mode(attendance.AccrualMonthly), days("5"), &march31
		}), check: func(t *testing.T, p *attendance.LeavePolicy) {
			if p.AccrualIn(2026) != attendance.AccrualMonthly || p.Allowance != amt("24") || p.CarryOverMax != amt("5") || *p.ExpiryIn(2027) != date("2027-03-31") {
				t.Errorf("got %+v", p)
			}
		}},
		{name: "no allowance defaults to no accrual", f: with(func(f *attendance.LeavePolicyFields) { f.UsesAllowance = ptr(false) }),
			check: func(t *testing.T, p *attendance.LeavePolicy) {
				if p.UsesAllowance || p.AccrualIn(2026) != attendance.AccrualNone {
					t.Errorf("got %+v", p)
				}
			}},
		{name: "hours only, no approval, a past first year", f: with(func(f *attendance.LeavePolicyFields) {
			f.Units, f.NeedsApproval, f.FirstYear = units(attendance.UnitHour), ptr(false), ptr(2024)
		}), check: func(t *testing.T, p *attendance.LeavePolicy) {
			if p.Units.Has(attendance.UnitDay) || !p.Units.Has(attendance.UnitHour) || p.NeedsApproval || p.FirstYear != 2024 || p.AccrualIn(2024) != attendance.AccrualYearly {
				t.Errorf("got %+v", p)
			}
		}},
		{name: "code of 32", f: with(func(f *attendance.LeavePolicyFields) { f.Code = code("a" + strings.Repeat("b_9", 10) + "z") })},
		{name: "allowance 366", f: with(func(f *attendance.LeavePolicyFields) { f.Allowance = days("366") })},

		{name: "missing code and name", f: attendance.LeavePolicyFields{}, wantFields: []string{"body.code", "body.name"}},
		{name: "upper-case code", f: with(func(f *attendance.LeavePolicyFields) { f.Code = code("Study") }), wantFields: []string{"body.code"}},
		{name: "code starting with a digit", f: with(func(f *attendance.LeavePolicyFields) { f.Code = code("1study") }), wantFields: []string{"body.code"}},
		{name: "code with a dash", f: with(func(f *attendance.LeavePolicyFields) { f.Code = code("study-leave") }), wantFields: []string{"body.code"}},
		{name: "code of 33", f: with(func(f *attendance.LeavePolicyFields) { f.Code = code(strings.Repeat("a", 33)) }), wantFields: []string{"body.code"}},
		{name: "empty name", f: with(func(f *attendance.LeavePolicyFields) { f.Name = ptr("") }), wantFields: []string{"body.name"}},
		{name: "name with a line break", f: with(func(f *attendance.LeavePolicyFields) { f.Name = ptr("Study\nleave") }), wantFields: []string{"body.name"}},
		{name: "name of 101 bytes", f: with(func(f *attendance.LeavePolicyFields) { f.Name = ptr(strings.Repeat("n", 101)) }), wantFields: []string{"body.name"}},
		{name: "no units", f: with(func(f *attendance.LeavePolicyFields) { f.Units = units() }), wantFields: []string{"body.units"}},
		{name: "quarter-day allowance", f: with(func(f *attendance.LeavePolicyFields) { f.Allowance = days("12.25") }), wantFields: []string{"body.allowance"}},
		{name: "hourly allowance", f: with(func(f *attendance.LeavePolicyFields) { f.Allowance = days("2/9") }), wantFields: []string{"body.allowance"}},
		{name: "negative allowance", f: with(func(f *attendance.LeavePolicyFields) { f.Allowance = days("-1") }), wantFields: []string{"body.allowance"}},
		{name: "allowance 366.5", f: with(func(f *attendance.LeavePolicyFields) { f.Allowance = days("366.5") }), wantFields: []string{"body.allowance"}},
		{name: "unknown accrual", f: with(func(f *attendance.LeavePolicyFields) { f.Accrual = mode("weekly") }), wantFields: []string{"body.accrual"}},
		{name: "carry-over of a third", f: with(func(f *attendance.LeavePolicyFields) { f.CarryOverMax = days("1/3") }), wantFields: []string{"body.carry_over_max"}},
		{name: "first year 1969", f: with(func(f *attendance.LeavePolicyFields) { f.FirstYear = ptr(1969) }), wantFields: []string{"body.first_year"}},
		{name: "retired at birth", f: with(func(f *attendance.LeavePolicyFields) { f.Retired = ptr(true) }), wantFields: []string{"body.retired"}},
		{name: "an allowance on a type without one", f: with(func(f *attendance.LeavePolicyFields) {
			f.UsesAllowance, f.Allowance, f.Accrual, f.CarryOverMax, f.CarryOverExpires = ptr(false), days("5"), mode(attendance.AccrualMonthly), days("2"), &march31
		}), wantFields: []string{"body.allowance", "body.accrual", "body.carry_over_max", "body.carry_over_expires"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := attendance.NewLeavePolicy(tt.f, today)
			if tt.wantFields != nil {
				checkFields(t, err, tt.wantFields...)
				return
			}
			checkErr(t, err, "", "")
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}

func TestLeavePolicyUpdate(t *testing.T) {
	today := date("2026-06-15")
	mode := func(a attendance.Accrual) *attendance.Accrual { return &a }
	days := func(s string) *attendance.Amount { v := amt(s); return &v }
	annual := func() *attendance.LeavePolicy { p := attendance.BuiltinLeavePolicies(2026)[0]; return &p }
	sick := func() *attendance.LeavePolicy { p := attendance.BuiltinLeavePolicies(2026)[1]; return &p }
	study := func() *attendance.LeavePolicy {
		c := attendance.LeaveType("study")
		p, err := attendance.NewLeavePolicy(attendance.LeavePolicyFields{Code: &c, Name: ptr("Study"), Allowance: days("5")}, today)
		if err != nil {
			panic(err)
		}
		return p
	}
	future := func() *attendance.LeavePolicy {
		c := attendance.LeaveType("sabbatical")
		p, err := attendance.NewLeavePolicy(attendance.LeavePolicyFields{Code: &c, Name: ptr("Sabbatical"), FirstYear: ptr(2029)}, today)
		if err != nil {
			panic(err)
		}
		return p
	}

	tests := []struct {
		name       string
		p          *attendance.LeavePolicy
		f          attendance.LeavePolicyFields
		check      func(t *testing.T, p *attendance.LeavePolicy)
		wantFields []string
	}{
		{name: "annual to monthly from next year", p: annual(), f: attendance.LeavePolicyFields{Accrual: mode(attendance.AccrualMonthly)},
			check: func(t *testing.T, p *attendance.LeavePolicy) {
				got := []attendance.Accrual{p.AccrualIn(2025), p.AccrualIn(2026), p.AccrualIn(2027), p.AccrualIn(2040)}
				want := []attendance.Accrual{attendance.AccrualYearlyFull, attendance.AccrualYearlyFull, attendance.AccrualMonthly, attendance.AccrualMonthly}
				if !slices.Equal(got, want) || p.Accrual != attendance.AccrualMonthly || p.AccrualFromYear != 2027 {
					t.Errorf("accrual 2025, 2026, 2027, 2040 = %v (now %s from %d), want %v", got, p.Accrual, p.AccrualFromYear, want)
				}
			}},
		{name: "a second change the same year replaces the first", p: func() *attendance.LeavePolicy {
			p := annual()
			if err := p.Update(attendance.LeavePolicyFields{Accrual: mode(attendance.AccrualMonthly)}, today); err != nil {
				panic(err)
			}
			return p
		}(), f: attendance.LeavePolicyFields{Accrual: mode(attendance.AccrualYearly)},
			check: func(t *testing.T, p *attendance.LeavePolicy) {
				if len(p.Accruals) != 2 || p.AccrualIn(2027) != attendance.AccrualYearly || p.AccrualIn(2026) != attendance.AccrualYearlyFull {
					t.Errorf("history = %+v", p.Accruals)
				}
			}},
		{name: "changing back to the mode in force removes the change", p: func() *attendance.LeavePolicy {
			p := annual()
			if err := p.Update(attendance.LeavePolicyFields{Accrual: mode(attendance.AccrualMonthly)}, today); err != nil {
				panic(err)
			}
			return p
		}(), f: attendance.LeavePolicyFields{Accrual: mode(attendance.AccrualYearlyFull)},
			check: func(t *testing.T, p *attendance.LeavePolicy) {
				if len(p.Accruals) != 1 || p.AccrualIn(2027) != attendance.AccrualYearlyFull || p.Accrual != attendance.AccrualYearlyFull || p.AccrualFromYear != 1970 {
					t.Errorf("history = %+v, now %s from %d", p.Accruals, p.Accrual, p.AccrualFromYear)
				}
			}},
		{name: "the same mode changes nothing", p: annual(), f: attendance.LeavePolicyFields{Accrual: mode(attendance.AccrualYearlyFull)},
			check: func(t *testing.T, p *attendance.LeavePolicy) {
				if len(p.Accruals) != 1 || p.AccrualFromYear != 1970 {
					t.Errorf("history = %+v", p.Accruals)
				}
			}},
		{name: "a type not yet begun changes from its first year", p: future(), f: attendance.LeavePolicyFields{Accrual: mode(attendance.AccrualMonthly)},
			check: func(t *testing.T, p *attendance.LeavePolicy) {
				if len(p.Accruals) != 1 || p.AccrualIn(2029) != attendance.AccrualMonthly {
					t.Errorf("history = %+v", p.Accruals)
				}
			}},
		{name: "rename, allowance, carry-over", p: study(), f: attendance.LeavePolicyFields{Name: ptr("Study days"), Allowance: days("6.5"), CarryOverMax: days("2")},
			check: func(t *testing.T, p *attendance.LeavePolicy) {
				if p.Name != "Study days" || p.Allowance != amt("6.5") || p.CarryOverMax != amt("2") || p.AccrualIn(2026) != attendance.AccrualYearly {
					t.Errorf("got %+v", p)
				}
			}},
		{name: "retire a type of one's own", p: study(), f: attendance.LeavePolicyFields{Retired: ptr(true)},
			check: func(t *testing.T, p *attendance.LeavePolicy) {
				checkErr(t, p.CheckRequestable(), attendance.KindInvalid, "leave_type_retired")
			}},
		{name: "turning the allowance off keeps its settings", p: study(), f: attendance.LeavePolicyFields{UsesAllowance: ptr(false)},
			check: func(t *testing.T, p *attendance.LeavePolicy) {
				if p.UsesAllowance || p.Allowance != amt("5") {
					t.Errorf("got %+v", p)
				}
			}},
		{name: "sick leave may get an allowance", p: sick(), f: attendance.LeavePolicyFields{UsesAllowance: ptr(true), Allowance: days("10"), Accrual: mode(attendance.AccrualYearly)},
			check: func(t *testing.T, p *attendance.LeavePolicy) {
				if !p.UsesAllowance || p.AccrualIn(2027) != attendance.AccrualYearly || p.AccrualIn(2026) != attendance.AccrualNone {
					t.Errorf("got %+v", p)
				}
			}},
		{name: "the same code is no change", p: study(), f: attendance.LeavePolicyFields{Code: func() *attendance.LeaveType { c := attendance.LeaveType("study"); return &c }()}},

		{name: "another code", p: study(), f: attendance.LeavePolicyFields{Code: func() *attendance.LeaveType { c := attendance.LeaveType("exam"); return &c }()}, wantFields: []string{"body.code"}},
		{name: "another first year", p: study(), f: attendance.LeavePolicyFields{FirstYear: ptr(2020)}, wantFields: []string{"body.first_year"}},
		{name: "retire a built-in type", p: sick(), f: attendance.LeavePolicyFields{Retired: ptr(true)}, wantFields: []string{"body.retired"}},
		{name: "annual leave without an allowance", p: annual(), f: attendance.LeavePolicyFields{UsesAllowance: ptr(false)}, wantFields: []string{"body.uses_allowance"}},
		{name: "unknown accrual", p: study(), f: attendance.LeavePolicyFields{Accrual: mode("fortnightly")}, wantFields: []string{"body.accrual"}},
		{name: "an allowance for sick leave that uses none", p: sick(), f: attendance.LeavePolicyFields{Allowance: days("10")}, wantFields: []string{"body.allowance"}},
		{name: "bad name and allowance together", p: study(), f: attendance.LeavePolicyFields{Name: ptr(""), Allowance: days("0.1")}, wantFields: []string{"body.name", "body.allowance"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := *tt.p
			before.Accruals = slices.Clone(tt.p.Accruals)
			err := tt.p.Update(tt.f, today)
			if tt.wantFields != nil {
				checkFields(t, err, tt.wantFields...)
				if tt.p.Name != before.Name || tt.p.Allowance != before.Allowance || !slices.Equal(tt.p.Accruals, before.Accruals) || tt.p.UsesAllowance != before.UsesAllowance {
					t.Errorf("a refused update changed the type: %+v, was %+v", tt.p, before)
				}
				return
			}
			checkErr(t, err, "", "")
			if tt.check != nil {
				tt.check(t, tt.p)
			}
		})
	}
}

func TestCheckDeleteLeaveType(t *testing.T) {
	annual := attendance.BuiltinLeavePolicies(2026)[0]
	own := attendance.LeavePolicy{Code: "study", Name: "Study"}
	checkErr(t, attendance.CheckDeleteLeaveType(&annual, false), attendance.KindConflict, "built_in")
	checkErr(t, attendance.CheckDeleteLeaveType(&own, true), attendance.KindConflict, "leave_type_in_use")
	checkErr(t, attendance.CheckDeleteLeaveType(&own, false), "", "")
}
