// views/holidays.js: #/holidays?year=YYYY, the company holidays of a year
// for everyone; admins also add one (date, name) and delete one. A second
// holiday on a date is the server's 409, shown next to the date.

import * as api from '../api.js';
import { isDate } from '../dates.js';
import { field, showFormProblem, text } from '../form.js';
import {
  $, announce, card, el, emptyRow, fill, fmtDate, pageHead, setBusy, showProblem,
} from '../ui.js';

const FIELDS = { date: 'holiday-date', name: 'holiday-name' };

function yearOf(query) {
  const y = Number.parseInt(query.get('year') || '', 10);
  return y >= 1970 && y <= 9999 ? y : new Date().getFullYear();
}

export default {
  path: 'holidays',
  title: 'Holidays',
  nav: 'Holidays',
  mount(root, env) {
    const { ctx } = env;
    const admin = ctx.me.can.includes('create-holiday');
    const ac = new AbortController();
    const on = (node, type, fn) => node.addEventListener(type, fn, { signal: ac.signal });
    let year = yearOf(env.query);
    let list = [];
    let seq = 0;

    const yearField = field({ id: 'holidays-year', label: 'Year', type: 'number', value: year, attrs: { min: 1970, max: 9999, step: 1, inputmode: 'numeric' } });
    const addCard = admin ? card('holiday-add', 'Add a holiday',
      el('form', { id: 'holiday-form', class: 'form', novalidate: true },
        el('div', { class: 'form-grid' },
          field({ id: 'holiday-date', label: 'Date', type: 'date' }).wrap,
          field({ id: 'holiday-name', label: 'Name', attrs: { autocomplete: 'off' } }).wrap),
        el('div', { id: 'holiday-error', class: 'error', role: 'alert', 'data-testid': 'holiday-error' }),
        el('div', { class: 'form-actions' },
          el('button', { id: 'holiday-add-submit', type: 'submit', class: 'btn btn-primary', 'data-testid': 'holiday-add-submit' }, 'Add holiday'))))
      : null;

    root.replaceChildren(el('div', { 'data-view': 'holidays' },
      pageHead('Company holidays', admin
        ? 'Holidays are not working days for anyone: nobody is late or absent on them, and leave does not count them.'
        : 'Days the whole company is off.'),
      el('div', { class: 'dashboard' },
        addCard,
        card('holidays-list', 'Holidays',
          el('form', { id: 'holidays-year-form', class: 'toolbar', novalidate: true, 'aria-label': 'Choose the year' },
            el('div', { class: 'toolbar-actions' },
              el('button', { id: 'holidays-prev', type: 'button', class: 'btn btn-quiet', 'aria-label': 'Previous year' }, '‹')),
            yearField.wrap,
            el('div', { class: 'toolbar-actions' },
              el('button', { id: 'holidays-next', type: 'button', class: 'btn btn-quiet', 'aria-label': 'Next year' }, '›'),
              el('button', { type: 'submit', class: 'btn' }, 'Show'))),
          el('div', { id: 'holidays-error', class: 'error', role: 'alert' }),
          el('div', { class: 'table-wrap' },
            el('table', { id: 'holidays-table', class: 'table stack', 'data-testid': 'holidays-table' },
              el('caption', { id: 'holidays-caption', class: 'visually-hidden' }, 'Holidays'),
              el('thead', null, el('tr', null,
                el('th', { scope: 'col' }, 'Date'), el('th', { scope: 'col' }, 'Name'),
                admin ? el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Action')) : null)),
              el('tbody')))))));

    async function load() {
      const mine = ++seq;
      const table = $('holidays-table');
      table.setAttribute('aria-busy', 'true');
      try {
        const res = await api.listAll('/api/holidays/', { year });
        if (!ctx.alive() || mine !== seq) return;
        list = res.results;
        render();
        table.dataset.year = String(year);
        showProblem($('holidays-error'), null);
      } catch (err) {
        if (!ctx.alive() || mine !== seq) return;
        showProblem($('holidays-error'), err);
      } finally {
        if (mine === seq) table.removeAttribute('aria-busy');
      }
    }

    function render() {
      $('holidays-caption').textContent = `Company holidays in ${year}`;
      $('holidays-list-title').textContent = `Holidays in ${year}`;
      const cols = admin ? 3 : 2;
      fill($('holidays-table').tBodies[0], list.length ? list.map((h) => el('tr', { 'data-testid': `holiday-row-${h.id}`, 'data-date': h.date },
        el('td', { 'data-label': 'Date' }, el('time', { datetime: h.date }, fmtDate(h.date))),
        el('td', { 'data-label': 'Name', class: 'wide' }, h.name),
        admin ? el('td', { 'data-label': 'Action' },
          el('button', {
            type: 'button', class: 'btn btn-quiet btn-small', 'data-testid': `holiday-delete-${h.id}`, 'data-delete': h.id,
            'aria-label': `Delete ${h.name}, ${fmtDate(h.date)}`,
          }, 'Delete')) : null))
        : emptyRow(cols, `No holidays in ${year}.`));
    }

    function setYear(y) {
      if (!(y >= 1970 && y <= 9999)) return;
      year = y;
      $('holidays-year').value = String(y);
      env.setQuery({ year: y });
      load();
    }

    on($('holidays-prev'), 'click', () => setYear(year - 1));
    on($('holidays-next'), 'click', () => setYear(year + 1));
    on($('holidays-year-form'), 'submit', (e) => { e.preventDefault(); setYear(Number($('holidays-year').value)); });

    if (admin) {
      on($('holiday-form'), 'submit', async (e) => {
        e.preventDefault();
        const button = $('holiday-add-submit');
        if (button.disabled) return;
        showFormProblem($('holiday-error'), null, FIELDS);
        const body = { date: $('holiday-date').value, name: text('holiday-name') };
        setBusy(button, true);
        try {
          const h = await api.post('/api/holidays/', body);
          if (!ctx.alive()) return;
          ctx.invalidateHolidays();
          ctx.events.dispatchEvent(new Event('holidays-changed'));
          $('holiday-name').value = '';
          announce(`${h.name} on ${fmtDate(h.date)} is a holiday now.`, { tone: 'ok' });
          const y = isDate(h.date) ? Number(h.date.slice(0, 4)) : year;
          if (y !== year) setYear(y);
          else await load();
          $('holiday-date').focus();
        } catch (err) {
          if (!ctx.alive()) return;
          // A second holiday on a date: the server's words, next to the date.
          const shown = err.status === 409 ? { ...err, errors: [{ location: 'body.date', message: err.detail }] } : err;
          showFormProblem($('holiday-error'), shown, FIELDS);
          if (err.status === 409) showProblem($('holiday-error'), err);
        } finally {
          setBusy(button, false);
        }
      });
      on($('holidays-table'), 'click', async (e) => {
        const button = e.target.closest('button[data-delete]');
        if (!button) return;
        const id = Number(button.dataset.delete);
        const h = list.find((x) => x.id === id);
        if (!h) return;
        if (button.dataset.confirm !== 'yes') {
          // A second press deletes: no dialog, and the question is said.
          button.dataset.confirm = 'yes';
          button.textContent = 'Press again to delete';
          button.classList.add('btn-danger');
          announce(`Press again to delete ${h.name}.`);
          return;
        }
        setBusy(button, true);
        try {
          await api.del(`/api/holidays/${id}/`);
          if (!ctx.alive()) return;
          ctx.invalidateHolidays();
          ctx.events.dispatchEvent(new Event('holidays-changed'));
          announce(`${h.name} on ${fmtDate(h.date)} is no longer a holiday.`, { tone: 'ok' });
          await load();
          $('holidays-list-title').focus();
        } catch (err) {
          if (!ctx.alive()) return;
          showProblem($('holidays-error'), err);
          setBusy(button, false);
        }
      });
    }

    load();
    return {
      stop() { ac.abort(); seq++; },
      update(next) {
        const y = yearOf(next.query);
        if (y !== year) setYear(y);
      },
    };
  },
};
