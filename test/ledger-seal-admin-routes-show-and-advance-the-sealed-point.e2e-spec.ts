import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { verifyLedgerSeals } from '#monay/ledger';
import { JobBackend, JobName, OutboxRelay, QueueName } from '#monay/shared';
import { adminHeader, registerAdmin } from './support/admin';
import { auth, deposit, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

describe('ledger seal: admins see the sealed point of the journal and can seal now', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    t = await startTestApp();
    admin = adminHeader(await registerAdmin(t));
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    await deposit(t, alice, '10.00');
    // The app also seals every minute; this file counts what its own runs seal, so it stops that schedule
    // (declared at start-up, long done by now) and its next run. A slow run once crossed a minute here.
    const ledgerJobs = t.app.get(JobBackend).queue(QueueName.Ledger);
    await ledgerJobs.removeJobScheduler(JobName.SealLedger);
    expect(await ledgerJobs.getJobScheduler(JobName.SealLedger)).toBeUndefined();
  });
  afterAll(() => t.close());

  const send = (amount: string) =>
    t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ to: bob.email, amount })
      .expect(201);

  it('keeps the routes for admins', async () => {
    await t.http().get('/api/admin/ledger/seal').expect(401);
    const refused = await t.http().get('/api/admin/ledger/seal').set(auth(alice)).expect(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    await t.http().post('/api/admin/ledger/seal').set(auth(alice)).expect(403);
  });

  it('seals what was committed, shows the sealed point, and seals nothing new when run again', async () => {
    await send('1.00');
    await send('2.00');
    // The points those transfers earn are ledger transactions too, booked when the relay applies their events.
    await t.app.get(OutboxRelay).waitUntilPublished();
    const run = await t.http().post('/api/admin/ledger/seal').set(admin).expect(200);
    expect(run.body.run.transactions).toBeGreaterThanOrEqual(3); // the deposit and both transfers (and points)
    expect(run.body.run.deferred).toBe(false);
    // The last transaction of the journal (journal order: by each transaction's first entry).
    const [{ id: lastLedgerTransaction }] = (await t.app.get(DataSource).query(
      `SELECT e.transaction_id AS id FROM ledger_entries e
        WHERE NOT EXISTS (SELECT 1 FROM ledger_entries p WHERE p.transaction_id = e.transaction_id AND p.id < e.id)
        ORDER BY e.id DESC LIMIT 1`,
    )) as Array<{ id: string }>;
    const shown = await t.http().get('/api/admin/ledger/seal').set(admin).expect(200);
    expect(shown.body.seal).toEqual({
      block: run.body.run.latestBlock,
      lastTransactionId: lastLedgerTransaction,
      sealedThrough: run.body.run.sealedThrough,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      sealedAt: expect.any(String),
      unsealed: 0,
    });

    const again = await t.http().post('/api/admin/ledger/seal').set(admin).expect(200);
    expect(again.body.run).toMatchObject({ blocks: 0, transactions: 0, latestBlock: shown.body.seal.block });

    await send('0.50'); // below a dollar: it earns no points, so it is the one new transaction
    await t.app.get(OutboxRelay).waitUntilPublished();
    expect((await t.http().get('/api/admin/ledger/seal').set(admin).expect(200)).body.seal.unsealed).toBe(1);
    expect(await verifyLedgerSeals(t.app.get(DataSource).manager)).toMatchObject({ ok: true });
  });
});
