/**
 * The API's paths that code other than config/routes.ts must know: the body parser (which route may
 * carry a large body) and the answers that link to a job.
 */
export const API_PATHS = Object.freeze({
  importRows: '/api/v1/entrances/import-rows',
  jobs: '/api/v1/jobs',
});

/** The relative URL of a batch's status, as `statusUrl` and `Location` give it. */
export function jobStatusPath(batchId: string): string {
  return `${API_PATHS.jobs}/${batchId}`;
}
