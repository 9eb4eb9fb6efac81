/** Karstlink CSV rows for tests: valid by default, with any column overridden or removed. */
export type TestRow = Record<string, string>;

let sequence = 0;

export function entranceRow(overrides: Record<string, string | undefined> = {}): TestRow {
  const n = ++sequence;
  const row: Record<string, string | undefined> = {
    id: `test-${process.pid}-${n}`,
    'rdf:type': 'karstlink:UndergroundCavity',
    'dct:rights/cc:attributionName': 'Test Caving Club',
    'dct:rights/karstlink:licenseType': 'CC-BY-SA',
    'dct:rights/dct:created': '2024-03-01',
    'gn:countryCode': 'FR',
    'w3geo:latitude': '45.123456',
    'w3geo:longitude': '5.654321',
    'w3geo:altitude': '1200',
    'dwc:coordinatePrecision': '10',
    'rdfs:label': `Gouffre ${n}`,
    'rdfs:label/dc:language': 'fra',
    'karstlink:length': '350',
    'karstlink:verticalExtend': '120',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as TestRow;
}

export function withoutColumns(row: TestRow, ...columns: string[]): TestRow {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !columns.includes(key)));
}
