/** Reading the reports a batch wrote, and a batch that writes all three. */
import { parse } from 'csv-parse/sync';
import { entranceRow } from './rows';

export async function download(
  url: string,
): Promise<{ status: number; type: string | null; rows: string[][]; text: string }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), rows: res.ok ? parse(text) : [], text };
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
