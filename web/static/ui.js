// ui.js: small DOM helpers and formatters shared by the views. Text always
// goes in through textContent, never innerHTML, so data cannot become markup.

import { pad } from './dates.js';

export const $ = (id) => document.getElementById(id);

function appendChildren(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

function setAttrs(node, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') node.setAttribute('class', v);
    else if (k === 'text') node.textContent = String(v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
}

/** Creates an HTML element: el('td', {class: 'num'}, 'text', childNode…). */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  appendChildren(node, children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element. */
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  appendChildren(node, children);
  return node;
}

/** Replaces the children of node. */
export function fill(node, ...children) {
  node.replaceChildren();
  appendChildren(node, children);
  return node;
}

const titleParts = { view: '', unread: 0 };

function renderTitle() {
  const base = titleParts.view && titleParts.view !== 'Home' ? `${titleParts.view} · Attendance` : 'Attendance';
  document.title = titleParts.unread > 0 ? `(${titleParts.unread}) ${base}` : base;
}

/** Names the view shown in the document's title ("People · Attendance"). */
export function setViewTitle(view) {
  titleParts.view = view || '';
  renderTitle();
}

/** Puts the unread notification count in front of the title ("(3) …"). */
export function setUnreadTitle(n) {
  titleParts.unread = Math.max(0, Number(n) || 0);
  renderTitle();
}

let toastTimer = 0;

/** Says msg in the polite live region #app-status (also shown as a toast). */
export function announce(msg, { tone = 'info' } = {}) {
  const region = $('app-status');
  if (!region) return;
  clearTimeout(toastTimer);
  region.textContent = '';
  region.dataset.tone = tone;
  // A short pause makes screen readers announce a message repeated verbatim.
  setTimeout(() => {
    region.textContent = msg;
    region.classList.add('show');
    toastTimer = setTimeout(() => region.classList.remove('show'), 6000);
  }, 30);
}

const FIELD_LABELS = {
  username: 'Username',
  password: 'Password',
  type: 'Type',
  leave_type: 'Type',
  start_date: 'First day',
  end_date: 'Last day',
  half_day: 'Half day',
  reason: 'Reason',
  comment: 'Comment',
  action: 'Action',
  from: 'From',
  to: 'To',
  note: 'Note',
  timestamp: 'Time',
};

/** A field location such as "body.end_date" in words ("Last day"). */
export function fieldLabel(location) {
  const raw = String(location || '').replace(/^(body|query|path|header)[.[]/, '').replace(/\]$/, '');
  const key = raw.split(/[.[]/).pop();
  if (!key) return '';
  if (FIELD_LABELS[key]) return FIELD_LABELS[key];
  const words = key.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Shows an error in container: the problem's detail and its field messages
 * in words. Clears the container when err is null. Never shows a stack.
 */
export function showProblem(container, err, { fields = {} } = {}) {
  if (!container) return;
  container.replaceChildren();
  for (const id of Object.values(fields)) {
    const input = $(id);
    if (input) input.removeAttribute('aria-invalid');
  }
  if (!err) return;
  const errors = Array.isArray(err.errors) ? err.errors : [];
  let detail = err.detail || err.message || 'Something went wrong.';
  // A validation problem's detail often repeats a field's message; say it
  // once, in the list below with the field named, under a plain sentence.
  const same = (m) => String(m || '').trim().toLowerCase() === detail.trim().toLowerCase();
  if (errors.some((e) => same(e.message))) {
    detail = errors.length > 1 ? 'Please check these fields:' : 'Please check this field:';
  }
  container.append(el('p', { class: 'problem-detail' }, detail));
  if (errors.length) {
    const ul = el('ul', { class: 'problem-list' });
    for (const e of errors) {
      const label = fieldLabel(e.location);
      const text = label && !e.message.toLowerCase().startsWith(label.toLowerCase())
        ? `${label}: ${e.message}` : e.message;
      ul.append(el('li', null, text));
      const key = String(e.location || '').split('.').pop();
      if (fields[key]) {
        const input = $(fields[key]);
        if (input) input.setAttribute('aria-invalid', 'true');
      }
    }
    container.append(ul);
  }
  if (err.retryAfter) {
    const mins = Math.ceil(err.retryAfter / 60);
    container.append(el('p', null, err.retryAfter < 90
      ? `Try again in ${err.retryAfter} seconds.`
      : `Try again in ${mins} minutes.`));
  }
}

/** "09:12": the browser's local time of ts, 24-hour. */
export function fmtTime(ts) {
  const d = ts instanceof Date ? ts : new Date(ts);
  if (Number.isNaN(d.getTime())) return '';
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const dateFmt = new Intl.DateTimeFormat(undefined, {
  weekday: 'short', day: 'numeric', month: 'short', year: 'numeric',
});

/** The browser's local date of instant ts, e.g. "Mon, 2 Nov 2026". */
export function fmtLocalDate(ts) {
  const d = ts instanceof Date ? ts : new Date(ts);
  if (Number.isNaN(d.getTime())) return '';
  return dateFmt.format(d);
}

/** A calendar date "YYYY-MM-DD" in words, with no time-zone shift. */
export function fmtDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(s || ''));
  if (!m) return String(s || '');
  return dateFmt.format(new Date(+m[1], +m[2] - 1, +m[3], 12));
}

/** Date and time in the browser's local time: "Mon, 2 Nov 2026 09:12". */
export function fmtDateTime(ts) {
  const d = ts instanceof Date ? ts : new Date(ts);
  if (Number.isNaN(d.getTime())) return '';
  return `${dateFmt.format(d)} ${fmtTime(d)}`;
}

const zonedFormats = new Map();

function zonedFormat(tz, withDate) {
  const key = `${tz || ''}|${withDate}`;
  if (!zonedFormats.has(key)) {
    const opts = withDate
      ? { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    let f;
    try {
      f = new Intl.DateTimeFormat(undefined, tz ? { ...opts, timeZone: tz } : opts);
    } catch {
      f = new Intl.DateTimeFormat(undefined, opts); // an unknown zone: the browser's
    }
    zonedFormats.set(key, f);
  }
  return zonedFormats.get(key);
}

/** "08:02": the wall-clock time of instant ts in time zone tz. */
export function fmtTimeIn(ts, tz) {
  const d = ts instanceof Date ? ts : new Date(ts);
  return Number.isNaN(d.getTime()) ? '' : zonedFormat(tz, false).format(d);
}

/** "Mon, 2 Nov 2026, 08:02": date and time of instant ts in time zone tz. */
export function fmtDateTimeIn(ts, tz) {
  const d = ts instanceof Date ? ts : new Date(ts);
  return Number.isNaN(d.getTime()) ? '' : zonedFormat(tz, true).format(d);
}

/** Whether instant ts falls on the browser's local today. */
export function isLocalToday(ts) {
  const d = new Date(ts);
  const n = new Date();
  return d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate();
}

/** "3 h 05 min" for a number of seconds. */
export function fmtDuration(seconds) {
  const total = Math.max(0, Math.floor((Number(seconds) || 0) / 60));
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h === 0) return `${m} min`;
  return `${h} h ${pad(m)} min`;
}

const numFmt = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

/** A number with at most two decimals, in the browser's locale. */
export function fmtNum(n) {
  const v = Number(n);
  return Number.isFinite(v) ? numFmt.format(v) : '–';
}

/** "1 working day", "2.5 working days". */
export function plural(n, one, many = `${one}s`) {
  return `${fmtNum(n)} ${Number(n) === 1 ? one : many}`;
}

/** A person's display name from an Employee. */
export function personName(e) {
  if (!e) return '';
  const n = `${e.first_name || ''} ${e.last_name || ''}`.trim();
  return n || e.name || e.username || `#${e.id}`;
}

const LEAVE_TYPES = { annual: 'Annual', sick: 'Sick', unpaid: 'Unpaid' };

/** "Annual", "Sick", "Unpaid". */
export function leaveTypeLabel(t) {
  return LEAVE_TYPES[t] || String(t || '');
}

/** A date range in words; a single day is written once. */
export function fmtRange(start, end, halfDay) {
  const range = start === end ? fmtDate(start) : `${fmtDate(start)} – ${fmtDate(end)}`;
  return halfDay ? `${range} (half day)` : range;
}

/** A status badge. */
export function badge(text, tone, attrs = {}) {
  return el('span', { class: `badge badge-${tone}`, ...attrs }, text);
}

/** A table row holding one cell that spans the table: an empty state. */
export function emptyRow(colspan, text) {
  return el('tr', { class: 'empty-row' }, el('td', { colspan }, text));
}

/** Runs fn at most once per `ms`, after the last call. */
export function debounce(fn, ms) {
  let t = 0;
  const wrapped = (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(t);
  return wrapped;
}

/** Sets a button's busy state without changing its label. */
export function setBusy(button, busy) {
  if (!button) return;
  button.disabled = Boolean(busy);
  if (busy) button.setAttribute('aria-busy', 'true');
  else button.removeAttribute('aria-busy');
}

/** The route of a person's record. */
export function personHref(id) {
  return `#/people/${encodeURIComponent(id)}`;
}

/** A link to a person's record, named by their name. */
export function personLink(e, attrs = {}) {
  return el('a', { href: personHref(e.id ?? e.employee_id), 'data-employee-id': e.id ?? e.employee_id, ...attrs }, personName(e));
}

/** A view's heading block: an h1 (focusable, for the router) and a line under it. */
export function pageHead(title, sub, attrs = {}) {
  return el('div', { class: 'page-head', ...attrs },
    el('h1', { tabindex: '-1', id: attrs.headingId || null }, title),
    sub ? el('p', { class: 'muted' }, sub) : null);
}

/** A card section with a heading: card('people-list', 'People', …children). */
export function card(id, title, ...children) {
  const h = el('h2', { id: `${id}-title`, tabindex: '-1' }, title);
  return el('section', { id, class: 'card span-12', 'aria-labelledby': h.id }, el('div', { class: 'card-head' }, h), children);
}
