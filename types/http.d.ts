import type { TokenPayload } from '../api/lib/auth/groups';

/** The parts of Sails' (Express) request and response the actions use. */
export interface Request extends AsyncIterable<Buffer> {
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  body: unknown;
  query: Record<string, unknown>;
  params: Record<string, string>;
  /** The client's address (X-Forwarded-For's only with TRUST_PROXY). */
  ip?: string;
  /** The idle timeout of the request's connection, in milliseconds (0: none). */
  setTimeout(ms: number): unknown;
}

export interface AuthenticatedRequest extends Request {
  user: TokenPayload;
}

export interface Response {
  headersSent: boolean;
  status(code: number): Response;
  json(body: unknown): Response;
  set(field: string, value: string): Response;
  setHeader(name: string, value: string): unknown;
  type(contentType: string): Response;
  send(body: unknown): Response;
  write(chunk: string): boolean;
  end(): void;
  once(event: 'drain' | 'close' | 'finish', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}
