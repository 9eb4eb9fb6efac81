import { API_PATHS } from '../api/lib/http/paths';

/** Every route is explicit (blueprints are off). Actions live in api/controllers/<path>.ts. */
export = {
  routes: {
    'POST /api/v1/login': 'v1/auth/login',
    'GET /api/v1/health': 'v1/health/check',
    [`POST ${API_PATHS.importRows}`]: 'v1/entrance/import-rows',
    [`GET ${API_PATHS.jobs}`]: 'v1/job/find',
    [`GET ${API_PATHS.jobs}/:batchId`]: 'v1/job/find-one',
    'GET /api/v1/notifications': 'v1/notification/find',
    'PATCH /api/v1/notifications/:id': 'v1/notification/update',
    'GET /api/v1/docs': 'v1/docs/ui',
    'GET /api/v1/docs/swagger.yaml': 'v1/docs/spec',
  },
};
