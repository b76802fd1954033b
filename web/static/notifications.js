// notifications.js: the notification feed (#notifications, newest first),
// the unread counter (#unread-count) and "Mark all read". The first page
// comes from GET /api/notifications/; later ones arrive on the WebSocket.
// Notifications are kept by id, so a replay never shows one twice.

import * as api from './api.js';
import {
  $, announce, debounce, el, fill, fmtDateTime, personHref, setBusy, setUnreadTitle, showProblem,
} from './ui.js';

const KIND_LABELS = {
  late_arrival: 'Late arrival',
  not_arrived: 'Not arrived',
  leave_requested: 'Leave request',
  leave_decided: 'Leave decision',
  low_leave_balance: 'Low leave balance',
};

const KIND_TONES = {
  late_arrival: 'warn',
  not_arrived: 'danger',
  leave_requested: 'info',
  leave_decided: 'ok',
  low_leave_balance: 'warn',
};

const MAX_SHOWN = 100;

const MANAGER_ROLES = new Set(['manager', 'admin']);

/** Creates the notifications view; ctx: { me, alive() }. */
export function createNotificationsView(ctx) {
  // A manager's notification about someone else links to their record.
  const about = (n) => MANAGER_ROLES.has(ctx.me.role) && n.employee_id != null && Number(n.employee_id) !== Number(ctx.me.id);

  const ac = new AbortController();
  const items = new Map();
  let unread = 0;
  let pendingAnnouncements = [];

  function setUnread(n) {
    unread = Math.max(0, n);
    $('unread-count').textContent = String(unread);
    $('unread-count').dataset.count = String(unread);
    $('unread-badge').classList.toggle('zero', unread === 0);
    $('mark-all-read').disabled = unread === 0;
    setUnreadTitle(unread);
  }

  function render() {
    const list = [...items.values()].sort((a, b) => b.id - a.id).slice(0, MAX_SHOWN);
    $('notifications-empty').hidden = list.length > 0;
    fill($('notifications'), list.map((n) => {
      const isUnread = !n.read_at;
      const kind = KIND_LABELS[n.kind] || String(n.kind || 'Notice');
      return el('li', {
        class: `feed-item${isUnread ? ' unread' : ''}`,
        'data-testid': `notification-${n.id}`,
        'data-id': n.id,
        'data-kind': n.kind,
      },
      el('span', { class: `dot dot-${KIND_TONES[n.kind] || 'info'}`, 'aria-hidden': 'true' }),
      el('div', { class: 'feed-body' },
        el('p', { class: 'feed-message' }, n.message || kind),
        el('p', { class: 'feed-meta' },
          el('span', { class: 'feed-kind' }, kind),
          ' · ',
          el('time', { datetime: n.created_at || '' }, fmtDateTime(n.created_at)),
          isUnread ? el('span', { class: 'visually-hidden' }, ' · unread') : null,
          about(n) ? [' · ', el('a', {
            href: personHref(n.employee_id), 'data-testid': `notification-open-${n.id}`,
            'aria-label': `Open the record of the person this is about: ${n.message || kind}`,
          }, 'Open record')] : null)),
      isUnread
        ? el('button', {
          type: 'button',
          class: 'btn btn-quiet btn-small',
          'aria-label': `Mark as read: ${n.message || kind}`,
          onclick: (e) => markRead(n, e.currentTarget),
        }, 'Mark read')
        : null);
    }));
  }

  const flushAnnouncements = debounce(() => {
    const list = pendingAnnouncements;
    pendingAnnouncements = [];
    if (!list.length || !ctx.alive()) return;
    $('notifications-live').textContent = list.length === 1
      ? `New notification: ${list[0].message || KIND_LABELS[list[0].kind] || ''}`
      : `${list.length} new notifications.`;
  }, 600);

  /** Adds a notification from the live connection; returns false for a repeat. */
  function add(n) {
    if (!n || items.has(n.id)) return false;
    items.set(n.id, n);
    if (!n.read_at) {
      setUnread(unread + 1);
      pendingAnnouncements.push(n);
      flushAnnouncements();
    }
    render();
    return true;
  }

  async function markRead(n, button) {
    setBusy(button, true);
    try {
      await api.post(`/api/notifications/${encodeURIComponent(n.id)}/read/`);
      if (!ctx.alive()) return;
      if (!n.read_at) {
        n.read_at = new Date().toISOString();
        setUnread(unread - 1);
      }
      render();
      $('notifications-title').focus();
    } catch (err) {
      if (!ctx.alive()) return;
      setBusy(button, false);
      showProblem($('notifications-error'), err);
    }
  }

  async function markAll() {
    const button = $('mark-all-read');
    setBusy(button, true);
    try {
      await api.post('/api/notifications/read-all/');
      if (!ctx.alive()) return;
      const now = new Date().toISOString();
      for (const n of items.values()) if (!n.read_at) n.read_at = now;
      setUnread(0);
      render();
      showProblem($('notifications-error'), null);
      announce('All notifications are marked as read.');
    } catch (err) {
      if (!ctx.alive()) return;
      showProblem($('notifications-error'), err);
    } finally {
      setBusy(button, false);
      button.disabled = unread === 0;
    }
  }

  /** Loads the newest notifications; resolves to the highest id seen (0 for none). */
  async function start() {
    $('mark-all-read').addEventListener('click', markAll, { signal: ac.signal });
    setUnread(0);
    render();
    let maxId = 0;
    try {
      const [page, unreadPage] = await Promise.all([
        api.get('/api/notifications/', { limit: 50 }),
        api.get('/api/notifications/', { unread: 'true', limit: 1 }),
      ]);
      if (!ctx.alive()) return 0;
      const list = Array.isArray(page) ? page : (page && page.results) || [];
      for (const n of list) {
        if (n && n.id != null) {
          items.set(n.id, n);
          maxId = Math.max(maxId, Number(n.id) || 0);
        }
      }
      let count = unreadPage && typeof unreadPage.count === 'number' ? unreadPage.count : null;
      if (count == null) count = list.filter((n) => !n.read_at).length;
      setUnread(count);
      showProblem($('notifications-error'), null);
    } catch (err) {
      if (!ctx.alive()) return 0;
      showProblem($('notifications-error'), err);
    }
    render();
    return maxId;
  }

  function stop() {
    ac.abort();
    flushAnnouncements.cancel();
    items.clear();
    setUnread(0);
    $('notifications').replaceChildren();
    $('notifications-live').textContent = '';
    $('notifications-empty').hidden = false;
    showProblem($('notifications-error'), null);
    setUnreadTitle(0);
  }

  return { start, stop, add };
}
