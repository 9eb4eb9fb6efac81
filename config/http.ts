import path from 'node:path';
import { serviceContext } from '../api/lib/context';
import { readSettings } from '../api/lib/core/settings';
import {
  decodablePath,
  jsonBody,
  localUploads,
  packageFiles,
  requestLog,
  securityHeaders,
} from '../api/lib/http/middleware';

const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

/** The middleware chain, in order. Static files (`www`) come after the router, so routes win. */
export = {
  http: {
    middleware: {
      order: [
        'securityHeaders',
        'requestLog',
        'decodablePath',
        'bodyParser',
        'compress',
        'localUploads',
        'docsFiles',
        'router',
        'www',
        'favicon',
      ],
      securityHeaders: securityHeaders(),
      requestLog: requestLog(),
      decodablePath: decodablePath(),
      bodyParser: jsonBody(),
      localUploads: localUploads(() => {
        const { storage, settings } = serviceContext();
        return { storage, folder: settings.storage.localDir };
      }),
      // Swagger UI's scripts and styles for /api/v1/docs, from node_modules: no CDN.
      docsFiles: packageFiles('/api/v1/docs', packageDir('swagger-ui-dist')),
    },
    // Only behind a proxy that sets X-Forwarded-For: otherwise a client could choose its own address,
    // and the per-address login limit would count nothing.
    trustProxy: readSettings().trustProxy,
  },
};
