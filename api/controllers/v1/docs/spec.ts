import path from 'node:path';
import { staticFileAction } from '../../../lib/http/staticFile';

/** GET /api/v1/docs/swagger.yaml: the OpenAPI 3 description, raw. */
export = staticFileAction(path.resolve(__dirname, '../../../../assets/swaggerV1.yaml'), 'application/yaml');
