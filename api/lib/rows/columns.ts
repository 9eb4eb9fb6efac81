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
});

export type Row = Readonly<Record<string, unknown>>;

/** A cell's text, trimmed; undefined when absent or blank. */
export function cell(row: Row, column: string): string | undefined {
  const value = row[column];
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** The mandatory columns this row leaves empty, in the order they are listed above. */
export function missingColumns(row: Row): string[] {
  const required = new Set(MANDATORY_COLUMNS);
  for (const rule of DOCUMENT_RULES) {
    if (cell(row, rule.trigger) !== undefined) for (const column of rule.required) required.add(column);
  }
  return [...required].filter((column) => cell(row, column) === undefined);
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

/** The row with every column name and text cell storable; the same object when nothing needed cleaning. */
export function storableRow(row: Row): Row {
  let cleaned: Record<string, unknown> | undefined;
  for (const [column, value] of Object.entries(row)) {
    const name = cleanText(column);
    const text = typeof value === 'string' ? cleanText(value) : value;
    if (cleaned === undefined && (name !== column || text !== value)) {
      cleaned = {};
      for (const [before, kept] of Object.entries(row)) {
        if (before === column) break;
        cleaned[before] = kept;
      }
    }
    if (cleaned !== undefined) cleaned[name] = text;
  }
  return cleaned ?? row;
}
