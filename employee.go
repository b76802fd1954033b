package attendance

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/secure/precis"
	"golang.org/x/text/unicode/norm"
)

// Role is what a user may do. Each role includes the ones before it.
type Role string

// The roles.
const (
	RoleEmployee Role = "employee"
	RoleManager  Role = "manager"
	RoleAdmin    Role = "admin"
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r == RoleEmployee || r == RoleManager || r == RoleAdmin }

// HasManagerAccess reports whether the role may use manager endpoints.
func (r Role) HasManagerAccess() bool { return r == RoleManager || r == RoleAdmin }

// Employee is a person who works for the company and may sign in.
type Employee struct {
	ID               int64     `json:"id"`
	Username         string    `json:"username"`
	Email            string    `json:"email"`
	FirstName        string    `json:"first_name"`
	LastName         string    `json:"last_name"`
	Role             Role      `json:"role"`
	ManagerID        *int64    `json:"manager_id"`
	Department       string    `json:"department"`
	Timezone         string    `json:"timezone"`
	WorkStart        TimeOfDay `json:"work_start"`
	WorkEnd          TimeOfDay `json:"work_end"`
	WorkDays         Weekdays  `json:"work_days"`
	LateGraceMinutes int       `json:"late_grace_minutes"`
	AnnualLeaveDays  float64   `json:"annual_leave_days"`
	HiredOn          Date      `json:"hired_on"`
	Active           bool      `json:"active"`
	// DeactivatedOn is the employee's local date of deactivation, nil while active.
	DeactivatedOn *Date     `json:"deactivated_on"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`

	// ManagerName is the manager's Name, filled in by ListEmployees only
	// (the list's rows carry it as manager_name); never in an Employee's JSON.
	ManagerName string `json:"-"`
	// ScheduleKind says what work_start, work_end, work_days and
	// late_grace_minutes describe (DescribeSchedule): the one shift of a
	// simple schedule, or the current week of a pattern.
	ScheduleKind ScheduleKind `json:"schedule_kind" readOnly:"true"`
}

// ScheduleKind is simple (one shift on some weekdays) or pattern.
type ScheduleKind string

// The schedule kinds.
const (
	ScheduleSimple  ScheduleKind = "simple"
	SchedulePattern ScheduleKind = "pattern"
)

// Name returns the employee's full name, or the username when both names are empty.
func (e *Employee) Name() string {
	n := strings.TrimSpace(e.FirstName + " " + e.LastName)
	if n == "" {
		return e.Username
	}
	return n
}

// Schedule returns the employee's time rules. The time zone was validated on
// the way in; an unknown one (a stale tzdata) falls back to UTC.
func (e *Employee) Schedule() Schedule {
	loc, err := LoadLocation(e.Timezone)
	if err != nil {
		loc = time.UTC
	}
	return Schedule{
		Location:  loc,
		WorkStart: e.WorkStart,
		WorkEnd:   e.WorkEnd,
		WorkDays:  e.WorkDays,
		LateGrace: e.LateGraceMinutes,
		HiredOn:   e.HiredOn,
		Until:     e.DeactivatedOn,
	}
}

// InOverview reports whether the employee has a row in an overview of a range
// starting on first: everyone active, and those deactivated on or after first
// (their absences stop at the deactivation).
func (e *Employee) InOverview(first Date) bool {
	return e.Active || (e.DeactivatedOn != nil && *e.DeactivatedOn >= first)
}

// Actor returns the employee as the caller of a service method.
func (e *Employee) Actor() Actor { return Actor{ID: e.ID, Role: e.Role} }

// Limits on employee fields.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 1024 // longer is a denial-of-service on the hash, not a better password
	maxNameLength     = 150
	maxEmailLength    = 254
	maxDepartment     = 100
	maxAnnualLeave    = 366
	maxGraceMinutes   = 720
)

// NormalizeUsername returns the key under which usernames are unique, and by
// which a login finds its user: RFC 8265's UsernameCaseMapped form of the
// name's NFKC case folding, so that names a reader cannot tell apart (ſam
// and sam, ＳＡＭ and Sam, STRASSE and straße) are one name. For a name the
// profile refuses (which no new user can have), it is the NFKC case folding
// alone.
func NormalizeUsername(u string) string {
	folded := foldUsername(u)
	if k, err := precis.UsernameCaseMapped.String(folded); err == nil {
		return k
	}
	return folded
}

// foldUsername is u's NFKC case folding: compatibility characters (ſ, ﬁ,
// full-width letters) become the letters they stand for, and case is folded
// fully (ß is ss, final ς is σ), not just lowered. It ends in lower case, as
// the profile does: folding turns the Cherokee letters to upper case, and a
// key must be its own key.
func foldUsername(u string) string {
	// Invalid UTF-8 becomes U+FFFD first, so that folding sees whole
	// characters: a stray byte must not hide the character after it.
	u = strings.ToValidUTF8(u, "\uFFFD")
	return strings.ToLower(norm.NFKC.String(cases.Fold().String(norm.NFKC.String(u))))
}

// MaxUsernameLength is the longest username, in characters.
const MaxUsernameLength = 150

// ValidateUsername checks the username rule: 3–150 letters, digits and
// @.+-_, which RFC 8265's UsernameCaseMapped profile allows, in one script
// (see mixedScripts).
func ValidateUsername(u string) string {
	n := utf8.RuneCountInString(u)
	if n < 3 || n > MaxUsernameLength {
		return "must be 3 to 150 characters"
	}
	for _, r := range u {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("@.+-_", r) {
			return "may contain only letters, digits and @ . + - _"
		}
	}
	if _, err := precis.UsernameCaseMapped.String(foldUsername(u)); err != nil {
		return "must be a username RFC 8265 allows: no characters it excludes, and one direction of writing"
	}
	if mixedScripts(u) {
		return "must not mix scripts, such as Latin letters with Cyrillic or Greek ones"
	}
	return ""
}

// mixedScripts reports whether u mixes scripts in a way that makes look-alikes
// (аdmin with a Cyrillic а): Unicode TS #39's "moderately restrictive" level
// is allowed, that is one script, or Latin with Han and Hiragana and
// Katakana, with Han and Bopomofo, or with Han and Hangul, or Latin with any
// one other script but Cyrillic and Greek. Digits, symbols and combining
// marks (the Common and Inherited scripts) go with any script.
func mixedScripts(u string) bool {
	var seen []*unicode.RangeTable
	for _, r := range u {
		if unicode.In(r, unicode.Common, unicode.Inherited) {
			continue
		}
		s := scriptOf(r)
		if s != nil && !slices.Contains(seen, s) {
			seen = append(seen, s)
		}
	}
	if len(seen) <= 1 {
		return false
	}
	for _, allowed := range [][]*unicode.RangeTable{
		{unicode.Latin, unicode.Han, unicode.Hiragana, unicode.Katakana},
		{unicode.Latin, unicode.Han, unicode.Bopomofo},
		{unicode.Latin, unicode.Han, unicode.Hangul},
	} {
		if !slices.ContainsFunc(seen, func(s *unicode.RangeTable) bool { return !slices.Contains(allowed, s) }) {
			return false
		}
	}
	if len(seen) == 2 && slices.Contains(seen, unicode.Latin) {
		return slices.Contains(seen, unicode.Cyrillic) || slices.Contains(seen, unicode.Greek)
	}
	return true
}

// scriptOf returns the script of r, or nil when Unicode assigns it none.
func scriptOf(r rune) *unicode.RangeTable {
	for _, s := range []*unicode.RangeTable{unicode.Latin, unicode.Cyrillic, unicode.Greek, unicode.Han, unicode.Hiragana, unicode.Katakana} {
		if unicode.Is(s, r) {
			return s
		}
	}
	for _, s := range unicode.Scripts {
		if unicode.Is(s, r) {
			return s
		}
	}
	return nil
}

// ValidatePassword checks the password rule: at least 8 characters, not the username.
func ValidatePassword(password, username string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return "must be at least 8 characters"
	case len(password) > MaxPasswordLength:
		return "must be at most 1024 bytes"
	case username != "" && strings.EqualFold(password, username):
		return "must not be the username"
	}
	return ""
}

// LoadLocation loads an IANA time zone by name. Unlike time.LoadLocation it
// refuses "" and "Local", which mean this machine's zone, not a place.
func LoadLocation(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, Errorf(KindInvalid, "invalid", "%q is not an IANA time zone", name)
	}
	return loadLocationCached(name)
}

// EmployeeFields are the writable fields of an employee, each nil when not
// given. Create fills the missing ones with defaults; Update changes only the
// given ones (ManagerIDSet tells a null manager_id from an absent one).
type EmployeeFields struct {
	Username         *string
	Password         *string
	Email            *string
	FirstName        *string
	LastName         *string
	Role             *Role
	ManagerID        *int64
	ManagerIDSet     bool
	Department       *string
	Timezone         *string
	WorkStart        *TimeOfDay
	WorkEnd          *TimeOfDay
	WorkDays         *Weekdays
	LateGraceMinutes *int
	AnnualLeaveDays  *float64
	HiredOn          *Date
	Active           *bool
}

// Validate checks every given field on its own; rules that involve other
// employees (scope, cycles, the last admin) are checked by CheckEmployeeChange.
func (f *EmployeeFields) Validate() error {
	var v Validator
	if f.Username != nil {
		if msg := ValidateUsername(*f.Username); msg != "" {
			v.Add("body.username", "%s", msg)
		}
	}
	if f.Password != nil {
		user := ""
		if f.Username != nil {
			user = *f.Username
		}
		if msg := ValidatePassword(*f.Password, user); msg != "" {
			v.Add("body.password", "%s", msg)
		}
	}
	if f.Email != nil && *f.Email != "" {
		a, err := mail.ParseAddress(*f.Email)
		v.Check(err == nil && a.Address == *f.Email && len(*f.Email) <= maxEmailLength && PlainText(*f.Email, false),
			"body.email", "must be an email address such as ada@example.com")
	}
	for loc, s := range map[string]*string{"body.first_name": f.FirstName, "body.last_name": f.LastName} {
		if s != nil {
			v.Check(utf8.RuneCountInString(*s) <= maxNameLength, loc, "must be at most 150 characters")
			v.Text(loc, *s, false)
		}
	}
	if f.Department != nil {
		v.Check(utf8.RuneCountInString(*f.Department) <= maxDepartment, "body.department", "must be at most 100 characters")
		v.Text("body.department", *f.Department, false)
	}
	if f.Role != nil {
		v.Check(f.Role.Valid(), "body.role", "must be employee, manager or admin")
	}
	if f.Timezone != nil {
		_, err := LoadLocation(*f.Timezone)
		v.Check(err == nil, "body.timezone", "%q is not an IANA time zone such as Europe/Berlin", *f.Timezone)
	}
	if f.WorkDays != nil {
		v.Check(*f.WorkDays != 0, "body.work_days", "must name at least one day")
	}
	if f.LateGraceMinutes != nil {
		v.Check(*f.LateGraceMinutes >= 0 && *f.LateGraceMinutes <= maxGraceMinutes, "body.late_grace_minutes", "must be between 0 and 720")
	}
	if f.AnnualLeaveDays != nil {
		d := *f.AnnualLeaveDays
		v.Check(d >= 0 && d <= maxAnnualLeave && d*2 == float64(int(d*2)), "body.annual_leave_days", "must be between 0 and 366, in steps of 0.5")
	}
	if f.ManagerIDSet && f.ManagerID != nil {
		v.Check(*f.ManagerID > 0, "body.manager_id", "must be an employee id")
	}
	return v.Err()
}

// Apply writes the given fields onto e.
func (f *EmployeeFields) Apply(e *Employee) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&e.Username, f.Username)
	set(&e.Email, f.Email)
	set(&e.FirstName, f.FirstName)
	set(&e.LastName, f.LastName)
	set(&e.Department, f.Department)
	set(&e.Timezone, f.Timezone)
	if f.Role != nil {
		e.Role = *f.Role
	}
	if f.ManagerIDSet {
		e.ManagerID = f.ManagerID
	}
	if f.WorkStart != nil {
		e.WorkStart = *f.WorkStart
	}
	if f.WorkEnd != nil {
		e.WorkEnd = *f.WorkEnd
	}
	if f.WorkDays != nil {
		e.WorkDays = *f.WorkDays
	}
	if f.LateGraceMinutes != nil {
		e.LateGraceMinutes = *f.LateGraceMinutes
	}
	if f.AnnualLeaveDays != nil {
		e.AnnualLeaveDays = *f.AnnualLeaveDays
	}
	if f.HiredOn != nil {
		e.HiredOn = *f.HiredOn
	}
	if f.Active != nil {
		e.Active = *f.Active
	}
}

// NewEmployee returns an employee with the contract's defaults: the company
// time zone, 08:00–17:00 Monday to Friday, no grace, 15 days of annual leave,
// hired today, active.
func NewEmployee(companyTZ string, now time.Time) *Employee {
	loc, err := LoadLocation(companyTZ)
	if err != nil {
		loc, companyTZ = time.UTC, "UTC"
	}
	return &Employee{
		Role:            RoleEmployee,
		Timezone:        companyTZ,
		WorkStart:       8 * 60,
		WorkEnd:         17 * 60,
		WorkDays:        MondayToFriday,
		AnnualLeaveDays: 15,
		HiredOn:         DateOf(now.In(loc)),
		Active:          true,
		CreatedAt:       now,
		UpdatedAt:       now,
		ScheduleKind:    ScheduleSimple,
	}
}

// Create returns the employee the fields make: NewEmployee's defaults with
// the fields on top. Without hired_on, they are hired on today's date in
// their own time zone (the creation date as they live it), so someone made at
// 01:00 UTC in a zone still on yesterday is not "not yet hired" on the day
// they are working.
func (f *EmployeeFields) Create(companyTZ string, now time.Time) *Employee {
	e := NewEmployee(companyTZ, now)
	f.Apply(e)
	if f.HiredOn == nil {
		if loc, err := LoadLocation(e.Timezone); err == nil {
			e.HiredOn = DateOf(now.In(loc))
		}
	}
	return e
}

// EmployeeFilter selects employees in a list.
type EmployeeFilter struct {
	Department *string
	Role       *Role
	Query      string // contained in the name, username or email, ignoring case
	Active     *bool  // nil: all
	// Ordering is one of EmployeeOrderings, with a leading "-" for
	// descending; "" is by id. Ties are broken by id.
	Ordering string
	Page
}

// EmployeeOrderings are the fields a list of employees may be ordered by
// (?ordering=name, ?ordering=-hired_on). name is the first and last name as
// shown, ignoring case.
var EmployeeOrderings = []string{"id", "name", "username", "department", "hired_on"}

// ValidEmployeeOrdering reports whether o is "" or an ordering of
// EmployeeOrderings, maybe with a leading "-".
func ValidEmployeeOrdering(o string) bool {
	o = strings.TrimPrefix(o, "-")
	for _, f := range EmployeeOrderings {
		if o == f {
			return true
		}
	}
	return o == ""
}

// Department is a department of the people in the caller's scope, with how
// many people of that scope are in it (Active of them active).
type Department struct {
	Name      string `json:"name"`
	Employees int    `json:"employees"`
	Active    int    `json:"active"`
}

// Page is a limit/offset window of a list.
type Page struct {
	Limit  int
	Offset int
}

// Pagination limits.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 500
)

// EmployeeService manages employees. Every method acts for an Actor and
// enforces the contract's roles and scope.
type EmployeeService interface {
	// FindEmployee returns an employee the actor may see (self, or in scope
	// with manager access).
	FindEmployee(ctx context.Context, actor Actor, id int64) (*Employee, error)
	// ListEmployees returns the employees in the actor's scope and the total count.
	ListEmployees(ctx context.Context, actor Actor, f EmployeeFilter) ([]*Employee, int, error)
	// CreateEmployee creates an employee; the password is required.
	CreateEmployee(ctx context.Context, actor Actor, f EmployeeFields) (*Employee, error)
	// UpdateEmployee changes the given fields of an employee in scope.
	UpdateEmployee(ctx context.Context, actor Actor, id int64, f EmployeeFields) (*Employee, error)
	// UpdateSelf changes the actor's own names and email.
	UpdateSelf(ctx context.Context, actor Actor, f EmployeeFields) (*Employee, error)
	// DeactivateEmployee deactivates an employee in scope and revokes their sessions.
	DeactivateEmployee(ctx context.Context, actor Actor, id int64) error
	// ListDepartments lists the departments of the people in the actor's
	// scope, by name, and the total count.
	ListDepartments(ctx context.Context, actor Actor, p Page) ([]Department, int, error)
	// ImportEmployees creates the employees of an import file: all or none.
	EmployeeImporter
}

// LegacyUsernameKey is the key usernames had before NormalizeUsername
// followed RFC 8265 (schema version 3 and earlier): the name lower-cased.
// Users whose names became one name then keep it (see RekeyUsernames).
func LegacyUsernameKey(u string) string { return strings.ToLower(u) }

// StoredUsername is a user's name and the key it is stored under.
type StoredUsername struct {
	ID       int64
	Username string
	Key      string
}

// UsernameCollision is users whose usernames are one name under
// NormalizeUsername (sam and ſam) but were created apart under an older
// key. Holder has the key; each of Others keeps the key it had, so that
// everyone still signs in as before, until an admin renames all but one.
type UsernameCollision struct {
	Key    string
	Holder StoredUsername
	Others []StoredUsername
}

// Message describes the collision for an admin.
func (c UsernameCollision) Message() string {
	names := make([]string, 0, 1+len(c.Others))
	for _, u := range append([]StoredUsername{c.Holder}, c.Others...) {
		names = append(names, fmt.Sprintf("%q (id %d)", u.Username, u.ID))
	}
	return fmt.Sprintf("The usernames %s are now one name (%q), as usernames compare by RFC 8265: "+
		"each still signs in, but only %q can be created or renamed to; rename the others to decide who is who",
		strings.Join(names, ", "), c.Key, c.Holder.Username)
}

// NotifyUsernameCollision tells the admins of a UsernameCollision.
const NotifyUsernameCollision NotificationKind = "username_collision"

// Notifications returns the notification of the collision for each admin.
func (c UsernameCollision) Notifications(admins []int64) []Notification {
	ids := []int64{c.Holder.ID}
	for _, u := range c.Others {
		ids = append(ids, u.ID)
	}
	return NewNotification(NotifyUsernameCollision, "username_collision:"+c.Key, c.Others[0].ID, c.Message(),
		map[string]any{"key": c.Key, "employee_ids": ids}, admins)
}

// RekeyUsernames returns the key under which each user (by id) is to be
// stored when NormalizeUsername has changed, and the users whose names became
// one name. Each name's new key goes to the user who already has it, or else
// to the first created; the others keep their key (or, in the unlikely case
// that it is now another name's key, one no name has), so that no account
// stops working and nothing is decided for the admins.
func RekeyUsernames(users []StoredUsername) (map[int64]string, []UsernameCollision) {
	byKey := map[string][]StoredUsername{}
	var order []string
	for _, u := range users {
		k := NormalizeUsername(u.Username)
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], u)
	}
	keys := make(map[int64]string, len(users))
	var collisions []UsernameCollision
	var kept []StoredUsername
	for _, k := range order {
		group := byKey[k]
		holder := slices.IndexFunc(group, func(u StoredUsername) bool { return u.Key == k })
		if holder < 0 {
			holder = 0
			for i, u := range group {
				if u.ID < group[holder].ID {
					holder = i
				}
			}
		}
		keys[group[holder].ID] = k
		if len(group) == 1 {
			continue
		}
		c := UsernameCollision{Key: k, Holder: group[holder]}
		for i, u := range group {
			if i != holder {
				c.Others = append(c.Others, u)
				kept = append(kept, u)
			}
		}
		collisions = append(collisions, c)
	}
	for _, u := range kept {
		if _, taken := byKey[u.Key]; taken {
			keys[u.ID] = fmt.Sprintf("legacy:%d:%s", u.ID, u.Key) // no name's key: names hold no ':'
		} else {
			keys[u.ID] = u.Key
		}
	}
	return keys, collisions
}
