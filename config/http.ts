import path from 'node:path';
import { jsonBody, localUploads, packageFiles, requestLog } from '../api/lib/http/middleware';

const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

/** The middleware chain, in order. Static files (`www`) come after the router, so routes win. */
export = {
  http: {
    middleware: {
      order: [
        'requestLog',
        'bodyParser',
        'compress',
        'localUploads',
        'vendorFiles',
        'docsFiles',
        'router',
        'www',
        'favicon',
      ],
      requestLog: requestLog(),
      bodyParser: jsonBody(),
      localUploads: localUploads(),
      // The browser-side CSV parser of the admin page, from node_modules: no CDN.
      vendorFiles: packageFiles('/vendor', packageDir('papaparse')),
      // Swagger UI's scripts and styles for /api/v1/docs, from node_modules as well.
      docsFiles: packageFiles('/api/v1/docs', packageDir('swagger-ui-dist')),
    },
    trustProxy: true,
  },
};
