/** CORS for a front end served elsewhere: CORS_ORIGINS is a comma-separated list of origins. */
const origins = (process.env.CORS_ORIGINS ?? '')
  .split(',')
  .map((origin) => origin.trim())
  .filter(Boolean);

export = {
  security: {
    cors: {
      allRoutes: origins.length > 0,
      allowOrigins: origins,
      allowCredentials: false,
      allowRequestHeaders: 'content-type,authorization',
      allowResponseHeaders: 'location',
    },
    csrf: false,
  },
};
