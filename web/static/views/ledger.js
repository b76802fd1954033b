// views/ledger.js: #/balance?leave_type=&year=&employee_id=, "why is my
// balance this": every type's balance of a year (GET /api/leaves/balances/)
// and one balance's ledger, newest first, each line with the balance it
// leaves (GET /api/leaves/ledger/). A manager opens someone's with
// ?employee_id=. The figures are the server's; the page adds nothing up.

import * as api from '../api.js';
import { $, card, el, emptyRow, fill, fmtDate, pageHead, showProblem } from '../ui.js';

const KIND = {
  grant: 'Yearly allowance', accrual: 'Monthly accrual', grant_change: 'Allowance changed', carry_over_in: 'Carried over in',
  carry_over_out: 'Carried over out', carry_over_expired: 'Carried days expired', taken: 'Leave taken', returned: 'Leave given back',
  late_penalty: 'Lost to lateness', adjustment: 'Adjustment',
};

function days(n) {
  if (n == null) return '–';
  const v = Number(n);
  return `${v > 0 ? '+' : ''}${v}`;
}

export default {
  path: 'balance',
  title: 'Balance',
  nav: 'Balance',
  mount(root, env) {
    const { ctx } = env;
    let seq = 0;
    const q = env.query;
    let type = q.get('leave_type') || 'annual';
    let year = Number.parseInt(q.get('year') || '', 10) || new Date().getFullYear();
    const employee = q.get('employee_id') || '';

    root.replaceChildren(el('div', { 'data-view': 'ledger' },
      pageHead('Why is my balance this', 'Every change of a balance is a line: what it was, why, and the balance it left.'),
      el('div', { class: 'dashboard' },
        card('ledger-balances', 'Balances',
          el('div', { id: 'ledger-error', class: 'error', role: 'alert', 'data-testid': 'ledger-error' }),
          el('div', { class: 'table-wrap' },
            el('table', { id: 'ledger-balances-table', class: 'table stack', 'data-testid': 'ledger-balances-table' },
              el('thead', null, el('tr', null,
                el('th', { scope: 'col' }, 'Type'), el('th', { scope: 'col' }, 'Allowance'), el('th', { scope: 'col' }, 'Used'),
                el('th', { scope: 'col' }, 'Pending'), el('th', { scope: 'col' }, 'Lost to lateness'), el('th', { scope: 'col' }, 'Remaining'))),
              el('tbody')))),
        card('ledger-lines', 'The ledger',
          el('p', { id: 'ledger-caption', class: 'hint' }),
          el('div', { class: 'table-wrap' },
            el('table', { id: 'ledger-table', class: 'table stack', 'data-testid': 'ledger-table' },
              el('thead', null, el('tr', null,
                el('th', { scope: 'col' }, 'Date'), el('th', { scope: 'col' }, 'What'), el('th', { scope: 'col' }, 'Days'),
                el('th', { scope: 'col' }, 'Balance'), el('th', { scope: 'col' }, 'Why'))),
              el('tbody')))))));

    async function load() {
      const mine = ++seq;
      const who = employee ? { employee_id: employee } : {};
      try {
        const [bs, lines] = await Promise.all([
          api.get('/api/leaves/balances/', { ...who, year }),
          api.listAll('/api/leaves/ledger/', { ...who, year, leave_type: type }),
        ]);
        if (!ctx.alive() || mine !== seq) return;
        fill($('ledger-balances-table').tBodies[0], ...(bs.results.length ? bs.results.map((b) => el('tr', { 'data-leave-type': b.leave_type },
          el('td', { 'data-label': 'Type' }, el('a', { href: `#/balance?leave_type=${encodeURIComponent(b.leave_type)}&year=${year}${employee ? `&employee_id=${employee}` : ''}` }, b.leave_type)),
          el('td', { 'data-label': 'Allowance' }, String(b.allowance)),
          el('td', { 'data-label': 'Used' }, String(b.used)),
          el('td', { 'data-label': 'Pending' }, String(b.pending)),
          el('td', { 'data-label': 'Lost to lateness' }, String(b.late_penalty)),
          el('td', { 'data-label': 'Remaining' }, b.remaining == null ? 'no allowance' : String(b.remaining)))) : [emptyRow(6, 'No balance.')]));
        $('ledger-caption').textContent = `${type}, ${year}: newest first. Lines without a date yet are due and recorded by the next run of the ledger's job.`;
        const table = $('ledger-table');
        fill(table.tBodies[0], ...(lines.results.length ? lines.results.map((e) => el('tr', { 'data-kind': e.kind, 'data-id': e.id == null ? '' : String(e.id) },
          el('td', { 'data-label': 'Date' }, fmtDate(e.date)),
          el('td', { 'data-label': 'What' }, KIND[e.kind] || e.kind),
          el('td', { 'data-label': 'Days', title: e.amount_exact }, days(e.amount)),
          el('td', { 'data-label': 'Balance', title: e.balance_exact }, String(e.balance)),
          el('td', { 'data-label': 'Why' }, e.note))) : [emptyRow(5, 'Nothing in this balance yet.')]));
        table.dataset.loaded = `${type}/${year}`;
        showProblem($('ledger-error'), null);
      } catch (err) {
        if (!ctx.alive() || mine !== seq) return;
        showProblem($('ledger-error'), err);
      }
    }
    load();
    return {
      stop() { seq += 1; },
      update(next) {
        type = next.query.get('leave_type') || 'annual';
        year = Number.parseInt(next.query.get('year') || '', 10) || new Date().getFullYear();
        load();
      },
    };
  },
};
