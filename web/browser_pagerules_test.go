package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// pageRulesTests checks that the page shows what the server says instead of
// copies of its rules: the company's today and defaults, the leave history
// and calendar filtered by the server, who recorded and voided an event,
// the sequence error from the problem's event, and what the reader may do
// (the admin role, the team feed, the overtime card) from the server's `can`.
func pageRulesTests(t *testing.T, b *browser, srv *server, w *world, mgr *tab) {
	var company struct {
		Today string `json:"today"`
	}
	w.mgr.mustDo("GET", "/api/company/", nil, http.StatusOK, &company)
	adm := b.newTab(t, "admin, page rules")
	adm.login("admin", srv.adminPassword)
	emp := b.newTab(t, "ann, page rules")
	emp.login("ann", password)
	gus := w.people["gus"]

	// The overview's range and the calendar's month are the company's.
	t.Run("CompanyToday", func(t *testing.T) {
		adm := adm.in(t)
		adm.wait("the overview's default range", `document.getElementById('overview-to').value !== ''`)
		from, to := eval[string](adm, `document.getElementById('overview-from').value`), eval[string](adm, `document.getElementById('overview-to').value`)
		if to != company.Today || from != company.Today[:8]+"01" {
			t.Errorf("the overview's range is %s to %s, want the company's month to date, %s01 to %s", from, to, company.Today[:8], company.Today)
		}
		before := len(b.Requests())
		adm.goTo("#/calendar", "calendar")
		adm.wait("the calendar's month", `document.getElementById('cal-grid').dataset.month`)
		if got := eval[string](adm, `document.getElementById('cal-grid').dataset.month`); got != company.Today[:7] {
			t.Errorf("the calendar opens on %s, want the company's month %s", got, company.Today[:7])
		}
		// It reads the leave of its page of people, not the whole scope.
		var asked []string
		for _, r := range b.Requests()[before:] {
			if r.Tab == adm.name && strings.Contains(r.URL, "/api/leaves/overview/") && strings.Contains(r.URL, "from=") {
				asked = append(asked, r.URL)
			}
		}
		if len(asked) == 0 {
			t.Fatal("the calendar read no leave")
		}
		for _, u := range asked {
			p, err := url.Parse(u)
			if err != nil || len(p.Query()["employee_id"]) == 0 {
				t.Errorf("the calendar read %s, want it to name its page's people (?employee_id=)", u)
			}
		}
		adm.goTo("#/", "")
	})

	// The leave history filtered by type: the server filters, a page at a time.
	t.Run("LeaveHistoryByType", func(t *testing.T) {
		mgr := mgr.in(t)
		var sick struct {
			Count   int `json:"count"`
			Results []struct {
				ID int64 `json:"id"`
			} `json:"results"`
		}
		w.mgr.mustDo("GET", "/api/leaves/overview/?leave_type=sick", nil, http.StatusOK, &sick)
		if sick.Count == 0 {
			t.Fatal("setup: no sick leave in Maria's team")
		}
		mgr.navTo("leave", "leave-history")
		// The types are the server's, retired ones too.
		mgr.wait("the leave types", `document.querySelector('#lh-type option[value="sick"]') && document.querySelector('#lh-type option[value="unpaid"]')`)
		mgr.setValue("#lh-type", "sick")
		mgr.click("#lh-apply")
		mgr.wait("the sick leave", `JSON.parse(document.getElementById('lh-table').dataset.query || '{}').type === 'sick' && !document.getElementById('lh-table').hasAttribute('aria-busy')`)
		mgr.wait("Dev's sick leave", fmt.Sprintf(`document.querySelector('[data-testid="lh-row-%d"]')`, sick.Results[0].ID))
		types := eval[[]string](mgr, `[...document.querySelectorAll('#lh-table tbody tr[data-id] td[data-label="Type"]')].map((c) => c.textContent)`)
		if len(types) != sick.Count {
			t.Errorf("%d rows, want the server's %d sick requests", len(types), sick.Count)
		}
		for _, ty := range types {
			if ty != "Sick" {
				t.Errorf("a %q request in the sick leave", ty)
			}
		}
		if got := mgr.text("#lh-summary"); !strings.HasPrefix(got, fmt.Sprint(sick.Count)+" request") {
			t.Errorf("#lh-summary = %q, want the server's count %d", got, sick.Count)
		}
		filtered := false
		for _, r := range b.Requests() {
			filtered = filtered || r.Tab == mgr.name && strings.Contains(r.URL, "/api/leaves/overview/") && strings.Contains(r.URL, "leave_type=sick")
		}
		if !filtered {
			t.Error("the page did not ask the server for ?leave_type=sick")
		}
		mgr.goTo("#/", "")
	})

	// Gus's yesterday: an entry and an exit recorded by Maria, and a third
	// event she recorded that the admin (outside her scope) voided.
	yesterday := w.today.AddDate(0, 0, -1)
	at := func(h, m int) time.Time {
		return time.Date(yesterday.Year(), yesterday.Month(), yesterday.Day(), h, m, 0, 0, w.loc)
	}
	w.mgr.record(gus.ID, "entry", at(7, 0))
	w.mgr.record(gus.ID, "exit", at(15, 0))
	var wrong struct {
		ID int64 `json:"id"`
	}
	w.mgr.mustDo("POST", "/api/attendance/", map[string]any{"employee_id": gus.ID, "type": "entry",
		"timestamp": at(15, 30).UTC().Format(time.RFC3339), "note": "Gus came back?"}, http.StatusCreated, &wrong)
	w.admin.mustDo("DELETE", fmt.Sprintf("/api/attendance/%d/", wrong.ID), map[string]string{"note": "Not Gus: the badge of a visitor"}, http.StatusOK, nil)
	var adminMe struct {
		Username  string `json:"username"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
	}
	w.admin.mustDo("GET", "/api/users/me/", nil, http.StatusOK, &adminMe)
	adminName := strings.TrimSpace(adminMe.FirstName + " " + adminMe.LastName)
	if adminName == "" {
		adminName = adminMe.Username
	}
	gusPage := fmt.Sprintf("#/people/%d?month=%s", gus.ID, yesterday.Format("2006-01"))

	t.Run("LogNamesWhoVoided", func(t *testing.T) {
		mgr := mgr.in(t)
		mgr.goTo(gusPage, "person")
		row := fmt.Sprintf(`[data-testid="event-row-%d"]`, wrong.ID)
		mgr.wait("the voided entry", `document.querySelector('`+row+`')?.dataset.voided === 'true'`)
		got := mgr.text(row)
		if !strings.Contains(got, "By Maria Santos: Gus came back?") || !strings.Contains(got, "By "+adminName) || !strings.Contains(got, "Not Gus") {
			t.Errorf("the voided row reads %q, want it recorded by Maria Santos and voided by %s, outside her scope", got, adminName)
		}
		if strings.Contains(got, "user #") {
			t.Errorf("the voided row reads %q: a number, not a name", got)
		}
	})

	t.Run("SequenceErrorInWords", func(t *testing.T) {
		mgr := mgr.in(t)
		mgr.goTo(gusPage, "person")
		mgr.wait("the record form", `document.getElementById('person-record-toggle')`)
		mgr.click("#person-record-toggle")
		mgr.setValue("#record-type", "exit")
		mgr.setValue("#record-date", day(yesterday))
		mgr.setValue("#record-time", "16:00")
		mgr.setValue("#record-note", "Left at four")
		mgr.click("#record-submit")
		mgr.wait("the sequence error in words", `document.getElementById('record-error').textContent.trim() !== ''`)
		// The time comes from the problem's event: its detail has none.
		if got, want := mgr.text("#record-error"), "Gus is not clocked in at that time: they clocked out at 15:00."; !strings.Contains(got, want) {
			t.Errorf("#record-error = %q, want it to say %q", got, want)
		}
	})

	// The overtime card is on someone else's record, not on one's own.
	t.Run("OvertimeCardFromCan", func(t *testing.T) {
		mgr := mgr.in(t)
		mgr.goTo(gusPage, "person")
		mgr.wait("Gus's record", `document.getElementById('person-details-body')?.textContent.includes('gus')`)
		if !eval[bool](mgr, `!!document.getElementById('person-toil')`) {
			t.Error("no overtime card on Gus's record")
		}
		mgr.goTo(fmt.Sprintf("#/people/%d", w.people["maria"].ID), "person")
		mgr.wait("Maria's own record", `document.getElementById('person-details-body')?.textContent.includes('maria')`)
		if eval[bool](mgr, `!!document.getElementById('person-toil')`) {
			t.Error("an overtime card on Maria's own record")
		}
		if eval[bool](mgr, `!!document.getElementById('person-record-toggle')`) {
			t.Error("a form to record attendance on Maria's own record")
		}
		mgr.goTo("#/", "")
	})

	// Only an admin is offered the admin role, as the server says.
	t.Run("AdminRoleOnlyForAdmins", func(t *testing.T) {
		roles := func(tb *tab) string {
			return eval[string](tb, `[...document.querySelectorAll('#pf-role option')].map((o) => o.value).join(',')`)
		}
		for _, c := range []struct {
			tb   *tab
			want string
		}{{mgr.in(t), "employee,manager"}, {adm.in(t), "employee,manager,admin"}} {
			c.tb.navTo("people", "people")
			c.tb.click("#people-add")
			c.tb.wait("the add form", `document.getElementById('pf-username') === document.activeElement`)
			if got := roles(c.tb); got != c.want {
				t.Errorf("%s's add form offers %s, want %s", c.tb.name, got, c.want)
			}
			if got := eval[string](c.tb, `document.getElementById('pf-password').closest('.field')?.textContent || ''`); !strings.Contains(got, "At least 8 characters") {
				t.Errorf("%s's password hint reads %q, want the server's rule", c.tb.name, got)
			}
			c.tb.goTo(gusPage, "person")
			c.tb.wait("the edit button", `document.getElementById('person-edit')`)
			c.tb.click("#person-edit")
			c.tb.wait("the edit form", `document.getElementById('pf-role')`)
			if got := roles(c.tb); got != c.want {
				t.Errorf("%s's form for Gus offers %s, want %s", c.tb.name, got, c.want)
			}
			c.tb.click("#pf-cancel")
			c.tb.goTo("#/", "")
		}
	})

	// The team calendar feed is offered to managers, as the server says.
	t.Run("TeamFeedOnlyForManagers", func(t *testing.T) {
		for _, c := range []struct {
			tb   *tab
			want bool
		}{{emp.in(t), false}, {mgr.in(t), true}} {
			c.tb.goTo("#/settings", "settings")
			c.tb.wait("the own feed button", `document.getElementById('feed-create-own') || document.querySelector('.cal-feed[data-kind="own"]')`)
			if got := eval[bool](c.tb, `!!document.getElementById('feed-create-team')`); got != c.want {
				t.Errorf("%s: team feed button %v, want %v", c.tb.name, got, c.want)
			}
			c.tb.goTo("#/", "")
		}
	})
}
