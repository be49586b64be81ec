import { changeOfStartMode, settingsOf } from './sandbox-settings';

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
      late: false,
      lateByMs: null,
      updatedAt: now,
    });
  });

  it('keeps a late write (and its delay) in timeout mode only', () => {
    expect(settingsOf('tempo', { mode: 'timeout', late: true, lateByMs: 250 }, now)).toMatchObject({
      mode: 'timeout',
      late: true,
      lateByMs: 250,
    });
    expect(settingsOf('tempo', { mode: 'timeout', late: true }, now)).toMatchObject({
      late: true,
      lateByMs: null,
    });
    expect(settingsOf('tempo', { mode: 'healthy', late: true, lateByMs: 250 }, now)).toMatchObject({
      late: false,
      lateByMs: null,
    });
  });

  it('reads the configured start mode timeout-late as timeout with a late write', () => {
    expect(changeOfStartMode('timeout-late')).toEqual({ mode: 'timeout', late: true });
    expect(changeOfStartMode('timeout')).toEqual({ mode: 'timeout' });
    expect(changeOfStartMode('degraded')).toEqual({ mode: 'degraded' });
  });
});
