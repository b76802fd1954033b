// views/shifts.js: #/shifts, the company's shifts (docs/shifts.md). Everyone
// with manager access reads them; admins add one (name, start, end, grace,
// break) and archive one that no pattern in force names. An end at or before
// the start ends the next day: 22:00–06:00 is a night.

import * as api from '../api.js';
import { field, showFormProblem, text } from '../form.js';
import {
  $, announce, card, el, emptyRow, fill, pageHead, setBusy, showProblem,
} from '../ui.js';

const FIELDS = {
  name: 'shift-name', start: 'shift-start', end: 'shift-end', grace_minutes: 'shift-grace', break_minutes: 'shift-break',
};

/** "22:00–06:00 (next day)" for an overnight shift, as the server says (`overnight`). */
export function shiftSpan(s) {
  return `${s.start}–${s.end}${s.overnight ? ' (next day)' : ''}`;
}

export default {
  path: 'shifts',
  title: 'Shifts',
  nav: 'Shifts',
  needs: 'set-roster-override',
  mount(root, env) {
    const { ctx } = env;
    const admin = ctx.me.can.includes('create-shift');
    const ac = new AbortController();
    const on = (node, type, fn) => node.addEventListener(type, fn, { signal: ac.signal });
    let list = [];
    let seq = 0;

    const addCard = admin ? card('shift-add', 'Add a shift',
      el('form', { id: 'shift-form', class: 'form', novalidate: true },
        el('div', { class: 'form-grid' },
          field({ id: 'shift-name', label: 'Name', attrs: { autocomplete: 'off', maxlength: 100 } }).wrap,
          field({ id: 'shift-start', label: 'Start', type: 'time', value: '08:00' }).wrap,
          field({ id: 'shift-end', label: 'End', type: 'time', value: '17:00', hint: 'At or before the start: ends the next day.' }).wrap,
          field({ id: 'shift-grace', label: 'Grace minutes', type: 'number', value: 0, attrs: { min: 0, max: 720, step: 1 } }).wrap,
          field({ id: 'shift-break', label: 'Unpaid break, minutes', type: 'number', value: 0, attrs: { min: 0, max: 240, step: 1 } }).wrap),
        el('div', { id: 'shift-error', class: 'error', role: 'alert', 'data-testid': 'shift-error' }),
        el('div', { class: 'form-actions' },
          el('button', { id: 'shift-add-submit', type: 'submit', class: 'btn btn-primary', 'data-testid': 'shift-add-submit' }, 'Add shift'))))
      : null;

    root.replaceChildren(el('div', { 'data-view': 'shifts' },
      pageHead('Shifts', 'A shift is a start and an end with its grace minutes; patterns and the roster give each employee theirs.'),
      el('div', { class: 'dashboard' },
        addCard,
        card('shifts-list', 'Active shifts',
          el('div', { id: 'shifts-error', class: 'error', role: 'alert' }),
          el('div', { class: 'table-wrap' },
            el('table', { id: 'shifts-table', class: 'table stack', 'data-testid': 'shifts-table' },
              el('caption', { class: 'visually-hidden' }, 'Active shifts'),
              el('thead', null, el('tr', null,
                el('th', { scope: 'col' }, 'Name'), el('th', { scope: 'col' }, 'Hours'),
                el('th', { scope: 'col' }, 'Grace'), el('th', { scope: 'col' }, 'Break'),
                admin ? el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Action')) : null)),
              el('tbody')))))));

    async function load() {
      const mine = ++seq;
      try {
        const res = await api.listAll('/api/shifts/', { active: 'true' });
        if (!ctx.alive() || mine !== seq) return;
        list = res.results;
        render();
        showProblem($('shifts-error'), null);
      } catch (err) {
        if (!ctx.alive() || mine !== seq) return;
        showProblem($('shifts-error'), err);
      }
    }

    function render() {
      const cols = admin ? 5 : 4;
      fill($('shifts-table').tBodies[0], list.length ? list.map((s) => el('tr', { 'data-testid': `shift-row-${s.id}` },
        el('td', { 'data-label': 'Name', class: 'wide' }, s.name),
        el('td', { 'data-label': 'Hours' }, shiftSpan(s)),
        el('td', { 'data-label': 'Grace' }, `${s.grace_minutes} min`),
        el('td', { 'data-label': 'Break' }, `${s.break_minutes} min`),
        admin ? el('td', { 'data-label': 'Action' },
          el('button', {
            type: 'button', class: 'btn btn-quiet btn-small', 'data-archive': s.id, 'data-testid': `shift-archive-${s.id}`,
            'aria-label': `Archive ${s.name}`,
          }, 'Archive')) : null))
        : emptyRow(cols, 'No shifts yet.'));
    }

    if (admin) {
      on($('shift-form'), 'submit', async (e) => {
        e.preventDefault();
        const button = $('shift-add-submit');
        if (button.disabled) return;
        showFormProblem($('shift-error'), null, FIELDS);
        const body = {
          name: text('shift-name'), start: $('shift-start').value, end: $('shift-end').value,
          grace_minutes: Number($('shift-grace').value || 0), break_minutes: Number($('shift-break').value || 0),
        };
        setBusy(button, true);
        try {
          const s = await api.post('/api/shifts/', body);
          if (!ctx.alive()) return;
          $('shift-name').value = '';
          announce(`Shift ${s.name} (${shiftSpan(s)}) added.`, { tone: 'ok' });
          await load();
        } catch (err) {
          if (!ctx.alive()) return;
          const shown = err.status === 409 ? { ...err, errors: [{ location: 'body.name', message: err.detail }] } : err;
          showFormProblem($('shift-error'), shown, FIELDS);
        } finally {
          setBusy(button, false);
        }
      });
      on($('shifts-table'), 'click', async (e) => {
        const button = e.target.closest('button[data-archive]');
        if (!button) return;
        const id = Number(button.dataset.archive);
        const s = list.find((x) => x.id === id);
        if (!s) return;
        if (button.dataset.confirm !== 'yes') {
          button.dataset.confirm = 'yes';
          button.textContent = 'Press again to archive';
          button.classList.add('btn-danger');
          announce(`Press again to archive ${s.name}.`);
          return;
        }
        setBusy(button, true);
        try {
          await api.del(`/api/shifts/${id}/`);
          if (!ctx.alive()) return;
          announce(`${s.name} is archived.`, { tone: 'ok' });
          await load();
        } catch (err) {
          if (!ctx.alive()) return;
          showProblem($('shifts-error'), err);
          setBusy(button, false);
        }
      });
    }

    load();
    return { stop() { ac.abort(); seq++; } };
  },
};
