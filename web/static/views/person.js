// views/person.js: #/people/<id>?month=YYYY-MM, one person's record, for
// managers and admins: their details (edit, reset the password, deactivate
// or reactivate), their month day by day and in numbers, their clock log with voided
// events struck through and who recorded or voided what and why, a form to
// record an entry or exit on their behalf in THEIR time zone, a Void button
// on each event, and their leave and balance.

import * as api from '../api.js';
import {
  addMonths, dateIn, instantIn, isMonth, monthOf, monthRange, todayIn,
} from '../dates.js';
import { employeeForm } from '../employee-form.js';
import { field, showFormProblem, text } from '../form.js';
import {
  $, announce, badge, debounce, el, emptyRow, fill, fmtDate, fmtDateTime, fmtDateTimeIn, fmtNum,
  fmtRange, fmtTimeIn, leaveTypeLabel, pageHead, personHref, personName, plural, setBusy, showProblem,
} from '../ui.js';

const ROLE_LABELS = { employee: 'Employee', manager: 'Manager', admin: 'Admin' };
const DAY_LABELS = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
const STATUS_TONES = { pending: 'warn', approved: 'ok', rejected: 'danger', cancelled: 'muted' };
const STATUS_LABELS = { pending: 'Pending', approved: 'Approved', rejected: 'Rejected', cancelled: 'Cancelled' };
const SUMMARY = [
  ['days_present', 'Days present'],
  ['late_entries', 'Late arrivals'],
  ['late_minutes', 'Late minutes'],
  ['absent_days', 'Absent days'],
  ['leave_days', 'Leave days'],
  ['worked_hours', 'Hours worked'],
  ['open_sessions', 'Open sessions'],
];
const RECORD_FIELDS = { type: 'record-type', timestamp: 'record-time', note: 'record-note' };
// A date's status (GET /api/attendance/days/) in words, with a mark that
// says it without colour, and the badge's tone.
const DAY_STATUS = {
  worked: ['✓', 'Worked', 'ok'],
  late: ['!', 'Late', 'warn'],
  absent: ['✗', 'Absent', 'danger'],
  leave: ['◐', 'On leave', 'info'],
  holiday: ['★', 'Holiday', 'info'],
  off: ['–', 'Day off', 'muted'],
  today: ['…', 'Today', 'muted'],
  future: ['○', 'To come', 'muted'],
  not_employed: ['·', 'Not employed', 'muted'],
};
const DAY_LABEL_FMT = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', timeZone: 'UTC' });

/** "8 h 05" for seconds of work: short enough for a phone's column. */
function hoursMinutes(seconds) {
  const total = Math.max(0, Math.floor((Number(seconds) || 0) / 60));
  return `${Math.floor(total / 60)} h ${String(total % 60).padStart(2, '0')}`;
}

/** The nodes separated by "; ". */
function joinNodes(nodes) {
  return nodes.flatMap((n, i) => (i ? ['; ', n] : [n]));
}

/**
 * The sequence errors of the contract in words, about this person at the
 * time they would have, e.g. "Erik is already clocked in since 08:02": the
 * time is that of the problem's `event`, the neighbour the new event
 * collides with.
 */
export function sequenceSentence(err, person, tz, type, date) {
  const who = person.first_name || personName(person);
  const ev = err.event;
  const at = ev ? new Date(ev.timestamp) : null;
  const when = at && !Number.isNaN(at.getTime())
    ? (dateIn(at.toISOString(), tz) === date ? fmtTimeIn(at, tz) : fmtDateTimeIn(at, tz))
    : '';
  switch (err.code) {
    case 'already_clocked_in':
      return `${who} is already clocked in${when ? ` since ${when}` : ''}. Record the exit of that session first, or void its entry.`;
    case 'not_clocked_in':
      return `${who} is not clocked in at that time${when ? `: they clocked out at ${when}` : ''}. An exit needs an entry before it.`;
    case 'out_of_sequence':
      return `An ${type === 'exit' ? 'exit' : 'entry'} then would be followed by another ${type === 'exit' ? 'exit' : 'entry'}${when ? ` at ${when}` : ''}: ${who}'s entries and exits must alternate.`;
    default:
      return '';
  }
}

export default {
  path: 'people/:id',
  section: 'people',
  title: 'Person',
  needs: 'list-employees',
  mount(root, env) {
    const { ctx } = env;
    const id = Number(env.params.id);
    const ac = new AbortController();
    const on = (node, type, fn) => node && node.addEventListener(type, fn, { signal: ac.signal });
    const s = {
      person: null,
      tz: undefined,
      month: isMonth(env.query.get('month')) ? env.query.get('month') : '',
      events: [],
      recordKey: null,
      recordSig: '',
    };
    let alive = true;
    const live = () => alive && ctx.alive();
    // What the reader may do for this person: the server's `can` on their record.
    const can = (op) => Boolean(s.person && Array.isArray(s.person.can) && s.person.can.includes(op));

    root.replaceChildren(el('div', { 'data-view': 'person', 'data-employee-id': id },
      el('div', { class: 'page-head' },
        el('p', { class: 'crumbs small' }, el('a', { href: '#/people' }, 'People'), ' › '),
        el('h1', { id: 'person-name', tabindex: '-1', 'data-testid': 'person-name' }, 'Loading…'),
        el('p', { id: 'person-sub', class: 'muted' })),
      el('div', { id: 'person-error', class: 'error page-error', role: 'alert' }),
      el('div', { id: 'person-body', class: 'dashboard', hidden: true })));

    if (!Number.isInteger(id) || id <= 0) {
      notFound();
      return { stop() {} };
    }

    function notFound(err) {
      $('person-name').textContent = 'Person not found';
      showProblem($('person-error'), err && err.status !== 404 ? err : {
        detail: 'There is nobody with this number in your team. They may be outside your scope.',
      });
    }

    // ---- Layout --------------------------------------------------------------

    function build() {
      const p = s.person;
      fill($('person-body'),
        el('section', { id: 'person-details', class: 'card span-5', 'aria-labelledby': 'person-details-title' },
          el('div', { class: 'card-head' }, el('h2', { id: 'person-details-title', tabindex: '-1' }, 'Details')),
          el('div', { id: 'person-details-body' }),
          el('div', { id: 'person-actions-error', class: 'error', role: 'alert' }),
          el('div', { id: 'person-actions', class: 'actions' })),
        el('section', { id: 'person-month', class: 'card span-7', 'aria-labelledby': 'person-month-title' },
          el('div', { class: 'card-head' },
            el('h2', { id: 'person-month-title' }, 'Month ', el('span', { id: 'person-month-label', class: 'muted', 'data-testid': 'person-month-label' })),
            el('div', { class: 'actions' },
              el('button', { id: 'person-month-prev', type: 'button', class: 'btn btn-small btn-quiet', 'aria-label': 'Previous month' }, '‹ Previous'),
              el('button', { id: 'person-month-next', type: 'button', class: 'btn btn-small btn-quiet', 'aria-label': 'Next month' }, 'Next ›'))),
          el('div', { id: 'person-summary-error', class: 'error', role: 'alert' }),
          el('dl', { id: 'person-summary', class: 'details', 'data-testid': 'person-summary', 'aria-live': 'polite' },
            SUMMARY.map(([k, label]) => el('div', { class: 'stat' }, el('dt', null, label),
              el('dd', { id: `person-sum-${k}`, 'data-testid': `person-sum-${k}` }, '–')))),
          el('div', { id: 'person-days-error', class: 'error', role: 'alert' }),
          el('div', { class: 'table-wrap days-wrap' },
            el('table', { id: 'person-days', class: 'table days', 'data-testid': 'person-days' },
              el('caption', { id: 'person-days-caption', class: 'visually-hidden' }, 'Their days of the month'),
              el('thead', null, el('tr', null,
                el('th', { scope: 'col' }, 'Date'),
                el('th', { scope: 'col' }, 'Status'),
                el('th', { scope: 'col', class: 'num' }, 'Worked'),
                el('th', { scope: 'col', class: 'num' }, 'Late (min)'),
                el('th', { scope: 'col' }, 'Leave, holiday'))),
              el('tbody'))),
          el('p', { class: 'muted small' }, 'Each day as the server counts it; the totals are the attendance overview\'s.')),
        el('section', { id: 'person-log', class: 'card span-12', 'aria-labelledby': 'person-log-title' },
          el('div', { class: 'card-head' },
            el('h2', { id: 'person-log-title', tabindex: '-1' }, 'Clock log'),
            el('span', { id: 'person-log-zone', class: 'muted small' })),
          can('record-event') ? recordForm(p) : null,
          el('div', { id: 'person-log-error', class: 'error', role: 'alert' }),
          el('div', { class: 'table-wrap' },
            el('table', { id: 'person-events', class: 'table stack', 'data-testid': 'person-events' },
              el('caption', { class: 'visually-hidden', id: 'person-events-caption' }, 'Clock events of the month, newest first'),
              el('thead', null, el('tr', null,
                ['When', 'Event', 'Late', 'Recorded', 'Voided', 'Action'].map((h) => el('th', { scope: 'col' }, h)))),
              el('tbody')))),
        el('section', { id: 'person-leave', class: 'card span-12', 'aria-labelledby': 'person-leave-title' },
          el('div', { class: 'card-head' },
            el('h2', { id: 'person-leave-title' }, 'Leave'),
            el('a', { id: 'person-leave-all', href: `#/leave?employee_id=${id}`, class: 'small' }, 'All their requests in the leave history'),
            el('a', { id: 'person-balance-why', href: `#/balance?employee_id=${id}`, class: 'small', 'data-testid': 'person-balance-why' }, 'Why is their balance this')),
          el('div', { id: 'person-leave-error', class: 'error', role: 'alert' }),
          el('dl', { id: 'person-balance', class: 'details', 'data-testid': 'person-balance' },
            [['remaining', 'Remaining'], ['allowance', 'Allowance'], ['used', 'Used'], ['pending', 'Pending'], ['late_penalty', 'Late penalty']]
              .map(([k, label]) => el('div', { class: `stat${k === 'remaining' ? ' stat-remaining' : ''}` }, el('dt', null, label),
                el('dd', { id: `person-balance-${k}`, 'data-testid': `person-balance-${k}` }, '–')))),
          el('div', { class: 'table-wrap' },
            el('table', { id: 'person-requests', class: 'table stack', 'data-testid': 'person-requests' },
              el('caption', { class: 'visually-hidden' }, 'Their leave requests, newest first'),
              el('thead', null, el('tr', null,
                ['Type', 'Dates', 'Days', 'Status', 'Reason', 'Decision'].map((h) => el('th', { scope: 'col', class: h === 'Days' ? 'num' : null }, h)))),
              el('tbody')))),
        can('convert-overtime') ? toilSection() : null);
      $('person-body').hidden = false;
      on($('person-month-prev'), 'click', () => setMonth(addMonths(s.month, -1)));
      on($('person-month-next'), 'click', () => setMonth(addMonths(s.month, 1)));
      on($('person-record-form'), 'submit', record);
      on($('person-events'), 'click', onEventsClick);
      on($('toil-form'), 'submit', convert);
    }

    function renderHead() {
      const p = s.person;
      $('person-name').textContent = personName(p);
      fill($('person-sub'),
        `${p.username} · ${ROLE_LABELS[p.role] || p.role}${p.department ? ` · ${p.department}` : ''} `,
        p.active === false ? badge(`Deactivated${p.deactivated_on ? ` on ${fmtDate(p.deactivated_on)}` : ''}`, 'muted', { 'data-testid': 'person-status' })
          : badge('Active', 'ok', { 'data-testid': 'person-status' }));
      $('person-log-zone').textContent = `Times in ${p.first_name || personName(p)}'s time zone, ${s.tz || 'UTC'}`;
    }

    async function renderDetails() {
      const p = s.person;
      const manager = p.manager_id != null ? await ctx.directory.get(p.manager_id).catch(() => null) : null;
      if (!live()) return;
      const row = (label, value, key) => el('div', { class: 'stat' }, el('dt', null, label),
        el('dd', { 'data-field': key }, value == null || value === '' ? '—' : value));
      const days = Array.isArray(p.work_days) ? p.work_days.map((d) => DAY_LABELS[d] || d).join(', ') : '';
      fill($('person-details-body'), el('dl', { class: 'details', 'data-testid': 'person-details' },
        row('Username', p.username, 'username'),
        row('Email', p.email, 'email'),
        row('Role', ROLE_LABELS[p.role] || p.role, 'role'),
        row('Department', p.department, 'department'),
        row('Manager', manager ? el('a', { href: personHref(manager.id) }, personName(manager))
          : p.manager_id != null ? `user #${p.manager_id}` : 'Nobody', 'manager'),
        row('Time zone', p.timezone, 'timezone'),
        row('Working hours', p.work_start && p.work_end ? `${p.work_start}–${p.work_end}` : '', 'hours'),
        row('Working days', days, 'work_days'),
        row('Grace before late', `${fmtNum(p.late_grace_minutes || 0)} min`, 'grace'),
        row('Annual leave', `${fmtNum(p.annual_leave_days)} days a year`, 'allowance'),
        row('Hired on', p.hired_on ? fmtDate(p.hired_on) : '', 'hired_on')));
      const actions = [
        el('button', { id: 'person-edit', type: 'button', class: 'btn btn-small', 'data-testid': 'person-edit' }, 'Edit'),
        el('button', { id: 'person-reset', type: 'button', class: 'btn btn-small btn-quiet', 'data-testid': 'person-reset', 'aria-expanded': 'false' }, 'Reset password'),
        p.active === false
          ? el('button', { id: 'person-reactivate', type: 'button', class: 'btn btn-small btn-ok', 'data-testid': 'person-reactivate' }, 'Reactivate')
          : el('button', { id: 'person-deactivate', type: 'button', class: 'btn btn-small btn-danger', 'data-testid': 'person-deactivate' }, 'Deactivate'),
      ];
      fill($('person-actions'), actions);
      on($('person-edit'), 'click', startEdit);
      on($('person-reset'), 'click', startReset);
      on($('person-deactivate'), 'click', startDeactivate);
      on($('person-reactivate'), 'click', reactivate);
    }

    // ---- Details: edit, reset, deactivate -------------------------------------

    async function startEdit() {
      const p = s.person;
      const [manager, company] = await Promise.all([
        p.manager_id != null ? ctx.directory.get(p.manager_id).catch(() => null) : null,
        ctx.company().catch(() => null),
      ]);
      if (!live()) return;
      showProblem($('person-actions-error'), null);
      const form = employeeForm({
        me: ctx.me,
        person: p,
        manager,
        company,
        onCancel: () => { renderDetails().then(() => $('person-edit')?.focus()); },
        onSaved: (saved, { unchanged } = {}) => {
          if (!unchanged) {
            s.person = saved;
            s.tz = saved.timezone || undefined;
            ctx.directory.remember(saved);
            ctx.events.dispatchEvent(new CustomEvent('people-changed', { detail: saved }));
            announce(`${personName(saved)}'s details are saved.`, { tone: 'ok' });
            renderHead();
          }
          renderDetails().then(() => $('person-edit')?.focus());
        },
      });
      fill($('person-details-body'), form.node);
      $('person-actions').replaceChildren();
      form.focus();
    }

    function startReset() {
      const p = s.person;
      const pw = field({
        id: 'person-new-password', label: `New password for ${personName(p)}`, type: 'password',
        hint: 'They are signed out everywhere and sign in with it.',
        attrs: { autocomplete: 'new-password' },
      });
      // The password rule in words, as the server says it.
      ctx.company().then((c) => {
        const rule = c && c.password_rule && c.password_rule.text;
        if (live() && rule && $('person-new-password-hint')) {
          $('person-new-password-hint').textContent = `${rule} They are signed out everywhere and sign in with it.`;
        }
      }).catch(() => {});
      const error = el('div', { id: 'person-reset-error', class: 'error', role: 'alert' });
      const form = el('form', { id: 'person-reset-form', class: 'form', novalidate: true },
        pw.wrap, error,
        el('div', { class: 'form-actions' },
          el('button', { id: 'person-reset-submit', type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': 'person-reset-submit' }, 'Set the password'),
          el('button', { id: 'person-reset-cancel', type: 'button', class: 'btn btn-quiet btn-small' }, 'Cancel')));
      fill($('person-actions'), form);
      on($('person-reset-cancel'), 'click', () => renderDetails().then(() => $('person-reset')?.focus()));
      on(form, 'submit', async (e) => {
        e.preventDefault();
        const button = $('person-reset-submit');
        setBusy(button, true);
        showFormProblem(error, null, { password: 'person-new-password' });
        try {
          await api.patch(`/api/employees/${id}/`, { password: $('person-new-password').value });
          if (!live()) return;
          announce(`${personName(p)}'s password is reset. They are signed out everywhere.`, { tone: 'ok' });
          await renderDetails();
          $('person-reset')?.focus();
        } catch (err) {
          if (!live()) return;
          showFormProblem(error, err, { password: 'person-new-password' });
          setBusy(button, false);
        }
      });
      $('person-new-password').focus();
    }

    function startDeactivate() {
      const p = s.person;
      fill($('person-actions'), el('div', { class: 'confirm', role: 'group', 'aria-labelledby': 'person-deactivate-q' },
        el('p', { id: 'person-deactivate-q' }, `Deactivate ${personName(p)}? They can no longer sign in and are signed out everywhere. Their history stays.`),
        el('div', { class: 'actions' },
          el('button', { id: 'person-deactivate-confirm', type: 'button', class: 'btn btn-danger btn-small', 'data-testid': 'person-deactivate-confirm' }, 'Deactivate'),
          el('button', { id: 'person-deactivate-cancel', type: 'button', class: 'btn btn-quiet btn-small' }, 'Keep them'))));
      on($('person-deactivate-cancel'), 'click', () => renderDetails().then(() => $('person-deactivate')?.focus()));
      on($('person-deactivate-confirm'), 'click', async (e) => {
        setBusy(e.currentTarget, true);
        try {
          await api.del(`/api/employees/${id}/`);
          if (!live()) return;
          announce(`${personName(p)} is deactivated.`, { tone: 'ok' });
          await reloadPerson();
          $('person-reactivate')?.focus();
        } catch (err) {
          if (!live()) return;
          showProblem($('person-actions-error'), err);
          await renderDetails();
        }
      });
      $('person-deactivate-confirm').focus();
    }

    async function reactivate(e) {
      setBusy(e.currentTarget, true);
      try {
        await api.patch(`/api/employees/${id}/`, { active: true });
        if (!live()) return;
        announce(`${personName(s.person)} is active again and may sign in.`, { tone: 'ok' });
        await reloadPerson();
        $('person-deactivate')?.focus();
      } catch (err) {
        if (!live()) return;
        showProblem($('person-actions-error'), err);
        setBusy(e.currentTarget, false);
      }
    }

    async function reloadPerson() {
      const p = await api.get(`/api/employees/${id}/`);
      if (!live()) return;
      s.person = p;
      ctx.directory.remember(p);
      ctx.events.dispatchEvent(new CustomEvent('people-changed', { detail: p }));
      showProblem($('person-actions-error'), null);
      renderHead();
      await renderDetails();
    }

    // ---- The month ----------------------------------------------------------------

    function setMonth(m) {
      s.month = m;
      env.setQuery({ month: m });
      loadMonth();
    }

    async function loadSummary() {
      const { from, to } = monthRange(s.month);
      try {
        const page = await api.get('/api/attendance/overview/', { employee_id: id, from, to });
        if (!live()) return;
        const row = (page && Array.isArray(page.results) ? page.results : []).find((r) => Number(r.employee_id) === id) || null;
        for (const [k] of SUMMARY) {
          const node = $(`person-sum-${k}`);
          node.textContent = row ? fmtNum(row[k]) : '–';
          node.dataset.value = row ? String(row[k]) : '';
        }
        $('person-summary').dataset.month = s.month;
        showProblem($('person-summary-error'), null);
      } catch (err) {
        if (!live()) return;
        showProblem($('person-summary-error'), err);
      }
    }

    async function loadEvents() {
      const { from, to } = monthRange(s.month);
      const table = $('person-events');
      table.setAttribute('aria-busy', 'true');
      try {
        const res = await api.listAll('/api/attendance/', { employee_id: id, from, to });
        if (!live()) return;
        s.events = res.results;
        await renderEvents();
        table.dataset.month = s.month;
        showProblem($('person-log-error'), null);
      } catch (err) {
        if (!live()) return;
        showProblem($('person-log-error'), err);
      } finally {
        table.removeAttribute('aria-busy');
      }
    }

    async function renderEvents() {
      const p = s.person;
      const body = $('person-events').tBodies[0];
      $('person-events-caption').textContent = `${personName(p)}'s clock events in ${monthLabel(s.month)}, newest first`;
      if (!s.events.length) {
        fill(body, emptyRow(6, `No clock events in ${monthLabel(s.month)}.`));
        return;
      }
      fill(body, s.events.map((e) => {
        const what = `${e.type === 'entry' ? 'clock-in' : 'clock-out'} of ${fmtDateTimeIn(e.timestamp, s.tz)}`;
        // A night shift's events count for the date the shift began (their work date).
        const workDate = e.work_date && e.work_date !== dateIn(e.timestamp, s.tz)
          ? el('span', { class: 'muted', 'data-testid': `event-work-date-${e.id}` }, ` (counts for ${fmtDate(e.work_date)})`) : null;
        const when = el('span', null, el('time', { datetime: e.timestamp }, fmtDateTimeIn(e.timestamp, s.tz)), workDate);
        const recorded = e.source === 'self'
          ? el('span', null, `${p.first_name || personName(p)}, on the clock`)
          : e.source === 'system' ? el('span', null, 'By the system', e.note ? el('span', { class: 'note' }, `: ${e.note}`) : null)
          : el('span', null, `By ${e.recorded_by_name || `user #${e.recorded_by}`}`,
            e.note ? el('span', { class: 'note' }, `: ${e.note}`) : null);
        const voided = e.voided
          ? el('span', null, `By ${e.voided_by_name || (e.voided_by ? `user #${e.voided_by}` : 'someone')}`,
            e.voided_at ? ` on ${fmtDateTime(e.voided_at)}` : '', e.void_note ? el('span', { class: 'note' }, `: ${e.void_note}`) : null)
          : null; // empty: a phone's card then leaves the line out
        return el('tr', {
          'data-testid': `event-row-${e.id}`, 'data-id': e.id, 'data-type': e.type, 'data-work-date': e.work_date || '',
          'data-voided': e.voided ? 'true' : 'false', class: e.voided ? 'is-voided' : null,
        },
        el('td', { 'data-label': 'When', class: 'wide struck' }, e.voided ? el('del', null, when) : when),
        el('td', { 'data-label': 'Event', class: 'struck' }, e.voided ? el('del', null, e.type === 'entry' ? 'Clock in' : 'Clock out') : (e.type === 'entry' ? 'Clock in' : 'Clock out'),
          e.voided ? [' ', badge('voided', 'muted', { 'data-testid': 'voided' })] : null),
        el('td', { 'data-label': 'Late' }, e.type === 'entry' && e.late
          ? badge(`${plural(Number(e.late_minutes) || 0, 'minute')} late`, 'warn') : null),
        el('td', { 'data-label': 'Recorded', class: 'wide' }, recorded),
        el('td', { 'data-label': 'Voided', class: 'wide' }, voided),
        el('td', { 'data-label': 'Action' }, e.voided || !can('void-event') ? null
          : el('button', {
            type: 'button', class: 'btn btn-quiet btn-small', 'data-testid': `void-${e.id}`, 'data-void': e.id,
            'aria-label': `Void the ${what}`, 'aria-expanded': 'false',
          }, 'Void')));
      }));
    }

    function monthLabel(m) {
      const [y, mo] = m.split('-').map(Number);
      return new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' }).format(new Date(y, mo - 1, 15));
    }

    async function loadLeave() {
      const year = Number(s.month.slice(0, 4));
      try {
        const [requests, balance] = await Promise.all([
          api.get('/api/leaves/overview/', { employee_id: id, limit: 20 }),
          api.get('/api/leaves/balance/', { employee_id: id, year }),
        ]);
        if (!live()) return;
        for (const k of ['remaining', 'allowance', 'used', 'pending', 'late_penalty']) {
          $(`person-balance-${k}`).textContent = balance ? fmtNum(balance[k]) : '–';
        }
        $('person-balance-remaining').classList.toggle('low', Boolean(balance && balance.low === true));
        $('person-balance').dataset.year = String(year);
        $('person-leave-title').textContent = `Leave · ${year} balance`;
        const list = requests && Array.isArray(requests.results) ? requests.results : [];
        const body = $('person-requests').tBodies[0];
        fill(body, list.length ? list.map((r) => el('tr', { 'data-testid': `person-leave-row-${r.id}`, 'data-status': r.status },
          el('td', { 'data-label': 'Type' }, leaveTypeLabel(r.leave_type)),
          el('td', { 'data-label': 'Dates', class: 'wide' }, fmtRange(r.start_date, r.end_date, r.half_day)),
          el('td', { 'data-label': 'Days', class: 'num' }, fmtNum(r.days)),
          el('td', { 'data-label': 'Status' }, badge(STATUS_LABELS[r.status] || r.status, STATUS_TONES[r.status] || 'muted')),
          el('td', { 'data-label': 'Reason', class: 'wide' }, r.reason || ''),
          el('td', { 'data-label': 'Decision', class: 'wide' }, r.decision_comment || (r.decided_at ? fmtDateTime(r.decided_at) : el('span', { class: 'muted' }, '—')))))
          : emptyRow(6, 'No leave requests yet.'));
        showProblem($('person-leave-error'), null);
      } catch (err) {
        if (!live()) return;
        showProblem($('person-leave-error'), err);
      }
    }

    function loadMonth() {
      $('person-month-label').textContent = monthLabel(s.month);
      $('person-month-label').dataset.month = s.month;
      return Promise.all([loadSummary(), loadDays(), loadEvents(), loadLeave(), loadToil()]);
    }

    // The month day by day: each date's status, as GET /api/attendance/days/
    // decides it; the page only says it in words.
    async function loadDays() {
      const { from, to } = monthRange(s.month);
      const month = s.month;
      const table = $('person-days');
      table.setAttribute('aria-busy', 'true');
      try {
        const page = await api.get('/api/attendance/days/', { employee_id: id, from, to, limit: 62 });
        if (!live() || month !== s.month) return;
        renderDays(page && Array.isArray(page.results) ? page.results : [], page ? page.today : '');
        table.dataset.month = month;
        showProblem($('person-days-error'), null);
      } catch (err) {
        if (!live()) return;
        showProblem($('person-days-error'), err);
      } finally {
        table.removeAttribute('aria-busy');
      }
    }

    function renderDays(rows, today) {
      const p = s.person;
      $('person-days-caption').textContent = `${personName(p)}'s days in ${monthLabel(s.month)}: status, hours worked, late minutes, leave and holidays`;
      const body = $('person-days').tBodies[0];
      if (!rows.length) {
        fill(body, emptyRow(5, `No days in ${monthLabel(s.month)}.`));
        return;
      }
      fill(body, rows.map((r) => {
        const [mark, word, tone] = DAY_STATUS[r.status] || ['', r.status, 'muted'];
        const notes = [];
        if (r.leave) notes.push(el('span', { class: 'day-leave' }, leaveWords(r.leave)));
        if (r.holiday) notes.push(el('span', { class: 'day-holiday' }, r.holiday));
        if (r.open_sessions > 0) notes.push(el('span', { class: 'muted' }, `${plural(r.open_sessions, 'open session')}`));
        return el('tr', {
          'data-testid': `day-${r.date}`, 'data-date': r.date, 'data-status': r.status,
          class: `day day-${r.status}`, 'aria-current': r.date === today ? 'date' : null,
        },
        el('th', { scope: 'row', 'data-label': 'Date' }, el('time', { datetime: r.date }, dayLabel(r.date))),
        el('td', { 'data-label': 'Status' }, el('span', { class: `badge badge-${tone} day-status` },
          el('span', { class: 'day-mark', 'aria-hidden': 'true' }, mark), ` ${word}`)),
        el('td', { 'data-label': 'Worked', class: 'num', 'data-seconds': r.worked_seconds },
          r.worked_seconds > 0 || (r.sessions && r.sessions.length) ? hoursMinutes(r.worked_seconds) : ''),
        el('td', { 'data-label': 'Late (min)', class: 'num day-late-minutes' }, r.late_minutes > 0 ? fmtNum(r.late_minutes) : ''),
        el('td', { 'data-label': 'Leave, holiday', class: 'day-notes' }, joinNodes(notes)));
      }));
    }

    function leaveWords(l) {
      const type = `${leaveTypeLabel(l.type)} leave`;
      if (l.minutes > 0) return `${type}, ${hoursMinutes(l.minutes * 60)}`;
      if (l.share > 0 && l.share < 1) return `${type}, ${l.share === 0.5 ? 'half day' : `${fmtNum(l.share)} day`}`;
      return type;
    }

    // "Wed 4": the weekday and the day of the month, each in its span (a
    // phone puts one over the other).
    function dayLabel(date) {
      const [y, m, d] = date.split('-').map(Number);
      return DAY_LABEL_FMT.formatToParts(new Date(Date.UTC(y, m - 1, d, 12)))
        .map((p) => (p.type === 'weekday' ? el('span', { class: 'day-wd' }, p.value)
          : p.type === 'day' ? el('span', { class: 'day-n' }, p.value) : p.value));
    }

    // ---- Overtime into time off ------------------------------------------------------

    // toilSection is the card that converts the person's daily overtime into
    // a credit of a leave type (docs/shifts.md, "Time off in lieu"); it is
    // there when the server says the reader may convert for this person.
    function toilSection() {
      const f = {
        from: field({ id: 'toil-from', label: 'From (work date)', type: 'date' }),
        to: field({ id: 'toil-to', label: 'To (work date)', type: 'date' }),
        minutes: field({ id: 'toil-minutes', label: 'Minutes of overtime', type: 'number', attrs: { min: 1, step: 1, inputmode: 'numeric' } }),
        type: field({ id: 'toil-type', label: 'Credited to', type: 'select', options: [] }),
        comment: field({ id: 'toil-comment', label: 'Comment', optional: true }),
      };
      return el('section', { id: 'person-toil', class: 'card span-12', 'aria-labelledby': 'person-toil-title' },
        el('div', { class: 'card-head' }, el('h2', { id: 'person-toil-title' }, 'Overtime into time off')),
        el('p', { class: 'muted small' }, 'Turns daily overtime of a range of work dates into days of a leave type, '
          + 'at the minutes of a scheduled day. A range is converted once; what is not converted stays overtime.'),
        el('form', { id: 'toil-form', class: 'form', novalidate: true },
          el('div', { class: 'form-grid' }, f.from.wrap, f.to.wrap, f.minutes.wrap, f.type.wrap, f.comment.wrap),
          el('div', { id: 'toil-error', class: 'error', role: 'alert' }),
          el('div', { class: 'form-actions' },
            el('button', { id: 'toil-submit', type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': 'toil-submit' }, 'Convert'))),
        el('div', { class: 'table-wrap' },
          el('table', { id: 'person-toil-list', class: 'table stack', 'data-testid': 'person-toil-list' },
            el('caption', { class: 'visually-hidden' }, 'Overtime converted into time off, newest first'),
            el('thead', null, el('tr', null,
              ['Work dates', 'Minutes', 'Credit', 'Leave type', 'Comment'].map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody'))));
    }

    const TOIL_FIELDS = { from: 'toil-from', to: 'toil-to', minutes: 'toil-minutes', leave_type: 'toil-type', comment: 'toil-comment' };

    async function loadToil() {
      if (!$('person-toil')) return;
      try {
        const [types, list] = await Promise.all([
          api.get('/api/leaves/types/'),
          api.get('/api/overtime/conversions/', { employee_id: id }),
        ]);
        if (!live()) return;
        const sel = $('toil-type');
        if (!sel.options.length) {
          const all = Array.isArray(types) ? types : (types && types.results) || [];
          sel.replaceChildren(...all.filter((t) => t.uses_allowance && !t.retired)
            .map((t) => el('option', { value: t.code }, t.name || t.code)));
        }
        const rows = list && Array.isArray(list.results) ? list.results : [];
        fill($('person-toil-list').tBodies[0], rows.length ? rows.map((c) => el('tr', { 'data-testid': `toil-row-${c.id}` },
          el('td', { 'data-label': 'Work dates', class: 'wide' }, fmtRange(c.from, c.to)),
          el('td', { 'data-label': 'Minutes', class: 'num' }, fmtNum(c.minutes)),
          el('td', { 'data-label': 'Credit', class: 'num', 'data-value': c.amount_exact }, plural(c.amount, 'day')),
          el('td', { 'data-label': 'Leave type' }, leaveTypeLabel(c.leave_type)),
          el('td', { 'data-label': 'Comment', class: 'wide' }, c.comment || '')))
          : emptyRow(5, 'No overtime converted yet.'));
      } catch (err) {
        if (!live()) return;
        showProblem($('toil-error'), err);
      }
    }

    async function convert(e) {
      e.preventDefault();
      const button = $('toil-submit');
      const error = $('toil-error');
      setBusy(button, true);
      showFormProblem(error, null, TOIL_FIELDS);
      const minutes = $('toil-minutes').value.trim();
      try {
        const c = await api.post('/api/overtime/conversions/', {
          employee_id: id,
          from: $('toil-from').value,
          to: $('toil-to').value,
          minutes: minutes === '' ? null : Number(minutes),
          leave_type: $('toil-type').value,
          comment: $('toil-comment').value,
        });
        if (!live()) return;
        announce(`${plural(c.minutes, 'minute')} of overtime are now ${plural(c.amount, 'day')} of ${leaveTypeLabel(c.leave_type)}.`, { tone: 'ok' });
        $('toil-minutes').value = '';
        $('toil-comment').value = '';
        await Promise.all([loadToil(), loadLeave()]);
      } catch (err) {
        if (!live()) return;
        showFormProblem(error, err, TOIL_FIELDS);
      } finally {
        if (live()) setBusy(button, false);
      }
    }

    // ---- Record and void ---------------------------------------------------------------

    function recordForm(p) {
      const who = p.first_name || personName(p);
      const type = field({ id: 'record-type', label: 'Event', type: 'select', value: 'exit', options: [{ value: 'entry', label: 'Entry (clock in)' }, { value: 'exit', label: 'Exit (clock out)' }] });
      const date = field({ id: 'record-date', label: 'Date', type: 'date', value: todayIn(s.tz) });
      const time = field({ id: 'record-time', label: 'Time', type: 'time', hint: `${who}'s local time (${s.tz || 'UTC'}).` });
      const note = field({ id: 'record-note', label: 'Note', type: 'textarea', hint: 'Why you record it: kept with the event and shown to them.', attrs: { required: true, 'aria-required': 'true' } });
      return el('details', { id: 'person-record', class: 'record' },
        el('summary', { id: 'person-record-toggle', 'data-testid': 'person-record-toggle' }, `Record an entry or exit for ${who}`),
        el('form', { id: 'person-record-form', class: 'form', novalidate: true },
          el('div', { class: 'form-grid' }, type.wrap, date.wrap, time.wrap),
          note.wrap,
          el('div', { id: 'record-error', class: 'error', role: 'alert', 'data-testid': 'record-error' }),
          el('div', { class: 'form-actions' },
            el('button', { id: 'record-submit', type: 'submit', class: 'btn btn-primary', 'data-testid': 'record-submit' }, 'Record'))));
    }

    async function record(e) {
      e.preventDefault();
      const button = $('record-submit');
      if (button.disabled) return;
      const p = s.person;
      const type = $('record-type').value;
      const date = $('record-date').value;
      const time = $('record-time').value;
      const note = text('record-note');
      showFormProblem($('record-error'), null, { ...RECORD_FIELDS, date: 'record-date' });
      if (!date || !time) {
        showFormProblem($('record-error'), {
          detail: 'Choose the date and the time.',
          errors: [!date ? { location: 'date', message: 'Choose the date.' } : { location: 'timestamp', message: 'Choose the time.' }],
        }, { timestamp: 'record-time', date: 'record-date' });
        return;
      }
      const at = instantIn(date, time, s.tz);
      if (!at) {
        showFormProblem($('record-error'), {
          detail: `${time} does not exist on that date in ${s.tz}: the clocks go forward then.`,
          errors: [{ location: 'timestamp', message: 'Choose a time that exists on that date.' }],
        }, { timestamp: 'record-time' });
        return;
      }
      const body = { employee_id: id, type, timestamp: at.toISOString(), note };
      // Keep the key across a network failure, so that trying again cannot record twice.
      const sig = JSON.stringify(body);
      if (!s.recordKey || s.recordSig !== sig) {
        s.recordKey = api.newIdempotencyKey();
        s.recordSig = sig;
      }
      setBusy(button, true);
      try {
        const ev = await api.post('/api/attendance/', body, { headers: { 'Idempotency-Key': s.recordKey } });
        s.recordKey = null;
        if (!live()) return;
        $('record-time').value = '';
        $('record-note').value = '';
        const words = `${type === 'entry' ? 'an entry' : 'an exit'} for ${personName(p)} at ${fmtDateTimeIn(ev ? ev.timestamp : at, s.tz)}`;
        announce(`Recorded ${words}.`, { tone: 'ok' });
        if (monthOf(date) !== s.month) setMonth(monthOf(date));
        else await Promise.all([loadEvents(), loadSummary(), loadDays()]);
        ctx.events.dispatchEvent(new CustomEvent('attendance-changed', { detail: ev }));
      } catch (err) {
        if (err.status !== 0) s.recordKey = null;
        if (!live()) return;
        const words = err.status === 409 ? sequenceSentence(err, p, s.tz, type, date) : '';
        showFormProblem($('record-error'), words ? { ...err, detail: words } : err, RECORD_FIELDS);
      } finally {
        setBusy(button, false);
      }
    }

    function onEventsClick(e) {
      const button = e.target.closest('button[data-void]');
      if (!button) return;
      const evId = Number(button.dataset.void);
      const tr = button.closest('tr');
      const open = tr.nextElementSibling && tr.nextElementSibling.dataset.voidFor === String(evId);
      if (open) {
        tr.nextElementSibling.remove();
        button.setAttribute('aria-expanded', 'false');
        return;
      }
      const ev = s.events.find((x) => x.id === evId);
      const what = `${ev.type === 'entry' ? 'clock-in' : 'clock-out'} of ${fmtDateTimeIn(ev.timestamp, s.tz)}`;
      const note = field({ id: `void-note-${evId}`, label: `Why void the ${what}?`, attrs: { autocomplete: 'off', 'data-testid': `void-note-${evId}` } });
      const error = el('div', { id: `void-error-${evId}`, class: 'error', role: 'alert', 'data-testid': `void-error-${evId}` });
      const confirm = el('button', { type: 'submit', class: 'btn btn-danger btn-small', 'data-testid': `void-confirm-${evId}` }, 'Void it');
      const cancel = el('button', { type: 'button', class: 'btn btn-quiet btn-small' }, 'Cancel');
      const form = el('form', { class: 'form void-form', novalidate: true }, note.wrap, error, el('div', { class: 'form-actions' }, confirm, cancel));
      const row = el('tr', { class: 'void-row', 'data-void-for': evId }, el('td', { colspan: 6, class: 'wide' }, form));
      tr.after(row);
      button.setAttribute('aria-expanded', 'true');
      cancel.addEventListener('click', () => { row.remove(); button.setAttribute('aria-expanded', 'false'); button.focus(); });
      form.addEventListener('submit', async (ev2) => {
        ev2.preventDefault();
        setBusy(confirm, true);
        showFormProblem(error, null, { note: note.input.id });
        try {
          await api.del(`/api/attendance/${evId}/`, { note: note.input.value.trim() });
          if (!live()) return;
          announce(`Voided the ${what}.`, { tone: 'ok' });
          await Promise.all([loadEvents(), loadSummary(), loadDays()]);
          ctx.events.dispatchEvent(new CustomEvent('attendance-changed', { detail: ev }));
          $('person-log-title').focus();
        } catch (err) {
          if (!live()) return;
          showFormProblem(error, err, { note: note.input.id });
          setBusy(confirm, false);
        }
      });
      note.input.focus();
    }

    // ---- Start and live updates -------------------------------------------------------

    const reloadSoon = debounce(() => { loadEvents(); loadSummary(); loadDays(); }, 600);

    (async () => {
      try {
        const p = await api.get(`/api/employees/${id}/`);
        if (!live()) return;
        s.person = p;
        s.tz = p.timezone || undefined;
        ctx.directory.remember(p);
        if (!s.month) s.month = monthOf(todayIn(s.tz));
        build();
        renderHead();
        renderDetails();
        await loadMonth();
      } catch (err) {
        if (!live()) return;
        notFound(err);
      }
    })();

    return {
      stop() { alive = false; ac.abort(); reloadSoon.cancel(); },
      focus: () => $('person-name'),
      update(next) {
        const m = next.query.get('month');
        if (isMonth(m) && m !== s.month && s.person) {
          s.month = m;
          loadMonth();
        }
      },
      onAttendance(ev) {
        if (ev && Number(ev.employee_id) === id && s.person) reloadSoon();
      },
      onReconnect() {
        if (s.person) loadMonth();
      },
    };
  },
};
