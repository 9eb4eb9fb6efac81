import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Request, Response } from '../../../../types/http';
import { action } from '../../../lib/http/errors';

const PAGE = path.resolve(__dirname, '../../../../assets/api-docs/index.html');

/** GET /api/v1/docs: Swagger UI over assets/swaggerV1.yaml. */
export = action(async (_req: Request, res: Response) => {
  res
    .type('html')
    .status(200)
    .send(await readFile(PAGE, 'utf8'));
});
