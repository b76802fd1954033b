// directory.js: people by id, read once a session (for names such as "who
// recorded this"), and the person picker: a text field that suggests people
// in the caller's scope as one types, and yields the chosen one's id.

import * as api from './api.js';
import { field } from './form.js';
import { el, fill, personName } from './ui.js';

/** A session's cache of employees by id. */
export function createDirectory() {
  const cache = new Map(); // id → Promise<Employee|null>
  const dir = {
    /** The employee, or null when they are not in the caller's scope. */
    get(id) {
      const n = Number(id);
      if (!Number.isInteger(n) || n <= 0) return Promise.resolve(null);
      if (!cache.has(n)) {
        cache.set(n, api.get(`/api/employees/${n}/`).catch((err) => {
          if (err.status === 404 || err.status === 403) return null;
          cache.delete(n); // a network error: ask again next time
          throw err;
        }));
      }
      return cache.get(n);
    },
    /** Keeps an employee read elsewhere (a list page). */
    remember(e) {
      if (e && e.id != null) cache.set(Number(e.id), Promise.resolve(e));
    },
    /** Forgets one employee (after a change), or everyone. */
    forget(id) {
      if (id == null) cache.clear();
      else cache.delete(Number(id));
    },
    /** A person's name, or "user #5" when they are outside the caller's scope. */
    async name(id) {
      let e = null;
      try { e = await dir.get(id); } catch { e = null; }
      return e ? personName(e) : `user #${id}`;
    },
  };
  return dir;
}

/** How a person reads in the picker: "Ann Lee (ann) #12". */
export function pickerLabel(e) {
  return `${personName(e)} (${e.username}) #${e.id}`;
}

/**
 * A field to choose a person in scope: { wrap, input, value(), set(e) }.
 * value() is the chosen id, null when the field is empty, NaN when the text
 * names nobody from the suggestions. opts: id, label, hint, optional, person
 * (the Employee shown first), query (more filters for the suggestions).
 */
export function personPicker({ id, label, hint, optional, person, query = {} }) {
  const f = field({
    id, label, hint, optional,
    attrs: { list: `${id}-options`, autocomplete: 'off', spellcheck: 'false', placeholder: 'Type a name' },
  });
  const list = el('datalist', { id: `${id}-options` });
  f.wrap.append(list);
  if (person) f.input.value = pickerLabel(person);
  let timer = 0;
  let asked = '';
  async function suggest() {
    const q = f.input.value.replace(/\s*#\d+\s*$/, '').replace(/\s*\([^)]*\)\s*$/, '').trim();
    if (!q || q === asked) return;
    asked = q;
    try {
      const page = await api.get('/api/employees/', { q, limit: 10, active: 'all', ...query });
      if (asked !== q) return;
      fill(list, (page && page.results ? page.results : []).map((e) => el('option', { value: pickerLabel(e) })));
    } catch {
      // Suggestions are a help; typing "#id" still works.
    }
  }
  f.input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 250);
  });
  return {
    wrap: f.wrap,
    input: f.input,
    value() {
      const text = f.input.value.trim();
      if (!text) return null;
      const m = /#(\d+)$/.exec(text);
      return m ? Number(m[1]) : Number.NaN;
    },
    set(e) {
      f.input.value = e ? pickerLabel(e) : '';
    },
  };
}
