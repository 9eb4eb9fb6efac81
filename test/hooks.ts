import { takeViolations, unexercisedResponses } from './support/contract';
import { startDatabaseServer, stopDatabaseServer } from './support/database';

/** The whole suite ran (no --grep, no chosen files): only then must every documented status be seen. */
const fullRun = !process.argv
  .slice(2)
  .some((arg) => /^(-g|--grep|-f|--fgrep|--invert)$/.test(arg) || arg.endsWith('.ts'));

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    await startDatabaseServer();
  },
  async afterEach() {
    const violations = await takeViolations();
    if (violations.length) {
      throw new Error(`Responses that do not match assets/swaggerV1.yaml:\n  ${violations.join('\n  ')}`);
    }
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopDatabaseServer();
    const missing = unexercisedResponses();
    if (fullRun && missing.length) {
      throw new Error(`Documented responses no test exercised:\n  ${missing.join('\n  ')}`);
    }
  },
};
