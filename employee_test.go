package attendance_test

import (
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestValidateUsername(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"three letters", "ada", true},
		{"letters and digits", "ada1815", true},
		{"every allowed sign", "a.b+c-d_e@f", true},
		{"an email address", "ada@example.com", true},
		{"150 characters", strings.Repeat("a", 150), true},
		{"unicode letters", "jürgen", true},
		{"non-Latin letters", "名前です", true},
		{"Cyrillic", "Ада", true},
		{"non-ASCII digits", "ada१२३", true},
		{"a long s (NFKC: s)", "ſam", true},
		{"full-width letters", "ＳＡＭ", true},
		{"Latin and Han, Hiragana, Katakana", "tanaka田中たなカ", true},
		{"Latin and Hangul", "kim김", true},
		{"Latin and one other script", "ana_ანა", true},
		{"Greek", "σοφία", true},
		{"Hebrew", "דוד", true},
		{"Latin with a Cyrillic а", "аdmin", false},
		{"Latin with a Greek ο", "rοot", false},
		{"Cyrillic with Greek", "Ада_σοφία", false},
		{"Latin with two other scripts", "ana_ანა_דוד", false},
		{"Latin with right-to-left digits", "ada١٢٣", false},
		{"left-to-right with right-to-left letters", "davidדוד", false},
		{"150 two-byte letters", strings.Repeat("ü", 150), true},
		{"two characters", "ab", false},
		{"two two-byte letters", "üü", false},
		{"empty", "", false},
		{"151 characters", strings.Repeat("a", 151), false},
		{"a space", "ada lovelace", false},
		{"a leading space", " ada", false},
		{"a tab", "ada\tl", false},
		{"an exclamation mark", "ada!", false},
		{"a slash", "ada/l", false},
		{"a quote", "ada'", false},
		{"an emoji", "ada🙂", false},
		{"a NUL byte", "ada\x00", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := attendance.ValidateUsername(tt.in)
			if got := msg == ""; got != tt.ok {
				t.Errorf("ValidateUsername(%q) = %q, want ok = %v", tt.in, msg, tt.ok)
			}
		})
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name     string
		password string
		username string
		ok       bool
	}{
		{"eight characters", "12345678", "ada", true},
		{"seven characters", "1234567", "ada", false},
		{"empty", "", "ada", false},
		{"eight two-byte characters", "пароль12", "ada", true},
		{"seven two-byte characters (14 bytes)", "пароль1", "ada", false},
		{"equal to the username", "lovelace1815", "lovelace1815", false},
		{"equal to the username ignoring case", "LoveLace1815", "lovelace1815", false},
		{"contains the username", "lovelace1815!", "lovelace1815", true},
		{"no username known", "lovelace1815", "", true},
		{"1024 bytes", strings.Repeat("p", 1024), "ada", true},
		{"1025 bytes", strings.Repeat("p", 1025), "ada", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := attendance.ValidatePassword(tt.password, tt.username)
			if got := msg == ""; got != tt.ok {
				t.Errorf("ValidatePassword(%q, %q) = %q, want ok = %v", tt.password, tt.username, msg, tt.ok)
			}
		})
	}
}

func TestLoadLocation(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"UTC", true},
		{"Europe/Berlin", true},
		{"America/New_York", true},
		{"Pacific/Auckland", true},
		{"Asia/Kolkata", true},
		{"Mars/Olympus", false},
		{"Local", false},
		{"", false},
		{"Europe/Berlin ", false},
		{"../etc/passwd", false},
		{"/etc/localtime", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := attendance.LoadLocation(tt.name)
			if !tt.ok {
				checkErr(t, err, attendance.KindInvalid, "")
				return
			}
			checkErr(t, err, "", "")
			if loc.String() != tt.name {
				t.Errorf("LoadLocation(%q) = %v, want that zone", tt.name, loc)
			}
		})
	}
}

func TestEmployeeFieldsValidate(t *testing.T) {
	tests := []struct {
		name       string
		f          attendance.EmployeeFields
		wantFields []string // nil for valid
	}{
		{name: "nothing given", f: attendance.EmployeeFields{}},
		{name: "a full valid employee", f: attendance.EmployeeFields{
			Username: ptr("ada"), Password: ptr("correct horse"), Email: ptr("ada@example.com"),
			FirstName: ptr("Ada"), LastName: ptr("Lovelace"), Role: ptr(attendance.RoleManager),
			ManagerID: ptr[int64](1), ManagerIDSet: true, Department: ptr("Engines"), Timezone: ptr("Europe/London"),
			WorkStart: ptr(hm("09:00")), WorkEnd: ptr(hm("17:30")), WorkDays: ptr(attendance.MondayToFriday),
			LateGraceMinutes: ptr(10), AnnualLeaveDays: ptr(25.5), HiredOn: ptr(date("2026-01-05")), Active: ptr(true),
		}},
		{name: "unicode username", f: attendance.EmployeeFields{Username: ptr("jürgen")}},
		{name: "username with a space", f: attendance.EmployeeFields{Username: ptr("ada l")}, wantFields: []string{"body.username"}},
		{name: "username too short", f: attendance.EmployeeFields{Username: ptr("ad")}, wantFields: []string{"body.username"}},
		{name: "username too long", f: attendance.EmployeeFields{Username: ptr(strings.Repeat("a", 151))}, wantFields: []string{"body.username"}},
		{name: "password too short", f: attendance.EmployeeFields{Password: ptr("short")}, wantFields: []string{"body.password"}},
		{name: "password equal to the username", f: attendance.EmployeeFields{Username: ptr("adalovelace"), Password: ptr("AdaLovelace")}, wantFields: []string{"body.password"}},
		{name: "empty email", f: attendance.EmployeeFields{Email: ptr("")}},
		{name: "email without @", f: attendance.EmployeeFields{Email: ptr("ada.example.com")}, wantFields: []string{"body.email"}},
		{name: "email without domain", f: attendance.EmployeeFields{Email: ptr("ada@")}, wantFields: []string{"body.email"}},
		{name: "email without local part", f: attendance.EmployeeFields{Email: ptr("@example.com")}, wantFields: []string{"body.email"}},
		{name: "email with a display name", f: attendance.EmployeeFields{Email: ptr("Ada <ada@example.com>")}, wantFields: []string{"body.email"}},
		{name: "email with spaces around", f: attendance.EmployeeFields{Email: ptr(" ada@example.com ")}, wantFields: []string{"body.email"}},
		{name: "two @", f: attendance.EmployeeFields{Email: ptr("ada@@example.com")}, wantFields: []string{"body.email"}},
		{name: "email too long", f: attendance.EmployeeFields{Email: ptr(strings.Repeat("a", 64) + "@" + strings.Repeat("b", 190) + ".com")}, wantFields: []string{"body.email"}},
		{name: "first name of 150 characters", f: attendance.EmployeeFields{FirstName: ptr(strings.Repeat("ä", 150))}},
		{name: "first name of 151 characters", f: attendance.EmployeeFields{FirstName: ptr(strings.Repeat("a", 151))}, wantFields: []string{"body.first_name"}},
		{name: "last name of 151 characters", f: attendance.EmployeeFields{LastName: ptr(strings.Repeat("a", 151))}, wantFields: []string{"body.last_name"}},
		{name: "department of 101 characters", f: attendance.EmployeeFields{Department: ptr(strings.Repeat("d", 101))}, wantFields: []string{"body.department"}},
		{name: "unknown role", f: attendance.EmployeeFields{Role: ptr(attendance.Role("owner"))}, wantFields: []string{"body.role"}},
		{name: "time zone Mars/Olympus", f: attendance.EmployeeFields{Timezone: ptr("Mars/Olympus")}, wantFields: []string{"body.timezone"}},
		{name: "time zone Local", f: attendance.EmployeeFields{Timezone: ptr("Local")}, wantFields: []string{"body.timezone"}},
		{name: "empty time zone", f: attendance.EmployeeFields{Timezone: ptr("")}, wantFields: []string{"body.timezone"}},
		{name: "no work days", f: attendance.EmployeeFields{WorkDays: ptr(attendance.Weekdays(0))}, wantFields: []string{"body.work_days"}},
		{name: "grace 0", f: attendance.EmployeeFields{LateGraceMinutes: ptr(0)}},
		{name: "grace 720", f: attendance.EmployeeFields{LateGraceMinutes: ptr(720)}},
		{name: "grace -1", f: attendance.EmployeeFields{LateGraceMinutes: ptr(-1)}, wantFields: []string{"body.late_grace_minutes"}},
		{name: "grace 721", f: attendance.EmployeeFields{LateGraceMinutes: ptr(721)}, wantFields: []string{"body.late_grace_minutes"}},
		{name: "annual leave 0", f: attendance.EmployeeFields{AnnualLeaveDays: ptr(0.0)}},
		{name: "annual leave 15", f: attendance.EmployeeFields{AnnualLeaveDays: ptr(15.0)}},
		{name: "annual leave 12.5", f: attendance.EmployeeFields{AnnualLeaveDays: ptr(12.5)}},
		{name: "annual leave 366", f: attendance.EmployeeFields{AnnualLeaveDays: ptr(366.0)}},
		{name: "annual leave 12.25", f: attendance.EmployeeFields{AnnualLeaveDays: ptr(12.25)}, wantFields: []string{"body.annual_leave_days"}},
		{name: "annual leave 0.1", f: attendance.EmployeeFields{AnnualLeaveDays: ptr(0.1)}, wantFields: []string{"body.annual_leave_days"}},
		{name: "annual leave -0.5", f: attendance.EmployeeFields{AnnualLeaveDays: ptr(-0.5)}, wantFields: []string{"body.annual_leave_days"}},
		{name: "annual leave 366.5", f: attendance.EmployeeFields{AnnualLeaveDays: ptr(366.5)}, wantFields: []string{"body.annual_leave_days"}},
		{name: "annual leave NaN", f: attendance.EmployeeFields{AnnualLeaveDays: ptr(math.NaN())}, wantFields: []string{"body.annual_leave_days"}},
		{name: "annual leave infinite", f: attendance.EmployeeFields{AnnualLeaveDays: ptr(math.Inf(1))}, wantFields: []string{"body.annual_leave_days"}},
		{name: "manager id 0", f: attendance.EmployeeFields{ManagerID: ptr[int64](0), ManagerIDSet: true}, wantFields: []string{"body.manager_id"}},
		{name: "null manager", f: attendance.EmployeeFields{ManagerIDSet: true}},
		{name: "every error at once", f: attendance.EmployeeFields{
			Username: ptr("a b"), Password: ptr("short"), Email: ptr("nope"), Timezone: ptr("Mars/Olympus"),
			LateGraceMinutes: ptr(-5), AnnualLeaveDays: ptr(1.3),
		}, wantFields: []string{"body.username", "body.password", "body.email", "body.timezone", "body.late_grace_minutes", "body.annual_leave_days"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.f.Validate()
			if tt.wantFields == nil {
				checkErr(t, err, "", "")
				return
			}
			checkFields(t, err, tt.wantFields...)
		})
	}
}

func TestEmployeeFieldsApply(t *testing.T) {
	before := func() *attendance.Employee {
		return &attendance.Employee{
			ID: 5, Username: "ada", Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace",
			Role: attendance.RoleEmployee, ManagerID: ptr[int64](2), Department: "Engines", Timezone: "Europe/London",
			WorkStart: hm("08:00"), WorkEnd: hm("17:00"), WorkDays: attendance.MondayToFriday, LateGraceMinutes: 0,
			AnnualLeaveDays: 15, HiredOn: date("2026-01-05"), Active: true,
		}
	}
	t.Run("nothing given changes nothing", func(t *testing.T) {
		e, want := before(), before()
		want.ManagerID = e.ManagerID
		(&attendance.EmployeeFields{}).Apply(e)
		if *e != *want || *e.ManagerID != 2 {
			t.Errorf("Apply(nothing) = %+v, want %+v", *e, *want)
		}
	})
	t.Run("every field", func(t *testing.T) {
		e := before()
		f := attendance.EmployeeFields{
			Username: ptr("ada2"), Email: ptr("a@example.org"), FirstName: ptr("A"), LastName: ptr("L"),
			Role: ptr(attendance.RoleManager), ManagerID: ptr[int64](3), ManagerIDSet: true, Department: ptr("Looms"),
			Timezone: ptr("Asia/Tokyo"), WorkStart: ptr(hm("09:00")), WorkEnd: ptr(hm("18:00")), WorkDays: ptr(sundayToThur),
			LateGraceMinutes: ptr(5), AnnualLeaveDays: ptr(20.5), HiredOn: ptr(date("2025-01-01")), Active: ptr(false),
		}
		f.Apply(e)
		want := attendance.Employee{
			ID: 5, Username: "ada2", Email: "a@example.org", FirstName: "A", LastName: "L",
			Role: attendance.RoleManager, ManagerID: e.ManagerID, Department: "Looms", Timezone: "Asia/Tokyo",
			WorkStart: hm("09:00"), WorkEnd: hm("18:00"), WorkDays: sundayToThur, LateGraceMinutes: 5,
			AnnualLeaveDays: 20.5, HiredOn: date("2025-01-01"), Active: false,
		}
		if *e != want || *e.ManagerID != 3 {
			t.Errorf("Apply = %+v (manager %d), want %+v (manager 3)", *e, *e.ManagerID, want)
		}
	})
	t.Run("null manager", func(t *testing.T) {
		e := before()
		(&attendance.EmployeeFields{ManagerIDSet: true}).Apply(e)
		if e.ManagerID != nil {
			t.Errorf("ManagerID = %d, want nil", *e.ManagerID)
		}
	})
	t.Run("absent manager keeps the manager", func(t *testing.T) {
		e := before()
		(&attendance.EmployeeFields{FirstName: ptr("Augusta")}).Apply(e)
		if e.ManagerID == nil || *e.ManagerID != 2 {
			t.Errorf("ManagerID = %v, want 2", e.ManagerID)
		}
	})
}

func TestNewEmployeeDefaults(t *testing.T) {
	tests := []struct {
		name        string
		tz          string
		now         time.Time
		wantTZ      string
		wantHiredOn string
	}{
		{"UTC", "UTC", utc("2026-06-15 12:00"), "UTC", "2026-06-15"},
		// 23:30 UTC on the 30th is already 1 July in Berlin.
		{"hired on the company's date", "Europe/Berlin", utc("2026-06-30 23:30"), "Europe/Berlin", "2026-07-01"},
		{"still the 30th in New York", "America/New_York", utc("2026-06-30 23:30"), "America/New_York", "2026-06-30"},
		{"bad zone falls back to UTC", "Mars/Olympus", utc("2026-06-30 23:30"), "UTC", "2026-06-30"},
		{"empty zone falls back to UTC", "", utc("2026-06-30 23:30"), "UTC", "2026-06-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := attendance.NewEmployee(tt.tz, tt.now)
			want := attendance.Employee{
				Role:            attendance.RoleEmployee,
				Timezone:        tt.wantTZ,
				WorkStart:       hm("08:00"),
				WorkEnd:         hm("17:00"),
				WorkDays:        attendance.MondayToFriday,
				AnnualLeaveDays: 15,
				HiredOn:         date(tt.wantHiredOn),
				Active:          true,
				CreatedAt:       tt.now,
				UpdatedAt:       tt.now,
				ScheduleKind:    attendance.ScheduleSimple,
			}
			if *e != want {
				t.Errorf("NewEmployee(%q) = %+v, want %+v", tt.tz, *e, want)
			}
		})
	}
}

func TestEmployeeFieldsCreate(t *testing.T) {
	// 01:00 UTC on 4 December: the company (Berlin) is on the 4th, a zone
	// twelve hours west is still on the 3rd.
	now := utc("2026-12-04 01:00")
	tests := []struct {
		name        string
		fields      attendance.EmployeeFields
		wantTZ      string
		wantHiredOn string
	}{
		{"the company's zone", attendance.EmployeeFields{}, "Europe/Berlin", "2026-12-04"},
		{"hired on their own date", attendance.EmployeeFields{Timezone: ptr("Etc/GMT+12")}, "Etc/GMT+12", "2026-12-03"},
		{"east of the company", attendance.EmployeeFields{Timezone: ptr("Pacific/Kiritimati")}, "Pacific/Kiritimati", "2026-12-04"},
		{"hired_on given wins", attendance.EmployeeFields{Timezone: ptr("Etc/GMT+12"), HiredOn: ptr(date("2026-11-01"))}, "Etc/GMT+12", "2026-11-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.fields.Create("Europe/Berlin", now)
			if e.Timezone != tt.wantTZ || e.HiredOn != date(tt.wantHiredOn) {
				t.Errorf("Create = zone %s hired %s, want %s %s", e.Timezone, e.HiredOn, tt.wantTZ, tt.wantHiredOn)
			}
		})
	}
}

func TestEmployeeSchedule(t *testing.T) {
	e := &attendance.Employee{Timezone: "America/New_York", WorkStart: hm("09:00"), WorkEnd: hm("17:00"), WorkDays: sundayToThur, LateGraceMinutes: 7, HiredOn: date("2026-02-01")}
	s := e.Schedule()
	want := attendance.Schedule{Location: newYork, WorkStart: hm("09:00"), WorkEnd: hm("17:00"), WorkDays: sundayToThur, LateGrace: 7, HiredOn: date("2026-02-01")}
	if s.Location.String() != "America/New_York" || s.WorkStart != want.WorkStart || s.WorkEnd != want.WorkEnd || s.WorkDays != want.WorkDays || s.LateGrace != want.LateGrace || s.HiredOn != want.HiredOn {
		t.Errorf("Schedule() = %+v, want %+v", s, want)
	}
	if s.Until != nil {
		t.Errorf("Schedule().Until = %v, want nil while employed", *s.Until)
	}
	e.DeactivatedOn = ptr(date("2026-05-31"))
	if got := e.Schedule().Until; got == nil || *got != date("2026-05-31") {
		t.Errorf("Schedule().Until = %v, want 2026-05-31", got)
	}
	e.Timezone = "Mars/Olympus"
	if got := e.Schedule().Location; got != time.UTC {
		t.Errorf("Schedule() with an unknown zone: Location = %v, want UTC", got)
	}
}

func TestEmployeeName(t *testing.T) {
	tests := []struct {
		first, last, want string
	}{
		{"Ada", "Lovelace", "Ada Lovelace"},
		{"Ada", "", "Ada"},
		{"", "Lovelace", "Lovelace"},
		{"", "", "ada"},
		{"  ", " ", "ada"},
	}
	for _, tt := range tests {
		e := &attendance.Employee{Username: "ada", FirstName: tt.first, LastName: tt.last}
		if got := e.Name(); got != tt.want {
			t.Errorf("Name() of %q %q = %q, want %q", tt.first, tt.last, got, tt.want)
		}
	}
}

func TestNormalizeUsername(t *testing.T) {
	for _, tt := range []struct{ name, a, b string }{
		{"case", "Ada", "ada"},
		{"case of an email address", "ADA@Example.COM", "ada@example.com"},
		{"non-ASCII case", "Jürgen", "JÜRGEN"},
		{"long s", "ſam", "sam"},
		{"full-width", "ＳＡＭ", "sam"},
		{"sharp s folds to ss", "straße", "STRASSE"},
		{"capital sharp s", "ẞ_x", "ss_x"},
		{"final sigma", "σας", "ΣΑΣ"},
		{"ligature", "ﬁx", "fix"},
		{"composed and decomposed", "jürgen", "ju\u0308rgen"},
		{"Cherokee", "ᏀᎳ", "ꮐꮃ"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, b := tt.a, strings.ReplaceAll(tt.b, "\\u0308", "\u0308")
			if got, want := attendance.NormalizeUsername(a), attendance.NormalizeUsername(b); got != want {
				t.Errorf("NormalizeUsername(%q) = %q, NormalizeUsername(%q) = %q, want the same key", a, got, b, want)
			}
		})
	}
	for _, tt := range []struct{ name, a, b string }{
		{"another name", "ada", "ada2"},
		{"a Cyrillic а is not a Latin a", "аdmin", "admin"},
		{"dotless i is not i", "ıvan", "ivan"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if attendance.NormalizeUsername(tt.a) == attendance.NormalizeUsername(tt.b) {
				t.Errorf("%q and %q share the key %q", tt.a, tt.b, attendance.NormalizeUsername(tt.a))
			}
		})
	}
}

// FuzzNormalizeUsername: a key is its own key, so that a stored key can be
// compared with the key of any name, and the key of a valid username is a
// valid username's key.
func FuzzNormalizeUsername(f *testing.F) {
	for _, s := range []string{"ada", "ſam", "ＳＡＭ", "straße", "ΣΑΣ", "ᏀᎳ", "ǅemal", "İstanbul", "ﬃ", "x²", "a\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, u string) {
		k := attendance.NormalizeUsername(u)
		if again := attendance.NormalizeUsername(k); again != k {
			t.Errorf("NormalizeUsername(%q) = %q, whose key is %q", u, k, again)
		}
	})
}

func TestEmployeeInOverview(t *testing.T) {
	first := date("2026-06-01")
	tests := []struct {
		name          string
		active        bool
		deactivatedOn string
		want          bool
	}{
		{"active", true, "", true},
		{"deactivated before the range", false, "2026-05-31", false},
		{"deactivated on its first day", false, "2026-06-01", true},
		{"deactivated within or after it", false, "2026-06-20", true},
		{"inactive with no date", false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &attendance.Employee{Active: tt.active}
			if tt.deactivatedOn != "" {
				e.DeactivatedOn = ptr(date(tt.deactivatedOn))
			}
			if got := e.InOverview(first); got != tt.want {
				t.Errorf("InOverview(%s) = %v, want %v", first, got, tt.want)
			}
		})
	}
}

func TestRekeyUsernames(t *testing.T) {
	u := func(id int64, name string) attendance.StoredUsername {
		return attendance.StoredUsername{ID: id, Username: name, Key: attendance.LegacyUsernameKey(name)}
	}
	tests := []struct {
		name       string
		users      []attendance.StoredUsername
		want       map[int64]string
		collisions map[string][]int64 // key: holder, then the others
	}{
		{"nothing changes", []attendance.StoredUsername{u(1, "ada"), u(2, "Grace")}, map[int64]string{1: "ada", 2: "grace"}, nil},
		{"a key moves", []attendance.StoredUsername{u(1, "straße"), u(2, "ſkip")}, map[int64]string{1: "strasse", 2: "skip"}, nil},
		{"the holder of the key keeps it", []attendance.StoredUsername{u(1, "ſam"), u(2, "Sam")},
			map[int64]string{1: "ſam", 2: "sam"}, map[string][]int64{"sam": {2, 1}}},
		{"else the first created", []attendance.StoredUsername{u(7, "ſtraße"), u(3, "STRAſSE")},
			map[int64]string{3: "strasse", 7: "ſtraße"}, map[string][]int64{"strasse": {3, 7}}},
		{"three at once", []attendance.StoredUsername{u(1, "sam"), u(2, "ſam"), u(3, "ＳＡＭ")},
			map[int64]string{1: "sam", 2: "ſam", 3: "ｓａｍ"}, map[string][]int64{"sam": {1, 2, 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, collisions := attendance.RekeyUsernames(tt.users)
			if !maps.Equal(got, tt.want) {
				t.Errorf("keys = %v, want %v", got, tt.want)
			}
			gotC := map[string][]int64{}
			for _, c := range collisions {
				ids := []int64{c.Holder.ID}
				for _, o := range c.Others {
					ids = append(ids, o.ID)
				}
				gotC[c.Key] = ids
				if len(c.Notifications([]int64{99})) != 1 || !strings.Contains(c.Message(), c.Holder.Username) {
					t.Errorf("collision %+v: message %q", c, c.Message())
				}
			}
			if len(gotC) != len(tt.collisions) {
				t.Errorf("collisions = %v, want %v", gotC, tt.collisions)
			}
			for k, ids := range tt.collisions {
				if !slices.Equal(gotC[k], ids) {
					t.Errorf("collision %q = %v, want %v", k, gotC[k], ids)
				}
			}
			seen := map[string]bool{}
			for _, k := range got {
				if seen[k] {
					t.Errorf("key %q given twice: %v", k, got)
				}
				seen[k] = true
			}
		})
	}
}
