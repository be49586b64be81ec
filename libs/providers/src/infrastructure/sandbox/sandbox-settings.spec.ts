import { settingsOf } from './sandbox-settings';

describe('sandbox mode settings', () => {
  const now = new Date();

  it('gives degraded its defaults (+400 ms, 30 % refused) and the other modes none', () => {
    expect(settingsOf('tempo', { mode: 'degraded' }, now)).toMatchObject({
      failureRate: 0.3,
      addedLatencyMs: 400,
      failAfterAcceptRate: 0,
    });
    expect(settingsOf('tempo', { mode: 'healthy' }, now)).toMatchObject({
      failureRate: 0,
      addedLatencyMs: 0,
    });
    expect(settingsOf('circle', { mode: 'outage' }, now)).toMatchObject({
      failureRate: 0,
      addedLatencyMs: 0,
    });
  });

  it('keeps what a change states', () => {
    expect(
      settingsOf(
        'monay',
        { mode: 'degraded', failureRate: 1, addedLatencyMs: 0, failAfterAcceptRate: 0.5 },
        now,
      ),
    ).toEqual({
      name: 'monay',
      mode: 'degraded',
      failureRate: 1,
      addedLatencyMs: 0,
      failAfterAcceptRate: 0.5,
      updatedAt: now,
    });
  });
});
