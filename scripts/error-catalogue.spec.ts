import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCatalogue, renderErrorCatalogue } from './error-catalogue';

const root = join(__dirname, '..');

describe('docs/errors.md', () => {
  const entries = errorCatalogue(root);

  it('lists every error code of the source, with its status (regenerate with `npm run docs:errors`)', () => {
    expect(readFileSync(join(root, 'docs', 'errors.md'), 'utf8')).toBe(renderErrorCatalogue(entries));
  });

  it('gives each code one status and says what it means', () => {
    expect(entries.find((e) => e.code === 'INSUFFICIENT_FUNDS')).toMatchObject({ status: 422 });
    expect(entries.find((e) => e.code === 'IDEMPOTENCY_CONFLICT')).toMatchObject({ status: 409 });
    expect(entries.filter((e) => !e.meaning).map((e) => e.code)).toEqual([]);
  });
});
