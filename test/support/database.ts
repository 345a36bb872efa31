import { createScratchDatabase, SCRATCH_PG_URL, type ScratchDatabase } from '../../bench/support/scratch-servers.js';

/** The server integration tests run on; each test file gets a database of its own, dropped afterwards. */
export const TEST_PG_URL = SCRATCH_PG_URL;

export type TestDatabase = ScratchDatabase;

export function createTestDatabase(area: string): Promise<TestDatabase> {
  return createScratchDatabase('t', area);
}

/** A plain client on a test database, for assertions that read what the app wrote. */
export { connect } from '../../bench/support/scratch-servers.js';
