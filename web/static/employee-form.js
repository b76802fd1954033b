// employee-form.js: the form of one person's Employee fields, to add someone
// (POST /api/employees/) or change them (PATCH /api/employees/<id>/, only
// the fields that changed). The server checks everything; its field errors
// show next to the fields they name.

import * as api from './api.js';
import { personPicker } from './directory.js';
import { checkboxes, field, showFormProblem, text } from './form.js';
import { WEEKDAYS } from './dates.js';
import { $, el, personName, setBusy } from './ui.js';

/**
 * A new employee's defaults as the server applies them (GET /api/company/
 * `employee_defaults`), shown prefilled; the time zone is left empty, so
 * that the server applies the company's. Nothing when company is unknown:
 * the server applies its defaults to empty fields.
 */
function defaultsOf(company) {
  const d = company && company.employee_defaults;
  if (!d) return { role: 'employee' };
  const { timezone, ...rest } = d;
  return { ...rest, role: d.role || 'employee' };
}

const DAY_OPTIONS = [...WEEKDAYS.slice(1), WEEKDAYS[0]].map((d) => ({
  value: d, label: d.charAt(0).toUpperCase() + d.slice(1),
}));

/** Field name → control id; the server's errors land next to these. */
export const EMPLOYEE_FIELDS = {
  username: 'pf-username',
  password: 'pf-password',
  first_name: 'pf-first-name',
  last_name: 'pf-last-name',
  email: 'pf-email',
  role: 'pf-role',
  manager_id: 'pf-manager',
  department: 'pf-department',
  timezone: 'pf-timezone',
  work_start: 'pf-work-start',
  work_end: 'pf-work-end',
  work_days: 'pf-work-days',
  late_grace_minutes: 'pf-grace',
  annual_leave_days: 'pf-allowance',
  hired_on: 'pf-hired-on',
};

let zoneList = null;

/** A datalist of the IANA zones the browser knows, shared by every form. */
function zoneOptions() {
  if (!zoneList) {
    let zones = [];
    try { zones = Intl.supportedValuesOf('timeZone'); } catch { zones = []; }
    if (!zones.includes('UTC')) zones.unshift('UTC');
    zoneList = el('datalist', { id: 'pf-timezone-options' }, zones.map((z) => el('option', { value: z })));
  }
  return zoneList;
}

/**
 * Builds the form. opts: { me, person (null to add someone), manager,
 * company (GET /api/company/, or null), onSaved(e), onCancel() }.
 * Returns { node, focus() }.
 */
export function employeeForm({ me, person, manager, company, onSaved, onCancel }) {
  const adding = !person;
  const v = adding ? defaultsOf(company) : person;
  const roles = [{ value: 'employee', label: 'Employee' }, { value: 'manager', label: 'Manager' }];
  // Admin is offered when the server says the reader may make one: to add
  // someone, the reader's `can`; for a person, that person's.
  const canAdmin = (list) => Array.isArray(list) && list.includes('assign-admin-role');
  if ((adding ? canAdmin(me.can) : canAdmin(person.can)) || v.role === 'admin') roles.push({ value: 'admin', label: 'Admin' });
  const zone = company && company.timezone;
  const rule = (name, fallback) => (company && company[name] && company[name].text) || fallback;

  const f = {
    username: field({ id: 'pf-username', label: 'Username', value: v.username, hint: rule('username_rule', ''), attrs: { autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' } }),
    password: adding ? field({ id: 'pf-password', label: 'Password', type: 'password', hint: `${rule('password_rule', '')} Give it to them in person.`.trim(), attrs: { autocomplete: 'new-password' } }) : null,
    first: field({ id: 'pf-first-name', label: 'First name', value: v.first_name }),
    last: field({ id: 'pf-last-name', label: 'Last name', value: v.last_name }),
    email: field({ id: 'pf-email', label: 'Email', type: 'email', value: v.email, optional: true }),
    role: field({ id: 'pf-role', label: 'Role', type: 'select', value: v.role, options: roles }),
    department: field({ id: 'pf-department', label: 'Department', value: v.department, optional: true }),
    timezone: field({
      id: 'pf-timezone', label: 'Time zone', value: v.timezone,
      hint: adding ? `Leave it empty for the company's time zone${zone ? `, ${zone}` : ''}.` : 'An IANA zone, e.g. Europe/Berlin.',
      attrs: { list: 'pf-timezone-options', autocomplete: 'off', spellcheck: 'false', placeholder: adding ? (zone || 'The company\'s time zone') : '' },
    }),
    start: field({ id: 'pf-work-start', label: 'Work starts', type: 'time', value: v.work_start }),
    end: field({ id: 'pf-work-end', label: 'Work ends', type: 'time', value: v.work_end }),
    grace: field({ id: 'pf-grace', label: 'Grace before late (minutes)', type: 'number', value: v.late_grace_minutes, attrs: { min: 0, step: 1, inputmode: 'numeric' } }),
    allowance: field({ id: 'pf-allowance', label: 'Annual leave (days a year)', type: 'number', value: v.annual_leave_days, attrs: { min: 0, step: 0.5, inputmode: 'decimal' } }),
    hired: field({ id: 'pf-hired-on', label: 'Hired on', type: 'date', value: v.hired_on, optional: adding, hint: adding ? 'Empty: today, in their time zone.' : '' }),
  };
  const managerPicker = personPicker({
    id: 'pf-manager', label: 'Manager', optional: true, person: adding ? me : manager,
    hint: adding ? 'You, unless you choose someone else in your team.' : 'Empty: nobody.',
  });
  const days = checkboxes({ id: 'pf-work-days', legend: 'Working days', options: DAY_OPTIONS, values: v.work_days || [] });
  const error = el('div', { id: 'pf-error', class: 'error', role: 'alert', 'data-testid': 'pf-error' });
  const save = el('button', { id: 'pf-save', type: 'submit', class: 'btn btn-primary', 'data-testid': 'pf-save' }, adding ? 'Add person' : 'Save changes');
  const cancel = el('button', { id: 'pf-cancel', type: 'button', class: 'btn btn-quiet', 'data-testid': 'pf-cancel' }, 'Cancel');
  const wide = (node) => { node.classList.add('wide'); return node; };

  const form = el('form', { id: 'person-form', class: 'form form-wide', novalidate: true, 'aria-label': adding ? 'Add a person' : `Change ${personName(person)}` },
    el('h3', null, 'Sign-in'),
    el('div', { class: 'form-grid' }, f.username.wrap, f.password ? f.password.wrap : null, f.role.wrap),
    el('h3', null, 'Who'),
    el('div', { class: 'form-grid' }, f.first.wrap, f.last.wrap, f.email.wrap, f.department.wrap, managerPicker.wrap, f.hired.wrap),
    el('h3', null, 'Schedule and leave'),
    el('div', { class: 'form-grid' }, f.timezone.wrap, f.start.wrap, f.end.wrap, wide(days.wrap), f.grace.wrap, f.allowance.wrap),
    zoneOptions(),
    error,
    el('div', { class: 'form-actions' }, save, cancel));

  /** The body: every field when adding; only the changed ones when editing. */
  function body() {
    const num = (id) => {
      const s = text(id);
      return s === '' ? undefined : Number(s);
    };
    const workDays = [...days.boxes].filter(([, b]) => b.checked).map(([d]) => d);
    const out = {
      username: text('pf-username'),
      first_name: text('pf-first-name'),
      last_name: text('pf-last-name'),
      email: text('pf-email'),
      role: $('pf-role').value,
      department: text('pf-department'),
      timezone: text('pf-timezone') || undefined,
      work_start: text('pf-work-start') || undefined,
      work_end: text('pf-work-end') || undefined,
      work_days: workDays,
      late_grace_minutes: num('pf-grace'),
      annual_leave_days: num('pf-allowance'),
      hired_on: text('pf-hired-on') || undefined,
    };
    const mgr = managerPicker.value();
    if (adding) {
      out.password = $('pf-password').value;
      if (mgr !== null) out.manager_id = mgr;
      return out;
    }
    const changed = {};
    for (const [k, val] of Object.entries(out)) {
      if (val === undefined) continue;
      const was = person[k];
      const same = Array.isArray(val) ? JSON.stringify(val) === JSON.stringify(was || []) : val === (was ?? '');
      if (!same) changed[k] = val;
    }
    const wasManager = person.manager_id ?? null;
    if (mgr !== wasManager) changed.manager_id = mgr;
    return changed;
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (save.disabled) return;
    showFormProblem(error, null, EMPLOYEE_FIELDS);
    const b = body();
    if (Number.isNaN(b.manager_id)) {
      showFormProblem(error, { detail: 'Choose the manager from the suggestions.', errors: [{ location: 'body.manager_id', message: 'Type part of a name and pick the person from the list.' }] }, EMPLOYEE_FIELDS);
      return;
    }
    if (!adding && Object.keys(b).length === 0) {
      onSaved(person, { unchanged: true });
      return;
    }
    setBusy(save, true);
    try {
      const saved = adding
        ? await api.post('/api/employees/', b)
        : await api.patch(`/api/employees/${encodeURIComponent(person.id)}/`, b);
      onSaved(saved, { changed: Object.keys(b) });
    } catch (err) {
      showFormProblem(error, err, EMPLOYEE_FIELDS);
    } finally {
      setBusy(save, false);
    }
  });
  cancel.addEventListener('click', () => onCancel());
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); onCancel(); }
  });
  return { node: form, focus: () => (adding ? $('pf-username') : $('pf-first-name')).focus() };
}
