package attendance_test

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/openattendance/attendance"
)

// policy returns a leave type "study" that uses an allowance, with accrual
// mode from 2020 on, carrying over at most carryMax days that expire on
// expires ("" for never).
func policy(mode attendance.Accrual, allowance, carryMax, expires string) *attendance.LeavePolicy {
	p := &attendance.LeavePolicy{Code: "study", Name: "Study leave", UsesAllowance: true, NeedsApproval: true, Units: attendance.AllLeaveUnits,
		Allowance: amt(allowance), Accrual: mode, AccrualFromYear: 2020, Accruals: []attendance.AccrualPeriod{{FromYear: 2020, Accrual: mode}},
		CarryOverMax: amt(carryMax), FirstYear: 2020}
	if expires != "" {
		md, err := attendance.ParseMonthDay(expires)
		if err != nil {
			panic(err)
		}
		p.CarryOverExpires = md
	}
	return p
}

// entry is a ledger entry of the "study" type, of the year of its date.
func entry(kind attendance.EntryKind, d string, amount string) attendance.LedgerEntry {
	day := date(d)
	return attendance.LedgerEntry{LeaveType: "study", Year: day.Year(), Kind: kind, Date: day, Amount: amt(amount)}
}

// legacyLedger returns the annual ledger of 2026 that the migration makes of
// the contract's figures: the grant of the allowance, the approved days
// taken, the days lost to lateness; and the pending days as one reservation.
func legacyLedger(allowance, used, pending float64, lateMinutes, penaltyMinutes int) ([]attendance.LedgerEntry, []attendance.Reservation) {
	f := func(v float64) attendance.Amount {
		a, ok := attendance.AmountFromFloat(v)
		if !ok {
			panic(v)
		}
		return a
	}
	entries := []attendance.LedgerEntry{{LeaveType: attendance.LeaveAnnual, Year: 2026, Kind: attendance.EntryGrant, Date: date("2026-01-01"), Amount: f(allowance)}}
	if used != 0 {
		entries = append(entries, attendance.LedgerEntry{LeaveType: attendance.LeaveAnnual, Year: 2026, Kind: attendance.EntryTaken, Date: date("2026-03-02"), Amount: f(-used)})
	}
	if days := attendance.LatePenaltyDays(lateMinutes, penaltyMinutes); days != 0 {
		entries = append(entries, attendance.LedgerEntry{LeaveType: attendance.LeaveAnnual, Year: 2026, Kind: attendance.EntryLatePenalty, Date: date("2026-05-04"), Amount: f(-days)})
	}
	var res []attendance.Reservation
	if pending != 0 {
		res = append(res, attendance.Reservation{LeaveRequestID: 1, Start: date("2026-08-03"), Cost: f(pending)})
	}
	return entries, res
}

func annualPolicy() *attendance.LeavePolicy {
	p := attendance.BuiltinLeavePolicies(2026)[0]
	return &p
}

// TestTypeBalanceIsTheContractBalance checks that the ledger gives annual
// leave the contract's five numbers, and its two checks, exactly as
// NewBalance did from the requests: the migration changes no balance.
func TestTypeBalanceIsTheContractBalance(t *testing.T) {
	tests := []struct {
		name                  string
		allowance, used, pend float64
		lateMinutes, penalty  int
		days                  float64 // a request's cost, for the two checks
	}{
		{name: "untouched", allowance: 15, days: 15},
		{name: "untouched, one more", allowance: 15, days: 15.5},
		{name: "used and pending", allowance: 15, used: 5, pend: 2, days: 8},
		{name: "used and pending, half a day more", allowance: 15, used: 5, pend: 2, days: 8.5},
		{name: "half days", allowance: 15, used: 4.5, pend: 0.5, days: 10},
		{name: "late penalty", allowance: 15, used: 5, pend: 2, lateMinutes: 480, penalty: 480, days: 7},
		{name: "late penalty in whole days", allowance: 15, lateMinutes: 1000, penalty: 480, days: 13},
		{name: "late minutes with the policy off", allowance: 15, lateMinutes: 100000, days: 15},
		{name: "everything used", allowance: 15, used: 15, days: 0.5},
		{name: "allowance lowered below what is pending", allowance: 5, used: 3, pend: 4, days: 0.5},
		{name: "allowance lowered below used", allowance: 5, used: 6, days: 0.5},
		{name: "pending do not count on approval", allowance: 15, used: 10, pend: 12, days: 5},
		{name: "no allowance", allowance: 0, days: 0.5},
		{name: "half-day allowance", allowance: 12.5, used: 0.5, days: 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, pending := legacyLedger(tt.allowance, tt.used, tt.pend, tt.lateMinutes, tt.penalty)
			b := attendance.NewTypeBalance(annualPolicy(), 42, 2026, entries, pending)
			want := attendance.NewBalance(42, 2026, tt.allowance, tt.used, tt.pend, tt.lateMinutes, tt.penalty)
			if got := b.Legacy(); got != want {
				t.Errorf("Legacy() = %+v, want %+v", got, want)
			}
			cost, _ := attendance.AmountFromFloat(tt.days)
			start := date("2026-09-07")
			if got, want := attendance.ErrorCode(b.CheckRequest(cost, start)), attendance.ErrorCode(want.CheckRequest(tt.days)); got != want {
				t.Errorf("CheckRequest(%v) = %q, NewBalance's = %q", tt.days, got, want)
			}
			if got, want := attendance.ErrorCode(b.CheckApproval(cost, start)), attendance.ErrorCode(want.CheckApproval(tt.days)); got != want {
				t.Errorf("CheckApproval(%v) = %q, NewBalance's = %q", tt.days, got, want)
			}
		})
	}
}

func TestNewTypeBalance(t *testing.T) {
	carry := policy(attendance.AccrualMonthly, "24", "5", "03-31")
	sick := &attendance.BuiltinLeavePolicies(2026)[1]
	sickEntry := func(kind attendance.EntryKind, d, a string) attendance.LedgerEntry {
		e := entry(kind, d, a)
		e.LeaveType = attendance.LeaveSick
		return e
	}
	tests := []struct {
		name    string
		p       *attendance.LeavePolicy
		year    int
		entries []attendance.LedgerEntry
		pending []attendance.Reservation
		check   func(t *testing.T, b attendance.TypeBalance)
	}{
		{name: "two hours of a nine-hour day", p: policy(attendance.AccrualYearly, "15", "0", ""), year: 2026,
			entries: []attendance.LedgerEntry{entry(attendance.EntryGrant, "2026-01-01", "15"), entry(attendance.EntryTaken, "2026-06-15", "-2/9")},
			check: func(t *testing.T, b attendance.TypeBalance) {
				if *b.Remaining != amt("133/9") || *b.RemainingExact != "133/9" || b.Used != amt("2/9") || b.Legacy().Remaining != 14.78 || b.Legacy().Used != 0.22 {
					t.Errorf("got %+v", b)
				}
			}},
		{name: "nine times two hours is two days", p: policy(attendance.AccrualYearly, "15", "0", ""), year: 2026,
			entries: func() []attendance.LedgerEntry {
				es := []attendance.LedgerEntry{entry(attendance.EntryGrant, "2026-01-01", "15")}
				for i := 0; i < 9; i++ {
					es = append(es, entry(attendance.EntryTaken, "2026-06-15", "-2/9"))
				}
				return es
			}(),
			check: func(t *testing.T, b attendance.TypeBalance) {
				if *b.Remaining != amt("13") || b.Used != amt("2") {
					t.Errorf("remaining %s, used %s; want 13 and 2, exactly", b.Remaining, b.Used)
				}
			}},
		{name: "every kind in its place", p: carry, year: 2027, entries: []attendance.LedgerEntry{
			entry(attendance.EntryCarryOverIn, "2027-01-01", "5"),
			entry(attendance.EntryAccrual, "2027-01-01", "2"), entry(attendance.EntryAccrual, "2027-02-01", "2"),
			entry(attendance.EntryGrantChange, "2027-02-10", "0.5"),
			entry(attendance.EntryTaken, "2027-02-15", "-3"), entry(attendance.EntryTaken, "2027-05-03", "-1"), entry(attendance.EntryReturned, "2027-05-03", "1"),
			entry(attendance.EntryLatePenalty, "2027-02-20", "-1"),
			entry(attendance.EntryAdjustment, "2027-02-21", "-0.25"),
			entry(attendance.EntryGrant, "2026-01-01", "99"), // another year
		}, pending: []attendance.Reservation{{LeaveRequestID: 3, Start: date("2027-07-01"), Cost: amt("1")}, {LeaveRequestID: 4, Start: date("2026-12-01"), Cost: amt("7")}},
			check: func(t *testing.T, b attendance.TypeBalance) {
				got := []attendance.Amount{b.Allowance, b.Used, b.Pending, b.LatePenalty, *b.Remaining, b.Granted, b.Adjusted, b.CarriedIn, b.CarriedOut, b.Expired, b.CarryOverLeft, b.Ledger()}
				want := []attendance.Amount{amt("9.25"), amt("3"), amt("1"), amt("1"), amt("4.25"), amt("4.5"), amt("-0.25"), amt("5"), amt("0"), amt("0"), amt("2"), amt("5.25")}
				for i := range got {
					if got[i] != want[i] {
						t.Errorf("allowance, used, pending, penalty, remaining, granted, adjusted, carried in, out, expired, left, ledger =\n%v\nwant\n%v", got, want)
						break
					}
				}
				if b.CarryOverExpiresOn == nil || *b.CarryOverExpiresOn != date("2027-03-31") {
					t.Errorf("CarryOverExpiresOn = %v", b.CarryOverExpiresOn)
				}
				if r := b.Legacy(); r.Remaining != r.Allowance-r.Used-r.Pending-r.LatePenalty {
					t.Errorf("remaining %v != allowance - used - pending - late penalty (%+v)", r.Remaining, r)
				}
			}},
		{name: "sick leave: no remaining, days taken still counted", p: sick, year: 2026,
			entries: []attendance.LedgerEntry{sickEntry(attendance.EntryTaken, "2026-02-02", "-2"), sickEntry(attendance.EntryTaken, "2026-03-02", "-1/2")},
			pending: []attendance.Reservation{{LeaveRequestID: 5, Start: date("2026-04-01"), Cost: amt("1")}},
			check: func(t *testing.T, b attendance.TypeBalance) {
				if b.Remaining != nil || b.RemainingExact != nil || b.Used != amt("2.5") || b.Pending != amt("1") || b.UsesAllowance {
					t.Errorf("got %+v", b)
				}
				b2, _ := json.Marshal(b)
				if !strings.Contains(string(b2), `"remaining":null`) || !strings.Contains(string(b2), `"used":2.5`) {
					t.Errorf("JSON = %s", b2)
				}
				checkErr(t, b.CheckRequest(amt("100"), date("2026-05-04")), "", "")
				checkErr(t, b.CheckApproval(amt("100"), date("2026-05-04")), "", "")
			}},
		{name: "carried days that never expire are taken first", p: policy(attendance.AccrualYearly, "15", "5", ""), year: 2027,
			entries: []attendance.LedgerEntry{entry(attendance.EntryCarryOverIn, "2027-01-01", "5"), entry(attendance.EntryGrant, "2027-01-01", "15"), entry(attendance.EntryTaken, "2027-08-02", "-3")},
			check: func(t *testing.T, b attendance.TypeBalance) {
				if b.CarryOverLeft != amt("2") || b.CarryOverExpiresOn != nil || *b.Remaining != amt("17") {
					t.Errorf("got %+v", b)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, attendance.NewTypeBalance(tt.p, 1, tt.year, tt.entries, tt.pending))
		})
	}
}

func TestTypeBalanceChecks(t *testing.T) {
	expiring := policy(attendance.AccrualYearly, "15", "5", "03-31")
	never := policy(attendance.AccrualYearly, "15", "5", "")
	base := []attendance.LedgerEntry{entry(attendance.EntryCarryOverIn, "2027-01-01", "5"), entry(attendance.EntryGrant, "2027-01-01", "15")}
	with := func(es ...attendance.LedgerEntry) []attendance.LedgerEntry {
		return append(append([]attendance.LedgerEntry{}, base...), es...)
	}
	pend := func(d, cost string) attendance.Reservation {
		return attendance.Reservation{LeaveRequestID: 1, Start: date(d), Cost: amt(cost)}
	}
	tests := []struct {
		name         string
		p            *attendance.LeavePolicy
		entries      []attendance.LedgerEntry
		pending      []attendance.Reservation
		cost, start  string
		wantRequest  bool // fits as a new request
		wantApproval bool // fits on approval
	}{
		{name: "20 days in February use the carried ones", p: expiring, entries: base, cost: "20", start: "2027-02-01", wantRequest: true, wantApproval: true},
		{name: "20 days in June cannot: 5 expire first", p: expiring, entries: base, cost: "20", start: "2027-06-01"},
		{name: "15 days in June", p: expiring, entries: base, cost: "15", start: "2027-06-01", wantRequest: true, wantApproval: true},
		{name: "a day in March beside 15 pending in June", p: expiring, entries: base, pending: []attendance.Reservation{pend("2027-06-01", "15")}, cost: "1", start: "2027-03-31", wantRequest: true, wantApproval: true},
		{name: "a day in June beside 15 pending in June", p: expiring, entries: base, pending: []attendance.Reservation{pend("2027-06-01", "15")}, cost: "1", start: "2027-06-14", wantApproval: true},
		{name: "17 in June after 3 pending in February", p: expiring, entries: base, pending: []attendance.Reservation{pend("2027-02-01", "3")}, cost: "17", start: "2027-06-01"},
		{name: "15 in June after 3 pending in February", p: expiring, entries: base, pending: []attendance.Reservation{pend("2027-02-01", "3")}, cost: "15", start: "2027-06-01", wantRequest: true, wantApproval: true},
		{name: "17 in June after 3 taken in February", p: expiring, entries: with(entry(attendance.EntryTaken, "2027-02-01", "-3")), cost: "17", start: "2027-06-01"},
		{name: "15 in June after 3 taken in February", p: expiring, entries: with(entry(attendance.EntryTaken, "2027-02-01", "-3")), cost: "15", start: "2027-06-01", wantRequest: true, wantApproval: true},
		{name: "after the expiry is recorded", p: expiring, entries: with(entry(attendance.EntryTaken, "2027-02-01", "-3"), entry(attendance.EntryCarryOverExpired, "2027-03-31", "-2")), cost: "15", start: "2027-06-01", wantRequest: true, wantApproval: true},
		{name: "after the expiry is recorded, one more", p: expiring, entries: with(entry(attendance.EntryTaken, "2027-02-01", "-3"), entry(attendance.EntryCarryOverExpired, "2027-03-31", "-2")), cost: "15.5", start: "2027-02-01"},
		{name: "carried days that never expire", p: never, entries: base, cost: "20", start: "2027-12-01", wantRequest: true, wantApproval: true},
		{name: "two hours too many", p: never, entries: base, pending: []attendance.Reservation{pend("2027-05-03", "20")}, cost: "2/9", start: "2027-12-01", wantApproval: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := attendance.NewTypeBalance(tt.p, 1, 2027, tt.entries, tt.pending)
			check := func(what string, err error, want bool) {
				t.Helper()
				if want {
					if err != nil {
						t.Errorf("%s: %v, want it to fit", what, err)
					}
					return
				}
				checkErr(t, err, attendance.KindInvalid, "insufficient_balance")
			}
			check("CheckRequest", b.CheckRequest(amt(tt.cost), date(tt.start)), tt.wantRequest)
			check("CheckApproval", b.CheckApproval(amt(tt.cost), date(tt.start)), tt.wantApproval)
		})
	}
	b := attendance.NewTypeBalance(expiring, 1, 2027, base, nil)
	err := b.CheckRequest(amt("20"), date("2027-06-01"))
	if err == nil || !strings.Contains(err.Error(), "only 15 days remain in 2027 after the carried-over days expire on 2027-03-31") {
		t.Errorf("the refusal says %v; want it to name the expiry", err)
	}
}

func TestTypeBalanceCheckSpan(t *testing.T) {
	expiring := policy(attendance.AccrualYearly, "15", "5", "03-31")
	carried := []attendance.LedgerEntry{entry(attendance.EntryCarryOverIn, "2027-01-01", "5"), entry(attendance.EntryGrant, "2027-01-01", "15")}
	tests := []struct {
		name       string
		p          *attendance.LeavePolicy
		entries    []attendance.LedgerEntry
		start, end string
		wantErr    bool
	}{
		{name: "across the expiry", p: expiring, entries: carried, start: "2027-03-29", end: "2027-04-02", wantErr: true},
		{name: "up to the expiry", p: expiring, entries: carried, start: "2027-03-29", end: "2027-03-31"},
		{name: "from the day after", p: expiring, entries: carried, start: "2027-04-01", end: "2027-04-02"},
		{name: "nothing carried", p: expiring, entries: carried[1:], start: "2027-03-29", end: "2027-04-02"},
		{name: "never expires", p: policy(attendance.AccrualYearly, "15", "5", ""), entries: carried, start: "2027-03-29", end: "2027-04-02"},
		{name: "expiry recorded", p: expiring, entries: append(carried[:2:2], entry(attendance.EntryCarryOverExpired, "2027-03-31", "-5")), start: "2027-03-29", end: "2027-04-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := attendance.NewTypeBalance(tt.p, 1, 2027, tt.entries, nil).CheckSpan(date(tt.start), date(tt.end))
			if tt.wantErr {
				checkFields(t, err, "body.end_date")
				return
			}
			checkErr(t, err, "", "")
		})
	}
}

// TestPendingNeverExceedTheBalance makes random requests against a balance
// with expiring carried days, keeping those CheckRequest accepts, then
// approves them all, in a random order: every approval must pass
// CheckApproval and the balance must end at or above zero after the carried
// days expire. Requests that fit when made can all be approved.
func TestPendingNeverExceedTheBalance(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 751))
	p := policy(attendance.AccrualYearly, "15", "5", "03-31")
	costs := []string{"1", "2", "3", "5", "1/2", "2/9", "1/4", "7/9"}
	for round := range 300 {
		entries := []attendance.LedgerEntry{entry(attendance.EntryGrant, "2027-01-01", "15")}
		if round%3 != 0 {
			entries = append(entries, entry(attendance.EntryCarryOverIn, "2027-01-01", "5"))
		}
		if round%5 == 0 {
			entries = append(entries, entry(attendance.EntryTaken, "2027-01-11", "-2"))
		}
		var pending []attendance.Reservation
		for i := range 40 {
			r := attendance.Reservation{LeaveRequestID: int64(i), Start: date("2027-01-04").AddDays(rng.IntN(300)), Cost: amt(costs[rng.IntN(len(costs))])}
			if attendance.NewTypeBalance(p, 1, 2027, entries, pending).CheckRequest(r.Cost, r.Start) == nil {
				pending = append(pending, r)
			}
		}
		rng.Shuffle(len(pending), func(i, j int) { pending[i], pending[j] = pending[j], pending[i] })
		for len(pending) > 0 {
			r := pending[0]
			pending = pending[1:]
			b := attendance.NewTypeBalance(p, 1, 2027, entries, append(pending, r))
			if err := b.CheckApproval(r.Cost, r.Start); err != nil {
				t.Fatalf("round %d: approving %s from %s: %v (balance %+v)", round, r.Cost, r.Start, err, b)
			}
			entries = append(entries, attendance.LedgerEntry{LeaveType: "study", Year: 2027, Kind: attendance.EntryTaken, Date: r.Start, Amount: r.Cost.Neg()})
		}
		// What is left of the carried days expires on 31 March.
		final := attendance.NewTypeBalance(p, 1, 2027, entries, nil)
		if after := final.Remaining.Sub(final.CarryOverLeft); after.Sign() < 0 {
			t.Fatalf("round %d: the balance ends at %s", round, after)
		}
	}
}

func TestExplain(t *testing.T) {
	entries := []attendance.LedgerEntry{
		entry(attendance.EntryGrant, "2026-01-01", "15"),
		entry(attendance.EntryTaken, "2026-03-02", "-2/9"),
		entry(attendance.EntryTaken, "2026-03-03", "-2/9"),
		entry(attendance.EntryLatePenalty, "2026-04-01", "-1"),
		entry(attendance.EntryAdjustment, "2026-04-02", "4/9"),
	}
	u := amt("5/4")
	entries[0].Unrounded = &u
	attendance.Explain(entries)
	want := []struct{ amount, balance, exact, balanceExact string }{
		{"15", "15", "15", "15"},
		{"-0.22", "14.78", "-2/9", "133/9"},
		{"-0.22", "14.56", "-2/9", "131/9"},
		{"-1", "13.56", "-1", "122/9"},
		{"0.44", "14", "4/9", "14"},
	}
	for i, w := range want {
		e := entries[i]
		if e.Amount.Decimal() != w.amount || e.Balance.Decimal() != w.balance || e.AmountExact != w.exact || e.BalanceExact != w.balanceExact {
			t.Errorf("entry %d: %s (%s) leaving %s (%s); want %s (%s) leaving %s (%s)", i, e.Amount.Decimal(), e.AmountExact, e.Balance.Decimal(), e.BalanceExact, w.amount, w.exact, w.balance, w.balanceExact)
		}
	}
	if entries[0].UnroundedExact == nil || *entries[0].UnroundedExact != "5/4" || entries[1].UnroundedExact != nil {
		t.Errorf("UnroundedExact = %v, %v; want 5/4 and nil", entries[0].UnroundedExact, entries[1].UnroundedExact)
	}
	b, err := json.Marshal(entries[1])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id":null`, `"kind":"taken"`, `"amount":-0.22`, `"amount_exact":"-2/9"`, `"balance":14.78`, `"balance_exact":"133/9"`, `"date":"2026-03-02"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
	entries[1].ID = 7
	if b, _ := json.Marshal(entries[1]); !strings.Contains(string(b), `"id":7`) {
		t.Errorf("JSON %s lacks the id", b)
	}
}

func TestAdjustmentInput(t *testing.T) {
	ok := attendance.AdjustmentInput{EmployeeID: 3, LeaveType: attendance.LeaveAnnual, Year: 2026, Days: amt("1.5"), Note: "Moved from the old system"}
	with := func(change func(*attendance.AdjustmentInput)) attendance.AdjustmentInput {
		in := ok
		change(&in)
		return in
	}
	tests := []struct {
		name       string
		in         attendance.AdjustmentInput
		wantFields []string
	}{
		{name: "a day and a half", in: ok},
		{name: "a negative fraction evens out hours", in: with(func(in *attendance.AdjustmentInput) { in.Days = amt("-2/9") })},
		{name: "366 back", in: with(func(in *attendance.AdjustmentInput) { in.Days = amt("-366") })},
		{name: "zero", in: with(func(in *attendance.AdjustmentInput) { in.Days = amt("0") }), wantFields: []string{"body.days"}},
		{name: "too many", in: with(func(in *attendance.AdjustmentInput) { in.Days = amt("366.5") }), wantFields: []string{"body.days"}},
		{name: "no note", in: with(func(in *attendance.AdjustmentInput) { in.Note = "" }), wantFields: []string{"body.note"}},
		{name: "a note too long", in: with(func(in *attendance.AdjustmentInput) { in.Note = strings.Repeat("n", 2001) }), wantFields: []string{"body.note"}},
		{name: "a note with a NUL", in: with(func(in *attendance.AdjustmentInput) { in.Note = "a\x00" }), wantFields: []string{"body.note"}},
		{name: "a year out of range", in: with(func(in *attendance.AdjustmentInput) { in.Year = 1969 }), wantFields: []string{"body.year"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			if tt.wantFields != nil {
				checkFields(t, err, tt.wantFields...)
				return
			}
			checkErr(t, err, "", "")
		})
	}
}

func TestCheckAdjuster(t *testing.T) {
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	manager := attendance.Actor{ID: 2, Role: attendance.RoleManager}
	tests := []struct {
		name     string
		a        attendance.Actor
		employee int64
		others   int
		wantKind attendance.Kind
		wantCode string
	}{
		{"an admin, someone else", admin, 5, 1, "", ""},
		{"an admin, their own, another admin above or beside", admin, 1, 1, attendance.KindForbidden, "own_balance"},
		{"the only admin, their own", admin, 1, 0, "", ""},
		{"a manager", manager, 5, 1, attendance.KindForbidden, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, attendance.CheckAdjuster(tt.a, tt.employee, tt.others), tt.wantKind, tt.wantCode)
		})
	}
}

func TestPreviewRequest(t *testing.T) {
	p := policy(attendance.AccrualYearly, "15", "5", "03-31")
	sick := &attendance.BuiltinLeavePolicies(2026)[1]
	fresh := attendance.NewTypeBalance(p, 1, 2027, []attendance.LedgerEntry{entry(attendance.EntryGrant, "2027-01-01", "15")}, nil)
	carried := attendance.NewTypeBalance(p, 1, 2027, []attendance.LedgerEntry{entry(attendance.EntryGrant, "2027-01-01", "15"), entry(attendance.EntryCarryOverIn, "2027-01-01", "5")}, nil)
	sStart, sEnd := shiftSpan(berlin, "2027-06-14", "08:00", "17:00")
	h, err := attendance.HoursOnShift(sStart, sEnd, berlin, hm("08:00"), hm("10:00"))
	if err != nil {
		t.Fatal(err)
	}
	twoHours := attendance.LeaveCharge{Unit: attendance.UnitHour, Days: amt("2/9"), Minutes: 120, DayMinutes: 540, Hours: &h}
	days := func(n string) attendance.LeaveCharge {
		return attendance.LeaveCharge{Unit: attendance.UnitDay, Days: amt(n)}
	}
	tests := []struct {
		name       string
		p          *attendance.LeavePolicy
		charge     attendance.LeaveCharge
		b          attendance.TypeBalance
		start, end string
		overlap    bool
		wantCode   string
		wantAfter  string // "" for none
	}{
		{name: "two hours", p: p, charge: twoHours, b: fresh, start: "2027-06-14", end: "2027-06-14", wantAfter: "133/9"},
		{name: "the whole balance", p: p, charge: days("15"), b: fresh, start: "2027-06-01", end: "2027-06-21", wantAfter: "0"},
		{name: "too much", p: p, charge: days("16"), b: fresh, start: "2027-06-01", end: "2027-06-22", wantCode: "insufficient_balance", wantAfter: "-1"},
		{name: "an overlap comes first", p: p, charge: days("16"), b: fresh, start: "2027-06-01", end: "2027-06-22", overlap: true, wantCode: "overlap", wantAfter: "-1"},
		{name: "across the expiry", p: p, charge: days("3"), b: carried, start: "2027-03-30", end: "2027-04-01", wantCode: "invalid", wantAfter: "17"},
		{name: "sick leave", p: sick, charge: days("30"), b: attendance.NewTypeBalance(sick, 1, 2027, nil, nil), start: "2027-06-01", end: "2027-07-12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attendance.PreviewRequest(tt.p, tt.charge, tt.b, date(tt.start), date(tt.end), tt.overlap)
			if got.OK != (tt.wantCode == "") || got.Code != tt.wantCode || (got.Code != "") != (got.Detail != "") {
				t.Errorf("ok %v, code %q, detail %q; want code %q", got.OK, got.Code, got.Detail, tt.wantCode)
			}
			if tt.wantAfter == "" {
				if got.RemainingAfter != nil {
					t.Errorf("RemainingAfter = %s, want none", got.RemainingAfter)
				}
			} else if got.RemainingAfter == nil || *got.RemainingAfter != amt(tt.wantAfter) {
				t.Errorf("RemainingAfter = %v, want %s", got.RemainingAfter, tt.wantAfter)
			}
			if got.Days != tt.charge.Days || got.DaysExact != tt.charge.Days.String() || got.LeaveType != tt.p.Code || got.NeedsApproval != tt.p.NeedsApproval {
				t.Errorf("got %+v", got)
			}
		})
	}
	got := attendance.PreviewRequest(p, twoHours, fresh, date("2027-06-14"), date("2027-06-14"), false)
	b, _ := json.Marshal(got)
	for _, want := range []string{`"unit":"hour"`, `"days":0.22`, `"days_exact":"2/9"`, `"minutes":120`, `"day_minutes":540`,
		`"start_at":"2027-06-14T06:00:00Z"`, `"end_at":"2027-06-14T08:00:00Z"`, `"remaining_after":14.78`, `"ok":true`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
}

func TestTypeBalanceMarkLow(t *testing.T) {
	amount := func(s string) *attendance.Amount {
		a, err := attendance.ParseAmount(s)
		if err != nil {
			t.Fatal(err)
		}
		return &a
	}
	for _, tt := range []struct {
		name      string
		typ       attendance.LeaveType
		remaining *attendance.Amount
		threshold float64
		want      bool
	}{
		{"above", attendance.LeaveAnnual, amount("3.5"), 3, false},
		{"at", attendance.LeaveAnnual, amount("3"), 3, true},
		{"below", attendance.LeaveAnnual, amount("0.5"), 3, true},
		{"overdrawn", attendance.LeaveAnnual, amount("-1"), 0, true},
		{"threshold 0, none left", attendance.LeaveAnnual, amount("0"), 0, true},
		{"another type with an allowance", attendance.LeaveType("toil"), amount("1"), 3, false},
		{"a type without an allowance", attendance.LeaveSick, nil, 3, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := attendance.TypeBalance{LeaveType: tt.typ, Remaining: tt.remaining}
			b.MarkLow(tt.threshold)
			if b.Low != tt.want {
				t.Errorf("Low = %v, want %v", b.Low, tt.want)
			}
		})
	}
}
