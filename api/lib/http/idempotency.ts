/**
 * The Idempotency-Key of an import (SPEC 13): the header checked, and the request body digested as
 * it streams past the reader, so a repeated request is recognised without holding its body.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../core/errors';
import { parseBodySize } from '../core/settingValues';
import type { Idempotency } from '../pipeline/submitBatch';
import { tooLargeError } from './bodies/bodyStream';

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

/** sha256 of the media type (the same bytes as JSON or as CSV are different requests), then the body. */
function requestHash(req: StreamingRequest) {
  const mediaType = String(req.headers['content-type'] ?? '')
    .toLowerCase()
    .replace(/\s+/g, '');
  return createHash('sha256').update(`${mediaType}\n`);
}

/**
 * The request as its body's reader sees it, digesting every byte that passes. The digest exists once
 * the body has been read to its end.
 */
export function digestedRequest<R extends StreamingRequest>(
  req: R,
  key: string,
): { request: StreamingRequest; idempotency: Idempotency } {
  const hash = requestHash(req);
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

/**
 * Reads the whole body only to digest it, as `digestedRequest` would have: for a request that may
 * repeat an earlier one. A body past the limit could never have been accepted: 413, as it would get.
 */
export async function digestWholeBody(req: StreamingRequest, maxBody: string): Promise<string> {
  const limits = { maxBytes: parseBodySize(maxBody), limitText: maxBody };
  const hash = requestHash(req);
  let bytes = 0;
  for await (const chunk of req) {
    bytes += chunk.length;
    if (bytes > limits.maxBytes) throw tooLargeError(limits);
    hash.update(chunk);
  }
  return hash.digest('hex');
}
