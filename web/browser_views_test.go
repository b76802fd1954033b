package web_test

// Browser tests of the views beyond the dashboard (people, a person's
// record, holidays, leave history, the team calendar, the account), each
// flow as a user does it, on the server and browser that TestBrowser
// started. Each also runs at a phone's width (390 pixels).

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// goTo opens a route (a hash like "#/people") and waits for its view.
func (tb *tab) goTo(hash, view string) {
	tb.t.Helper()
	eval[chromedp.Void](tb, `location.hash = `+jsString(hash))
	if view == "" {
		tb.wait("the home view", `!document.getElementById('home-view').hidden && !document.getElementById('app-view').hidden`)
		return
	}
	tb.wait("the "+view+" view", fmt.Sprintf(`document.querySelector('#view-outlet [data-view=%q]') && !document.getElementById('app-view').hidden`, view))
}

// navTo follows the main navigation's link to a section, as a user does.
func (tb *tab) navTo(section, view string) {
	tb.t.Helper()
	if eval[bool](tb, `getComputedStyle(document.getElementById('nav-toggle')).display !== 'none'`) {
		tb.click("#nav-toggle")
	}
	tb.click(fmt.Sprintf(`#nav-list [data-testid="nav-%s"]`, section))
	tb.wait("the "+view+" view", fmt.Sprintf(`document.querySelector('#view-outlet [data-view=%q]')`, view))
	if got := eval[string](tb, `document.querySelector('#nav-list [aria-current="page"]')?.dataset.nav ?? ''`); got != section {
		tb.t.Errorf("the navigation marks %q as current, want %q", got, section)
	}
	// Keyboard and screen-reader users start on the new view's heading.
	tb.wait("the focus on the view's heading", `document.activeElement && document.activeElement.tagName === 'H1' && document.activeElement.closest('#view-outlet')`)
}

// viewport resizes the tab (a phone: 390×844, mobile) and waits for the layout.
func (tb *tab) viewport(width, height int64, mobile bool) {
	tb.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	tb.do(fmt.Sprintf("resize to %d", width), chromedp.EmulateViewport(width, height, opts...))
	tb.wait(fmt.Sprintf("the page %d pixels wide", width), fmt.Sprintf(`new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok(window.innerWidth === %d))))`, width))
}

// checkPhone shows the current view at a phone's width: the page itself
// must not scroll sideways (wide tables scroll in their own box), the
// navigation folds into its Menu button, and nothing is unlabelled.
func (tb *tab) checkPhone(what string) {
	tb.t.Helper()
	tb.viewport(390, 844, true)
	defer tb.viewport(1280, 800, false)
	if over := eval[int](tb, `document.documentElement.scrollWidth - window.innerWidth`); over > 1 {
		wide := eval[[]string](tb, `[...document.querySelectorAll('#view-outlet *, #home-view *')].filter((n) => n.getBoundingClientRect().right > window.innerWidth + 1 && n.getClientRects().length && !n.closest('.table-wrap, .cal-wrap')).slice(0, 5).map((n) => n.tagName + (n.id ? '#' + n.id : '') + '.' + n.className)`)
		tb.t.Errorf("%s at 390 px: the page is %d px wider than the screen (%v)", what, over, wide)
	}
	if !eval[bool](tb, `getComputedStyle(document.getElementById('nav-toggle')).display !== 'none' && document.getElementById('nav-list').getClientRects().length === 0`) {
		tb.t.Errorf("%s at 390 px: the navigation is not folded into its Menu button", what)
	}
	for _, p := range eval[[]string](tb, a11yJS) {
		tb.t.Errorf("%s at 390 px: %s", what, p)
	}
}

// viewTests runs the flows of the views; TestBrowser calls it with its
// server, browser, seeded company and the manager's tab.
func viewTests(t *testing.T, b *browser, srv *server, w *world, mgr *tab, shots bool) {
	shot := func(tb *tab, name string, phone bool) {
		if !shots {
			return
		}
		if phone {
			tb.screenshot(filepath.Join("..", "docs", "screenshots", name+"-phone.png"), 390, 844, true)
		} else {
			tb.screenshot(filepath.Join("..", "docs", "screenshots", name+"-desktop.png"), 1280, 800, false)
		}
	}
	adm := b.newTab(t, "admin")
	adm.login("admin", srv.adminPassword)
	admin := w.admin.user
	if err := w.admin.do("GET", "/api/users/me/", nil, http.StatusOK, &admin); err != nil {
		t.Fatal(err)
	}
	const kimPassword, kimNewPassword = "first-pass-42", "second-pass-42"
	var kim employee

	// An admin adds a person on the page: the contract's defaults are
	// there, a field the server refuses says why next to it, and the
	// person then signs in.
	if !t.Run("AdminAddsPerson", func(t *testing.T) {
		adm := adm.in(t)
		adm.navTo("people", "people")
		adm.wait("the people list", fmt.Sprintf(`document.querySelector('#people-table [data-testid="people-row-%d"]')`, w.people["gus"].ID))
		if got, want := eval[int](adm, `document.querySelectorAll('#people-table tbody tr[data-id]').length`), len(w.people)+1; got != want {
			t.Errorf("the people list has %d rows, want %d (everyone and the admin)", got, want)
		}
		adm.setValue("#people-department", "Engineering")
		adm.click("#people-search")
		adm.wait("the list filtered to Engineering", `document.querySelectorAll('#people-table tbody tr[data-id]').length === 3`)
		adm.setValue("#people-q", "ben")
		adm.click("#people-search")
		adm.wait("Ben alone", fmt.Sprintf(`document.querySelectorAll('#people-table tbody tr[data-id]').length === 1 && document.querySelector('[data-testid="people-row-%d"]')`, w.people["ben"].ID))
		if hash := eval[string](adm, `location.hash`); !strings.Contains(hash, "q=ben") || !strings.Contains(hash, "department=Engineering") {
			t.Errorf("the filters are not in the address: %q", hash)
		}
		adm.setValue("#people-q", "")
		adm.setValue("#people-department", "")
		adm.click("#people-search")
		adm.wait("the whole list again", fmt.Sprintf(`document.querySelectorAll('#people-table tbody tr[data-id]').length === %d`, len(w.people)+1))

		adm.click("#people-add")
		adm.wait("the add form", `document.getElementById('pf-username') === document.activeElement`)
		type defaults struct {
			Start, End, Grace, Allowance, Manager, Zone string
			Days                                        []string
		}
		got := eval[defaults](adm, `({
			Start: document.getElementById('pf-work-start').value, End: document.getElementById('pf-work-end').value,
			Grace: document.getElementById('pf-grace').value, Allowance: document.getElementById('pf-allowance').value,
			Manager: document.getElementById('pf-manager').value, Zone: document.getElementById('pf-timezone').value,
			Days: [...document.querySelectorAll('#pf-work-days input:checked')].map((n) => n.value),
		})`)
		if got.Start != "08:00" || got.End != "17:00" || got.Grace != "0" || got.Allowance != "15" ||
			strings.Join(got.Days, ",") != "mon,tue,wed,thu,fri" || !strings.HasSuffix(got.Manager, fmt.Sprintf("#%d", admin.ID)) {
			t.Errorf("the add form's defaults = %+v, want 08:00–17:00, Mon–Fri, grace 0, 15 days, manager = the admin", got)
		}

		// A username the server refuses: its words next to the field.
		p := w.admin.problem("POST", "/api/employees/", map[string]any{"username": "k", "password": kimPassword}, http.StatusUnprocessableEntity)
		var msg string
		for _, e := range p.Errors {
			if e.Location == "body.username" {
				msg = e.Message
			}
		}
		if msg == "" {
			t.Fatalf("the server's problem %+v names no body.username", p)
		}
		adm.setValue("#pf-username", "k")
		adm.setValue("#pf-password", kimPassword)
		adm.setValue("#pf-first-name", "Kim")
		adm.setValue("#pf-last-name", "Ito")
		adm.setValue("#pf-department", "Support")
		adm.click("#pf-save")
		adm.wait("the username's error next to it", `document.getElementById('pf-username-error').textContent.trim() !== ''`)
		if got := adm.text("#pf-username-error"); got != msg {
			t.Errorf("#pf-username-error = %q, want the server's %q", got, msg)
		}
		if eval[string](adm, `document.getElementById('pf-username').getAttribute('aria-invalid')`) != "true" {
			t.Errorf("the username field is not marked invalid")
		}
		if !eval[bool](adm, `document.activeElement === document.getElementById('pf-username')`) {
			t.Errorf("the focus is not on the invalid field")
		}
		if !eval[bool](adm, `document.getElementById('pf-username').getAttribute('aria-describedby').split(' ').includes('pf-username-error')`) {
			t.Errorf("the field's error is not tied to it with aria-describedby")
		}

		adm.setValue("#pf-username", "kim")
		adm.click("#pf-save")
		adm.wait("Kim's record", `document.querySelector('#view-outlet [data-view="person"]') && document.getElementById('person-name').textContent === 'Kim Ito'`)
		id, _ := strconv.ParseInt(eval[string](adm, `document.querySelector('[data-view="person"]').dataset.employeeId`), 10, 64)
		w.admin.mustDo("GET", fmt.Sprintf("/api/employees/%d/", id), nil, http.StatusOK, &kim)
		var full struct {
			ManagerID       *int64  `json:"manager_id"`
			Timezone        string  `json:"timezone"`
			AnnualLeaveDays float64 `json:"annual_leave_days"`
			Department      string  `json:"department"`
		}
		w.admin.mustDo("GET", fmt.Sprintf("/api/employees/%d/", id), nil, http.StatusOK, &full)
		if kim.Username != "kim" || full.ManagerID == nil || *full.ManagerID != admin.ID || full.Timezone != w.loc.String() ||
			kim.WorkStart != "08:00" || full.AnnualLeaveDays != 15 || full.Department != "Support" {
			t.Errorf("the server has %+v %+v, want kim reporting to the admin in the company's zone %s", kim, full, w.loc)
		}

		kimTab := b.newTab(t, "kim")
		kimTab.login("kim", kimPassword)
		if got := kimTab.text("#whoami"); !strings.Contains(got, "Kim Ito") {
			t.Errorf("Kim's page says %q", got)
		}
		if n := eval[int](kimTab, `document.querySelectorAll('#nav-list a').length`); n != 6 {
			t.Errorf("an employee's navigation has %d links, want 6 (home, balance, corrections, holidays, account, settings)", n)
		}
		// The leave ledger: an admin adds a type with monthly accrual and sees
		// what a year credits; Kim reads why her balance is what it is.
		adm.goTo("#/leave-types", "leave-types")
		adm.wait("the leave types", `document.getElementById('lt-table').dataset.loaded === 'true'`)
		adm.setValue("#lt-code", "study")
		adm.setValue("#lt-name", "Study leave")
		adm.setValue("#lt-allowance", "15")
		adm.setValue("#lt-accrual", "monthly")
		adm.click("#lt-submit")
		adm.wait("the new type", `document.querySelector('#lt-table tr[data-code="study"]') !== null`)
		if got := adm.text(`#lt-table tr[data-code="study"]`); !strings.Contains(got, "18") {
			t.Errorf("the study row %q, want 18 days credited a year (15 ÷ 12 rounded up to 1.5, twelve times)", got)
		}
		kimTab.goTo("#/balance", "ledger")
		kimTab.wait("Kim's ledger", `document.getElementById('ledger-table').dataset.loaded !== undefined`)
		if got := kimTab.text("#ledger-table"); !strings.Contains(got, "Yearly allowance") {
			t.Errorf("Kim's ledger %q, want her yearly allowance", got)
		}
		if got := kimTab.text("#ledger-balances-table"); !strings.Contains(got, "study") || !strings.Contains(got, "annual") {
			t.Errorf("Kim's balances %q, want annual and study", got)
		}
		adm.goTo("#/people", "people")
		adm.click(fmt.Sprintf(`[data-testid="people-row-%d"] a`, kim.ID))
		adm.wait("Kim's record, from the list", fmt.Sprintf(`document.querySelector('[data-view="person"]')?.dataset.employeeId === '%d' && document.getElementById('person-name').textContent === 'Kim Ito'`, kim.ID))
		adm.goTo("#/people", "people")
		adm.checkPhone("the people list")

		// On a phone the navigation is one Menu button that opens and closes.
		adm.viewport(390, 844, true)
		adm.click("#nav-toggle")
		adm.wait("the menu open", `document.getElementById('nav-toggle').getAttribute('aria-expanded') === 'true' && document.querySelector('#nav-list [data-testid="nav-holidays"]').getClientRects().length > 0`)
		if got := adm.text("#nav-toggle"); got != "Menu: People" {
			t.Errorf("the menu button reads %q, want it to name the view shown", got)
		}
		eval[chromedp.Void](adm, `document.getElementById('nav-list').querySelector('a').focus()`)
		adm.do("press Escape", chromedp.KeyEvent("\x1b"))
		adm.wait("the menu closed, the focus back on its button", `document.getElementById('nav-toggle').getAttribute('aria-expanded') === 'false' && document.activeElement.id === 'nav-toggle'`)
		adm.viewport(1280, 800, false)
		shot(adm, "people", false)
	}) {
		t.FailNow()
	}

	// A user changes their password: a wrong current password is said next
	// to it, then the change works and the old password no longer does.
	t.Run("PasswordChange", func(t *testing.T) {
		kt := b.newTab(t, "kim-account")
		kt.login("kim", kimPassword)
		// The navigation shows what the server's `can` allows: an employee
		// has no People, Leave history or Team calendar.
		nav := eval[[]string](kt, `[...document.querySelectorAll('#nav-list a')].map((a) => a.dataset.nav)`)
		for _, section := range []string{"people", "leave", "calendar"} {
			if slices.Contains(nav, section) {
				t.Errorf("an employee's navigation has %q: %v", section, nav)
			}
		}
		if !slices.Contains(nav, "account") {
			t.Errorf("an employee's navigation lacks the account: %v", nav)
		}
		kt.navTo("account", "account")
		kt.wait("the server's password rule", `document.getElementById('password-new-hint').textContent.includes('characters')`)
		if got := kt.text("#password-new-hint"); !strings.Contains(got, "8 characters") || !strings.Contains(got, "kim") {
			t.Errorf("the password's rules read %q", got)
		}
		kt.setValue("#password-old", "not-my-password")
		kt.setValue("#password-new", kimNewPassword)
		kt.setValue("#password-repeat", kimNewPassword)
		kt.click("#password-submit")
		kt.wait("the wrong current password said next to it", `document.getElementById('password-old-error').textContent.trim() !== ''`)
		kt.checkPhone("the account page")
		shot(kt, "account", true)

		kt.setValue("#password-old", kimPassword)
		kt.setValue("#password-new", kimNewPassword)
		kt.setValue("#password-repeat", kimNewPassword)
		kt.click("#password-submit")
		kt.wait("the change confirmed", `document.getElementById('password-success').textContent.includes('changed')`)
		if got := kt.text("#password-old-error"); got != "" {
			t.Errorf("#password-old-error still says %q", got)
		}
		// Still signed in here; the old password no longer signs in.
		kt.goTo("#/", "")
		kt.click("#logout")
		kt.wait("the login form", `!document.getElementById('login-view').hidden`)
		kt.setValue("#login-username", "kim")
		kt.setValue("#login-password", kimPassword)
		kt.click("#login-submit")
		kt.wait("the old password refused", `document.getElementById('login-error').textContent.trim() !== ''`)
		if !eval[bool](kt, `document.getElementById('app-view').hidden`) {
			t.Errorf("the old password signed in")
		}
		(&apiClient{t: t, base: srv.URL()}).problem("POST", "/api/users/login/", map[string]string{"username": "kim", "password": kimPassword}, http.StatusUnauthorized)
		kt.setValue("#login-password", kimNewPassword)
		kt.click("#login-submit")
		kt.wait("signed in with the new password", `!document.getElementById('app-view').hidden && document.getElementById('whoami').dataset.username === 'kim'`)
	})

	// An admin resets a password on a record, deactivates the person (who
	// can then no longer sign in) and reactivates them.
	t.Run("AdminResetsDeactivatesReactivates", func(t *testing.T) {
		adm := adm.in(t)
		const reset = "third-pass-42"
		anon := &apiClient{t: t, base: srv.URL()}
		adm.goTo(fmt.Sprintf("#/people/%d", kim.ID), "person")
		adm.wait("Kim's record", `document.getElementById('person-name').textContent === 'Kim Ito' && document.getElementById('person-reset')`)
		adm.click("#person-reset")
		adm.setValue("#person-new-password", reset)
		adm.click("#person-reset-submit")
		adm.wait("the reset done", `document.getElementById('person-reset') && !document.getElementById('person-reset-form')`)
		anon.mustDo("POST", "/api/users/login/", map[string]string{"username": "kim", "password": reset}, http.StatusOK, nil)

		adm.click("#person-deactivate")
		adm.click("#person-deactivate-confirm")
		adm.wait("Kim deactivated", `document.getElementById('person-reactivate') && document.querySelector('[data-testid="person-status"]').textContent.startsWith('Deactivated')`)
		anon.problem("POST", "/api/users/login/", map[string]string{"username": "kim", "password": reset}, http.StatusUnauthorized)
		adm.goTo("#/people?active=false", "people")
		adm.wait("Kim among the deactivated", fmt.Sprintf(`document.querySelector('[data-testid="people-row-%d"]') && document.getElementById('people-active').value === 'false'`, kim.ID))

		adm.goTo(fmt.Sprintf("#/people/%d", kim.ID), "person")
		adm.click("#person-reactivate")
		adm.wait("Kim active again", `document.getElementById('person-deactivate') && document.querySelector('[data-testid="person-status"]').textContent === 'Active'`)
		anon.mustDo("POST", "/api/users/login/", map[string]string{"username": "kim", "password": reset}, http.StatusOK, nil)
	})

	// An admin keeps the holiday list: add one, see the server's 409 for a
	// second on that date, delete it.
	t.Run("Holidays", func(t *testing.T) {
		adm := adm.in(t)
		next := w.today.Year() + 1
		d := time.Date(next, time.August, 17, 0, 0, 0, 0, time.UTC)
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			d = d.AddDate(0, 0, 1) // a working day of the admin's (Mon–Fri)
		}
		date := day(d)
		adm.navTo("holidays", "holidays")
		adm.wait("this year's holidays", fmt.Sprintf(`document.getElementById('holidays-table').dataset.year === '%d'`, w.today.Year()))
		adm.click("#holidays-next")
		adm.wait("next year's holidays", fmt.Sprintf(`document.getElementById('holidays-table').dataset.year === '%d' && !document.getElementById('holidays-table').hasAttribute('aria-busy')`, next))
		adm.setValue("#holiday-date", date)
		adm.setValue("#holiday-name", "Harbour Day")
		adm.click("#holiday-add-submit")
		row := fmt.Sprintf(`#holidays-table tr[data-date=%q]`, date)
		adm.wait("the new holiday listed", `document.querySelector('`+row+`')?.textContent.includes('Harbour Day')`)
		var list struct {
			Results []struct {
				ID   int64  `json:"id"`
				Date string `json:"date"`
				Name string `json:"name"`
			} `json:"results"`
		}
		w.admin.mustDo("GET", fmt.Sprintf("/api/holidays/?year=%d", next), nil, http.StatusOK, &list)
		if len(list.Results) != 1 || list.Results[0].Date != date || list.Results[0].Name != "Harbour Day" {
			t.Fatalf("the server has %+v, want Harbour Day on %s", list.Results, date)
		}

		p := w.admin.problem("POST", "/api/holidays/", map[string]string{"date": date, "name": "Second"}, http.StatusConflict)
		adm.setValue("#holiday-date", date)
		adm.setValue("#holiday-name", "Second")
		adm.click("#holiday-add-submit")
		adm.wait("the conflict said", `document.getElementById('holiday-error').textContent.trim() !== ''`)
		if got := adm.text("#holiday-error"); !strings.Contains(got, p.Detail) {
			t.Errorf("#holiday-error = %q, want the server's %q", got, p.Detail)
		}
		if got := adm.text("#holiday-date-error"); got != p.Detail {
			t.Errorf("#holiday-date-error = %q, want the server's %q", got, p.Detail)
		}
		adm.checkPhone("the holidays")

		// The leave form, which counts working days, knows the new holiday.
		adm.goTo("#/", "")
		adm.setValue("#leave-start", date)
		adm.setValue("#leave-end", date)
		adm.wait("the server refusing a leave on the holiday alone", `/holds no working day/.test(document.getElementById('leave-cost-hint').textContent)`)
		adm.goTo("#/holidays", "holidays")
		adm.click("#holidays-next")
		adm.wait("next year's holidays", fmt.Sprintf(`document.getElementById('holidays-table').dataset.year === '%d' && document.querySelector('`+row+`')`, next))

		del := fmt.Sprintf(`[data-testid="holiday-delete-%d"]`, list.Results[0].ID)
		adm.click(del)
		adm.click(del) // the second press deletes
		adm.wait("the holiday gone", `!document.querySelector('`+row+`')`)
		w.admin.mustDo("GET", fmt.Sprintf("/api/holidays/?year=%d", next), nil, http.StatusOK, &list)
		if len(list.Results) != 0 {
			t.Errorf("the server still has %+v", list.Results)
		}
	})

	// A manager opens a report's record (from the board, the overview and a
	// notification), records a forgotten exit with a note, is told in words
	// when an event would break the sequence, voids a wrong entry, and the
	// overview changes accordingly.
	t.Run("ManagerCorrectsRecord", func(t *testing.T) {
		mgr := mgr.in(t)
		// Ivan works in another time zone than the company and the browser
		// (with a half-hour offset): the page must use his. Two of his days
		// in one month before today: he forgot to clock out on the first; on
		// the second he clocked in again by mistake at 16:30.
		const ivanZone = "Asia/Kolkata"
		loc, err := time.LoadLocation(ivanZone)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().In(loc)
		d2 := time.Date(now.Year(), now.Month(), now.Day()-1, 0, 0, 0, 0, loc)
		d1 := d2.AddDate(0, 0, -1)
		if d1.Month() != d2.Month() {
			d2, d1 = d1, d1.AddDate(0, 0, -1)
		}
		at := func(d time.Time, h, m int) time.Time {
			return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc)
		}
		ivan := w.mgr.mustCreate(map[string]any{
			"username": "ivan", "password": password, "first_name": "Ivan", "last_name": "Horvat",
			"department": "Support", "hired_on": day(d1.AddDate(0, 0, -30)), "timezone": ivanZone,
		})
		// The second day first: an entry may then come before an entry of a later date.
		w.mgr.record(ivan.ID, "entry", at(d2, 8, 0))
		w.mgr.record(ivan.ID, "exit", at(d2, 16, 0))
		w.mgr.record(ivan.ID, "entry", at(d2, 16, 30))
		w.mgr.record(ivan.ID, "entry", at(d1, 8, 0))
		var events struct {
			Results []attendanceEvent `json:"results"`
		}
		w.mgr.mustDo("GET", fmt.Sprintf("/api/attendance/?employee_id=%d", ivan.ID), nil, http.StatusOK, &events)
		var wrong int64
		for _, e := range events.Results {
			if e.Timestamp.Equal(at(d2, 16, 30)) {
				wrong = e.ID
			}
		}
		type row struct {
			Hours, Open string
		}
		overviewRow := func() row {
			mgr.goTo("#/", "")
			mgr.setValue("#overview-from", day(d1))
			mgr.setValue("#overview-to", day(d2))
			eval[chromedp.Void](mgr, `delete document.getElementById('overview-table').dataset.from`)
			mgr.click("#overview-load")
			mgr.wait("the overview of the two days", fmt.Sprintf(`document.getElementById('overview-table').dataset.from === %q && document.querySelector('[data-testid="overview-row-%d"]')`, day(d1), ivan.ID))
			return eval[row](mgr, fmt.Sprintf(`(() => {
				const r = document.querySelector('[data-testid="overview-row-%d"]');
				return { Hours: r.querySelector('td[data-label="Hours worked"]').textContent, Open: r.querySelector('td[data-label="Open sessions"]').textContent };
			})()`, ivan.ID))
		}
		if got := overviewRow(); got != (row{"8", "2"}) {
			t.Fatalf("before the corrections the overview says %+v, want 8 hours and 2 open sessions", got)
		}

		// From the overview.
		mgr.click(fmt.Sprintf(`[data-testid="overview-row-%d"] a`, ivan.ID))
		mgr.wait("Ivan's record", `document.getElementById('person-name')?.textContent === 'Ivan Horvat'`)
		// From the board.
		mgr.goTo("#/", "")
		mgr.click("#board-refresh")
		link := fmt.Sprintf(`#board a[data-employee-id="%d"]`, ivan.ID)
		mgr.wait("Ivan on the board", `document.querySelector('`+link+`')`)
		eval[chromedp.Void](mgr, `document.querySelector('.board-off').open = true`) // Ivan may be off today
		mgr.click(link)
		mgr.wait("Ivan's record", fmt.Sprintf(`document.querySelector('[data-view="person"]')?.dataset.employeeId === '%d' && document.getElementById('person-name').textContent === 'Ivan Horvat'`, ivan.ID))
		if month := d1.Format("2006-01"); eval[string](mgr, `document.getElementById('person-month-label').dataset.month`) != month {
			mgr.click("#person-month-prev")
			mgr.wait("the month of the two days", fmt.Sprintf(`document.getElementById('person-events').dataset.month === %q`, month))
		}
		mgr.wait("Ivan's events", fmt.Sprintf(`document.querySelector('[data-testid="event-row-%d"]')`, wrong))
		sum := func(k string) string {
			return eval[string](mgr, fmt.Sprintf(`document.getElementById('person-sum-%s').dataset.value`, k))
		}
		openBefore := sum("open_sessions")

		mgr.click("#person-record-toggle")
		mgr.setValue("#record-type", "entry")
		mgr.setValue("#record-date", day(d1))
		mgr.setValue("#record-time", "12:00")
		mgr.setValue("#record-note", "Came back from lunch")
		mgr.click("#record-submit")
		mgr.wait("the sequence error in words", `document.getElementById('record-error').textContent.trim() !== ''`)
		if got, want := mgr.text("#record-error"), "Ivan is already clocked in since 08:00."; !strings.Contains(got, want) {
			t.Errorf("#record-error = %q, want it to say %q", got, want)
		}

		mgr.setValue("#record-type", "exit")
		mgr.setValue("#record-time", "17:00")
		mgr.setValue("#record-note", "Forgot to clock out; confirmed by Ivan")
		mgr.click("#record-submit")
		mgr.wait("the exit in the log", `[...document.querySelectorAll('#person-events tr[data-type="exit"]')].some((r) => r.textContent.includes('Forgot to clock out'))`)
		if got := mgr.text("#record-error"); got != "" {
			t.Errorf("#record-error = %q after the exit", got)
		}
		exitRow := eval[string](mgr, `[...document.querySelectorAll('#person-events tr[data-type="exit"]')].find((r) => r.textContent.includes('Forgot to clock out')).textContent`)
		if !strings.Contains(exitRow, "By Maria Santos") || !strings.Contains(exitRow, "17:00") {
			t.Errorf("the recorded exit reads %q, want it at 17:00, by Maria Santos with her note", exitRow)
		}
		w.mgr.mustDo("GET", fmt.Sprintf("/api/attendance/?employee_id=%d", ivan.ID), nil, http.StatusOK, &events)
		if !slices.ContainsFunc(events.Results, func(e attendanceEvent) bool { return e.Type == "exit" && e.Timestamp.Equal(at(d1, 17, 0)) }) {
			t.Errorf("the server has %+v, want an exit at 17:00 in %s on %s", events.Results, ivanZone, day(d1))
		}
		mgr.wait("the month's open sessions down by one", fmt.Sprintf(`document.getElementById('person-sum-open_sessions').dataset.value === '%d'`, mustAtoi(openBefore)-1))

		mgr.click(fmt.Sprintf(`[data-testid="void-%d"]`, wrong))
		mgr.setValue(fmt.Sprintf(`[data-testid="void-note-%d"]`, wrong), "Clocked in by mistake on the way out")
		mgr.click(fmt.Sprintf(`[data-testid="void-confirm-%d"]`, wrong))
		voided := fmt.Sprintf(`[data-testid="event-row-%d"]`, wrong)
		mgr.wait("the entry struck through", `document.querySelector('`+voided+`')?.dataset.voided === 'true'`)
		if !eval[bool](mgr, `!!document.querySelector('`+voided+` del') && getComputedStyle(document.querySelector('`+voided+` td.struck')).textDecorationLine.includes('line-through')`) {
			t.Errorf("the voided entry is not struck through")
		}
		if got := mgr.text(voided); !strings.Contains(got, "By Maria Santos") || !strings.Contains(got, "Clocked in by mistake") {
			t.Errorf("the voided row reads %q, want who voided it and why", got)
		}
		mgr.wait("no open session left", `document.getElementById('person-sum-open_sessions').dataset.value === '0'`)
		mgr.checkPhone("a person's record")
		shot(mgr, "person", false)
		shot(mgr, "person", true)

		if got := overviewRow(); got != (row{"17", "0"}) {
			t.Errorf("after the corrections the overview says %+v, want 17 hours and no open session", got)
		}

		// From a notification: Ivan asks for leave.
		ivc := login(t, srv.URL(), "ivan", password)
		next := d2.AddDate(0, 0, 21)
		for next.Weekday() == time.Saturday || next.Weekday() == time.Sunday || day(next) == w.holiday {
			next = next.AddDate(0, 0, 1)
		}
		ivc.mustDo("POST", "/api/leaves/request/", map[string]any{"leave_type": "unpaid", "start_date": day(next), "end_date": day(next)}, http.StatusCreated, nil)
		open := mgr.wait("the notification's link to Ivan's record", fmt.Sprintf(`(() => {
			const a = [...document.querySelectorAll('#notifications [data-kind="leave_requested"] a[data-testid^="notification-open-"]')].find((a) => a.getAttribute('href') === '#/people/%d');
			return a ? a.dataset.testid : '';
		})()`, ivan.ID))
		mgr.click(fmt.Sprintf(`[data-testid=%s]`, open))
		mgr.wait("Ivan's record", fmt.Sprintf(`document.querySelector('[data-view="person"]')?.dataset.employeeId === '%d'`, ivan.ID))
		mgr.goTo("#/", "")
	})

	// A manager opens a report's record and reads their month day by day:
	// the server's status of each date said in words, month by month, at a
	// phone's width too. Last week Dev was 10 minutes late on Tuesday and
	// on sick leave on Thursday; Eva was absent on Tuesday.
	t.Run("ManagerReadsMonth", func(t *testing.T) {
		mgr := mgr.in(t)
		lastMonday, err := time.ParseInLocation(dateLayout, w.weekFrom, w.loc)
		if err != nil {
			t.Fatal(err)
		}
		open := func(who employee, month string) {
			t.Helper()
			mgr.goTo(fmt.Sprintf("#/people/%d?month=%s", who.ID, month), "person")
			mgr.wait(month+" day by day", fmt.Sprintf(`document.querySelector('[data-view="person"]')?.dataset.employeeId === '%d' && document.getElementById('person-days')?.dataset.month === %q && !document.getElementById('person-days').hasAttribute('aria-busy')`, who.ID, month))
		}
		type dayRow struct {
			Status, Text, Mark, Late string
		}
		rowOf := func(date string) dayRow {
			return eval[dayRow](mgr, fmt.Sprintf(`(() => {
				const r = document.querySelector('#person-days [data-testid="day-%s"]');
				return r ? { Status: r.dataset.status, Text: r.textContent, Mark: r.querySelector('.day-mark')?.textContent || '',
					Late: r.querySelector('.day-late-minutes').textContent } : {};
			})()`, date))
		}
		for _, c := range []struct {
			who    string
			date   time.Time
			status string
			words  []string
		}{
			{"dev", lastMonday.AddDate(0, 0, 1), "late", []string{"Late"}},
			{"dev", lastMonday.AddDate(0, 0, 3), "leave", []string{"On leave", "Sick leave"}},
			{"eva", lastMonday.AddDate(0, 0, 1), "absent", []string{"Absent"}},
			{"chloe", lastMonday.AddDate(0, 0, 2), "worked", []string{"Worked", "9 h 30"}},
		} {
			who := w.people[c.who]
			open(who, c.date.Format("2006-01"))
			got := rowOf(day(c.date))
			if got.Status != c.status || got.Mark == "" {
				t.Errorf("%s's %s reads %+v, want status %s with a mark beside the colour", c.who, day(c.date), got, c.status)
			}
			if c.status == "late" && got.Late != "10" {
				t.Errorf("%s's %s has %q late minutes, want 10", c.who, day(c.date), got.Late)
			}
			for _, word := range c.words {
				if !strings.Contains(got.Text, word) {
					t.Errorf("%s's %s reads %q, want %q in it", c.who, day(c.date), got.Text, word)
				}
			}
		}

		// The page shows every date as the server says it.
		dev := w.people["dev"]
		month := lastMonday.AddDate(0, 0, 1).Format("2006-01")
		open(dev, month)
		var days struct {
			From, To string
			Results  []struct {
				Date, Status string
			} `json:"results"`
		}
		w.mgr.mustDo("GET", fmt.Sprintf("/api/attendance/days/?employee_id=%d&from=%s-01&limit=62", dev.ID, month), nil, http.StatusOK, &days)
		shown := eval[map[string]string](mgr, `Object.fromEntries([...document.querySelectorAll('#person-days tbody tr[data-date]')].map((r) => [r.dataset.date, r.dataset.status]))`)
		if len(shown) != len(days.Results) || len(shown) < 28 {
			t.Errorf("the month shows %d dates, the server has %d", len(shown), len(days.Results))
		}
		for _, r := range days.Results {
			if shown[r.Date] != r.Status {
				t.Errorf("%s shows %q, the server says %q", r.Date, shown[r.Date], r.Status)
			}
		}

		// Month by month.
		prev := eval[string](mgr, `document.getElementById('person-month-label').textContent`)
		mgr.click("#person-month-next")
		next, _ := time.Parse("2006-01", month)
		nextMonth := next.AddDate(0, 1, 0).Format("2006-01")
		mgr.wait("the next month day by day", fmt.Sprintf(`document.getElementById('person-days').dataset.month === %q && document.querySelector('#person-days [data-testid="day-%s-01"]')`, nextMonth, nextMonth))
		if label := eval[string](mgr, `document.getElementById('person-month-label').textContent`); label == prev {
			t.Errorf("the month's label stayed %q", label)
		}
		mgr.click("#person-month-prev")
		mgr.wait("the month again", fmt.Sprintf(`document.getElementById('person-days').dataset.month === %q && document.querySelector('#person-days [data-testid="day-%s-01"]')`, month, month))

		// A phone: the days fit the screen without scrolling sideways.
		mgr.viewport(375, 812, true)
		over := eval[int](mgr, `(() => { const t = document.getElementById('person-days'); return t.scrollWidth - t.parentElement.clientWidth; })()`)
		mgr.viewport(1280, 800, false)
		if over > 1 {
			t.Errorf("at 375 px the month's table is %d px wider than its card", over)
		}
		mgr.checkPhone("a person's month day by day")
	})

	// The calendar shows a person's approved leave (Dev is on leave today).
	t.Run("CalendarShowsLeave", func(t *testing.T) {
		mgr := mgr.in(t)
		dev := w.people["dev"]
		mgr.navTo("calendar", "calendar")
		cell := fmt.Sprintf(`[data-testid="cal-%d-%s"]`, dev.ID, day(w.today))
		mgr.wait("Dev's leave today", `document.querySelector('`+cell+`')?.dataset.status === 'approved'`)
		if got := eval[string](mgr, `document.querySelector('`+cell+`').dataset.type`); got != "annual" {
			t.Errorf("Dev's cell today has type %q, want annual", got)
		}
		if got := mgr.text(cell); !strings.Contains(got, "Annual leave, approved") {
			t.Errorf("Dev's cell today reads %q to a screen reader", got)
		}
		shot(mgr, "calendar", false)
		mgr.viewport(390, 844, true)
		agenda := fmt.Sprintf(`[data-testid="cal-agenda-%s"]`, day(w.today))
		if !eval[bool](mgr, `document.querySelector('`+agenda+`')?.getClientRects().length > 0 && document.getElementById('cal-grid').getClientRects().length === 0`) {
			t.Errorf("at 390 px the calendar is not a list by day")
		}
		if got := mgr.text(agenda); !strings.Contains(got, "Dev Patel — annual leave (approved)") {
			t.Errorf("today in the list by day reads %q", got)
		}
		mgr.viewport(1280, 800, false)
		mgr.checkPhone("the calendar")
		shot(mgr, "calendar", true)
	})

	// The leave history finds a decided request by person and month: Dev's
	// sick leave of last week.
	t.Run("LeaveHistoryFindsDecided", func(t *testing.T) {
		mgr := mgr.in(t)
		dev := w.people["dev"]
		var reqs struct {
			Results []struct {
				ID        int64  `json:"id"`
				LeaveType string `json:"leave_type"`
				StartDate string `json:"start_date"`
				Status    string `json:"status"`
			} `json:"results"`
		}
		w.mgr.mustDo("GET", fmt.Sprintf("/api/leaves/overview/?employee_id=%d&status=approved", dev.ID), nil, http.StatusOK, &reqs)
		var sick int64
		var month string
		for _, r := range reqs.Results {
			if r.LeaveType == "sick" {
				sick, month = r.ID, r.StartDate[:7]
			}
		}
		if sick == 0 {
			t.Fatalf("no sick leave of Dev's in %+v", reqs.Results)
		}
		mgr.navTo("leave", "leave-history")
		mgr.setValue("#lh-person", fmt.Sprintf("Dev Patel (dev) #%d", dev.ID))
		mgr.setValue("#lh-month", month)
		if got := eval[string](mgr, `document.getElementById('lh-from').value`); got != month+"-01" {
			t.Errorf("choosing the month set From to %q", got)
		}
		mgr.click("#lh-apply")
		row := fmt.Sprintf(`[data-testid="lh-row-%d"]`, sick)
		mgr.wait("Dev's sick leave, filtered", fmt.Sprintf(`(JSON.parse(document.getElementById('lh-table').dataset.query || '{}').employee_id === %d) && !document.getElementById('lh-table').hasAttribute('aria-busy') && document.querySelector('`+row+`')`, dev.ID))
		others := eval[[]string](mgr, fmt.Sprintf(`[...document.querySelectorAll('#lh-table tbody tr[data-id]')].filter((r) => r.dataset.employeeId !== '%d').map((r) => r.textContent)`, dev.ID))
		if len(others) > 0 {
			t.Errorf("the history filtered to Dev lists others: %q", others)
		}
		if got := mgr.text(row); !strings.Contains(got, "Sick") || !strings.Contains(got, "Approved") || !strings.Contains(got, "Maria Santos") || !strings.Contains(got, "Get well soon") {
			t.Errorf("the row reads %q, want sick leave approved by Maria Santos with her comment", got)
		}
		if hash := eval[string](mgr, `location.hash`); !strings.Contains(hash, fmt.Sprintf("employee_id=%d", dev.ID)) || !strings.Contains(hash, "from="+month+"-01") {
			t.Errorf("the filters are not in the address: %q", hash)
		}
		shot(mgr, "leave-history", false)
		mgr.checkPhone("the leave history")
		mgr.goTo("#/", "")
	})

	// An admin imports people from a CSV file: a file with one bad row is
	// checked, the row is named and nothing is written; the corrected file
	// imports every row, with the generated password shown once, and that
	// person signs in.
	t.Run("AdminImportsPeople", func(t *testing.T) {
		adm := adm.in(t)
		count := func() int {
			var l struct {
				Count int `json:"count"`
			}
			w.admin.mustDo("GET", "/api/employees/?active=all&limit=1", nil, http.StatusOK, &l)
			return l.Count
		}
		choose := func(name, text string) {
			eval[chromedp.Void](adm, `(() => {
				const dt = new DataTransfer();
				dt.items.add(new File([`+jsString(text)+`], `+jsString(name)+`, { type: 'text/csv' }));
				const input = document.getElementById('import-file');
				input.files = dt.files;
				input.dispatchEvent(new Event('change', { bubbles: true }));
			})()`)
		}
		adm.navTo("people", "people")
		adm.click("#people-import")
		adm.wait("the import view", `document.querySelector('#view-outlet [data-view="people-import"]') && document.querySelector('#nav-list [aria-current="page"]')?.dataset.nav === 'people'`)

		before := count()
		bad := "username,first_name,last_name,department,hired_on\n" +
			"imp_lena,Lena,Berg,Support,2026-01-05\n" +
			"imp_omar,Omar,Haddad,Support,2026-02-30\n" + // no such date
			"imp_pia,Pia,Lund,Support,\n"
		choose("people.csv", bad)
		adm.click("#import-check")
		adm.wait("the preview", `document.getElementById('import-summary').dataset.valid === 'false' && document.querySelectorAll('#import-preview tbody tr[data-row]').length === 3`)
		problems := eval[[]int](adm, `[...document.querySelectorAll('#import-preview tbody tr[data-row]')].map((r) => Number(r.dataset.problems))`)
		if len(problems) != 3 || problems[0] != 0 || problems[1] == 0 || problems[2] != 0 {
			t.Errorf("problems per row = %v, want only row 2's", problems)
		}
		if got := adm.text(`[data-testid="import-row-2"]`); !strings.Contains(got, "hired_on") || !strings.Contains(got, "imp_omar") {
			t.Errorf("row 2 reads %q, want its hired_on problem", got)
		}
		if !eval[bool](adm, `document.getElementById('import-submit').disabled`) {
			t.Error("Import is enabled for a file with a bad row")
		}
		if got := adm.text("#import-summary"); !strings.Contains(got, "Nothing was written") {
			t.Errorf("#import-summary = %q", got)
		}
		if n := count(); n != before {
			t.Fatalf("checking a file wrote %d people", n-before)
		}
		shot(adm, "people-import", false)
		adm.checkPhone("the import preview")

		good := strings.Replace(bad, "2026-02-30", "2026-02-28", 1)
		choose("people.csv", good)
		adm.wait("the old preview gone", `document.getElementById('import-preview-wrap').hidden`)
		adm.click("#import-check")
		adm.wait("a clean preview", `document.getElementById('import-summary').dataset.valid === 'true' && !document.getElementById('import-submit').disabled`)
		if got := adm.text("#import-submit"); got != "Import 3 people" {
			t.Errorf("#import-submit reads %q", got)
		}
		shot(adm, "people-import", true)
		adm.click("#import-submit")
		adm.wait("the people imported", `!document.getElementById('import-result').hidden && document.querySelectorAll('#import-result-table tbody tr').length === 3`)
		if n := count(); n != before+3 {
			t.Fatalf("the import wrote %d people, want 3", n-before)
		}
		password := adm.text(`[data-testid="import-password-2"]`)
		if len(password) < 8 {
			t.Fatalf("the generated password shown is %q", password)
		}
		login(t, srv.URL(), "imp_omar", password)
		if !eval[bool](adm, `document.getElementById('import-submit').disabled`) {
			t.Error("Import is still enabled after the import")
		}
		adm.checkPhone("the import result")

		// The people list, ordered by the server by name, then reversed;
		// each row names its manager (the rows carry manager_name).
		adm.navTo("people", "people")
		names := `[...document.querySelectorAll('#people-table tbody tr[data-id] th')].map((n) => n.textContent.toLowerCase())`
		adm.click(`[data-testid="people-sort-name"]`)
		adm.wait("the list by name", `document.querySelector('#people-table th[data-sort="name"]').getAttribute('aria-sort') === 'ascending' && !document.getElementById('people-table').hasAttribute('aria-busy')`)
		got := eval[[]string](adm, names)
		if !slices.IsSorted(got) || len(got) < 3 {
			t.Errorf("the list by name: %q", got)
		}
		adm.click(`[data-testid="people-sort-name"]`)
		adm.wait("the list by name, reversed", `document.querySelector('#people-table th[data-sort="name"]').getAttribute('aria-sort') === 'descending' && !document.getElementById('people-table').hasAttribute('aria-busy')`)
		rev := eval[[]string](adm, names)
		if len(rev) == 0 || rev[0] != got[len(got)-1] {
			t.Errorf("the list by name, reversed: %q", rev)
		}
		if hash := eval[string](adm, `location.hash`); !strings.Contains(hash, "ordering=-name") {
			t.Errorf("the order is not in the address: %q", hash)
		}
		omar := eval[string](adm, `[...document.querySelectorAll('#people-table tbody tr[data-id]')].find((r) => r.textContent.includes('imp_omar'))?.querySelector('[data-label="Manager"]').textContent ?? ''`)
		if omar != "admin" {
			t.Errorf("Omar's manager reads %q, want admin", omar)
		}
		if n := eval[int](adm, `document.querySelectorAll('#people-departments option[value="Support"]').length`); n != 1 {
			t.Errorf("the department suggestions lack Support (%d)", n)
		}
		adm.goTo("#/", "")
	})

	// A manager turns a day's overtime into time off on the person's record:
	// more minutes than the day's overtime are refused next to the field,
	// two of its three hours become 120/540 of a day of annual leave.
	t.Run("ManagerConvertsOvertime", func(t *testing.T) {
		mgr := mgr.in(t)
		d := w.today.AddDate(0, 0, -1)
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			d = d.AddDate(0, 0, -1)
		}
		olivia := w.mgr.mustCreate(map[string]any{
			"username": "olivia", "password": password, "first_name": "Olivia", "last_name": "Long",
			"hired_on": day(d.AddDate(0, 0, -30)), "timezone": w.loc.String(),
		})
		at := func(h int) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), h, 0, 0, 0, w.loc) }
		w.mgr.record(olivia.ID, "entry", at(7))
		w.mgr.record(olivia.ID, "exit", at(19)) // 12 hours on a 9-hour day

		mgr.goTo(fmt.Sprintf("#/people/%d", olivia.ID), "person")
		mgr.wait("the overtime form", `document.querySelector('#toil-type option[value="annual"]')`)
		mgr.setValue("#toil-from", day(d))
		mgr.setValue("#toil-to", day(d))
		mgr.setValue("#toil-type", "annual")
		mgr.setValue("#toil-minutes", "999")
		mgr.click("#toil-submit")
		mgr.wait("the minutes refused beside the field", `document.getElementById('toil-minutes').getAttribute('aria-invalid') === 'true' && document.getElementById('toil-minutes-error').textContent !== ''`)
		mgr.setValue("#toil-minutes", "120")
		mgr.setValue("#toil-comment", "the release")
		mgr.click("#toil-submit")
		mgr.wait("the conversion listed", `document.querySelector('#person-toil-list tbody tr[data-testid^="toil-row-"]')`)
		if got := eval[string](mgr, `document.querySelector('#person-toil-list td[data-label="Credit"]').dataset.value`); got != "2/9" {
			t.Errorf("the credit is %q, want 2/9 of a day (120 of 540 minutes)", got)
		}
		var list struct {
			Count int `json:"count"`
		}
		w.mgr.mustDo("GET", fmt.Sprintf("/api/overtime/conversions/?employee_id=%d", olivia.ID), nil, http.StatusOK, &list)
		if list.Count != 1 {
			t.Errorf("%d conversions stored, want the one", list.Count)
		}
		mgr.checkPhone("a person's overtime")
		mgr.goTo("#/", "")
	})
}
