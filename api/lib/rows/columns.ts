/**
 * The Karstlink CSV columns the import reads, and the rule for which must be present.
 * This is the only place that lists them.
 */
export const COLUMNS = Object.freeze({
  id: 'id',
  type: 'rdf:type',
  attributionName: 'dct:rights/cc:attributionName',
  licenseType: 'dct:rights/karstlink:licenseType',
  created: 'dct:rights/dct:created',
  modified: 'dct:rights/dct:modified',
  countryCode: 'gn:countryCode',
  latitude: 'w3geo:latitude',
  longitude: 'w3geo:longitude',
  altitude: 'w3geo:altitude',
  precision: 'dwc:coordinatePrecision',
  label: 'rdfs:label',
  labelLanguage: 'rdfs:label/dc:language',
  alternateName: 'gn:alternateName',
  length: 'karstlink:length',
  verticalExtend: 'karstlink:verticalExtend',
  extendBelowEntrance: 'karstlink:extendBelowEntrance',
  extendAboveEntrance: 'karstlink:extendAboveEntrance',
  descriptionTitle: 'karstlink:hasDescriptionDocument/dct:title',
  descriptionBody: 'karstlink:hasDescriptionDocument/dct:description',
  descriptionLanguage: 'karstlink:hasDescriptionDocument/dc:language',
  descriptionCreator: 'karstlink:hasDescriptionDocument/dct:creator',
  accessBody: 'karstlink:hasAccessDocument/dct:description',
  accessLanguage: 'karstlink:hasAccessDocument/dc:language',
  accessCreator: 'karstlink:hasAccessDocument/dct:creator',
} as const);

/** Columns every row must fill. */
export const MANDATORY_COLUMNS: readonly string[] = Object.freeze([
  COLUMNS.id,
  COLUMNS.type,
  COLUMNS.attributionName,
  COLUMNS.licenseType,
  COLUMNS.countryCode,
  COLUMNS.latitude,
  COLUMNS.longitude,
  COLUMNS.labelLanguage,
]);

/** A document's columns become mandatory once its trigger column is present. */
const DOCUMENT_RULES: readonly { trigger: string; required: readonly string[] }[] = Object.freeze([
  {
    trigger: COLUMNS.descriptionTitle,
    required: [COLUMNS.descriptionTitle, COLUMNS.descriptionCreator, COLUMNS.descriptionLanguage],
  },
  {
    trigger: COLUMNS.accessBody,
    required: [COLUMNS.accessBody, COLUMNS.accessLanguage, COLUMNS.accessCreator],
  },
]);

/** Longest text each column may hold, from the database columns it lands in. */
export const MAX_LENGTHS: Readonly<Record<string, number>> = Object.freeze({
  [COLUMNS.id]: 100,
  [COLUMNS.attributionName]: 200,
  [COLUMNS.label]: 200,
  [COLUMNS.alternateName]: 200,
  [COLUMNS.descriptionTitle]: 300,
  [COLUMNS.descriptionCreator]: 200,
  [COLUMNS.accessCreator]: 200,
  // Numbers, coordinates, dates and codes: nothing valid is longer, and nothing longer is parsed.
  ...Object.fromEntries(
    [
      COLUMNS.latitude,
      COLUMNS.longitude,
      COLUMNS.altitude,
      COLUMNS.precision,
      COLUMNS.length,
      COLUMNS.verticalExtend,
      COLUMNS.extendBelowEntrance,
      COLUMNS.extendAboveEntrance,
      COLUMNS.created,
      COLUMNS.modified,
      COLUMNS.countryCode,
      COLUMNS.labelLanguage,
      COLUMNS.descriptionLanguage,
      COLUMNS.accessLanguage,
      COLUMNS.licenseType,
    ].map((column) => [column, 64]),
  ),
});

/** Longest text of any other cell: free text (descriptions, access) and columns the import does not read. */
export const MAX_TEXT_LENGTH = 32_768;

export function maxLengthOf(column: string): number {
  return Object.hasOwn(MAX_LENGTHS, column) ? MAX_LENGTHS[column] : MAX_TEXT_LENGTH;
}

export type Row = Readonly<Record<string, unknown>>;

/** What a cell may hold (SPEC 14): text, a number, a boolean, or nothing. */
export type FlatValue = string | number | boolean | null | undefined;

export function isFlatValue(value: unknown): value is FlatValue {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

export function nonFlatMessage(column: string): string {
  return `${column} must be text or a number`;
}

/**
 * A cell's value: the row's own property only, so a column named `constructor` or `toString` is a
 * column like any other, never a property every object inherits.
 */
export function cellValue(row: Row, column: string): unknown {
  return Object.hasOwn(row, column) ? row[column] : undefined;
}

/** A cell's text, trimmed; undefined when absent, blank, or not a flat value (such a row fails). */
export function cell(row: Row, column: string): string | undefined {
  const value = cellValue(row, column);
  if (value === undefined || value === null || !isFlatValue(value)) return undefined;
  const text = (typeof value === 'number' ? plainNumber(value) : String(value)).trim();
  return text === '' ? undefined : text;
}

/**
 * A JSON number as a person wrote it in a cell: 0.0000001, not String()'s 1e-7, which no decimal
 * column reads. Non-finite numbers (1e400 parses to Infinity) never get here: see storableRow.
 */
function plainNumber(value: number): string {
  const text = String(value);
  return /e/i.test(text)
    ? value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 })
    : text;
}

/** Whether a cell is empty: absent, null or blank text. A non-flat value is not empty (its row fails for it). */
function isBlank(row: Row, column: string): boolean {
  const value = cellValue(row, column);
  return isFlatValue(value) && cell(row, column) === undefined;
}

/** The mandatory columns this row leaves empty, in the order they are listed above. */
export function missingColumns(row: Row): string[] {
  const required = new Set(MANDATORY_COLUMNS);
  for (const rule of DOCUMENT_RULES) {
    if (!isBlank(row, rule.trigger)) for (const column of rule.required) required.add(column);
  }
  return [...required].filter((column) => isBlank(row, column));
}

export function missingColumnsMessage(missing: readonly string[]): string {
  return `Columns missing: ${missing.join(',')}`;
}

/**
 * The import key of an entrance: its `id` and attribution name. Encoded as a JSON pair rather than
 * joined with a separator, so that no two different pairs can ever produce the same key.
 */
export function importKeyOf(id: string, attributionName: string): string {
  return JSON.stringify([id, attributionName]);
}

/** The affinity key: rows sharing it must be imported in line order by one worker. */
export function importKey(row: Row): string | undefined {
  const id = cell(row, COLUMNS.id);
  const attribution = cell(row, COLUMNS.attributionName);
  return id === undefined || attribution === undefined ? undefined : importKeyOf(id, attribution);
}

/** What PostgreSQL's jsonb cannot store (NUL, unpaired surrogates) becomes U+FFFD; see rowConversion. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

function cleanText(text: string): string {
  return text.isWellFormed() && !text.includes('\u0000')
    ? text
    : text.toWellFormed().replaceAll('\u0000', REPLACEMENT_CHARACTER);
}

/**
 * A number JSON cannot hold (1e400 parses to Infinity, which JSON.stringify would stage as null) is
 * kept as its text, so the import and the dry run both read "Infinity" and fail it the same way.
 */
function storableValue(value: unknown): unknown {
  if (!isFlatValue(value)) return {};
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/**
 * The row as staging can store it: column names and text cleaned of what jsonb cannot hold, and a
 * cell that is not a flat value replaced by an empty object, whatever it held (deep nesting, NULs):
 * its row fails for it, and nothing of it needs keeping. The same object when nothing needed cleaning.
 */
export function storableRow(row: Row): Row {
  let changed = false;
  const entries = Object.entries(row).map(([column, value]): [string, unknown] => {
    const name = cleanText(column);
    const stored = typeof value === 'string' ? cleanText(value) : storableValue(value);
    if (name !== column || stored !== value) changed = true;
    return [name, stored];
  });
  // fromEntries defines properties: a column named __proto__ stays a column, never a prototype.
  return changed ? Object.fromEntries(entries) : row;
}
