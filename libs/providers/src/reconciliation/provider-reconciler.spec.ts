import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LedgerReport, LedgerService } from '#monay/ledger';
import type { CurrencyCode } from '#monay/kernel';
import type { JobQueue, OutboxMessage, OutboxRelay, OutboxWriter, UnitOfWork } from '#monay/shared';
import type {
  ReconciliationFindings,
  ReconciliationOutcome,
  ReconciliationReportView,
  ReconciliationTrigger,
} from '../domain/reconciliation';
import { ProviderUnavailableError } from '../domain/providers.errors';
import type { ProviderName, ProviderTransaction } from '../domain/stablecoin-provider.port';
import type { ReconciliationRepository, UnsettledMovement } from './reconciliation.repository';
import type { ProviderCallGuard } from '../routing/provider-call-guard';
import { FakeProvider } from '../routing/testing/fake-provider';
import { MAX_ATTEMPTS, ProviderReconciler, type LedgerInvariantCheck } from './provider-reconciler';

const TX = {} as EntityManager;

/** The repository's behaviour, in memory. */
class InMemoryReports {
  readonly reports = new Map<string, ReconciliationReportView>();
  readonly balances = new Map<string, bigint>();
  unsettled: UnsettledMovement[] = [];
  snapshots = 0;
  failSnapshot = false;

  async snapshot<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    this.snapshots += 1;
    if (this.failSnapshot) throw new Error('connection terminated');
    return work(TX);
  }

  async unsettledMovements(): Promise<UnsettledMovement[]> {
    return this.unsettled;
  }

  async insertRunning(id: string, trigger: ReconciliationTrigger): Promise<boolean> {
    if (this.reports.has(id)) return false;
    this.reports.set(id, {
      id,
      trigger,
      status: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      discrepancyCount: 0,
      attempts: 0,
      providers: [],
      ledger: null,
      discrepancies: [],
    });
    return true;
  }

  async finish(
    _tx: EntityManager,
    id: string,
    status: ReconciliationOutcome,
    findings: ReconciliationFindings,
    discrepancyCount: number,
  ): Promise<ReconciliationReportView | null> {
    const report = this.reports.get(id);
    if (!report || report.status !== 'running') return null;
    const finished = {
      ...report,
      ...findings,
      status,
      discrepancyCount,
      finishedAt: new Date().toISOString(),
    };
    this.reports.set(id, finished);
    return finished;
  }

  async find(id: string): Promise<ReconciliationReportView | null> {
    return this.reports.get(id) ?? null;
  }

  async latestFinished(): Promise<ReconciliationReportView | null> {
    const finished = [...this.reports.values()].filter((report) => report.finishedAt !== null);
    return finished.at(-1) ?? null;
  }

  async upsertBalances(
    _tx: EntityManager,
    provider: ProviderName,
    balances: ReadonlyArray<{ currency: CurrencyCode; amount: bigint }>,
  ): Promise<void> {
    for (const balance of balances) this.balances.set(`${provider}:${balance.currency}`, balance.amount);
  }
}

const cleanLedger: LedgerReport = {
  ok: true,
  checkedAt: new Date(0).toISOString(),
  counts: { accounts: 0, transactions: 0, entries: 0, pendingHolds: 0 },
  breaches: [],
};

function setUp() {
  const providers = {
    tempo: FakeProvider.of('tempo'),
    circle: FakeProvider.of('circle'),
    monay: FakeProvider.of('monay'),
  };
  /** What each provider reports, `${provider}:${currency}` → minor units. */
  const reported = new Map<string, bigint>();
  /** Clearing account balances in the ledger, `${provider}:${currency}` → minor units. */
  const clearing = new Map<string, bigint>();
  /** What each provider knows, by idempotency key. */
  const known = new Map<string, ProviderTransaction>();
  const balanceCalls: ProviderName[] = [];
  for (const provider of Object.values(providers)) {
    provider.getBalances = async () => {
      balanceCalls.push(provider.name);
      return [...reported]
        .filter(([key]) => key.startsWith(`${provider.name}:`))
        .map(([key, amount]) => ({ currency: key.split(':')[1] as CurrencyCode, amount }));
    };
    provider.onStatus = async (key) => {
      const transaction = known.get(key);
      return transaction?.provider === provider.name ? transaction : null;
    };
  }
  const repository = new InMemoryReports();
  const ledger = {
    systemBalance: async (_tx: EntityManager, currency: string, kind: string, qualifier: string) => {
      expect(kind).toBe('provider_clearing');
      return clearing.get(`${qualifier}:${currency}`) ?? 0n;
    },
  };
  let ledgerReport = cleanLedger;
  const invariants = { verify: async () => ledgerReport };
  const guard = { run: <T>(_call: unknown, work: () => Promise<T>) => work() };
  const uow = { run: <T>(work: (tx: EntityManager) => Promise<T>) => work(TX), manager: TX };
  const events: OutboxMessage[] = [];
  const outbox = {
    append: async (_tx: EntityManager, messages: OutboxMessage[]) => {
      events.push(...messages);
      return messages.map(() => 'id');
    },
  };
  const relay = { nudge: jest.fn() };
  const jobs = { enqueue: jest.fn(async () => 'job') };
  const reconciler = new ProviderReconciler(
    Object.values(providers),
    guard as unknown as ProviderCallGuard,
    ledger as unknown as LedgerService,
    invariants as unknown as LedgerInvariantCheck,
    repository as unknown as ReconciliationRepository,
    uow as unknown as UnitOfWork,
    outbox as unknown as OutboxWriter,
    relay as unknown as OutboxRelay,
    jobs as unknown as JobQueue,
  );
  reconciler.recheckDelayMs = 1;
  /** Money the provider holds and the ledger mirrors. */
  const booked = (provider: ProviderName, currency: CurrencyCode, amount: bigint) => {
    reported.set(`${provider}:${currency}`, amount);
    clearing.set(`${provider}:${currency}`, -amount);
  };
  const completedAt = (
    provider: ProviderName,
    key: string,
    fields: Partial<ProviderTransaction> = {},
  ): ProviderTransaction => {
    const transaction: ProviderTransaction = {
      provider,
      providerTransactionId: `${provider}-${key}`,
      idempotencyKey: key,
      operation: 'deposit',
      status: 'completed',
      providerStatus: 'done',
      currency: 'USDC',
      amount: 0n,
      fee: 0n,
      createdAt: new Date(),
      ...fields,
    };
    known.set(key, transaction);
    return transaction;
  };
  const run = async () => reconciler.run(await reconciler.start('schedule'));
  return {
    providers,
    reported,
    clearing,
    known,
    balanceCalls,
    repository,
    events,
    relay,
    jobs,
    reconciler,
    booked,
    completedAt,
    run,
    setLedgerReport: (report: LedgerReport) => {
      ledgerReport = report;
    },
  };
}

const USDC = 'USDC' as const;

describe('ProviderReconciler', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));
  it('reports ok when every clearing account mirrors its provider, and syncs the reported balances', async () => {
    const w = setUp();
    w.booked('tempo', USDC, 24_975_000n);
    w.booked('circle', 'EURC', 3_000_000n);
    const report = await w.run();
    expect(report).toMatchObject({
      status: 'ok',
      discrepancyCount: 0,
      discrepancies: [],
      attempts: 1,
      ledger: { ok: true, breaches: [] },
    });
    expect(report.providers.map((p) => [p.name, p.reachable])).toEqual([
      ['tempo', true],
      ['circle', true],
      ['monay', true],
    ]);
    const tempo = report.providers[0];
    // Every currency Tempo supports, in registry order.
    expect(tempo.balances.map((line) => line.currency)).toEqual(['USDC', 'USDT', 'PYUSD', 'EURC']);
    expect(tempo.balances[0]).toEqual({
      currency: 'USDC',
      provider: '24.975',
      ledger: '-24.975',
      difference: '0.00',
      inTransit: '0.00',
      unexplained: '0.00',
      ok: true,
    });
    expect(w.repository.balances.get('tempo:USDC')).toBe(24_975_000n);
    expect(w.repository.balances.get('circle:EURC')).toBe(3_000_000n);
    expect(w.events).toEqual([]);
  });

  it('explains a difference by a movement the provider completed and we have not booked yet', async () => {
    const w = setUp();
    w.booked('tempo', USDC, 10_000_000n);
    // A deposit of 5 (fee 0.005) completed at Tempo, still processing on our side.
    w.completedAt('tempo', 'dep-1', { operation: 'deposit', amount: 5_000_000n, fee: 5_000n });
    w.reported.set('tempo:USDC', 10_000_000n + 4_995_000n);
    // A withdrawal of 2 (fee 1) completed at Circle, not booked yet.
    w.completedAt('circle', 'wd-1', { operation: 'withdraw', amount: 2_000_000n, fee: 1_000_000n });
    w.reported.set('circle:USDC', -3_000_000n);
    // Pending at Monay: not counted anywhere yet.
    w.completedAt('monay', 'wd-2', { operation: 'withdraw', amount: 7_000_000n, status: 'pending' });
    w.repository.unsettled = [
      { id: 'dep-1', kind: 'deposit', status: 'processing', currency: USDC, provider: 'tempo' },
      { id: 'wd-1', kind: 'withdrawal', status: 'processing', currency: USDC, provider: 'circle' },
      { id: 'wd-2', kind: 'withdrawal', status: 'processing', currency: USDC, provider: 'monay' },
    ];
    const report = await w.run();
    expect(report.status).toBe('ok');
    const line = (name: ProviderName) =>
      report.providers.find((p) => p.name === name)?.balances.find((b) => b.currency === USDC);
    expect(line('tempo')).toMatchObject({ difference: '4.995', inTransit: '4.995', ok: true });
    expect(line('circle')).toMatchObject({ difference: '-3.00', inTransit: '-3.00', ok: true });
    expect(line('monay')).toMatchObject({ difference: '0.00', inTransit: '0.00', ok: true });
    expect(report.providers.map((p) => p.inTransitMovements)).toEqual([['dep-1'], ['wd-1'], []]);
  });

  it('asks every provider that could have a movement no provider has confirmed taking yet', async () => {
    const w = setUp();
    w.completedAt('circle', 'dep-2', { operation: 'deposit', amount: 1_000_000n });
    w.reported.set('circle:USDC', 1_000_000n);
    w.repository.unsettled = [
      { id: 'dep-2', kind: 'deposit', status: 'pending', currency: USDC, provider: null },
    ];
    const report = await w.run();
    expect(report.status).toBe('ok');
    expect(report.providers.find((p) => p.name === 'circle')?.inTransitMovements).toEqual(['dep-2']);
    expect(w.providers.tempo.statusCalls).toBe(1);
    expect(w.providers.circle.statusCalls).toBe(1);
    expect(w.providers.monay.statusCalls).toBe(1);
  });

  it('asks a provider about a movement of a currency it does not support only if it is the provider of record', async () => {
    const w = setUp();
    w.repository.unsettled = [
      { id: 'p-1', kind: 'deposit', status: 'pending', currency: 'PYUSD', provider: null },
    ];
    await w.run();
    expect(w.providers.tempo.statusCalls).toBe(1);
    expect(w.providers.circle.statusCalls).toBe(0);
    expect(w.providers.monay.statusCalls).toBe(0);
  });

  it('reports a difference that is still there after every snapshot, exactly, with an event', async () => {
    const w = setUp();
    w.booked('tempo', USDC, 10_000_000n);
    // The provider holds 1.234567 more than the ledger explains.
    w.reported.set('tempo:USDC', 11_234_567n);
    const report = await w.run();
    expect(w.repository.snapshots).toBe(MAX_ATTEMPTS);
    expect(report).toMatchObject({ status: 'discrepancies', discrepancyCount: 1, attempts: MAX_ATTEMPTS });
    const discrepancy = {
      provider: 'tempo',
      currency: 'USDC',
      ledger: '-10.00',
      reported: '11.234567',
      difference: '1.234567',
      inTransit: '0.00',
      unexplained: '1.234567',
    };
    expect(report.discrepancies).toEqual([discrepancy]);
    expect(w.events).toEqual([
      {
        type: 'ReconciliationDiscrepancyFound',
        aggregateId: report.id,
        userIds: [],
        payload: {
          reportId: report.id,
          trigger: 'schedule',
          status: 'discrepancies',
          counts: { discrepancies: 1, ledgerBreaches: 0, unreachableProviders: 0 },
          discrepancies: [discrepancy],
          ledgerBreaches: [],
        },
      },
    ]);
    expect(w.relay.nudge).toHaveBeenCalled();
    // What the provider said is synced all the same.
    expect(w.repository.balances.get('tempo:USDC')).toBe(11_234_567n);
  });

  it('reports a clearing balance in a currency the provider neither supports nor reports', async () => {
    const w = setUp();
    w.clearing.set('circle:USDT', -2_000_000n);
    const report = await w.run();
    expect(report.discrepancies).toEqual([
      expect.objectContaining({
        provider: 'circle',
        currency: 'USDT',
        ledger: '-2.00',
        unexplained: '-2.00',
      }),
    ]);
  });

  it('does not report a difference that was gone at the next snapshot', async () => {
    const w = setUp();
    w.booked('tempo', USDC, 10_000_000n);
    w.reported.set('tempo:USDC', 15_000_000n);
    w.providers.tempo.getBalances = async () => {
      // The movement got booked between the two snapshots.
      const answer = [{ currency: USDC, amount: w.reported.get('tempo:USDC') ?? 0n }];
      w.clearing.set('tempo:USDC', -15_000_000n);
      return answer;
    };
    const report = await w.run();
    expect(report).toMatchObject({ status: 'ok', attempts: 2, discrepancies: [] });
    expect(w.events).toEqual([]);
  });

  it('marks a provider in outage unreachable and fails the run, reconciling the others', async () => {
    const w = setUp();
    w.booked('tempo', USDC, 10_000_000n);
    w.booked('circle', USDC, 4_000_000n);
    w.providers.circle.getBalances = async () => {
      throw new ProviderUnavailableError('circle', 'outage: connection refused');
    };
    const report = await w.run();
    expect(report.status).toBe('failed');
    const circle = report.providers.find((p) => p.name === 'circle');
    expect(circle).toEqual({
      name: 'circle',
      reachable: false,
      error: {
        code: 'PROVIDER_UNAVAILABLE',
        message: 'circle is unavailable: outage: connection refused',
      },
      balances: [
        {
          currency: 'USDC',
          provider: null,
          ledger: '-4.00',
          difference: null,
          inTransit: null,
          unexplained: null,
          ok: null,
        },
      ],
      inTransitMovements: [],
    });
    const tempo = report.providers.find((p) => p.name === 'tempo');
    expect(tempo?.reachable).toBe(true);
    expect(tempo?.balances.every((line) => line.ok)).toBe(true);
    expect(report.discrepancies).toEqual([]);
    expect(w.repository.balances.has('circle:USDC')).toBe(false);
    expect(w.repository.balances.get('tempo:USDC')).toBe(10_000_000n);
    // An outage is not a discrepancy: no event, and no second look.
    expect(w.events).toEqual([]);
    expect(w.repository.snapshots).toBe(1);
  });

  it('marks a provider whose status query fails unreachable too', async () => {
    const w = setUp();
    w.repository.unsettled = [
      { id: 'x', kind: 'deposit', status: 'processing', currency: USDC, provider: 'monay' },
    ];
    w.providers.monay.onStatus = async () => {
      throw new ProviderUnavailableError('monay', 'outage');
    };
    const report = await w.run();
    expect(report.status).toBe('failed');
    expect(report.providers.find((p) => p.name === 'monay')?.reachable).toBe(false);
  });

  it('includes ledger invariant breaches, as discrepancies with an event', async () => {
    const w = setUp();
    const breach = { invariant: 'entries-sum-to-zero', detail: 'transaction t1 USDC sums to 1' };
    w.setLedgerReport({ ...cleanLedger, ok: false, breaches: [breach] });
    const report = await w.run();
    expect(report).toMatchObject({
      status: 'discrepancies',
      discrepancyCount: 1,
      ledger: { ok: false, breaches: [breach] },
      discrepancies: [],
    });
    expect(w.events[0].payload).toMatchObject({
      counts: { discrepancies: 0, ledgerBreaches: 1, unreachableProviders: 0 },
      ledgerBreaches: [breach],
    });
  });

  it('reconciles a report once: a second run of it answers the stored report', async () => {
    const w = setUp();
    w.reported.set('tempo:USDC', 1n);
    const id = await w.reconciler.start('admin');
    const first = await w.reconciler.run(id);
    const snapshots = w.repository.snapshots;
    const second = await w.reconciler.run(id);
    expect(second).toEqual(first);
    expect(w.repository.snapshots).toBe(snapshots);
    expect(w.events).toHaveLength(1);
  });

  it('fails the report, saying why, when the run itself breaks', async () => {
    const w = setUp();
    w.repository.failSnapshot = true;
    const report = await w.run();
    expect(report).toMatchObject({ status: 'failed', error: 'connection terminated', providers: [] });
  });

  it('hands an admin run to the job, keyed by its report, and fails the report if it cannot be queued', async () => {
    const w = setUp();
    const id = await w.reconciler.startInBackground('admin');
    expect(w.jobs.enqueue).toHaveBeenCalledWith(
      'providers.reconcile',
      { trigger: 'admin', reportId: id },
      expect.objectContaining({ jobId: id }),
    );
    expect((await w.reconciler.get(id)).status).toBe('running');

    w.jobs.enqueue.mockRejectedValueOnce(new Error('redis down'));
    await expect(w.reconciler.startInBackground('admin')).rejects.toThrow('redis down');
    const failed = [...w.repository.reports.values()].find((r) => r.id !== id);
    expect(failed).toMatchObject({ status: 'failed', error: 'the run could not be queued: redis down' });
  });

  it('answers 404-kind errors for an unknown report and before any run has finished', async () => {
    const w = setUp();
    await expect(w.reconciler.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(w.reconciler.latest()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const id = await w.reconciler.start('admin');
    await expect(w.reconciler.latest()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await w.reconciler.run(id);
    expect((await w.reconciler.latest()).id).toBe(id);
  });
});
