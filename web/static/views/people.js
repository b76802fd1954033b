// views/people.js: #/people, for managers and admins: the people in scope,
// searched and filtered by the server (q, department, role, active) one
// page at a time, so that it stays fast at 10,000 people; and the form to
// add one person. The filters and the page live in the route's query, so
// Back and a reload keep them.

import * as api from '../api.js';
import { employeeForm } from '../employee-form.js';
import { field } from '../form.js';
import {
  $, announce, badge, card, el, emptyRow, fill, fmtNum, pageHead, personHref, personLink,
  personName, showProblem,
} from '../ui.js';

const PAGE = 50;
const ROLE_LABELS = { employee: 'Employee', manager: 'Manager', admin: 'Admin' };
// The columns the server orders by (GET /api/employees/?ordering=).
const SORTABLE = { Name: 'name', Username: 'username', Department: 'department' };
const ORDERINGS = new Set(Object.values(SORTABLE).flatMap((f) => [f, `-${f}`]));

function readQuery(query) {
  const offset = Math.max(0, Number.parseInt(query.get('offset') || '0', 10) || 0);
  const active = ['true', 'false', 'all'].includes(query.get('active')) ? query.get('active') : 'true';
  const role = ['employee', 'manager', 'admin'].includes(query.get('role')) ? query.get('role') : '';
  const ordering = ORDERINGS.has(query.get('ordering')) ? query.get('ordering') : '';
  return { q: query.get('q') || '', department: query.get('department') || '', role, active, ordering, offset };
}

export default {
  path: 'people',
  title: 'People',
  nav: 'People',
  needs: 'list-employees',
  mount(root, env) {
    const { ctx } = env;
    const ac = new AbortController();
    const on = (node, type, fn) => node.addEventListener(type, fn, { signal: ac.signal });
    let state = readQuery(env.query);
    let seq = 0;
    let timer = 0;
    let form = null;

    const q = field({ id: 'people-q', label: 'Search', type: 'search', value: state.q, hint: 'Name, username or email.', attrs: { autocomplete: 'off', spellcheck: 'false' } });
    const dept = field({ id: 'people-department', label: 'Department', value: state.department, hint: 'The exact name.', attrs: { list: 'people-departments', autocomplete: 'off' } });
    const role = field({
      id: 'people-role', label: 'Role', type: 'select', value: state.role,
      options: [{ value: '', label: 'Any role' }, ...Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label }))],
    });
    const active = field({
      id: 'people-active', label: 'Status', type: 'select', value: state.active,
      options: [{ value: 'true', label: 'Active' }, { value: 'false', label: 'Deactivated' }, { value: 'all', label: 'Everyone' }],
    });
    const departments = el('datalist', { id: 'people-departments' });
    const addButton = el('button', { id: 'people-add', type: 'button', class: 'btn btn-primary', 'data-testid': 'people-add', 'aria-expanded': 'false', 'aria-controls': 'people-add-panel' }, 'Add a person');
    const addPanel = el('section', { id: 'people-add-panel', class: 'card span-12', 'aria-labelledby': 'people-add-title', hidden: true },
      el('div', { class: 'card-head' }, el('h2', { id: 'people-add-title', tabindex: '-1' }, 'Add a person')),
      el('div', { id: 'people-add-body' }));

    root.replaceChildren(el('div', { 'data-view': 'people' },
      pageHead('People', 'Everyone in your team. Open a person to see their record, correct their clock log or change their details.'),
      el('div', { class: 'dashboard' },
        addPanel,
        card('people-list', 'Find people',
          el('div', { class: 'card-tools' }, addButton,
            el('a', { id: 'people-import', href: '#/people/import', class: 'btn', 'data-testid': 'people-import' }, 'Import from a file')),
          el('form', { id: 'people-filters', class: 'toolbar', role: 'search', 'aria-label': 'Find people', novalidate: true },
            q.wrap, dept.wrap, role.wrap, active.wrap, departments,
            el('div', { class: 'toolbar-actions' },
              el('button', { type: 'submit', class: 'btn', id: 'people-search' }, 'Search'))),
          el('div', { id: 'people-error', class: 'error', role: 'alert' }),
          el('p', { id: 'people-summary', class: 'muted small', 'aria-live': 'polite' }),
          el('div', { class: 'table-wrap' },
            el('table', { id: 'people-table', class: 'table stack', 'data-testid': 'people-table' },
              el('caption', { class: 'visually-hidden' }, 'People in your team'),
              el('thead', null, el('tr', null,
                ['Name', 'Username', 'Department', 'Role', 'Manager', 'Status'].map((h) => el('th', { scope: 'col', 'data-sort': SORTABLE[h] || null },
                  SORTABLE[h] ? el('button', { type: 'button', class: 'sort', 'data-testid': `people-sort-${SORTABLE[h]}` }, h, el('span', { class: 'sort-icon', 'aria-hidden': 'true' })) : h)))),
              el('tbody'))),
          pager()))));

    function pager() {
      return el('nav', { class: 'pager', 'aria-label': 'Pages of people' },
        el('button', { id: 'people-prev', type: 'button', class: 'btn btn-small', 'data-testid': 'people-prev' }, 'Previous'),
        el('span', { id: 'people-range', class: 'muted small', 'data-testid': 'people-range' }),
        el('button', { id: 'people-next', type: 'button', class: 'btn btn-small', 'data-testid': 'people-next' }, 'Next'));
    }

    async function load() {
      const mine = ++seq;
      const table = $('people-table');
      table.setAttribute('aria-busy', 'true');
      try {
        const page = await api.get('/api/employees/', {
          q: state.q, department: state.department, role: state.role, active: state.active, ordering: state.ordering, limit: PAGE, offset: state.offset,
        });
        if (!ctx.alive() || mine !== seq) return;
        const list = page && Array.isArray(page.results) ? page.results : [];
        const count = page && typeof page.count === 'number' ? page.count : list.length;
        if (!list.length && state.offset > 0 && count > 0) {
          // The page went away (fewer people now): show the last one.
          state.offset = Math.max(0, Math.floor((count - 1) / PAGE) * PAGE);
          load();
          return;
        }
        list.forEach((e) => ctx.directory.remember(e));
        await render(list, count);
        showProblem($('people-error'), null);
      } catch (err) {
        if (!ctx.alive() || mine !== seq) return;
        showProblem($('people-error'), err);
      } finally {
        if (mine === seq) table.removeAttribute('aria-busy');
      }
    }

    async function render(list, count) {
      // The managers' names come with the rows (manager_name); ask only for
      // a row without one (an older server).
      const managers = new Map();
      await Promise.all([...new Set(list.filter((e) => e.manager_id != null && e.manager_name === undefined).map((e) => e.manager_id))].map(async (id) => {
        managers.set(id, await ctx.directory.get(id).catch(() => null));
      }));
      for (const th of $('people-table').tHead.rows[0].cells) {
        const f = th.dataset.sort;
        if (!f) continue;
        th.setAttribute('aria-sort', state.ordering === f ? 'ascending' : state.ordering === `-${f}` ? 'descending' : 'none');
      }
      const body = $('people-table').tBodies[0];
      if (!list.length) {
        fill(body, emptyRow(6, state.q || state.department || state.role || state.active !== 'true'
          ? 'Nobody matches these filters.' : 'Nobody is in your team yet. Add a person to begin.'));
      } else {
        fill(body, list.map((e) => {
          const m = e.manager_id == null ? null
            : e.manager_name != null ? { id: e.manager_id, name: e.manager_name } : managers.get(e.manager_id);
          return el('tr', { 'data-testid': `people-row-${e.id}`, 'data-id': e.id, class: e.active === false ? 'inactive' : null },
            el('th', { scope: 'row', 'data-label': 'Name', class: 'wide' }, personLink(e)),
            el('td', { 'data-label': 'Username' }, e.username),
            el('td', { 'data-label': 'Department' }, e.department || el('span', { class: 'muted' }, '—')),
            el('td', { 'data-label': 'Role' }, ROLE_LABELS[e.role] || e.role),
            el('td', { 'data-label': 'Manager' }, m ? el('a', { href: personHref(m.id) }, m.name || personName(m))
              : e.manager_id != null ? `user #${e.manager_id}` : el('span', { class: 'muted' }, '—')),
            el('td', { 'data-label': 'Status' }, e.active === false ? badge('Deactivated', 'muted') : badge('Active', 'ok')));
        }));
      }
      const from = list.length ? state.offset + 1 : 0;
      const to = state.offset + list.length;
      $('people-range').textContent = list.length ? `${fmtNum(from)}–${fmtNum(to)} of ${fmtNum(count)}` : '';
      $('people-summary').textContent = `${fmtNum(count)} ${count === 1 ? 'person' : 'people'}`;
      $('people-prev').disabled = state.offset <= 0;
      $('people-next').disabled = to >= count;
    }

    function go(changes) {
      state = { ...state, ...changes };
      env.setQuery({
        q: state.q, department: state.department, role: state.role,
        active: state.active === 'true' ? '' : state.active, ordering: state.ordering, offset: state.offset || '',
      });
      load();
    }

    function readFilters() {
      return {
        q: $('people-q').value.trim(), department: $('people-department').value.trim(),
        role: $('people-role').value, active: $('people-active').value, ordering: state.ordering, offset: 0,
      };
    }

    on($('people-filters'), 'submit', (e) => { e.preventDefault(); clearTimeout(timer); go(readFilters()); });
    on($('people-q'), 'input', () => { clearTimeout(timer); timer = setTimeout(() => go(readFilters()), 300); });
    for (const id of ['people-role', 'people-active']) on($(id), 'change', () => go(readFilters()));
    on($('people-department'), 'change', () => go(readFilters()));
    on($('people-prev'), 'click', () => go({ offset: Math.max(0, state.offset - PAGE) }));
    on($('people-next'), 'click', () => go({ offset: state.offset + PAGE }));
    // A column's button orders by it; a second press reverses.
    on($('people-table').tHead, 'click', (e) => {
      const th = e.target.closest('th[data-sort]');
      if (!th || !e.target.closest('button')) return;
      const f = th.dataset.sort;
      go({ ordering: state.ordering === f ? `-${f}` : f, offset: 0 });
    });

    // Every department of the scope, for the filter's suggestions.
    async function loadDepartments() {
      try {
        const page = await api.get('/api/departments/', { limit: 500 });
        if (!ctx.alive()) return;
        const names = page && Array.isArray(page.results) ? page.results.map((d) => d.name) : [];
        fill(departments, names.map((d) => el('option', { value: d })));
      } catch {
        // Suggestions only: the filter takes any name.
      }
    }

    function closeAdd() {
      addPanel.hidden = true;
      addButton.setAttribute('aria-expanded', 'false');
      $('people-add-body').replaceChildren();
      form = null;
      addButton.focus();
    }
    on(addButton, 'click', async () => {
      if (!addPanel.hidden) { closeAdd(); return; }
      // The defaults and rules the server applies; without them the form
      // starts empty and the server still applies them.
      const company = await ctx.company().catch(() => null);
      if (!ctx.alive() || !addPanel.hidden) return;
      form = employeeForm({
        me: ctx.me,
        person: null,
        company,
        onCancel: closeAdd,
        onSaved: (e) => {
          ctx.directory.remember(e);
          ctx.events.dispatchEvent(new CustomEvent('people-changed', { detail: e }));
          announce(`${personName(e)} is added. They can sign in as ${e.username} with the password you chose.`, { tone: 'ok' });
          env.navigate(`people/${e.id}`, { added: 1 });
        },
      });
      $('people-add-body').replaceChildren(form.node);
      addPanel.hidden = false;
      addButton.setAttribute('aria-expanded', 'true');
      form.focus();
    });

    load();
    loadDepartments();
    return {
      stop() { ac.abort(); clearTimeout(timer); seq++; },
      update(next) {
        // Back or Forward to other filters: show them.
        const s = readQuery(next.query);
        if (JSON.stringify(s) === JSON.stringify(state)) return;
        state = s;
        $('people-q').value = s.q;
        $('people-department').value = s.department;
        $('people-role').value = s.role;
        $('people-active').value = s.active;
        load();
      },
    };
  },
};
