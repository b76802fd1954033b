// router.js: a small hash router. A location like #/people/12?month=2026-11
// names the view (the pattern "people/:id", with id = "12") and its query.
// Each view is a module of views/ (see views/index.js); the router mounts the
// view that matches, stops the one before, keeps the navigation current and
// moves the focus to the new view's heading.
//
// Only hashes that start with "#/" are routes: "#main" (the skip link) and
// the like are left to the browser. Tokens never go in a route: the hash is
// part of the URL.

/** Splits a location hash into a path ("people/12") and its query. */
export function parseHash(hash) {
  const raw = String(hash || '').replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = (q < 0 ? raw : raw.slice(0, q)).replace(/\/+$/, '');
  let decoded = path;
  try { decoded = decodeURIComponent(path); } catch { /* keep it as it came */ }
  return { path: decoded, query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

/** The hash of a route: href('people/12', {month: '2026-11'}) is "#/people/12?month=2026-11". */
export function href(path, query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return `#/${path}${qs ? `?${qs}` : ''}`;
}

/** Matches a path against a pattern ("people/:id"); returns the params or null. */
export function match(pattern, path) {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = got[i];
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

/**
 * Whether a view is for the signed-in user: a view that `needs` an
 * operation id is shown when the server's `can` (GET /api/users/me/) lists
 * it, so the server says what the user may do; a view without is everyone's.
 */
export function allowed(view, me) {
  if (!view.needs) return true;
  return Boolean(me && Array.isArray(me.can) && me.can.includes(view.needs));
}

/**
 * Router shows one view at a time in outlet.
 * options: { views, outlet, ctx, fallback(root, env) for no match or no
 * access, onRoute(view, env) after each mount }.
 * A view is { path, title, nav?, section?, needs?, mount(root, env) }; mount
 * returns { stop(), update?(env), onNotification?, onAttendance?, onReconnect? }.
 * env is { ctx, params, query, navigate, setQuery, first }.
 */
export class Router {
  constructor({ views, outlet, ctx, fallback, onRoute }) {
    this.views = views;
    this.outlet = outlet;
    this.ctx = ctx;
    this.fallback = fallback;
    this.onRoute = onRoute;
    this.view = null;
    this.instance = null;
    this.key = '';
    this.mounted = 0;
    this.onHashChange = () => this.route();
  }

  start() {
    window.addEventListener('hashchange', this.onHashChange);
    this.route();
  }

  stop() {
    window.removeEventListener('hashchange', this.onHashChange);
    this.unmount();
  }

  /** Goes to a route; with replace, the history entry is replaced. */
  navigate(path, query, { replace = false } = {}) {
    const target = href(path, query);
    if (window.location.hash === target) {
      this.route();
    } else if (replace) {
      window.history.replaceState(window.history.state, '', target);
      this.route();
    } else {
      window.location.hash = target; // hashchange routes
    }
  }

  /** Records the current view's query in the URL without routing again. */
  setQuery(query) {
    const { path } = parseHash(window.location.hash);
    window.history.replaceState(window.history.state, '', href(path, query));
  }

  /** Forwards a live event (onNotification, onAttendance, onReconnect) to the view. */
  dispatch(method, arg) {
    const i = this.instance;
    if (i && typeof i[method] === 'function') i[method](arg);
  }

  unmount() {
    const i = this.instance;
    this.instance = null;
    this.view = null;
    this.key = '';
    if (i && typeof i.stop === 'function') i.stop();
    this.outlet.replaceChildren();
  }

  route() {
    const hash = window.location.hash;
    if (hash && !hash.startsWith('#/')) return; // an in-page anchor, not a route
    const { path, query } = parseHash(hash);
    const role = this.ctx.me; // allowed() reads its role and `can`
    let view = null;
    let params = null;
    for (const v of this.views) {
      params = match(v.path, path);
      if (params) { view = v; break; }
    }
    const env = {
      ctx: this.ctx,
      params: params || {},
      query,
      path,
      navigate: (p, q, o) => this.navigate(p, q, o),
      setQuery: (q) => this.setQuery(q),
      first: this.mounted === 0,
    };
    // The same view with the same params: let it take the new query in place.
    const key = view ? `${view.path}|${JSON.stringify(params)}` : `?${path}`;
    if (view && key === this.key && this.instance && typeof this.instance.update === 'function') {
      this.instance.update(env);
      return;
    }
    this.unmount();
    this.mounted++;
    if (view && allowed(view, role)) {
      this.view = view;
      this.key = key;
      this.instance = view.mount(this.outlet, env) || null;
    } else {
      this.key = key;
      this.instance = this.fallback(this.outlet, { ...env, denied: Boolean(view) }) || null;
    }
    if (this.onRoute) this.onRoute(view && allowed(view, role) ? view : null, env);
  }
}
