import assert from 'node:assert/strict';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { csvLine, neutraliseFormula } from '../../api/lib/reports/csvReports';

describe('Batch completion: report lines', () => {
  // Cells as a report holds them: text (with the characters CSV and spreadsheets care about),
  // numbers, nulls, and values that are not flat.
  const hostileText = fc.string({
    unit: fc.constantFrom('a', 'é', ',', '"', '\n', '\r', '\t', '=', '+', '-', '@', ' ', '1', '.', 'e', ';'),
    maxLength: 12,
  });
  const cell = fc.oneof(
    hostileText,
    fc.string(),
    fc.double({ noNaN: true }),
    fc.integer(),
    fc.constant(null),
    fc.constant(undefined),
    fc.constant({ nested: true }),
  );

  it('writes each line as csv-stringify writes it, formulas neutralised first', () => {
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 8 }), (cells) => {
        assert.equal(csvLine(cells), stringify([cells.map(neutraliseFormula)]));
      }),
      { numRuns: 2000 },
    );
  });

  it('quotes a cell holding a separator, a quote or a line break, and doubles its quotes', () => {
    assert.equal(
      csvLine([2, 'a,b', 'say "hi"', 'two\nlines', 'cr\r', 'plain', '=1+1', -12.5, null]),
      '2,"a,b","say ""hi""","two\nlines","cr\r",plain,\'=1+1,-12.5,\n',
    );
  });
});
