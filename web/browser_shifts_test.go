package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// shiftTests: a manager gives someone a night shift on the roster page, and
// the night's exit, the next morning, counts for the date the shift began
// (its work date) in the person's clock log.
func shiftTests(t *testing.T, w *world, mgr *tab) {
	t.Run("RosterNightShift", func(t *testing.T) {
		mgr := mgr.in(t)
		var night struct {
			ID int64 `json:"id"`
		}
		w.admin.mustDo("POST", "/api/shifts/", map[string]any{"name": "Browser night", "start": "22:00", "end": "06:00"}, http.StatusCreated, &night)
		d := w.today.AddDate(0, 0, -9)
		nico := w.mgr.mustCreate(map[string]any{"username": "nico", "password": password, "first_name": "Nico", "last_name": "Night",
			"department": "Operations", "timezone": w.loc.String(), "hired_on": day(d.AddDate(0, 0, -30))})

		// Maria opens the roster of that week and sets the night on d.
		mgr.navTo("roster", "roster")
		mgr.goTo("#/roster?from="+day(d), "roster")
		sel := fmt.Sprintf(`[data-testid="roster-%d-%s"]`, nico.ID, day(d))
		cell := fmt.Sprintf(`[data-testid="roster-%d-%s-cell"]`, nico.ID, day(d))
		mgr.wait("Nico's roster cell", fmt.Sprintf(`document.querySelector(%s)`, jsString(sel)))
		mgr.setValue(sel, fmt.Sprint(night.ID))
		mgr.wait("the night on the roster", fmt.Sprintf(`document.querySelector(%s)?.dataset.source === 'override'`, jsString(cell)))
		if got := mgr.text(cell); !strings.Contains(got, "Browser night") {
			t.Errorf("the roster cell reads %q, want the night shift", got)
		}
		// Maria's own row is the server's to lock (editable false), not the page's guess.
		maria := w.people["maria"]
		own := fmt.Sprintf(`[data-testid="roster-%d-%s"]`, maria.ID, day(d))
		mgr.wait("Maria's own row", fmt.Sprintf(`document.querySelector(%s)`, jsString(own)))
		if !eval[bool](mgr, fmt.Sprintf(`document.querySelector(%s).disabled && !document.querySelector(%s).disabled`, jsString(own), jsString(sel))) {
			t.Errorf("Maria's own roster cell is not locked, or Nico's is")
		}
		// The week without ?from is the server's (the company's): it holds today.
		mgr.goTo("#/roster", "roster")
		mgr.wait("the company's week", fmt.Sprintf(`!!document.querySelector('[data-testid="roster-%d-%s"]')`, maria.ID, day(w.today)))
		// The shifts list says overnight as the server does.
		mgr.goTo("#/shifts", "shifts")
		mgr.wait("the night shift's span", `[...document.querySelectorAll('td')].some((td) => td.textContent === '22:00–06:00 (next day)')`)

		// The night, 22:05 to 05:58 the next morning, recorded from the paper log.
		var entry, exit struct {
			ID       int64  `json:"id"`
			WorkDate string `json:"work_date"`
		}
		at := func(date time.Time, hh, mm int) string {
			return time.Date(date.Year(), date.Month(), date.Day(), hh, mm, 0, 0, w.loc).UTC().Format(time.RFC3339)
		}
		w.mgr.mustDo("POST", "/api/attendance/", map[string]any{"employee_id": nico.ID, "type": "entry", "timestamp": at(d, 22, 5), "note": "night"}, http.StatusCreated, &entry)
		next := d.AddDate(0, 0, 1)
		w.mgr.mustDo("POST", "/api/attendance/", map[string]any{"employee_id": nico.ID, "type": "exit", "timestamp": at(next, 5, 58), "note": "night"}, http.StatusCreated, &exit)
		if entry.WorkDate != day(d) || exit.WorkDate != day(d) {
			t.Errorf("work dates %q and %q, want %s", entry.WorkDate, exit.WorkDate, day(d))
		}

		// Nico's record, the month of the exit: it counts for the night's date.
		mgr.goTo(fmt.Sprintf("#/people/%d?month=%s", nico.ID, next.Format("2006-01")), "person")
		row := fmt.Sprintf(`[data-testid="event-row-%d"]`, exit.ID)
		mgr.wait("the exit in the clock log", fmt.Sprintf(`document.querySelector(%s)`, jsString(row)))
		if got := eval[string](mgr, fmt.Sprintf(`document.querySelector(%s).dataset.workDate`, jsString(row))); got != day(d) {
			t.Errorf("the exit's work date on the page = %q, want %s", got, day(d))
		}
		if got := mgr.text(fmt.Sprintf(`[data-testid="event-work-date-%d"]`, exit.ID)); !strings.Contains(got, "counts for") {
			t.Errorf("the exit does not say which date it counts for: %q", got)
		}
	})
}
