// views/corrections.js: #/corrections?void=<event id>&date=YYYY-MM-DD,
// correction requests (docs/corrections.md). Everyone asks for a missing
// entry or exit, or the void of one of their own events, and sees and
// cancels their own requests; with manager access, the requests of people
// in scope waiting for a decision are approved or rejected here. Whether a
// request fits the record, and who may decide it, is the server's word.

import * as api from '../api.js';
import { isDate } from '../dates.js';
import { field, showFormProblem, text } from '../form.js';
import {
  $, announce, badge, card, el, emptyRow, fill, fmtDate, fmtDateTime, fmtDateTimeIn, pageHead, setBusy, showProblem,
} from '../ui.js';

const FIELDS = {
  action: 'corr-action', type: 'corr-type', date: 'corr-date', time: 'corr-time', event_id: 'corr-event', reason: 'corr-reason',
};

const STATUS_TONE = { pending: 'warn', approved: 'ok', rejected: 'danger', cancelled: 'muted' };

/** What a request asks for, in words, in the employee's zone tz. */
export function correctionText(r, tz) {
  if (r.action === 'add') {
    return `Add a missing ${r.type === 'entry' ? 'clock in' : 'clock out'} on ${fmtDate(r.date)} at ${r.time}`;
  }
  return `Void the event of ${fmtDateTimeIn(r.timestamp, tz)}`;
}

function eventLabel(e, tz) {
  return `${e.type === 'entry' ? 'Clock in' : 'Clock out'}, ${fmtDateTimeIn(e.timestamp, tz)}${e.note ? ` (${e.note})` : ''}`;
}

export default {
  path: 'corrections',
  title: 'Corrections',
  nav: 'Corrections',
  needs: 'list-corrections',
  mount(root, env) {
    const { ctx } = env;
    const can = (op) => ctx.me.can.includes(op);
    const decider = can('decide-correction');
    const tz = ctx.me.timezone || 'UTC';
    const ac = new AbortController();
    const on = (node, type, fn) => node.addEventListener(type, fn, { signal: ac.signal });
    let events = [];
    let mine = [];
    let todo = [];
    let seq = 0;

    const todoCard = decider ? card('corr-todo-card', 'To decide',
      el('p', { class: 'muted' }, 'Requests of people in your team. Approving records the entry or exit, or voids the event, as your correction.'),
      field({ id: 'corr-comment', label: 'Comment', optional: true, hint: 'Required when rejecting: say why.', attrs: { autocomplete: 'off' } }).wrap,
      el('div', { id: 'corr-todo-error', class: 'error', role: 'alert', 'data-testid': 'corr-todo-error' }),
      el('div', { class: 'table-wrap' }, el('table', { id: 'corr-todo', class: 'table stack', 'data-testid': 'corr-todo' },
        el('caption', { class: 'visually-hidden' }, 'Correction requests waiting for your decision, newest first'),
        el('thead', null, el('tr', null, ['Employee', 'Asks for', 'Reason', 'Asked', 'Actions'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody')))) : null;

    root.replaceChildren(el('div', { 'data-view': 'corrections' },
      pageHead('Corrections', decider
        ? 'Ask for a correction of your own record, and decide the requests of your team.'
        : 'Forgot to clock in or out, or clocked by mistake? Ask your manager to correct your record.'),
      el('div', { class: 'dashboard' },
        todoCard,
        card('corr-ask', 'Ask for a correction',
          el('form', { id: 'corr-form', class: 'form', novalidate: true },
            el('div', { class: 'form-grid' },
              field({
                id: 'corr-action', label: 'What', type: 'select', value: 'add',
                options: [{ value: 'add', label: 'Add a missing clock in or out' }, { value: 'void', label: 'Void one of my events' }],
              }).wrap,
              field({ id: 'corr-type', label: 'Event', type: 'select', options: [{ value: 'entry', label: 'Clock in' }, { value: 'exit', label: 'Clock out' }] }).wrap,
              field({ id: 'corr-date', label: 'Date', type: 'date', hint: `In your time zone, ${tz}.` }).wrap,
              field({ id: 'corr-time', label: 'Time', type: 'time' }).wrap,
              field({ id: 'corr-event', label: 'Event to void', type: 'select', options: [], hint: 'Your events of the last 30 days.' }).wrap,
              field({ id: 'corr-reason', label: 'Reason', type: 'textarea', hint: 'What happened, for your manager.', attrs: { maxlength: 1000 } }).wrap),
            el('div', { id: 'corr-error', class: 'error', role: 'alert', 'data-testid': 'corr-error' }),
            el('div', { class: 'form-actions' },
              el('button', { id: 'corr-submit', type: 'submit', class: 'btn btn-primary', 'data-testid': 'corr-submit' }, 'Send request')))),
        card('corr-mine-card', 'My requests',
          el('div', { id: 'corr-mine-error', class: 'error', role: 'alert' }),
          el('div', { class: 'table-wrap' }, el('table', { id: 'corr-mine', class: 'table stack', 'data-testid': 'corr-mine' },
            el('caption', { class: 'visually-hidden' }, 'My correction requests, newest first'),
            el('thead', null, el('tr', null, ['Asks for', 'Reason', 'Status', 'Decision', 'Action'].map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody')))))));

    /** Shows the fields of the chosen action only. */
    function showAction() {
      const add = $('corr-action').value === 'add';
      for (const id of ['corr-type', 'corr-date', 'corr-time']) $(id).closest('.field').hidden = !add;
      $('corr-event').closest('.field').hidden = add;
    }

    function applyQuery(query) {
      const v = query.get('void');
      if (v) {
        $('corr-action').value = 'void';
        $('corr-event').dataset.want = v;
        $('corr-event').value = v;
      }
      const d = query.get('date');
      if (isDate(d)) {
        $('corr-action').value = 'add';
        $('corr-date').value = d;
      }
      showAction();
    }

    function renderEvents() {
      const sel = $('corr-event');
      const want = sel.dataset.want || sel.value;
      fill(sel, events.length
        ? events.map((e) => el('option', { value: String(e.id) }, eventLabel(e, tz)))
        : el('option', { value: '' }, 'No events in the last 30 days'));
      if (want && events.some((e) => String(e.id) === want)) sel.value = want;
    }

    function renderMine() {
      fill($('corr-mine').tBodies[0], mine.length ? mine.map((r) => el('tr', { 'data-testid': `corr-mine-row-${r.id}`, 'data-status': r.status },
        el('td', { 'data-label': 'Asks for', class: 'wide' }, correctionText(r, tz)),
        el('td', { 'data-label': 'Reason', class: 'wide' }, r.reason),
        el('td', { 'data-label': 'Status' }, badge(r.status, STATUS_TONE[r.status], { 'data-testid': `corr-status-${r.id}` })),
        el('td', { 'data-label': 'Decision' }, r.decided_at ? `${fmtDateTime(r.decided_at)}${r.decision_comment ? `: “${r.decision_comment}”` : ''}` : ''),
        el('td', { 'data-label': 'Action' }, r.status === 'pending'
          ? el('button', {
            type: 'button', class: 'btn btn-quiet btn-small', 'data-cancel': r.id, 'data-testid': `corr-cancel-${r.id}`,
            'aria-label': `Cancel the request: ${correctionText(r, tz)}`,
          }, 'Cancel') : null)))
        : emptyRow(5, 'No correction requests yet.'));
    }

    function renderTodo() {
      if (!decider) return;
      fill($('corr-todo').tBodies[0], todo.length ? todo.map((r) => el('tr', { 'data-testid': `corr-todo-row-${r.id}`, 'data-id': r.id },
        el('td', { 'data-label': 'Employee' }, el('a', { href: `#/people/${r.employee_id}` }, r.employee_name)),
        el('td', { 'data-label': 'Asks for', class: 'wide' }, correctionText(r, tz)),
        el('td', { 'data-label': 'Reason', class: 'wide' }, r.reason),
        el('td', { 'data-label': 'Asked' }, el('time', { datetime: r.created_at }, fmtDateTime(r.created_at))),
        el('td', { 'data-label': 'Actions' },
          el('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-decide': 'approve', 'data-id': r.id, 'data-testid': `corr-approve-${r.id}` }, 'Approve'),
          ' ',
          el('button', { type: 'button', class: 'btn btn-small', 'data-decide': 'reject', 'data-id': r.id, 'data-testid': `corr-reject-${r.id}` }, 'Reject'))))
        : emptyRow(5, 'Nothing to decide.'));
    }

    async function load() {
      const mineSeq = ++seq;
      const from = new Date(Date.now() - 30 * 864e5).toISOString().slice(0, 10);
      try {
        const [evs, own, pending] = await Promise.all([
          api.listAll('/api/attendance/', { from }),
          api.get('/api/attendance/corrections/', { limit: 100 }),
          decider ? api.listAll('/api/attendance/corrections/overview/', { status: 'pending' }) : Promise.resolve({ results: [] }),
        ]);
        if (!ctx.alive() || mineSeq !== seq) return;
        events = evs.results.filter((e) => !e.voided);
        mine = own.results || [];
        todo = pending.results;
        renderEvents();
        renderMine();
        renderTodo();
        showProblem($('corr-mine-error'), null);
        $('corr-mine').dataset.loaded = 'true';
        if (decider) $('corr-todo').dataset.loaded = 'true';
      } catch (err) {
        if (!ctx.alive() || mineSeq !== seq) return;
        showProblem($('corr-mine-error'), err);
      }
    }

    let key = null; // kept across a network failure, so that sending again cannot ask twice
    on($('corr-action'), 'change', showAction);
    on($('corr-form'), 'submit', async (e) => {
      e.preventDefault();
      const button = $('corr-submit');
      if (button.disabled) return;
      showFormProblem($('corr-error'), null, FIELDS);
      const body = { action: $('corr-action').value, reason: text('corr-reason') };
      if (body.action === 'add') {
        body.type = $('corr-type').value;
        body.date = $('corr-date').value;
        body.time = $('corr-time').value;
      } else {
        body.event_id = Number($('corr-event').value) || 0;
      }
      key = key || api.newIdempotencyKey();
      setBusy(button, true);
      try {
        const r = await api.post('/api/attendance/corrections/', body, { headers: { 'Idempotency-Key': key } });
        key = null;
        if (!ctx.alive()) return;
        $('corr-reason').value = '';
        delete $('corr-event').dataset.want;
        announce('Your request was sent to your manager.', { tone: 'ok' });
        mine = [r, ...mine.filter((x) => x.id !== r.id)];
        renderMine();
      } catch (err) {
        if (err.status && err.status < 500) key = null;
        if (!ctx.alive()) return;
        showFormProblem($('corr-error'), err, FIELDS);
      } finally {
        setBusy(button, false);
      }
    });

    on($('corr-mine'), 'click', async (e) => {
      const button = e.target.closest('button[data-cancel]');
      if (!button) return;
      setBusy(button, true);
      try {
        await api.post(`/api/attendance/corrections/${button.dataset.cancel}/cancel/`);
        if (!ctx.alive()) return;
        announce('The request was cancelled.', { tone: 'ok' });
        await load();
      } catch (err) {
        if (!ctx.alive()) return;
        showProblem($('corr-mine-error'), err);
        setBusy(button, false);
      }
    });

    if (decider) {
      on($('corr-todo'), 'click', async (e) => {
        const button = e.target.closest('button[data-decide]');
        if (!button) return;
        const id = Number(button.dataset.id);
        const action = button.dataset.decide;
        showProblem($('corr-todo-error'), null);
        setBusy(button, true);
        try {
          await api.post(`/api/attendance/corrections/${id}/action/`, { action, comment: text('corr-comment') });
          if (!ctx.alive()) return;
          $('corr-comment').value = '';
          announce(action === 'approve' ? 'Approved: the record is corrected.' : 'Rejected.', { tone: 'ok' });
          ctx.events.dispatchEvent(new Event('attendance-changed'));
          await load();
        } catch (err) {
          if (!ctx.alive()) return;
          // A request that no longer fits the record: the server names the conflict.
          showProblem($('corr-todo-error'), err);
          setBusy(button, false);
        }
      });
    }

    applyQuery(env.query);
    load();
    return {
      stop() { ac.abort(); seq++; },
      update(next) { applyQuery(next.query); renderEvents(); },
      onNotification(n) {
        if (n && String(n.kind || '').startsWith('correction_')) load();
      },
      onReconnect() { load(); },
    };
  },
};
