// Package monthpack packs the stored days of one employee and calendar
// month into one fixed-width binary value, the rollup the overview reads
// (table attendance_months): one slot of SlotSize bytes for each day of
// the month, so that one day's slot can be written in place by an SQL
// upsert without reading the row, and a month of days is read as one row.
//
// A slot holds every field of attendance.Day the overview sums up: entries,
// lateness, worked and break seconds, open sessions and the start of the
// earliest open one. It does not hold LastExit, which only the clock path
// reads (from attendance_days). An all-zero slot is a date without a day.
//
// Layout of a slot, little-endian:
//
//	[0]      flags: 1 a day is stored, 2 late, 4 OpenSince is set
//	[1:5]    Entries, uint32
//	[5:9]    OpenSessions, uint32
//	[9:13]   LateMinutes, uint32
//	[13:21]  WorkedSeconds, int64
//	[21:29]  BreakSeconds, int64
//	[29:37]  OpenSince, microseconds since the Unix epoch, int64
package monthpack

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/openattendance/attendance"
)

// The shape of a packed month.
const (
	SlotSize = 37               // bytes of one day
	Slots    = 31               // days of the longest month
	Size     = Slots * SlotSize // bytes of a packed month
)

const (
	flagDay       = 1
	flagLate      = 2
	flagOpenSince = 4
)

// Month returns the first date of d's calendar month, the key of its packed
// month, and d's slot in it (0 for the 1st).
func Month(d attendance.Date) (month attendance.Date, slot int) {
	y, m, day := d.In(time.UTC).Date()
	return attendance.NewDate(y, m, 1), day - 1
}

// Pos is the 1-based byte position of slot in a packed month, as SQL's
// substring and overlay count.
func Pos(slot int) int { return slot*SlotSize + 1 }

// Put writes day into its slot of month, a packed month of day's calendar
// month (Size bytes); a day without entries empties the slot, as a deleted
// day. It fails on a count that does not fit its field (over 4,294,967,295
// entries, open sessions or minutes late, or negative).
func Put(month []byte, day attendance.Day) error {
	if len(month) != Size {
		return fmt.Errorf("monthpack: a packed month of %d bytes, want %d", len(month), Size)
	}
	_, slot := Month(day.Date)
	s := month[slot*SlotSize : (slot+1)*SlotSize]
	clear(s)
	if !day.Present() {
		return nil
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"entries", day.Entries}, {"open sessions", day.OpenSessions}, {"late minutes", day.LateMinutes}} {
		if f.v < 0 || uint64(f.v) > math.MaxUint32 {
			return fmt.Errorf("monthpack: %d %s on %s do not fit a slot", f.v, f.name, day.Date)
		}
	}
	flags := byte(flagDay)
	if day.Late {
		flags |= flagLate
	}
	var since int64
	if !day.OpenSince.IsZero() {
		flags |= flagOpenSince
		since = day.OpenSince.UnixMicro()
	}
	s[0] = flags
	binary.LittleEndian.PutUint32(s[1:], uint32(day.Entries))
	binary.LittleEndian.PutUint32(s[5:], uint32(day.OpenSessions))
	binary.LittleEndian.PutUint32(s[9:], uint32(day.LateMinutes))
	binary.LittleEndian.PutUint64(s[13:], uint64(day.WorkedSeconds))
	binary.LittleEndian.PutUint64(s[21:], uint64(day.BreakSeconds))
	binary.LittleEndian.PutUint64(s[29:], uint64(since))
	return nil
}

// Pack returns the packed month of day's calendar month that holds day
// alone, and the position of day's slot in it (Pos).
func Pack(day attendance.Day) ([]byte, int, error) {
	b := make([]byte, Size)
	_, slot := Month(day.Date)
	return b, Pos(slot), Put(b, day)
}

// Unpack appends to dst the days of packed month b (whose first date is
// month) that lie from first to last, in date order. Slots past the end of
// a short month must be empty.
func Unpack(dst []attendance.Day, month attendance.Date, b []byte, first, last attendance.Date) ([]attendance.Day, error) {
	if len(b) != Size {
		return dst, fmt.Errorf("monthpack: a packed month of %d bytes, want %d", len(b), Size)
	}
	from, n := Within(month, first, last)
	return UnpackSlots(dst, month, from, b[from*SlotSize:(from+n)*SlotSize])
}

// Within returns the slots of month (its first date) that lie from first
// to last: n slots from slot from, n 0 when none does. Slots past the end
// of a short month are among them.
func Within(month, first, last attendance.Date) (from, n int) {
	lo, hi := 0, Slots-1
	if first > month {
		lo = min(int(first-month), Slots)
	}
	if end := month.AddDays(Slots - 1); last < end {
		hi = int(last - month)
	}
	if hi < lo {
		return 0, 0
	}
	return lo, hi - lo + 1
}

// UnpackSlots appends to dst the days of b, the slots of a packed month
// (whose first date is month) from slot from on, in date order: a part of a
// packed month as Within gives it, or the whole (from 0). Slots past the end
// of a short month must be empty.
func UnpackSlots(dst []attendance.Day, month attendance.Date, from int, b []byte) ([]attendance.Day, error) {
	if from < 0 || len(b)%SlotSize != 0 || from+len(b)/SlotSize > Slots {
		return dst, fmt.Errorf("monthpack: %d bytes from slot %d are not slots of a packed month", len(b), from)
	}
	next, _ := Month(month.AddDays(Slots)) // the first of the next month
	for k := range len(b) / SlotSize {
		s := b[k*SlotSize : (k+1)*SlotSize]
		if s[0] == 0 {
			continue
		}
		i := from + k
		d := month.AddDays(i)
		if d >= next {
			return dst, fmt.Errorf("monthpack: a day in slot %d of %s, past the month's end", i, month)
		}
		day := attendance.Day{
			Date:          d,
			Entries:       int(binary.LittleEndian.Uint32(s[1:])),
			Late:          s[0]&flagLate != 0,
			OpenSessions:  int(binary.LittleEndian.Uint32(s[5:])),
			LateMinutes:   int(binary.LittleEndian.Uint32(s[9:])),
			WorkedSeconds: int64(binary.LittleEndian.Uint64(s[13:])),
			BreakSeconds:  int64(binary.LittleEndian.Uint64(s[21:])),
		}
		if s[0]&flagOpenSince != 0 {
			day.OpenSince = time.UnixMicro(int64(binary.LittleEndian.Uint64(s[29:]))).UTC()
		}
		dst = append(dst, day)
	}
	return dst, nil
}
