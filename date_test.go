package attendance_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    attendance.Date
		wantErr bool
	}{
		{name: "plain date", in: "2026-06-15", want: attendance.NewDate(2026, time.June, 15)},
		{name: "epoch", in: "1970-01-01", want: 0},
		{name: "day before epoch", in: "1969-12-31", want: -1},
		{name: "leap day", in: "2024-02-29", want: attendance.NewDate(2024, time.February, 29)},
		{name: "century leap day", in: "2000-02-29", want: attendance.NewDate(2000, time.February, 29)},
		{name: "new year's eve", in: "2026-12-31", want: attendance.NewDate(2026, time.December, 31)},
		{name: "far future", in: "9999-12-31", want: attendance.NewDate(9999, time.December, 31)},
		{name: "30 February", in: "2026-02-30", wantErr: true},
		{name: "29 February of a common year", in: "2026-02-29", wantErr: true},
		{name: "29 February of 1900", in: "1900-02-29", wantErr: true},
		{name: "31 April", in: "2026-04-31", wantErr: true},
		{name: "unpadded month and day", in: "2026-1-1", wantErr: true},
		{name: "unpadded day", in: "2026-01-1", wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "month 13", in: "2026-13-01", wantErr: true},
		{name: "month 0", in: "2026-00-10", wantErr: true},
		{name: "day 0", in: "2026-01-00", wantErr: true},
		{name: "day 32", in: "2026-01-32", wantErr: true},
		{name: "slashes", in: "2026/01/01", wantErr: true},
		{name: "two-digit year", in: "26-01-01", wantErr: true},
		{name: "timestamp", in: "2026-01-01T00:00:00Z", wantErr: true},
		{name: "leading space", in: " 2026-01-01", wantErr: true},
		{name: "trailing space", in: "2026-01-01 ", wantErr: true},
		{name: "letters", in: "abcd-ef-gh", wantErr: true},
		{name: "signed year", in: "+026-01-01", wantErr: true},
		{name: "signed month", in: "2026-+1-01", wantErr: true},
		{name: "day-month-year", in: "15-06-2026", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := attendance.ParseDate(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %v, nil; want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q) error = %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseDate(%q) = %v (%d), want %v (%d)", tt.in, got, got, tt.want, tt.want)
			}
			if s := got.String(); s != tt.in {
				t.Errorf("ParseDate(%q).String() = %q, want the input back", tt.in, s)
			}
		})
	}
}

func TestDateSupported(t *testing.T) {
	for in, want := range map[string]bool{
		"1970-01-01": true, "2026-06-15": true, "9999-12-31": true,
		"1969-12-31": false, "0000-01-03": false, "0001-01-01": false,
	} {
		if got := attendance.MustParseDate(in).Supported(); got != want {
			t.Errorf("%s.Supported() = %v, want %v", in, got, want)
		}
	}
	if attendance.MaxDate.AddDays(1).Supported() {
		t.Errorf("the day after %s is supported", attendance.MaxDate)
	}
}

func TestMustParseDatePanicsOnBadDate(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParseDate(\"2026-02-30\") did not panic")
		}
	}()
	attendance.MustParseDate("2026-02-30")
}

func TestDateStringMatchesTime(t *testing.T) {
	// Every date of four centuries prints as time prints it and parses back.
	first, last := date("1900-01-01"), date("2300-12-31")
	for d := first; d <= last; d = d.AddDays(1) {
		want := time.Unix(int64(d)*86400, 0).UTC().Format(attendance.DateLayout)
		if got := d.String(); got != want {
			t.Fatalf("Date(%d).String() = %q, want %q", d, got, want)
		}
		back, err := attendance.ParseDate(want)
		if err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %d, %v; want %d", want, back, err, d)
		}
	}
}

func TestDateStringOutsideFourDigitYears(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{0, "0000-01-01"},
		{-1, "-0001-01-01"},
		{10000, "10000-01-01"},
	}
	for _, tt := range tests {
		d := attendance.NewDate(tt.year, time.January, 1)
		if got := d.String(); got != tt.want {
			t.Errorf("NewDate(%d, 1, 1).String() = %q, want %q", tt.year, got, tt.want)
		}
		if got := d.Year(); got != tt.year {
			t.Errorf("NewDate(%d, 1, 1).Year() = %d", tt.year, got)
		}
	}
}

func TestDateWeekday(t *testing.T) {
	tests := []struct {
		in   string
		want time.Weekday
	}{
		{"1970-01-01", time.Thursday},
		{"1969-12-31", time.Wednesday},
		{"1969-12-28", time.Sunday},
		{"1900-01-01", time.Monday},
		{"2000-02-29", time.Tuesday},
		{"2026-01-01", time.Thursday},
		{"2026-03-29", time.Sunday},
		{"2026-06-15", time.Monday},
		{"2026-06-20", time.Saturday},
		{"2026-12-25", time.Friday},
		{"2027-01-01", time.Friday},
		{"2028-01-01", time.Saturday},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := date(tt.in).Weekday(); got != tt.want {
				t.Errorf("%s.Weekday() = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestDateWeekdayMatchesTime(t *testing.T) {
	// Before and after the epoch, where the modulo of a negative number bites.
	for d := date("1800-01-01"); d <= date("2200-12-31"); d = d.AddDays(1) {
		want := time.Unix(int64(d)*86400, 0).UTC().Weekday()
		if got := d.Weekday(); got != want {
			t.Fatalf("%v.Weekday() = %v, want %v", d, got, want)
		}
	}
}

func TestDateAddDays(t *testing.T) {
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"zero", "2026-06-15", 0, "2026-06-15"},
		{"next day", "2026-06-15", 1, "2026-06-16"},
		{"previous day", "2026-06-15", -1, "2026-06-14"},
		{"month end", "2026-01-31", 1, "2026-02-01"},
		{"into a leap day", "2024-02-28", 1, "2024-02-29"},
		{"over a common February", "2026-02-28", 1, "2026-03-01"},
		{"year end", "2026-12-31", 1, "2027-01-01"},
		{"back over the year end", "2027-01-01", -1, "2026-12-31"},
		{"a leap year", "2024-01-01", 366, "2025-01-01"},
		{"back over the epoch", "1970-01-01", -1, "1969-12-31"},
		{"a week", "2026-03-26", 7, "2026-04-02"},
		{"across DST in Europe is still one day", "2026-03-28", 2, "2026-03-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := date(tt.from).AddDays(tt.n); got != date(tt.want) {
				t.Errorf("%s.AddDays(%d) = %v, want %s", tt.from, tt.n, got, tt.want)
			}
		})
	}
}

func TestNewDateNormalises(t *testing.T) {
	tests := []struct {
		name    string
		y       int
		m       time.Month
		d       int
		want    string
		wantYr  int
		wantDOW time.Weekday
	}{
		{"ordinary", 2026, time.June, 15, "2026-06-15", 2026, time.Monday},
		{"30 February", 2026, time.February, 30, "2026-03-02", 2026, time.Monday},
		{"month 13", 2026, 13, 1, "2027-01-01", 2027, time.Friday},
		{"day 0", 2026, time.March, 0, "2026-02-28", 2026, time.Saturday},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attendance.NewDate(tt.y, tt.m, tt.d)
			if got.String() != tt.want {
				t.Errorf("NewDate(%d, %d, %d) = %v, want %s", tt.y, tt.m, tt.d, got, tt.want)
			}
			if got.Year() != tt.wantYr {
				t.Errorf("Year() = %d, want %d", got.Year(), tt.wantYr)
			}
			if got.Weekday() != tt.wantDOW {
				t.Errorf("Weekday() = %v, want %v", got.Weekday(), tt.wantDOW)
			}
		})
	}
}

func TestDateOf(t *testing.T) {
	// 2026-06-15 23:30 UTC is already the 16th in Berlin and still the 15th in New York.
	instant := utc("2026-06-15 23:30")
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"UTC", instant, "2026-06-15"},
		{"Berlin", instant.In(berlin), "2026-06-16"},
		{"New York", instant.In(newYork), "2026-06-15"},
		{"Auckland", instant.In(auckland), "2026-06-16"},
		{"Auckland just before midnight", at(auckland, "2026-06-15 23:59"), "2026-06-15"},
		{"New York one second into the day", at(newYork, "2026-11-01 00:00:01"), "2026-11-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attendance.DateOf(tt.t); got != date(tt.want) {
				t.Errorf("DateOf(%v) = %v, want %s", tt.t, got, tt.want)
			}
		})
	}
}

func TestYearBounds(t *testing.T) {
	tests := []struct {
		year      int
		wantDays  int
		wantFirst string
		wantLast  string
	}{
		{2026, 365, "2026-01-01", "2026-12-31"},
		{2024, 366, "2024-01-01", "2024-12-31"},
		{2100, 365, "2100-01-01", "2100-12-31"},
	}
	for _, tt := range tests {
		first, last := attendance.YearBounds(tt.year)
		if first != date(tt.wantFirst) || last != date(tt.wantLast) {
			t.Errorf("YearBounds(%d) = %v, %v; want %s, %s", tt.year, first, last, tt.wantFirst, tt.wantLast)
		}
		if got := int(last-first) + 1; got != tt.wantDays {
			t.Errorf("YearBounds(%d) spans %d days, want %d", tt.year, got, tt.wantDays)
		}
	}
}

func TestDateIn(t *testing.T) {
	tests := []struct {
		name string
		d    string
		loc  *time.Location
		want time.Time // as a UTC instant
	}{
		{"UTC", "2026-06-15", time.UTC, utc("2026-06-15 00:00")},
		{"Berlin summer", "2026-06-15", berlin, utc("2026-06-14 22:00")},
		{"Berlin winter", "2026-01-15", berlin, utc("2026-01-14 23:00")},
		{"Berlin spring-forward day", "2026-03-29", berlin, utc("2026-03-28 23:00")},
		{"Berlin fall-back day", "2026-10-25", berlin, utc("2026-10-24 22:00")},
		{"New York spring-forward day", "2026-03-08", newYork, utc("2026-03-08 05:00")},
		{"Auckland", "2026-06-15", auckland, utc("2026-06-14 12:00")},
		// Beirut springs forward at midnight: the day begins at 01:00 EEST.
		{"Beirut skips midnight", "2026-03-29", mustLoadLocation("Asia/Beirut"), utc("2026-03-28 22:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := date(tt.d).In(tt.loc)
			if !got.Equal(tt.want) {
				t.Errorf("%s.In(%v) = %v, want %v", tt.d, tt.loc, got.UTC(), tt.want)
			}
			if d := attendance.DateOf(got); d != date(tt.d) {
				t.Errorf("%s.In(%v) = %v lies on %v, want the date itself", tt.d, tt.loc, got, d)
			}
		})
	}
}

func TestDateInSkippedMidnightGoesForward(t *testing.T) {
	tests := []struct {
		name   string
		d      string
		loc    string
		tod    string
		wantIn time.Time // the first instant of the date
		wantAt time.Time // tod moved forward over the gap
	}{
		// Cuba: 2026-03-08 00:00 CST becomes 01:00 CDT (05:00 UTC).
		{"Havana", "2026-03-08", "America/Havana", "00:30", utc("2026-03-08 05:00"), utc("2026-03-08 05:30")},
		// Chile: 2026-09-06 00:00 -04 becomes 01:00 -03 (04:00 UTC).
		{"Santiago", "2026-09-06", "America/Santiago", "00:30", utc("2026-09-06 04:00"), utc("2026-09-06 04:30")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := mustLoadLocation(tt.loc)
			if got := date(tt.d).In(loc); !got.Equal(tt.wantIn) {
				t.Errorf("%s.In(%s) = %v (%v), want %v", tt.d, tt.loc, got, got.UTC(), tt.wantIn)
			}
			if got := date(tt.d).At(hm(tt.tod), loc); !got.Equal(tt.wantAt) {
				t.Errorf("%s.At(%s, %s) = %v (%v), want %v", tt.d, tt.tod, tt.loc, got, got.UTC(), tt.wantAt)
			}
			// A work day starting at midnight: an entry five minutes after the
			// day begins is five minutes late, not sixty-five.
			s := attendance.Schedule{Location: loc, WorkStart: 0, WorkDays: attendance.NewWeekdays(time.Sunday)}
			if late, got := s.Lateness(tt.wantIn.Add(5*time.Minute), nil, false); !late || got != 5 {
				t.Errorf("Lateness(5 minutes into the day) = %v, %d; want true, 5", late, got)
			}
		})
	}
}

func TestDateAt(t *testing.T) {
	tests := []struct {
		name string
		d    string
		tod  string
		loc  *time.Location
		want time.Time
	}{
		{"UTC", "2026-06-15", "08:00", time.UTC, utc("2026-06-15 08:00")},
		{"Berlin summer", "2026-06-15", "08:00", berlin, utc("2026-06-15 06:00")},
		{"Berlin winter", "2026-03-27", "08:00", berlin, utc("2026-03-27 07:00")},
		{"Berlin after spring forward", "2026-03-30", "08:00", berlin, utc("2026-03-30 06:00")},
		{"New York before spring forward", "2026-03-06", "08:00", newYork, utc("2026-03-06 13:00")},
		{"New York after spring forward", "2026-03-09", "08:00", newYork, utc("2026-03-09 12:00")},
		{"New York after fall back", "2026-11-02", "08:00", newYork, utc("2026-11-02 13:00")},
		{"Auckland late evening", "2026-06-15", "23:59", auckland, utc("2026-06-15 11:59")},
		{"last minute of the day", "2026-06-15", "23:59", time.UTC, utc("2026-06-15 23:59")},
		// 02:30 does not exist in Berlin on 2026-03-29: it moves forward to 03:30 CEST.
		{"skipped wall time moves forward", "2026-03-29", "02:30", berlin, utc("2026-03-29 01:30")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := date(tt.d).At(hm(tt.tod), tt.loc); !got.Equal(tt.want) {
				t.Errorf("%s.At(%s, %v) = %v, want %v", tt.d, tt.tod, tt.loc, got.UTC(), tt.want)
			}
		})
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		Date  attendance.Date      `json:"date"`
		Start attendance.TimeOfDay `json:"start"`
	}
	in := doc{Date: date("2026-06-15"), Start: hm("08:05")}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"date":"2026-06-15","start":"08:05"}`; got != want {
		t.Errorf("json.Marshal = %s, want %s", got, want)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Errorf("round trip = %+v, want %+v", out, in)
	}

	bad := []string{
		`{"date":"2026-02-30"}`,
		`{"date":"2026-1-1"}`,
		`{"date":""}`,
		`{"start":"24:00"}`,
		`{"start":"7:00"}`,
	}
	for _, s := range bad {
		var d doc
		if err := json.Unmarshal([]byte(s), &d); err == nil {
			t.Errorf("json.Unmarshal(%s) = %+v, nil; want an error", s, d)
		}
	}
}

func TestParseTimeOfDay(t *testing.T) {
	tests := []struct {
		in      string
		want    attendance.TimeOfDay
		wantErr bool
	}{
		{in: "00:00", want: 0},
		{in: "08:00", want: 480},
		{in: "08:05", want: 485},
		{in: "12:30", want: 750},
		{in: "23:59", want: 1439},
		{in: "24:00", wantErr: true},
		{in: "7:00", wantErr: true},
		{in: "07:60", wantErr: true},
		{in: "-1:00", wantErr: true},
		{in: "", wantErr: true},
		{in: "0800", wantErr: true},
		{in: "08:00:00", wantErr: true},
		{in: "08-00", wantErr: true},
		{in: "08.00", wantErr: true},
		{in: "+7:00", wantErr: true},
		{in: "07:+5", wantErr: true},
		{in: "07:-5", wantErr: true},
		{in: " 7:00", wantErr: true},
		{in: "07: 5", wantErr: true},
		{in: "ab:cd", wantErr: true},
		{in: "99:99", wantErr: true},
		{in: "8:00 ", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := attendance.ParseTimeOfDay(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseTimeOfDay(%q) = %v, nil; want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTimeOfDay(%q) error = %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseTimeOfDay(%q) = %d, want %d", tt.in, got, tt.want)
			}
			if s := got.String(); s != tt.in {
				t.Errorf("String() = %q, want %q", s, tt.in)
			}
		})
	}
}

func TestTimeOfDayRoundTripsEveryMinute(t *testing.T) {
	for m := attendance.TimeOfDay(0); m < 24*60; m++ {
		b, err := m.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back attendance.TimeOfDay
		if err := back.UnmarshalText(b); err != nil || back != m {
			t.Fatalf("UnmarshalText(%q) = %d, %v; want %d", b, back, err, m)
		}
	}
}

// TestParseDateEveryDate: every date of years 0 to 9999 is read back as itself.
func TestParseDateEveryDate(t *testing.T) {
	first, last := attendance.NewDate(0, time.January, 1), attendance.NewDate(9999, time.December, 31)
	for d := first; d <= last; d++ {
		if got, err := attendance.ParseDate(d.String()); err != nil || got != d {
			t.Fatalf("ParseDate(%q) = %d, %v; want %d", d.String(), got, err, d)
		}
	}
}
