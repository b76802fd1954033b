// views/mail.js: #/mail, for admins: the e-mail outbox of the last 30 days
// (GET /api/mail/outbox/?status=…), never the e-mails' text, and a test
// e-mail to one's own address (POST /api/mail/test/), sent like any other.

import * as api from '../api.js';
import {
  $, announce, badge, card, el, emptyRow, fill, fmtDateTime, pageHead, setBusy, showProblem,
} from '../ui.js';

const STATUSES = ['queued', 'sending', 'sent', 'failed', 'uncertain'];
const TONES = { sent: 'ok', failed: 'danger', uncertain: 'warn', queued: 'info', sending: 'info' };

export default {
  path: 'mail',
  title: 'E-mail outbox',
  nav: 'E-mail',
  needs: 'list-mail-outbox',
  mount(root, env) {
    const { ctx } = env;
    const ac = new AbortController();
    const on = (node, type, fn) => node.addEventListener(type, fn, { signal: ac.signal });
    let status = STATUSES.includes(env.query.get('status')) ? env.query.get('status') : '';
    let seq = 0;

    root.replaceChildren(el('div', { 'data-view': 'mail' },
      pageHead('E-mail outbox', 'Every e-mail of the last 30 days and where it stands. A failed or uncertain e-mail is still on the dashboard of its recipient.'),
      el('div', { class: 'dashboard' },
        card('mail-test', 'Test the settings',
          el('p', { class: 'muted small' }, 'Sends an e-mail to your own address through the outbox, as every notification goes.'),
          el('div', { id: 'mail-test-error', class: 'error', role: 'alert', 'data-testid': 'mail-test-error' }),
          el('div', { class: 'form-actions' },
            el('button', { id: 'mail-test-send', type: 'button', class: 'btn btn-primary', 'data-testid': 'mail-test-send' }, 'Send a test e-mail'))),
        card('mail-outbox', 'Outbox',
          el('form', { id: 'mail-filter', class: 'toolbar', novalidate: true, 'aria-label': 'Filter the outbox' },
            el('label', { for: 'mail-status' }, 'Status'),
            el('select', { id: 'mail-status', 'data-testid': 'mail-status' },
              el('option', { value: '' }, 'All'),
              STATUSES.map((s) => el('option', { value: s, selected: s === status }, s))),
            el('button', { type: 'submit', class: 'btn' }, 'Show')),
          el('div', { id: 'mail-error', class: 'error', role: 'alert' }),
          el('div', { class: 'table-wrap' },
            el('table', { id: 'mail-table', class: 'table stack', 'data-testid': 'mail-table' },
              el('caption', { class: 'visually-hidden' }, 'E-mails'),
              el('thead', null, el('tr', null,
                ['Queued', 'Kind', 'Recipient', 'Status', 'Attempts', 'Sent or next try', 'Last error'].map((h) => el('th', { scope: 'col' }, h)))),
              el('tbody')))))));

    async function load() {
      const mine = ++seq;
      try {
        const res = await api.get('/api/mail/outbox/', { status, limit: 200 });
        if (!ctx.alive() || mine !== seq) return;
        fill($('mail-table').tBodies[0], res.results.length ? res.results.map((m) => el('tr', { 'data-testid': `mail-row-${m.id}`, 'data-status': m.status },
          el('td', { 'data-label': 'Queued' }, fmtDateTime(m.queued_at)),
          el('td', { 'data-label': 'Kind' }, m.kind),
          el('td', { 'data-label': 'Recipient' }, `#${m.recipient_id}`),
          el('td', { 'data-label': 'Status' }, badge(m.status, TONES[m.status] || 'info')),
          el('td', { 'data-label': 'Attempts' }, String(m.attempts)),
          el('td', { 'data-label': 'Sent or next try' }, m.sent_at ? fmtDateTime(m.sent_at) : m.next_attempt_at ? fmtDateTime(m.next_attempt_at) : '—'),
          el('td', { 'data-label': 'Last error', class: 'wide' }, m.last_error || '—')))
          : emptyRow(7, 'No e-mail.'));
        showProblem($('mail-error'), null);
      } catch (err) {
        if (ctx.alive() && mine === seq) showProblem($('mail-error'), err);
      }
    }

    on($('mail-filter'), 'submit', (e) => {
      e.preventDefault();
      status = $('mail-status').value;
      env.setQuery({ status });
      load();
    });
    on($('mail-test-send'), 'click', async () => {
      const button = $('mail-test-send');
      if (button.disabled) return;
      setBusy(button, true);
      try {
        await api.post('/api/mail/test/');
        if (!ctx.alive()) return;
        showProblem($('mail-test-error'), null);
        announce('A test e-mail is queued to your address.', { tone: 'ok' });
        await load();
      } catch (err) {
        if (ctx.alive()) showProblem($('mail-test-error'), err);
      } finally {
        setBusy(button, false);
      }
    });

    load();
    return { stop() { ac.abort(); seq++; } };
  },
};
