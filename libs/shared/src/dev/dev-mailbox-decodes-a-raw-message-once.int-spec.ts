import type { AppConfig } from '../config/app-config';
import { openTestDataSource, type TestDataSource } from '../testing';
import { DevMailbox } from './dev-mailbox';

describe('the dev mailbox keeps a message raw and decodes it once, when it is read', () => {
  let db: TestDataSource;
  let mailbox: DevMailbox;
  const decoded: string[] = [];

  beforeAll(async () => {
    db = await openTestDataSource([]);
    mailbox = new DevMailbox({ env: 'test' } as AppConfig, db.dataSource);
    mailbox.decodeRawWith(async (raw) => {
      if (raw.toString('utf8') === 'garbled') throw new Error('not a message');
      decoded.push(raw.toString('utf8'));
      return { subject: 'Hello', text: `text of ${raw.toString('utf8')}`, html: '<p>hi</p>', meta: { kind: 'k' } };
    });
  });
  afterAll(() => db.close());

  it('answers the decoded message on every read, decoding it only on the first', async () => {
    await mailbox.recordRaw('email', ['Raw@Example.com', 'other@example.com'], Buffer.from('raw-1'));
    const first = await mailbox.list('raw@example.com');
    expect(first).toEqual([
      expect.objectContaining({
        channel: 'email',
        to: 'raw@example.com',
        subject: 'Hello',
        text: 'text of raw-1',
        html: '<p>hi</p>',
        meta: { kind: 'k' },
      }),
    ]);
    expect(decoded).toEqual(['raw-1']);
    expect(await mailbox.list('raw@example.com')).toEqual(first);
    expect(decoded).toEqual(['raw-1']);
    // The other recipient's copy is its own row, decoded when read.
    expect((await mailbox.list('other@example.com'))[0]).toMatchObject({ text: 'text of raw-1' });
    expect(decoded).toEqual(['raw-1', 'raw-1']);
    const [{ raw }] = (await db.dataSource.query(
      `SELECT count(*)::int AS raw FROM dev_mailbox WHERE raw IS NOT NULL`,
    )) as Array<{ raw: number }>;
    expect(raw).toBe(0);
  });

  it('lists a message it cannot decode as it is, without failing the others', async () => {
    await mailbox.recordRaw('email', ['mixed@example.com'], Buffer.from('raw-2'));
    await mailbox.recordRaw('email', ['mixed@example.com'], Buffer.from('garbled'));
    const listed = await mailbox.list('mixed@example.com');
    expect(listed.map((message) => message.text)).toEqual(['', 'text of raw-2']);
    expect(listed[0].meta).toEqual({});
  });
});
