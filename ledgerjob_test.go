package attendance_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestNextRunAt(t *testing.T) {
	now := utc("2026-06-15 12:00")
	tests := []struct {
		name string
		last *time.Time
		want time.Time
	}{
		{"never ran", nil, now},
		{"ran 10 minutes ago", ptr(utc("2026-06-15 11:50")), utc("2026-06-15 12:50")},
		{"ran exactly an hour ago", ptr(utc("2026-06-15 11:00")), now},
		{"down for two days", ptr(utc("2026-06-13 09:00")), now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attendance.NextRunAt(time.Hour, tt.last, now); !got.Equal(tt.want) {
				t.Errorf("NextRunAt = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestJobRunCount(t *testing.T) {
	var r attendance.JobRun
	for _, k := range []attendance.EntryKind{attendance.EntryAccrual, attendance.EntryAccrual, attendance.EntryCarryOverIn} {
		r.Count(attendance.LedgerEntry{Kind: k})
	}
	b, _ := json.Marshal(r.Written)
	if string(b) != `{"accrual":2,"carry_over_in":1}` {
		t.Errorf("Written = %s", b)
	}
	if !attendance.JobLeaveLedger.Valid() || !attendance.JobLatePenalties.Valid() || attendance.LedgerJob("accrual").Valid() {
		t.Errorf("Valid is wrong")
	}
}

func TestLedgerDueBetween(t *testing.T) {
	monthly := policy(attendance.AccrualMonthly, "12", "5", "03-31")
	yearly := policy(attendance.AccrualYearlyFull, "20", "5", "03-31")
	never := policy(attendance.AccrualYearly, "20", "5", "")
	retired := policy(attendance.AccrualMonthly, "12", "0", "")
	retired.Retired = true
	hired := date("2020-01-01")
	tests := []struct {
		name     string
		p        *attendance.LeavePolicy
		hiredOn  attendance.Date
		from, to string
		want     bool
	}{
		{"the same date", monthly, hired, "2026-06-01", "2026-06-01", false},
		{"the date before", monthly, hired, "2026-06-02", "2026-06-01", false},
		{"monthly, within a month", monthly, hired, "2026-06-01", "2026-06-30", false},
		{"monthly, into the next month", monthly, hired, "2026-06-30", "2026-07-01", true},
		{"yearly, into the next month", yearly, hired, "2026-06-30", "2026-07-01", false},
		{"into the new year", yearly, hired, "2026-12-31", "2027-01-01", true},
		{"into the new year, no expiry", never, hired, "2026-12-31", "2027-01-01", true},
		{"the expiry date", yearly, hired, "2027-03-30", "2027-03-31", false},
		{"the day after the expiry date", yearly, hired, "2027-03-31", "2027-04-01", true},
		{"the day after, never expiring", never, hired, "2027-03-31", "2027-04-01", false},
		{"the hiring date", yearly, date("2026-06-10"), "2026-06-09", "2026-06-10", true},
		{"monthly, the hiring date", monthly, date("2026-06-10"), "2026-06-09", "2026-06-10", true},
		{"the day after the hiring date", monthly, date("2026-06-10"), "2026-06-10", "2026-06-11", false},
		{"63 days apart: unsure", yearly, hired, "2026-05-01", "2026-07-03", true},
		{"62 days apart, nothing due", yearly, hired, "2026-05-01", "2026-07-02", false},
		{"retired", retired, hired, "2026-06-30", "2027-01-01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attendance.LedgerDueBetween(tt.p, tt.hiredOn, date(tt.from), date(tt.to)); got != tt.want {
				t.Errorf("LedgerDueBetween(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

// TestLedgerDueBetweenIsTheRules: whenever DueEntries holds an entry as of
// a later date that it did not hold once the job had written what was due
// as of an earlier one, LedgerDueBetween says so. Random policies, hiring
// dates, allowances and pairs of dates.
func TestLedgerDueBetweenIsTheRules(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 21))
	modes := []attendance.Accrual{attendance.AccrualYearlyFull, attendance.AccrualYearly, attendance.AccrualMonthly, attendance.AccrualNone}
	expiries := []string{"", "01-31", "03-31", "06-30", "12-31"}
	due := 0
	for i := range 20000 {
		p := policy(modes[rng.IntN(len(modes))], []string{"0", "1", "12", "20", "25.5"}[rng.IntN(5)], []string{"0", "3", "10"}[rng.IntN(3)],
			expiries[rng.IntN(len(expiries))])
		p.FirstYear = 2024 + rng.IntN(3)
		if rng.IntN(4) == 0 {
			// The mode changes from a year on.
			p.Accruals = append(p.Accruals, attendance.AccrualPeriod{FromYear: 2025 + rng.IntN(3), Accrual: modes[rng.IntN(len(modes))]})
		}
		hiredOn := date("2023-01-01").AddDays(rng.IntN(5 * 365))
		from := date("2024-01-01").AddDays(rng.IntN(4 * 365))
		to := from.AddDays(1 + rng.IntN(70))
		if rng.IntN(3) == 0 {
			to = from.AddDays(1 + rng.IntN(3))
		}
		allowance := p.Allowance
		// What the job writes as of a date (recordDue of the years it
		// looks at: the one before and the date's own).
		var recorded []attendance.LedgerEntry
		write := func(today attendance.Date) []attendance.LedgerEntry {
			var written []attendance.LedgerEntry
			for _, y := range []int{today.Year() - 1, today.Year()} {
				if y < p.FirstYear {
					continue
				}
				for _, e := range attendance.DueEntries(p, allowance, hiredOn, nil, y, today, recorded, nil) {
					if e.Year >= p.FirstYear && e.Period != "" {
						recorded = append(recorded, e)
						written = append(written, e)
					}
				}
			}
			return written
		}
		// Caught up as of the day before from, then at from.
		write(from.AddDays(-1))
		write(from)
		if got := write(to); len(got) > 0 {
			due++
			if !attendance.LedgerDueBetween(p, hiredOn, from, to) {
				t.Fatalf("case %d: %+v hired %s: from %s to %s the job writes %+v, but LedgerDueBetween says nothing is due", i, p, hiredOn, from, to, got)
			}
		}
	}
	if due < 1000 {
		t.Errorf("only %d cases had something due: the test proves little", due)
	}
}
