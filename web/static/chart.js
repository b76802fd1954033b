// chart.js: the overview chart, drawn as plain SVG. Two panels share the
// employee rows: hours worked (in hours) and late arrivals (a count), each on
// its own scale with its own axis, since the two units cannot share one.
// The outer <svg id="overview-chart"> keeps its identity; the plot is an
// inner <svg> redrawn at the container's real width, so text stays readable
// on a phone.

import { fmtNum, svg } from './ui.js';

const ROW_H = 26;
const BAR_H = 14;
const FONT = 12;
const LEGEND_H = 30;
const AXIS_H = 44;

/** A round upper bound and step for an axis from 0 to max, about `ticks` steps. */
export function niceScale(max, ticks = 4, integer = false) {
  if (!(max > 0)) return { max: 1, step: integer ? 1 : 0.5 };
  const rough = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(rough));
  let step = mag;
  for (const f of [1, 2, 2.5, 5, 10]) {
    step = f * mag;
    if (step >= rough) break;
  }
  if (integer) step = Math.max(1, Math.ceil(step));
  return { max: Math.ceil(max / step - 1e-9) * step, step };
}

function truncate(text, maxChars) {
  const s = String(text || '');
  return s.length > maxChars ? `${s.slice(0, Math.max(1, maxChars - 1))}…` : s;
}

/**
 * Draws one panel: a label column, bars and an x axis with ticks and a title.
 * Returns the panel's height.
 */
function panel(g, rows, opts) {
  const { x, y, width, labelW, valueOf, barClass, axisTitle, integer, showLabels } = opts;
  const plotX = x + (showLabels ? labelW : 0);
  const plotW = Math.max(40, width - (showLabels ? labelW : 0) - 40);
  const values = rows.map(valueOf);
  const { max, step } = niceScale(Math.max(0, ...values), plotW < 220 ? 3 : 5, integer);
  const scale = (v) => (max > 0 ? (v / max) * plotW : 0);
  const plotH = rows.length * ROW_H;
  const maxChars = Math.max(4, Math.floor((labelW - 10) / (FONT * 0.58)));

  // Grid lines and tick labels.
  for (let v = 0; v <= max + 1e-9; v += step) {
    const gx = plotX + scale(v);
    g.append(svg('line', { class: 'chart-grid', x1: gx, x2: gx, y1: y, y2: y + plotH }));
    g.append(svg('text', {
      class: 'chart-tick', x: gx, y: y + plotH + 16, 'text-anchor': 'middle',
    }, integer ? String(Math.round(v)) : fmtNum(v)));
  }
  g.append(svg('line', { class: 'chart-axis', x1: plotX, x2: plotX + plotW, y1: y + plotH, y2: y + plotH }));
  g.append(svg('text', {
    class: 'chart-axis-title', x: plotX + plotW / 2, y: y + plotH + 36, 'text-anchor': 'middle',
  }, axisTitle));

  rows.forEach((r, i) => {
    const rowY = y + i * ROW_H;
    const name = r.name || r.username || `#${r.employee_id}`;
    if (showLabels) {
      g.append(svg('text', {
        class: 'chart-label', x: plotX - 8, y: rowY + ROW_H / 2 + 4, 'text-anchor': 'end',
      }, svg('title', null, name), truncate(name, maxChars)));
    }
    const v = values[i];
    const w = Math.max(v > 0 ? 2 : 0, scale(v));
    g.append(svg('rect', {
      class: barClass, x: plotX, y: rowY + (ROW_H - BAR_H) / 2, width: w, height: BAR_H, rx: 2,
    }, svg('title', null, `${name}: ${integer ? v : fmtNum(v)} ${axisTitle.toLowerCase()}`)));
    g.append(svg('text', {
      class: 'chart-value', x: plotX + w + 5, y: rowY + ROW_H / 2 + 4,
    }, integer ? String(v) : fmtNum(v)));
  });
  return plotH + AXIS_H;
}

/**
 * Draws hours worked and late arrivals per employee into the <svg> root.
 * rows are overview rows in display order; at most maxRows are drawn.
 * Returns the number of rows drawn.
 */
export function drawOverviewChart(root, rows, { width = 640, maxRows = 40, caption = '' } = {}) {
  const W = Math.max(280, Math.floor(width));
  const shown = rows.slice(0, maxRows);
  root.replaceChildren();
  const title = caption || 'Hours worked and late arrivals per employee';
  root.append(svg('title', { id: 'overview-chart-title' }, title));
  const hours = (r) => Number(r.worked_hours) || 0;
  const late = (r) => Number(r.late_entries) || 0;
  const desc = shown.length
    ? shown.map((r) => `${r.name || r.username}: ${fmtNum(hours(r))} hours, ${late(r)} late arrivals`).join('; ')
    : 'No data for this period.';
  root.append(svg('desc', { id: 'overview-chart-desc' }, desc));

  if (!shown.length) {
    const H = 80;
    root.setAttribute('viewBox', `0 0 ${W} ${H}`);
    root.setAttribute('width', W);
    root.setAttribute('height', H);
    const plot = svg('svg', { class: 'plot', x: 0, y: 0, width: W, height: H });
    plot.append(svg('text', { class: 'chart-empty', x: W / 2, y: H / 2, 'text-anchor': 'middle' },
      'No data for this period.'));
    root.append(plot);
    return 0;
  }

  const narrow = W < 560;
  const labelW = Math.min(180, Math.round(W * (narrow ? 0.36 : 0.2)));
  const plotH = shown.length * ROW_H + AXIS_H;
  const H = narrow ? LEGEND_H + plotH * 2 + 16 : LEGEND_H + plotH;
  root.setAttribute('viewBox', `0 0 ${W} ${H}`);
  root.setAttribute('width', W);
  root.setAttribute('height', H);
  root.setAttribute('preserveAspectRatio', 'xMinYMin meet');
  const plot = svg('svg', { class: 'plot', x: 0, y: 0, width: W, height: H, viewBox: `0 0 ${W} ${H}` });

  // Legend.
  const legend = svg('g', { class: 'chart-legend' });
  legend.append(svg('rect', { class: 'bar-hours', x: 0, y: 6, width: 14, height: 14, rx: 2 }));
  legend.append(svg('text', { class: 'chart-legend-text', x: 20, y: 18 }, 'Hours worked'));
  legend.append(svg('rect', { class: 'bar-late', x: 130, y: 6, width: 14, height: 14, rx: 2 }));
  legend.append(svg('text', { class: 'chart-legend-text', x: 150, y: 18 }, 'Late arrivals'));
  plot.append(legend);

  const g = svg('g');
  plot.append(g);
  if (narrow) {
    panel(g, shown, {
      x: 0, y: LEGEND_H, width: W, labelW, valueOf: hours, barClass: 'bar-hours',
      axisTitle: 'Hours worked', integer: false, showLabels: true,
    });
    panel(g, shown, {
      x: 0, y: LEGEND_H + plotH + 16, width: W, labelW, valueOf: late, barClass: 'bar-late',
      axisTitle: 'Late arrivals', integer: true, showLabels: true,
    });
  } else {
    const rest = W - labelW;
    const hoursW = Math.round(rest * 0.6);
    panel(g, shown, {
      x: 0, y: LEGEND_H, width: labelW + hoursW, labelW, valueOf: hours, barClass: 'bar-hours',
      axisTitle: 'Hours worked', integer: false, showLabels: true,
    });
    panel(g, shown, {
      x: labelW + hoursW + 12, y: LEGEND_H, width: rest - hoursW - 12, labelW: 0, valueOf: late,
      barClass: 'bar-late', axisTitle: 'Late arrivals', integer: true, showLabels: false,
    });
  }
  root.append(plot);
  return shown.length;
}
