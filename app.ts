/**
 * Entry point: `npm start` (API + workers), `npm run worker` (workers only, no HTTP), and
 * `API_ONLY=true npm start` (HTTP only). Stops cleanly on SIGINT/SIGTERM.
 */

import { ConfigurationError, coerceError } from './api/lib/core/errors';
import { createLogger } from './api/lib/core/log';
import { readSettings } from './api/lib/core/settings';
import { startService } from './api/lib/service';

const log = createLogger('app');

async function main(): Promise<void> {
  const workerOnly = process.argv.includes('--worker-only');
  const settings = readSettings();
  if (workerOnly) settings.queue.workers = true;
  const service = await startService({ settings, http: !workerOnly });
  log.info(
    workerOnly
      ? 'Worker-only process started'
      : `Listening on ${settings.publicUrl} (health: ${settings.publicUrl}/api/v1/health, admin page: ${settings.publicUrl}/import/)`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received: stopping`);
    // Running chunks get their grace period inside stop(); past this bound the process exits anyway,
    // and the queue retries whatever was still running once its expiry passes.
    const deadline = setTimeout(() => {
      log.error('Shutdown took longer than 30 s: exiting now');
      process.exit(1);
    }, 30_000);
    deadline.unref();
    await service.stop();
    process.exit(0);
  };
  // A backstop: a promise that fails with nobody awaiting it is a bug to log, not a reason to stop
  // the imports and the API this process serves (Node would exit).
  process.on('unhandledRejection', (reason) => {
    log.error('Unhandled promise rejection', { error: coerceError(reason) });
  });
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
  } else {
    process.stderr.write(
      `Could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
