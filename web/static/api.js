// api.js: the only module that speaks HTTP to the attendance API.
//
// Tokens live in sessionStorage (or in memory when storage is unavailable),
// never in a URL. A 401 with a refresh token at hand triggers one
// POST /api/users/token/refresh/ and one retry; otherwise the session ends
// and every onSignedOut listener runs (the app then shows the login form).

const TOKEN_KEY = 'attendance.token';
const REFRESH_KEY = 'attendance.refresh';

const storage = (() => {
  try {
    const s = window.sessionStorage;
    s.setItem('attendance.probe', '1');
    s.removeItem('attendance.probe');
    return s;
  } catch {
    return null;
  }
})();
const memory = new Map();

function getItem(key) {
  return storage ? storage.getItem(key) : (memory.has(key) ? memory.get(key) : null);
}

function setItem(key, value) {
  if (value == null || value === '') {
    if (storage) storage.removeItem(key); else memory.delete(key);
  } else if (storage) {
    storage.setItem(key, value);
  } else {
    memory.set(key, value);
  }
}

/** The current session's tokens. */
export const session = {
  get token() { return getItem(TOKEN_KEY); },
  get refresh() { return getItem(REFRESH_KEY); },
  set(token, refresh) {
    setItem(TOKEN_KEY, token);
    if (refresh !== undefined) setItem(REFRESH_KEY, refresh);
  },
  clear() {
    setItem(TOKEN_KEY, null);
    setItem(REFRESH_KEY, null);
  },
};

const signedOutListeners = new Set();

/** Registers fn(reason) to run when the session ends without the user asking. */
export function onSignedOut(fn) {
  signedOutListeners.add(fn);
}

function endSession(reason) {
  const had = Boolean(session.token || session.refresh);
  session.clear();
  if (!had) return;
  for (const fn of signedOutListeners) {
    try { fn(reason); } catch (err) { console.error(err); }
  }
}

const NETWORK_MESSAGE = 'Cannot reach the server. Check your connection and try again.';

const STATUS_SENTENCES = {
  0: NETWORK_MESSAGE,
  400: 'The server could not read the request.',
  401: 'Please sign in again.',
  403: 'You are not allowed to do this.',
  404: 'This was not found. It may have been removed.',
  405: 'This action is not available.',
  409: 'This cannot be done in the current state.',
  413: 'The request is too large.',
  415: 'The server did not accept the request format.',
  422: 'Some values are not valid.',
  429: 'Too many attempts. Please wait a moment and try again.',
};

function sentenceFor(status) {
  if (STATUS_SENTENCES[status]) return STATUS_SENTENCES[status];
  if (status >= 500) return 'The server had a problem. Please try again in a moment.';
  return `The server answered with status ${status}.`;
}

/**
 * ApiError carries an RFC 9457 problem: status, detail, code, field errors,
 * and the neighbouring event of a sequence conflict.
 */
export class ApiError extends Error {
  constructor(status, problem, fallback) {
    const p = problem && typeof problem === 'object' ? problem : {};
    let detail = typeof p.detail === 'string' ? p.detail.trim() : '';
    if (!detail && typeof p.title === 'string') detail = p.title.trim();
    if (!detail) detail = fallback || sentenceFor(status);
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.code = typeof p.code === 'string' ? p.code : '';
    this.errors = Array.isArray(p.errors)
      ? p.errors
        .filter((e) => e && typeof e === 'object' && e.message != null)
        .map((e) => ({ location: String(e.location ?? ''), message: String(e.message) }))
      : [];
    // The event a sequence conflict collides with ({id, type, timestamp}).
    this.event = p.event && typeof p.event === 'object' && typeof p.event.timestamp === 'string' ? p.event : null;
    this.retryAfter = 0;
  }
}

async function problemFrom(res) {
  let body = null;
  try {
    const text = await res.text();
    if (text) body = JSON.parse(text);
  } catch {
    body = null;
  }
  const err = new ApiError(res.status, body);
  const retry = Number.parseInt(res.headers.get('Retry-After') || '', 10);
  if (Number.isFinite(retry) && retry > 0) err.retryAfter = retry;
  return err;
}

/** Builds path?query, skipping empty values; an array repeats its key. */
export function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    for (const one of Array.isArray(v) ? v : [v]) {
      if (one === undefined || one === null || one === '') continue;
      params.append(k, String(one));
    }
  }
  const qs = params.toString();
  if (!qs) return path;
  return path + (path.includes('?') ? '&' : '?') + qs;
}

function send(method, url, opts, token) {
  const headers = { Accept: opts.accept || 'application/json', ...(opts.headers || {}) };
  let body;
  if (opts.rawBody !== undefined) {
    headers['Content-Type'] = opts.contentType;
    body = opts.rawBody;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetch(url, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
}

let refreshing = null;

/**
 * Exchanges the refresh token for new tokens, once for any number of callers
 * at the same moment. Resolves to 'ok', 'denied' (the session is over) or
 * 'network' (could not ask; the session may still be good).
 */
export function refreshTokens() {
  if (refreshing) return refreshing;
  refreshing = (async () => {
    const refresh = session.refresh;
    if (!refresh) return 'denied';
    let res;
    try {
      res = await fetch('/api/users/token/refresh/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ refresh }),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch {
      return 'network';
    }
    if (res.status >= 500 || res.status === 429) return 'network';
    if (!res.ok) return 'denied';
    let data = null;
    try { data = await res.json(); } catch { data = null; }
    if (!data || typeof data.token !== 'string' || !data.token) return 'denied';
    session.set(data.token, typeof data.refresh === 'string' && data.refresh ? data.refresh : refresh);
    return 'ok';
  })().finally(() => { refreshing = null; });
  return refreshing;
}

/**
 * Calls the API. Resolves to the parsed JSON body (null for 204), or the raw
 * Response with opts.raw. Rejects with an ApiError.
 * opts: { query, body (JSON), rawBody and contentType (a file), headers, accept, raw }
 */
export async function request(method, path, opts = {}) {
  const url = withQuery(path, opts.query);
  let token = session.token;
  let res;
  try {
    res = await send(method, url, opts, token);
  } catch {
    throw new ApiError(0, null, NETWORK_MESSAGE);
  }
  if (res.status === 401 && token) {
    // Another call may have refreshed the tokens while this one was in flight.
    let outcome = session.token && session.token !== token ? 'ok' : 'denied';
    if (outcome !== 'ok' && session.refresh) outcome = await refreshTokens();
    if (outcome === 'network') throw new ApiError(0, null, NETWORK_MESSAGE);
    if (outcome === 'ok') {
      token = session.token;
      try {
        res = await send(method, url, opts, token);
      } catch {
        throw new ApiError(0, null, NETWORK_MESSAGE);
      }
    }
    if (res.status === 401) {
      const err = await problemFrom(res);
      endSession('expired');
      throw err;
    }
  }
  if (!res.ok) throw await problemFrom(res);
  if (opts.raw) return res;
  if (res.status === 204) return null;
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(res.status, null, 'The server sent an answer that could not be read.');
  }
}

export const get = (path, query, opts = {}) => request('GET', path, { ...opts, query });
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body });
export const patch = (path, body, opts = {}) => request('PATCH', path, { ...opts, body });
/** DELETE, with an optional JSON body (a void's note). */
export const del = (path, body, opts = {}) => request('DELETE', path, { ...opts, body });

/**
 * Reads every page of a list endpoint ({count, next, previous, results}),
 * following `next` on the same origin. Resolves to { results, count, first }.
 */
export async function listAll(path, query = {}, { maxPages = 50 } = {}) {
  const first = await get(path, { limit: 500, ...query });
  if (Array.isArray(first)) return { results: first, count: first.length, first: { results: first } };
  const page0 = first && typeof first === 'object' ? first : {};
  const results = Array.isArray(page0.results) ? page0.results.slice() : [];
  let next = typeof page0.next === 'string' ? page0.next : null;
  for (let n = 1; next && n < maxPages; n++) {
    let nextPath;
    try {
      const u = new URL(next, window.location.href);
      nextPath = u.pathname + u.search;
    } catch {
      break;
    }
    const page = await get(nextPath);
    if (!page || !Array.isArray(page.results) || page.results.length === 0) break;
    results.push(...page.results);
    next = typeof page.next === 'string' ? page.next : null;
  }
  const count = typeof page0.count === 'number' ? page0.count : results.length;
  return { results, count, first: page0 };
}

/** Returns a fresh Idempotency-Key (a random UUID). */
export function newIdempotencyKey() {
  const c = window.crypto;
  if (c && typeof c.randomUUID === 'function') {
    try { return c.randomUUID(); } catch { /* insecure context: fall through */ }
  }
  const b = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') {
    c.getRandomValues(b);
  } else {
    for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  }
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Signs in; stores the tokens and resolves to the login body (with `user`). */
export async function login(username, password) {
  let res;
  try {
    res = await send('POST', '/api/users/login/', { body: { username, password } }, null);
  } catch {
    throw new ApiError(0, null, NETWORK_MESSAGE);
  }
  if (!res.ok) throw await problemFrom(res);
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (!data || typeof data.token !== 'string') {
    throw new ApiError(res.status, null, 'The server sent an answer that could not be read.');
  }
  session.set(data.token, typeof data.refresh === 'string' ? data.refresh : null);
  return data;
}

/** Signs out on the server (best effort) and forgets the tokens. */
export async function logout() {
  const token = session.token;
  session.clear();
  if (!token) return;
  try {
    await send('POST', '/api/users/logout/', {}, token);
  } catch {
    // The tokens are gone from this browser either way.
  }
}

/**
 * Fetches path with the Authorization header and saves the answer as a file
 * through a Blob and an object URL, so the token never appears in a URL.
 */
export async function download(path, query, fallbackName, accept = 'text/csv') {
  const res = await request('GET', path, { query, accept, raw: true });
  const blob = await res.blob();
  let name = fallbackName;
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
  if (m) {
    try { name = decodeURIComponent(m[1]); } catch { name = m[1]; }
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}
