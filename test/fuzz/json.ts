/**
 * The JSON documents the fuzzer sends, as a small tree it can serialise exactly as it wants: objects
 * as entry lists (so `__proto__`, repeated keys and key order survive), raw fragments (numbers no
 * double can hold, nesting deeper than any recursive serialiser goes) and references to things that
 * only exist once the service runs (a user's password, an id of the database), resolved when sent.
 */
export type Json =
  | null
  | boolean
  | number
  | string
  | readonly Json[]
  | { readonly obj: readonly (readonly [string, Json])[] }
  | { readonly raw: string }
  | { readonly ref: string };

export const raw = (text: string): Json => ({ raw: text });
export const ref = (name: string): Json => ({ ref: name });
export const obj = (entries: readonly (readonly [string, Json])[]): Json => ({ obj: entries });

/** A plain record as an object node (its own keys, in order). */
export function fromRecord(record: Readonly<Record<string, Json>>): Json {
  return { obj: Object.entries(record) };
}

/** The entries of an object node, or undefined for any other node. */
export function entriesOf(json: Json): readonly (readonly [string, Json])[] | undefined {
  return json !== null && typeof json === 'object' && 'obj' in json ? json.obj : undefined;
}

export type Resolver = (name: string) => Json;

/** JSON text of a tree; references are looked up through `resolve`. */
export function serialize(json: Json, resolve: Resolver): string {
  if (json === null || typeof json !== 'object') return JSON.stringify(json) ?? 'null';
  if (Array.isArray(json)) return `[${json.map((item) => serialize(item, resolve)).join(',')}]`;
  if ('raw' in json) return json.raw;
  if ('ref' in json) return serialize(resolve(json.ref), resolve);
  const node = json as { obj: readonly (readonly [string, Json])[] };
  return `{${node.obj.map(([key, value]) => `${JSON.stringify(key)}:${serialize(value, resolve)}`).join(',')}}`;
}

/** At most `max` characters of a text, saying how long it was when cut. */
export function excerpt(text: string, max = 300): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length} characters)`;
}
