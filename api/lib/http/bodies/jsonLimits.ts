/**
 * What one value of a JSON body may hold before JSON.parse sees it: what one parse builds, and so how
 * long it holds the event loop. A row has at most its columns (IMPORT_MAX_COLUMNS), each a key and a
 * value, and some nested values to spare (a cell that is a list fails alone); and no value is longer
 * than a row may be (MAX_ROW_BYTES).
 */
import { InvalidInputError } from '../../core/errors';
import { MAX_ROW_BYTES } from './bodyStream';

/** Values a row may hold beyond two per column: cells that are lists or objects fail one by one. */
const NESTED_VALUES_ALLOWED = 10_000;

export class ValueLimits {
  /** Members and elements a value may hold, at any depth. */
  readonly maxTokens: number;

  constructor(private readonly maxColumns: number) {
    this.maxTokens = 2 * maxColumns + NESTED_VALUES_ALLOWED;
  }

  /** Whether the value being cut out is already too large: its bytes and values so far. */
  exceededBy(value: { size: number; tokens: number }): boolean {
    return value.size > MAX_ROW_BYTES || value.tokens > this.maxTokens;
  }

  /** The 400 for a value too large: a row's names its line; `null` for a value outside "data". */
  error(rowLine: number | null): InvalidInputError {
    const size = `longer than ${MAX_ROW_BYTES / 1024 / 1024} MB or holds more than ${this.maxTokens} values`;
    return new InvalidInputError(
      rowLine !== null
        ? `The row at line ${rowLine} is ${size}: a row has at most ${this.maxColumns} columns, each text or a number.`
        : `A value of the body outside "data" is ${size}.`,
    );
  }
}
