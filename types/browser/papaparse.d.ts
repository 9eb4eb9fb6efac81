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
}

interface PapaParseLocalConfig {
  header: true;
  skipEmptyLines: boolean | 'greedy';
  complete(results: PapaParseResult): void;
  error(error: Error): void;
}

interface PapaParse {
  parse(file: File, config: PapaParseLocalConfig): void;
}

interface Window {
  Papa?: PapaParse;
}
