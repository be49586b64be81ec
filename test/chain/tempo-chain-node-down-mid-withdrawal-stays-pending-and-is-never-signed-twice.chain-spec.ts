import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MovementPoller } from '../../libs/providers/src/movements/movement-poller';
import { memoOf } from '../../libs/providers/src/chain/tempo-chain';
import {
  DEV_HOT_WALLET_KEY,
  devClients,
  startAnvil,
  type DevContracts,
  type RunningAnvil,
} from '../../scripts/chain/dev-chain';
import { auth, balanceOf, expectBooksBalanced, onboard, type Customer } from '../support/money';
import { expectClearingMirrorsProviders, withdrawRequest } from '../support/provider-movements';
import { waitFor } from '../support/wait';
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

/**
 * The router's ambiguity rule on chain: a transaction broadcast and not yet mined is pending; it is never signed
 * again under a new nonce for the same movement. The node goes away with our withdrawal in its mempool (anvil
 * with automine off, then stopped); it comes back without it (its saved state has no mempool), and the same
 * signed bytes are sent again: one nonce, one hash, paid once.
 */
describe('on-chain mode: the node stopped mid-withdrawal leaves the movement pending, and it settles, once, when the node is back', () => {
  let stateDir: string;
  let anvil: RunningAnvil;
  let contracts: DevContracts;
  let api: ChainApi;
  let alice: Customer;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'monay-anvil-'));
    ({ anvil, contracts } = await startDevChain({ stateFile: join(stateDir, 'state.json') }));
    api = new ChainApi(anvil.url, contracts, {
      LIMIT_TIERS: JSON.stringify({ '1': { maxPerHour: 10_000 } }),
      PROVIDER_SETTLE_WAIT_MS: '300',
    });
    await api.start();
    alice = await onboard(api.t, 'alice');
    await payFromOutside(
      anvil.url,
      contracts.tokens.USDC,
      await depositAddressOf(api.t, alice),
      100_000_000n,
    );
    expect((await watchDeposits(api.t)).credited).toBe(1);
  });
  afterAll(async () => {
    await api?.dispose();
    await anvil?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const storedOf = async (key: string) =>
    (await api.t.app
      .get(DataSource)
      .query(
        `SELECT tx_hash, nonce::text AS nonce, status, broadcasts FROM tempo_chain_transactions WHERE idempotency_key = $1`,
        [key],
      )) as Array<{ tx_hash: string; nonce: string; status: string; broadcasts: number }>;

  const withdrawalOf = async (id: string) =>
    (await api.t.http().get(`/api/consumer/withdrawals/${id}`).set(auth(alice)).expect(200)).body.withdrawal;

  it('stays processing while the node is gone, then settles with the same transaction', async () => {
    const hot = devClients(anvil.url, DEV_HOT_WALLET_KEY).wallet.account!.address;
    const { public: client } = devClients(anvil.url);
    const nonceBefore = await client.getTransactionCount({ address: hot });
    const offRampBefore = await tokenBalance(anvil.url, contracts.tokens.USDC, OFF_RAMP);

    // Blocks stop being mined: our transaction is broadcast and waits in the mempool.
    await client.request({ method: 'evm_setAutomine' as never, params: [false] as never });
    const key = randomUUID();
    const response = await withdrawRequest(
      api.t,
      alice,
      { amount: '30.00', currency: 'USDC', speed: 'standard' },
      key,
    );
    expect(response.status).toBe(202);
    const id = response.body.withdrawal.id as string;
    expect(response.body.withdrawal).toMatchObject({
      status: 'processing',
      provider: 'tempo',
      held: '31.00',
    });
    const [signed] = await storedOf(id);
    expect(signed).toMatchObject({ status: 'pending', nonce: String(nonceBefore), broadcasts: 1 });
    const pending = await client.getTransaction({ hash: signed!.tx_hash as `0x${string}` });
    expect(pending.blockNumber).toBeNull();

    // The node goes away (its state is saved; its mempool is not).
    await anvil.stop();
    const poller = api.t.app.get(MovementPoller);
    for (let i = 0; i < 3; i += 1) await poller.pollOnce(100);
    expect(await withdrawalOf(id)).toMatchObject({ status: 'processing', provider: 'tempo' });
    // The client's retry is answered as it stands: processing, nothing sent again.
    const retry = await withdrawRequest(
      api.t,
      alice,
      { amount: '30.00', currency: 'USDC', speed: 'standard' },
      key,
    );
    expect(retry.status).toBe(202);
    expect((await balanceOf(api.t, alice))?.available).toBe('69.00');

    // The node is back, on the same port and state, without our transaction: it is sent again as the same bytes.
    anvil = await startAnvil({ port: anvil.port, stateFile: join(stateDir, 'state.json') });
    const { public: back } = devClients(anvil.url);
    await waitFor('the withdrawal to settle', async () => {
      await poller.pollOnce(100);
      const withdrawal = await withdrawalOf(id);
      return withdrawal.status === 'completed' ? withdrawal : undefined;
    });

    const [settled] = await storedOf(id);
    expect(settled).toMatchObject({ tx_hash: signed!.tx_hash, nonce: signed!.nonce, status: 'completed' });
    expect(settled!.broadcasts).toBeGreaterThanOrEqual(2);
    const mined = await back.getTransaction({ hash: signed!.tx_hash as `0x${string}` });
    expect(mined.nonce).toBe(nonceBefore);
    expect(await back.getTransactionCount({ address: hot })).toBe(nonceBefore + 1);
    expect(await tokenBalance(anvil.url, contracts.tokens.USDC, OFF_RAMP)).toBe(offRampBefore + 30_000_000n);
    const memos = (
      await memoEventsOf(anvil.url, contracts.tokens.USDC, signed!.tx_hash as `0x${string}`)
    ).filter((event) => event.args.memo === memoOf(id));
    expect(memos).toHaveLength(1);

    expect((await balanceOf(api.t, alice))?.total).toBe('70.00');
    await expectBooksBalanced(api.t, [alice]);
    await expectClearingMirrorsProviders(api.t);
  });

  it('signs concurrent withdrawals with consecutive nonces, none reused or skipped', async () => {
    const hot = devClients(anvil.url, DEV_HOT_WALLET_KEY).wallet.account!.address;
    const { public: client } = devClients(anvil.url);
    const nonceBefore = await client.getTransactionCount({ address: hot });
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        withdrawRequest(api.t, alice, { amount: '1.00', currency: 'USDC', speed: 'standard' }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    const nonces = (
      (await api.t.app
        .get(DataSource)
        .query(`SELECT nonce::int AS nonce FROM tempo_chain_transactions WHERE nonce >= $1 ORDER BY nonce`, [
          nonceBefore,
        ])) as Array<{ nonce: number }>
    ).map((row) => row.nonce);
    expect(nonces).toEqual(Array.from({ length: 8 }, (_, i) => nonceBefore + i));
    expect(await client.getTransactionCount({ address: hot })).toBe(nonceBefore + 8);
    expect((await balanceOf(api.t, alice))?.total).toBe('62.00');
    await expectBooksBalanced(api.t, [alice]);
  });
});
