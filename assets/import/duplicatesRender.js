// @ts-check
/**
 * How a page of duplicates is shown: one card per duplicate, with a table that puts what the import
 * brought next to the existing entrance it matched (name, coordinates, altitude, country, author,
 * source, cave, date), differences marked in words; for a moderator, a checkbox and the two actions.
 * Everything from the server goes in through textContent, never innerHTML.
 */

import { el, show } from './dom.js';
import { plural } from './format.js';

/** @typedef {import('./api.js').JsonBody} JsonBody */

/**
 * A duplicate as the view shows it: its list item and, when it could be read, its detail (the
 * duplicate with the existing entrance).
 * @typedef {object} ShownDuplicate
 * @property {JsonBody & { id?: unknown }} item an item of the list: { id, author, content, entrance, dateInscription, batchId, line }
 * @property {JsonBody} detail GET /api/v1/entrance-duplicates/:id, or null
 * @property {string} detailError why there is no detail
 */

/**
 * @typedef {object} ViewState
 * @property {string} batchId
 * @property {number} skip
 * @property {number} total
 * @property {ShownDuplicate[]} shown
 * @property {Set<number>} selected
 */

/**
 * A field deep inside a server body, as unknown: any level may be missing or of another type.
 * @param {unknown} value
 * @param {...string} path
 * @returns {unknown}
 */
export function dig(value, ...path) {
  let current = value;
  for (const key of path) {
    if (!current || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = /** @type {Record<string, unknown>} */ (current)[key];
  }
  return current;
}

/**
 * @param {unknown} value
 * @returns {string} '' for anything but text and finite numbers
 */
function text(value) {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

/**
 * "Line 57: Gouffre Berger", the words that name a duplicate in headings and messages.
 * @param {ShownDuplicate} shown
 * @returns {string}
 */
export function describeDuplicate({ item }) {
  const line = text(item.line);
  const name = text(dig(item.content, 'nameDescLoc', 'name', 'text'));
  const where = line ? `Line ${line}` : `Duplicate ${text(item.id)}`;
  return name ? `${where}: ${name}` : where;
}

/**
 * @param {unknown} latitude
 * @param {unknown} longitude
 */
function coordinates(latitude, longitude) {
  const lat = text(latitude);
  const lon = text(longitude);
  return lat || lon ? `${lat || '?'}, ${lon || '?'}` : '';
}

/** @param {unknown} iso */
function day(iso) {
  const date = new Date(text(iso));
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}

/**
 * @param {unknown} length
 * @param {unknown} depth
 */
function caveSize(length, depth) {
  const parts = [];
  if (text(length)) parts.push(`length ${text(length)} m`);
  if (text(depth)) parts.push(`depth ${text(depth)} m`);
  return parts.join(', ');
}

/**
 * The rows of the comparison: [label, this import's value, the existing entrance's value].
 * @param {ShownDuplicate} shown
 * @returns {[string, string, string][]}
 */
function comparison({ item, detail }) {
  const row = dig(item.content, 'entrance');
  const name = dig(item.content, 'nameDescLoc', 'name');
  const existing = dig(detail, 'entrance');
  const names = dig(existing, 'names');
  const existingNames = Array.isArray(names)
    ? names.map((entry) => text(dig(entry, 'name'))).filter(Boolean)
    : [];
  return [
    ['Name', text(dig(name, 'text')), existingNames.join(' / ')],
    [
      'Latitude, longitude',
      coordinates(dig(row, 'latitude'), dig(row, 'longitude')),
      coordinates(dig(existing, 'latitude'), dig(existing, 'longitude')),
    ],
    ['Altitude (m)', text(dig(row, 'altitude')), text(dig(existing, 'altitude'))],
    ['Country', text(dig(row, 'country')), text(dig(existing, 'country'))],
    [
      'Author',
      text(dig(row, 'authorNickname')) || text(dig(row, 'author')),
      text(dig(existing, 'author', 'nickname')),
    ],
    ['Source id', text(dig(row, 'idDbImport')), text(dig(existing, 'idDbImport'))],
    ['Source name', text(dig(row, 'nameDbImport')), text(dig(existing, 'nameDbImport'))],
    [
      'Cave',
      caveSize(dig(row, 'caveLength'), dig(row, 'caveDepth')),
      caveSize(dig(existing, 'cave', 'length'), dig(existing, 'cave', 'depth')),
    ],
    ['Dated', day(dig(row, 'dateInscription')), day(dig(existing, 'dateInscription'))],
  ];
}

/**
 * @param {string} tag
 * @param {string} content
 * @param {string} [className]
 */
function node(tag, content, className) {
  const element = document.createElement(tag);
  element.textContent = content;
  if (className) element.className = className;
  return element;
}

/**
 * @param {ShownDuplicate} shown
 * @param {string} titleId
 */
function compareTable(shown, titleId) {
  const table = document.createElement('table');
  table.className = 'compare-table';
  table.setAttribute('aria-describedby', titleId);
  const existingId = text(dig(shown.detail, 'entrance', 'id')) || text(shown.item.entrance);
  const deleted = dig(shown.detail, 'entrance', 'isDeleted') === true ? ' (deleted)' : '';
  table.append(node('caption', `${describeDuplicate(shown)}, compared with existing entrance ${existingId}`));
  table.caption?.classList.add('visually-hidden');
  const head = document.createElement('tr');
  for (const label of ['', 'In this import', `Existing entrance ${existingId}${deleted}`]) {
    const cell = /** @type {HTMLTableCellElement} */ (node('th', label));
    cell.scope = 'col';
    head.append(cell);
  }
  const body = document.createElement('tbody');
  for (const [label, mine, theirs] of comparison(shown)) {
    const header = /** @type {HTMLTableCellElement} */ (node('th', label));
    header.scope = 'row';
    const differs = shown.detail !== null && mine !== theirs && Boolean(mine || theirs);
    if (differs) header.append(' ', node('span', 'differs', 'differs'));
    const row = document.createElement('tr');
    row.classList.toggle('row-differs', differs);
    row.append(header, node('td', mine || '—'), node('td', shown.detail ? theirs || '—' : '?'));
    body.append(row);
  }
  table.createTHead().append(head);
  table.append(body);
  return table;
}

/**
 * @param {ShownDuplicate} shown
 * @param {boolean} canResolve
 * @param {boolean} selected
 * @returns {HTMLLIElement}
 */
function duplicateCard(shown, canResolve, selected) {
  const id = text(shown.item.id);
  const titleId = `duplicate-${id}-title`;
  const card = document.createElement('li');
  card.className = 'duplicate';
  card.dataset.id = id;
  const article = document.createElement('article');
  article.setAttribute('aria-labelledby', titleId);
  const title = node('h3', describeDuplicate(shown), 'duplicate-title');
  title.id = titleId;
  title.tabIndex = -1;
  const importer = text(dig(shown.item, 'author', 'nickname'));
  const meta = [`Duplicate ${id}`, `recorded ${day(shown.item.dateInscription)}`];
  if (importer) meta.push(`imported by ${importer}`);
  if (!shown.item.batchId || text(shown.item.batchId) === '') meta.push('no batch');
  else meta.push(`batch ${text(shown.item.batchId)}`);
  article.append(title, node('p', meta.join(' · '), 'duplicate-meta'));
  if (canResolve) article.prepend(selectBox(id, describeDuplicate(shown), selected));
  article.append(compareTable(shown, titleId));
  if (shown.detailError) article.append(node('p', shown.detailError, 'notice'));
  if (canResolve) article.append(actionButtons(titleId));
  card.append(article);
  return card;
}

/**
 * @param {string} id
 * @param {string} description
 * @param {boolean} checked
 */
function selectBox(id, description, checked) {
  const label = document.createElement('label');
  label.className = 'check-label duplicate-select';
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.dataset.select = id;
  box.checked = checked;
  label.append(box, ' Select', node('span', ` ${description}`, 'visually-hidden'));
  return label;
}

/** @param {string} titleId */
function actionButtons(titleId) {
  const actions = document.createElement('div');
  actions.className = 'actions';
  for (const [action, label, style] of [
    ['import', 'Import as a new entrance', 'button button-small'],
    ['discard', 'Discard', 'button button-danger button-small'],
  ]) {
    const button = node('button', label, style);
    button.setAttribute('type', 'button');
    button.dataset.action = action;
    button.setAttribute('aria-describedby', titleId);
    actions.append(button);
  }
  return actions;
}

/**
 * @param {ViewState} view
 * @param {boolean} canResolve
 * @param {number} pageSize
 */
export function renderDuplicates(view, canResolve, pageSize) {
  el['duplicates-list'].replaceChildren(
    ...view.shown.map((shown) => duplicateCard(shown, canResolve, view.selected.has(Number(shown.item.id)))),
  );
  el['duplicates-list'].start = view.skip + 1;
  show(el['duplicates-bulk'], canResolve && view.shown.length > 0);
  el['duplicates-range'].textContent = view.total
    ? `${view.skip + 1}–${view.skip + view.shown.length} of ${view.total}`
    : '';
  el['duplicates-prev'].disabled = view.skip === 0;
  el['duplicates-next'].disabled = view.skip + view.shown.length >= view.total;
  show(/** @type {HTMLElement} */ (el['duplicates-range'].parentElement), view.total > pageSize);
  renderSelection(view);
}

/** @param {ViewState} view */
export function renderSelection(view) {
  const count = view.selected.size;
  el['duplicates-selected'].textContent = `${plural(count, 'duplicate')} selected`;
  el['duplicates-select-all'].checked = count > 0 && count === view.shown.length;
  el['duplicates-select-all'].indeterminate = count > 0 && count < view.shown.length;
  el['import-selected'].disabled = count === 0;
  el['discard-selected'].disabled = count === 0;
  el['import-selected'].textContent = count ? `Import selected (${count})` : 'Import selected';
  el['discard-selected'].textContent = count ? `Discard selected (${count})` : 'Discard selected';
}

/**
 * Focus on the card at this index of the page: its checkbox, else its title.
 * @param {number} index
 */
export function focusItem(index) {
  const card = el['duplicates-list'].children[index];
  if (!card) return;
  const target = card.querySelector('input[type="checkbox"]') ?? card.querySelector('h3');
  /** @type {HTMLElement | null} */ (target)?.focus();
}
