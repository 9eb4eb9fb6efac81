/** Reading the reports a batch wrote, and a batch that writes all three. */
import { parse } from 'csv-parse/sync';
import { entranceRow } from './rows';

/** A report as served: its status, type, whether it starts with a UTF-8 byte-order mark, and its rows. */
export async function download(
  url: string,
): Promise<{ status: number; type: string | null; bom: boolean; rows: string[][]; text: string }> {
  const res = await fetch(url);
  const bytes = Buffer.from(await res.arrayBuffer());
  const bom = bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]));
  const text = bytes.toString('utf8', bom ? 3 : 0);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    bom,
    rows: res.ok ? parse(text) : [],
    text,
  };
}

/** A batch with every outcome: 3 successes, 1 duplicate, 2 failures, one of them formula-like. */
export function mixedRows() {
  const first = entranceRow({ 'rdfs:label': '=HYPERLINK("http://evil.example","click")' });
  return [
    first,
    entranceRow({ 'w3geo:altitude': '-12', 'rdfs:label': '-2+3' }),
    { ...first },
    entranceRow({ 'gn:countryCode': 'ZZ', 'gn:alternateName': '@SUM(A1)', extra: 'kept' }),
    entranceRow({ 'w3geo:latitude': '-95.5' }),
    entranceRow({ 'rdfs:label': 'Grotte «Sud»' }),
  ];
}
