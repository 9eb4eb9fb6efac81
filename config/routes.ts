import { API_PATHS } from '../api/lib/http/paths';

/** Every route is explicit (blueprints are off). Actions live in api/controllers/<path>.ts. */
export = {
  routes: {
    [`POST ${API_PATHS.login}`]: 'v1/auth/login',
    'GET /api/v1/health': 'v1/health/check',
    [`POST ${API_PATHS.importRows}`]: 'v1/entrance/import-rows',
    [`POST ${API_PATHS.checkRows}`]: 'v1/entrance/check-rows',
    [`GET ${API_PATHS.jobs}`]: 'v1/job/find',
    [`GET ${API_PATHS.jobs}/:batchId`]: 'v1/job/find-one',
    [`GET ${API_PATHS.jobs}/:batchId/events`]: 'v1/job/events',
    [`POST ${API_PATHS.jobs}/:batchId/cancel`]: 'v1/job/cancel',
    [`POST ${API_PATHS.jobs}/:batchId/revert`]: 'v1/job/revert',
    [`POST ${API_PATHS.jobs}/:batchId/reports`]: 'v1/job/rebuild-reports',
    [`GET ${API_PATHS.entranceDuplicates}`]: 'v1/entrance-duplicate/find',
    // skipAssets off: Sails would otherwise hand `/…/1.5` to the static files, not to the action's 404.
    [`GET ${API_PATHS.entranceDuplicates}/:id`]: {
      action: 'v1/entrance-duplicate/find-one',
      skipAssets: false,
    },
    [`DELETE ${API_PATHS.entranceDuplicates}`]: 'v1/entrance-duplicate/delete-many',
    [`DELETE ${API_PATHS.entranceDuplicates}/:id`]: 'v1/entrance-duplicate/delete-one',
    'POST /api/v1/entrances/from-duplicate/:id': 'v1/entrance/from-duplicate',
    'GET /api/v1/notifications/unread/count': 'v1/notification/count-unread',
    'GET /api/v1/notifications': 'v1/notification/find',
    [`PUT ${API_PATHS.notificationsRead}`]: 'v1/notification/mark-as-read-batch',
    'POST /api/v1/notifications/:id/read': 'v1/notification/mark-as-read',
    [`GET ${API_PATHS.accountNotifications}`]: 'v1/account/get-notifications',
    [`PATCH ${API_PATHS.accountNotifications}`]: 'v1/account/update-notifications',
    'GET /api/v1/docs': 'v1/docs/ui',
    'GET /api/v1/docs/swagger.yaml': 'v1/docs/spec',
  },
};
