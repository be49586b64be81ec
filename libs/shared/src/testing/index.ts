export { createTestEnvironment, type TestEnvironment } from './test-environment';
export { openTestDataSource, type TestDataSource } from './test-data-source';
export { transactionsRace, itRacesOnPostgres, describeRacesOnPostgres } from './races';
export { specRelay } from './spec-relay';
