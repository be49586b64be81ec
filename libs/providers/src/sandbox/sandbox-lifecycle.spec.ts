import { stateAt, terminalStage, type Lifecycle } from './sandbox-lifecycle';

const circle: Lifecycle = {
  settlementMs: [2_000, 3_000],
  pending: [
    { status: 'INITIATED', from: 0 },
    { status: 'QUEUED', from: 0.1 },
    { status: 'SENT', from: 0.4 },
    { status: 'CONFIRMED', from: 0.75 },
  ],
  completed: 'COMPLETE',
  failed: 'FAILED',
};

describe('sandbox status lifecycle (a function of time only)', () => {
  const createdAt = new Date('2026-01-01T00:00:00.000Z');
  const settlesAt = new Date('2026-01-01T00:00:02.000Z');
  const at = (ms: number, outcome: 'completed' | 'failed' = 'completed') =>
    stateAt(circle, { createdAt, settlesAt, outcome }, new Date(createdAt.getTime() + ms));

  it('walks Circle through INITIATED → QUEUED → SENT → CONFIRMED → COMPLETE at their fractions', () => {
    expect(at(0)).toEqual({ stage: 0, status: 'pending', providerStatus: 'INITIATED', settledAt: null });
    expect(at(199).providerStatus).toBe('INITIATED');
    expect(at(200).providerStatus).toBe('QUEUED');
    expect(at(800).providerStatus).toBe('SENT');
    expect(at(1_500)).toEqual({ stage: 3, status: 'pending', providerStatus: 'CONFIRMED', settledAt: null });
    expect(at(2_000)).toEqual({
      stage: 4,
      status: 'completed',
      providerStatus: 'COMPLETE',
      settledAt: settlesAt,
    });
    expect(at(60_000).settledAt).toEqual(settlesAt);
  });

  it('ends FAILED at settlement when the outcome was failure, and only then says so', () => {
    expect(at(1_999, 'failed')).toMatchObject({ status: 'pending', providerStatus: 'CONFIRMED' });
    expect(at(2_000, 'failed')).toEqual({
      stage: 4,
      status: 'failed',
      providerStatus: 'FAILED',
      settledAt: settlesAt,
    });
  });

  it('never goes backwards as time passes', () => {
    let previous = -1;
    for (let ms = 0; ms <= 2_500; ms += 50) {
      const { stage } = at(ms);
      expect(stage).toBeGreaterThanOrEqual(previous);
      previous = stage;
    }
    expect(previous).toBe(terminalStage(circle));
  });

  it('settles at once when the settlement time is zero (latency scale 0)', () => {
    expect(stateAt(circle, { createdAt, settlesAt: createdAt, outcome: 'completed' }, createdAt).status).toBe(
      'completed',
    );
  });
});
