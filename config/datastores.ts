/** The URL is given at lift time by api/lib/service.ts (it may be an embedded server's). */
export = {
  datastores: {
    default: { adapter: 'sails-postgresql' },
  },
};
