/** Express middleware the Sails HTTP hook runs before the router (order in config/http.ts). */
import path from 'node:path';
import bodyParser from 'body-parser';
import helmet from 'helmet';
import serveStatic from 'serve-static';
import {
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  TooLargeError,
  UnsupportedMediaTypeError,
} from '../core/errors';
import { createLogger } from '../core/log';
import type { ReportStorage } from '../storage';
import { LOCAL_UPLOADS_ROUTE, PARTIAL_SUFFIX } from '../storage/localStorage';
import { sendError } from './errors';
import { API_PATHS } from './paths';

type Next = (error?: unknown) => void;
interface Req {
  method: string;
  url: string;
  originalUrl?: string;
  path?: string;
}
interface Res {
  statusCode: number;
  headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  status(code: number): Res;
  json(body: unknown): unknown;
  on(event: 'finish', listener: () => void): unknown;
}
type Middleware = (req: Req, res: Res, next: Next) => void;

const log = createLogger('http');

/**
 * Security headers on every response (helmet): no MIME sniffing, no framing, no referrer leaks, and
 * a Content-Security-Policy under which pages run only the app's own scripts, never inline ones.
 * The admin page and the API docs are built for it: no inline script, no CDN.
 */
export function securityHeaders(): Middleware {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI sets style attributes from its scripts; no stylesheet comes from elsewhere.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The reports are downloaded from Azure or /local-uploads by the page: same-origin rules suffice.
    crossOriginEmbedderPolicy: false,
  }) as unknown as Middleware;
}

/**
 * A path that is not valid percent-encoding (`/api/v1/jobs/%zz`) names no resource: 404 as JSON, here,
 * before the router or the static files try to decode it and answer with an HTML 400.
 */
export function decodablePath(): Middleware {
  return (req, res, next) => {
    try {
      decodeURIComponent(req.url.split('?')[0]);
    } catch {
      return sendError(res, new NotFoundError('Not found.'));
    }
    next();
  };
}

/** One line per request: method, path (no query string, which may hold secrets), status, duration. */
export function requestLog(): Middleware {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.debug(
        `${req.method} ${(req.originalUrl ?? req.url).split('?')[0]} ${res.statusCode} ${ms.toFixed(1)}ms`,
      );
    });
    next();
  };
}

/**
 * The only routes whose action reads a JSON body (`METHOD path`). Every other request's body is left
 * unread, so a body sent where none is expected cannot earn an undocumented 400, 413 or 415; an
 * import's body (or its dry run's) is read as a stream by its action (http/importBody.ts) once the
 * token policy and the group check have passed, so nobody can make the server read hundreds of
 * megabytes before a 401 or 403.
 */
const JSON_BODY_ROUTES = new Set<string>([
  `POST ${API_PATHS.login}`,
  `PUT ${API_PATHS.notificationsRead}`,
  `PATCH ${API_PATHS.accountNotifications}`,
]);

/** Every JSON body the API reads is a login or a notification update. */
const SMALL_BODY_LIMIT = '1mb';

/**
 * JSON bodies of the routes that read one, of 1 MB at most. A malformed or oversized body gets a
 * 4xx `{ message }` instead of an HTML error page.
 */
export function jsonBody(): Middleware {
  const parser = bodyParser.json({ limit: SMALL_BODY_LIMIT }) as unknown as Middleware;
  return (req, res, next) => {
    if (!JSON_BODY_ROUTES.has(`${req.method} ${routedPath(req.url)}`)) return next();
    parser(req, res, (error?: unknown) => {
      if (!error) return next();
      sendError(res, bodyError(error));
    });
  };
}

/** A URL's path as the router matches it: case-insensitive, with or without a trailing slash. */
function routedPath(url: string): string {
  const path = url.split('?')[0].toLowerCase();
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** The domain error a body parser failure stands for. */
function bodyError(error: unknown): Error {
  const { type, status } = error as { type?: string; status?: number };
  if (type === 'entity.too.large')
    return new TooLargeError(`Request body is larger than the ${SMALL_BODY_LIMIT} limit.`);
  if (type === 'entity.parse.failed') return new InvalidInputError('Request body is not valid JSON.');
  if (status === 415) return new UnsupportedMediaTypeError('Request body could not be read.');
  return new InvalidInputError('Request body could not be read.');
}

/** Why a local report link is refused, for the person who followed it. */
const REFUSED_LINK = {
  invalid: 'This report link is not valid. Open the import again for a fresh link.',
  expired: 'This report link has expired. Open the import again for a fresh link.',
} as const;

/**
 * Serves the local report files read-only, each only through a signed, unexpired link (as Azure
 * serves them through SAS URLs): GET/HEAD only, no directory listing, no dotfiles, and nothing outside
 * the uploads folder (serve-static resolves and confines the path). With Azure storage, none at all.
 * `reports` says, at request time, where the reports are (the running service's storage and folder).
 */
export function localUploads(reports: () => { storage: ReportStorage; folder: string }): Middleware {
  let serve: Middleware | undefined;
  return (req, res, next) => {
    const url = req.url;
    if (!url.startsWith(`${LOCAL_UPLOADS_ROUTE}/`)) return next();
    const [rawPath, query = ''] = url.slice(LOCAL_UPLOADS_ROUTE.length).split(/\?(.*)/s);
    const { storage, folder } = reports();
    if (rawPath.endsWith(PARTIAL_SUFFIX) || !storage.checkLink)
      return sendError(res, new NotFoundError('File not found.'));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.status(405).json({ message: 'Local uploads are read-only.' });
      return;
    }
    // decodablePath() ran first: the path decodes.
    const check = storage.checkLink(decodeURIComponent(rawPath), new URLSearchParams(query));
    if (check !== 'valid') return sendError(res, new ForbiddenError(REFUSED_LINK[check]));
    serve ??= serveStatic(path.resolve(folder), {
      index: false,
      dotfiles: 'deny',
      fallthrough: false,
      redirect: false,
      setHeaders: (response, file) => {
        if (file.endsWith('.csv')) response.setHeader('Content-Type', 'text/csv; charset=utf-8');
        response.setHeader('Content-Disposition', `attachment; filename="${path.basename(file)}"`);
      },
    }) as unknown as Middleware;
    req.url = url.slice(LOCAL_UPLOADS_ROUTE.length);
    serve(req, res, (error?: unknown) => {
      req.url = url;
      const status = (error as { status?: number } | undefined)?.status;
      sendError(
        res,
        status === 403 ? new ForbiddenError('Forbidden.') : new NotFoundError('File not found.'),
      );
    });
  };
}

/** Serves one folder of an installed package under a URL prefix (the docs UI). */
export function packageFiles(prefix: string, folder: string): Middleware {
  const serve = serveStatic(folder, {
    index: false,
    fallthrough: true,
    redirect: false,
  }) as unknown as Middleware;
  return (req, res, next) => {
    if (!req.url.startsWith(`${prefix}/`)) return next();
    const url = req.url;
    req.url = url.slice(prefix.length);
    serve(req, res, () => {
      req.url = url;
      next();
    });
  };
}
