/**
 * The Idempotency-Key of an import (SPEC 13): the header checked, and the request body digested as
 * it streams past the reader, so a repeated request is recognised without holding its body.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../core/errors';
import type { Idempotency } from '../pipeline/submitBatch';

const KEY = /^[\x21-\x7e]{1,255}$/;

interface StreamingRequest extends AsyncIterable<Buffer | Uint8Array> {
  headers: Record<string, string | string[] | undefined>;
}

/** The header's key, or undefined without one; 400 for a key that cannot be one. */
export function idempotencyKeyOf(headers: StreamingRequest['headers']): string | undefined {
  const value = headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !KEY.test(value)) {
    throw new InvalidInputError(
      'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID, for instance).',
    );
  }
  return value;
}

/**
 * The request as its body's reader sees it, digesting every byte that passes: sha256 of the media
 * type (the same bytes as JSON or as CSV are different requests) and the body. The digest exists once
 * the body has been read to its end.
 */
export function digestedRequest<R extends StreamingRequest>(
  req: R,
  key: string,
): { request: StreamingRequest; idempotency: Idempotency } {
  const hash = createHash('sha256');
  const mediaType = String(req.headers['content-type'] ?? '')
    .toLowerCase()
    .replace(/\s+/g, '');
  hash.update(`${mediaType}\n`);
  let digest: string | undefined;
  const request: StreamingRequest = {
    headers: req.headers,
    async *[Symbol.asyncIterator]() {
      for await (const chunk of req) {
        hash.update(chunk);
        yield chunk;
      }
      digest = hash.digest('hex');
    },
  };
  const bodyDigest = () => {
    if (digest === undefined) throw new Error('The request body has not been read to its end');
    return digest;
  };
  return { request, idempotency: { key, bodyDigest } };
}
