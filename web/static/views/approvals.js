// views/approvals.js: #/approvals, for managers and admins: the requests
// they are asked to decide (which step, for whom, how long it waited), a
// request's chain as a timeline, their delegates, and, for admins, the
// approval policies per leave type and the approver groups. The page shows
// what the server says: who may decide is never worked out here.

import * as api from '../api.js';
import { field } from '../form.js';
import {
  $, announce, card, el, emptyRow, fill, fmtDate, fmtDateTime, fmtRange, leaveTypeLabel, pageHead, plural, setBusy, showProblem,
} from '../ui.js';

const LEAVE_TYPES = ['annual', 'sick', 'unpaid'];

// A policy step as the form's "who decides" choice: manager1 (the
// employee's manager), manager2 (that manager's manager), managerN for a
// deeper level set through the API, or group.
function stepKind(s) {
  return s.approver === 'group' ? 'group' : `manager${s.level || 1}`;
}

function kindOptions(kind) {
  const opts = [
    { value: 'manager1', label: 'The employee\'s manager' },
    { value: 'manager2', label: 'The manager\'s manager' },
    { value: 'group', label: 'An approver group' },
  ];
  const m = /^manager(\d+)$/.exec(kind);
  if (m && Number(m[1]) > 2) opts.splice(2, 0, { value: kind, label: `The manager ${m[1]} levels up` });
  return opts;
}

// The form's control of a problem location of PUT …/approval/:
// body.tiers[i].over_days, body.tiers[i].steps[j].group and so on.
function policyFieldId(location) {
  let m = /^body\.tiers\[(\d+)\]\.steps\[(\d+)\]\.(\w+)$/.exec(location || '');
  if (m) return `policy-t${m[1]}-s${m[2]}-${{ group: 'group', label: 'label' }[m[3]] || 'kind'}`;
  m = /^body\.tiers\[(\d+)\]\.(over_days|decide_once|steps)$/.exec(location || '');
  if (m) return `policy-t${m[1]}-${{ over_days: 'over', decide_once: 'once', steps: 'steps' }[m[2]]}`;
  return null;
}

function stepText(r) {
  const steps = r.chain ? r.chain.steps : [];
  const cur = steps.find((s) => s.step === r.current_step);
  return cur ? `${cur.step} of ${steps.length}: ${cur.label}` : '';
}

function decidedText(s) {
  if (!s.decided_by) return '';
  const by = s.decided_by_name || `#${s.decided_by}`;
  const who = s.decided_for ? `${by} for ${s.decided_for_name || `#${s.decided_for}`}` : by;
  return `${s.status === 'rejected' ? 'Rejected' : 'Approved'} by ${who}${s.decided_at ? `, ${fmtDateTime(s.decided_at)}` : ''}`;
}

/** The chain of a request as a list of its steps. */
export function chainTimeline(r) {
  const steps = r.chain ? r.chain.steps : [];
  if (!steps.length) return el('p', { class: 'muted' }, 'This request needed no approval.');
  return el('ol', { class: 'chain', 'data-testid': `chain-${r.id}` }, steps.map((s) => el('li', {
    class: `chain-step chain-${s.status}`, 'data-step': s.step, 'data-status': s.status,
  },
  el('strong', null, `Step ${s.step} of ${steps.length}: ${s.label}`), ' ',
  el('span', { class: 'badge' }, s.status),
  s.decided_by ? el('div', { 'data-testid': `chain-${r.id}-step-${s.step}-decided` }, decidedText(s), s.decided_as ? ` (${s.decided_as.replace('_', ' ')})` : '') : null,
  s.comment ? el('div', { class: 'muted' }, `“${s.comment}”`) : null,
  s.approvers && s.approvers.length ? el('div', null, 'Asked now: ', s.approvers.map((a) => (a.for_id ? `${a.name} (for ${a.for_name})` : a.name)).join(', ')) : null,
  s.waited_working_days != null ? el('div', { class: 'muted' }, `Waiting ${plural(s.waited_working_days, 'working day')}`) : null)));
}

export default {
  path: 'approvals',
  title: 'Approvals',
  nav: 'Approvals',
  needs: 'leave-to-decide',
  mount(root, env) {
    const { ctx } = env;
    const admin = ctx.me.can.includes('set-approval-policy');
    const ac = new AbortController();
    const on = (node, type, fn) => node.addEventListener(type, fn, { signal: ac.signal });
    let todo = [];
    let approvers = [];
    let groups = [];

    root.replaceChildren(el('div', { 'data-view': 'approvals' },
      pageHead('Approvals', 'Leave requests waiting for your decision, your delegates and, for admins, how requests are approved.'),
      el('div', { class: 'dashboard' },
        card('todo', 'To decide',
          field({ id: 'todo-comment', label: 'Comment', optional: true, attrs: { autocomplete: 'off' } }).wrap,
          el('div', { id: 'todo-error', class: 'error', role: 'alert' }),
          el('div', { class: 'table-wrap' }, el('table', { id: 'todo-table', class: 'table stack', 'data-testid': 'todo-table' },
            el('thead', null, el('tr', null, ['Employee', 'Leave', 'Step', 'For', 'Waited', 'Actions'].map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody')))),
        card('chain-card', 'Request', el('div', { id: 'chain-view', 'data-testid': 'chain-view' }, el('p', { class: 'muted' }, 'Choose “Details” on a request.'))),
        card('delegates', 'Delegates',
          el('p', { class: 'muted' }, 'While a delegation runs, your delegate may decide your steps, and is asked to.'),
          el('form', { id: 'delegate-form', class: 'form', novalidate: true },
            el('div', { class: 'form-grid' },
              field({ id: 'delegate-id', label: 'Delegate', type: 'select', options: [] }).wrap,
              field({
                id: 'delegate-other', label: 'Or their employee number', type: 'number', optional: true,
                hint: 'Someone outside your team: an approver of another team, say.', attrs: { min: 1, step: 1, inputmode: 'numeric' },
              }).wrap,
              field({ id: 'delegate-from', label: 'From', type: 'date' }).wrap,
              field({ id: 'delegate-to', label: 'To', type: 'date' }).wrap,
              field({ id: 'delegate-note', label: 'Note', optional: true }).wrap),
            el('div', { id: 'delegate-error', class: 'error', role: 'alert' }),
            el('div', { class: 'form-actions' }, el('button', { id: 'delegate-submit', type: 'submit', class: 'btn btn-primary' }, 'Name delegate'))),
          el('ul', { id: 'delegate-list', 'data-testid': 'delegate-list' })),
        admin ? card('policies', 'Approval policies',
          field({ id: 'policy-type', label: 'Leave type', type: 'select', options: LEAVE_TYPES.map((t) => ({ value: t, label: leaveTypeLabel(t) })) }).wrap,
          el('p', { id: 'policy-status', class: 'muted' }),
          el('form', { id: 'policy-form', class: 'form', novalidate: true },
            el('p', { class: 'muted' }, 'A request gets the chain with the greatest length below its own: a chain for requests of more than 0 days covers every request no other chain does.'),
            el('div', { id: 'policy-tiers', 'data-testid': 'policy-tiers' }),
            el('div', { class: 'form-actions' },
              el('button', { id: 'policy-add-tier', type: 'button', class: 'btn btn-quiet' }, 'Add a chain for longer requests')),
            el('div', { id: 'policy-error', class: 'error', role: 'alert' }),
            el('div', { class: 'form-actions' },
              el('button', { id: 'policy-save', type: 'submit', class: 'btn btn-primary' }, 'Save policy'),
              el('button', { id: 'policy-reset', type: 'button', class: 'btn' }, 'Back to the default')))) : null,
        admin ? card('groups', 'Approver groups',
          el('form', { id: 'group-form', class: 'form', novalidate: true },
            el('div', { class: 'form-grid' },
              field({ id: 'group-code', label: 'Code', attrs: { autocomplete: 'off' } }).wrap,
              field({ id: 'group-name', label: 'Name', attrs: { autocomplete: 'off' } }).wrap),
            el('div', { id: 'group-error', class: 'error', role: 'alert' }),
            el('div', { class: 'form-actions' }, el('button', { id: 'group-submit', type: 'submit', class: 'btn btn-primary' }, 'Add group'))),
          el('div', { id: 'group-list', 'data-testid': 'group-list' })) : null)));

    async function loadTodo() {
      try {
        const res = await api.listAll('/api/leaves/to-decide/');
        if (!ctx.alive()) return;
        todo = res.results;
        renderTodo();
        showProblem($('todo-error'), null);
      } catch (err) {
        if (ctx.alive()) showProblem($('todo-error'), err);
      }
    }

    function renderTodo() {
      fill($('todo-table').tBodies[0], todo.length ? todo.map((r) => {
        const cur = r.chain.steps.find((s) => s.step === r.current_step) || {};
        const mine = (cur.approvers || []).find((a) => a.employee_id === ctx.me.id);
        return el('tr', { 'data-testid': `todo-row-${r.id}`, 'data-step': r.current_step },
          el('td', { 'data-label': 'Employee' }, r.employee_name),
          el('td', { 'data-label': 'Leave' }, `${leaveTypeLabel(r.leave_type)}, ${fmtRange(r.start_date, r.end_date, r.half_day)}`),
          el('td', { 'data-label': 'Step', 'data-testid': `todo-step-${r.id}` }, stepText(r)),
          el('td', { 'data-label': 'For' }, mine && mine.for_name ? `for ${mine.for_name}` : ''),
          el('td', { 'data-label': 'Waited' }, cur.waited_working_days != null ? plural(cur.waited_working_days, 'working day') : ''),
          el('td', { 'data-label': 'Actions' },
            el('button', { type: 'button', class: 'btn btn-quiet btn-small', 'data-details': r.id, 'data-testid': `todo-details-${r.id}` }, 'Details'), ' ',
            el('button', { type: 'button', class: 'btn btn-small', 'data-approve': r.id, 'data-testid': `todo-approve-${r.id}` }, 'Approve'), ' ',
            el('button', { type: 'button', class: 'btn btn-quiet btn-small', 'data-reject': r.id, 'data-testid': `todo-reject-${r.id}` }, 'Reject')));
      }) : emptyRow(6, 'Nothing waits for your decision.'));
    }

    async function showChain(id) {
      try {
        const r = await api.get(`/api/leaves/${encodeURIComponent(id)}/`);
        if (!ctx.alive()) return;
        fill($('chain-view'), el('p', null, `${r.employee_name}: ${leaveTypeLabel(r.leave_type)}, ${fmtRange(r.start_date, r.end_date, r.half_day)} — ${r.status}`), chainTimeline(r));
      } catch (err) {
        if (ctx.alive()) showProblem($('chain-view'), err);
      }
    }

    async function decide(id, action, button) {
      const r = todo.find((x) => x.id === id);
      if (!r) return;
      setBusy(button, true);
      try {
        const done = await api.post(`/api/leaves/${encodeURIComponent(id)}/action/`, { action, comment: $('todo-comment').value.trim(), step: r.current_step });
        if (!ctx.alive()) return;
        announce(`${action === 'approve' ? 'Approved' : 'Rejected'} step ${r.current_step} of ${r.employee_name}'s request.`, { tone: 'ok' });
        $('todo-comment').value = '';
        fill($('chain-view'), el('p', null, `${r.employee_name}: ${done.status}`), chainTimeline(done));
        await loadTodo();
      } catch (err) {
        if (!ctx.alive()) return;
        showProblem($('todo-error'), err);
        await loadTodo();
      } finally {
        setBusy(button, false);
      }
    }

    on($('todo-table'), 'click', (e) => {
      const b = e.target.closest('button');
      if (!b) return;
      if (b.dataset.details) showChain(Number(b.dataset.details));
      else if (b.dataset.approve) decide(Number(b.dataset.approve), 'approve', b);
      else if (b.dataset.reject) decide(Number(b.dataset.reject), 'reject', b);
    });

    async function loadDelegates() {
      try {
        const [people, mine] = await Promise.all([api.listAll('/api/employees/'), api.listAll('/api/delegations/')]);
        if (!ctx.alive()) return;
        // Everyone with manager access may approve (the server decides who
        // may be named; these lists only offer the likely ones). An admin may
        // join a group themselves, but nobody is their own delegate.
        approvers = people.results.filter((p) => p.active !== false && (p.role === 'manager' || p.role === 'admin'));
        const sel = $('delegate-id');
        const keep = sel.value;
        fill(sel, approvers.filter((p) => p.id !== ctx.me.id).map((p) => el('option', { value: p.id }, `${[p.first_name, p.last_name].filter(Boolean).join(' ') || p.username}`)));
        if (keep) sel.value = keep;
        fill($('delegate-list'), mine.results.length ? mine.results.map((d) => el('li', { 'data-testid': `delegation-${d.id}` },
          `${d.principal_name} → ${d.delegate_name}, ${fmtDate(d.from)} to ${fmtDate(d.to)}${d.note ? ` (${d.note})` : ''} `,
          d.can_delete ? el('button', { type: 'button', class: 'btn btn-quiet btn-small', 'data-remove': d.id }, 'Remove') : null))
          : el('li', { class: 'muted' }, 'No delegates named.'));
      } catch (err) {
        if (ctx.alive()) showProblem($('delegate-error'), err);
      }
    }

    on($('delegate-form'), 'submit', async (e) => {
      e.preventDefault();
      const button = $('delegate-submit');
      setBusy(button, true);
      try {
        await api.post('/api/delegations/', {
          delegate_id: Number($('delegate-other').value || $('delegate-id').value), from: $('delegate-from').value, to: $('delegate-to').value, note: $('delegate-note').value.trim(),
        });
        if (!ctx.alive()) return;
        showProblem($('delegate-error'), null);
        announce('Delegate named.', { tone: 'ok' });
        await loadDelegates();
      } catch (err) {
        if (ctx.alive()) showProblem($('delegate-error'), err, { fields: { 'body.delegate_id': $('delegate-other').value ? 'delegate-other' : 'delegate-id', 'body.from': 'delegate-from', 'body.to': 'delegate-to', 'body.note': 'delegate-note' } });
      } finally {
        setBusy(button, false);
      }
    });
    on($('delegate-list'), 'click', async (e) => {
      const b = e.target.closest('button[data-remove]');
      if (!b) return;
      setBusy(b, true);
      try {
        await api.del(`/api/delegations/${encodeURIComponent(b.dataset.remove)}/`);
        if (ctx.alive()) await loadDelegates();
      } catch (err) {
        if (ctx.alive()) showProblem($('delegate-error'), err);
        setBusy(b, false);
      }
    });

    // The policy form: a fieldset per chain (tier), a row per step. The
    // form holds what the admin types; the server checks it and its field
    // errors show next to the controls they name.
    function stepRow(i, j, s) {
      const base = `policy-t${i}-s${j}`;
      const kind = stepKind(s);
      const groupOpts = groups.map((g) => ({ value: g.code, label: `${g.name} (${g.code})` }));
      if (s.group && !groups.some((g) => g.code === s.group)) groupOpts.push({ value: s.group, label: s.group });
      const group = field({ id: `${base}-group`, label: 'Group', type: 'select', options: groupOpts, value: s.group || (groupOpts[0] || {}).value });
      group.wrap.hidden = kind !== 'group';
      return el('li', { class: 'policy-step', 'data-step': j },
        el('div', { class: 'form-grid' },
          field({ id: `${base}-kind`, label: `Step ${j + 1}: who decides`, type: 'select', options: kindOptions(kind), value: kind, attrs: { 'data-kind': '' } }).wrap,
          group.wrap,
          field({
            id: `${base}-label`, label: 'Label', optional: true, value: s.label || '',
            hint: 'Shown to people; empty: the server names it.', attrs: { autocomplete: 'off', maxlength: 100 },
          }).wrap),
        el('button', { type: 'button', class: 'btn btn-quiet btn-small', 'data-remove-step': `${i}:${j}`, 'data-testid': `${base}-remove` }, 'Remove step'));
    }

    function tierBox(i, tier, count) {
      return el('fieldset', { class: 'fieldset policy-tier', 'data-tier': i, 'data-testid': `policy-tier-${i}` },
        el('legend', null, `Chain ${i + 1}`),
        el('div', { class: 'form-grid' },
          field({
            id: `policy-t${i}-over`, label: 'For requests of more than (days)', type: 'number', value: tier.over_days ?? 0,
            hint: '0: every request no other chain covers.', attrs: { min: 0, max: 366, step: 0.5, inputmode: 'decimal' },
          }).wrap,
          field({
            id: `policy-t${i}-once`, label: 'Decide once for both', type: 'checkbox', value: Boolean(tier.decide_once),
            hint: 'Someone who approved an earlier step also approves, by that decision, a later step that asks them.',
          }).wrap),
        el('ol', { class: 'policy-steps' }, (tier.steps || []).map((s, j) => stepRow(i, j, s))),
        el('p', { class: 'field-error', id: `policy-t${i}-steps-error`, 'data-testid': `policy-t${i}-steps-error` }),
        el('div', { class: 'form-actions' },
          el('button', { type: 'button', class: 'btn btn-small', 'data-add-step': i, 'data-testid': `policy-t${i}-add-step` }, 'Add a step'),
          count > 1 ? el('button', { type: 'button', class: 'btn btn-quiet btn-small', 'data-remove-tier': i, 'data-testid': `policy-t${i}-remove` }, 'Remove this chain') : null));
    }

    function renderPolicy(tiers) {
      fill($('policy-tiers'), tiers.map((tier, i) => tierBox(i, tier, tiers.length)));
    }

    // readPolicy returns the tiers as the form holds them, in its order
    // (the order the server's error locations count in).
    function readPolicy() {
      return [...$('policy-tiers').querySelectorAll('.policy-tier')].map((box) => {
        const i = box.dataset.tier;
        const over = $(`policy-t${i}-over`).value.trim();
        return {
          over_days: over === '' ? 0 : Number(over),
          decide_once: $(`policy-t${i}-once`).checked,
          steps: [...box.querySelectorAll('.policy-step')].map((row) => {
            const base = `policy-t${i}-s${row.dataset.step}`;
            const kind = $(`${base}-kind`).value;
            const label = $(`${base}-label`).value.trim();
            const step = kind === 'group'
              ? { approver: 'group', group: $(`${base}-group`).value }
              : { approver: 'manager', level: Number(kind.slice('manager'.length)) };
            if (label) step.label = label;
            return step;
          }),
        };
      });
    }

    function showPolicyProblem(err) {
      for (const n of $('policy-tiers').querySelectorAll('[aria-invalid]')) n.removeAttribute('aria-invalid');
      for (const n of $('policy-tiers').querySelectorAll('.field-error')) n.textContent = '';
      if (!err) {
        showProblem($('policy-error'), null);
        return;
      }
      const rest = [];
      let first = null;
      for (const e of err.errors || []) {
        const id = policyFieldId(e.location);
        const slot = id ? $(`${id}-error`) : null;
        if (!slot) {
          rest.push(e);
          continue;
        }
        slot.textContent = slot.textContent ? `${slot.textContent} ${e.message}` : e.message;
        const input = $(id);
        if (input) {
          input.setAttribute('aria-invalid', 'true');
          if (!first) first = input;
        }
      }
      const marked = (err.errors || []).length - rest.length;
      const detail = marked ? `Please check the ${marked === 1 ? 'field' : 'fields'} marked above.` : err.detail;
      showProblem($('policy-error'), { ...err, detail, errors: rest });
      if (first) first.focus();
    }

    async function loadPolicy() {
      try {
        const p = await api.get(`/api/leaves/types/${encodeURIComponent($('policy-type').value)}/approval/`);
        if (!ctx.alive()) return;
        renderPolicy(p.tiers);
        $('policy-status').textContent = p.default ? 'The default policy: one step, the employee\'s manager.' : `Version ${p.version}, set ${fmtDateTime(p.updated_at)}.`;
        $('policy-status').dataset.version = p.default ? 'default' : String(p.version);
        $('policy-status').dataset.type = p.leave_type;
        showPolicyProblem(null);
      } catch (err) {
        if (ctx.alive()) showProblem($('policy-error'), err);
      }
    }

    async function loadGroups() {
      try {
        const res = await api.listAll('/api/approver-groups/');
        if (!ctx.alive()) return;
        groups = res.results;
        if ($('policy-tiers').childElementCount) renderPolicy(readPolicy()); // the group choices
        fill($('group-list'), res.results.length ? res.results.map((g) => el('div', { class: 'group', 'data-testid': `group-${g.code}` },
          el('h3', null, `${g.name} (${g.code}) `,
            el('button', { type: 'button', class: 'btn btn-quiet btn-small', 'data-delete-group': g.code }, 'Delete')),
          el('ul', null, g.members.map((m) => el('li', null, `${m.name} `,
            el('button', { type: 'button', class: 'btn btn-quiet btn-small', 'data-group': g.code, 'data-member': m.employee_id }, 'Remove')))),
          el('label', { for: `group-add-${g.code}` }, 'Add a member '),
          el('select', { id: `group-add-${g.code}` }, approvers.map((p) => el('option', { value: p.id }, [p.first_name, p.last_name].filter(Boolean).join(' ') || p.username))),
          ' ', el('button', { type: 'button', class: 'btn btn-small', 'data-add-to': g.code }, 'Add')))
          : el('p', { class: 'muted' }, 'No approver groups.'));
      } catch (err) {
        if (ctx.alive()) showProblem($('group-error'), err);
      }
    }

    if (admin) {
      on($('policy-type'), 'change', loadPolicy);
      on($('policy-form'), 'submit', async (e) => {
        e.preventDefault();
        const button = $('policy-save');
        setBusy(button, true);
        try {
          await api.request('PUT', `/api/leaves/types/${encodeURIComponent($('policy-type').value)}/approval/`, { body: { tiers: readPolicy() } });
          if (ctx.alive()) { announce('Policy saved.', { tone: 'ok' }); await loadPolicy(); }
        } catch (err) {
          if (ctx.alive()) showPolicyProblem(err);
        } finally {
          setBusy(button, false);
        }
      });
      on($('policy-add-tier'), 'click', () => {
        const tiers = readPolicy();
        const longest = Math.max(0, ...tiers.map((t) => Number(t.over_days) || 0));
        tiers.push({ over_days: longest + 5, decide_once: false, steps: [{ approver: 'manager', level: 1 }] });
        renderPolicy(tiers);
        $(`policy-t${tiers.length - 1}-over`).focus();
      });
      on($('policy-tiers'), 'click', (e) => {
        const b = e.target.closest('button');
        if (!b) return;
        const tiers = readPolicy();
        if (b.dataset.addStep != null) {
          const i = Number(b.dataset.addStep);
          tiers[i].steps.push({ approver: 'manager', level: 2 });
          renderPolicy(tiers);
          $(`policy-t${i}-s${tiers[i].steps.length - 1}-kind`).focus();
        } else if (b.dataset.removeStep) {
          const [i, j] = b.dataset.removeStep.split(':').map(Number);
          tiers[i].steps.splice(j, 1);
          renderPolicy(tiers);
        } else if (b.dataset.removeTier != null) {
          tiers.splice(Number(b.dataset.removeTier), 1);
          renderPolicy(tiers);
        }
      });
      on($('policy-tiers'), 'change', (e) => {
        if (!e.target.matches('select[data-kind]')) return;
        // Another kind of approver: its group choice shows or hides, and a
        // label written for the old one no longer fits.
        const base = e.target.id.replace(/-kind$/, '');
        $(`${base}-group`).closest('.field').hidden = e.target.value !== 'group';
        $(`${base}-label`).value = '';
      });
      on($('policy-reset'), 'click', async () => {
        try {
          await api.del(`/api/leaves/types/${encodeURIComponent($('policy-type').value)}/approval/`);
          if (ctx.alive()) await loadPolicy();
        } catch (err) {
          if (ctx.alive()) showProblem($('policy-error'), err);
        }
      });
      on($('group-form'), 'submit', async (e) => {
        e.preventDefault();
        try {
          await api.post('/api/approver-groups/', { code: $('group-code').value.trim(), name: $('group-name').value.trim() });
          if (!ctx.alive()) return;
          showProblem($('group-error'), null);
          await loadGroups();
        } catch (err) {
          if (ctx.alive()) showProblem($('group-error'), err, { fields: { 'body.code': 'group-code', 'body.name': 'group-name' } });
        }
      });
      on($('group-list'), 'click', async (e) => {
        const b = e.target.closest('button');
        if (!b) return;
        try {
          if (b.dataset.deleteGroup) await api.del(`/api/approver-groups/${encodeURIComponent(b.dataset.deleteGroup)}/`);
          else if (b.dataset.member) await api.del(`/api/approver-groups/${encodeURIComponent(b.dataset.group)}/members/${encodeURIComponent(b.dataset.member)}/`);
          else if (b.dataset.addTo) await api.request('PUT', `/api/approver-groups/${encodeURIComponent(b.dataset.addTo)}/members/${encodeURIComponent($(`group-add-${b.dataset.addTo}`).value)}/`);
          if (ctx.alive()) { showProblem($('group-error'), null); await loadGroups(); }
        } catch (err) {
          if (ctx.alive()) showProblem($('group-error'), err);
        }
      });
    }

    async function loadTypes() {
      try {
        const res = await api.listAll('/api/leaves/types/');
        if (!ctx.alive() || !res.results.length) return;
        const sel = $('policy-type');
        const keep = sel.value;
        fill(sel, res.results.map((t) => el('option', { value: t.code }, t.name || t.code)));
        if (res.results.some((t) => t.code === keep)) sel.value = keep;
      } catch { /* the contract's three types stay listed */ }
    }

    loadTodo();
    loadDelegates().then(async () => {
      if (!admin || !ctx.alive()) return;
      await loadTypes();
      if (ctx.alive()) { loadPolicy(); loadGroups(); }
    });

    return {
      stop() { ac.abort(); },
      onNotification(n) { if (n && String(n.kind || '').startsWith('leave_')) loadTodo(); },
    };
  },
};
