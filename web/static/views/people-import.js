// views/people-import.js: #/people/import, for managers and admins: import
// people from a CSV file. The file is checked by the server first
// (POST /api/employees/import/?dry_run=true), which lists every row with its
// problems and writes nothing; the import (the same file, one Idempotency-Key
// per file) is enabled only when every row is fine, and writes all rows or
// none. The rules are the server's: this view only shows what it says.
// Generated passwords are shown once, with a button that saves them.

import * as api from '../api.js';
import { field } from '../form.js';
import {
  $, announce, badge, card, el, emptyRow, fill, fmtNum, pageHead, personLink, plural, setBusy, showProblem,
} from '../ui.js';

const ENDPOINT = '/api/employees/import/';

export default {
  path: 'people/import',
  title: 'Import people',
  section: 'people',
  needs: 'import-employees',
  mount(root, env) {
    const { ctx } = env;
    const ac = new AbortController();
    const on = (node, type, fn) => node.addEventListener(type, fn, { signal: ac.signal });
    // The file checked last: its text, name and the key of its import.
    let checked = null;
    let seq = 0;

    const file = field({
      id: 'import-file', label: 'CSV file', type: 'file',
      hint: 'Saved as CSV (UTF-8), commas or semicolons, the first line naming the columns. At most 1,000 rows.',
      attrs: { accept: '.csv,text/csv' },
    });

    root.replaceChildren(el('div', { 'data-view': 'people-import' },
      pageHead('Import people', 'Add many people at once from a spreadsheet. Nothing is written until every row is right; then every row is, or none.'),
      el('div', { class: 'dashboard' },
        card('import-steps', '1. Fill in the template',
          el('p', null, 'Only ', el('code', null, 'username'), ' is required. An empty cell takes the usual default: 08:00–17:00, Monday to Friday, 15 days of leave, the company time zone, and you as the manager. ',
            el('code', null, 'manager_username'), ' may name someone in your team or another row of the file. Leave ', el('code', null, 'password'),
            ' empty to have one generated for the person.'),
          el('div', { class: 'form-actions' },
            el('button', { id: 'import-template', type: 'button', class: 'btn', 'data-testid': 'import-template' }, 'Download the template'),
            el('a', { href: '#/people', class: 'btn btn-quiet' }, 'Back to People')),
          el('div', { id: 'import-template-error', class: 'error', role: 'alert' })),
        card('import-check-card', '2. Check the file',
          el('form', { id: 'import-form', class: 'form', novalidate: true },
            file.wrap,
            el('div', { class: 'form-actions' },
              el('button', { id: 'import-check', type: 'submit', class: 'btn btn-primary', 'data-testid': 'import-check' }, 'Check the file'))),
          el('div', { id: 'import-error', class: 'error', role: 'alert', 'data-testid': 'import-error' }),
          el('p', { id: 'import-summary', 'aria-live': 'polite', 'data-testid': 'import-summary' }),
          el('div', { class: 'table-wrap', id: 'import-preview-wrap', hidden: true },
            el('table', { id: 'import-preview', class: 'table stack', 'data-testid': 'import-preview' },
              el('caption', { class: 'visually-hidden' }, 'Every row of the file and its problems'),
              el('thead', null, el('tr', null, ['Row', 'Line', 'Username', 'Problems'].map((h) => el('th', { scope: 'col' }, h)))),
              el('tbody'))),
          el('div', { class: 'form-actions' },
            el('button', { id: 'import-submit', type: 'button', class: 'btn btn-primary', disabled: true, 'data-testid': 'import-submit' }, 'Import'))),
        el('section', { id: 'import-result', class: 'card span-12', 'aria-labelledby': 'import-result-title', hidden: true },
          el('div', { class: 'card-head' }, el('h2', { id: 'import-result-title', tabindex: '-1' }, '3. Imported')),
          el('p', { id: 'import-result-note', class: 'muted' }),
          el('div', { class: 'table-wrap' },
            el('table', { id: 'import-result-table', class: 'table stack', 'data-testid': 'import-result-table' },
              el('caption', { class: 'visually-hidden' }, 'The people imported'),
              el('thead', null, el('tr', null, ['Row', 'Name', 'Username', 'Password'].map((h) => el('th', { scope: 'col' }, h)))),
              el('tbody'))),
          el('div', { class: 'form-actions' },
            el('button', { id: 'import-passwords', type: 'button', class: 'btn', hidden: true, 'data-testid': 'import-passwords' }, 'Save the passwords as a file'))))));

    function reset() {
      checked = null;
      $('import-submit').disabled = true;
      $('import-submit').textContent = 'Import';
      $('import-preview-wrap').hidden = true;
      $('import-summary').textContent = '';
      $('import-summary').removeAttribute('data-valid');
      showProblem($('import-error'), null);
    }

    function post(text, query, headers) {
      return api.request('POST', ENDPOINT, { query, rawBody: text, contentType: 'text/csv', headers });
    }

    function showRows(rows) {
      const body = $('import-preview').tBodies[0];
      fill(body, rows.length ? rows.map((r) => {
        const errs = Array.isArray(r.errors) ? r.errors : [];
        return el('tr', { 'data-testid': `import-row-${r.row}`, 'data-row': r.row, 'data-problems': errs.length, class: errs.length ? 'row-problem' : null },
          el('td', { 'data-label': 'Row' }, String(r.row)),
          el('td', { 'data-label': 'Line' }, String(r.line)),
          el('th', { scope: 'row', 'data-label': 'Username' }, r.username || el('span', { class: 'muted' }, '—')),
          el('td', { 'data-label': 'Problems' }, errs.length
            ? el('ul', { class: 'problem-list' }, errs.map((e) => el('li', null,
              el('strong', null, columnOf(e.location)), `: ${e.message}`)))
            : badge('Ready', 'ok')));
      }) : emptyRow(4, 'The file has no rows.'));
      $('import-preview-wrap').hidden = false;
    }

    async function check() {
      const input = $('import-file');
      const chosen = input.files && input.files[0];
      reset();
      $('import-result').hidden = true;
      if (!chosen) {
        showProblem($('import-error'), { detail: 'Choose a CSV file first.' });
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      input.removeAttribute('aria-invalid');
      const mine = ++seq;
      const button = $('import-check');
      setBusy(button, true);
      try {
        const text = await chosen.text();
        const answer = await post(text, { dry_run: 'true' });
        if (!ctx.alive() || mine !== seq) return;
        const rows = Array.isArray(answer.rows) ? answer.rows : [];
        showRows(rows);
        const bad = rows.filter((r) => r.errors && r.errors.length).length;
        const summary = $('import-summary');
        summary.dataset.valid = String(Boolean(answer.valid));
        if (answer.valid) {
          checked = { text, name: chosen.name, key: api.newIdempotencyKey(), count: rows.length };
          summary.textContent = `${plural(rows.length, 'row')}, all ready. Nothing is written until you import.`;
          $('import-submit').disabled = false;
          $('import-submit').textContent = `Import ${plural(rows.length, 'person', 'people')}`;
        } else {
          summary.textContent = `${fmtNum(bad)} of ${plural(rows.length, 'row')} ${bad === 1 ? 'has' : 'have'} problems (${fmtNum(answer.errors)} in all). Nothing was written: correct the file and check it again.`;
        }
      } catch (err) {
        if (!ctx.alive() || mine !== seq) return;
        showProblem($('import-error'), err);
      } finally {
        if (mine === seq) setBusy(button, false);
      }
    }

    async function importFile() {
      if (!checked) return;
      const mine = ++seq;
      const button = $('import-submit');
      setBusy(button, true);
      try {
        const answer = await post(checked.text, {}, { 'Idempotency-Key': checked.key });
        if (!ctx.alive() || mine !== seq) return;
        const results = Array.isArray(answer.results) ? answer.results : [];
        results.forEach((r) => { if (r.employee) ctx.directory.remember(r.employee); });
        ctx.events.dispatchEvent(new CustomEvent('people-changed', { detail: null }));
        reset();
        $('import-file').value = '';
        showResult(results, Boolean(answer.replayed));
        announce(`${plural(results.length, 'person', 'people')} imported.`, { tone: 'ok' });
      } catch (err) {
        if (!ctx.alive() || mine !== seq) return;
        // The people changed since the check: the server says which rows now
        // fail. Check the file again (a new check, a new key) before importing.
        checked = null;
        showProblem($('import-error'), err);
      } finally {
        if (mine === seq) {
          setBusy(button, false);
          button.disabled = !checked;
        }
      }
    }

    function showResult(results, replayed) {
      const withPassword = results.filter((r) => r.generated_password);
      fill($('import-result-table').tBodies[0], results.map((r) => el('tr', { 'data-testid': `import-done-${r.row}`, 'data-employee-id': r.employee && r.employee.id },
        el('td', { 'data-label': 'Row' }, String(r.row)),
        el('th', { scope: 'row', 'data-label': 'Name' }, r.employee ? personLink(r.employee) : ''),
        el('td', { 'data-label': 'Username' }, r.employee ? r.employee.username : ''),
        el('td', { 'data-label': 'Password' }, r.generated_password
          ? el('code', { class: 'secret', 'data-testid': `import-password-${r.row}` }, r.generated_password)
          : el('span', { class: 'muted' }, replayed ? 'not shown again' : 'from the file')))));
      $('import-result-note').textContent = replayed
        ? 'This file was already imported: nothing was written again. Generated passwords are shown only once; reset a password on the person\'s record.'
        : withPassword.length
          ? `Copy the generated passwords now, or save them as a file: they are shown only this once. ${plural(withPassword.length, 'person', 'people')} will sign in with them.`
          : 'Everyone signs in with the password the file gave them.';
      const save = $('import-passwords');
      save.hidden = withPassword.length === 0;
      save.onclick = () => savePasswords(withPassword);
      $('import-result').hidden = false;
      $('import-result-title').focus();
    }

    function savePasswords(rows) {
      const quote = (s) => `"${String(s).replace(/"/g, '""')}"`;
      const lines = ['username,password', ...rows.map((r) => `${quote(r.employee.username)},${quote(r.generated_password)}`)];
      const url = URL.createObjectURL(new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv' }));
      const a = el('a', { href: url, download: 'imported-passwords.csv', hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    }

    on($('import-form'), 'submit', (e) => { e.preventDefault(); check(); });
    on($('import-file'), 'change', () => { reset(); });
    on($('import-submit'), 'click', () => importFile());
    on($('import-template'), 'click', async () => {
      try {
        await api.download('/api/employees/import/template/', {}, 'people-import-template.csv');
        showProblem($('import-template-error'), null);
      } catch (err) {
        showProblem($('import-template-error'), err);
      }
    });

    return { stop() { ac.abort(); seq++; } };
  },
};

/** "row[3].hired_on" → "hired_on"; a problem of the whole file → "file". */
function columnOf(location) {
  const m = /^row\[\d+\]\.(.+)$/.exec(String(location || ''));
  return m ? m[1] : 'file';
}
