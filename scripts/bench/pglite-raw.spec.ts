import { embeddedToPglite, pgliteRawSummary, type PgliteRawLevel, type PgliteRawResult } from './pglite-raw';

function level(concurrency: number, tps: number): PgliteRawLevel {
  return {
    concurrency,
    transfers: tps * 5,
    errors: 0,
    seconds: 5,
    tps,
    latency: { count: tps * 5, meanMs: 2, p50Ms: 2, p95Ms: 3, p99Ms: 4, maxMs: 9 },
    cpu: { processCores: 1, machineBusyCores: 1.1, otherCores: 0.1 },
  };
}

const raw: PgliteRawResult = {
  version: 'PostgreSQL 17.5 on x86_64-pc-linux-gnu',
  accounts: 1000,
  dataDir: '/tmp/pglite',
  startupMs: 900,
  warmUpSeconds: 1,
  direct: { levels: [level(1, 500), level(4, 480)], best: { concurrency: 1, tps: 500 } },
  wire: { levels: [level(1, 300), level(4, 320)], best: { concurrency: 4, tps: 320 } },
  consistent: true,
  consistencyDetail: 'ok',
  rssUnderLoadMb: 450,
  peakRssMb: 1000,
};

describe('the PGlite raw reference', () => {
  it('gives the embedded peak as a share of the direct best (the target) and of the wire best', () => {
    const summary = pgliteRawSummary(raw, 200);
    expect(summary).toEqual({
      pgliteRawBestTps: 500,
      pgliteRawBestConcurrency: 1,
      pgliteWireBestTps: 320,
      embeddedRatioToPgliteRaw: 0.4,
      embeddedRatioToPgliteWire: 0.625,
    });
    expect(embeddedToPglite(summary)).toContain(
      '0.400× of the PGlite raw transfer (target ≥ 0.5×: **NOT met**)',
    );
    expect(embeddedToPglite(pgliteRawSummary(raw, 250))).toContain('target ≥ 0.5×: met');
  });

  it('says nothing when either side was skipped', () => {
    expect(pgliteRawSummary(null, 200).embeddedRatioToPgliteRaw).toBeNull();
    expect(embeddedToPglite(pgliteRawSummary(raw, null))).toBe('');
  });
});
