// overview.js: attendance over a date range for the manager's scope: a
// sortable table with a totals row, an SVG chart and a CSV download.

import * as api from './api.js';
import { drawOverviewChart } from './chart.js';
import { firstOfMonth, isDate } from './dates.js';
import {
  $, announce, el, emptyRow, fill, fmtDate, fmtNum, fmtRange, personHref, plural, setBusy, showProblem,
  svg,
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

/** Creates the overview; ctx: { me, alive(), events }. */
export function createOverviewView(ctx) {
  const ac = new AbortController();
  const listen = (node, type, fn) => node && node.addEventListener(type, fn, { signal: ac.signal });
  let resizeObserver = null;
  const ov = { rows: [], totals: null, from: '', to: '', count: 0, loaded: false, sort: { key: 'name', dir: 'asc' }, width: 0 };

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
            el('a', { href: personHref(r.employee_id), 'data-employee-id': r.employee_id }, cellValue(r, c)),
            r.username && r.name ? el('span', { class: 'muted small' }, ` ${r.username}`) : null)
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

  async function start() {
    // The default range is the company's month to date (its `today`).
    let today = '';
    try {
      ({ today } = await ctx.company());
    } catch (err) {
      if (!ctx.alive()) return;
      showProblem($('overview-error'), err);
      return;
    }
    if (!ctx.alive()) return;
    $('overview-from').value = firstOfMonth(today);
    $('overview-to').value = today;
    buildOverviewHead();
    renderOverview();
    listen($('overview-form'), 'submit', loadOverview);
    listen($('overview-csv'), 'click', downloadCSV);
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
    loadOverview();
  }

  function stop() {
    ac.abort();
    if (resizeObserver) resizeObserver.disconnect();
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
    showProblem($('overview-error'), null);
  }

  return { start, stop };
}
