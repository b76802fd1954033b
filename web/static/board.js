// board.js: today's board of the manager's scope (role manager or admin):
// who is in, late, not arrived, on leave, gone home or off today, kept live
// from WebSocket attendance events.

import * as api from './api.js';
import { formatHHMM, parseHHMM } from './dates.js';
import {
  $, badge, debounce, el, fill, fmtDate, fmtDateTime, fmtNum, fmtTime, leaveTypeLabel, personLink, personName,
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

/** The board's rows: GET /api/attendance/today/, where the server says each status. */
const TODAY = '/api/attendance/today/';

/** Creates the board; ctx: { me, alive(), events }. */
export function createBoardView(ctx) {
  const ac = new AbortController();
  const listen = (node, type, fn) => node && node.addEventListener(type, fn, { signal: ac.signal });
  const timers = [];
  const rowTimers = new Map();

  const board = {
    loaded: false,
    loading: false,
    date: '',
    rows: new Map(), // employee id -> row of GET /api/attendance/today/
    flash: new Set(),
    queued: [], // live events that came while the board was loading
  };

  async function loadBoard() {
    if (board.loading) return;
    board.loading = true;
    $('board').setAttribute('aria-busy', 'true');
    try {
      const today = await api.listAll(TODAY);
      if (!ctx.alive()) return;
      board.date = (today.first && today.first.date) || '';
      board.rows = new Map(today.results.map((r) => [Number(r.employee_id), r]));
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

  // The server decides each status (docs/api.md, GET /api/attendance/today/);
  // the page only maps it to the board's groups. An expected person whose
  // due_at, the server's deadline, has passed since the rows were read is
  // shown as not arrived until the next read says so too.
  function classify(row) {
    const lateMin = Number(row.late_minutes) || 0;
    const leaveShare = Number(row.leave_share) || 0;
    let status = row.status;
    if (status === 'expected' && row.due_at && Date.parse(row.due_at) < Date.now()) status = 'not_arrived';
    const emp = { id: Number(row.employee_id), name: row.name, username: row.username };
    return {
      emp,
      row,
      id: emp.id,
      name: personName(emp),
      status,
      lateMin,
      leaveShare,
      start: parseHHMM(row.shift_start) ?? 0,
    };
  }

  function personItem(group, c, ...badges) {
    return el('li', {
      class: `person${board.flash.has(c.id) ? ' flash' : ''}`,
      'data-testid': `board-${group}-${c.id}`,
      'data-employee-id': c.id,
      'data-status': c.status,
      'data-late-minutes': c.lateMin,
      'data-needs-review': c.row.needs_review ? 'true' : null,
    },
    personLink(c.emp, { class: 'person-name' }),
    c.row.department ? el('span', { class: 'person-dept' }, c.row.department) : null,
    el('span', { class: 'person-badges' }, badges, reviewBadge(c.row)));
  }

  /**
   * "Needs review": a forgotten exit the server flags, or correction
   * requests waiting (the row's needs_review, review_since,
   * pending_corrections); it links to the corrections to decide.
   */
  function reviewBadge(row) {
    if (!row.needs_review) return null;
    const why = [];
    if (row.review_since) why.push(`open since ${fmtDateTime(row.review_since)}`);
    if (row.pending_corrections > 0) why.push(plural(Number(row.pending_corrections), 'correction') + ' to decide');
    return el('a', {
      href: '#/corrections', class: 'badge badge-danger', 'data-testid': 'needs-review', title: why.join('; '),
    }, `needs review${why.length ? ` · ${why.join(' · ')}` : ''}`);
  }

  function lateBadge(c) {
    return badge(`${fmtNum(c.lateMin)} min late`, 'warn', { 'data-testid': 'late-minutes' });
  }

  function leaveBadge(c) {
    const type = c.row.leave_type ? `${leaveTypeLabel(c.row.leave_type)} leave` : 'On leave';
    if (c.leaveShare === 0.5) return badge(`${type}, half day`, 'info');
    return badge(c.leaveShare > 0 && c.leaveShare < 1 ? `${type}, ${fmtNum(c.leaveShare)} of the day` : type, 'info');
  }

  /** The deadline as the person's wall clock, as the server gave it. */
  function dueBadge(c) {
    const start = c.row.shift_start ? formatHHMM(c.start) : '';
    return c.status === 'not_arrived'
      ? badge(`not arrived · due ${start}`, 'danger', { 'data-testid': 'due' })
      : badge(`expected ${start}`, 'muted', { 'data-testid': 'due' });
  }

  function renderBoard() {
    if (!board.loaded) return;
    const all = [...board.rows.values()].map(classify)
      .sort((a, b) => a.name.localeCompare(b.name));
    const holidayRow = all.find((c) => c.row.holiday && c.row.date === board.date);
    const holiday = holidayRow ? holidayRow.row.holiday : '';
    $('board-date').textContent = `${board.date ? fmtDate(board.date) : ''}${holiday ? ` · ${holiday}` : ''}`;
    const groups = {
      in: all.filter((c) => c.status === 'in'),
      late: all.filter((c) => c.lateMin > 0).sort((a, b) => b.lateMin - a.lateMin),
      'not-arrived': [
        ...all.filter((c) => c.status === 'not_arrived'),
        ...all.filter((c) => c.status === 'expected').sort((a, b) => a.start - b.start),
      ],
      leave: all.filter((c) => c.status === 'on_leave'),
      left: all.filter((c) => c.status === 'left'),
      off: all.filter((c) => c.status === 'off' || c.status === 'holiday'),
    };
    const items = {
      in: (c) => personItem('in', c, c.lateMin > 0 ? lateBadge(c) : badge(c.row.shift_start ? 'on time' : 'in', 'ok')),
      late: (c) => personItem('late', c, lateBadge(c), badge(c.status === 'in' ? 'in' : 'left', 'muted')),
      'not-arrived': (c) => personItem('not-arrived', c, dueBadge(c)),
      leave: (c) => personItem('leave', c, leaveBadge(c)),
      left: (c) => personItem('left', c, c.lateMin > 0 ? lateBadge(c) : null, badge('left', 'muted')),
      off: (c) => personItem('off', c, badge(c.status === 'holiday' && c.row.holiday ? c.row.holiday : 'day off', 'muted')),
    };
    const counts = {
      in: groups.in.length,
      late: groups.late.length,
      'not-arrived': groups['not-arrived'].filter((c) => c.status === 'not_arrived').length,
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

  /** Asks the server for one employee's row, after their events settle. */
  function refreshRowSoon(id) {
    clearTimeout(rowTimers.get(id));
    rowTimers.set(id, setTimeout(async () => {
      rowTimers.delete(id);
      try {
        const page = await api.get(TODAY, { employee_id: id });
        if (!ctx.alive()) return;
        const row = (page && Array.isArray(page.results) ? page.results : []).find((r) => Number(r.employee_id) === id);
        if (row) board.rows.set(id, row);
        else board.rows.delete(id); // deactivated meanwhile
        renderBoard();
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
    const prev = board.rows.get(id);
    if (!prev) {
      reloadBoardSoon();
      return;
    }
    if (!ev.voided) {
      // An employee's own clock-in or -out is their latest event: until the
      // server's row comes, it says in or left, and an entry's own lateness.
      const row = { ...prev, status: ev.type === 'entry' ? 'in' : 'left' };
      if (ev.type === 'entry') {
        row.open_since = row.open_since || ev.timestamp;
        if (ev.late) {
          row.late = true;
          row.late_minutes = Math.max(Number(row.late_minutes) || 0, Number(ev.late_minutes) || 0);
        }
      } else {
        row.open_since = null;
      }
      board.rows.set(id, row);
    }
    board.flash.add(id);
    renderBoard();
    const name = personName(classify(prev).emp);
    const t = fmtTime(ev.timestamp);
    if (ev.voided) say(`${name}'s ${ev.type === 'entry' ? 'clock-in' : 'clock-out'} at ${t} was voided.`);
    else if (ev.type === 'entry') say(`${name} clocked in at ${t}${ev.late ? ` — ${plural(Number(ev.late_minutes) || 0, 'minute')} late` : ''}.`);
    else say(`${name} clocked out at ${t}.`);
    // An employee's own clock-in or -out is the day's latest event, and the
    // row above is then right. A manager's entry may fall anywhere in the
    // day, and a void can make a later entry the first: only those are asked
    // for, so that a busy morning does not send every open dashboard to the
    // server once an event.
    if (ev.source !== 'self' || ev.voided) refreshRowSoon(id);
  }

  function onReconnect() {
    loadBoard();
  }

  // A correction request made or decided, or a session flagged, changes
  // someone's "needs review" mark: their row is asked for again.
  const REVIEW_KINDS = new Set(['correction_requested', 'correction_decided', 'needs_review']);
  function onNotification(n) {
    if (!n || !REVIEW_KINDS.has(n.kind) || !board.loaded) return;
    const id = Number(n.employee_id);
    if (board.rows.has(id)) refreshRowSoon(id);
    else reloadBoardSoon(); // someone the board has not read yet
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
    // Expected people pass their deadline as the clock moves; every ten
    // minutes the server is asked again (the date rolls over at midnight).
    timers.push(setInterval(() => renderBoard(), 60_000));
    timers.push(setInterval(() => { if (ctx.alive() && board.loaded) loadBoard(); }, 10 * 60_000));
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

  return {
    start, stop, onAttendance, onNotification, onReconnect, date: () => board.date,
  };
}
