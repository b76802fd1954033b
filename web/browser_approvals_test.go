package web_test

// Browser test of the approvals view (#/approvals): a two-step chain (the
// employee's manager, then the HR group) decided by two people on the page;
// a delegate deciding; an admin editing a policy in its form.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func approvalTests(t *testing.T, b *browser, srv *server, w *world, mgr *tab) {
	var hana employee
	t.Run("TwoStepChain", func(t *testing.T) {
		mgr := mgr.in(t)
		hana = w.admin.mustCreate(map[string]any{"username": "hana", "password": password, "role": "manager", "first_name": "Hana", "last_name": "Ito"})
		w.admin.mustDo("POST", "/api/approver-groups/", map[string]any{"code": "hr", "name": "Human resources", "member_ids": []int64{hana.ID}}, http.StatusCreated, nil)
		w.admin.mustDo("PUT", "/api/leaves/types/unpaid/approval/", map[string]any{"tiers": []map[string]any{
			{"over_days": 0, "steps": []map[string]any{{"approver": "manager", "level": 1}, {"approver": "group", "group": "hr", "label": "HR"}}}}},
			http.StatusOK, nil)
		defer w.admin.mustDo("DELETE", "/api/leaves/types/unpaid/approval/", nil, http.StatusNoContent, nil)

		// Chloe asks for a Monday five weeks on.
		d := w.today.AddDate(0, 0, 35)
		for d.Weekday() != time.Monday {
			d = d.AddDate(0, 0, 1)
		}
		chloe := login(t, srv.URL(), "chloe", password)
		var r struct {
			ID int64 `json:"id"`
		}
		chloe.mustDo("POST", "/api/leaves/request/", map[string]any{"leave_type": "unpaid", "start_date": day(d), "end_date": day(d)}, http.StatusCreated, &r)
		row := fmt.Sprintf(`[data-testid="todo-row-%d"]`, r.ID)

		// Maria decides step 1.
		mgr.navTo("approvals", "approvals")
		mgr.wait("Chloe's request to decide", fmt.Sprintf(`document.querySelector(%s)`, jsString(row)))
		if got := mgr.text(fmt.Sprintf(`[data-testid="todo-step-%d"]`, r.ID)); got != "1 of 2: Manager" {
			t.Errorf("Maria's step = %q, want 1 of 2: Manager", got)
		}
		mgr.setValue("#todo-comment", "Fine by me")
		mgr.click(fmt.Sprintf(`[data-testid="todo-approve-%d"]`, r.ID))
		mgr.wait("the row gone", fmt.Sprintf(`!document.querySelector(%s)`, jsString(row)))
		mgr.wait("the chain shown", fmt.Sprintf(`document.querySelector('[data-testid="chain-%d"] [data-step="2"][data-status="pending"]')`, r.ID))

		// Hana, of HR, decides step 2 and sees who decided step 1.
		ht := b.newTab(t, "hana")
		ht.login("hana", password)
		ht.navTo("approvals", "approvals")
		ht.wait("Chloe's request to decide", fmt.Sprintf(`document.querySelector(%s)`, jsString(row)))
		if got := ht.text(fmt.Sprintf(`[data-testid="todo-step-%d"]`, r.ID)); got != "2 of 2: HR" {
			t.Errorf("Hana's step = %q, want 2 of 2: HR", got)
		}
		ht.click(fmt.Sprintf(`[data-testid="todo-details-%d"]`, r.ID))
		decided := fmt.Sprintf(`[data-testid="chain-%d-step-1-decided"]`, r.ID)
		ht.wait("step 1's decider", fmt.Sprintf(`document.querySelector(%s)`, jsString(decided)))
		if got := ht.text(decided); !strings.Contains(got, "Approved by Maria Santos") {
			t.Errorf("step 1 = %q, want approved by Maria Santos", got)
		}
		ht.click(fmt.Sprintf(`[data-testid="todo-approve-%d"]`, r.ID))
		ht.wait("the row gone", fmt.Sprintf(`!document.querySelector(%s)`, jsString(row)))

		var got struct {
			Status    string `json:"status"`
			DecidedBy int64  `json:"decided_by"`
			Chain     struct {
				Steps []struct {
					Status    string `json:"status"`
					DecidedBy int64  `json:"decided_by"`
					Comment   string `json:"comment"`
				} `json:"steps"`
			} `json:"chain"`
		}
		chloe.mustDo("GET", fmt.Sprintf("/api/leaves/%d/", r.ID), nil, http.StatusOK, &got)
		if got.Status != "approved" || got.DecidedBy != hana.ID || len(got.Chain.Steps) != 2 || got.Chain.Steps[0].DecidedBy != w.people["maria"].ID ||
			got.Chain.Steps[0].Comment != "Fine by me" {
			t.Errorf("the request after both steps: %+v, want approved by Hana after Maria", got)
		}
	})

	// Hana names Maria her delegate on the page; Maria then decides both
	// steps of Chloe's next request: the manager's, and HR's for Hana.
	t.Run("DelegateDecides", func(t *testing.T) {
		if hana.ID == 0 {
			t.Skip("needs TwoStepChain's HR group")
		}
		mgr := mgr.in(t)
		w.admin.mustDo("PUT", "/api/leaves/types/unpaid/approval/", map[string]any{"tiers": []map[string]any{
			{"over_days": 0, "steps": []map[string]any{{"approver": "manager", "level": 1}, {"approver": "group", "group": "hr", "label": "HR"}}}}},
			http.StatusOK, nil)
		defer w.admin.mustDo("DELETE", "/api/leaves/types/unpaid/approval/", nil, http.StatusNoContent, nil)

		ht := b.newTab(t, "hana-delegates")
		ht.login("hana", password)
		ht.navTo("approvals", "approvals")
		// Maria leads another team: out of Hana's scope, named by her number.
		ht.setValue("#delegate-other", fmt.Sprint(w.people["maria"].ID))
		ht.setValue("#delegate-from", day(w.today))
		ht.setValue("#delegate-to", day(w.today.AddDate(0, 0, 7)))
		ht.setValue("#delegate-note", "Conference")
		ht.click("#delegate-submit")
		ht.wait("the delegation listed", `/Maria Santos/.test(document.getElementById('delegate-list').textContent)`)
		if !eval[bool](ht, `!!document.querySelector('#delegate-list [data-remove]')`) {
			t.Error("Hana, who named the delegate, is offered no Remove")
		}

		d := w.today.AddDate(0, 0, 42)
		for d.Weekday() != time.Tuesday {
			d = d.AddDate(0, 0, 1)
		}
		chloe := login(t, srv.URL(), "chloe", password)
		var r struct {
			ID int64 `json:"id"`
		}
		chloe.mustDo("POST", "/api/leaves/request/", map[string]any{"leave_type": "unpaid", "start_date": day(d), "end_date": day(d)}, http.StatusCreated, &r)
		row := fmt.Sprintf(`[data-testid="todo-row-%d"]`, r.ID)
		mgr.goTo("#/", "")
		mgr.navTo("approvals", "approvals")
		for step := 1; step <= 2; step++ {
			mgr.wait(fmt.Sprintf("step %d to decide", step), fmt.Sprintf(`document.querySelector('%s[data-step="%d"]')`, row, step))
			if step == 2 {
				if got := mgr.text(row); !strings.Contains(got, "for Hana Ito") {
					t.Errorf("Maria's row at step 2 = %q, want for Hana Ito", got)
				}
			}
			mgr.click(fmt.Sprintf(`[data-testid="todo-approve-%d"]`, r.ID))
			if step == 1 {
				mgr.wait("step 2 shown", fmt.Sprintf(`document.querySelector('[data-testid="chain-%d"] [data-step="2"][data-status="pending"]')`, r.ID))
			}
		}
		mgr.wait("the row gone", fmt.Sprintf(`!document.querySelector(%s)`, jsString(row)))
		mgr.wait("the delegation Maria holds", `/Hana Ito/.test(document.getElementById('delegate-list').textContent)`)
		if eval[bool](mgr, `!!document.querySelector('#delegate-list [data-remove]')`) {
			t.Error("Maria, the delegate, is offered Remove: only Hana or an admin may end it")
		}
		var got struct {
			Status     string `json:"status"`
			DecidedBy  int64  `json:"decided_by"`
			DecidedFor *int64 `json:"decided_for"`
			DecidedAs  string `json:"decided_as"`
		}
		chloe.mustDo("GET", fmt.Sprintf("/api/leaves/%d/", r.ID), nil, http.StatusOK, &got)
		if got.Status != "approved" || got.DecidedBy != w.people["maria"].ID || got.DecidedFor == nil || *got.DecidedFor != hana.ID || got.DecidedAs != "delegate" {
			t.Errorf("the request: %+v, want approved by Maria for Hana, as her delegate", got)
		}
	})

	// An admin builds a policy in the form, not in JSON: two steps (the
	// manager, then a group) deciding once for both, and a longer chain; a
	// threshold the server refuses shows its error next to its field and
	// saves nothing; the saved policy comes back into the form.
	t.Run("PolicyForm", func(t *testing.T) {
		w.admin.mustDo("POST", "/api/approver-groups/", map[string]any{"code": "payroll", "name": "Payroll"}, http.StatusCreated, nil)
		defer w.admin.mustDo("DELETE", "/api/approver-groups/payroll/", nil, http.StatusNoContent, nil)
		defer w.admin.mustDo("DELETE", "/api/leaves/types/sick/approval/", nil, http.StatusNoContent, nil)

		adm := b.newTab(t, "admin-policy")
		adm.login("admin", srv.adminPassword)
		adm.navTo("approvals", "approvals")
		adm.wait("the policy form", `document.getElementById('policy-t0-s0-kind') && document.getElementById('policy-status').dataset.version === 'default'`)
		adm.setValue("#policy-type", "sick")
		adm.wait("the sick leave's default policy", `document.getElementById('policy-status').dataset.type === 'sick' && document.getElementById('policy-status').dataset.version === 'default' && document.querySelectorAll('.policy-step').length === 1`)
		adm.wait("the group among the choices", `document.querySelector('#policy-t0-s0-group option[value="payroll"]')`)

		adm.click(`[data-testid="policy-t0-add-step"]`)
		adm.wait("a second step", `document.getElementById('policy-t0-s1-kind')`)
		adm.setValue("#policy-t0-s1-kind", "group")
		adm.wait("the group choice shown", `!document.getElementById('policy-t0-s1-group').closest('.field').hidden`)
		adm.setValue("#policy-t0-s1-group", "payroll")
		adm.setValue("#policy-t0-s1-label", "Payroll office")
		adm.click("#policy-t0-once")
		adm.click("#policy-add-tier")
		adm.wait("a second chain", `document.getElementById('policy-t1-over')`)
		adm.setValue("#policy-t1-over", "400")
		adm.setValue("#policy-t1-s0-kind", "manager2")

		adm.click("#policy-save")
		adm.wait("the threshold's error next to it", `document.getElementById('policy-t1-over-error').textContent.trim() !== ''`)
		if got := eval[string](adm, `document.getElementById('policy-t1-over').getAttribute('aria-invalid') || ''`); got != "true" {
			t.Errorf("the refused threshold's aria-invalid = %q, want true", got)
		}
		if got := adm.text("#policy-t1-over-error"); !strings.Contains(got, "366") {
			t.Errorf("the threshold's error = %q, want the server's message", got)
		}
		if got := adm.text("#policy-t0-s1-group-error"); got != "" {
			t.Errorf("a valid field shows an error: %q", got)
		}
		var p struct {
			Default bool `json:"default"`
			Version int  `json:"version"`
			Tiers   []struct {
				OverDays   float64 `json:"over_days"`
				DecideOnce bool    `json:"decide_once"`
				Steps      []struct {
					Approver string `json:"approver"`
					Level    int    `json:"level"`
					Group    string `json:"group"`
					Label    string `json:"label"`
				} `json:"steps"`
			} `json:"tiers"`
		}
		w.admin.mustDo("GET", "/api/leaves/types/sick/approval/", nil, http.StatusOK, &p)
		if !p.Default {
			t.Fatalf("a refused form saved a policy: %+v", p)
		}

		adm.setValue("#policy-t1-over", "5")
		adm.click("#policy-save")
		adm.wait("the policy saved", `document.getElementById('policy-status').dataset.version === '1'`)
		w.admin.mustDo("GET", "/api/leaves/types/sick/approval/", nil, http.StatusOK, &p)
		if p.Default || len(p.Tiers) != 2 || p.Tiers[0].OverDays != 0 || !p.Tiers[0].DecideOnce || len(p.Tiers[0].Steps) != 2 ||
			p.Tiers[0].Steps[0].Approver != "manager" || p.Tiers[0].Steps[0].Level != 1 ||
			p.Tiers[0].Steps[1].Approver != "group" || p.Tiers[0].Steps[1].Group != "payroll" || p.Tiers[0].Steps[1].Label != "Payroll office" ||
			p.Tiers[1].OverDays != 5 || p.Tiers[1].DecideOnce || len(p.Tiers[1].Steps) != 1 || p.Tiers[1].Steps[0].Level != 2 {
			t.Fatalf("the saved policy: %+v", p)
		}

		// The form shows the saved policy again.
		adm.goTo("#/", "")
		adm.navTo("approvals", "approvals")
		adm.setValue("#policy-type", "sick")
		adm.wait("the saved policy in the form", `document.getElementById('policy-status').dataset.type === 'sick' && document.getElementById('policy-status').dataset.version === '1' && document.getElementById('policy-t1-over')`)
		for sel, want := range map[string]string{
			"#policy-t0-s0-kind": "manager1", "#policy-t0-s1-kind": "group", "#policy-t0-s1-group": "payroll",
			"#policy-t0-s1-label": "Payroll office", "#policy-t1-over": "5", "#policy-t1-s0-kind": "manager2",
		} {
			if got := eval[string](adm, fmt.Sprintf(`document.querySelector(%s).value`, jsString(sel))); got != want {
				t.Errorf("%s = %q, want %q", sel, got, want)
			}
		}
		if !eval[bool](adm, `document.getElementById('policy-t0-once').checked`) || eval[bool](adm, `document.getElementById('policy-t1-once').checked`) {
			t.Error("decide once is not as saved")
		}
		for _, p := range eval[[]string](adm, a11yJS) {
			t.Errorf("the admin's approvals page: %s", p)
		}
	})
}
