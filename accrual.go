package attendance

import (
	"fmt"
	"time"
)

// firstAccruingMonth returns the first month of year that accrues for
// someone hired on hiredOn: January after the hire year; in the hire year
// the hire month when hired on or before the 15th, else the month after;
// 13 when no month of year accrues (hired in a later year, or after 15
// December).
func firstAccruingMonth(hiredOn Date, year int) int {
	hy := hiredOn.Year()
	switch {
	case hy < year:
		return 1
	case hy > year:
		return 13
	}
	_, m, d := hiredOn.utc().Date()
	if d <= 15 {
		return int(m)
	}
	return int(m) + 1
}

// AccruingMonths returns how many months of year accrue for someone hired on
// hiredOn: 12 after the hire year, 0 before it; in the hire year, the months
// after the hire month, and the hire month itself when hired on or before
// the 15th.
func AccruingMonths(hiredOn Date, year int) int { return 13 - firstAccruingMonth(hiredOn, year) }

// YearGrant returns the grant of a yearly accrual mode for year: the whole
// allowance for yearly_full (every year, never pro-rated); for yearly,
// allowance × accruing months ÷ 12, rounded once to the half day, halves up.
// unrounded is the amount before rounding; ok is false when nothing is
// granted (another mode, or no month accrues).
func YearGrant(mode Accrual, allowance Amount, hiredOn Date, year int) (grant, unrounded Amount, ok bool) {
	switch mode {
	case AccrualYearlyFull:
		return allowance, allowance, true
	case AccrualYearly:
		months := AccruingMonths(hiredOn, year)
		if months == 0 {
			return Amount{}, Amount{}, false
		}
		exact := allowance.MulFrac(int64(months), 12)
		return exact.RoundHalfDay(), exact, true
	}
	return Amount{}, Amount{}, false
}

// MonthlyCredit returns the credit of one month under monthly accrual:
// allowance ÷ 12, rounded to the half day, halves up, and the amount before
// rounding. Each credit is rounded on its own, so the credits of a year add
// up to the allowance only when it is a multiple of 6 days (15 days a year
// credit 1.5 a month: 18 days); the ledger states every rounding.
func MonthlyCredit(allowance Amount) (credit, unrounded Amount) {
	exact := allowance.MulFrac(1, 12)
	return exact.RoundHalfDay(), exact
}

// CreditedPerYear returns what a whole year of accrual mode credits for an
// allowance: the allowance for the yearly modes, twelve rounded credits for
// monthly (18 days for 15), nothing for none. The leave type's page shows it
// beside the allowance, so that the rounding is seen before it is chosen.
func CreditedPerYear(mode Accrual, allowance Amount) Amount {
	switch mode {
	case AccrualYearlyFull, AccrualYearly:
		return allowance
	case AccrualMonthly:
		credit, _ := MonthlyCredit(allowance)
		return credit.MulFrac(12, 1)
	}
	return Amount{}
}

// DueCredits returns the credits of leave type p that the rules give an
// employee in year as of their local date today: allowance is theirs (see
// LeavePolicy.AllowanceFor), hiredOn their hiring date, until their last
// date of employment (nil while employed).
//
//   - yearly_full: the allowance, dated 1 January, for any year.
//   - yearly: the allowance pro-rated in the hire year (YearGrant), dated 1
//     January or the hiring date in the hire year; known in advance, so a
//     request for next year's leave in December can count on it.
//   - monthly: MonthlyCredit for each month that accrues, dated its 1st (the
//     hiring date for the hire month), once that date has come and not for a
//     month that starts after the last date of employment.
//   - none, and types that use no allowance: nothing.
//
// Nothing is due for a year that starts after the last date of employment,
// nor when the allowance is 0. A credit rounded to 0 is still due: its entry
// states the rounding. Each credit's Period makes it unique, so writing the
// due credits again (another worker, a retry, a catch-up) adds nothing.
func DueCredits(p *LeavePolicy, allowance Amount, hiredOn Date, until *Date, year int, today Date) []LedgerEntry {
	first, _ := YearBounds(year)
	if !p.UsesAllowance || allowance.Sign() <= 0 || (until != nil && *until < first) {
		return nil
	}
	mode := p.AccrualIn(year)
	entry := func(kind EntryKind, period string, d Date, amount, unrounded Amount, note string) LedgerEntry {
		e := LedgerEntry{LeaveType: p.Code, Year: year, Kind: kind, Date: d, Amount: amount, Period: period, Note: note}
		if unrounded != amount {
			u := unrounded
			e.Unrounded = &u
		}
		return e
	}
	switch mode {
	case AccrualYearlyFull, AccrualYearly:
		grant, exact, ok := YearGrant(mode, allowance, hiredOn, year)
		if !ok {
			return nil
		}
		d := first
		note := fmt.Sprintf("The %d allowance: %s.", year, daysText(allowance))
		if mode == AccrualYearly && hiredOn.Year() == year {
			d = hiredOn
			months := AccruingMonths(hiredOn, year)
			note = fmt.Sprintf("The %d allowance for %s from %s: %s × %d/12 = %s, rounded to the half day: %s.",
				year, monthsText(months), monthName(13-months, year), allowance.Decimal(), months, approx(exact), daysText(grant))
		}
		return []LedgerEntry{entry(EntryGrant, fmt.Sprintf("%04d", year), d, grant, exact, note)}
	case AccrualMonthly:
		credit, exact := MonthlyCredit(allowance)
		var out []LedgerEntry
		for m := firstAccruingMonth(hiredOn, year); m <= 12; m++ {
			start := NewDate(year, time.Month(m), 1)
			d := max(start, hiredOn)
			if d > today || (until != nil && start > *until) {
				break
			}
			note := fmt.Sprintf("Accrual for %s: %s ÷ 12 = %s, rounded to the half day: %s.",
				monthName(m, year), allowance.Decimal(), approx(exact), daysText(credit))
			out = append(out, entry(EntryAccrual, fmt.Sprintf("%04d-%02d", year, m), d, credit, exact, note))
		}
		return out
	}
	return nil
}

// GrantChange returns the entry that brings a year's recorded grant (the sum
// of its grant and grant_change entries) to what the rules give now, after
// the allowance changed: due is DueCredits' grant for that year (zero when
// none is due any more). ok is false when they agree, and for monthly
// accrual, whose recorded months stand (the next ones use the new
// allowance). The store writes it for the current year and every later year
// whose grant is recorded; a grant not yet recorded simply comes with the
// new allowance.
func GrantChange(p *LeavePolicy, year int, due, recorded Amount, today Date) (LedgerEntry, bool) {
	mode := p.AccrualIn(year)
	if (mode != AccrualYearlyFull && mode != AccrualYearly) || due == recorded {
		return LedgerEntry{}, false
	}
	first, _ := YearBounds(year)
	return LedgerEntry{LeaveType: p.Code, Year: year, Kind: EntryGrantChange, Date: max(first, today), Amount: due.Sub(recorded),
		Note: fmt.Sprintf("The allowance changed: the %d grant is now %s (was %s).", year, daysText(due), daysText(recorded))}, true
}

// LatePenaltyEntry returns the entry that brings the late penalties recorded
// in year (booked, the sum of its late_penalty entries, zero or negative) to
// what the policy gives for the year's late minutes: one whole day per
// penaltyMinutes (LatePenaltyDays). It is negative when a day is lost, and
// positive when a correction or a void lowers the late minutes below a
// day's worth. ok is false when they agree (the policy off and nothing
// booked, say). The store writes it in the transaction that judges a past
// day's lateness again and in the late_penalties job's runs; reads add it as
// due meanwhile, so the balance always says what today's formula says.
func LatePenaltyEntry(year, lateMinutes, penaltyMinutes int, booked Amount, on Date) (LedgerEntry, bool) {
	days := LatePenaltyDays(lateMinutes, penaltyMinutes)
	due := WholeDays(-int64(days))
	if due == booked {
		return LedgerEntry{}, false
	}
	note := fmt.Sprintf("%d late minutes in %d at one day per %d minutes: %s lost to lateness.", max(lateMinutes, 0), year, penaltyMinutes, daysText(due.Neg()))
	if penaltyMinutes <= 0 {
		note = fmt.Sprintf("The late-penalty policy is off: the days lost to lateness in %d are given back.", year)
	}
	return LedgerEntry{LeaveType: LeaveAnnual, Year: year, Kind: EntryLatePenalty, Date: on, Amount: due.Sub(booked), Note: note}, true
}

// CarryOver returns the two entries that move the unused days of from, a
// balance of p in year Y, into year Y+1, once the employee's date today is
// in Y+1 or later: at most p.CarryOverMax of what remains of Y (its ledger
// minus its pending requests, which keep what they reserve), out of Y on 31
// December and into Y+1 on 1 January. ok is false when p carries nothing
// over, Y is before p's first year, or nothing remains.
func CarryOver(p *LeavePolicy, from TypeBalance, today Date) (out, in LedgerEntry, ok bool) {
	y := from.Year
	if !p.UsesAllowance || p.CarryOverMax.Sign() <= 0 || y < p.FirstYear || today.Year() <= y || from.Remaining == nil {
		return LedgerEntry{}, LedgerEntry{}, false
	}
	// Days carried into Y that expired in Y are not unused, even if their
	// expiry is not recorded yet.
	unused := from.Remaining.Sub(from.expiring(from.takenInWindow))
	if unused.Sign() <= 0 {
		return LedgerEntry{}, LedgerEntry{}, false
	}
	amount := MinAmount(p.CarryOverMax, unused)
	note := fmt.Sprintf("%s of %s unused in %d carried into %d (at most %s).", daysText(amount), approx(unused), y, y+1, daysText(p.CarryOverMax))
	if e := p.ExpiryIn(y + 1); e != nil {
		note += fmt.Sprintf(" Taken first; what is left expires after %s.", *e)
	}
	_, last := YearBounds(y)
	first, _ := YearBounds(y + 1)
	out = LedgerEntry{LeaveType: p.Code, Year: y, Kind: EntryCarryOverOut, Date: last, Amount: amount.Neg(), Period: fmt.Sprintf("%04d", y), Note: note}
	in = LedgerEntry{LeaveType: p.Code, Year: y + 1, Kind: EntryCarryOverIn, Date: first, Amount: amount, Period: fmt.Sprintf("%04d", y+1), Note: note}
	return out, in, true
}

// CarryOverExpiry returns the entry by which the carried days of b (a
// balance of p) that no leave dated on or before the expiry date has taken
// expire, once the employee's date today is after that date. The carried
// days are taken first, by approved leave only: a request still pending then
// draws on the year's other days when approved. When every carried day was
// taken the entry is 0 and says so. ok is false before the date, when
// nothing was carried, when carried days never expire, and once recorded.
func CarryOverExpiry(b TypeBalance, today Date) (LedgerEntry, bool) {
	if !b.window || today <= b.windowEnd {
		return LedgerEntry{}, false
	}
	left := b.expiring(b.takenInWindow)
	taken := b.carried.Sub(left)
	note := fmt.Sprintf("%s carried over, %s taken by %s: %s expired.", daysText(b.carried), approx(taken), b.windowEnd, daysText(left))
	return LedgerEntry{LeaveType: b.LeaveType, Year: b.Year, Kind: EntryCarryOverExpired, Date: b.windowEnd, Amount: left.Neg(),
		Period: fmt.Sprintf("%04d", b.Year), Note: note}, true
}

// approx writes an amount as shown, with "about " when that is not exact.
func approx(a Amount) string {
	if NewAmount(a.Hundredths(), 100) == a {
		return a.Decimal()
	}
	return "about " + a.Decimal()
}

func monthsText(n int) string {
	if n == 1 {
		return "1 month"
	}
	return fmt.Sprintf("%d months", n)
}

func monthName(m, year int) string { return fmt.Sprintf("%s %d", time.Month(m), year) }

// DueEntries returns, in the order to write them, the entries the rules
// give an employee's balance of p up to year as of their local date today
// that recorded (their recorded entries of p, of any years) does not hold,
// matched by year, kind and period: for each year from p's first on whose
// year-end has come, its missing credits, the expiry of the days carried
// into it, and the carry-over into the next year; then year's own missing
// credits and, once due, the expiry of the days carried into it. pending
// are the employee's pending requests of p.
//
// It is the one answer to "what should the ledger hold": the jobs write
// what it returns (and the unique periods make a second writer add
// nothing), a request or approval writes it before checking the balance,
// and a read adds it to the recorded entries unwritten, so that a balance
// reads the same before and after a job has run. A year ahead (a request for
// next year's leave in December) gets its yearly grant, which is known in
// advance, and nothing carried yet. A retired type, or one that uses no
// allowance, is due nothing: its ledger holds what was written, the leave
// taken and returned, and admins' adjustments. allowance, hiredOn and until
// are as for DueCredits.
func DueEntries(p *LeavePolicy, allowance Amount, hiredOn Date, until *Date, year int, today Date, recorded []LedgerEntry, pending []Reservation) []LedgerEntry {
	if !p.UsesAllowance || p.Retired {
		return nil
	}
	type key struct {
		year   int
		kind   EntryKind
		period string
	}
	have := map[key]bool{}
	byYear := map[int][]LedgerEntry{}
	for _, e := range recorded {
		if e.LeaveType != p.Code {
			continue
		}
		byYear[e.Year] = append(byYear[e.Year], e)
		if e.Period != "" {
			have[key{e.Year, e.Kind, e.Period}] = true
		}
	}
	var out []LedgerEntry
	add := func(e LedgerEntry) {
		k := key{e.Year, e.Kind, e.Period}
		if have[k] {
			return
		}
		have[k] = true
		out = append(out, e)
		byYear[e.Year] = append(byYear[e.Year], e)
	}
	closeYear := func(y int) {
		for _, e := range DueCredits(p, allowance, hiredOn, until, y, today) {
			add(e)
		}
		if e, ok := CarryOverExpiry(NewTypeBalance(p, 0, y, byYear[y], pending), today); ok {
			add(e)
		}
	}
	// Carry-over chains the years: each needs the one before it closed.
	if p.CarryOverMax.Sign() > 0 {
		for y := p.FirstYear; y < year && y < today.Year(); y++ {
			closeYear(y)
			if o, i, ok := CarryOver(p, NewTypeBalance(p, 0, y, byYear[y], pending), today); ok && !have[key{i.Year, i.Kind, i.Period}] {
				add(o)
				add(i)
			}
		}
	}
	closeYear(year)
	return out
}
