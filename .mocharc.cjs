// TypeScript tests run through tsx; the root hooks start one PostgreSQL and a migrated template.
module.exports = {
  spec: ['test/**/*.test.ts'],
  extension: ['ts'],
  'node-option': ['import=tsx'],
  require: ['test/hooks.ts'],
  timeout: 60000,
  slow: 2000,
  exit: true,
};
