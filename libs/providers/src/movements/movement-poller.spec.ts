import type { AppConfig, Clock } from '#monay/shared';
import type { Movement, MovementObservation } from '../domain/movement';
import { ProviderRefusedError } from '../domain/providers.errors';
import type {
  ProviderName,
  ProviderTransaction,
  StablecoinProvider,
} from '../domain/stablecoin-provider.port';
import type { MovementRepository } from './movement.repository';
import type { Resubmission } from '../routing/provider-router';
import type { ApplyResult, MovementEngine } from './movement-engine';
import { MovementPoller } from './movement-poller';
import { MovementPolicies, type MovementPolicy } from './movement-policy';

const BOUND_MS = 10_000;
const QUARANTINE_MS = 30_000;

function movement(overrides: Partial<Movement> = {}): Movement {
  const createdAt = new Date(Date.now() - 1_000);
  return {
    id: '6a1f4c5e-0000-4000-8000-000000000001',
    userId: 'u-1',
    kind: 'withdrawal',
    status: 'processing',
    currency: 'USDC',
    amount: 10_000_000n,
    fee: null,
    feeHeld: 1_000_000n,
    netAmount: null,
    provider: 'circle',
    providerTransactionId: null,
    providerStatus: null,
    skipped: [],
    settlementTimeMs: null,
    method: null,
    destination: 'GB33BUKB20201555555555',
    speed: 'standard',
    holdId: 'h-1',
    ledgerTransactionId: null,
    idempotencyKey: 'k-1',
    idempotencyScope: 'consumer.withdraw',
    failureCode: null,
    failureMessage: null,
    expectedArrivalEarliest: null,
    expectedArrivalLatest: null,
    createdAt,
    updatedAt: createdAt,
    completedAt: null,
    metadata: {},
    ...overrides,
  };
}

function transaction(provider: ProviderName, status: ProviderTransaction['status']): ProviderTransaction {
  return {
    provider,
    providerTransactionId: `${provider}-tx`,
    idempotencyKey: '6a1f4c5e-0000-4000-8000-000000000001',
    operation: 'withdraw',
    status,
    providerStatus: status === 'pending' ? 'QUEUED' : 'COMPLETE',
    currency: 'USDC',
    amount: 10_000_000n,
    fee: 1_000_000n,
    createdAt: new Date(),
  };
}

/** A provider that answers status queries from a script (a value, null, or an error to throw). */
function provider(name: ProviderName, answer: ProviderTransaction | null | Error) {
  const asked: string[] = [];
  const adapter = {
    name,
    asked,
    getTransactionStatus: (key: string) => {
      asked.push(key);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
  return adapter as typeof adapter & StablecoinProvider;
}

function setup(
  due: Movement[],
  adapters: Array<ReturnType<typeof provider>>,
  options: { resubmission?: Resubmission; quarantineMs?: number } = {},
) {
  const applied: MovementObservation[] = [];
  const rescheduled: Array<{ id: string; seen?: unknown }> = [];
  const resubmitted: string[] = [];
  const failedOver: Array<{ id: string; exclude: Array<{ provider: string; detail: string }> }> = [];
  const repository = {
    claimDue: () => Promise.resolve(due),
    reschedule: (id: string, _at: Date, seen?: unknown) => {
      rescheduled.push({ id, seen });
      return Promise.resolve();
    },
  } as unknown as MovementRepository;
  const engine = {
    routeBudgetMs: 1_000,
    stuckAfterMs: BOUND_MS,
    adapter: (name: ProviderName) => adapters.find((a) => a.name === name),
    adaptersFor: () => adapters,
    apply: (_policy: MovementPolicy, _id: string, observation: MovementObservation) => {
      applied.push(observation);
      const status =
        observation.kind === 'completed'
          ? 'completed'
          : observation.kind === 'failed'
            ? 'failed'
            : 'processing';
      return Promise.resolve({ movement: movement({ status }), changed: true } as ApplyResult);
    },
    resubmit: (_policy: MovementPolicy, moved: Movement) => {
      resubmitted.push(`${moved.provider}:${moved.id}`);
      return Promise.resolve(
        options.resubmission ?? { kind: 'unanswered', error: new Error('timed out again') },
      );
    },
    failover: (
      _policy: MovementPolicy,
      moved: Movement,
      exclude: Array<{ provider: string; detail: string }>,
    ) => {
      failedOver.push({ id: moved.id, exclude });
      return Promise.resolve({
        result: { movement: movement({ status: 'completed', provider: 'monay' }), changed: true },
        unavailable: null,
      });
    },
  } as unknown as MovementEngine;
  const policies = new MovementPolicies();
  policies.register({ kind: 'withdrawal', operation: 'withdraw', outbound: true } as MovementPolicy);
  const config = {
    providers: {
      callTimeoutMs: 200,
      pollIntervalMs: 100,
      pendingResolveAfterMs: BOUND_MS,
      ambiguousQuarantineMs: options.quarantineMs ?? QUARANTINE_MS,
    },
  } as AppConfig;
  return {
    poller: new MovementPoller(repository, engine, policies, config, { now: () => new Date() } as Clock),
    applied,
    rescheduled,
    resubmitted,
    failedOver,
  };
}

describe('movement poller', () => {
  it('settles a movement its provider completed', async () => {
    const circle = provider('circle', transaction('circle', 'completed'));
    const { poller, applied } = setup([movement()], [circle]);
    expect(await poller.pollOnce(10)).toEqual({ checked: 1, settled: 1, stuck: 0 });
    expect(applied).toEqual([expect.objectContaining({ kind: 'completed', provider: 'circle' })]);
  });

  it('asks only the recorded provider', async () => {
    const tempo = provider('tempo', transaction('tempo', 'completed'));
    const circle = provider('circle', null);
    const { poller } = setup([movement({ provider: 'circle' })], [tempo, circle]);
    await poller.pollOnce(10);
    expect(tempo.asked).toEqual([]);
    expect(circle.asked).toHaveLength(1);
  });

  it('never gives up a movement a provider still has pending, however old: it keeps asking', async () => {
    const old = movement({ createdAt: new Date(Date.now() - 10 * BOUND_MS) });
    const circle = provider('circle', transaction('circle', 'pending'));
    const { poller, applied, rescheduled } = setup([old], [circle]);
    expect(await poller.pollOnce(10)).toEqual({ checked: 1, settled: 0, stuck: 0 });
    expect(applied).toEqual([]);
    expect(rescheduled).toEqual([
      {
        id: old.id,
        seen: { provider: 'circle', providerTransactionId: 'circle-tx', providerStatus: 'QUEUED' },
      },
    ]);
  });

  it('moves a movement a crash left pending to processing when a provider has it pending', async () => {
    const stranded = movement({ status: 'pending', provider: null });
    const tempo = provider('tempo', null);
    const circle = provider('circle', transaction('circle', 'pending'));
    const { poller, applied } = setup([stranded], [tempo, circle]);
    await poller.pollOnce(10);
    expect(tempo.asked).toHaveLength(1);
    expect(applied).toEqual([expect.objectContaining({ kind: 'processing', provider: 'circle' })]);
  });

  it('fails (PROVIDER_STUCK) a movement no provider has, only once it is past the bound', async () => {
    const young = movement({ status: 'pending', provider: null });
    const nobody = [provider('tempo', null), provider('circle', null), provider('monay', null)];
    const first = setup([young], nobody);
    expect(await first.poller.pollOnce(10)).toEqual({ checked: 1, settled: 0, stuck: 0 });
    expect(first.applied).toEqual([]);

    const old = movement({
      status: 'pending',
      provider: null,
      createdAt: new Date(Date.now() - BOUND_MS - 1),
    });
    const second = setup([old], nobody);
    expect(await second.poller.pollOnce(10)).toEqual({ checked: 1, settled: 0, stuck: 1 });
    expect(second.applied).toEqual([
      expect.objectContaining({ kind: 'failed', provider: null, code: 'PROVIDER_STUCK' }),
    ]);
  });

  it('takes a provider that cannot answer for an unknown, never for a no', async () => {
    const old = movement({
      status: 'pending',
      provider: null,
      createdAt: new Date(Date.now() - 10 * BOUND_MS),
    });
    const { poller, applied, rescheduled } = setup(
      [old],
      [provider('tempo', new Error('timed out')), provider('circle', null)],
    );
    expect(await poller.pollOnce(10)).toEqual({ checked: 1, settled: 0, stuck: 0 });
    expect(applied).toEqual([]);
    expect(rescheduled).toHaveLength(1);
  });

  describe('a movement its provider timed out on (recorded there, no answer yet)', () => {
    const timedOutAt = (msAgo: number) =>
      movement({
        provider: 'tempo',
        metadata: { ambiguous: { provider: 'tempo', since: new Date(Date.now() - msAgo).toISOString() } },
      });

    it('re-submits it to that provider with the same key when it says "not found", and asks no one else', async () => {
      const ambiguous = timedOutAt(1_000);
      const tempo = provider('tempo', null);
      const circle = provider('circle', transaction('circle', 'completed'));
      const { poller, resubmitted, failedOver, rescheduled, applied } = setup([ambiguous], [tempo, circle]);
      expect(await poller.pollOnce(10)).toEqual({ checked: 1, settled: 0, stuck: 0 });
      expect(resubmitted).toEqual([`tempo:${ambiguous.id}`]);
      expect(circle.asked).toEqual([]);
      expect(failedOver).toEqual([]);
      expect(applied).toEqual([]);
      expect(rescheduled).toHaveLength(1);
    });

    it('follows the transaction the re-submission answers (made once, or the one it had)', async () => {
      const { poller, applied } = setup([timedOutAt(1_000)], [provider('tempo', null)], {
        resubmission: { kind: 'accepted', value: transaction('tempo', 'completed') },
      });
      expect(await poller.pollOnce(10)).toEqual({ checked: 1, settled: 1, stuck: 0 });
      expect(applied).toEqual([expect.objectContaining({ kind: 'completed', provider: 'tempo' })]);
    });

    it('never re-routes it before the quarantine, however often "not found" (never failed STUCK either)', async () => {
      const old = {
        ...timedOutAt(QUARANTINE_MS - 2_000),
        createdAt: new Date(Date.now() - 10 * BOUND_MS),
      };
      const { poller, failedOver, applied } = setup([old], [provider('tempo', null)]);
      await poller.pollOnce(10);
      expect(failedOver).toEqual([]);
      expect(applied).toEqual([]);
    });

    it('re-routes it away from that provider once the quarantine is over with it still not found', async () => {
      const ambiguous = timedOutAt(QUARANTINE_MS + 1);
      const { poller, failedOver } = setup([ambiguous], [provider('tempo', null)]);
      expect(await poller.pollOnce(10)).toEqual({ checked: 1, settled: 1, stuck: 0 });
      expect(failedOver).toEqual([
        {
          id: ambiguous.id,
          exclude: [{ provider: 'tempo', detail: expect.stringMatching(/still had no such transaction/) }],
        },
      ]);
    });

    it('re-routes it at once when the provider definitely refuses the same request', async () => {
      const { poller, failedOver } = setup([timedOutAt(1_000)], [provider('tempo', null)], {
        resubmission: {
          kind: 'refused',
          error: new ProviderRefusedError('tempo', 'the destination is closed'),
        },
      });
      await poller.pollOnce(10);
      expect(failedOver).toEqual([
        expect.objectContaining({
          exclude: [{ provider: 'tempo', detail: expect.stringMatching(/refused the same request/) }],
        }),
      ]);
    });

    it('does nothing but ask again while the provider cannot even answer the status query', async () => {
      const { poller, resubmitted, failedOver } = setup(
        [timedOutAt(QUARANTINE_MS * 2)],
        [provider('tempo', new Error('status down'))],
      );
      await poller.pollOnce(10);
      expect(resubmitted).toEqual([]);
      expect(failedOver).toEqual([]);
    });
  });

  it('leaves kinds it has no policy for to their owners', async () => {
    const swap = movement({ kind: 'swap' });
    const circle = provider('circle', transaction('circle', 'completed'));
    const { poller, applied } = setup([swap], [circle]);
    await poller.pollOnce(10);
    expect(circle.asked).toEqual([]);
    expect(applied).toEqual([]);
  });
});
