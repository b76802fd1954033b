// views/leave-history.js: #/leave, for managers and admins: every leave
// request in scope (GET /api/leaves/overview/), whatever its status, with
// filters on status, person, dates (or a month), type and department, so
// that a manager can answer "who was off last March". The filters live in
// the route's query.

import * as api from '../api.js';
import { isDate, isMonth, monthRange } from '../dates.js';
import { personPicker } from '../directory.js';
import { field, showFormProblem } from '../form.js';
import {
  $, badge, card, el, emptyRow, fill, fmtDateTime, fmtNum, fmtRange, leaveTypeLabel, pageHead,
  personLink, setBusy,
} from '../ui.js';

const PAGE = 50;
const STATUS_TONES = { pending: 'warn', approved: 'ok', rejected: 'danger', cancelled: 'muted' };
const STATUS_LABELS = { pending: 'Pending', approved: 'Approved', rejected: 'Rejected', cancelled: 'Cancelled' };
const FIELDS = { status: 'lh-status', leave_type: 'lh-type', employee_id: 'lh-person', from: 'lh-from', to: 'lh-to', department: 'lh-department' };

function readQuery(query) {
  const status = Object.hasOwn(STATUS_LABELS, query.get('status') || '') ? query.get('status') : '';
  // Any code: the server knows the types (an unknown one matches nothing).
  const type = /^[a-z0-9_]{1,32}$/.test(query.get('type') || '') ? query.get('type') : '';
  const id = Number.parseInt(query.get('employee_id') || '', 10);
  return {
    status,
    type,
    employee_id: id > 0 ? id : null,
    from: isDate(query.get('from')) ? query.get('from') : '',
    to: isDate(query.get('to')) ? query.get('to') : '',
    department: query.get('department') || '',
    offset: Math.max(0, Number.parseInt(query.get('offset') || '0', 10) || 0),
  };
}

export default {
  path: 'leave',
  title: 'Leave history',
  nav: 'Leave history',
  needs: 'leave-overview',
  mount(root, env) {
    const { ctx } = env;
    const ac = new AbortController();
    const on = (node, type, fn) => node.addEventListener(type, fn, { signal: ac.signal });
    let state = readQuery(env.query);
    let seq = 0;

    const status = field({
      id: 'lh-status', label: 'Status', type: 'select', value: state.status,
      options: [{ value: '', label: 'Any status' }, ...Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))],
    });
    // The types are the server's (GET /api/leaves/types/, retired ones too:
    // old requests have them); until they come, the one in the address.
    const type = field({
      id: 'lh-type', label: 'Type', type: 'select', value: state.type,
      options: [{ value: '', label: 'Any type' }, ...(state.type ? [{ value: state.type, label: leaveTypeLabel(state.type) }] : [])],
    });
    api.listAll('/api/leaves/types/', { retired: 'all' }).then((res) => {
      if (!ctx.alive() || !$('lh-type')) return;
      const sel = $('lh-type');
      const chosen = sel.value;
      sel.replaceChildren(el('option', { value: '' }, 'Any type'),
        ...res.results.map((t) => el('option', { value: t.code }, t.name || leaveTypeLabel(t.code))));
      sel.value = chosen;
    }).catch(() => {});
    const person = personPicker({ id: 'lh-person', label: 'Person', optional: true });
    const month = field({ id: 'lh-month', label: 'Month', type: 'month', hint: 'Sets the two dates.', optional: true });
    const from = field({ id: 'lh-from', label: 'From', type: 'date', value: state.from, optional: true });
    const to = field({ id: 'lh-to', label: 'To', type: 'date', value: state.to, optional: true, hint: 'Requests that overlap these dates.' });
    const dept = field({ id: 'lh-department', label: 'Department', value: state.department, optional: true, attrs: { autocomplete: 'off' } });

    root.replaceChildren(el('div', { 'data-view': 'leave-history' },
      pageHead('Leave history', 'Every leave request in your team, decided or not.'),
      el('div', { class: 'dashboard' },
        card('lh-list', 'Requests',
          el('form', { id: 'lh-filters', class: 'form form-wide', role: 'search', 'aria-label': 'Filter leave requests', novalidate: true },
            el('div', { class: 'form-grid' }, person.wrap, status.wrap, type.wrap, month.wrap, from.wrap, to.wrap, dept.wrap),
            el('div', { class: 'form-actions' },
              el('button', { id: 'lh-apply', type: 'submit', class: 'btn btn-primary', 'data-testid': 'lh-apply' }, 'Show'),
              el('button', { id: 'lh-clear', type: 'button', class: 'btn btn-quiet' }, 'Clear filters'))),
          el('div', { id: 'lh-error', class: 'error', role: 'alert' }),
          el('p', { id: 'lh-summary', class: 'muted small', 'aria-live': 'polite' }),
          el('div', { class: 'table-wrap' },
            el('table', { id: 'lh-table', class: 'table stack', 'data-testid': 'lh-table' },
              el('caption', { class: 'visually-hidden' }, 'Leave requests, newest first'),
              el('thead', null, el('tr', null,
                ['Employee', 'Type', 'Dates', 'Days', 'Status', 'Reason', 'Decision', 'Asked'].map((h) => el('th', { scope: 'col', class: h === 'Days' ? 'num' : null }, h)))),
              el('tbody'))),
          el('nav', { class: 'pager', 'aria-label': 'Pages of requests' },
            el('button', { id: 'lh-prev', type: 'button', class: 'btn btn-small' }, 'Previous'),
            el('span', { id: 'lh-range', class: 'muted small' }),
            el('button', { id: 'lh-next', type: 'button', class: 'btn btn-small' }, 'Next'))))));

    /** One page of the requests the filters select, all filtered by the server. */
    async function fetchPage() {
      const page = await api.get('/api/leaves/overview/', {
        status: state.status, leave_type: state.type, employee_id: state.employee_id, from: state.from, to: state.to,
        department: state.department, limit: PAGE, offset: state.offset,
      });
      return { list: page && Array.isArray(page.results) ? page.results : [], count: page ? page.count : 0 };
    }

    async function load() {
      const mine = ++seq;
      const table = $('lh-table');
      table.setAttribute('aria-busy', 'true');
      setBusy($('lh-apply'), true);
      try {
        const [{ list, count }] = await Promise.all([
          fetchPage(),
          state.employee_id && !person.input.value ? ctx.directory.get(state.employee_id).then((e) => { if (e) person.set(e); }).catch(() => {}) : null,
        ]);
        if (!ctx.alive() || mine !== seq) return;
        await render(list, count);
        table.dataset.query = JSON.stringify(state);
        showFormProblem($('lh-error'), null, FIELDS);
      } catch (err) {
        if (!ctx.alive() || mine !== seq) return;
        showFormProblem($('lh-error'), err, FIELDS);
      } finally {
        if (mine === seq) {
          table.removeAttribute('aria-busy');
          setBusy($('lh-apply'), false);
        }
      }
    }

    async function render(list, count) {
      const deciders = new Map();
      await Promise.all([...new Set(list.map((r) => r.decided_by).filter((id) => id != null))]
        .map(async (id) => deciders.set(id, await ctx.directory.name(id))));
      fill($('lh-table').tBodies[0], list.length ? list.map((r) => el('tr', { 'data-testid': `lh-row-${r.id}`, 'data-id': r.id, 'data-status': r.status, 'data-employee-id': r.employee_id },
        el('th', { scope: 'row', 'data-label': 'Employee', class: 'wide' }, personLink({ id: r.employee_id, name: r.employee_name })),
        el('td', { 'data-label': 'Type' }, leaveTypeLabel(r.leave_type)),
        el('td', { 'data-label': 'Dates', class: 'wide' }, fmtRange(r.start_date, r.end_date, r.half_day)),
        el('td', { 'data-label': 'Days', class: 'num' }, fmtNum(r.days)),
        el('td', { 'data-label': 'Status' }, badge(STATUS_LABELS[r.status] || r.status, STATUS_TONES[r.status] || 'muted', { 'data-testid': 'lh-status' })),
        el('td', { 'data-label': 'Reason', class: 'wide' }, r.reason || ''),
        el('td', { 'data-label': 'Decision', class: 'wide' }, r.decided_by != null
          ? [`${deciders.get(r.decided_by)}${r.decided_at ? `, ${fmtDateTime(r.decided_at)}` : ''}`, r.decision_comment ? el('span', { class: 'note' }, `: ${r.decision_comment}`) : null]
          : el('span', { class: 'muted' }, '—')),
        el('td', { 'data-label': 'Asked' }, fmtDateTime(r.created_at))))
        : emptyRow(8, 'No leave requests match these filters.'));
      const first = list.length ? state.offset + 1 : 0;
      const last = state.offset + list.length;
      $('lh-range').textContent = list.length ? `${fmtNum(first)}–${fmtNum(last)} of ${fmtNum(count)}` : '';
      $('lh-summary').textContent = `${fmtNum(count)} ${count === 1 ? 'request' : 'requests'}`;
      $('lh-prev').disabled = state.offset <= 0;
      $('lh-next').disabled = last >= count;
    }

    function go(changes) {
      state = { ...state, ...changes };
      env.setQuery({ ...state, offset: state.offset || '' });
      load();
    }

    on($('lh-month'), 'change', () => {
      const m = $('lh-month').value;
      if (!isMonth(m)) return;
      const r = monthRange(m);
      $('lh-from').value = r.from;
      $('lh-to').value = r.to;
    });
    on($('lh-filters'), 'submit', (e) => {
      e.preventDefault();
      const id = person.value();
      if (Number.isNaN(id)) {
        showFormProblem($('lh-error'), { detail: 'Choose the person from the suggestions.', errors: [{ location: 'query.employee_id', message: 'Type part of a name and pick the person from the list.' }] }, FIELDS);
        return;
      }
      go({
        status: $('lh-status').value, type: $('lh-type').value, employee_id: id,
        from: $('lh-from').value, to: $('lh-to').value, department: $('lh-department').value.trim(), offset: 0,
      });
    });
    on($('lh-clear'), 'click', () => {
      for (const id of ['lh-status', 'lh-type', 'lh-month', 'lh-from', 'lh-to', 'lh-department']) $(id).value = '';
      person.set(null);
      go({ status: '', type: '', employee_id: null, from: '', to: '', department: '', offset: 0 });
    });
    on($('lh-prev'), 'click', () => go({ offset: Math.max(0, state.offset - PAGE) }));
    on($('lh-next'), 'click', () => go({ offset: state.offset + PAGE }));

    load();
    return {
      stop() { ac.abort(); seq++; },
      update(next) {
        const s = readQuery(next.query);
        if (JSON.stringify(s) === JSON.stringify(state)) return;
        state = s;
        $('lh-status').value = s.status;
        $('lh-type').value = s.type;
        $('lh-from').value = s.from;
        $('lh-to').value = s.to;
        $('lh-department').value = s.department;
        person.set(null);
        load();
      },
      onNotification(n) {
        if (n.kind === 'leave_requested') load();
      },
    };
  },
};
