import path from 'node:path';
import { staticFileAction } from '../../../lib/http/staticFile';

/** GET /api/v1/docs: Swagger UI over assets/swaggerV1.yaml. */
export = staticFileAction(path.resolve(__dirname, '../../../../assets/api-docs/index.html'), 'html');
