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
        'router',
        'www',
        'favicon',
      ],
      requestLog: requestLog(),
      bodyParser: jsonBody(),
      localUploads: localUploads(),
      // The browser-side CSV parser of the admin page, from node_modules: no CDN.
      vendorFiles: packageFiles('/vendor', packageDir('papaparse')),
    },
    trustProxy: true,
  },
};
