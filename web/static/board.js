// board.js: today's board of the manager's scope (role manager or admin):
// who is in, late, not arrived, on leave, gone home or off today, kept live
// from WebSocket attendance events.

import * as api from './api.js';
import {
  dateIn, formatHHMM, isDate, isWorkingDay, localToday, parseHHMM, zonedParts,
} from './dates.js';
import {
  $, badge, debounce, el, fill, fmtDate, fmtNum, fmtTime, leaveTypeLabel, personLink, personName,
  plural, showProblem,
} from './ui.js';

const BOARD_GROUPS = [
  { key: 'in', title: 'In now', empty: 'Nobody is in right now.' },
  { key: 'late', title: 'Late today', empty: 'Nobody is late today.' },
  { key: 'not-arrived', title: 'Not arrived', empty: 'Everyone expected so far has arrived.' },
  { key: 'leave', title: 'On leave', empty: 'Nobody is on leave today.' },
  { key: 'left', title: 'Left for the day', empty: 'Nobody has left yet.' },
  { key: 'off', title: 'Not working today', empty: 'Everyone works today.' },
];

const NO_HOLIDAYS = { set: new Set(), names: new Map() };

function results(page) {
  if (Array.isArray(page)) return page;
  return page && Array.isArray(page.results) ? page.results : [];
}

/**
 * The company's today: the overview's default range ends on it.
 * TODO(server): GET /api/company/ `today` replaces this guess from the
 * overview's default range.
 */
export async function companyToday(me) {
  try {
    const meta = await api.get('/api/attendance/overview/', { employee_id: me.id, limit: 1 });
    if (meta && isDate(meta.to)) return meta.to;
  } catch (err) {
    if (err.status === 401) throw err;
  }
  return localToday();
}

/** Creates the board; ctx: { me, alive(), holidays(), events }. */
export function createBoardView(ctx) {
  const me = ctx.me;
  const ac = new AbortController();
  const listen = (node, type, fn) => node && node.addEventListener(type, fn, { signal: ac.signal });
  const timers = [];
  const rowTimers = new Map();

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

  async function loadBoard() {
    if (board.loading) return;
    board.loading = true;
    $('board').setAttribute('aria-busy', 'true');
    try {
      const today = await companyToday(me);
      const [emps, overview, hol, leaves] = await Promise.all([
        api.listAll('/api/employees/'),
        // TODO(server): GET /api/attendance/today/ (JSON, each row with its
        // status) replaces this CSV and api.getCSV. Until then every row of
        // today comes in one CSV answer: each page of the JSON form sums every
        // employee again for its totals (10,000 employees: 20 pages, 1.2 s,
        // against 60 ms for the CSV).
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

  // TODO(server): GET /api/attendance/today/ gives each row's `status` and
  // `due_at`. This copies the domain's rules: the working day (work_days and
  // holidays), leave, and "not arrived" after work_start + grace + 30 minutes.
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
    // The contract's not_arrived deadline, so that the board and the
    // notification agree until the server says it (see the TODO above).
    const due = start + (Number(emp.late_grace_minutes) || 0) + 30;
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
    personLink(c.emp, { class: 'person-name' }),
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
      // TODO(server): the WebSocket's attendance message should carry the
      // employee's fresh row of GET /api/attendance/today/ (`row`), so that
      // the page does not pair entries and exits itself (the session rule).
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

  function onReconnect() {
    loadBoard();
  }

  function start() {
    listen($('board-refresh'), 'click', () => loadBoard());
    // Approved leave for today moves someone to "on leave"; a person added,
    // changed or deactivated, or a holiday, may move anyone.
    listen(ctx.events, 'leave-decided', (e) => {
      const r = e.detail || {};
      if (r.status === 'approved' && r.start_date <= board.date && r.end_date >= board.date) reloadBoardSoon();
    });
    listen(ctx.events, 'people-changed', () => reloadBoardSoon());
    listen(ctx.events, 'holidays-changed', () => reloadBoardSoon());
    loadBoard();
    // People become "not arrived" as the clock moves; the date rolls over at midnight.
    timers.push(setInterval(() => renderBoard(), 60_000));
    timers.push(setInterval(async () => {
      try {
        const today2 = await companyToday(me);
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
    for (const g of BOARD_GROUPS) {
      $(`board-${g.key}`).replaceChildren();
      $(`board-count-${g.key}`).textContent = '0';
      const n = $(`board-group-count-${g.key}`);
      if (n) n.textContent = '0';
    }
    $('board-date').textContent = '';
    $('board-live').textContent = '';
    showProblem($('board-error'), null);
  }

  return { start, stop, onAttendance, onReconnect, date: () => board.date };
}
