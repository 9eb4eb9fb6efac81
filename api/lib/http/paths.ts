/**
 * The API's paths that code other than config/routes.ts must know: the body parser (which routes
 * read a JSON body, which ones a whole file) and the answers that link to a job.
 */
export const API_PATHS = Object.freeze({
  login: '/api/v1/login',
  notificationsRead: '/api/v1/notifications/read',
  accountNotifications: '/api/v1/account/notifications',
  importRows: '/api/v1/entrances/import-rows',
  checkRows: '/api/v1/entrances/check-rows',
  jobs: '/api/v1/jobs',
  entranceDuplicates: '/api/v1/entrance-duplicates',
});

/** The relative URL of a batch's status, as `statusUrl` and `Location` give it. */
export function jobStatusPath(batchId: string): string {
  return `${API_PATHS.jobs}/${batchId}`;
}

/** Where a batch's duplicates can be reviewed: the duplicates list narrowed to it. */
export function batchDuplicatesPath(batchId: string): string {
  return `${API_PATHS.entranceDuplicates}?batchId=${batchId}`;
}
