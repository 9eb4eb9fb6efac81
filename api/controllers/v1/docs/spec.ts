import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Request, Response } from '../../../../types/http';
import { action } from '../../../lib/http/errors';

const SPEC_FILE = path.resolve(__dirname, '../../../../assets/swaggerV1.yaml');

/** GET /api/v1/docs/swagger.yaml: the OpenAPI 3 description, raw. */
export = action(async (_req: Request, res: Response) => {
  res
    .type('application/yaml')
    .status(200)
    .send(await readFile(SPEC_FILE, 'utf8'));
});
