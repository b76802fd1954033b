// views/roster.js: #/roster?from=YYYY-MM-DD, a week of the roster of
// everyone in the manager's scope (docs/shifts.md): each date's shift, from
// the employee's pattern, a manager's override, or none (a holiday cancels
// the pattern's). Choosing a shift in a cell sets the override of that date
// (PUT /api/roster/…); "As the pattern" removes it. A row the server marks
// not `editable` (one's own, an admin's for a manager) has no choices. The
// week is the server's: the company's, until one is chosen.

import * as api from '../api.js';
import {
  WEEKDAYS, addDays, isDate, localToday, weekdayOf,
} from '../dates.js';
import {
  $, announce, card, el, emptyRow, fill, fmtDate, pageHead, showProblem,
} from '../ui.js';

/** The Monday of the ISO week of date s. */
function mondayOf(s) {
  const wd = WEEKDAYS.indexOf(weekdayOf(s)); // 0 = Sunday
  return addDays(s, -((wd + 6) % 7));
}

/** The chosen week's Monday, or '' for the server's week. */
function fromOf(query) {
  const f = query.get('from') || '';
  return isDate(f) ? mondayOf(f) : '';
}

const SOURCE_LABEL = { pattern: 'pattern', override: 'changed', holiday: 'holiday', none: '' };

export default {
  path: 'roster',
  title: 'Roster',
  nav: 'Roster',
  needs: 'set-roster-override',
  mount(root, env) {
    const { ctx } = env;
    const ac = new AbortController();
    const on = (node, type, fn) => node.addEventListener(type, fn, { signal: ac.signal });
    let from = fromOf(env.query);
    let rows = [];
    let shifts = [];
    let seq = 0;

    root.replaceChildren(el('div', { 'data-view': 'roster' },
      pageHead('Roster', 'Each person\'s shift of each date. Choose a shift in a cell to change that date; the pattern decides the others.'),
      el('div', { class: 'dashboard' },
        card('roster-week', 'Week',
          el('div', { class: 'toolbar' },
            el('div', { class: 'toolbar-actions' },
              el('button', { id: 'roster-prev', type: 'button', class: 'btn btn-quiet', 'aria-label': 'Previous week' }, '‹'),
              el('span', { id: 'roster-range', 'data-testid': 'roster-range' }),
              el('button', { id: 'roster-next', type: 'button', class: 'btn btn-quiet', 'aria-label': 'Next week' }, '›'))),
          el('div', { id: 'roster-error', class: 'error', role: 'alert', 'data-testid': 'roster-error' }),
          el('div', { class: 'table-wrap' },
            el('table', { id: 'roster-table', class: 'table', 'data-testid': 'roster-table' },
              el('caption', { class: 'visually-hidden' }, 'Roster of the week'),
              el('thead'), el('tbody')))))));

    async function load() {
      const mine = ++seq;
      const table = $('roster-table');
      table.setAttribute('aria-busy', 'true');
      try {
        const [r, s] = await Promise.all([
          api.listAll('/api/roster/', from ? { from, to: addDays(from, 6) } : {}),
          api.listAll('/api/shifts/', { active: 'true' }),
        ]);
        if (!ctx.alive() || mine !== seq) return;
        rows = r.results;
        // Without a chosen week, the server's default week (the company's).
        const first = rows[0] && rows[0].days && rows[0].days[0];
        if (!from) from = first ? first.date : mondayOf(localToday());
        shifts = s.results;
        render();
        table.dataset.from = from;
        showProblem($('roster-error'), null);
      } catch (err) {
        if (!ctx.alive() || mine !== seq) return;
        showProblem($('roster-error'), err);
      } finally {
        if (mine === seq) table.removeAttribute('aria-busy');
      }
    }

    function cell(row, day) {
      const id = `roster-${row.employee_id}-${day.date}`;
      const select = el('select', {
        id, 'data-testid': id, 'data-employee': row.employee_id, 'data-date': day.date,
        'aria-label': `${row.name}, ${fmtDate(day.date)}`, disabled: row.editable === true ? null : true,
      },
      el('option', { value: 'pattern' }, 'As the pattern'),
      el('option', { value: 'off' }, 'Day off'),
      shifts.map((s) => el('option', { value: String(s.id) }, `${s.name} ${s.start}–${s.end}`)));
      if (day.source === 'override') select.value = day.shift ? String(day.shift.id) : 'off';
      const label = day.shift ? `${day.shift.name} ${day.shift.start}–${day.shift.end}` : (day.source === 'holiday' ? 'Holiday' : 'No shift');
      return el('td', { 'data-label': fmtDate(day.date), 'data-source': day.source, 'data-testid': `${id}-cell` },
        el('div', { class: 'roster-shift' }, label,
          SOURCE_LABEL[day.source] ? el('span', { class: 'muted' }, ` (${SOURCE_LABEL[day.source]})`) : null),
        select);
    }

    function render() {
      $('roster-range').textContent = `${fmtDate(from)} – ${fmtDate(addDays(from, 6))}`;
      const dates = Array.from({ length: 7 }, (_, i) => addDays(from, i));
      fill($('roster-table').tHead, el('tr', null, el('th', { scope: 'col' }, 'Person'),
        dates.map((d) => el('th', { scope: 'col' }, fmtDate(d)))));
      fill($('roster-table').tBodies[0], rows.length ? rows.map((r) => el('tr', { 'data-testid': `roster-row-${r.employee_id}` },
        el('th', { scope: 'row' }, r.name, el('div', { class: 'muted' }, r.timezone)),
        r.days.map((d) => cell(r, d))))
        : emptyRow(8, 'Nobody to show.'));
    }

    function setFrom(f) {
      if (!from) return; // the week is not known yet
      from = mondayOf(f);
      env.setQuery({ from });
      load();
    }

    on($('roster-prev'), 'click', () => setFrom(addDays(from, -7)));
    on($('roster-next'), 'click', () => setFrom(addDays(from, 7)));
    on($('roster-table'), 'change', async (e) => {
      const select = e.target.closest('select[data-employee]');
      if (!select) return;
      const path = `/api/roster/${select.dataset.employee}/${select.dataset.date}/`;
      select.disabled = true;
      try {
        if (select.value === 'pattern') {
          await api.del(path).catch((err) => { if (err.status !== 404) throw err; });
        } else {
          await api.request('PUT', path, { body: { shift_id: select.value === 'off' ? null : Number(select.value), note: '' } });
        }
        if (!ctx.alive()) return;
        announce(`The roster of ${fmtDate(select.dataset.date)} is changed.`, { tone: 'ok' });
        await load();
      } catch (err) {
        if (!ctx.alive()) return;
        showProblem($('roster-error'), err);
        select.disabled = false;
      }
    });

    load();
    return {
      stop() { ac.abort(); seq++; },
      update(next) {
        const f = fromOf(next.query);
        if (f !== from) { from = f; load(); }
      },
    };
  },
};
