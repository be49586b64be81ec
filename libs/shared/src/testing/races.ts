/**
 * Tests about transactions racing (two debits of one wallet, a post and a void of one hold) prove something only
 * where transactions really run side by side: on PostgreSQL (`DATABASE_URL`). The embedded database runs one
 * transaction at a time, where they would pass without racing; there they are skipped, and the title says why.
 */
export const transactionsRace = Boolean(process.env.DATABASE_URL);

const REASON = ' [races on PostgreSQL only: the embedded database runs one transaction at a time]';

export const itRacesOnPostgres = (name: string, fn: jest.ProvidesCallback, timeout?: number): void =>
  (transactionsRace ? it : it.skip)(`${name}${transactionsRace ? '' : REASON}`, fn, timeout);

export const describeRacesOnPostgres = (name: string, fn: () => void): void =>
  (transactionsRace ? describe : describe.skip)(`${name}${transactionsRace ? '' : REASON}`, fn);
