// manager.js: the manager dashboard (role manager or admin): today's board
// of the scope, kept live from WebSocket attendance events; the pending
// leave requests with Approve / Reject; and the overview of a date range as a
// sortable table with totals, an SVG chart and a CSV download.

import * as api from './api.js';
import { drawOverviewChart } from './chart.js';
import {
  dateIn, firstOfMonth, formatHHMM, isDate, isWorkingDay, localToday, parseHHMM, zonedParts,
} from './dates.js';
import {
  $, announce, badge, debounce, el, emptyRow, fill, fmtDate, fmtDateTime, fmtNum, fmtRange,
  fmtTime, leaveTypeLabel, personName, plural, setBusy, showProblem, svg,
} from './ui.js';

const CHART_MAX_ROWS = 40;

/** The overview columns; `num` columns sort numerically and are summed in totals. */
const COLUMNS = [
  { key: 'name', label: 'Employee', num: false },
  { key: 'department', label: 'Department', num: false },
  { key: 'days_present', label: 'Days present', num: true },
  { key: 'late_entries', label: 'Late arrivals', num: true },
  { key: 'late_minutes', label: 'Late minutes', num: true },
  { key: 'absent_days', label: 'Absent days', num: true },
  { key: 'leave_days', label: 'Leave days', num: true },
  { key: 'worked_hours', label: 'Hours worked', num: true },
  { key: 'open_sessions', label: 'Open sessions', num: true },
];

const BOARD_GROUPS = [
  { key: 'in', title: 'In now', empty: 'Nobody is in right now.' },
  { key: 'late', title: 'Late today', empty: 'Nobody is late today.' },
  { key: 'not-arrived', title: 'Not arrived', empty: 'Everyone expected so far has arrived.' },
  { key: 'leave', title: 'On leave', empty: 'Nobody is on leave today.' },
  { key: 'left', title: 'Left for the day', empty: 'Nobody has left yet.' },
  { key: 'off', title: 'Not working today', empty: 'Everyone works today.' },
];

function results(page) {
  if (Array.isArray(page)) return page;
  return page && Array.isArray(page.results) ? page.results : [];
}

const NO_HOLIDAYS = { set: new Set(), names: new Map() };

/** Creates the manager view; ctx: { me, alive(), holidays(), events }. */
export function createManagerView(ctx) {
  const me = ctx.me;
  const ac = new AbortController();
  const listen = (node, type, fn) => node && node.addEventListener(type, fn, { signal: ac.signal });
  const timers = [];
  const rowTimers = new Map();
  let resizeObserver = null;

  const board = {
    loaded: false,
    loading: false,
    date: '',
    employees: new Map(),
    rows: new Map(),
    leaves: new Map(),
    holidays: new Set(),
    holidayNames: new Map(),
    flash: new Set(),
    queued: [], // live events that came while the board was loading
  };
  const pending = { list: [] };
  const ov = { rows: [], totals: null, from: '', to: '', count: 0, loaded: false, sort: { key: 'name', dir: 'asc' }, width: 0 };

  // ---- Today's board ---------------------------------------------------------

  /** The company's today: the overview's default range ends on it. */
  async function companyToday() {
    try {
      const meta = await api.get('/api/attendance/overview/', { employee_id: me.id, limit: 1 });
      if (meta && isDate(meta.to)) return meta.to;
    } catch (err) {
      if (err.status === 401) throw err;
    }
    return localToday();
  }

  async function loadBoard() {
    if (board.loading) return;
    board.loading = true;
    $('board').setAttribute('aria-busy', 'true');
    try {
      const today = await companyToday();
      const [emps, overview, hol, leaves] = await Promise.all([
        api.listAll('/api/employees/'),
        // Every row of today in one answer: each page of the JSON form sums
        // every employee again for its totals (10,000 employees: 20 pages,
        // 1.2 s, against 60 ms for the CSV).
        api.getCSV('/api/attendance/overview/', { from: today, to: today }),
        ctx.holidays().catch(() => NO_HOLIDAYS),
        api.listAll('/api/leaves/overview/', { status: 'approved', from: today, to: today })
          .catch(() => ({ results: [] })),
      ]);
      if (!ctx.alive()) return;
      board.date = today;
      board.employees = new Map(emps.results.filter((e) => e && e.active !== false).map((e) => [Number(e.id), e]));
      board.rows = new Map(overview.results.map((r) => [Number(r.employee_id), r]));
      board.holidays = hol.set;
      board.holidayNames = hol.names;
      board.leaves = new Map();
      for (const l of leaves.results) {
        if (l && l.start_date <= today && l.end_date >= today) board.leaves.set(Number(l.employee_id), l);
      }
      board.loaded = true;
      showProblem($('board-error'), null);
    } catch (err) {
      if (!ctx.alive()) return;
      showProblem($('board-error'), err);
    } finally {
      board.loading = false;
      $('board').removeAttribute('aria-busy');
    }
    renderBoard();
    for (const ev of board.queued.splice(0)) onAttendance(ev);
  }

  function classify(emp) {
    const row = board.rows.get(Number(emp.id)) || {};
    const today = board.date;
    const present = (Number(row.days_present) || 0) > 0;
    const open = (Number(row.open_sessions) || 0) > 0;
    const lateMin = Number(row.late_minutes) || 0;
    const leaveDays = Number(row.leave_days) || 0;
    const leave = board.leaves.get(Number(emp.id)) || null;
    const working = isWorkingDay(today, emp.work_days, board.holidays);
    const start = parseHHMM(emp.work_start) ?? 8 * 60;
    const due = start + (Number(emp.late_grace_minutes) || 0);
    let status;
    if (open) status = 'in';
    else if (present) status = 'left';
    else if (!working) status = 'off';
    else if (leaveDays >= 1 || (leave && !leave.half_day)) status = 'leave';
    else if (leaveDays > 0 || (leave && leave.half_day)) status = 'half-leave';
    else {
      const now = zonedParts(new Date(), emp.timezone);
      const overdue = now.date > today || (now.date === today && now.minutes > due);
      status = overdue ? 'not-arrived' : 'expected';
    }
    return { emp, id: Number(emp.id), name: personName(emp), status, lateMin, leave, leaveDays, working, start };
  }

  function personItem(group, c, ...badges) {
    return el('li', {
      class: `person${board.flash.has(c.id) ? ' flash' : ''}`,
      'data-testid': `board-${group}-${c.id}`,
      'data-employee-id': c.id,
      'data-status': c.status,
      'data-late-minutes': c.lateMin,
    },
    el('span', { class: 'person-name' }, c.name),
    c.emp.department ? el('span', { class: 'person-dept' }, c.emp.department) : null,
    el('span', { class: 'person-badges' }, badges));
  }

  function lateBadge(c) {
    return badge(`${fmtNum(c.lateMin)} min late`, 'warn', { 'data-testid': 'late-minutes' });
  }

  function leaveBadge(c) {
    const type = c.leave ? `${leaveTypeLabel(c.leave.leave_type)} leave` : 'On leave';
    return badge(c.status === 'half-leave' ? `${type}, half day` : type, 'info');
  }

  function renderBoard() {
    if (!board.loaded) return;
    const holiday = board.holidayNames.get(board.date);
    $('board-date').textContent = `${fmtDate(board.date)}${holiday ? ` · ${holiday}` : ''}`;
    const all = [...board.employees.values()].map(classify)
      .sort((a, b) => a.name.localeCompare(b.name));
    const groups = {
      in: all.filter((c) => c.status === 'in'),
      late: all.filter((c) => c.lateMin > 0).sort((a, b) => b.lateMin - a.lateMin),
      'not-arrived': [
        ...all.filter((c) => c.status === 'not-arrived'),
        ...all.filter((c) => c.status === 'expected').sort((a, b) => a.start - b.start),
      ],
      leave: all.filter((c) => c.status === 'leave' || c.status === 'half-leave'),
      left: all.filter((c) => c.status === 'left'),
      off: all.filter((c) => c.status === 'off'),
    };
    const items = {
      in: (c) => personItem('in', c, c.lateMin > 0 ? lateBadge(c) : badge(c.working ? 'on time' : 'in', 'ok')),
      late: (c) => personItem('late', c, lateBadge(c), badge(c.status === 'in' ? 'in' : 'left', 'muted')),
      'not-arrived': (c) => (c.status === 'not-arrived'
        ? personItem('not-arrived', c, badge(`not arrived · due ${formatHHMM(c.start)}`, 'danger'))
        : personItem('not-arrived', c, badge(`expected ${formatHHMM(c.start)}`, 'muted'))),
      leave: (c) => personItem('leave', c, leaveBadge(c)),
      left: (c) => personItem('left', c, c.lateMin > 0 ? lateBadge(c) : null, badge('left', 'muted')),
      off: (c) => personItem('off', c, badge(holiday && !c.working ? holiday : 'day off', 'muted')),
    };
    const counts = {
      in: groups.in.length,
      late: groups.late.length,
      'not-arrived': groups['not-arrived'].filter((c) => c.status === 'not-arrived').length,
      leave: groups.leave.length,
      left: groups.left.length,
      off: groups.off.length,
    };
    for (const g of BOARD_GROUPS) {
      const list = $(`board-${g.key}`);
      const people = groups[g.key];
      fill(list, people.length
        ? people.map(items[g.key])
        : el('li', { class: 'empty' }, all.length ? g.empty : 'Nobody is in your scope yet.'));
      $(`board-count-${g.key}`).textContent = String(counts[g.key]);
      const n = $(`board-group-count-${g.key}`);
      if (n) n.textContent = String(people.length);
    }
    board.flash.clear(); // highlight a change once, not on every later render
  }

  function say(msg) {
    const live = $('board-live');
    live.textContent = '';
    setTimeout(() => { live.textContent = msg; }, 30);
  }

  const reloadBoardSoon = debounce(() => loadBoard(), 1500);

  /** Asks the server for one employee's row of today, after their events settle. */
  function refreshRowSoon(id) {
    clearTimeout(rowTimers.get(id));
    rowTimers.set(id, setTimeout(async () => {
      rowTimers.delete(id);
      const date = board.date;
      try {
        const page = await api.get('/api/attendance/overview/', { employee_id: id, from: date, to: date });
        if (!ctx.alive() || date !== board.date) return;
        const row = results(page).find((r) => Number(r.employee_id) === id);
        if (row) {
          board.rows.set(id, row);
          renderBoard();
        }
      } catch {
        // The live guess stays on screen; the next full load corrects it.
      }
    }, 1200));
  }

  function onAttendance(ev) {
    if (!ev) return;
    if (board.loading) {
      // The rows being loaded may have been read before this event: apply
      // it (again, harmlessly) once they are in.
      board.queued.push(ev);
      return;
    }
    if (!board.loaded) return;
    const id = Number(ev.employee_id);
    const emp = board.employees.get(id);
    if (!emp) {
      reloadBoardSoon();
      return;
    }
    const date = dateIn(ev.timestamp, emp.timezone);
    if (date === board.date && !ev.voided) {
      // Applied twice (the event may be in the board's last load too), each
      // change gives the same row: entries and exits alternate, so an entry
      // leaves one session open and an exit none.
      const row = { days_present: 0, late_entries: 0, late_minutes: 0, open_sessions: 0, ...(board.rows.get(id) || {}) };
      if (ev.type === 'entry') {
        row.days_present = Math.max(1, Number(row.days_present) || 0);
        row.open_sessions = 1;
        if (ev.late) {
          row.late_minutes = Math.max(Number(row.late_minutes) || 0, Number(ev.late_minutes) || 0);
          row.late_entries = Math.max(1, Number(row.late_entries) || 0);
        }
      } else if (ev.type === 'exit') {
        row.open_sessions = 0;
      }
      board.rows.set(id, row);
    }
    board.flash.add(id);
    renderBoard();
    const name = personName(emp);
    const t = fmtTime(ev.timestamp);
    if (ev.voided) say(`${name}'s ${ev.type === 'entry' ? 'clock-in' : 'clock-out'} at ${t} was voided.`);
    else if (ev.type === 'entry') say(`${name} clocked in at ${t}${ev.late ? ` — ${plural(Number(ev.late_minutes) || 0, 'minute')} late` : ''}.`);
    else say(`${name} clocked out at ${t}.`);
    // An employee's own clock-in or -out is the day's latest event, and the
    // row above is then exact. A manager's entry may fall anywhere in the day,
    // and a void can make a later entry the first: only those are asked for,
    // so that a busy morning does not send every open dashboard to the server
    // once an event.
    if (ev.source !== 'self' || ev.voided) refreshRowSoon(id);
  }

  // ---- Pending leave ---------------------------------------------------------------

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
      const own = Number(r.employee_id) === Number(me.id) && me.role !== 'admin';
      const inputId = `pending-comment-${r.id}`;
      const input = el('input', {
        id: inputId, type: 'text', maxlength: 500, autocomplete: 'off',
        'data-testid': `comment-${r.id}`, 'data-request-id': r.id, placeholder: 'Optional',
        class: 'input-comment', disabled: own,
      });
      if (typed.has(String(r.id))) input.value = typed.get(String(r.id));
      const error = el('p', { class: 'row-error', id: `pending-error-${r.id}` });
      const approve = el('button', {
        type: 'button', class: 'btn btn-ok btn-small', 'data-testid': `approve-${r.id}`, 'data-action': 'approve',
        id: `approve-${r.id}`, 'aria-label': `Approve ${what}`, 'aria-describedby': error.id, disabled: own,
      }, 'Approve');
      const reject = el('button', {
        type: 'button', class: 'btn btn-danger btn-small', 'data-testid': `reject-${r.id}`, 'data-action': 'reject',
        id: `reject-${r.id}`, 'aria-label': `Reject ${what}`, 'aria-describedby': error.id, disabled: own,
      }, 'Reject');
      const tr = el('tr', { 'data-testid': `pending-row-${r.id}`, 'data-id': r.id },
        el('th', { scope: 'row', 'data-label': 'Employee' }, name),
        el('td', { 'data-label': 'Type' }, leaveTypeLabel(r.leave_type)),
        el('td', { 'data-label': 'Dates', class: 'wide' }, range),
        el('td', { 'data-label': 'Days', class: 'num' }, fmtNum(r.days)),
        el('td', { 'data-label': 'Reason', class: 'wide' }, r.reason || el('span', { class: 'muted' }, '—')),
        el('td', { 'data-label': 'Asked' }, fmtDateTime(r.created_at)),
        el('td', { 'data-label': 'Comment', class: 'wide' },
          el('label', { for: inputId, class: 'visually-hidden' }, `Comment for ${what}`), input),
        el('td', { 'data-label': 'Decision', class: 'wide' },
          el('div', { class: 'actions' }, approve, reject),
          own ? el('p', { class: 'hint' }, 'Your own request: your manager decides it.') : null,
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

  async function loadPending() {
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
      await api.post(`/api/leaves/${encodeURIComponent(r.id)}/action/`, { action, comment });
      if (!ctx.alive()) return;
      const idx = pending.list.findIndex((p) => p.id === r.id);
      pending.list = pending.list.filter((p) => p.id !== r.id);
      renderPending();
      announce(`${action === 'approve' ? 'Approved' : 'Rejected'}: ${what}.`, { tone: 'ok' });
      // Move focus to the next request, or to the section heading.
      const next = pending.list[Math.min(Math.max(idx, 0), pending.list.length - 1)];
      const target = next ? $(`pending-comment-${next.id}`) || $(`approve-${next.id}`) : $('pending-title');
      if (target) target.focus();
      if (action === 'approve' && r.start_date <= board.date && r.end_date >= board.date) reloadBoardSoon();
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

  // ---- Overview ----------------------------------------------------------------------

  function sortValue(r, key) {
    if (key === 'name') return String(r.name || r.username || '').toLowerCase();
    if (key === 'department') return String(r.department || '').toLowerCase();
    return Number(r[key]) || 0;
  }

  function sortedRows() {
    const { key, dir } = ov.sort;
    const col = COLUMNS.find((c) => c.key === key) || COLUMNS[0];
    const sign = dir === 'desc' ? -1 : 1;
    return ov.rows.slice().sort((a, b) => {
      const va = sortValue(a, col.key);
      const vb = sortValue(b, col.key);
      const d = col.num ? va - vb : String(va).localeCompare(String(vb));
      return d * sign || String(a.name || '').localeCompare(String(b.name || '')) || a.employee_id - b.employee_id;
    });
  }

  function buildOverviewHead() {
    const row = el('tr');
    for (const c of COLUMNS) {
      const button = el('button', { type: 'button', class: 'sort', 'data-sort': c.key },
        c.label, el('span', { class: 'sort-icon', 'aria-hidden': 'true' }));
      listen(button, 'click', () => {
        if (ov.sort.key === c.key) ov.sort.dir = ov.sort.dir === 'asc' ? 'desc' : 'asc';
        else ov.sort = { key: c.key, dir: c.num ? 'desc' : 'asc' };
        renderOverview();
        announce(`Sorted by ${c.label.toLowerCase()}, ${ov.sort.dir === 'asc' ? 'ascending' : 'descending'}.`);
      });
      row.append(el('th', { scope: 'col', class: c.num ? 'num' : null, 'data-key': c.key }, button));
    }
    fill($('overview-table').tHead || $('overview-table').createTHead(), row);
  }

  function cellValue(r, c) {
    if (c.key === 'name') return r.name || r.username || `#${r.employee_id}`;
    if (c.key === 'department') return r.department || '—';
    return fmtNum(r[c.key]);
  }

  function renderOverview() {
    const table = $('overview-table');
    for (const th of table.tHead.rows[0].cells) {
      if (th.dataset.key === ov.sort.key) th.setAttribute('aria-sort', ov.sort.dir === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
    const rows = sortedRows();
    const body = table.tBodies[0];
    if (!rows.length) {
      fill(body, emptyRow(COLUMNS.length, ov.loaded ? 'Nobody in your scope has data for this period.' : 'Choose dates and press Show.'));
    } else {
      fill(body, rows.map((r) => el('tr', { 'data-testid': `overview-row-${r.employee_id}`, 'data-employee-id': r.employee_id },
        COLUMNS.map((c) => (c.key === 'name'
          ? el('th', { scope: 'row', 'data-label': c.label },
            cellValue(r, c), r.username && r.name ? el('span', { class: 'muted small' }, ` ${r.username}`) : null)
          : el('td', { class: c.num ? 'num' : null, 'data-label': c.label }, cellValue(r, c)))))));
    }
    const foot = table.tFoot || table.createTFoot();
    const t = ov.totals;
    if (t && ov.loaded) {
      fill(foot, el('tr', { 'data-testid': 'overview-totals' },
        COLUMNS.map((c) => {
          if (c.key === 'name') return el('th', { scope: 'row' }, `Total (${plural(ov.count, 'employee')})`);
          if (c.key === 'department') return el('td', null, '');
          return el('td', { class: 'num', 'data-label': c.label }, fmtNum(t[c.key]));
        })));
    } else {
      foot.replaceChildren();
    }
    drawChart(rows);
  }

  function drawChart(rows = sortedRows()) {
    const root = $('overview-chart');
    const width = root.parentElement ? root.parentElement.clientWidth : 640;
    ov.width = width;
    const caption = ov.loaded
      ? `Hours worked and late arrivals per employee, ${fmtDate(ov.from)} to ${fmtDate(ov.to)}`
      : 'Hours worked and late arrivals per employee';
    const drawn = drawOverviewChart(root, ov.loaded ? rows : [], { width: width || 640, maxRows: CHART_MAX_ROWS, caption });
    const note = $('overview-chart-note');
    if (!ov.loaded) note.textContent = '';
    else if (rows.length > drawn) note.textContent = `Showing the first ${drawn} of ${rows.length} employees, in the table's order. Sort the table to choose who is shown.`;
    else if (drawn) note.textContent = 'Employees in the table\'s order. Click a column heading to sort.';
    else note.textContent = '';
  }

  function readRange() {
    const from = $('overview-from').value;
    const to = $('overview-to').value;
    if (!from || !to) {
      showProblem($('overview-error'), { detail: 'Choose both the first and the last day.' });
      return null;
    }
    return { from, to };
  }

  async function loadOverview(ev) {
    if (ev) ev.preventDefault();
    const range = readRange();
    if (!range) return;
    const button = $('overview-load');
    setBusy(button, true);
    $('overview-table').setAttribute('aria-busy', 'true');
    showProblem($('overview-error'), null, { fields: { from: 'overview-from', to: 'overview-to' } });
    try {
      const res = await api.listAll('/api/attendance/overview/', range);
      if (!ctx.alive()) return;
      ov.rows = res.results;
      ov.count = res.count;
      ov.totals = res.first.totals && typeof res.first.totals === 'object' ? res.first.totals : null;
      ov.from = isDate(res.first.from) ? res.first.from : range.from;
      ov.to = isDate(res.first.to) ? res.first.to : range.to;
      ov.loaded = true;
      // The range shown, for tests and scripts that wait for a reload.
      $('overview-table').dataset.from = ov.from;
      $('overview-table').dataset.to = ov.to;
      $('overview-summary').textContent = `${plural(ov.count, 'employee')} · ${fmtRange(ov.from, ov.to)}`;
      renderOverview();
    } catch (err) {
      if (!ctx.alive()) return;
      showProblem($('overview-error'), err, { fields: { from: 'overview-from', to: 'overview-to' } });
    } finally {
      setBusy(button, false);
      $('overview-table').removeAttribute('aria-busy');
    }
  }

  async function downloadCSV() {
    const range = readRange();
    if (!range) return;
    const button = $('overview-csv');
    setBusy(button, true);
    try {
      const name = await api.download('/api/attendance/overview/', { ...range, format: 'csv' },
        `attendance-overview-${range.from}-to-${range.to}.csv`);
      if (!ctx.alive()) return;
      showProblem($('overview-error'), null);
      announce(`Downloaded ${name}.`, { tone: 'ok' });
    } catch (err) {
      if (!ctx.alive()) return;
      showProblem($('overview-error'), err);
    } finally {
      setBusy(button, false);
    }
  }

  // ---- Live updates and lifecycle ---------------------------------------------------------

  function onNotification(n) {
    if (n.kind === 'leave_requested') loadPendingSoon();
  }

  function onReconnect() {
    loadBoard();
    loadPending();
  }

  function start() {
    const today = localToday();
    $('overview-from').value = firstOfMonth(today);
    $('overview-to').value = today;
    buildOverviewHead();
    renderOverview();
    listen($('overview-form'), 'submit', loadOverview);
    listen($('overview-csv'), 'click', downloadCSV);
    listen($('board-refresh'), 'click', () => loadBoard());
    listen($('pending-refresh'), 'click', () => loadPending());
    listen(ctx.events, 'own-leave-changed', () => loadPendingSoon());
    if ('ResizeObserver' in window) {
      let frame = 0;
      resizeObserver = new ResizeObserver(() => {
        // Redraw on the next frame: drawing inside the callback would resize
        // the observed box again and trip the browser's loop guard.
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(() => {
          const w = $('overview-chart').parentElement.clientWidth;
          if (ctx.alive() && ov.loaded && Math.abs(w - ov.width) >= 16) drawChart();
        });
      });
      resizeObserver.observe($('overview-chart').parentElement);
    }
    loadBoard();
    loadPending();
    loadOverview();
    // People become "not arrived" as the clock moves; the date rolls over at midnight.
    timers.push(setInterval(() => renderBoard(), 60_000));
    timers.push(setInterval(async () => {
      try {
        const today2 = await companyToday();
        if (ctx.alive() && board.loaded && today2 !== board.date) loadBoard();
      } catch { /* the next tick tries again */ }
    }, 10 * 60_000));
  }

  function stop() {
    ac.abort();
    timers.forEach(clearInterval);
    rowTimers.forEach((t) => clearTimeout(t));
    rowTimers.clear();
    reloadBoardSoon.cancel();
    loadPendingSoon.cancel();
    if (resizeObserver) resizeObserver.disconnect();
    for (const g of BOARD_GROUPS) {
      $(`board-${g.key}`).replaceChildren();
      $(`board-count-${g.key}`).textContent = '0';
      const n = $(`board-group-count-${g.key}`);
      if (n) n.textContent = '0';
    }
    $('board-date').textContent = '';
    $('board-live').textContent = '';
    $('pending-table').tBodies[0].replaceChildren();
    $('pending-count').textContent = '0';
    const table = $('overview-table');
    delete table.dataset.from;
    delete table.dataset.to;
    table.tBodies[0].replaceChildren();
    if (table.tFoot) table.tFoot.replaceChildren();
    if (table.tHead) table.tHead.replaceChildren();
    // Keep the chart's name and description: aria-labelledby points at them.
    $('overview-chart').replaceChildren(
      svg('title', { id: 'overview-chart-title' }, 'Hours worked and late arrivals per employee'),
      svg('desc', { id: 'overview-chart-desc' }, 'No data yet.'));
    $('overview-chart-note').textContent = '';
    $('overview-summary').textContent = '';
    for (const id of ['board-error', 'pending-error', 'overview-error']) showProblem($(id), null);
  }

  return { start, stop, onNotification, onAttendance, onReconnect };
}
