/** Text as Windows-1252 bytes, as Excel's plain "CSV" format writes it in Western locales. */
import assert from 'node:assert/strict';

const BYTES = new Map(
  Array.from({ length: 256 }, (_, byte) => [
    new TextDecoder('windows-1252').decode(Uint8Array.of(byte)),
    byte,
  ]),
);

/** Fails on a character Windows-1252 has no byte for. */
export function encodeWindows1252(text: string): Buffer {
  return Buffer.from(
    Array.from(text, (char) => {
      const byte = BYTES.get(char);
      assert.ok(byte !== undefined, `${char} has no Windows-1252 byte`);
      return byte;
    }),
  );
}
