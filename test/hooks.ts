import { takeViolations, unexercisedResponses } from './support/contract';
import { startDatabaseServer, stopDatabaseServer } from './support/database';

/**
 * The whole suite ran: no --grep, and no test file named on the command line (mocha hands its own
 * `spec` glob to the process, so a glob does not count). Only then must every documented status be seen.
 */
const args = process.argv.slice(2);
const fullRun =
  !args.some((arg) => /^(-g|--grep|-f|--fgrep|--invert)$/.test(arg)) &&
  args.filter((arg) => arg.endsWith('.test.ts')).every((arg) => arg.includes('*'));

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
