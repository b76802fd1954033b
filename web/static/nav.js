// nav.js: the main navigation, built from the views registry for the
// signed-in role. On a phone it folds into a "Menu" button that opens the
// list (a disclosure: aria-expanded, Escape closes it, focus returns).

import { allowed, href } from './router.js';
import { $, el, fill } from './ui.js';

/** Builds the navigation for the user (me, with `can`); returns { mark(view), stop() }. */
export function createNav(views, role) {
  const nav = $('app-nav');
  const list = $('nav-list');
  const toggle = $('nav-toggle');
  const ac = new AbortController();
  const on = (node, type, fn) => node.addEventListener(type, fn, { signal: ac.signal });

  const items = views.filter((v) => v.nav && allowed(v, role));
  fill(list, items.map((v) => el('li', null,
    el('a', { href: href(v.path), 'data-nav': v.section || v.path, 'data-testid': `nav-${v.section || v.path || 'home'}` }, v.nav))));

  function setOpen(open) {
    nav.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', String(open));
  }
  setOpen(false);
  on(toggle, 'click', () => setOpen(toggle.getAttribute('aria-expanded') !== 'true'));
  on(list, 'click', (e) => { if (e.target.closest('a')) setOpen(false); });
  on(nav, 'keydown', (e) => {
    if (e.key === 'Escape' && toggle.getAttribute('aria-expanded') === 'true') {
      setOpen(false);
      toggle.focus();
    }
  });

  /** Marks the link of the view shown (or none). */
  function mark(view) {
    const section = view ? (view.section ?? view.path) : null;
    let label = '';
    for (const a of list.querySelectorAll('a')) {
      const current = section !== null && a.dataset.nav === section;
      if (current) {
        a.setAttribute('aria-current', 'page');
        label = a.textContent;
      } else {
        a.removeAttribute('aria-current');
      }
    }
    $('nav-current').textContent = label ? `: ${label}` : '';
  }

  function stop() {
    ac.abort();
    setOpen(false);
    list.replaceChildren();
    $('nav-current').textContent = '';
  }

  return { mark, stop };
}
