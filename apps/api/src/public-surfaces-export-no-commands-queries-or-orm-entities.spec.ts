import { Command, Query } from '@nestjs/cqrs';
import { getMetadataArgsStorage } from 'typeorm';
import * as identity from '#monay/identity';
import * as insights from '#monay/insights';
import * as ledger from '#monay/ledger';
import * as providers from '#monay/providers';
import * as realtime from '#monay/realtime';
import * as transfers from '#monay/transfers';
import * as wallet from '#monay/wallet';

/**
 * One way between contexts (docs/architecture.md, Contexts and their public surfaces): another context is called
 * through the public services its index exports, never by dispatching its commands or queries, and it never sees
 * its tables. So no index exports a command or query class, nor an ORM entity.
 */
describe('the contexts’ public surfaces', () => {
  const surfaces = { identity, insights, ledger, providers, realtime, transfers, wallet };
  const entities = new Set(getMetadataArgsStorage().tables.map((table) => table.target));

  it.each(Object.entries(surfaces))('%s exports no command, query or ORM entity', (_name, surface) => {
    const offending = Object.entries(surface as Record<string, unknown>)
      .filter(
        ([, value]) =>
          typeof value === 'function' &&
          (value.prototype instanceof Command || value.prototype instanceof Query || entities.has(value)),
      )
      .map(([key]) => key);
    expect(offending).toEqual([]);
  });
});
