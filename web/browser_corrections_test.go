package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// correctionTests: an employee who forgot to clock out yesterday asks for
// the exit from their clock log; the manager's board marks her for review,
// the manager approves it on the corrections page, and the employee sees it
// approved. The clock log's "Ask to void" opens the form with that event
// chosen.
func correctionTests(t *testing.T, b *browser, srv *server, w *world, mgr *tab) {
	t.Run("AskedAndApproved", func(t *testing.T) {
		mgr := mgr.in(t)
		yesterday := w.today.AddDate(0, 0, -1)
		cora := w.mgr.mustCreate(map[string]any{"username": "cora", "password": password, "first_name": "Cora", "last_name": "Reyes",
			"department": "Support", "timezone": w.loc.String(), "hired_on": day(w.today.AddDate(0, 0, -30))})
		in := time.Date(yesterday.Year(), yesterday.Month(), yesterday.Day(), 9, 0, 0, 0, w.loc)
		var entry struct {
			ID int64 `json:"id"`
		}
		w.mgr.mustDo("POST", "/api/attendance/", map[string]any{"employee_id": cora.ID, "type": "entry", "timestamp": in.UTC().Format(time.RFC3339),
			"note": "paper log"}, http.StatusCreated, &entry)

		ct := b.newTab(t, "cora")
		ct.login("cora", password)
		// From the clock log: the entry offers its void, the card the form.
		ct.wait("the entry in the clock log", fmt.Sprintf(`document.querySelector('[data-testid="log-correct-%d"]')`, entry.ID))
		ct.click(fmt.Sprintf(`[data-testid="log-correct-%d"]`, entry.ID))
		ct.wait("the corrections view", `document.querySelector('#view-outlet [data-view="corrections"]')`)
		ct.wait("the entry chosen to void", fmt.Sprintf(`document.getElementById('corr-action').value === 'void' && document.getElementById('corr-event').value === '%d'`, entry.ID))

		// Not a void: the exit she forgot.
		ct.setValue("#corr-action", "add")
		ct.setValue("#corr-type", "exit")
		ct.setValue("#corr-date", day(yesterday))
		ct.setValue("#corr-time", "17:30")
		ct.setValue("#corr-reason", "Left at half past five, forgot the terminal")
		ct.click("#corr-submit")
		ct.wait("the request listed as pending", `document.querySelector('#corr-mine tr[data-status="pending"]')`)
		var mine struct {
			Results []struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			} `json:"results"`
		}
		corac := login(t, srv.URL(), "cora", password)
		corac.mustDo("GET", "/api/attendance/corrections/", nil, http.StatusOK, &mine)
		if len(mine.Results) != 1 || mine.Results[0].Status != "pending" {
			t.Fatalf("Cora's requests on the server: %+v, want one pending", mine.Results)
		}
		id := mine.Results[0].ID

		// Maria's board marks Cora, live: yesterday's session was never
		// closed, and her request waits.
		mgr.goTo("#/", "")
		mark := fmt.Sprintf(`#board [data-employee-id="%d"][data-needs-review="true"] [data-testid="needs-review"]`, cora.ID)
		mgr.wait("Cora marked for review on the board", fmt.Sprintf(`/correction/.test(document.querySelector(%s)?.textContent ?? '')`, jsString(mark)))
		if got := mgr.text(mark); !strings.Contains(got, "needs review") || !strings.Contains(got, "1 correction to decide") || !strings.Contains(got, "open since") {
			t.Errorf("Cora's mark reads %q, want her open session and one correction to decide", got)
		}

		// Maria decides it on the corrections page.
		mgr.navTo("corrections", "corrections")
		row := fmt.Sprintf(`[data-testid="corr-todo-row-%d"]`, id)
		mgr.wait("Cora's request to decide", fmt.Sprintf(`document.querySelector(%s)`, jsString(row)))
		if got := mgr.text(row); !strings.Contains(got, "Cora Reyes") || !strings.Contains(got, "clock out") || !strings.Contains(got, "17:30") {
			t.Errorf("the row reads %q, want Cora's missing clock out at 17:30", got)
		}
		mgr.setValue("#corr-comment", "Thanks for saying")
		mgr.click(fmt.Sprintf(`[data-testid="corr-approve-%d"]`, id))
		mgr.wait("the row gone", fmt.Sprintf(`!document.querySelector(%s)`, jsString(row)))

		// The record holds the exit, as Maria's correction.
		var events struct {
			Results []struct {
				Type                string `json:"type"`
				Timestamp           string `json:"timestamp"`
				Source              string `json:"source"`
				RecordedBy          int64  `json:"recorded_by"`
				CorrectionRequestID *int64 `json:"correction_request_id"`
				Note                string `json:"note"`
			} `json:"results"`
		}
		corac.mustDo("GET", "/api/attendance/?from="+day(yesterday)+"&to="+day(yesterday), nil, http.StatusOK, &events)
		out := time.Date(yesterday.Year(), yesterday.Month(), yesterday.Day(), 17, 30, 0, 0, w.loc).UTC().Format(time.RFC3339)
		if len(events.Results) != 2 || events.Results[0].Type != "exit" || events.Results[0].Timestamp != out || events.Results[0].Source != "manager" ||
			events.Results[0].RecordedBy != w.people["maria"].ID || events.Results[0].CorrectionRequestID == nil || *events.Results[0].CorrectionRequestID != id {
			t.Errorf("Cora's events of %s: %+v, want the entry and Maria's exit at %s for request %d", day(yesterday), events.Results, out, id)
		}

		// Cora's page hears of the decision.
		ct.wait("the request approved", fmt.Sprintf(`document.querySelector('[data-testid="corr-mine-row-%d"]')?.dataset.status === 'approved'`, id))
		if got := ct.text(fmt.Sprintf(`[data-testid="corr-mine-row-%d"]`, id)); !strings.Contains(got, "Thanks for saying") {
			t.Errorf("Cora's row reads %q, want the comment", got)
		}
	})
}
