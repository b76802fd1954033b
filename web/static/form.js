// form.js: building labelled form fields and showing the server's field
// errors next to the fields they name. Every field gets a <label>, a hint and
// an error slot tied to the control with aria-describedby; an invalid field
// gets aria-invalid and its message, and the form's summary (role=alert)
// says what is wrong in a sentence.

import { $, el, showProblem } from './ui.js';

/**
 * A labelled field: { wrap, input }. opts: id, label, type ('text',
 * 'password', 'email', 'date', 'time', 'number', 'textarea', 'select',
 * 'checkbox'), value, hint, options ([{value, label}] for a select), attrs
 * (more attributes of the control), optional (adds "(optional)" to the label).
 */
export function field(opts) {
  const { id, label, type = 'text', value, hint, options, attrs = {}, optional } = opts;
  const describedBy = [`${id}-hint`, `${id}-error`];
  let input;
  if (type === 'textarea') {
    input = el('textarea', { id, name: id, rows: 2, ...attrs });
    if (value != null) input.value = value;
  } else if (type === 'select') {
    input = el('select', { id, name: id, ...attrs },
      (options || []).map((o) => el('option', { value: o.value }, o.label)));
    if (value != null) input.value = value;
  } else {
    input = el('input', { id, name: id, type, ...attrs });
    if (type === 'checkbox') input.checked = Boolean(value);
    else if (value != null) input.value = value;
  }
  input.setAttribute('aria-describedby', describedBy.join(' '));
  if (!input.dataset.testid) input.dataset.testid = id;
  const labelNode = el('label', { for: id }, label, optional ? el('span', { class: 'muted' }, ' (optional)') : null);
  const hintNode = el('p', { class: 'hint', id: `${id}-hint` }, hint || '');
  const errorNode = el('p', { class: 'field-error', id: `${id}-error`, 'data-testid': `${id}-error` });
  const wrap = type === 'checkbox'
    ? el('div', { class: 'field field-check' }, input, labelNode, hintNode, errorNode)
    : el('div', { class: 'field' }, labelNode, input, hintNode, errorNode);
  return { wrap, input };
}

/** A group of checkboxes in a fieldset with a legend: { wrap, boxes: Map(value → input) }. */
export function checkboxes({ id, legend, options, values = [], hint }) {
  const boxes = new Map();
  const chosen = new Set(values);
  const items = options.map((o) => {
    const input = el('input', { type: 'checkbox', id: `${id}-${o.value}`, value: o.value, 'data-testid': `${id}-${o.value}` });
    input.checked = chosen.has(o.value);
    boxes.set(o.value, input);
    return el('span', { class: 'check' }, input, el('label', { for: input.id }, o.label));
  });
  const wrap = el('fieldset', {
    class: 'field fieldset', id, 'aria-describedby': `${id}-hint ${id}-error`,
  },
  el('legend', null, legend),
  el('div', { class: 'checks' }, items),
  el('p', { class: 'hint', id: `${id}-hint` }, hint || ''),
  el('p', { class: 'field-error', id: `${id}-error`, 'data-testid': `${id}-error` }));
  return { wrap, boxes };
}

/** The last word of a problem location: "body.work_days[1]" → "work_days". */
function fieldName(location) {
  const raw = String(location || '').replace(/^(body|query|path|header)\.?/, '');
  return raw.split(/[.[]/)[0];
}

/**
 * Shows err in a form: each field error next to the control of fields
 * (field name → control id), with aria-invalid; the summary (role=alert)
 * gets the problem's detail and the errors that name no control here. The
 * focus moves to the first invalid control. With err null, clears it all.
 * Returns the number of fields marked.
 */
export function showFormProblem(summary, err, fields = {}) {
  for (const id of Object.values(fields)) {
    const input = $(id);
    if (input) input.removeAttribute('aria-invalid');
    const slot = $(`${id}-error`);
    if (slot) slot.textContent = '';
  }
  if (!err) {
    showProblem(summary, null);
    return 0;
  }
  const rest = [];
  let first = null;
  let marked = 0;
  for (const e of err.errors || []) {
    const id = fields[fieldName(e.location)];
    const input = id ? $(id) : null;
    if (!input) {
      rest.push(e);
      continue;
    }
    input.setAttribute('aria-invalid', 'true');
    const slot = $(`${id}-error`);
    if (slot) slot.textContent = slot.textContent ? `${slot.textContent} ${e.message}` : e.message;
    if (!first) first = input;
    marked++;
  }
  let detail = err.detail || err.message || 'Something went wrong.';
  if (marked) detail = marked === 1 ? 'Please check the field marked above.' : 'Please check the fields marked above.';
  showProblem(summary, { ...err, detail, errors: rest });
  if (first) first.focus();
  return marked;
}

/** Reads a form control's trimmed text value ('' when absent). */
export function text(id) {
  const n = $(id);
  return n ? String(n.value || '').trim() : '';
}
