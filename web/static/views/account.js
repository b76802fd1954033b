// views/account.js: #/account, for everyone: one's own names and email
// (PATCH /api/users/me/), one's password (POST /api/users/password/), and
// what the company keeps about one (read-only: only a manager changes it).

import * as api from '../api.js';
import { field, showFormProblem, text } from '../form.js';
import {
  $, announce, card, el, fmtDate, fmtNum, pageHead, personName, setBusy,
} from '../ui.js';

const PROFILE_FIELDS = { first_name: 'account-first-name', last_name: 'account-last-name', email: 'account-email' };
const PASSWORD_FIELDS = { old_password: 'password-old', new_password: 'password-new' };
const ROLE_LABELS = { employee: 'Employee', manager: 'Manager', admin: 'Admin' };
const DAY_LABELS = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

function profileCard(me) {
  const first = field({ id: 'account-first-name', label: 'First name', value: me.first_name, attrs: { autocomplete: 'given-name' } });
  const last = field({ id: 'account-last-name', label: 'Last name', value: me.last_name, attrs: { autocomplete: 'family-name' } });
  const email = field({ id: 'account-email', label: 'Email', type: 'email', value: me.email, attrs: { autocomplete: 'email' } });
  return card('account-profile', 'Your name and email',
    el('form', { id: 'account-profile-form', class: 'form', novalidate: true },
      el('div', { class: 'field-row' }, first.wrap, last.wrap),
      email.wrap,
      el('div', { id: 'account-profile-error', class: 'error', role: 'alert' }),
      el('p', { id: 'account-profile-success', class: 'success', role: 'status' }),
      el('div', { class: 'form-actions' },
        el('button', { id: 'account-save', type: 'submit', class: 'btn btn-primary', 'data-testid': 'account-save' }, 'Save'))));
}

function passwordCard(me) {
  // The rule in words comes from the server (passwordRule, at mount); the
  // server checks it and its message shows next to the field when broken.
  const old = field({ id: 'password-old', label: 'Current password', type: 'password', attrs: { autocomplete: 'current-password', required: true } });
  const next = field({ id: 'password-new', label: 'New password', type: 'password', hint: `Your username is ${me.username}.`, attrs: { autocomplete: 'new-password', required: true } });
  const again = field({ id: 'password-repeat', label: 'New password again', type: 'password', attrs: { autocomplete: 'new-password', required: true } });
  return card('account-password', 'Change your password',
    el('p', { class: 'muted small' }, 'You stay signed in here; every other device where you are signed in is signed out.'),
    el('form', { id: 'password-form', class: 'form', novalidate: true },
      // A hidden username field lets password managers file the new password under the right account.
      el('input', { type: 'text', name: 'username', autocomplete: 'username', value: me.username, hidden: true, readonly: true, tabindex: '-1', 'aria-hidden': 'true' }),
      old.wrap, next.wrap, again.wrap,
      el('div', { id: 'password-error', class: 'error', role: 'alert', 'data-testid': 'password-error' }),
      el('p', { id: 'password-success', class: 'success', role: 'status', 'data-testid': 'password-success' }),
      el('div', { class: 'form-actions' },
        el('button', { id: 'password-submit', type: 'submit', class: 'btn btn-primary', 'data-testid': 'password-submit' }, 'Change password'))));
}

function detailsCard(me) {
  const row = (label, value) => el('div', { class: 'stat' }, el('dt', null, label), el('dd', null, value || '—'));
  const days = Array.isArray(me.work_days) ? me.work_days.map((d) => DAY_LABELS[d] || d).join(', ') : '';
  return card('account-details', 'What the company keeps',
    el('p', { class: 'muted small' }, 'Your manager or an admin changes these for you.'),
    el('dl', { class: 'details' },
      row('Username', me.username),
      row('Role', ROLE_LABELS[me.role] || me.role),
      row('Department', me.department),
      row('Time zone', me.timezone),
      row('Working hours', me.work_start && me.work_end ? `${me.work_start}–${me.work_end}` : ''),
      row('Working days', days),
      row('Grace before late', `${fmtNum(me.late_grace_minutes || 0)} min`),
      row('Annual leave', `${fmtNum(me.annual_leave_days)} days a year`),
      row('Hired on', me.hired_on ? fmtDate(me.hired_on) : '')));
}

export default {
  path: 'account',
  title: 'Your account',
  nav: 'Account',
  mount(root, { ctx }) {
    const me = ctx.me;
    const ac = new AbortController();
    root.replaceChildren(el('div', { 'data-view': 'account' },
      pageHead('Your account', `Signed in as ${personName(me)} (${me.username}).`),
      el('div', { class: 'dashboard' }, profileCard(me), passwordCard(me), detailsCard(me))));
    // The password rule in words, as the server says it (GET /api/company/).
    ctx.company().then((c) => {
      const rule = c && c.password_rule && c.password_rule.text;
      if (ctx.alive() && rule && $('password-new-hint')) $('password-new-hint').textContent = `${rule} Your username is ${me.username}.`;
    }).catch(() => {});

    async function saveProfile(e) {
      e.preventDefault();
      const button = $('account-save');
      if (button.disabled) return;
      $('account-profile-success').textContent = '';
      setBusy(button, true);
      showFormProblem($('account-profile-error'), null, PROFILE_FIELDS);
      try {
        const updated = await api.patch('/api/users/me/', {
          first_name: text('account-first-name'), last_name: text('account-last-name'), email: text('account-email'),
        });
        if (!ctx.alive()) return;
        if (updated && typeof updated === 'object') {
          Object.assign(me, updated);
          ctx.events.dispatchEvent(new CustomEvent('me-changed', { detail: me }));
        }
        $('account-profile-success').textContent = 'Saved.';
        announce('Your name and email are saved.', { tone: 'ok' });
      } catch (err) {
        if (!ctx.alive()) return;
        showFormProblem($('account-profile-error'), err, PROFILE_FIELDS);
      } finally {
        setBusy(button, false);
      }
    }

    async function changePassword(e) {
      e.preventDefault();
      const button = $('password-submit');
      if (button.disabled) return;
      $('password-success').textContent = '';
      const oldPassword = $('password-old').value;
      const newPassword = $('password-new').value;
      showFormProblem($('password-error'), null, { ...PASSWORD_FIELDS, repeat: 'password-repeat' });
      if (newPassword !== $('password-repeat').value) {
        // Only a typing check: the server has the password rules.
        showFormProblem($('password-error'), {
          detail: 'The two new passwords differ.',
          errors: [{ location: 'repeat', message: 'Type the same new password twice.' }],
        }, { repeat: 'password-repeat' });
        return;
      }
      setBusy(button, true);
      try {
        await api.post('/api/users/password/', { old_password: oldPassword, new_password: newPassword });
        if (!ctx.alive()) return;
        for (const id of ['password-old', 'password-new', 'password-repeat']) $(id).value = '';
        $('password-success').textContent = 'Your password is changed. Use the new one from now on; your other devices are signed out.';
        announce('Your password is changed.', { tone: 'ok' });
      } catch (err) {
        if (!ctx.alive()) return;
        showFormProblem($('password-error'), err, PASSWORD_FIELDS);
      } finally {
        setBusy(button, false);
      }
    }

    $('account-profile-form').addEventListener('submit', saveProfile, { signal: ac.signal });
    $('password-form').addEventListener('submit', changePassword, { signal: ac.signal });
    return { stop: () => ac.abort() };
  },
};
