// views/leave-types.js: #/leave-types, the leave types (GET
// /api/leaves/types/?retired=all); admins add one (code, name, allowance,
// accrual, carry-over) and retire or bring back one. What a year of the
// accrual credits is the server's credited_per_year.

import * as api from '../api.js';
import { field, showFormProblem, text } from '../form.js';
import { $, announce, card, el, emptyRow, fill, pageHead, setBusy, showProblem } from '../ui.js';

const FIELDS = { code: 'lt-code', name: 'lt-name', allowance: 'lt-allowance', accrual: 'lt-accrual', carry_over_max: 'lt-carry' };

export default {
  path: 'leave-types',
  title: 'Leave types',
  nav: 'Leave types',
  needs: 'create-leave-type',
  mount(root, env) {
    const { ctx } = env;
    const ac = new AbortController();
    const on = (node, type, fn) => node.addEventListener(type, fn, { signal: ac.signal });
    const accrual = el('select', { id: 'lt-accrual', 'data-testid': 'lt-accrual' },
      ...['yearly', 'monthly', 'yearly_full', 'none'].map((a) => el('option', { value: a }, a)));
    root.replaceChildren(el('div', { 'data-view': 'leave-types' },
      pageHead('Leave types', 'Types in use are retired, never deleted. A change of accrual takes effect on 1 January.'),
      el('div', { class: 'dashboard' },
        card('lt-add', 'Add a leave type',
          el('form', { id: 'lt-form', class: 'form', novalidate: true },
            el('div', { class: 'form-grid' },
              field({ id: 'lt-code', label: 'Code', attrs: { autocomplete: 'off' } }).wrap,
              field({ id: 'lt-name', label: 'Name', attrs: { autocomplete: 'off' } }).wrap,
              field({ id: 'lt-allowance', label: 'Yearly allowance (days)', type: 'number', value: 0, attrs: { min: 0, max: 366, step: 0.5 } }).wrap,
              el('div', { class: 'field' }, el('label', { for: 'lt-accrual' }, 'Accrual'), accrual),
              field({ id: 'lt-carry', label: 'Carry over at most (days)', type: 'number', value: 0, attrs: { min: 0, max: 366, step: 0.5 } }).wrap),
            el('div', { id: 'lt-error', class: 'error', role: 'alert', 'data-testid': 'lt-error' }),
            el('div', { class: 'form-actions' },
              el('button', { id: 'lt-submit', type: 'submit', class: 'btn btn-primary', 'data-testid': 'lt-submit' }, 'Add leave type')))),
        card('lt-list', 'Leave types',
          el('div', { id: 'lt-list-error', class: 'error', role: 'alert' }),
          el('div', { class: 'table-wrap' },
            el('table', { id: 'lt-table', class: 'table stack', 'data-testid': 'lt-table' },
              el('thead', null, el('tr', null,
                el('th', { scope: 'col' }, 'Code'), el('th', { scope: 'col' }, 'Name'), el('th', { scope: 'col' }, 'Allowance'),
                el('th', { scope: 'col' }, 'Accrual'), el('th', { scope: 'col' }, 'Credited a year'), el('th', { scope: 'col' }, 'Units'),
                el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Action')))),
              el('tbody')))))));

    async function load() {
      try {
        const res = await api.listAll('/api/leaves/types/', { retired: 'all' });
        if (!ctx.alive()) return;
        fill($('lt-table').tBodies[0], ...(res.results.length ? res.results.map((t) => {
          const btn = t.built_in ? null : el('button', { type: 'button', class: 'btn btn-quiet', 'data-testid': `lt-retire-${t.code}` }, t.retired ? 'Bring back' : 'Retire');
          if (btn) {
            on(btn, 'click', async () => {
              setBusy(btn, true);
              try {
                await api.patch(`/api/leaves/types/${encodeURIComponent(t.code)}/`, { retired: !t.retired });
                announce(`${t.name} is ${t.retired ? 'back' : 'retired'}.`, { tone: 'ok' });
              } catch (err) {
                showProblem($('lt-list-error'), err);
              }
              if (ctx.alive()) load();
            });
          }
          return el('tr', { 'data-code': t.code, 'data-retired': String(t.retired) },
            el('td', { 'data-label': 'Code' }, t.code),
            el('td', { 'data-label': 'Name' }, t.retired ? `${t.name} (retired)` : t.name),
            el('td', { 'data-label': 'Allowance' }, t.uses_allowance ? String(t.allowance) : 'none'),
            el('td', { 'data-label': 'Accrual' }, t.accrual),
            el('td', { 'data-label': 'Credited a year' }, t.uses_allowance ? String(t.credited_per_year) : '–'),
            el('td', { 'data-label': 'Units' }, (t.units || []).join(', ')),
            el('td', null, btn));
        }) : [emptyRow(7, 'No leave type.')]));
        $('lt-table').dataset.loaded = 'true';
      } catch (err) {
        if (ctx.alive()) showProblem($('lt-list-error'), err);
      }
    }

    on($('lt-form'), 'submit', async (ev) => {
      ev.preventDefault();
      const btn = $('lt-submit');
      const body = {
        code: text('lt-code'), name: text('lt-name'), allowance: Number($('lt-allowance').value || 0),
        accrual: accrual.value, carry_over_max: Number($('lt-carry').value || 0),
      };
      if (body.accrual === 'none') delete body.allowance;
      setBusy(btn, true);
      showFormProblem($('lt-error'), null, FIELDS);
      try {
        const t = await api.post('/api/leaves/types/', body);
        if (!ctx.alive()) return;
        announce(`${t.name} added: ${t.credited_per_year} days credited a year.`, { tone: 'ok' });
        $('lt-code').value = '';
        $('lt-name').value = '';
        load();
      } catch (err) {
        if (ctx.alive()) showFormProblem($('lt-error'), err, FIELDS);
      } finally {
        setBusy(btn, false);
      }
    });
    load();
    return { stop() { ac.abort(); } };
  },
};
