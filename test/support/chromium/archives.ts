/**
 * Reading the compressed files @sparticuz/chromium ships (bin/*.br): a Brotli-compressed binary and
 * Brotli-compressed tar files. Each function writes only new files (never over an existing one) and
 * returns the files it wrote with the sizes they must have, which the caller checks once all are done.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';

/** Decompresses a Brotli file; returns the size it must have. */
export async function decompress(source: string, destination: string): Promise<Array<[string, number]>> {
  await pipeline(
    createReadStream(source),
    createBrotliDecompress(),
    createWriteStream(destination, { mode: 0o700, flags: 'wx' }),
  );
  return [[path.basename(destination), (await fs.stat(destination)).size]];
}

interface TarHeader {
  name: string;
  size: number;
  type: string;
}

/** The part of tar-fs (the package's own dependency, which its `inflate` uses) needed here. */
export interface TarFs {
  extract(
    cwd: string,
    options: {
      chown: boolean;
      map: (header: TarHeader) => TarHeader;
      ignore: (name: string, header?: TarHeader) => boolean;
    },
  ): NodeJS.WritableStream;
}

/**
 * Extracts a Brotli-compressed tar file into `destination` (known as `prefix` inside the staging
 * folder), files and folders only and without taking the archive's owners; returns the files with the
 * sizes their headers give.
 */
export function extract(
  tarFs: TarFs,
  archive: string,
  destination: string,
  prefix: string,
): Promise<Array<[string, number]>> {
  const files: Array<[string, number]> = [];
  const rejected: string[] = [];
  return new Promise((resolve, reject) => {
    const source = createReadStream(archive);
    const brotli = createBrotliDecompress();
    const target = tarFs.extract(destination, {
      chown: false,
      map: (header) => {
        if (header.type === 'file') files.push([path.posix.join(prefix, header.name), header.size]);
        return header;
      },
      ignore: (name, header) => {
        const unwanted = header !== undefined && header.type !== 'file' && header.type !== 'directory';
        if (unwanted) rejected.push(`${name} (${header.type})`);
        return unwanted;
      },
    });
    const fail = (error: Error) => {
      source.destroy();
      brotli.destroy();
      reject(error);
    };
    source.once('error', fail);
    brotli.once('error', fail);
    target.once('error', fail);
    target.once('finish', () => {
      if (rejected.length > 0) reject(new Error(`unexpected entries in ${archive}: ${rejected.join(', ')}`));
      else resolve(files);
    });
    source.pipe(brotli).pipe(target);
  });
}
