import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { privateKeyToAccount } from 'viem/accounts';
import { memoOf } from '../../libs/providers/src/chain/tempo-chain';
import {
  DEV_HOT_WALLET_KEY,
  devClients,
  mintDev,
  type DevContracts,
  type RunningAnvil,
} from '../../scripts/chain/dev-chain';
import { auth, balanceOf, expectBooksBalanced, onboard, type Customer } from '../support/money';
import { adapterOf, expectClearingMirrorsProviders } from '../support/provider-movements';
import { expectProvidersReconciled, reconcileProviders } from '../support/reconciliation';
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

/** 50 fresh addresses, none of them ours. */
const RECIPIENTS = Array.from(
  { length: 50 },
  (_, i) => privateKeyToAccount(`0x${(i + 1).toString(16).padStart(64, 'a')}`).address,
);

describe('on-chain mode: a batch of 50 recipients is one transaction; reconciliation compares clearing with balanceOf', () => {
  let anvil: RunningAnvil;
  let contracts: DevContracts;
  let api: ChainApi;
  let payer: Customer;

  beforeAll(async () => {
    ({ anvil, contracts } = await startDevChain());
    api = new ChainApi(anvil.url, contracts, {
      LIMIT_TIERS: JSON.stringify({ '1': { maxPerHour: 10_000 } }),
      TRANSFER_FEE_BATCH: '0.00',
    });
    await api.start();
    payer = await onboard(api.t, 'payer');
    await payFromOutside(
      anvil.url,
      contracts.tokens.USDC,
      await depositAddressOf(api.t, payer),
      2_000_000_000n,
    );
    expect((await watchDeposits(api.t)).credited).toBe(1);
  });
  afterAll(async () => {
    await api?.dispose();
    await anvil?.stop();
  });

  it('pays 50 addresses in ONE transaction (one nonce, one fee), every leg with the movement memo', async () => {
    const hot = privateKeyToAccount(DEV_HOT_WALLET_KEY).address;
    const { public: client } = devClients(anvil.url);
    const nonceBefore = await client.getTransactionCount({ address: hot });
    // 1.01, 1.02, … 1.50: 50 legs, 62.75 in all
    const recipients = RECIPIENTS.map((to, i) => ({ to, amount: `1.${String(i + 1).padStart(2, '0')}` }));
    const response = await api.t
      .http()
      .post('/api/consumer/batch-transfer')
      .set(auth(payer))
      .set('Idempotency-Key', randomUUID())
      .send({ recipients });
    expect(response.status).toBe(201);
    const [providerBatch] = response.body.batch.external.batches;
    expect(response.body.batch.external.batches).toHaveLength(1);
    expect(providerBatch).toMatchObject({
      status: 'completed',
      provider: 'tempo',
      amount: '62.75',
      fee: '0.00',
      recipients: 50,
      txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });

    // On chain: one transaction from the hot wallet, 50 transfers in it, each with the batch's memo.
    expect(await client.getTransactionCount({ address: hot })).toBe(nonceBefore + 1);
    const receipt = await client.getTransactionReceipt({ hash: providerBatch.txHash });
    expect(receipt.status).toBe('success');
    expect(receipt.to).toBe(contracts.batchPayer.toLowerCase());
    const memos = await memoEventsOf(anvil.url, contracts.tokens.USDC, providerBatch.txHash);
    expect(memos).toHaveLength(50);
    expect(new Set(memos.map((event) => event.args.memo))).toEqual(new Set([memoOf(providerBatch.id)]));
    for (const [i, to] of RECIPIENTS.entries()) {
      expect(await tokenBalance(anvil.url, contracts.tokens.USDC, to)).toBe(
        1_000_000n + BigInt(i + 1) * 10_000n,
      );
    }
    // One transaction's base cost instead of 50: about 30 k gas a leg (1.5 M measured), where 50 separate
    // transferWithMemo transactions take about 50 k each.
    expect(receipt.gasUsed).toBeLessThan(50n * 35_000n);

    const atTempo = await adapterOf(api.t, 'tempo').getTransactionStatus(providerBatch.id);
    expect(atTempo?.legs).toHaveLength(50);
    expect((await balanceOf(api.t, payer))?.total).toBe('1937.25');
    await expectBooksBalanced(api.t, [payer]);
    await expectClearingMirrorsProviders(api.t);
  });

  it('reconciles clearing with balanceOf on chain, and reports tokens that reach the hot wallet outside the ledger', async () => {
    await expectProvidersReconciled(api.t);
    const rows = (await api.t.app
      .get(DataSource)
      .query(`SELECT currency, amount::text AS amount FROM tempo_chain_floats ORDER BY currency`)) as Array<{
      currency: string;
      amount: string;
    }>;
    expect(rows).toEqual(
      ['EURC', 'PYUSD', 'USDC', 'USDT'].map((currency) => ({ currency, amount: '1000000000000' })),
    );

    // Injected discrepancy: 7.654321 USDT minted straight to the hot wallet, which the ledger never saw.
    const hot = privateKeyToAccount(DEV_HOT_WALLET_KEY).address;
    await mintDev(anvil.url, contracts.tokens.USDT, hot, 7_654_321n);
    const report = await reconcileProviders(api.t);
    expect(report).toMatchObject({
      status: 'discrepancies',
      discrepancyCount: 1,
      discrepancies: [
        {
          provider: 'tempo',
          currency: 'USDT',
          ledger: '-1000000.00',
          reported: '1000007.654321',
          difference: '7.654321',
          unexplained: '7.654321',
        },
      ],
      ledger: { ok: true, breaches: [] },
    });
    const tempo = report.providers.find((provider) => provider.name === 'tempo')!;
    expect(tempo.balances.filter((line) => !line.ok).map((line) => line.currency)).toEqual(['USDT']);
  });
});
