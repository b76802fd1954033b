// app.js: the entry point. Decides between the login form and the app,
// starts the views for the signed-in user (employee, notifications and, with
// manager access, the board, pending leave and the overview) and the live
// connection, and stops them all on sign-out or when the session ends.

import * as api from './api.js';
import { isDate } from './dates.js';
import { createDirectory } from './directory.js';
import { createEmployeeView } from './employee.js';
import { createBoardView } from './board.js';
import { createOverviewView } from './overview.js';
import { createPendingView } from './pending.js';
import { createNav } from './nav.js';
import { createNotificationsView } from './notifications.js';
import { Router } from './router.js';
import { $, announce, el, personName, setBusy, setViewTitle, showProblem } from './ui.js';
import { views as allViews } from './views/index.js';
import { LiveConnection } from './ws.js';

const MANAGER_ROLES = new Set(['manager', 'admin']);
const ROLE_LABELS = { employee: 'Employee', manager: 'Manager', admin: 'Admin' };
const VIEWS = ['boot-view', 'login-view', 'app-view'];
const SESSION_ENDED = 'Your session has ended. Please sign in again.';

let current = null;
let epoch = 0;
let bannerTimer = 0;

function show(view) {
  for (const id of VIEWS) $(id).hidden = id !== view;
  const inApp = view === 'app-view';
  $('session-bar').hidden = !inApp;
  $('app-nav').hidden = !inApp;
}

async function loadHolidays() {
  const { results } = await api.listAll('/api/holidays/');
  const set = new Set();
  const names = new Map();
  for (const h of results) {
    if (h && isDate(h.date)) {
      set.add(h.date);
      names.set(h.date, h.name || 'Holiday');
    }
  }
  return { set, names };
}

// ---- Live connection status -----------------------------------------------------

const STATUS_LABELS = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  stopped: '',
};

function hideBanner() {
  clearTimeout(bannerTimer);
  const banner = $('connection-banner');
  banner.hidden = true;
  banner.dataset.tone = '';
  $('connection-message').textContent = '';
  $('connection-retry-in').textContent = '';
}

function renderConnection(state, info = {}) {
  const node = $('connection-status');
  node.dataset.state = state;
  node.textContent = STATUS_LABELS[state] ?? '';
  node.title = state === 'live' ? 'Live updates are on.' : '';
  const banner = $('connection-banner');
  const message = $('connection-message');
  const retryIn = $('connection-retry-in');
  if (state === 'stopped' || state === 'connecting') {
    if (state === 'stopped') hideBanner();
    return;
  }
  clearTimeout(bannerTimer);
  if (state === 'live') {
    if (!banner.hidden || info.reconnected) {
      banner.hidden = false;
      banner.dataset.tone = 'ok';
      message.textContent = 'Live updates are back. The page is up to date again.';
      retryIn.textContent = '';
      $('connection-retry').hidden = true;
      bannerTimer = setTimeout(hideBanner, 6000);
    }
    return;
  }
  // Reconnecting or offline: say it once in words; the countdown is extra.
  let text;
  if (state === 'offline') {
    text = 'You are offline. Live updates are paused and will resume when the network is back.';
  } else if (info.auth) {
    text = 'Renewing your session for live updates…';
  } else if (info.dropped) {
    text = 'The live connection dropped. Live updates are paused; reconnecting…';
  } else {
    text = 'Live updates are not connected yet. Retrying…';
  }
  banner.hidden = false;
  banner.dataset.tone = 'warn';
  if (message.textContent !== text) message.textContent = text;
  $('connection-retry').hidden = false;
  retryIn.textContent = info.delay ? `Next try in ${Math.round(info.delay / 1000)} s.` : '';
}

// ---- Session --------------------------------------------------------------------------

function stopApp() {
  if (!current) return;
  epoch++;
  const c = current;
  current = null;
  c.live.stop();
  c.router.stop();
  c.nav.stop();
  for (const v of c.views) v.stop();
  setViewTitle('');
  renderConnection('stopped');
  $('whoami').textContent = '';
  $('whoami').title = '';
  delete document.body.dataset.role;
}

function showLogin(message = '') {
  stopApp();
  show('login-view');
  $('login-notice').textContent = message;
  $('login-password').value = '';
  showProblem($('login-error'), null);
  setTimeout(() => $('login-username').focus(), 0);
}

function greeting(me) {
  const h = new Date().getHours();
  const part = h < 5 ? 'Good evening' : h < 12 ? 'Good morning' : h < 18 ? 'Good afternoon' : 'Good evening';
  return `${part}, ${me.first_name || personName(me)}`;
}

function startApp(me) {
  stopApp();
  // What the user may do is the server's `can` (GET /api/users/me/).
  if (!Array.isArray(me.can)) me.can = [];
  const mine = ++epoch;
  const alive = () => mine === epoch;
  let holidays = null;
  let company = null;
  const ctx = {
    me,
    alive,
    // Views tell each other about changes here (e.g. 'own-leave-changed').
    events: new EventTarget(),
    holidays: () => {
      if (!holidays) holidays = loadHolidays().catch((err) => { holidays = null; throw err; });
      return holidays;
    },
    // The list changed (views/holidays.js): read it again when next asked.
    invalidateHolidays: () => { holidays = null; },
    // People by id, for names ("recorded by …"), read once a session.
    directory: createDirectory(),
    // The company's settings (GET /api/company/): its time zone and today,
    // a new employee's defaults, the password rule. Read again after a
    // minute, so that `today` follows the company's midnight.
    company: () => {
      if (!company || Date.now() - company.at > 60000) {
        const at = Date.now();
        const p = api.get('/api/company/').catch((err) => { company = null; throw err; });
        company = { at, p };
      }
      return company.p;
    },
  };
  const isManager = MANAGER_ROLES.has(me.role);
  document.body.dataset.role = me.role || 'employee';
  for (const node of document.querySelectorAll('.manager-only')) node.hidden = !isManager;
  const renderMe = () => {
    const name = personName(me);
    const who = $('whoami');
    who.textContent = `${name}${me.username && name !== me.username ? ` (${me.username})` : ''} · ${ROLE_LABELS[me.role] || me.role}`;
    who.title = who.textContent; // shortened with an ellipsis on a phone
    who.dataset.username = me.username || '';
    who.dataset.role = me.role || '';
    $('greeting').textContent = greeting(me);
  };
  renderMe();
  ctx.events.addEventListener('me-changed', renderMe);
  ctx.navigate = (path, query, opts) => router.navigate(path, query, opts);
  $('greeting-sub').textContent = isManager
    ? 'Your day, your team today, leave to decide and the overview.'
    : 'Your day, your leave and your recent clock events.';
  show('app-view');

  const employee = createEmployeeView(ctx);
  const notes = createNotificationsView(ctx);
  // The views that live events and reconnects feed, in the order they get them.
  const views = [employee];
  if (isManager) views.push(createBoardView(ctx), createPendingView(ctx), createOverviewView(ctx));
  const each = (method, arg) => {
    for (const v of views) if (v[method]) v[method](arg);
  };
  const live = new LiveConnection({
    getToken: () => api.session.token,
    refresh: () => api.refreshTokens(),
    onStatus: (state, info) => { if (alive()) renderConnection(state, info); },
    onReady: ({ reconnected }) => {
      if (!alive() || !reconnected) return;
      // Attendance events are not replayed, so reload what they feed.
      each('onReconnect');
      router.dispatch('onReconnect');
    },
    onNotification: (n) => {
      if (!alive() || !notes.add(n)) return;
      each('onNotification', n);
      router.dispatch('onNotification', n);
    },
    onAttendance: (ev) => {
      if (!alive()) return;
      each('onAttendance', ev);
      router.dispatch('onAttendance', ev);
    },
    onAuthFailed: () => { if (alive()) showLogin(SESSION_ENDED); },
  });
  const nav = createNav(allViews, me);
  const router = new Router({
    views: allViews,
    outlet: $('view-outlet'),
    ctx,
    fallback: notFound,
    onRoute: (view, env) => {
      nav.mark(view);
      setViewTitle(view ? view.title : 'Not found');
      // Move the focus to the new view's heading, so that keyboard and
      // screen-reader users start there (a view may name another target).
      const inst = router.instance;
      const target = (inst && typeof inst.focus === 'function' && inst.focus()) || $('view-outlet').querySelector('h1');
      if (target) {
        if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
        target.focus({ preventScroll: env.first });
        if (!env.first) window.scrollTo(0, 0);
      }
    },
  });
  current = { me, views: [...views, notes], live, router, nav };
  renderConnection('connecting');
  for (const v of views) v.start();
  notes.start().then((maxId) => { if (alive()) live.start(maxId); });
  router.start();
}

/** The view for a path that names none, or one the role may not open. */
function notFound(root, env) {
  root.replaceChildren(el('div', { class: 'page-head', 'data-view': 'not-found' },
    el('h1', { tabindex: '-1' }, env.denied ? 'Not available' : 'Page not found'),
    el('p', { class: 'muted' }, env.denied
      ? 'This page is for managers and admins. '
      : 'There is no page at this address. ',
    el('a', { href: '#/' }, 'Go to the home page'), '.')));
  return { stop() {} };
}

async function onLogin(ev) {
  ev.preventDefault();
  const submit = $('login-submit');
  if (submit.disabled) return;
  const username = $('login-username').value.trim();
  const password = $('login-password').value;
  $('login-notice').textContent = '';
  if (!username || !password) {
    showProblem($('login-error'), { detail: 'Enter your username and your password.' });
    (username ? $('login-password') : $('login-username')).focus();
    return;
  }
  setBusy(submit, true);
  showProblem($('login-error'), null);
  try {
    const data = await api.login(username, password);
    let me = data.user;
    // GET /api/users/me/ says what the user may do (`can`); the login's user does not.
    if (!me || typeof me !== 'object' || me.id == null || !Array.isArray(me.can)) me = await api.get('/api/users/me/');
    $('login-password').value = '';
    startApp(me);
  } catch (err) {
    showProblem($('login-error'), err);
    $('login-password').select();
    $('login-password').focus();
  } finally {
    setBusy(submit, false);
  }
}

async function onLogout() {
  const button = $('logout');
  setBusy(button, true);
  stopApp(); // close the socket first: the server closes it with 4401 on logout
  await api.logout();
  setBusy(button, false);
  showLogin('You are signed out.');
}

async function boot() {
  $('login-form').addEventListener('submit', onLogin);
  $('logout').addEventListener('click', onLogout);
  $('connection-retry').addEventListener('click', () => { if (current) current.live.retryNow(); });
  // The skip link focuses the main region without leaving the route in the hash.
  document.querySelector('.skip-link').addEventListener('click', (e) => {
    e.preventDefault();
    $('main').focus();
  });
  api.onSignedOut(() => showLogin(SESSION_ENDED));

  if (!api.session.token && api.session.refresh) await api.refreshTokens();
  if (!api.session.token) {
    showLogin();
    return;
  }
  try {
    const me = await api.get('/api/users/me/');
    startApp(me);
  } catch (err) {
    if (err.status === 401 || !api.session.token) {
      showLogin(SESSION_ENDED);
    } else {
      showLogin();
      showProblem($('login-error'), err);
    }
  }
}

window.addEventListener('error', (e) => {
  // Never show a stack; say something plain and keep the details in the console.
  // Errors of resources (a failed <img>) and the browser's benign ResizeObserver
  // notice are not failures of the page.
  if (!e.error && /ResizeObserver/.test(String(e.message || ''))) return;
  if (e.target && e.target !== window) return;
  console.error(e.error || e.message);
  announce('Something went wrong on this page. Reloading it may help.', { tone: 'error' });
});
window.addEventListener('unhandledrejection', (e) => {
  console.error(e.reason);
});

boot();
