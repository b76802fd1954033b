package attendance

import "slices"

// LeaveTotals are an overview row's approved leave beside leave_days: the
// minutes of hourly leave and the days taken per leave type.
type LeaveTotals struct {
	LeaveMinutes int `json:"leave_minutes"`
	// LeaveByType holds the days per type code with leave in the range, each
	// counted as leave_days counts them, to two decimals; nil when none.
	LeaveByType map[LeaveType]float64 `json:"leave_by_type,omitempty"`
}

// Add adds o to t.
func (t *LeaveTotals) Add(o LeaveTotals) {
	t.LeaveMinutes += o.LeaveMinutes
	for k, v := range o.LeaveByType {
		if t.LeaveByType == nil {
			t.LeaveByType = map[LeaveType]float64{}
		}
		t.LeaveByType[k] = round2(t.LeaveByType[k] + v)
	}
}

// SummarizeLeave sums the approved leave from first to last under schedule s
// and holidays h as ApprovedLeaveDays counts it, per type, with the minutes of
// the hourly requests on working days in the range.
func SummarizeLeave(s Schedule, h Holidays, first, last Date, approved []LeaveRequest) LeaveTotals {
	sc := getScratch()
	defer putScratch(sc)
	return summarizeLeave(ruledDays(s, h), first, last, ApprovedOf(approved), sc)
}

// summarizeLeave is SummarizeLeave of approved, with the schedule's shifts
// from v; sc is scratch space, used again by the next call.
func summarizeLeave(v *shiftDays, first, last Date, approved []ApprovedLeave, sc *scratch) LeaveTotals {
	var t LeaveTotals
	for _, r := range approved {
		if r.Unit == UnitHour && r.StartDate >= first && r.StartDate <= last && v.isWorkingDay(r.StartDate) {
			t.LeaveMinutes += r.Minutes
		}
	}
	if first > last {
		return t
	}
	// Each type's days from its requests alone, the few types found by
	// looking, not by a map of the requests per type.
	types := sc.types[:0]
	for _, r := range approved {
		if !slices.Contains(types, r.LeaveType) {
			types = append(types, r.LeaveType)
		}
	}
	sc.types = types
	for _, typ := range types {
		some := sc.some[:0]
		for _, r := range approved {
			if r.LeaveType == typ {
				some = append(some, r)
			}
		}
		sc.some = some
		shares := sc.floats(&sc.typeShares, int(last-first)+1)
		leaveShares(v, first, last, some, shares, nil)
		days := 0.0
		for _, share := range shares {
			days += share
		}
		if days > 0 {
			if t.LeaveByType == nil {
				t.LeaveByType = map[LeaveType]float64{}
			}
			t.LeaveByType[typ] = round2(days)
		}
	}
	return t
}
