// ws.js: the live connection to /ws/notifications/.
//
// The first message is {"type":"auth","token":…,"after_id":<last id seen>}; the
// server answers {"type":"ready"}, replays stored notifications after that
// id, then streams live ones and (for managers) attendance events. On a drop
// it reconnects after 1 s, 2 s, 4 s… up to 15 s, passing the last notification
// id seen, so nothing is missed; ids already seen are dropped, so nothing is
// shown twice. Close code 4401 means the token is bad: refresh once, or give up.

const READY_TIMEOUT_MS = 15_000;
const MAX_DELAY_MS = 15_000;

/** The WebSocket URL on the page's own host. */
export function liveURL() {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}/ws/notifications/`;
}

/**
 * LiveConnection keeps one WebSocket open while started.
 * handlers: getToken() → string, refresh() → Promise<'ok'|'denied'|'network'>,
 * onStatus(state, info), onReady({reconnected}), onNotification(n),
 * onAttendance(event), onAuthFailed().
 * States: 'connecting', 'live', 'reconnecting', 'offline', 'stopped'.
 */
export class LiveConnection {
  constructor(handlers) {
    this.h = handlers;
    this.ws = null;
    this.lastId = 0;
    this.seen = new Set();
    this.attempt = 0;
    this.wasLive = false;
    this.dropped = false;
    this.authRetried = false;
    this.stopped = true;
    this.retryTimer = 0;
    this.readyTimer = 0;
    this.retryAt = 0;
    this.onOnline = () => { if (!this.ws && !this.stopped) this.connect(); };
    this.onOffline = () => {
      if (this.stopped) return;
      this.status('offline', {});
      if (this.ws) {
        try { this.ws.close(4000, 'offline'); } catch { /* already closing */ }
      }
    };
  }

  /** Opens the connection; afterId is the last notification id already shown. */
  start(afterId = 0) {
    this.stopped = false;
    this.noteSeen(afterId);
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.connect();
  }

  /** Closes the connection for good (sign-out). */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.readyTimer);
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(1000, 'signed out'); } catch { /* ignore */ }
    }
    this.status('stopped', {});
  }

  /** Records that notification id was shown by other means (the REST list). */
  noteSeen(id) {
    const n = Number(id) || 0;
    if (n > 0) this.seen.add(n);
    if (n > this.lastId) this.lastId = n;
  }

  /** Reconnects at once, skipping the remaining back-off. */
  retryNow() {
    if (this.stopped || this.ws) return;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  status(state, info) {
    if (this.h.onStatus) this.h.onStatus(state, info);
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    const token = this.h.getToken();
    if (!token) {
      this.h.onAuthFailed();
      return;
    }
    this.status(this.wasLive || this.attempt > 0 ? 'reconnecting' : 'connecting', { dropped: this.dropped });
    let ws;
    try {
      ws = new WebSocket(liveURL());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    let ready = false;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'auth', token, after_id: this.lastId }));
    };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (!msg || typeof msg !== 'object') return;
      if (msg.type === 'ready') {
        ready = true;
        clearTimeout(this.readyTimer);
        // The server starts below the id asked for when this page is ahead of
        // it (its database was restored from a backup): the ids to come may
        // be ones seen before, and the next reconnect must not ask for too
        // much again.
        const from = Number(msg.after_id);
        if (Number.isInteger(from) && from >= 0 && from < this.lastId) {
          this.lastId = from;
          this.seen.clear();
        }
        const reconnected = this.wasLive || this.dropped;
        this.attempt = 0;
        this.wasLive = true;
        this.dropped = false;
        this.authRetried = false;
        this.status('live', { reconnected });
        if (this.h.onReady) this.h.onReady({ reconnected });
      } else if (msg.type === 'notification') {
        this.handleNotification(msg.notification);
      } else if (msg.type === 'attendance' && msg.event && typeof msg.event === 'object') {
        if (this.h.onAttendance) this.h.onAttendance(msg.event);
      }
    };
    ws.onerror = () => { /* a close event always follows */ };
    ws.onclose = (ev) => {
      if (ws !== this.ws) return;
      this.ws = null;
      clearTimeout(this.readyTimer);
      if (this.stopped) return;
      if (ev.code === 4401) {
        this.handleAuthClose();
        return;
      }
      if (ready) this.dropped = true;
      this.scheduleRetry();
    };
    clearTimeout(this.readyTimer);
    this.readyTimer = setTimeout(() => {
      if (!ready && ws === this.ws) {
        try { ws.close(4000, 'no ready'); } catch { /* ignore */ }
      }
    }, READY_TIMEOUT_MS);
  }

  handleNotification(n) {
    if (!n || typeof n !== 'object') return;
    const id = Number(n.id);
    if (!Number.isFinite(id) || id <= 0) return;
    if (id > this.lastId) this.lastId = id;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    if (this.h.onNotification) this.h.onNotification(n);
  }

  async handleAuthClose() {
    if (this.authRetried) {
      this.h.onAuthFailed();
      return;
    }
    this.authRetried = true;
    this.status('reconnecting', { dropped: this.dropped, auth: true });
    const outcome = await this.h.refresh();
    if (this.stopped) return;
    if (outcome === 'ok') this.connect();
    else if (outcome === 'network') this.scheduleRetry();
    else this.h.onAuthFailed();
  }

  scheduleRetry() {
    if (this.stopped) return;
    const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 10);
    this.retryAt = Date.now() + delay;
    const offline = navigator.onLine === false;
    this.status(offline ? 'offline' : 'reconnecting', { delay, dropped: this.dropped, at: this.retryAt });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }
}
