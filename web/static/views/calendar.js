// views/calendar.js: #/calendar?month=YYYY-MM, for managers and admins: a
// month grid of the people in scope (a page of them at a time, searched and
// filtered by the server) with their approved and pending leave and the
// company holidays. On a phone the same month reads as a list by day.

import * as api from '../api.js';
import {
  addDays, addMonths, isMonth, monthOf, monthRange, weekdayOf,
} from '../dates.js';
import { field } from '../form.js';
import {
  $, card, el, fill, fmtDate, fmtNum, leaveTypeLabel, pageHead, personLink, personName, showProblem,
} from '../ui.js';

const PAGE = 25;
const NO_HOLIDAYS = { set: new Set(), names: new Map() };
const TYPE_LETTERS = { annual: 'A', sick: 'S', unpaid: 'U' };
const WEEKDAY_LETTERS = { mon: 'M', tue: 'T', wed: 'W', thu: 'T', fri: 'F', sat: 'S', sun: 'S' };

function readQuery(query) {
  return {
    month: isMonth(query.get('month')) ? query.get('month') : '',
    q: query.get('q') || '',
    department: query.get('department') || '',
    offset: Math.max(0, Number.parseInt(query.get('offset') || '0', 10) || 0),
  };
}

function monthLabel(m) {
  const [y, mo] = m.split('-').map(Number);
  return new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' }).format(new Date(y, mo - 1, 15));
}

function datesOf(m) {
  const { from, to } = monthRange(m);
  const out = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

export default {
  path: 'calendar',
  title: 'Team calendar',
  nav: 'Team calendar',
  needs: 'leave-overview',
  mount(root, env) {
    const { ctx } = env;
    const ac = new AbortController();
    const on = (node, type, fn) => node.addEventListener(type, fn, { signal: ac.signal });
    let state = readQuery(env.query);
    let seq = 0;
    let timer = 0;

    const q = field({ id: 'cal-q', label: 'Search', type: 'search', value: state.q, attrs: { autocomplete: 'off' } });
    const dept = field({ id: 'cal-department', label: 'Department', value: state.department, attrs: { autocomplete: 'off' } });

    root.replaceChildren(el('div', { 'data-view': 'calendar' },
      pageHead('Team calendar', 'Who is on leave when: approved and pending leave, and the company holidays.'),
      el('div', { class: 'dashboard' },
        card('cal', 'Month',
          el('div', { class: 'toolbar cal-toolbar' },
            el('div', { class: 'toolbar-actions' },
              el('button', { id: 'cal-prev', type: 'button', class: 'btn btn-quiet', 'aria-label': 'Previous month' }, '‹'),
              el('strong', { id: 'cal-month', class: 'cal-month', 'data-testid': 'cal-month', 'aria-live': 'polite' }),
              el('button', { id: 'cal-next', type: 'button', class: 'btn btn-quiet', 'aria-label': 'Next month' }, '›'),
              el('button', { id: 'cal-today', type: 'button', class: 'btn btn-quiet btn-small' }, 'This month')),
            el('form', { id: 'cal-filters', class: 'toolbar', role: 'search', 'aria-label': 'Find people', novalidate: true },
              q.wrap, dept.wrap,
              el('div', { class: 'toolbar-actions' }, el('button', { type: 'submit', class: 'btn' }, 'Show')))),
          el('p', { class: 'legend small muted' },
            el('span', { class: 'cal-key approved', 'aria-hidden': 'true' }), 'Approved leave ',
            el('span', { class: 'cal-key pending', 'aria-hidden': 'true' }), 'Pending ',
            el('span', { class: 'cal-key holiday', 'aria-hidden': 'true' }), 'Company holiday · A annual, S sick, U unpaid, ½ half day'),
          el('div', { id: 'cal-error', class: 'error', role: 'alert' }),
          el('div', { class: 'table-wrap cal-wrap' },
            el('table', { id: 'cal-grid', class: 'calendar', 'data-testid': 'cal-grid' },
              el('caption', { id: 'cal-caption', class: 'visually-hidden' }),
              el('thead'), el('tbody'))),
          el('ol', { id: 'cal-agenda', class: 'cal-agenda', 'data-testid': 'cal-agenda', 'aria-label': 'Leave and holidays by day' }),
          el('nav', { class: 'pager', 'aria-label': 'Pages of people' },
            el('button', { id: 'cal-people-prev', type: 'button', class: 'btn btn-small' }, 'Previous people'),
            el('span', { id: 'cal-people-range', class: 'muted small' }),
            el('button', { id: 'cal-people-next', type: 'button', class: 'btn btn-small' }, 'Next people'))))));

    // The company's month (its `today`), not the browser's.
    const thisMonth = async () => monthOf((await ctx.company()).today);

    async function load() {
      const mine = ++seq;
      if (!state.month) {
        try {
          state.month = await thisMonth();
        } catch (err) {
          if (ctx.alive() && mine === seq) showProblem($('cal-error'), err);
          return;
        }
        if (!ctx.alive() || mine !== seq) return;
      }
      const { from, to } = monthRange(state.month);
      $('cal-month').textContent = monthLabel(state.month);
      const grid = $('cal-grid');
      grid.setAttribute('aria-busy', 'true');
      try {
        const [people, hol] = await Promise.all([
          api.get('/api/employees/', { q: state.q, department: state.department, limit: PAGE, offset: state.offset }),
          ctx.holidays().catch(() => NO_HOLIDAYS),
        ]);
        if (!ctx.alive() || mine !== seq) return;
        const list = people && Array.isArray(people.results) ? people.results : [];
        list.forEach((e) => ctx.directory.remember(e));
        // The month's requests of this page's people only (a repeated
        // ?employee_id=), approved and pending.
        const ids = list.map((e) => e.id);
        const leaveQuery = { from, to, employee_id: ids };
        const [approved, pending] = ids.length ? await Promise.all([
          api.listAll('/api/leaves/overview/', { ...leaveQuery, status: 'approved' }),
          api.listAll('/api/leaves/overview/', { ...leaveQuery, status: 'pending' }),
        ]) : [{ results: [] }, { results: [] }];
        if (!ctx.alive() || mine !== seq) return;
        render(list, people ? people.count : 0, [...approved.results, ...pending.results], hol);
        grid.dataset.month = state.month;
        showProblem($('cal-error'), null);
      } catch (err) {
        if (!ctx.alive() || mine !== seq) return;
        showProblem($('cal-error'), err);
      } finally {
        if (mine === seq) grid.removeAttribute('aria-busy');
      }
    }

    function render(people, count, leaves, hol) {
      const dates = datesOf(state.month);
      const ids = new Set(people.map((e) => Number(e.id)));
      // Each person's leave by date.
      const byPerson = new Map();
      for (const l of leaves) {
        const id = Number(l.employee_id);
        if (!ids.has(id)) continue;
        if (!byPerson.has(id)) byPerson.set(id, new Map());
        const days = byPerson.get(id);
        for (const d of dates) {
          if (d < l.start_date || d > l.end_date) continue;
          // An approved request wins a date over a pending one.
          if (!days.has(d) || l.status === 'approved') days.set(d, l);
        }
      }
      $('cal-caption').textContent = `Leave in ${monthLabel(state.month)}, one row a person and one column a day`;
      fill($('cal-grid').tHead, el('tr', null,
        el('th', { scope: 'col', class: 'cal-person' }, 'Person'),
        dates.map((d) => {
          const name = hol.names.get(d);
          return el('th', {
            scope: 'col', 'data-date': d, class: `cal-day${name ? ' holiday' : ''}`, title: name ? `${fmtDate(d)}: ${name}` : fmtDate(d),
          },
          el('span', { 'aria-hidden': 'true' }, el('span', { class: 'cal-wd' }, WEEKDAY_LETTERS[weekdayOf(d)]), String(Number(d.slice(8)))),
          el('span', { class: 'visually-hidden' }, fmtDate(d) + (name ? `, ${name}` : '')));
        })));
      const body = $('cal-grid').tBodies[0];
      if (!people.length) {
        fill(body, el('tr', null, el('td', { colspan: dates.length + 1, class: 'empty' }, 'Nobody matches these filters.')));
      } else {
        fill(body, people.map((e) => {
          const days = byPerson.get(Number(e.id)) || new Map();
          return el('tr', { 'data-testid': `cal-row-${e.id}` },
            el('th', { scope: 'row', class: 'cal-person' }, personLink(e)),
            dates.map((d) => {
              const l = days.get(d);
              const holiday = hol.names.get(d);
              const attrs = { 'data-testid': `cal-${e.id}-${d}`, class: `cal-cell${holiday ? ' holiday' : ''}` };
              if (!l) return el('td', attrs, holiday ? el('span', { class: 'visually-hidden' }, holiday) : null);
              const words = `${leaveTypeLabel(l.leave_type)} leave${l.half_day ? ', half day' : ''}, ${l.status}`;
              return el('td', { ...attrs, class: `${attrs.class} leave ${l.status}`, 'data-status': l.status, 'data-type': l.leave_type, title: `${personName(e)}: ${words}` },
                el('span', { 'aria-hidden': 'true' }, l.half_day ? '½' : TYPE_LETTERS[l.leave_type] || '•'),
                el('span', { class: 'visually-hidden' }, words));
            }));
        }));
      }
      renderAgenda(people, byPerson, dates, hol);
      const first = people.length ? state.offset + 1 : 0;
      const last = state.offset + people.length;
      $('cal-people-range').textContent = people.length ? `People ${fmtNum(first)}–${fmtNum(last)} of ${fmtNum(count)}` : '';
      $('cal-people-prev').disabled = state.offset <= 0;
      $('cal-people-next').disabled = last >= count;
    }

    function renderAgenda(people, byPerson, dates, hol) {
      const items = [];
      for (const d of dates) {
        const entries = [];
        for (const e of people) {
          const l = (byPerson.get(Number(e.id)) || new Map()).get(d);
          if (l) entries.push({ e, l });
        }
        const holiday = hol.names.get(d);
        if (!entries.length && !holiday) continue;
        items.push(el('li', { 'data-testid': `cal-agenda-${d}`, 'data-date': d },
          el('h3', { class: 'cal-agenda-day' }, fmtDate(d), holiday ? el('span', { class: 'badge badge-info' }, holiday) : null),
          entries.length ? el('ul', null, entries.map(({ e, l }) => el('li', { class: `cal-agenda-item ${l.status}`, 'data-employee-id': e.id, 'data-status': l.status },
            personLink(e), ` — ${leaveTypeLabel(l.leave_type).toLowerCase()} leave${l.half_day ? ', half day' : ''} (${l.status})`))) : null));
      }
      fill($('cal-agenda'), items.length ? items : el('li', { class: 'empty' }, `Nobody here is on leave in ${monthLabel(state.month)}, and there is no holiday.`));
    }

    function go(changes) {
      state = { ...state, ...changes };
      env.setQuery({ month: state.month, q: state.q, department: state.department, offset: state.offset || '' });
      load();
    }

    on($('cal-prev'), 'click', () => go({ month: addMonths(state.month, -1) }));
    on($('cal-next'), 'click', () => go({ month: addMonths(state.month, 1) }));
    on($('cal-today'), 'click', async () => {
      try {
        go({ month: await thisMonth() });
      } catch (err) {
        if (ctx.alive()) showProblem($('cal-error'), err);
      }
    });
    const readFilters = () => ({ q: $('cal-q').value.trim(), department: $('cal-department').value.trim(), offset: 0 });
    on($('cal-filters'), 'submit', (e) => { e.preventDefault(); clearTimeout(timer); go(readFilters()); });
    on($('cal-q'), 'input', () => { clearTimeout(timer); timer = setTimeout(() => go(readFilters()), 300); });
    on($('cal-people-prev'), 'click', () => go({ offset: Math.max(0, state.offset - PAGE) }));
    on($('cal-people-next'), 'click', () => go({ offset: state.offset + PAGE }));

    load();
    return {
      stop() { ac.abort(); clearTimeout(timer); seq++; },
      update(next) {
        const s = readQuery(next.query);
        if (!s.month) s.month = state.month;
        if (JSON.stringify(s) === JSON.stringify(state)) return;
        state = s;
        $('cal-q').value = s.q;
        $('cal-department').value = s.department;
        load();
      },
      onNotification(n) {
        if (n.kind === 'leave_requested' || n.kind === 'leave_decided') load();
      },
    };
  },
};
