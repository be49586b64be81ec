import type { Movement } from '../domain/movement';
import { depositResponse, withdrawalResponse } from './movement-view';

const created = new Date('2026-01-05T10:00:00.000Z');

function movement(overrides: Partial<Movement>): Movement {
  return {
    id: 'm-1',
    userId: 'u-1',
    kind: 'deposit',
    status: 'pending',
    currency: 'USDC',
    amount: 100_000_000n,
    fee: null,
    feeHeld: null,
    netAmount: null,
    provider: null,
    providerTransactionId: null,
    providerStatus: null,
    skipped: [],
    settlementTimeMs: null,
    method: 'bank',
    destination: null,
    speed: 'standard',
    holdId: null,
    ledgerTransactionId: null,
    idempotencyKey: 'k',
    idempotencyScope: 'consumer.deposit',
    failureCode: null,
    failureMessage: null,
    expectedArrivalEarliest: null,
    expectedArrivalLatest: null,
    createdAt: created,
    updatedAt: created,
    completedAt: null,
    metadata: {},
    ...overrides,
  };
}

describe('movement answers', () => {
  it('a credited deposit: 201 with the in-house fields clients know, plus the deposit', () => {
    const { status, body } = depositResponse(
      movement({
        status: 'completed',
        provider: 'tempo',
        fee: 100_000n,
        netAmount: 99_900_000n,
        ledgerTransactionId: 'l-1',
        settlementTimeMs: 42,
        completedAt: new Date('2026-01-05T10:00:00.042Z'),
        skipped: [{ provider: 'circle', reason: 'breaker_open' }],
      }),
    );
    expect(status).toBe(201);
    expect(body).toEqual({
      success: true,
      transactionId: 'l-1',
      amount: '100.00',
      currency: 'USDC',
      fee: '0.10',
      credited: '99.90',
      provider: 'tempo',
      method: 'bank',
      status: 'completed',
      settlementTimeMs: 42,
      deposit: {
        id: 'm-1',
        status: 'completed',
        amount: '100.00',
        fee: '0.10',
        credited: '99.90',
        currency: 'USDC',
        provider: 'tempo',
        skippedProviders: [{ provider: 'circle', reason: 'breaker_open' }],
        settlementTimeMs: 42,
        method: 'bank',
        urgency: 'standard',
        transactionId: 'l-1',
        createdAt: '2026-01-05T10:00:00.000Z',
        completedAt: '2026-01-05T10:00:00.042Z',
      },
    });
  });

  it('a deposit still at the provider: 202 processing, nothing credited yet', () => {
    const { status, body } = depositResponse(movement({ status: 'processing', provider: 'circle' }));
    expect(status).toBe(202);
    expect(body).toMatchObject({
      success: true,
      status: 'processing',
      fee: null,
      credited: null,
      transactionId: null,
    });
  });

  it('a failed withdrawal: 422 with its reason and the withdrawal (destination masked, no arrival)', () => {
    const { status, body } = withdrawalResponse(
      movement({
        kind: 'withdrawal',
        status: 'failed',
        destination: 'GB33BUKB20201555555555',
        provider: 'tempo',
        holdId: 'h-1',
        feeHeld: 1_000_000n,
        failureCode: 'PROVIDER_FAILED',
        failureMessage: 'tempo could not complete it',
        completedAt: created,
      }),
    );
    expect(status).toBe(422);
    expect(body).toMatchObject({
      success: false,
      error: { code: 'PROVIDER_FAILED', message: 'tempo could not complete it' },
      withdrawal: {
        status: 'failed',
        destination: '****5555',
        held: '101.00',
        estimatedArrival: { earliest: null, latest: null },
        failure: { code: 'PROVIDER_FAILED' },
      },
    });
    expect(JSON.stringify(body)).not.toContain('GB33BUKB');
  });

  it('a standard withdrawal under way: 202, expected in one to three days', () => {
    const { status, body } = withdrawalResponse(
      movement({
        kind: 'withdrawal',
        status: 'processing',
        destination: 'card_4242',
        holdId: 'h',
        feeHeld: 0n,
      }),
    );
    expect(status).toBe(202);
    expect(body.withdrawal).toMatchObject({
      status: 'processing',
      destination: '****4242',
      estimatedArrival: { earliest: '2026-01-06T10:00:00.000Z', latest: '2026-01-08T10:00:00.000Z' },
    });
  });
});
