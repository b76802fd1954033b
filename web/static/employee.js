// employee.js: the part of the page every user has: the clock button and
// today's sessions (today's row of GET /api/attendance/days/), the recent
// clock log, the leave balance, the leave request form (its cost from the
// server's preview) and one's own requests with Cancel buttons.

import * as api from './api.js';
import { isDate, localToday, todayIn } from './dates.js';
import {
  $, announce, badge, debounce, el, emptyRow, fill, fmtDate, fmtDateTime, fmtDuration,
  fmtLocalDate, fmtNum, fmtRange, fmtTime, isLocalToday, leaveTypeLabel, plural, setBusy,
  showProblem,
} from './ui.js';

const LEAVE_FIELDS = {
  leave_type: 'leave-type',
  start_date: 'leave-start',
  end_date: 'leave-end',
  half_day: 'leave-half-day',
  reason: 'leave-reason',
};

const STATUS_TONES = { pending: 'warn', approved: 'ok', rejected: 'danger', cancelled: 'muted' };
const STATUS_LABELS = { pending: 'Pending', approved: 'Approved', rejected: 'Rejected', cancelled: 'Cancelled' };

function results(page) {
  if (Array.isArray(page)) return page;
  return page && Array.isArray(page.results) ? page.results : [];
}

function byTime(a, b) {
  const d = new Date(a.timestamp).getTime() - new Date(b.timestamp).getTime();
  return d || (Number(a.id) || 0) - (Number(b.id) || 0);
}

/** Creates the employee view; ctx: { me, alive(), events }. */
export function createEmployeeView(ctx) {
  const me = ctx.me;
  const tz = me.timezone || undefined;
  const ac = new AbortController();
  const listen = (node, type, fn) => node && node.addEventListener(type, fn, { signal: ac.signal });
  const timers = [];
  const state = {
    log: [],
    day: null, // today's row of GET /api/attendance/days/
    todayDate: '',
    last: null,
    loaded: false,
    busy: false,
    clockKey: null,
    clockKeyType: '',
    balance: null,
    requests: [],
    leaveKey: null,
    leaveSig: '',
  };

  // ---- My day -------------------------------------------------------------

  // Today's row says whether ev opened a working day on time: the server
  // counts the day worked (not late) and ev is its first session's entry.
  function openedWorkingDayOnTime(ev) {
    const day = state.day;
    if (!day || !day.working_day || day.status !== 'worked' || day.leave) return false;
    const first = Array.isArray(day.sessions) ? day.sessions[0] : null;
    return Boolean(first && Number(first.entry_id) === Number(ev.id));
  }

  function statusText(ev) {
    if (!ev) return 'You have not clocked in yet.';
    const when = fmtTime(ev.timestamp) + (isLocalToday(ev.timestamp) ? '' : ` on ${fmtLocalDate(ev.timestamp)}`);
    if (ev.type === 'exit') return `Clocked out at ${when}`;
    let s = `Clocked in at ${when}`;
    const mins = Number(ev.late_minutes) || 0;
    if (ev.late) s += ` — ${plural(mins, 'minute')} late`;
    else if (openedWorkingDayOnTime(ev)) s += ' — on time';
    return s;
  }

  function renderClock() {
    const btn = $('clock-button');
    const clockedIn = Boolean(state.last && state.last.type === 'entry');
    btn.textContent = clockedIn ? 'Clock out' : 'Clock in';
    btn.dataset.state = clockedIn ? 'in' : 'out';
    btn.classList.toggle('is-in', clockedIn);
    btn.disabled = state.busy || !state.loaded;
    const status = $('clock-status');
    status.textContent = state.loaded ? statusText(state.last) : '';
    status.dataset.late = state.last && state.last.type === 'entry' && state.last.late ? 'true' : 'false';
    const when = $('clock-when');
    if (when) when.textContent = state.last ? `Last event: ${fmtDateTime(state.last.timestamp)}` : '';
  }

  // Today's sessions and worked time are the server's (today's row); only
  // the open session's length so far is counted here, from its entry.
  function renderToday() {
    $('today-date').textContent = state.todayDate ? fmtDate(state.todayDate) : '';
    const list = $('today-sessions');
    const sessions = state.day && Array.isArray(state.day.sessions) ? state.day.sessions : [];
    const closed = state.day ? Number(state.day.worked_seconds) || 0 : 0;
    const clockedIn = Boolean(state.last && state.last.type === 'entry');
    let running = 0;
    const items = sessions.map((s, i) => {
      if (s.exit) {
        return el('li', { class: 'session', 'data-entry-id': s.entry_id },
          el('span', { class: 'session-times' }, `${fmtTime(s.entry)} – ${fmtTime(s.exit)}`),
          el('span', { class: 'session-length' }, fmtDuration(s.seconds)));
      }
      // The last open session runs while clocked in; an earlier one lost its exit.
      const runs = clockedIn && i === sessions.length - 1 && Number(state.last.id) === Number(s.entry_id);
      const secs = runs ? Math.max(0, (Date.now() - new Date(s.entry)) / 1000) : 0;
      running += secs;
      return el('li', { class: 'session session-open', 'data-entry-id': s.entry_id },
        el('span', { class: 'session-times' }, `${fmtTime(s.entry)} – ${runs ? 'now' : '?'}`),
        el('span', { class: 'session-length' }, runs ? `${fmtDuration(secs)} so far` : 'no exit'));
    });
    if (!items.length) items.push(el('li', { class: 'empty' }, 'No sessions yet today.'));
    fill(list, items);
    const hours = $('today-hours');
    hours.textContent = fmtDuration(closed);
    hours.dataset.seconds = String(Math.round(closed));
    hours.dataset.hours = (closed / 3600).toFixed(2);
    $('today-open').textContent = running > 0 ? `+ ${fmtDuration(running)} in the open session` : '';
  }

  function renderLog() {
    const body = $('my-log').tBodies[0];
    if (!state.log.length) {
      fill(body, emptyRow(6, 'No clock events yet. Your entries and exits will appear here.'));
      return;
    }
    fill(body, state.log.map((e) => {
      const late = e.type === 'entry' && e.late
        ? badge(`${plural(Number(e.late_minutes) || 0, 'minute')} late`, 'warn')
        : el('span', { class: 'muted' }, '—');
      return el('tr', {
        'data-testid': `log-row-${e.id}`, 'data-id': e.id, class: e.voided ? 'voided' : null,
      },
      el('td', { 'data-label': 'When', class: 'wide' }, el('time', { datetime: e.timestamp }, fmtDateTime(e.timestamp))),
      el('td', { 'data-label': 'Event' }, e.type === 'entry' ? 'Clock in' : 'Clock out',
        e.voided ? [' ', badge('voided', 'muted')] : null),
      el('td', { 'data-label': 'Late' }, late),
      el('td', { 'data-label': 'Recorded by' }, e.source === 'manager' ? 'Manager' : 'You'),
      el('td', { 'data-label': 'Note', class: 'wide' }, e.note || ''),
      // A wrong event is corrected by asking the manager (views/corrections.js).
      el('td', { 'data-label': 'Correct' }, e.voided ? null : el('a', {
        href: `#/corrections?void=${e.id}`, class: 'btn btn-quiet btn-small', 'data-testid': `log-correct-${e.id}`,
        'aria-label': `Ask to void the ${e.type === 'entry' ? 'clock in' : 'clock out'} of ${fmtDateTime(e.timestamp)}`,
      }, 'Ask to void')));
    }));
  }

  async function loadMyDay() {
    const today = todayIn(tz);
    try {
      const [log, days] = await Promise.all([
        api.get('/api/attendance/', { limit: 30 }),
        api.get('/api/attendance/days/', { from: today, to: today }),
      ]);
      if (!ctx.alive()) return;
      state.todayDate = today;
      state.log = results(log).slice().sort((a, b) => byTime(b, a));
      state.day = results(days).find((d) => d.date === today) || null;
      const valid = state.log.filter((e) => !e.voided);
      state.last = valid.length ? valid[0] : null;
      state.loaded = true;
      showProblem($('clock-error'), null);
    } catch (err) {
      if (!ctx.alive()) return;
      showProblem($('clock-error'), err);
    }
    renderClock();
    renderToday();
    renderLog();
  }

  async function clock() {
    if (state.busy || !state.loaded) return;
    const type = state.last && state.last.type === 'entry' ? 'exit' : 'entry';
    // Keep the key across a network failure, so clicking again cannot clock twice.
    if (!state.clockKey || state.clockKeyType !== type) {
      state.clockKey = api.newIdempotencyKey();
      state.clockKeyType = type;
    }
    state.busy = true;
    setBusy($('clock-button'), true);
    showProblem($('clock-error'), null);
    try {
      const ev = await api.post('/api/attendance/', { type }, { headers: { 'Idempotency-Key': state.clockKey } });
      state.clockKey = null;
      if (!ctx.alive()) return;
      if (ev && (ev.type === 'entry' || ev.type === 'exit')) {
        state.log = [ev, ...state.log.filter((e) => e.id !== ev.id)];
        state.last = ev;
      }
    } catch (err) {
      if (err.status !== 0) state.clockKey = null;
      if (!ctx.alive()) return;
      showProblem($('clock-error'), err);
    } finally {
      state.busy = false;
      setBusy($('clock-button'), false);
    }
    renderClock();
    renderToday();
    renderLog();
    await loadMyDay();
    const btn = $('clock-button');
    if (document.activeElement === document.body) btn.focus();
  }

  // ---- Balance -----------------------------------------------------------

  function renderBalance() {
    const b = state.balance;
    const set = (id, v) => { const n = $(id); if (n) n.textContent = v == null ? '–' : fmtNum(v); };
    $('balance-year').textContent = b && b.year ? String(b.year) : '';
    set('balance-allowance', b && b.allowance);
    set('balance-used', b && b.used);
    set('balance-pending', b && b.pending);
    set('balance-late-penalty', b && b.late_penalty);
    set('balance-remaining', b && b.remaining);
    const bar = $('balance-bar');
    const allowance = b ? Number(b.allowance) || 0 : 0;
    bar.hidden = !(allowance > 0);
    if (allowance > 0) {
      const pct = (v) => `${Math.max(0, Math.min(100, ((Number(v) || 0) / allowance) * 100))}%`;
      bar.querySelector('.seg-used').style.width = pct(b.used);
      bar.querySelector('.seg-pending').style.width = pct(b.pending);
      bar.querySelector('.seg-penalty').style.width = pct(b.late_penalty);
    }
    const remaining = $('balance-remaining');
    // Low as the server says (remaining at or below the company's threshold).
    if (remaining) remaining.classList.toggle('low', Boolean(b && b.low === true));
  }

  async function loadBalance() {
    try {
      const b = await api.get('/api/leaves/balance/');
      if (!ctx.alive()) return;
      state.balance = b && typeof b === 'object' ? b : null;
      showProblem($('balance-error'), null);
    } catch (err) {
      if (!ctx.alive()) return;
      showProblem($('balance-error'), err);
    }
    renderBalance();
    updateCost();
  }

  // ---- Leave request form ----------------------------------------------------

  // The server's preview (GET /api/leaves/preview/, the request's own
  // validation with nothing stored) says what a request of days, a half day
  // or hours costs, whether it would be made and what is left; the page
  // computes none of it.
  let previewSeq = 0;
  async function previewDays(type, start, end, halfDay) {
    const mine = ++previewSeq;
    const cost = $('leave-cost');
    try {
      const q = { leave_type: type, start_date: start, end_date: end };
      if (halfDay) q.half_day = true;
      const pv = await api.get('/api/leaves/preview/', q);
      if (!ctx.alive() || mine !== previewSeq) return;
      cost.textContent = plural(Number(pv.days), 'working day');
      cost.dataset.days = String(pv.days);
      cost.dataset.daysExact = pv.days_exact || '';
      let hint = pv.detail || '';
      if (pv.ok) {
        hint = pv.remaining_after != null
          ? `${plural(Number(pv.remaining_after), 'day')} of ${leaveTypeLabel(type).toLowerCase()} leave left after this.`
          : `${leaveTypeLabel(type)} leave does not use your allowance.`;
      }
      $('leave-cost-hint').textContent = hint;
    } catch (err) {
      if (!ctx.alive() || mine !== previewSeq) return;
      // The request would be refused as invalid (no working day in the
      // dates, two calendar years…): the server's own words.
      cost.textContent = '–';
      cost.dataset.days = '';
      const field = err && Array.isArray(err.errors) && err.errors[0] ? err.errors[0].message : '';
      $('leave-cost-hint').textContent = field || (err && err.detail) || '';
    }
  }

  async function previewHours(type, start, from, to) {
    const mine = ++previewSeq;
    const cost = $('leave-cost');
    try {
      const pv = await api.get('/api/leaves/preview/', { leave_type: type, start_date: start, end_date: start, start_time: from, end_time: to });
      if (!ctx.alive() || mine !== previewSeq) return;
      const hours = pv.minutes != null ? `${Math.floor(pv.minutes / 60)} h${pv.minutes % 60 ? ` ${pv.minutes % 60} min` : ''}` : '';
      cost.textContent = `${hours} (${plural(Number(pv.days), 'day')})`;
      cost.dataset.days = String(pv.days);
      cost.dataset.daysExact = pv.days_exact || '';
      $('leave-cost-hint').textContent = pv.ok
        ? (pv.remaining_after != null ? `${plural(Number(pv.remaining_after), 'day')} left after this.` : '')
        : pv.detail;
    } catch (err) {
      if (!ctx.alive() || mine !== previewSeq) return;
      cost.textContent = '–';
      cost.dataset.days = '';
      $('leave-cost-hint').textContent = err && err.detail ? err.detail : '';
    }
  }

  function updateCost() {
    const type = $('leave-type').value;
    const from = $('leave-start-time') ? $('leave-start-time').value : '';
    const to = $('leave-end-time') ? $('leave-end-time').value : '';
    if (from || to) {
      const start = $('leave-start').value;
      $('leave-half-day').checked = false;
      if (isDate(start) && from && to) {
        $('leave-end').value = start;
        previewHours(type, start, from, to);
      } else {
        $('leave-cost').textContent = '–';
        $('leave-cost').dataset.days = '';
        $('leave-cost-hint').textContent = 'Choose the day, and the time your leave starts and ends.';
      }
      return;
    }
    const start = $('leave-start').value;
    const end = $('leave-end').value;
    const half = $('leave-half-day');
    const single = isDate(start) && start === end;
    half.disabled = !single;
    if (!single) half.checked = false;
    $('leave-half-day-hint').textContent = single ? '' : 'Only when the first and last day are the same.';
    if (!isDate(start) || !isDate(end)) {
      previewSeq++; // an answer still on its way is for other dates
      $('leave-cost').textContent = '–';
      $('leave-cost').dataset.days = '';
      $('leave-cost-hint').textContent = 'Choose the first and the last day.';
      return;
    }
    previewDays(type, start, end, half.checked);
  }

  async function submitLeave(ev) {
    ev.preventDefault();
    const submit = $('leave-submit');
    if (submit.disabled) return;
    $('leave-success').textContent = '';
    const body = {
      leave_type: $('leave-type').value,
      start_date: $('leave-start').value,
      end_date: $('leave-end').value,
      half_day: $('leave-half-day').checked,
      reason: $('leave-reason').value.trim(),
    };
    if ($('leave-start-time') && $('leave-start-time').value) body.start_time = $('leave-start-time').value;
    if ($('leave-end-time') && $('leave-end-time').value) body.end_time = $('leave-end-time').value;
    if (!body.start_date || !body.end_date) {
      showProblem($('leave-error'), { detail: 'Choose the first and the last day of your leave.' });
      (body.start_date ? $('leave-end') : $('leave-start')).focus();
      return;
    }
    const sig = JSON.stringify(body);
    if (!state.leaveKey || state.leaveSig !== sig) {
      state.leaveKey = api.newIdempotencyKey();
      state.leaveSig = sig;
    }
    setBusy(submit, true);
    showProblem($('leave-error'), null, { fields: LEAVE_FIELDS });
    try {
      const r = await api.post('/api/leaves/request/', body, { headers: { 'Idempotency-Key': state.leaveKey } });
      state.leaveKey = null;
      state.leaveSig = '';
      if (!ctx.alive()) return;
      // The form starts over: left as it was, its preview would now say the
      // dates overlap the request just sent.
      for (const id of ['leave-start', 'leave-end', 'leave-start-time', 'leave-end-time', 'leave-reason']) {
        if ($(id)) $(id).value = '';
      }
      $('leave-half-day').checked = false;
      const days = r && r.days != null ? r.days : $('leave-cost').dataset.days;
      $('leave-success').textContent = `Request sent: ${plural(Number(days) || 0, 'working day')} of `
        + `${leaveTypeLabel(body.leave_type).toLowerCase()} leave, ${fmtRange(body.start_date, body.end_date, body.half_day)}. `
        + (r && r.status === 'approved' ? 'It is approved: this leave type needs no approval.' : 'It is waiting for approval.');
      ctx.events.dispatchEvent(new Event('own-leave-changed'));
      await Promise.all([loadRequests(), loadBalance()]);
    } catch (err) {
      if (err.status !== 0) {
        state.leaveKey = null;
        state.leaveSig = '';
      }
      if (!ctx.alive()) return;
      showProblem($('leave-error'), err, { fields: LEAVE_FIELDS });
    } finally {
      setBusy(submit, false);
      updateCost();
    }
  }

  // ---- My requests -----------------------------------------------------------

  // The server says whether the cancel endpoint would accept it (`can_cancel`).
  function cancellable(r) {
    return r.can_cancel === true;
  }

  function renderRequests() {
    const body = $('my-requests').tBodies[0];
    if (!state.requests.length) {
      fill(body, emptyRow(7, 'You have not asked for leave yet. Use the form to make a request.'));
      return;
    }
    fill(body, state.requests.map((r) => {
      const range = fmtRange(r.start_date, r.end_date, r.half_day);
      let action = el('span', { class: 'muted' }, '—');
      if (cancellable(r)) {
        action = el('button', {
          type: 'button',
          class: 'btn btn-quiet btn-small',
          'data-testid': `cancel-leave-${r.id}`,
          'data-action': 'cancel',
          'aria-label': `Cancel ${leaveTypeLabel(r.leave_type).toLowerCase()} leave, ${range}`,
          onclick: (e) => cancelRequest(r, e.currentTarget),
        }, 'Cancel');
      }
      const decision = [];
      if (r.decision_comment) decision.push(el('span', null, r.decision_comment));
      if (r.decided_at) {
        decision.push(el('span', { class: 'muted small' }, ` ${fmtDateTime(r.decided_at)}`));
      }
      return el('tr', { 'data-testid': `leave-row-${r.id}`, 'data-id': r.id, 'data-status': r.status },
        el('td', { 'data-label': 'Type' }, leaveTypeLabel(r.leave_type)),
        el('td', { 'data-label': 'Dates', class: 'wide' }, range),
        el('td', { 'data-label': 'Days', class: 'num' }, fmtNum(r.days)),
        el('td', { 'data-label': 'Status' },
          badge(STATUS_LABELS[r.status] || r.status, STATUS_TONES[r.status] || 'muted', { 'data-testid': 'leave-status' })),
        el('td', { 'data-label': 'Reason', class: 'wide' }, r.reason || ''),
        el('td', { 'data-label': 'Decision', class: 'wide' }, decision.length ? decision : el('span', { class: 'muted' }, '—')),
        el('td', { 'data-label': 'Action' }, action));
    }));
  }

  async function loadRequests() {
    try {
      const page = await api.get('/api/leaves/', { limit: 100 });
      if (!ctx.alive()) return;
      state.requests = results(page);
      showProblem($('my-requests-error'), null);
    } catch (err) {
      if (!ctx.alive()) return;
      showProblem($('my-requests-error'), err);
    }
    renderRequests();
  }

  async function cancelRequest(r, button) {
    setBusy(button, true);
    try {
      await api.post(`/api/leaves/${encodeURIComponent(r.id)}/cancel/`);
      if (!ctx.alive()) return;
      showProblem($('my-requests-error'), null);
      ctx.events.dispatchEvent(new Event('own-leave-changed'));
      announce(`Your ${leaveTypeLabel(r.leave_type).toLowerCase()} leave request for ${fmtRange(r.start_date, r.end_date, r.half_day)} is cancelled.`, { tone: 'ok' });
    } catch (err) {
      if (!ctx.alive()) return;
      showProblem($('my-requests-error'), err);
      setBusy(button, false);
    }
    await Promise.all([loadRequests(), loadBalance()]);
    const heading = $('my-requests-title');
    if (heading && !document.activeElement?.closest?.('table')) heading.focus();
  }

  // ---- Live updates ------------------------------------------------------------

  const reloadLeave = debounce(() => { loadRequests(); loadBalance(); }, 400);
  const reloadDay = debounce(() => loadMyDay(), 400);

  function onNotification(n) {
    if (Number(n.employee_id) !== Number(me.id)) return;
    if (n.kind === 'leave_decided' || n.kind === 'low_leave_balance') reloadLeave();
  }

  function onAttendance(ev) {
    if (Number(ev.employee_id) === Number(me.id)) reloadDay();
  }

  function onReconnect() {
    loadMyDay();
    loadRequests();
    loadBalance();
  }

  // ---- Lifecycle ---------------------------------------------------------------

  function start() {
    const today = localToday();
    $('leave-start').value = today;
    $('leave-end').value = today;
    listen($('clock-button'), 'click', clock);
    listen($('leave-form'), 'submit', submitLeave);
    // The leave types are the server's (GET /api/leaves/types/): built-in and admins' own.
    api.get('/api/leaves/types/').then((res) => {
      if (!ctx.alive() || !res || !Array.isArray(res.results) || !res.results.length) return;
      const sel = $('leave-type');
      const cur = sel.value;
      sel.replaceChildren(...res.results.map((t) => {
        const o = document.createElement('option');
        o.value = t.code;
        o.textContent = t.name;
        return o;
      }));
      if ([...sel.options].some((o) => o.value === cur)) sel.value = cur;
    }).catch(() => {});
    for (const id of ['leave-type', 'leave-start', 'leave-end', 'leave-half-day', 'leave-start-time', 'leave-end-time']) {
      listen($(id), 'input', updateCost);
      listen($(id), 'change', updateCost);
    }
    renderClock();
    updateCost();
    // A new or deleted holiday may change whether today is a working day.
    listen(ctx.events, 'holidays-changed', () => { reloadDay(); updateCost(); });
    loadMyDay();
    loadBalance();
    loadRequests();
    // Keep the running session's length current, and roll over at midnight.
    timers.push(setInterval(() => {
      if (!state.loaded || todayIn(tz) !== state.todayDate) loadMyDay();
      else renderToday();
    }, 30_000));
  }

  function stop() {
    ac.abort();
    timers.forEach(clearInterval);
    reloadLeave.cancel();
    reloadDay.cancel();
    const btn = $('clock-button');
    btn.textContent = 'Clock in';
    btn.disabled = true;
    btn.dataset.state = 'out';
    btn.classList.remove('is-in');
    for (const id of ['clock-status', 'clock-when', 'today-date', 'today-open', 'leave-success', 'leave-cost-hint', 'balance-year']) {
      const n = $(id);
      if (n) n.textContent = '';
    }
    $('today-hours').textContent = '';
    $('today-sessions').replaceChildren();
    $('my-log').tBodies[0].replaceChildren();
    $('my-requests').tBodies[0].replaceChildren();
    for (const id of ['clock-error', 'balance-error', 'leave-error', 'my-requests-error']) showProblem($(id), null);
    $('leave-form').reset();
    state.balance = null;
    renderBalance();
  }

  return { start, stop, onNotification, onAttendance, onReconnect };
}
