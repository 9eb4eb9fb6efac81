/**
 * Default deny: an action missing from this list answers 403. `tokenAuth` answers 401 for a missing,
 * malformed, badly signed or expired token; finer checks (administrator, owner) are the actions' own.
 */
export = {
  policies: {
    '*': false,
    'v1/auth/login': true,
    'v1/health/check': true,
    'v1/docs/ui': true,
    'v1/docs/spec': true,
    'v1/entrance/import-rows': 'tokenAuth',
    'v1/entrance/check-rows': 'tokenAuth',
    'v1/job/find': 'tokenAuth',
    'v1/job/find-one': 'tokenAuth',
    'v1/job/events': 'tokenAuth',
    'v1/job/cancel': 'tokenAuth',
    'v1/job/revert': 'tokenAuth',
    'v1/job/rebuild-reports': 'tokenAuth',
    'v1/entrance-duplicate/find': 'tokenAuth',
    'v1/entrance-duplicate/find-one': 'tokenAuth',
    'v1/entrance-duplicate/delete-many': 'tokenAuth',
    'v1/entrance-duplicate/delete-one': 'tokenAuth',
    'v1/entrance/from-duplicate': 'tokenAuth',
    'v1/notification/find': 'tokenAuth',
    'v1/notification/count-unread': 'tokenAuth',
    'v1/notification/mark-as-read': 'tokenAuth',
    'v1/notification/mark-as-read-batch': 'tokenAuth',
    'v1/account/get-notifications': 'tokenAuth',
    'v1/account/update-notifications': 'tokenAuth',
  },
};
