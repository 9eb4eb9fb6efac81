/**
 * The rows of an import request as they arrive (from a JSON body or a CSV file), held to the rules
 * a whole request must pass before anything is created (SPEC 5 checks 4 and 5, SPEC 14): the first
 * row's mandatory columns, at most IMPORT_MAX_ROWS rows and IMPORT_MAX_COLUMNS distinct columns.
 * Import and dry run both read rows through here, so they refuse the same requests with the same
 * messages.
 */
import { InvalidInputError, TooLargeError } from '../core/errors';
import { missingColumns, missingColumnsMessage, type Row } from '../rows/columns';

export interface ImportLimits {
  maxRows: number;
  maxColumns: number;
}

/** What the rows turned out to hold, complete once the iteration ends. */
export interface RequestShape {
  rows: number;
}

/**
 * A row of the request and its line: in a JSON body row i is line i + 2 (line 1 being the header of
 * the file it came from); in a CSV file, the line of the file where the row begins, which blank lines
 * and line breaks inside cells can move past the row's index.
 */
export interface NumberedRow<R extends Row = Row> {
  row: R;
  line: number;
}

export function tooManyColumnsMessage(columns: number, maxColumns: number): string {
  return `Too many columns: ${columns} (max ${maxColumns})`;
}

/**
 * Yields each row with its line. Past a limit it stops yielding but reads on, so the 400 or 413 can
 * say how many rows or columns the request really has; the caller's transaction rolls back what was
 * staged.
 */
export async function* checkedRows(
  rows: AsyncIterable<NumberedRow>,
  limits: ImportLimits,
  shape: RequestShape = { rows: 0 },
): AsyncGenerator<NumberedRow> {
  const columns = new Set<string>();
  for await (const { row, line } of rows) {
    if (shape.rows === 0) {
      // Only the first row: a fast answer for a wrong file; later rows fail one by one in the workers.
      const missing = missingColumns(row);
      if (missing.length) throw new InvalidInputError(missingColumnsMessage(missing));
    }
    shape.rows++;
    for (const column of Object.keys(row)) columns.add(column);
    if (shape.rows <= limits.maxRows && columns.size <= limits.maxColumns) {
      yield { row, line };
    }
  }
  if (shape.rows === 0) throw new InvalidInputError('There are no rows to import.');
  if (columns.size > limits.maxColumns) {
    throw new InvalidInputError(tooManyColumnsMessage(columns.size, limits.maxColumns));
  }
  if (shape.rows > limits.maxRows) {
    throw new TooLargeError(
      `Too many rows: ${shape.rows}. At most ${limits.maxRows} rows can be imported at once; split the file.`,
    );
  }
}
