/**
 * Import bodies as CSV files (`text/csv`, SPEC 15): the same row batches as the JSON bodies,
 * written with `,` or `;`, CRLF or LF, with or without a BOM, cells quoted when they must be; some
 * with invalid UTF-8 inside a cell, some malformed (unclosed quote, more cells than the header, a
 * name given twice, nothing but a header). Each row keeps its expectation and the line of the file
 * where it begins, counted as the service counts (CRLF, LF and a lone CR each end a line).
 */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import type { BodyCase } from './bodies';
import { entriesOf, type Json } from './json';
import type { ExpectedRow, Limits } from './request';
import { manyColumns, type RowCase, rowBatch, validRow } from './rows';
import { invalidUtf8 } from './values';

const CSV_TYPES = ['text/csv', 'text/csv; charset=utf-8', 'TEXT/CSV', 'text/csv; charset=latin1'] as const;

/** A cell's text, or undefined when CSV cannot say it (an object, an array, a raw JSON number). */
function cellText(value: Json): string | undefined {
  if (value === null) return '';
  if (typeof value === 'object') return undefined;
  return String(value);
}

function quoted(text: string, delimiter: string): string {
  return /["\r\n]/.test(text) || text.includes(delimiter) ? `"${text.replaceAll('"', '""')}"` : text;
}

const lineBreaks = (text: string) => text.match(/\r\n|\r|\n/g)?.length ?? 0;

interface Sheet {
  text: string;
  rows: ExpectedRow[];
}

/** Rows as a CSV file: the header is every column in order of first appearance; a missing cell is empty. */
export function toCsv(
  cases: readonly RowCase[],
  delimiter: ',' | ';',
  eol: '\r\n' | '\n',
  bom: boolean,
): Sheet {
  const records = cases
    .map((c) => ({
      c,
      cells: new Map((entriesOf(c.row) ?? []).map(([key, value]) => [key, cellText(value)])),
    }))
    .filter(({ cells }) => [...cells.values()].every((text) => text !== undefined));
  const columns = [...new Set(records.flatMap(({ cells }) => [...cells.keys()]))];
  let text = `${bom ? '\ufeff' : ''}${columns.map((name) => quoted(name, delimiter)).join(delimiter)}${eol}`;
  const rows: ExpectedRow[] = [];
  for (const { c, cells } of records) {
    rows.push({ expect: c.expect, note: c.note, line: lineBreaks(text) + 1 });
    text += `${columns.map((name) => quoted(cells.get(name) ?? '', delimiter)).join(delimiter)}${eol}`;
  }
  return { text, rows };
}

const layout = fc.tuple(
  fc.constantFrom<',' | ';'>(',', ';'),
  fc.constantFrom<'\r\n' | '\n'>('\r\n', '\n'),
  fc.boolean(),
);

/** A CSV file of a row batch; sometimes with a last, valid row whose `notes` cell holds invalid UTF-8. */
const csvBatch: fc.Arbitrary<BodyCase> = fc
  .tuple(
    rowBatch,
    layout,
    fc.constantFrom(...CSV_TYPES),
    fc.option(fc.tuple(invalidUtf8, validRow), { nil: undefined }),
  )
  .map(([cases, [delimiter, eol, bom], contentType, bad]): BodyCase => {
    const tail: RowCase[] = bad
      ? [{ ...bad[1], row: { obj: [...(entriesOf(bad[1].row) ?? []), ['notes', '@']] } }]
      : [];
    const sheet = toCsv([...cases, ...tail], delimiter, eol, bom);
    if (!bad) return { body: { kind: 'text', text: sheet.text }, contentType, rows: sheet.rows };
    // The `@` of the last row's notes cell becomes the bytes: a U+FFFD (or a NUL) its row must fail for.
    const at = sheet.text.lastIndexOf('@');
    const last = sheet.rows[sheet.rows.length - 1];
    const failing = !isUtf8(bad[0]) || bad[0].includes(0);
    return {
      body: {
        kind: 'bytes',
        before: sheet.text.slice(0, at),
        bytes: bad[0],
        after: sheet.text.slice(at + 1),
      },
      contentType,
      rows: [
        ...sheet.rows.slice(0, -1),
        { ...last, expect: failing ? 'failure' : 'any', note: `${last.note}, bytes ${[...bad[0]]} in notes` },
      ],
    };
  });

const MALFORMED_CSV = [
  '',
  '\ufeff',
  '\r\r\r',
  'id,rdf:type\r\n',
  'id,rdf:type\n"fuzz-1,karstlink:UndergroundCavity\n',
  'id\nfuzz-1,extra\n',
  'id,id\nfuzz-1,fuzz-2\n',
  'id;rdf:type,x\n1;2,3\n',
  '"unclosed',
  'a,b\r\n1,"2""\r\n',
  ',,,\n,,,\n',
  '\u0000,\u0000\n\u0000,\u0000\n',
];

export function csvBodies(limits: Limits): fc.Arbitrary<BodyCase> {
  return fc.oneof(
    { weight: 6, arbitrary: csvBatch },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...MALFORMED_CSV), fc.constantFrom(...CSV_TYPES))
        .map(([text, contentType]): BodyCase => ({ body: { kind: 'text', text }, contentType })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(manyColumns(limits.maxColumns), layout)
        .map(([data, [delimiter, eol, bom]]): BodyCase => {
          const cases = data.map((row): RowCase => ({ row, expect: 'any', note: 'many columns' }));
          const { text } = toCsv(cases, delimiter, eol, bom);
          return { body: { kind: 'text', text }, contentType: 'text/csv', adminStatus: 400 };
        }),
    },
  );
}
