import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Money } from '#monay/kernel';
import { JobBackend, JobName, JobQueue, QueueName } from '#monay/shared';
import { waitFor } from '../support/wait';
import { memoOf, movementIdOfMemo } from '../../libs/providers/src/chain/tempo-chain';
import { ON_CHAIN_DEPOSIT_WATCHER } from '../../libs/providers/src/chain/on-chain-mode';
import type { TempoDepositWatcher } from '../../libs/providers/src/chain/tempo-deposit-watcher';
import {
  DEV_FLOAT,
  DEV_HOT_WALLET_KEY,
  devClients,
  type DevContracts,
  type RunningAnvil,
} from '../../scripts/chain/dev-chain';
import { auth, balanceOf, expectBooksBalanced, onboard, type Customer } from '../support/money';
import {
  adapterOf,
  expectClearingMirrorsProviders,
  providerJobResultsSince,
  withdrawRequest,
} from '../support/provider-movements';
import {
  ChainApi,
  depositAddressOf,
  memoEventsOf,
  payFromOutside,
  startDevChain,
  tokenBalance,
  watchDeposits,
} from './support/chain';

jest.setTimeout(120_000);

const OFF_RAMP = '0x0ff0000000000000000000000000000000000ff0';

describe('on-chain mode: deposits are credited once across an API restart; withdrawals are mined with their memo', () => {
  let anvil: RunningAnvil;
  let contracts: DevContracts;
  let api: ChainApi;
  let alice: Customer;
  let aliceAddress: `0x${string}`;

  beforeAll(async () => {
    ({ anvil, contracts } = await startDevChain());
    api = new ChainApi(anvil.url, contracts, {
      LIMIT_TIERS: JSON.stringify({ '1': { maxPerHour: 10_000 } }),
    });
    await api.start();
    alice = await onboard(api.t, 'alice');
    aliceAddress = await depositAddressOf(api.t, alice);
  });
  afterAll(async () => {
    await api?.dispose();
    await anvil?.stop();
  });

  const depositsOf = async (userId: string) =>
    (await api.t.app
      .get(DataSource)
      .query(
        `SELECT tx_hash, log_index, movement_id, amount::text AS amount FROM tempo_chain_deposits WHERE user_id = $1`,
        [userId],
      )) as Array<{ tx_hash: string; log_index: number; movement_id: string; amount: string }>;

  it('gives each user a deposit address derived from the seed, and the Tempo adapter is the on-chain one', async () => {
    expect(aliceAddress).toMatch(/^0x[0-9a-f]{40}$/);
    const bob = await onboard(api.t, 'bob');
    expect(await depositAddressOf(api.t, bob)).not.toBe(aliceAddress);
    const tempo = adapterOf(api.t, 'tempo');
    expect(tempo.constructor.name).toBe('TempoChainProvider');
    expect(tempo.capabilities.currencies.swap).toEqual([]);
    expect((await tempo.health()).ok).toBe(true);
  });

  // What the watch job's runs that finished since `since` credited (the every-minute schedule's included).
  const creditedByJobRuns = async (since: number) =>
    (await providerJobResultsSince<{ credited: number }>(api.t, JobName.WatchTempoDeposits, since)).reduce(
      (sum, run) => sum + run.credited,
      0,
    );

  it('credits a Transfer to the deposit address once, and not again after the API restarts', async () => {
    const paidAt = Date.now();
    const txHash = await payFromOutside(anvil.url, contracts.tokens.USDC, aliceAddress, 150_000_000n);
    const first = await watchDeposits(api.t);
    expect(first.credited + (await creditedByJobRuns(paidAt))).toBe(1);
    expect((await balanceOf(api.t, alice))?.total).toBe('150.00');
    const [credited] = await depositsOf(alice.userId);
    expect(credited).toMatchObject({ tx_hash: txHash, amount: '150000000' });

    // The deposit is a movement like any other: in the customer's deposits, completed, nothing withheld.
    const view = await api.t
      .http()
      .get(`/api/consumer/deposits/${credited!.movement_id}`)
      .set(auth(alice))
      .expect(200);
    expect(view.body.deposit).toMatchObject({
      status: 'completed',
      amount: '150.00',
      fee: '0.00',
      credited: '150.00',
      provider: 'tempo',
      method: 'crypto',
    });

    // A second pass reads the re-org window again: the same log is found and not credited twice.
    const again = await watchDeposits(api.t);
    expect(again).toMatchObject({ credited: 0, alreadyCredited: 1 });

    // Restart: the cursor is stored; the re-read window finds the log again and credits nothing.
    await api.stop();
    await api.start();
    // `alice`'s token is still valid (same secrets): the client simply goes on.
    const afterRestart = await watchDeposits(api.t);
    expect(afterRestart.credited).toBe(0);
    expect((await balanceOf(api.t, alice))?.total).toBe('150.00');
    expect(await depositsOf(alice.userId)).toHaveLength(1);

    // A new deposit after the restart is credited (the cursor went on from where it was), here by the job
    // (in the worker when there is Redis), as the schedule runs it.
    const paidAgainAt = Date.now();
    await payFromOutside(anvil.url, contracts.tokens.USDC, aliceAddress, 5_000_000n);
    const jobId = await api.t.app.get(JobQueue).enqueue(JobName.WatchTempoDeposits, {});
    const queue = api.t.app.get(JobBackend).queue(QueueName.Providers);
    const job = await waitFor('the deposit watch job to finish', async () => {
      const found = await queue.getJob(jobId);
      return found?.finishedOn ? found : undefined;
    });
    expect(job.failedReason).toBeUndefined();
    // Ours, or a scheduled run that came first: one of them credited it, once.
    expect(job.returnvalue).toMatchObject({ toBlock: expect.stringMatching(/^\d+$/) });
    expect(await creditedByJobRuns(paidAgainAt)).toBe(1);
    expect((await balanceOf(api.t, alice))?.total).toBe('155.00');
    await expectBooksBalanced(api.t, [alice]);
  });

  it('pays a withdrawal with transferWithMemo to the off-ramp, the movement id in the memo, and settles it', async () => {
    const before = await tokenBalance(anvil.url, contracts.tokens.USDC, OFF_RAMP);
    const key = randomUUID();
    const response = await withdrawRequest(
      api.t,
      alice,
      { amount: '40.00', currency: 'USDC', speed: 'standard' },
      key,
    );
    expect(response.status).toBe(201);
    const { withdrawal } = response.body;
    expect(withdrawal).toMatchObject({
      status: 'completed',
      provider: 'tempo',
      amount: '40.00',
      fee: '0.00',
      debited: '40.00',
    });
    expect(await tokenBalance(anvil.url, contracts.tokens.USDC, OFF_RAMP)).toBe(before + 40_000_000n);

    const atTempo = await adapterOf(api.t, 'tempo').getTransactionStatus(withdrawal.id);
    expect(atTempo).toMatchObject({
      status: 'completed',
      providerStatus: 'finalized',
      amount: 40_000_000n,
      fee: 0n,
    });
    const events = await memoEventsOf(
      anvil.url,
      contracts.tokens.USDC,
      atTempo!.providerTransactionId as `0x${string}`,
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.args).toMatchObject({ to: expect.stringMatching(/^0x0[fF]{2}0/), amount: 40_000_000n });
    expect(events[0]!.args.memo).toBe(memoOf(withdrawal.id));
    expect(movementIdOfMemo(events[0]!.args.memo!)).toBe(withdrawal.id);

    // The same key again: the stored answer, and still one transaction on chain for this movement.
    const replay = await withdrawRequest(
      api.t,
      alice,
      { amount: '40.00', currency: 'USDC', speed: 'standard' },
      key,
    ).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await tokenBalance(anvil.url, contracts.tokens.USDC, OFF_RAMP)).toBe(before + 40_000_000n);
    expect((await balanceOf(api.t, alice))?.total).toBe('115.00');

    await expectBooksBalanced(api.t, [alice]);
    // The clearing account mirrors the chain: minus (hot wallet + deposit addresses), the float included.
    await expectClearingMirrorsProviders(api.t);
    const hot = devClients(anvil.url, DEV_HOT_WALLET_KEY).wallet.account!.address;
    expect(await tokenBalance(anvil.url, contracts.tokens.USDC, hot)).toBe(DEV_FLOAT - 40_000_000n);
  });

  it('finishes a deposit recorded just before a crash: after the restart the poller asks Tempo and books it once', async () => {
    const before = (await balanceOf(api.t, alice))?.total;
    const txHash = await payFromOutside(anvil.url, contracts.tokens.USDC, aliceAddress, 12_000_000n);
    const receipt = await devClients(anvil.url).public.getTransactionReceipt({ hash: txHash });
    const [log] = receipt.logs.filter((entry) => entry.address === contracts.tokens.USDC.toLowerCase());
    // The watcher's first half only (the log's row and its movement), as if the process died right after it.
    const movementId = await api.t.app.get<symbol, TempoDepositWatcher>(ON_CHAIN_DEPOSIT_WATCHER).record({
      userId: alice.userId,
      currency: 'USDC',
      amount: 12_000_000n,
      address: aliceAddress,
      txHash,
      logIndex: log!.logIndex,
      blockNumber: log!.blockNumber,
      blockHash: log!.blockHash,
    });
    expect(movementId).toEqual(expect.any(String));
    await api.stop();
    await api.start();

    const deposit = await waitFor('the poller to book the recorded deposit', async () => {
      const got = await api.t.http().get(`/api/consumer/deposits/${movementId}`).set(auth(alice)).expect(200);
      return got.body.deposit.status === 'completed' ? got.body.deposit : undefined;
    });
    expect(deposit).toMatchObject({
      amount: '12.00',
      credited: '12.00',
      provider: 'tempo',
      method: 'crypto',
    });
    // The watcher then finds the log already credited.
    expect(await watchDeposits(api.t)).toMatchObject({ credited: 0 });
    expect((await balanceOf(api.t, alice))?.total).toBe(
      Money.parse(before!, 'USDC').plus(Money.parse('12.00', 'USDC')).toDecimalString(),
    );
    await expectBooksBalanced(api.t, [alice]);
    await expectClearingMirrorsProviders(api.t);
  });

  it('routes a swap elsewhere: swaps are declared unsupported on chain', async () => {
    const quote = await api.t
      .http()
      .get('/api/consumer/swap/quote')
      .query({ from: 'USDC', to: 'USDT', amount: '10.00' })
      .set(auth(alice))
      .expect(200);
    // Circle's sandbox does not swap either: the router's next candidate that does is Monay.
    expect(quote.body.quote.provider).toBe('monay');
  });
  it('marks a credited deposit whose block was re-organised away as orphaned (re-read of the last blocks)', async () => {
    const { public: client } = devClients(anvil.url);
    const snapshot = await client.request({ method: 'evm_snapshot' as never, params: [] as never });
    const txHash = await payFromOutside(anvil.url, contracts.tokens.USDC, aliceAddress, 9_000_000n);
    expect((await watchDeposits(api.t)).credited).toBe(1);
    const total = (await balanceOf(api.t, alice))?.total;

    // The chain drops those blocks and grows past them: the log is gone.
    await client.request({ method: 'evm_revert' as never, params: [snapshot] as never });
    for (let i = 0; i < 3; i += 1) await client.request({ method: 'evm_mine' as never, params: [] as never });
    expect(await client.getTransactionReceipt({ hash: txHash }).catch(() => null)).toBeNull();

    const report = await watchDeposits(api.t);
    expect(report).toMatchObject({ credited: 0, orphaned: 1 });
    const [row] = (await api.t.app
      .get(DataSource)
      .query(`SELECT orphaned_at FROM tempo_chain_deposits WHERE tx_hash = $1`, [txHash])) as Array<{
      orphaned_at: Date | null;
    }>;
    expect(row?.orphaned_at).not.toBeNull();
    // Never credited twice, never silently reversed: the books keep it, and an operator sees the difference.
    expect((await balanceOf(api.t, alice))?.total).toBe(total);
    expect((await watchDeposits(api.t)).orphaned).toBe(0);
  });
});
