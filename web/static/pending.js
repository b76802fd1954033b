// pending.js: the leave requests in the manager's scope that wait for a
// decision, each with a comment field and Approve / Reject; above them, a
// few of those whose current step awaits the caller (GET /api/leaves/to-decide/),
// linking to the approvals page.

import * as api from './api.js';
import {
  $, announce, debounce, el, fill, fmtDateTime, fmtNum, fmtRange, leaveTypeLabel, personHref, setBusy,
  showProblem,
} from './ui.js';

/** Creates the pending-leave list; ctx: { me, alive(), events }. */
export function createPendingView(ctx) {
  const ac = new AbortController();
  const listen = (node, type, fn) => node && node.addEventListener(type, fn, { signal: ac.signal });
  const pending = { list: [] };

  function renderPending() {
    const body = $('pending-table').tBodies[0];
    // Keep what managers typed, and where the focus was, across a re-render.
    const typed = new Map();
    for (const input of body.querySelectorAll('input[data-request-id]')) typed.set(input.dataset.requestId, input.value);
    const focusedId = document.activeElement && body.contains(document.activeElement) ? document.activeElement.id : '';
    $('pending-empty').hidden = pending.list.length > 0;
    $('pending-table').hidden = pending.list.length === 0;
    $('pending-count').textContent = String(pending.list.length);
    fill(body, pending.list.map((r) => {
      const name = r.employee_name || `#${r.employee_id}`;
      const range = fmtRange(r.start_date, r.end_date, r.half_day);
      const what = `${name}'s ${leaveTypeLabel(r.leave_type).toLowerCase()} leave, ${range}`;
      // The server says whether the decide endpoint would accept the
      // caller's decision now (`can_decide`): never one's own, a manager
      // never an admin's, and only at a step the caller may decide.
      const locked = r.can_decide !== true;
      const inputId = `pending-comment-${r.id}`;
      const input = el('input', {
        id: inputId, type: 'text', maxlength: 500, autocomplete: 'off',
        'data-testid': `comment-${r.id}`, 'data-request-id': r.id, placeholder: 'Optional',
        class: 'input-comment', disabled: locked,
      });
      if (typed.has(String(r.id))) input.value = typed.get(String(r.id));
      const error = el('p', { class: 'row-error', id: `pending-error-${r.id}` });
      const approve = el('button', {
        type: 'button', class: 'btn btn-ok btn-small', 'data-testid': `approve-${r.id}`, 'data-action': 'approve',
        id: `approve-${r.id}`, 'aria-label': `Approve ${what}`, 'aria-describedby': error.id, disabled: locked,
      }, 'Approve');
      const reject = el('button', {
        type: 'button', class: 'btn btn-danger btn-small', 'data-testid': `reject-${r.id}`, 'data-action': 'reject',
        id: `reject-${r.id}`, 'aria-label': `Reject ${what}`, 'aria-describedby': error.id, disabled: locked,
      }, 'Reject');
      const tr = el('tr', { 'data-testid': `pending-row-${r.id}`, 'data-id': r.id },
        el('th', { scope: 'row', 'data-label': 'Employee' }, el('a', { href: personHref(r.employee_id) }, name)),
        el('td', { 'data-label': 'Type' }, leaveTypeLabel(r.leave_type)),
        el('td', { 'data-label': 'Dates', class: 'wide' }, range),
        el('td', { 'data-label': 'Days', class: 'num' }, fmtNum(r.days)),
        el('td', { 'data-label': 'Reason', class: 'wide' }, r.reason || el('span', { class: 'muted' }, '—')),
        el('td', { 'data-label': 'Asked' }, fmtDateTime(r.created_at)),
        el('td', { 'data-label': 'Comment', class: 'wide' },
          el('label', { for: inputId, class: 'visually-hidden' }, `Comment for ${what}`), input),
        el('td', { 'data-label': 'Decision', class: 'wide' },
          el('div', { class: 'actions' }, approve, reject),
          locked ? el('p', { class: 'hint', 'data-testid': `locked-${r.id}` }, Number(r.employee_id) === Number(ctx.me.id)
            ? 'Your own request: your manager decides it.'
            : 'Not yours to decide now: another approver decides this step.') : null,
          error));
      approve.addEventListener('click', () => decide(r, 'approve', tr));
      reject.addEventListener('click', () => decide(r, 'reject', tr));
      input.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') { e.preventDefault(); approve.focus(); }
      });
      return tr;
    }));
    if (focusedId) {
      const again = document.getElementById(focusedId);
      if (again) again.focus();
    }
  }

  /** How many requests the dashboard previews of those awaiting the caller. */
  const AWAITING_PREVIEW = 5;

  async function loadAwaiting() {
    try {
      const page = await api.get('/api/leaves/to-decide/', { limit: AWAITING_PREVIEW });
      if (!ctx.alive()) return;
      const list = page && Array.isArray(page.results) ? page.results : [];
      const count = page && typeof page.count === 'number' ? page.count : list.length;
      $('awaiting').hidden = count === 0;
      $('awaiting-count').textContent = String(count);
      fill($('awaiting-list'), list.map((r) => {
        const name = r.employee_name || `#${r.employee_id}`;
        const steps = r.chain && Array.isArray(r.chain.steps) ? r.chain.steps.length : 0;
        const step = steps > 1 && r.current_step ? ` · step ${r.current_step} of ${steps}` : '';
        return el('li', { 'data-testid': `awaiting-${r.id}`, 'data-id': r.id },
          el('a', { href: '#/approvals' }, `${name}: ${leaveTypeLabel(r.leave_type).toLowerCase()} leave, `
            + `${fmtRange(r.start_date, r.end_date, r.half_day)} (${fmtNum(r.days)} ${Number(r.days) === 1 ? 'day' : 'days'})${step}`));
      }));
      $('awaiting-link').textContent = count > list.length ? `All ${count} in Approvals` : 'Open approvals';
    } catch {
      // The full list below still shows every pending request.
    }
  }

  async function loadPending() {
    loadAwaiting();
    try {
      const res = await api.listAll('/api/leaves/overview/', { status: 'pending' });
      if (!ctx.alive()) return;
      pending.list = res.results.filter((r) => r && r.status !== 'approved' && r.status !== 'rejected' && r.status !== 'cancelled')
        .sort((a, b) => String(a.start_date).localeCompare(String(b.start_date)) || a.id - b.id);
      showProblem($('pending-error'), null);
    } catch (err) {
      if (!ctx.alive()) return;
      showProblem($('pending-error'), err);
    }
    renderPending();
  }

  const loadPendingSoon = debounce(() => loadPending(), 500);

  async function decide(r, action, tr) {
    const buttons = [...tr.querySelectorAll('button')];
    buttons.forEach((b) => setBusy(b, true));
    const input = $(`pending-comment-${r.id}`);
    const comment = input ? input.value.trim() : '';
    const error = $(`pending-error-${r.id}`);
    error.textContent = '';
    const name = r.employee_name || `#${r.employee_id}`;
    const what = `${name}'s ${leaveTypeLabel(r.leave_type).toLowerCase()} leave, ${fmtRange(r.start_date, r.end_date, r.half_day)}`;
    try {
      const decided = await api.post(`/api/leaves/${encodeURIComponent(r.id)}/action/`, { action, comment, ...(r.current_step ? { step: r.current_step } : {}) });
      if (!ctx.alive()) return;
      const idx = pending.list.findIndex((p) => p.id === r.id);
      pending.list = pending.list.filter((p) => p.id !== r.id);
      renderPending();
      loadAwaiting();
      announce(`${action === 'approve' ? 'Approved' : 'Rejected'}: ${what}.`, { tone: 'ok' });
      // Move focus to the next request, or to the section heading.
      const next = pending.list[Math.min(Math.max(idx, 0), pending.list.length - 1)];
      const target = next ? $(`pending-comment-${next.id}`) || $(`approve-${next.id}`) : $('pending-title');
      if (target) target.focus();
      ctx.events.dispatchEvent(new CustomEvent('leave-decided', { detail: decided || { ...r, status: action === 'approve' ? 'approved' : 'rejected' } }));
    } catch (err) {
      if (!ctx.alive()) return;
      const parts = [err.detail, ...(err.errors || []).map((e) => e.message)].filter(Boolean);
      error.textContent = parts.join(' ');
      announce(parts.join(' '), { tone: 'error' });
      const gone = err.code === 'not_pending' || err.status === 404;
      buttons.forEach((b) => { setBusy(b, false); if (gone) b.disabled = true; });
      if (gone) error.textContent += ' Refresh the list to see its current state.';
    }
  }

  function onNotification(n) {
    if (n.kind === 'leave_requested') loadPendingSoon();
  }

  function onReconnect() {
    loadPending();
  }

  function start() {
    listen($('pending-refresh'), 'click', () => loadPending());
    listen(ctx.events, 'own-leave-changed', () => loadPendingSoon());
    loadPending();
  }

  function stop() {
    ac.abort();
    loadPendingSoon.cancel();
    $('pending-table').tBodies[0].replaceChildren();
    $('pending-count').textContent = '0';
    $('awaiting-list').replaceChildren();
    $('awaiting').hidden = true;
    showProblem($('pending-error'), null);
  }

  return { start, stop, onNotification, onReconnect };
}
