package attendance_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestAccruingMonths(t *testing.T) {
	type tc struct {
		name   string
		hired  string
		months int
		// The yearly grants of 2026, pro-rated, for allowances of 15 and 20
		// days: allowance × months / 12, rounded to the half day, halves up.
		grant15, grant20 string
	}
	tests := []tc{
		{"hired in an earlier year", "2019-07-01", 12, "15", "20"},
		{"hired in a later year", "2027-01-01", 0, "", ""},
		{"hired 31 December the year before", "2025-12-31", 12, "15", "20"},
	}
	// For each hire month: on the 1st and the 15th the month counts, on the
	// 16th and the last day it does not.
	grants15 := []string{"", "1.5", "2.5", "4", "5", "6.5", "7.5", "9", "10", "11.5", "12.5", "14", "15"}       // 15 × n/12: 1.25, 2.5, 3.75, 5, 6.25, …
	grants20 := []string{"", "1.5", "3.5", "5", "6.5", "8.5", "10", "11.5", "13.5", "15", "16.5", "18.5", "20"} // 20 × n/12: 1.67, 3.33, 5, …
	for m := 1; m <= 12; m++ {
		last := attendance.NewDate(2026, time.Month(m)+1, 0).String()
		for _, d := range []struct {
			day    string
			counts bool
		}{{fmt.Sprintf("2026-%02d-01", m), true}, {fmt.Sprintf("2026-%02d-15", m), true}, {fmt.Sprintf("2026-%02d-16", m), false}, {last, false}} {
			n := 12 - m
			if d.counts {
				n++
			}
			tests = append(tests, tc{"hired " + d.day, d.day, n, grants15[n], grants20[n]})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attendance.AccruingMonths(date(tt.hired), 2026); got != tt.months {
				t.Errorf("AccruingMonths(%s, 2026) = %d, want %d", tt.hired, got, tt.months)
			}
			for _, a := range []struct{ allowance, want string }{{"15", tt.grant15}, {"20", tt.grant20}} {
				got, _, ok := attendance.YearGrant(attendance.AccrualYearly, amt(a.allowance), date(tt.hired), 2026)
				if a.want == "" {
					if ok {
						t.Errorf("YearGrant(yearly, %s) = %s, want none", a.allowance, got)
					}
					continue
				}
				if !ok || got != amt(a.want) {
					t.Errorf("YearGrant(yearly, %s) = %s, %v; want %s", a.allowance, got, ok, a.want)
				}
			}
			// yearly_full is never pro-rated.
			if got, _, ok := attendance.YearGrant(attendance.AccrualYearlyFull, amt("15"), date(tt.hired), 2026); !ok || got != amt("15") {
				t.Errorf("YearGrant(yearly_full, 15) = %s, %v; want 15", got, ok)
			}
		})
	}
}

func TestMonthlyCredit(t *testing.T) {
	tests := []struct {
		allowance, credit, unrounded, year string
	}{
		{"12", "1", "1", "12"},
		{"15", "1.5", "5/4", "18"}, // 1.25 rounds up, every month: the ledger says so
		{"18", "1.5", "3/2", "18"},
		{"20", "1.5", "5/3", "18"},
		{"21", "2", "7/4", "24"},
		{"24", "2", "2", "24"},
		{"25", "2", "25/12", "24"},
		{"30", "2.5", "5/2", "30"},
		{"2", "0", "1/6", "0"},
		{"12.5", "1", "25/24", "12"},
		{"366", "30.5", "61/2", "366"},
	}
	for _, tt := range tests {
		credit, unrounded := attendance.MonthlyCredit(amt(tt.allowance))
		if credit != amt(tt.credit) || unrounded != amt(tt.unrounded) || credit.MulFrac(12, 1) != amt(tt.year) {
			t.Errorf("MonthlyCredit(%s) = %s (from %s, %s a year); want %s (from %s, %s a year)",
				tt.allowance, credit, unrounded, credit.MulFrac(12, 1), tt.credit, tt.unrounded, tt.year)
		}
	}
}

func TestCreditedPerYear(t *testing.T) {
	tests := []struct {
		mode            attendance.Accrual
		allowance, want string
	}{
		{attendance.AccrualYearlyFull, "15", "15"},
		{attendance.AccrualYearly, "12.5", "12.5"},
		{attendance.AccrualMonthly, "15", "18"},
		{attendance.AccrualMonthly, "24", "24"},
		{attendance.AccrualMonthly, "20", "18"},
		{attendance.AccrualNone, "15", "0"},
	}
	for _, tt := range tests {
		if got := attendance.CreditedPerYear(tt.mode, amt(tt.allowance)); got != amt(tt.want) {
			t.Errorf("CreditedPerYear(%s, %s) = %s, want %s", tt.mode, tt.allowance, got, tt.want)
		}
	}
}

func TestDueCredits(t *testing.T) {
	monthly15 := policy(attendance.AccrualMonthly, "15", "0", "")
	yearly15 := policy(attendance.AccrualYearly, "15", "0", "")
	full15 := policy(attendance.AccrualYearlyFull, "15", "0", "")
	none := policy(attendance.AccrualNone, "15", "0", "")
	noAllowance := policy(attendance.AccrualYearly, "15", "0", "")
	noAllowance.UsesAllowance = false
	switched := policy(attendance.AccrualYearlyFull, "15", "0", "")
	switched.Accruals = append(switched.Accruals, attendance.AccrualPeriod{FromYear: 2027, Accrual: attendance.AccrualMonthly})
	deactivated := func(d string) *attendance.Date { v := date(d); return &v }

	type credit struct{ period, date, amount string }
	months := func(from, to int, d1 string, amount string) []credit {
		var out []credit
		for m := from; m <= to; m++ {
			d := fmt.Sprintf("2026-%02d-01", m)
			if m == from && d1 != "" {
				d = d1
			}
			out = append(out, credit{fmt.Sprintf("2026-%02d", m), d, amount})
		}
		return out
	}
	tests := []struct {
		name      string
		p         *attendance.LeavePolicy
		allowance string
		hired     string
		until     *attendance.Date
		year      int
		today     string
		want      []credit
	}{
		{name: "monthly: before the year", p: monthly15, allowance: "15", hired: "2020-01-01", year: 2026, today: "2025-12-31"},
		{name: "monthly: 1 January", p: monthly15, allowance: "15", hired: "2020-01-01", year: 2026, today: "2026-01-01", want: months(1, 1, "", "1.5")},
		{name: "monthly: 31 March", p: monthly15, allowance: "15", hired: "2020-01-01", year: 2026, today: "2026-03-31", want: months(1, 3, "", "1.5")},
		{name: "monthly: the whole year", p: monthly15, allowance: "15", hired: "2020-01-01", year: 2026, today: "2026-12-31", want: months(1, 12, "", "1.5")},
		{name: "monthly: a later year catches up", p: monthly15, allowance: "15", hired: "2020-01-01", year: 2026, today: "2028-02-01", want: months(1, 12, "", "1.5")},
		{name: "monthly: 24 days", p: monthly15, allowance: "24", hired: "2020-01-01", year: 2026, today: "2026-12-31", want: months(1, 12, "", "2")},
		{name: "monthly: hired 10 March", p: monthly15, allowance: "15", hired: "2026-03-10", year: 2026, today: "2026-05-20", want: months(3, 5, "2026-03-10", "1.5")},
		{name: "monthly: hired 10 March, on the day", p: monthly15, allowance: "15", hired: "2026-03-10", year: 2026, today: "2026-03-10", want: months(3, 3, "2026-03-10", "1.5")},
		{name: "monthly: hired 16 March", p: monthly15, allowance: "15", hired: "2026-03-16", year: 2026, today: "2026-05-20", want: months(4, 5, "", "1.5")},
		{name: "monthly: hired 16 March, in March", p: monthly15, allowance: "15", hired: "2026-03-16", year: 2026, today: "2026-03-31"},
		{name: "monthly: left 30 June", p: monthly15, allowance: "15", hired: "2020-01-01", until: deactivated("2026-06-30"), year: 2026, today: "2026-12-31", want: months(1, 6, "", "1.5")},
		{name: "monthly: left 1 July", p: monthly15, allowance: "15", hired: "2020-01-01", until: deactivated("2026-07-01"), year: 2026, today: "2026-12-31", want: months(1, 7, "", "1.5")},
		{name: "monthly: left the year before", p: monthly15, allowance: "15", hired: "2020-01-01", until: deactivated("2025-12-31"), year: 2026, today: "2026-12-31"},
		{name: "monthly: 2 days round to 0, stated", p: monthly15, allowance: "2", hired: "2020-01-01", year: 2026, today: "2026-02-01", want: months(1, 2, "", "0")},
		{name: "yearly: 1 January", p: yearly15, allowance: "15", hired: "2020-01-01", year: 2026, today: "2026-01-01", want: []credit{{"2026", "2026-01-01", "15"}}},
		{name: "yearly: known in December for next year", p: yearly15, allowance: "15", hired: "2020-01-01", year: 2026, today: "2025-12-10", want: []credit{{"2026", "2026-01-01", "15"}}},
		{name: "yearly: hire year pro-rated", p: yearly15, allowance: "15", hired: "2026-06-10", year: 2026, today: "2026-06-10", want: []credit{{"2026", "2026-06-10", "9"}}},
		{name: "yearly: before the hire year", p: yearly15, allowance: "15", hired: "2026-06-10", year: 2025, today: "2026-06-10"},
		{name: "yearly: hired 16 December", p: yearly15, allowance: "15", hired: "2026-12-16", year: 2026, today: "2026-12-16"},
		{name: "yearly: left during the year keeps the grant", p: yearly15, allowance: "15", hired: "2020-01-01", until: deactivated("2026-03-31"), year: 2026, today: "2026-12-31", want: []credit{{"2026", "2026-01-01", "15"}}},
		{name: "yearly_full: the hire year in full", p: full15, allowance: "15", hired: "2026-06-10", year: 2026, today: "2026-06-10", want: []credit{{"2026", "2026-01-01", "15"}}},
		{name: "yearly_full: before the hire year too", p: full15, allowance: "20.5", hired: "2026-06-10", year: 2024, today: "2026-06-10", want: []credit{{"2024", "2024-01-01", "20.5"}}},
		{name: "the mode of each year: 2026", p: switched, allowance: "15", hired: "2020-01-01", year: 2026, today: "2027-02-01", want: []credit{{"2026", "2026-01-01", "15"}}},
		{name: "the mode of each year: 2027", p: switched, allowance: "15", hired: "2020-01-01", year: 2027, today: "2027-02-01", want: []credit{{"2027-01", "2027-01-01", "1.5"}, {"2027-02", "2027-02-01", "1.5"}}},
		{name: "before the type's accrual", p: monthly15, allowance: "15", hired: "2010-01-01", year: 2019, today: "2026-01-01"},
		{name: "no accrual", p: none, allowance: "15", hired: "2020-01-01", year: 2026, today: "2026-12-31"},
		{name: "no allowance used", p: noAllowance, allowance: "15", hired: "2020-01-01", year: 2026, today: "2026-12-31"},
		{name: "an allowance of 0", p: yearly15, allowance: "0", hired: "2020-01-01", year: 2026, today: "2026-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attendance.DueCredits(tt.p, amt(tt.allowance), date(tt.hired), tt.until, tt.year, date(tt.today))
			var gotC []credit
			for _, e := range got {
				if e.LeaveType != tt.p.Code || e.Year != tt.year || (e.Kind != attendance.EntryGrant && e.Kind != attendance.EntryAccrual) {
					t.Errorf("entry %+v: want a grant or accrual of %s in %d", e, tt.p.Code, tt.year)
				}
				gotC = append(gotC, credit{e.Period, e.Date.String(), e.Amount.Decimal()})
			}
			if fmt.Sprint(gotC) != fmt.Sprint(tt.want) {
				t.Errorf("DueCredits =\n%v\nwant\n%v", gotC, tt.want)
			}
		})
	}
}

func TestDueCreditsStateTheRounding(t *testing.T) {
	got := attendance.DueCredits(policy(attendance.AccrualMonthly, "15", "0", ""), amt("15"), date("2020-01-01"), nil, 2026, date("2026-03-01"))
	if len(got) != 3 {
		t.Fatalf("got %d credits, want 3", len(got))
	}
	march := got[2]
	if march.Unrounded == nil || *march.Unrounded != amt("5/4") {
		t.Errorf("Unrounded = %v, want 5/4", march.Unrounded)
	}
	if want := "Accrual for March 2026: 15 ÷ 12 = 1.25, rounded to the half day: 1.5 days."; march.Note != want {
		t.Errorf("Note = %q, want %q", march.Note, want)
	}
	grant := attendance.DueCredits(policy(attendance.AccrualYearly, "20", "0", ""), amt("20"), date("2026-06-10"), nil, 2026, date("2026-06-10"))
	if want := "The 2026 allowance for 7 months from June 2026: 20 × 7/12 = about 11.67, rounded to the half day: 11.5 days."; len(grant) != 1 || grant[0].Note != want {
		t.Errorf("grant = %+v, want the note %q", grant, want)
	}
	if grant[0].Unrounded == nil || *grant[0].Unrounded != amt("35/3") {
		t.Errorf("Unrounded = %v, want 35/3", grant[0].Unrounded)
	}
	whole := attendance.DueCredits(policy(attendance.AccrualMonthly, "24", "0", ""), amt("24"), date("2020-01-01"), nil, 2026, date("2026-01-01"))
	if len(whole) != 1 || whole[0].Unrounded != nil {
		t.Errorf("a credit that needs no rounding has Unrounded %v, want nil", whole[0].Unrounded)
	}
}

func TestGrantChange(t *testing.T) {
	yearly := policy(attendance.AccrualYearly, "15", "0", "")
	monthly := policy(attendance.AccrualMonthly, "15", "0", "")
	tests := []struct {
		name            string
		p               *attendance.LeavePolicy
		due, recorded   string
		want            string // "" for none
		wantNoteContain string
	}{
		{name: "raised", p: yearly, due: "20", recorded: "15", want: "5", wantNoteContain: "now 20 days (was 15 days)"},
		{name: "lowered", p: yearly, due: "12.5", recorded: "15", want: "-2.5"},
		{name: "raised twice: from what is recorded", p: yearly, due: "25", recorded: "20", want: "5"},
		{name: "unchanged", p: yearly, due: "15", recorded: "15"},
		{name: "no longer due", p: yearly, due: "0", recorded: "15", want: "-15"},
		{name: "monthly months stand", p: monthly, due: "20", recorded: "15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := attendance.GrantChange(tt.p, 2026, amt(tt.due), amt(tt.recorded), date("2026-06-15"))
			if tt.want == "" {
				if ok {
					t.Errorf("GrantChange = %+v, want none", got)
				}
				return
			}
			if !ok || got.Amount != amt(tt.want) || got.Kind != attendance.EntryGrantChange || got.Year != 2026 || got.Date != date("2026-06-15") {
				t.Errorf("GrantChange = %+v, %v; want a grant change of %s on 2026-06-15", got, ok, tt.want)
			}
			if !strings.Contains(got.Note, tt.wantNoteContain) {
				t.Errorf("Note = %q, want it to contain %q", got.Note, tt.wantNoteContain)
			}
		})
	}
}

func TestLatePenaltyEntry(t *testing.T) {
	tests := []struct {
		name                        string
		lateMinutes, penaltyMinutes int
		booked                      string
		want                        string // "" for none
	}{
		{name: "policy off, nothing booked", lateMinutes: 5000, penaltyMinutes: 0, booked: "0"},
		{name: "below a day", lateMinutes: 479, penaltyMinutes: 480, booked: "0"},
		{name: "the first day", lateMinutes: 480, penaltyMinutes: 480, booked: "0", want: "-1"},
		{name: "the second day", lateMinutes: 965, penaltyMinutes: 480, booked: "-1", want: "-1"},
		{name: "two at once (a backfilled day)", lateMinutes: 1000, penaltyMinutes: 480, booked: "0", want: "-2"},
		{name: "already booked", lateMinutes: 1000, penaltyMinutes: 480, booked: "-2"},
		{name: "a void gives a day back", lateMinutes: 900, penaltyMinutes: 480, booked: "-2", want: "1"},
		{name: "the policy turned off gives every day back", lateMinutes: 1000, penaltyMinutes: 0, booked: "-2", want: "2"},
		{name: "the policy made stricter", lateMinutes: 1000, penaltyMinutes: 240, booked: "-2", want: "-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := attendance.LatePenaltyEntry(2026, tt.lateMinutes, tt.penaltyMinutes, amt(tt.booked), date("2026-06-15"))
			if tt.want == "" {
				if ok {
					t.Errorf("LatePenaltyEntry = %+v, want none", got)
				}
				return
			}
			if !ok || got.Amount != amt(tt.want) || got.Kind != attendance.EntryLatePenalty || got.LeaveType != attendance.LeaveAnnual || got.Year != 2026 {
				t.Errorf("LatePenaltyEntry = %+v, %v; want an annual late penalty of %s", got, ok, tt.want)
			}
			// After it, the booked penalty is what the contract's formula says.
			if after := amt(tt.booked).Add(got.Amount).Neg(); after.Float64() != attendance.LatePenaltyDays(tt.lateMinutes, tt.penaltyMinutes) {
				t.Errorf("booked after = %s, want LatePenaltyDays = %v", after, attendance.LatePenaltyDays(tt.lateMinutes, tt.penaltyMinutes))
			}
		})
	}
}

func TestCarryOver(t *testing.T) {
	capped := policy(attendance.AccrualYearly, "15", "5", "")
	expiring := policy(attendance.AccrualYearly, "15", "5", "03-31")
	wide := policy(attendance.AccrualYearly, "15", "20", "")
	nothing := policy(attendance.AccrualYearly, "15", "0", "")
	late := policy(attendance.AccrualYearly, "15", "5", "")
	late.FirstYear = 2027
	grant := entry(attendance.EntryGrant, "2026-01-01", "15")
	tests := []struct {
		name    string
		p       *attendance.LeavePolicy
		entries []attendance.LedgerEntry
		pending []attendance.Reservation
		today   string
		want    string // carried; "" for none
	}{
		{name: "the cap", p: capped, entries: []attendance.LedgerEntry{grant, entry(attendance.EntryTaken, "2026-05-04", "-8")}, today: "2027-01-01", want: "5"},
		{name: "less than the cap", p: capped, entries: []attendance.LedgerEntry{grant, entry(attendance.EntryTaken, "2026-05-04", "-12")}, today: "2027-01-01", want: "3"},
		{name: "a late catch-up carries the same", p: capped, entries: []attendance.LedgerEntry{grant, entry(attendance.EntryTaken, "2026-05-04", "-12")}, today: "2027-03-05", want: "3"},
		{name: "an hourly residue, exactly", p: wide, entries: []attendance.LedgerEntry{grant, entry(attendance.EntryTaken, "2026-05-04", "-2/9")}, today: "2027-01-01", want: "133/9"},
		{name: "pending requests keep what they reserve", p: capped, entries: []attendance.LedgerEntry{grant, entry(attendance.EntryTaken, "2026-05-04", "-8")},
			pending: []attendance.Reservation{{LeaveRequestID: 7, Start: date("2026-12-28"), Cost: amt("4")}}, today: "2027-01-01", want: "3"},
		{name: "a late penalty and an adjustment count", p: capped, entries: []attendance.LedgerEntry{grant, entry(attendance.EntryTaken, "2026-05-04", "-10"),
			entry(attendance.EntryLatePenalty, "2026-09-01", "-1"), entry(attendance.EntryAdjustment, "2026-10-01", "0.5")}, today: "2027-01-01", want: "4.5"},
		{name: "carried days that expired unrecorded do not carry again", p: expiring, entries: []attendance.LedgerEntry{grant, entry(attendance.EntryCarryOverIn, "2026-01-01", "5"),
			entry(attendance.EntryTaken, "2026-06-01", "-14")}, today: "2027-01-01", want: "1"},
		{name: "nothing left", p: capped, entries: []attendance.LedgerEntry{grant, entry(attendance.EntryTaken, "2026-05-04", "-15")}, today: "2027-01-01"},
		{name: "overdrawn", p: capped, entries: []attendance.LedgerEntry{grant, entry(attendance.EntryTaken, "2026-05-04", "-15"), entry(attendance.EntryLatePenalty, "2026-09-01", "-1")}, today: "2027-01-01"},
		{name: "not before the new year", p: capped, entries: []attendance.LedgerEntry{grant}, today: "2026-12-31"},
		{name: "no carry-over", p: nothing, entries: []attendance.LedgerEntry{grant}, today: "2027-01-01"},
		{name: "a year before the type's first", p: late, entries: []attendance.LedgerEntry{grant}, today: "2027-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := attendance.NewTypeBalance(tt.p, 1, 2026, tt.entries, tt.pending)
			out, in, ok := attendance.CarryOver(tt.p, b, date(tt.today))
			if tt.want == "" {
				if ok {
					t.Errorf("CarryOver = %s, want none", in.Amount)
				}
				return
			}
			if !ok || in.Amount != amt(tt.want) || out.Amount != amt(tt.want).Neg() {
				t.Fatalf("CarryOver = out %s, in %s, %v; want %s", out.Amount, in.Amount, ok, tt.want)
			}
			if out.Kind != attendance.EntryCarryOverOut || out.Year != 2026 || out.Date != date("2026-12-31") || out.Period != "2026" ||
				in.Kind != attendance.EntryCarryOverIn || in.Year != 2027 || in.Date != date("2027-01-01") || in.Period != "2027" {
				t.Errorf("out = %+v, in = %+v", out, in)
			}
			// One entry leaves the old year as the other enters the new.
			after := attendance.NewTypeBalance(tt.p, 1, 2026, append(tt.entries, out), tt.pending)
			if got, want := *after.Remaining, b.Remaining.Sub(in.Amount); got != want {
				t.Errorf("2026 remaining after = %s, want %s", got, want)
			}
		})
	}
}

func TestCarryOverExpiry(t *testing.T) {
	expiring := policy(attendance.AccrualYearly, "15", "5", "03-31")
	never := policy(attendance.AccrualYearly, "15", "5", "")
	in := entry(attendance.EntryCarryOverIn, "2027-01-01", "5")
	grant := entry(attendance.EntryGrant, "2027-01-01", "15")
	tests := []struct {
		name    string
		p       *attendance.LeavePolicy
		entries []attendance.LedgerEntry
		pending []attendance.Reservation
		today   string
		want    string // expired (negative); "" for no entry
	}{
		{name: "nothing taken", p: expiring, entries: []attendance.LedgerEntry{in, grant}, today: "2027-04-01", want: "-5"},
		{name: "some taken in the window", p: expiring, entries: []attendance.LedgerEntry{in, grant, entry(attendance.EntryTaken, "2027-02-10", "-3")}, today: "2027-04-01", want: "-2"},
		{name: "taken on the expiry date", p: expiring, entries: []attendance.LedgerEntry{in, grant, entry(attendance.EntryTaken, "2027-03-31", "-1")}, today: "2027-04-01", want: "-4"},
		{name: "all taken: an entry of 0 says so", p: expiring, entries: []attendance.LedgerEntry{in, grant, entry(attendance.EntryTaken, "2027-02-10", "-6")}, today: "2027-04-01", want: "0"},
		{name: "taken after the window", p: expiring, entries: []attendance.LedgerEntry{in, grant, entry(attendance.EntryTaken, "2027-04-01", "-3")}, today: "2027-04-02", want: "-5"},
		{name: "taken and returned", p: expiring, entries: []attendance.LedgerEntry{in, grant, entry(attendance.EntryTaken, "2027-02-10", "-3"), entry(attendance.EntryReturned, "2027-02-10", "3")}, today: "2027-04-01", want: "-5"},
		{name: "hours in the window", p: expiring, entries: []attendance.LedgerEntry{in, grant, entry(attendance.EntryTaken, "2027-02-10", "-2/9")}, today: "2027-04-01", want: "-43/9"},
		{name: "a pending request does not take carried days", p: expiring, entries: []attendance.LedgerEntry{in, grant},
			pending: []attendance.Reservation{{LeaveRequestID: 9, Start: date("2027-03-02"), Cost: amt("2")}}, today: "2027-04-01", want: "-5"},
		{name: "late catch-up", p: expiring, entries: []attendance.LedgerEntry{in, grant, entry(attendance.EntryTaken, "2027-02-10", "-3")}, today: "2027-09-01", want: "-2"},
		{name: "on the expiry date itself", p: expiring, entries: []attendance.LedgerEntry{in, grant}, today: "2027-03-31"},
		{name: "already recorded", p: expiring, entries: []attendance.LedgerEntry{in, grant, entry(attendance.EntryCarryOverExpired, "2027-03-31", "-5")}, today: "2027-04-01"},
		{name: "never expires", p: never, entries: []attendance.LedgerEntry{in, grant}, today: "2027-12-31"},
		{name: "nothing carried", p: expiring, entries: []attendance.LedgerEntry{grant}, today: "2027-04-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := attendance.NewTypeBalance(tt.p, 1, 2027, tt.entries, tt.pending)
			got, ok := attendance.CarryOverExpiry(b, date(tt.today))
			if tt.want == "" {
				if ok {
					t.Errorf("CarryOverExpiry = %+v, want none", got)
				}
				return
			}
			if !ok || got.Amount != amt(tt.want) || got.Kind != attendance.EntryCarryOverExpired || got.Date != date("2027-03-31") || got.Period != "2027" {
				t.Fatalf("CarryOverExpiry = %+v, %v; want %s on 2027-03-31", got, ok, tt.want)
			}
			after := attendance.NewTypeBalance(tt.p, 1, 2027, append(tt.entries, got), tt.pending)
			if !after.CarryOverLeft.IsZero() || after.CarryOverExpiresOn != nil {
				t.Errorf("after the expiry: %s left, expiring on %v; want nothing", after.CarryOverLeft, after.CarryOverExpiresOn)
			}
			if _, again := attendance.CarryOverExpiry(after, date(tt.today)); again {
				t.Errorf("the expiry is due again once recorded")
			}
		})
	}
	if got := attendance.NewTypeBalance(expiring, 1, 2027, []attendance.LedgerEntry{in, grant, entry(attendance.EntryTaken, "2027-02-10", "-3")}, nil); got.CarryOverLeft != amt("2") || *got.CarryOverExpiresOn != date("2027-03-31") {
		t.Errorf("before expiry: %s left, expiring on %v; want 2 on 2027-03-31", got.CarryOverLeft, got.CarryOverExpiresOn)
	}
}

func TestDueEntries(t *testing.T) {
	p := policy(attendance.AccrualMonthly, "24", "5", "03-31")
	p.FirstYear = 2025
	yearly := policy(attendance.AccrualYearly, "15", "5", "")
	yearly.FirstYear = 2025
	annual := annualPolicy()
	type row struct{ year, kind, period, amount string }
	rows := func(es []attendance.LedgerEntry) []row {
		var out []row
		for _, e := range es {
			out = append(out, row{fmt.Sprint(e.Year), string(e.Kind), e.Period, e.Amount.String()})
		}
		return out
	}
	months := func(year, from, to int, amount string) []row {
		var out []row
		for m := from; m <= to; m++ {
			out = append(out, row{fmt.Sprint(year), "accrual", fmt.Sprintf("%d-%02d", year, m), amount})
		}
		return out
	}
	cat := func(parts ...[]row) []row {
		var out []row
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	// A complete 2025: twelve months of 2 days, 10 taken in July.
	year2025 := func() []attendance.LedgerEntry {
		var es []attendance.LedgerEntry
		for m := 1; m <= 12; m++ {
			e := entry(attendance.EntryAccrual, fmt.Sprintf("2025-%02d-01", m), "2")
			e.Period = fmt.Sprintf("2025-%02d", m)
			es = append(es, e)
		}
		return append(es, entry(attendance.EntryTaken, "2025-07-07", "-10"))
	}
	tests := []struct {
		name     string
		p        *attendance.LeavePolicy
		year     int
		today    string
		recorded []attendance.LedgerEntry
		pending  []attendance.Reservation
		want     []row
	}{
		{name: "a worker down since 2024 catches up in order", p: p, year: 2026, today: "2026-04-15",
			want: cat(months(2025, 1, 12, "2"), []row{{"2025", "carry_over_out", "2025", "-5"}, {"2026", "carry_over_in", "2026", "5"}},
				months(2026, 1, 4, "2"), []row{{"2026", "carry_over_expired", "2026", "-5"}})},
		{name: "only what is missing", p: p, year: 2026, today: "2026-02-01", recorded: year2025(),
			want: cat([]row{{"2025", "carry_over_out", "2025", "-5"}, {"2026", "carry_over_in", "2026", "5"}}, months(2026, 1, 2, "2"))},
		{name: "less than the cap remains", p: p, year: 2026, today: "2026-01-01", recorded: append(year2025(), entry(attendance.EntryTaken, "2025-11-02", "-11.5")),
			want: cat([]row{{"2025", "carry_over_out", "2025", "-5/2"}, {"2026", "carry_over_in", "2026", "5/2"}}, months(2026, 1, 1, "2"))},
		{name: "carried days taken in February", p: p, year: 2026, today: "2026-04-01",
			recorded: append(year2025(), entry(attendance.EntryTaken, "2026-02-09", "-3")),
			want:     cat([]row{{"2025", "carry_over_out", "2025", "-5"}, {"2026", "carry_over_in", "2026", "5"}}, months(2026, 1, 4, "2"), []row{{"2026", "carry_over_expired", "2026", "-2"}})},
		{name: "nothing twice", p: p, year: 2026, today: "2026-04-15", recorded: func() []attendance.LedgerEntry {
			rec := year2025()
			return append(rec, attendance.DueEntries(p, amt("24"), date("2020-01-01"), nil, 2026, date("2026-04-15"), rec, nil)...)
		}()},
		{name: "next year's grant in December, nothing carried yet", p: yearly, year: 2026, today: "2025-12-10",
			want: []row{{"2026", "grant", "2026", "15"}}},
		{name: "the grant on 1 January after the carry-over", p: yearly, year: 2026, today: "2026-01-01",
			want: []row{{"2025", "grant", "2025", "15"}, {"2025", "carry_over_out", "2025", "-5"}, {"2026", "carry_over_in", "2026", "5"}, {"2026", "grant", "2026", "15"}}},
		{name: "pending requests of the old year keep their days", p: yearly, year: 2026, today: "2026-01-01",
			pending: []attendance.Reservation{{LeaveRequestID: 4, Start: date("2025-12-29"), Cost: amt("12")}},
			want:    []row{{"2025", "grant", "2025", "15"}, {"2025", "carry_over_out", "2025", "-3"}, {"2026", "carry_over_in", "2026", "3"}, {"2026", "grant", "2026", "15"}}},
		{name: "annual leave before the ledger: the contract's allowance, unwritten", p: annual, year: 2024, today: "2026-06-15",
			want: []row{{"2024", "grant", "2024", "15"}}},
		{name: "sick leave: nothing", p: &attendance.BuiltinLeavePolicies(2026)[1], year: 2026, today: "2026-06-15"},
		{name: "a retired type: nothing more", p: func() *attendance.LeavePolicy { r := *yearly; r.Retired = true; return &r }(), year: 2026, today: "2026-06-15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			allowance := amt("24")
			if tt.p.Allowance != amt("24") {
				allowance = tt.p.Allowance
			}
			got := attendance.DueEntries(tt.p, allowance, date("2020-01-01"), nil, tt.year, date(tt.today), tt.recorded, tt.pending)
			if fmt.Sprint(rows(got)) != fmt.Sprint(tt.want) {
				t.Errorf("DueEntries =\n%v\nwant\n%v", rows(got), tt.want)
			}
			again := attendance.DueEntries(tt.p, allowance, date("2020-01-01"), nil, tt.year, date(tt.today), append(tt.recorded, got...), tt.pending)
			if len(again) != 0 {
				t.Errorf("once written, still due: %v", rows(again))
			}
		})
	}
}
