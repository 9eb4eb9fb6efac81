/**
 * The part of Papa Parse the page uses. /vendor/papaparse.min.js, a classic script loaded before the
 * page's modules, defines it as the global `Papa`; it is optional here because that script may fail to load.
 * (@types/papaparse is not used: it pulls in Node's types, which do not belong in browser code.)
 */

interface PapaParseError {
  /** "Quotes", "Delimiter" or "FieldMismatch". */
  type: string;
  code: string;
  message: string;
  /** The row the error is about, from 0; see describeParseError in csv.js for where Papa starts counting. */
  row?: number;
}

interface PapaParseResult {
  /** With `header: true`, one object per row keyed by column name; surplus fields go under `__parsed_extra`. */
  data: Record<string, unknown>[];
  errors: PapaParseError[];
  meta: { delimiter?: string; linebreak?: string; fields?: string[] };
}

/** Parsing a string the page has already decoded: synchronous, the result is returned. */
interface PapaParseStringConfig {
  header: true;
  /** Given by the page (found from the header line); Papa guesses it when absent. */
  delimiter?: string;
  skipEmptyLines: boolean | 'greedy';
}

interface PapaParse {
  parse(text: string, config: PapaParseStringConfig): PapaParseResult;
}

interface Window {
  Papa?: PapaParse;
}
