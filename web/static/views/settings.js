// views/settings.js: #/settings, for everyone: which notifications also
// come by e-mail (GET/PATCH /api/notifications/settings/), and one's private
// calendar feeds (GET/POST /api/calendar/feeds/, DELETE …/<id>/) with their
// https and webcal links to copy and a revoke button. The server decides
// every rule (defaults, who may have a team feed); the page shows them.

import * as api from '../api.js';
import {
  $, announce, card, el, fill, fmtDateTime, pageHead, setBusy, showProblem,
} from '../ui.js';

const KIND_LABELS = {
  leave_requested: 'Someone asks for leave you decide',
  leave_step_pending: 'A later approval step waits for you',
  leave_escalated: 'A request has waited too long',
  leave_decided: 'Your leave is approved or rejected',
  leave_step_approved: 'A step of your request is approved',
  delegate_named: 'Someone names you their delegate',
  delegate_removed: 'A delegation to you ends',
  low_leave_balance: 'Your leave balance is low',
  late_arrival: 'Someone in your team arrives late',
  not_arrived: 'Someone in your team has not arrived',
};

const FEED_LABELS = {
  own: 'Your leave and the company holidays',
  team: 'Your team’s approved leave',
};

/** The feed's https address: the server's when it knows its public one. */
export function feedURL(f) {
  return f.url || new URL(f.path, location.origin).href;
}

/** The same address for calendar apps that subscribe to webcal:// links. */
export function webcalURL(f) {
  return feedURL(f).replace(/^https?:\/\//, 'webcal://');
}

async function copyText(input) {
  try {
    await navigator.clipboard.writeText(input.value);
    return true;
  } catch {
    input.focus();
    input.select();
    try { return document.execCommand('copy'); } catch { return false; }
  }
}

export default {
  path: 'settings',
  title: 'Settings',
  nav: 'Settings',
  mount(root, { ctx }) {
    const ac = new AbortController();
    const on = (node, type, fn) => node.addEventListener(type, fn, { signal: ac.signal });
    // The team feed is offered when the server says so (`can`).
    const teamFeed = ctx.me.can.includes('create-team-calendar-feed');
    let feeds = [];

    root.replaceChildren(el('div', { 'data-view': 'settings' },
      pageHead('Settings', 'What comes to you by e-mail, and your calendar feeds.'),
      el('div', { class: 'dashboard' },
        card('email-settings', 'E-mail',
          el('p', { id: 'email-status', class: 'muted small', 'data-testid': 'email-status' }),
          el('form', { id: 'email-form', class: 'form', novalidate: true },
            el('fieldset', { class: 'checks' },
              el('legend', null, 'Also send me an e-mail when'),
              el('div', { id: 'email-kinds', 'data-testid': 'email-kinds' })),
            el('div', { id: 'email-error', class: 'error', role: 'alert', 'data-testid': 'email-error' }),
            el('div', { class: 'form-actions' },
              el('button', { id: 'email-save', type: 'submit', class: 'btn btn-primary', 'data-testid': 'email-save' }, 'Save')))),
        card('feeds', 'Calendar feeds',
          el('p', { class: 'muted small' },
            'Subscribe to a feed in your calendar app to see your leave there. Anyone who has the link can read the feed: ',
            'keep it private, and revoke it if it gets out (a new feed gets a new link).'),
          el('div', { id: 'feeds-list', 'data-testid': 'feeds-list' }),
          el('div', { id: 'feeds-error', class: 'error', role: 'alert', 'data-testid': 'feeds-error' }),
          el('div', { class: 'form-actions', id: 'feeds-actions' },
            el('button', { id: 'feed-create-own', type: 'button', class: 'btn', 'data-testid': 'feed-create-own', 'data-kind': 'own' }, 'Create my leave feed'),
            teamFeed ? el('button', { id: 'feed-create-team', type: 'button', class: 'btn', 'data-testid': 'feed-create-team', 'data-kind': 'team' }, 'Create a team feed') : null)))));

    function renderEmail(s) {
      $('email-status').textContent = !s.email_enabled
        ? 'E-mail is off on this service: your choices are kept for when an admin turns it on.'
        : s.email_address
          ? `E-mail goes to ${s.email_address}. Every notification is also on your dashboard.`
          : 'You have no e-mail address: add one on your account page to get e-mail.';
      fill($('email-kinds'), s.kinds.map((k) => el('label', { class: 'check' },
        el('input', { type: 'checkbox', name: 'email-kind', value: k.kind, checked: k.email, 'data-testid': `email-kind-${k.kind}` }),
        ' ', KIND_LABELS[k.kind] || k.kind)));
    }

    function renderFeeds() {
      fill($('feeds-list'), feeds.length ? feeds.map((f) => {
        const https = el('input', { type: 'text', readonly: true, value: feedURL(f), id: `feed-url-${f.id}`, 'aria-label': `Link of ${FEED_LABELS[f.kind] || f.kind}`, 'data-testid': `feed-url-${f.id}` });
        const webcal = el('input', { type: 'text', readonly: true, value: webcalURL(f), id: `feed-webcal-${f.id}`, 'aria-label': `webcal link of ${FEED_LABELS[f.kind] || f.kind}`, 'data-testid': `feed-webcal-${f.id}` });
        return el('div', { class: 'cal-feed', 'data-testid': `feed-${f.id}`, 'data-kind': f.kind },
          el('h3', null, FEED_LABELS[f.kind] || f.kind),
          el('p', { class: 'muted small' }, `Made ${fmtDateTime(f.created_at)}; `,
            f.last_fetched_at ? `last read by a calendar ${fmtDateTime(f.last_fetched_at)}.` : 'not read by a calendar yet.'),
          el('div', { class: 'field-row' }, https,
            el('button', { type: 'button', class: 'btn btn-small', 'data-copy': https.id, 'data-testid': `feed-copy-${f.id}` }, 'Copy link')),
          el('div', { class: 'field-row' }, webcal,
            el('button', { type: 'button', class: 'btn btn-small', 'data-copy': webcal.id, 'data-testid': `feed-copy-webcal-${f.id}` }, 'Copy webcal link')),
          el('div', { class: 'form-actions' },
            el('button', { type: 'button', class: 'btn btn-quiet btn-small', 'data-revoke': f.id, 'data-testid': `feed-revoke-${f.id}` }, 'Revoke')));
      }) : el('p', { class: 'muted', 'data-testid': 'feeds-none' }, 'You have no calendar feed.'));
      for (const b of $('feeds-actions').querySelectorAll('button[data-kind]')) {
        b.hidden = feeds.some((f) => f.kind === b.dataset.kind);
      }
    }

    async function loadEmail() {
      try {
        const s = await api.get('/api/notifications/settings/');
        if (!ctx.alive()) return;
        renderEmail(s);
        showProblem($('email-error'), null);
      } catch (err) {
        if (ctx.alive()) showProblem($('email-error'), err);
      }
    }

    async function loadFeeds() {
      try {
        const res = await api.get('/api/calendar/feeds/');
        if (!ctx.alive()) return;
        feeds = res.results;
        renderFeeds();
        showProblem($('feeds-error'), null);
      } catch (err) {
        if (ctx.alive()) showProblem($('feeds-error'), err);
      }
    }

    on($('email-form'), 'submit', async (e) => {
      e.preventDefault();
      const button = $('email-save');
      if (button.disabled) return;
      const email = {};
      for (const box of $('email-kinds').querySelectorAll('input[name="email-kind"]')) email[box.value] = box.checked;
      setBusy(button, true);
      try {
        const s = await api.patch('/api/notifications/settings/', { email });
        if (!ctx.alive()) return;
        renderEmail(s);
        showProblem($('email-error'), null);
        announce('Your e-mail choices are saved.', { tone: 'ok' });
      } catch (err) {
        if (ctx.alive()) showProblem($('email-error'), err);
      } finally {
        setBusy(button, false);
      }
    });

    on($('feeds-actions'), 'click', async (e) => {
      const button = e.target.closest('button[data-kind]');
      if (!button || button.disabled) return;
      setBusy(button, true);
      try {
        await api.post('/api/calendar/feeds/', { kind: button.dataset.kind });
        if (!ctx.alive()) return;
        announce('Your calendar feed is ready: copy its link into your calendar app.', { tone: 'ok' });
        await loadFeeds();
      } catch (err) {
        if (ctx.alive()) showProblem($('feeds-error'), err);
      } finally {
        setBusy(button, false);
      }
    });

    on($('feeds-list'), 'click', async (e) => {
      const copy = e.target.closest('button[data-copy]');
      if (copy) {
        const ok = await copyText($(copy.dataset.copy));
        announce(ok ? 'The link is copied.' : 'Copy the selected link by hand.', { tone: ok ? 'ok' : 'info' });
        return;
      }
      const button = e.target.closest('button[data-revoke]');
      if (!button || button.disabled) return;
      if (button.dataset.confirm !== 'yes') {
        // A second press revokes: no dialog, and the question is said.
        button.dataset.confirm = 'yes';
        button.textContent = 'Press again to revoke';
        button.classList.add('btn-danger');
        announce('Press again to revoke the feed: its link stops working at once.');
        return;
      }
      setBusy(button, true);
      try {
        await api.del(`/api/calendar/feeds/${button.dataset.revoke}/`);
        if (!ctx.alive()) return;
        announce('The feed is revoked: its link no longer works.', { tone: 'ok' });
        await loadFeeds();
        $('feeds-title').focus();
      } catch (err) {
        if (!ctx.alive()) return;
        showProblem($('feeds-error'), err);
        setBusy(button, false);
      }
    });

    loadEmail();
    loadFeeds();
    return { stop() { ac.abort(); } };
  },
};
