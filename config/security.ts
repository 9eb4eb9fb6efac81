import { readSettings } from '../api/lib/core/settings';

/** CORS for a front end served from another origin (CORS_ORIGINS); no CSRF: the API takes bearer tokens. */
const { corsOrigins } = readSettings();

export = {
  security: {
    cors: {
      allRoutes: corsOrigins.length > 0,
      allowOrigins: corsOrigins,
      allowCredentials: false,
      allowRequestHeaders: 'content-type,authorization,idempotency-key',
      allowResponseHeaders: 'location,idempotent-replayed,retry-after,content-range',
    },
    csrf: false,
  },
};
