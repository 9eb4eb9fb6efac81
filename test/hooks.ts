import { startDatabaseServer, stopDatabaseServer } from './support/database';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    await startDatabaseServer();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopDatabaseServer();
  },
};
