import { readFile } from 'node:fs/promises';
import type { Request, Response } from '../../../types/http';
import { action } from './errors';

/** An action that answers one file of the app with its content type (the API docs page, the spec). */
export function staticFileAction(file: string, contentType: string) {
  return action(async (_req: Request, res: Response) => {
    res
      .type(contentType)
      .status(200)
      .send(await readFile(file, 'utf8'));
  });
}
