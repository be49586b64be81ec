import type { CurrencyCode } from '#monay/kernel';
import type { Movement, MovementStatus } from '../../domain/movement';
import { batchAnswer, readStoredBatch, type BatchAnswerInput } from './external-batch-answer';
import type { BatchRecipientResult } from './send-external-batch.command';

const at = new Date('2026-11-21T10:00:00.000Z');

function movement(overrides: Partial<Movement> & Pick<Movement, 'id' | 'kind' | 'amount'>): Movement {
  return {
    userId: 'u1',
    status: 'pending',
    currency: 'USDC',
    fee: null,
    feeHeld: 500_000n,
    netAmount: null,
    provider: null,
    providerTransactionId: null,
    providerStatus: null,
    skipped: [],
    settlementTimeMs: null,
    method: null,
    destination: null,
    speed: 'standard',
    holdId: 'h1',
    ledgerTransactionId: null,
    idempotencyKey: null,
    idempotencyScope: null,
    failureCode: null,
    failureMessage: null,
    expectedArrivalEarliest: null,
    expectedArrivalLatest: null,
    createdAt: at,
    updatedAt: at,
    completedAt: null,
    metadata: { batchId: 'b1' },
    ...overrides,
  };
}

const transfer = (id: string, status: MovementStatus, fee: bigint | null = null, failureCode?: string) =>
  movement({
    id,
    kind: 'external_transfer',
    amount: 1_000_000n,
    status,
    fee,
    provider: status === 'pending' ? null : 'circle',
    ...(failureCode && { failureCode, failureMessage: `${failureCode} happened` }),
  });

const internal: BatchRecipientResult = {
  index: 0,
  to: 'bob@example.com',
  kind: 'internal',
  status: 'completed',
  amount: '5.00',
  currency: 'USDC',
  transferId: 't1',
  movementId: null,
  fee: '0.00',
  provider: null,
};

function input(legs: Movement[], overrides: Partial<BatchAnswerInput> = {}): BatchAnswerInput {
  return {
    batchId: 'b1',
    recipientCount: legs.length + 1,
    internal: { fee: '0.50', feeCurrency: 'USDC', ledgerTransactionId: 'l1', transfers: [] },
    internalResults: [internal],
    legs: legs.map((m, i) => ({
      index: i + 1,
      to: `0x${String(i).repeat(40)}`,
      amount: '1.00',
      currency: 'USDC' as CurrencyCode,
      movement: m,
    })),
    batches: [],
    ...overrides,
  };
}

describe('batchAnswer: the batch request’s answer from its legs as they stand', () => {
  it('201 completed when every recipient is paid, with each transfer’s own fee and the fees charged', () => {
    const answer = batchAnswer(
      input([transfer('m1', 'completed', 20_000n), transfer('m2', 'completed', 20_000n)]),
    );
    expect(answer.status).toBe(201);
    const batch = answer.body.batch as Record<string, any>;
    expect(batch).toMatchObject({
      status: 'completed',
      totals: [{ currency: 'USDC', amount: '7.00' }],
      fee: '0.50',
      summary: { completed: 3, processing: 0, failed: 0 },
      external: { batches: [], fees: [{ currency: 'USDC', amount: '0.04' }] },
    });
    expect(batch.results.map((r: BatchRecipientResult) => [r.index, r.transferId, r.fee])).toEqual([
      [0, 't1', '0.00'],
      [1, 'm1', '0.02'],
      [2, 'm2', '0.02'],
    ]);
  });

  it('202 processing while any leg is under way; 207 when settled with some paid and some not; 422 when none', () => {
    expect(batchAnswer(input([transfer('m1', 'completed', 1n), transfer('m2', 'processing')])).status).toBe(
      202,
    );
    const partial = batchAnswer(
      input([transfer('m1', 'completed', 1n), transfer('m2', 'failed', null, 'PROVIDER_FAILED')]),
    );
    expect(partial.status).toBe(207);
    expect(partial.body).toMatchObject({ success: true, batch: { status: 'partially_completed' } });
    expect((partial.body.batch as any).results[2].error).toEqual({
      code: 'PROVIDER_FAILED',
      message: 'PROVIDER_FAILED happened',
    });
    const none = batchAnswer(
      input([transfer('m1', 'failed', null, 'PROVIDER_FAILED')], { internal: null, internalResults: [] }),
    );
    expect(none.status).toBe(422);
    expect(none.body).toMatchObject({ success: false, error: { code: 'PROVIDER_FAILED' } });
    const mixed = batchAnswer(
      input(
        [transfer('m1', 'failed', null, 'PROVIDER_FAILED'), transfer('m2', 'failed', null, 'PROVIDER_STUCK')],
        {
          internal: null,
          internalResults: [],
        },
      ),
    );
    expect(mixed.body.error).toMatchObject({ code: 'BATCH_FAILED' });
  });

  it('a refused request is 422 with the refusal, whatever the legs say', () => {
    const refused = batchAnswer(
      input([transfer('m1', 'failed', null, 'INSUFFICIENT_FUNDS')], {
        refusal: { code: 'INSUFFICIENT_FUNDS', message: 'Insufficient funds in USDC' },
      }),
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error).toEqual({ code: 'INSUFFICIENT_FUNDS', message: 'Insufficient funds in USDC' });
  });

  it('legs of one provider batch share its movement and its one fee, counted once', () => {
    const batchMovement = movement({
      id: 'pb',
      kind: 'batch',
      amount: 2_000_000n,
      status: 'completed',
      fee: 100n,
      provider: 'tempo',
      metadata: {
        batchId: 'b1',
        legs: [
          { index: 1, to: '0x' + '1'.repeat(40), amount: '1000000', note: null },
          { index: 2, to: '0x' + '2'.repeat(40), amount: '1000000', note: null },
        ],
      },
    });
    const answer = batchAnswer(input([batchMovement, batchMovement], { batches: [batchMovement] }));
    const batch = answer.body.batch as Record<string, any>;
    expect(batch.external.fees).toEqual([{ currency: 'USDC', amount: '0.0001' }]);
    expect(batch.external.batches).toEqual([
      expect.objectContaining({ id: 'pb', fee: '0.0001', recipients: 2, provider: 'tempo' }),
    ]);
    expect(
      batch.results.slice(1).map((r: BatchRecipientResult) => [r.movementId, r.transferId, r.fee]),
    ).toEqual([
      ['pb', null, '0.00'],
      ['pb', null, '0.00'],
    ]);
  });

  it('a stored answer reads back to the same answer once its movements are found again', () => {
    const legs = [transfer('m1', 'processing'), transfer('m2', 'completed', 20_000n)];
    const stored = batchAnswer(input(legs));
    const read = readStoredBatch(JSON.parse(JSON.stringify(stored.body)) as Record<string, unknown>)!;
    expect(read.legs.map((leg) => leg.movementId)).toEqual(['m1', 'm2']);
    const settled = new Map([
      ['m1', transfer('m1', 'completed', 20_000n)],
      ['m2', legs[1]],
    ]);
    const again = batchAnswer({
      ...read.input,
      legs: read.legs.map(({ movementId, ...leg }) => ({ ...leg, movement: settled.get(movementId)! })),
      batches: [],
    });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(
      JSON.parse(JSON.stringify(batchAnswer(input([settled.get('m1')!, settled.get('m2')!])).body)),
    );
    expect(readStoredBatch({ success: true, batch: { id: 'x' } })).toBeNull();
  });
});
